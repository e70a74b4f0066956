#pragma once
// Import planning (product.md §6), as pure logic over a package's objects and a snapshot of the
// target sandbox: for every object, create / update / reuse / skip / conflict, with the reason,
// the missing bindings and dependencies, and a digest that identifies the plan exactly. The
// service verifies the package before and applies a plan in one transaction after.

#include "core/object_kind.hpp"
#include "packager/merge.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {

// One object of the package, as read from its file.
struct PackagedObject {
    ObjectKind kind = ObjectKind::campaign;
    std::string key;
    std::string name;
    boost::json::object file;  // the parsed file
};

// What the target sandbox holds under the same kind and key.
struct TargetObject {
    ObjectKind kind = ObjectKind::campaign;
    std::string key;
    std::string id;
    std::string own_key;  // its key in the target when matched by provenance under the package's key
    std::string name;
    bool archived = false;
    std::string locked;  // why it cannot take an import (a completed campaign...); empty: it can
    bool in_review = false;
    bool live = false;                           // a campaign that is scheduled, active or paused
    std::string content_digest;                  // content_digest_of() of its exportable form
    std::optional<std::string> imported_digest;  // the content digest it had when last imported
    // The secrets its exportable form replaces by bindings, by where they sit in the form
    // ("spec.content.webhook.auth_header"): hex SHA-256 of the value it holds. A re-import whose
    // bound value differs is a change although the forms are identical.
    std::map<std::string, std::string> secret_digests;
    // For an object the last import of the same package wrote (docs/sync.md): its file in that
    // version (the merge's base), that version, and the object as the target holds it now in
    // package form under the package's key. All three or none.
    std::optional<boost::json::object> base;
    std::int64_t base_version = 0;
    std::optional<boost::json::object> form;
};

// merge (the default): an object the target edited since the package's last import into it is
// merged field by field with the new version (docs/sync.md); where there is no base, as fail.
enum class ConflictPolicy { fail, create_new, use_existing, update, merge };
std::optional<ConflictPolicy> parse_conflict_policy(std::string_view s);
std::string_view to_string(ConflictPolicy p);

struct PlanOptions {
    ConflictPolicy policy = ConflictPolicy::merge;
    std::map<std::string, ConflictPolicy> overrides;  // "<kind>/<key>"
    std::map<std::string, std::string> bindings;      // NAME -> value (values never enter the plan)
    // "<kind>/<key>" -> JSON Pointer -> how that merge conflict is decided.
    std::map<std::string, std::map<std::string, MergeChoice>> resolutions;
};

// A request the planner cannot follow: a resolution for an object or path that has no conflict.
// `field` names it as the request does ("resolutions.campaign/promo./spec/name").
class PlanInputError : public std::invalid_argument {
public:
    PlanInputError(std::string field, const std::string& message)
        : std::invalid_argument(message), field_(std::move(field)) {}
    const std::string& field() const { return field_; }

private:
    std::string field_;
};

// What the import does with one object: writes it anew, overwrites the target's, keeps the
// target's although it differs, leaves an identical one alone, refuses, or writes the three-way
// merge of the target's edits and the version's changes.
enum class PlanAction { create, update, reuse, skip, conflict, merge };
std::string_view to_string(PlanAction a);
std::optional<PlanAction> parse_plan_action(std::string_view s);
// create, update and merge: the apply writes the object (and needs its bindings and dependencies).
inline bool writes(PlanAction a) {
    return a == PlanAction::create || a == PlanAction::update || a == PlanAction::merge;
}

// What a merge brings (docs/sync.md): every path where the merged object differs from the
// target, every conflict with its resolution, and the object the apply writes.
struct MergeView {
    std::int64_t base_version = 0;
    boost::json::array changes;    // [{path, base?, source?, target?, merged?}]
    boost::json::array conflicts;  // [{path, base?, source?, target?, resolution, merged?}]
    boost::json::object merged;
};

struct PlanItem {
    ObjectKind kind = ObjectKind::campaign;
    std::string key;
    std::string name;
    PlanAction action = PlanAction::create;
    std::string reason;
    std::optional<std::string> target_id;
    std::optional<std::string> new_key;  // create_new beside an existing object
    bool as_draft_version = false;       // an update of a live campaign lands as its draft version
    std::vector<std::string> missing_bindings;
    std::vector<std::string> missing_dependencies;  // "segment/<key>"
    std::optional<MergeView> merge;                 // a merge, or a conflict a merge left
};

struct Plan {
    std::vector<PlanItem> items;
    std::vector<std::string> warnings;
    bool conflicts = false;  // some item is a conflict
    bool blocked = false;    // conflicts, missing bindings or missing dependencies: apply refuses
    std::string digest;      // "sha256:..." over the package digest, the options and the items
};

// An item as plans show it: {kind, key, name, action, reason, target_id, new_key,
// as_draft_version, missing_bindings, missing_dependencies}, and `merge` when it has one.
boost::json::object to_json(const PlanItem& item);

// The digest two sandboxes compare to decide "identical": the object's content without the
// fields that only describe its state in one sandbox (status, live_version). Secrets are
// bindings in it, compared apart (TargetObject::secret_digests).
std::string content_digest_of(const boost::json::object& file);

// Every {"$binding": NAME} of a file, by where it sits ("spec.content.webhook.auth_header").
std::map<std::string, std::string> binding_places(const boost::json::object& file);

// Plans importing `objects` (every object of the verified package version) into the target.
// Throws PlanInputError for a resolution that names no conflict.
Plan plan_import(const std::string& package_digest, const std::vector<PackagedObject>& objects,
                 const std::vector<TargetObject>& target, const PlanOptions& options);

}  // namespace ferry::packager
