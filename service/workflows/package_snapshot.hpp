#pragma once
// What a package version holds, read from the source sandbox inside one transaction: each root
// campaign as it runs (its live version; a draft as a draft), the segments and templates it
// depends on, all as canonical files. References are by key, so they match in another sandbox;
// secrets are replaced by {"$binding": NAME} placeholders.

#include "packager/manifest.hpp"
#include "packager/package.hpp"
#include "store/store.hpp"

#include <boost/json/array.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ferry::workflows {

struct PackageSnapshot {
    std::map<std::string, std::string> files;  // path -> bytes (manifest excluded)
    std::vector<packager::ManifestObject> objects;
    boost::json::array dependencies;  // [{"from": "campaign/<key>", "to": "segment/<key>"}]
    std::set<std::string> editors;    // who last edited each object held (campaign spec, segment, template)
};

// Throws ferry::Error: 409 when a root campaign is archived or gone from the sandbox, 422 when
// the package holds nothing.
PackageSnapshot package_snapshot(Tx& tx, const packager::Package& package);

// The root campaigns of a package as it stands: its listed campaigns, or for a full package every
// campaign of the source sandbox that is not archived.
std::vector<Campaign> root_campaigns(Tx& tx, const packager::Package& package);

// The files' content, shared by publishing and by import planning (which compares a target
// sandbox's objects with a package's through the same form). KeyOf turns a segment or template id
// of the object's sandbox into its key (it may throw when the reference is gone).
using KeyOf = std::function<std::string(const std::string& id)>;
boost::json::object campaign_object(const Campaign& c, const CampaignSpec& spec, const KeyOf& segment_key,
                                    const KeyOf& template_key);
boost::json::object segment_object(const Segment& s);
boost::json::object template_object(const Template& t);

// The binding name a campaign's secret gets in a package: "<campaign key>.<channel>.<field>".
std::string binding_name(const std::string& campaign_key, const std::string& channel, const std::string& field);

}  // namespace ferry::workflows
