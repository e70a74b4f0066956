#pragma once
// Imports (product.md §6) as the handlers use them: reading and verifying a package version from
// the git store, planning over the target sandbox, applying a plan in the caller's transaction,
// and rolling an import back.

#include "api/context.hpp"
#include "packager/import_plan.hpp"
#include "packager/package.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::api {

// The body of a plan (and of an apply that does not name a plan).
struct ImportRequest {
    std::string package;
    std::int64_t version = 0;
    packager::PlanOptions options;
    bool allow_downgrade = false;
    boost::json::object body;  // as received, for keeping with the plan
};
ImportRequest read_import_request(const boost::json::object& body);

// "The same options": conflict policy, overrides and bindings (values by digest only).
std::string options_digest(const packager::PlanOptions& options);

// A version read from the store and verified: the manifest's signature against the tenant's key
// that signed it, the tag against the recorded commit, every object's size and digest. A failure
// is 422 package_invalid naming the object; 404 when the package or version does not exist.
struct VerifiedVersion {
    packager::PackageVersion version;
    std::vector<packager::PackagedObject> objects;
};
VerifiedVersion load_verified(Context& ctx, const std::string& package, std::int64_t version);

// 409 downgrade when an older version than the last one applied is asked for without permission.
void check_downgrade(Tx& tx, const Context& ctx, const ImportRequest& request);

packager::Plan plan_for(Tx& tx, const Context& ctx, const VerifiedVersion& version, const ImportRequest& request);
boost::json::array plan_items_json(const packager::Plan& plan);

// Applies the plan (no conflicts, nothing missing) in tx and records the import: its items,
// what it touched, the origins of what it wrote, the audit record and the import.applied event.
ImportRecord apply_plan(Tx& tx, Context& ctx, const VerifiedVersion& version, const ImportRequest& request,
                        const packager::Plan& plan);

// Puts every object the import touched back as it was before; 409 edited_since, listing them,
// when any was changed after the import.
void undo_import(Tx& tx, Context& ctx, ImportRecord& record);

// with_items: every item; lists show the counts per action only.
boost::json::object import_json(const ImportRecord& r, bool with_items);

}  // namespace ferry::api
