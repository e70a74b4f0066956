#pragma once
// The target side of an import: what a sandbox holds, in the same form a package holds it, so
// that the planner compares like with like (packages/snapshot.hpp builds both).

#include "packager/import_plan.hpp"
#include "store/store.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <vector>

namespace ferry::imports {

// Segment and template keys of one sandbox by id, for writing its campaigns in package form.
class TargetForms {
public:
    TargetForms(Tx& tx, const std::string& tenant, const std::string& sandbox);

    void add_segment(const std::string& id, const std::string& key) { segment_keys_[id] = key; }
    void add_template(const std::string& id, const std::string& key) { template_keys_[id] = key; }

    // The campaign's content as a package would hold it: its draft version when a live campaign
    // has one (that is where imports and edits of live campaigns land), else its spec.
    boost::json::object campaign(const Campaign& c) const;

    // The secrets of that content, where its package form puts their bindings: hex SHA-256 of
    // each value by place ("spec.content.webhook.auth_header").
    static std::map<std::string, std::string> secret_digests(const Campaign& c);

    // The content digest of a target object in package form, under the key the package knows it
    // by (an object created beside another with create_new has a key of its own).
    static std::string digest(boost::json::object form, const std::string& as_key);

private:
    std::map<std::string, std::string> segment_keys_;
    std::map<std::string, std::string> template_keys_;
};

// Every object of the sandbox as the planner sees it: matched by key, or, for objects an earlier
// import of the same package created, by the key they have in the package (provenance).
std::vector<packager::TargetObject> target_objects(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                                   const std::string& package);

}  // namespace ferry::imports
