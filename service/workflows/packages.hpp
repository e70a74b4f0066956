#pragma once
// Use cases on a package's definition (what it holds, from which sandbox): create, edit, delete,
// add a campaign. Each writes in the caller's transaction, records through the Journal, and
// voids the package's pending review when what it would publish changed. Publishing is
// workflows/publish.hpp.

#include "packager/package.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ferry::workflows {

// The campaigns of `sandbox` that `objects` lists ([{"kind":"campaign","id":...}]), each present
// and not archived, without repeats; 422 naming objects[i] otherwise.
std::vector<std::string> package_campaign_ids(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                              const boost::json::array& objects);

// `draft` holds the name, source sandbox, kind and description. A name used before (deleted)
// continues its numbering and keeps its sandbox (409 name_taken otherwise); 409 already_exists
// while it exists.
packager::Package create_package(Tx& tx, const Actor& actor, packager::Package draft,
                                 const boost::json::array* objects);

// `package` as the caller may see and edit it (the caller checked its If-Match).
packager::Package edit_package(Tx& tx, const Actor& actor, packager::Package package,
                               const std::optional<std::string>& description, const boost::json::array* objects);

// A tombstone: the published versions stay in git, and the numbering goes on if the name returns.
void delete_package(Tx& tx, const Actor& actor, packager::Package package);

// Adds a campaign of `sandbox` to the package `name` (422 when there is no such package, it takes
// another sandbox's campaigns, or it is full).
packager::Package add_campaign_to_package(Tx& tx, const Actor& actor, const std::string& name,
                                          const std::string& sandbox, const std::string& campaign_id);

}  // namespace ferry::workflows
