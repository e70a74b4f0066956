#pragma once
// Imports (product.md §6): reading and verifying a package version from the git store, planning
// it over a target sandbox of the same tenant, applying a plan in the caller's transaction, and
// rolling an import back. The actor's tenant is the package's and the target's.

#include "core/error.hpp"
#include "imports/model.hpp"
#include "packager/git_store.hpp"
#include "packager/import_plan.hpp"
#include "packager/package.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::workflows {

// What to import, and how: the body of a plan (and of an apply that does not name a plan).
struct ImportRequest {
    std::string package;
    std::int64_t version = 0;
    packager::PlanOptions options;
    bool allow_downgrade = false;
    std::optional<std::string> bypass_reason;  // break-glass through a freeze window (bypass_pipeline)
    bool freeze_checked = false;               // the caller (a promotion) decided about freeze windows
    boost::json::object body;                  // as received, for keeping with the plan
};

// The body of an import request (POST .../imports/plan, POST .../imports without a plan digest,
// the request a stored plan or a promotion keeps): 422 naming the field that is missing or wrong.
ImportRequest read_import_request(const boost::json::object& body);

// "The same options": conflict policy, overrides and bindings (values by digest only).
std::string options_digest(const packager::PlanOptions& options);

// A version read from the store and verified: the manifest's signature against the tenant's key
// that signed it, the tag against the recorded commit, every object's size and digest.
struct VerifiedVersion {
    packager::PackageVersion version;
    std::vector<packager::PackagedObject> objects;
    // The store it was read from, where planning reads the bases of merges (docs/sync.md); none
    // for a version built in memory, whose edited objects are then planned without a merge.
    packager::VersionStore* git = nullptr;
};

// The 422 package_invalid of a version the git store could not read (rather than one that read
// but failed verification), so that the caller can count the store's failures.
class UnreadableVersion : public Error {
public:
    using Error::Error;
};

// Reads the actor's tenant's version in a read transaction of its own, then its files from git.
// A failure is 422 package_invalid naming the object (UnreadableVersion when git failed); 404
// when the package or version does not exist.
VerifiedVersion load_verified(Store& store, packager::VersionStore& git, const Actor& actor, const std::string& package,
                              std::int64_t version);

// 409 downgrade when an older version than the last one applied to the sandbox is asked for
// without allow_downgrade.
void check_downgrade(Tx& tx, const Actor& actor, const std::string& sandbox, const ImportRequest& request);

// The plan of the version over what the sandbox holds now.
packager::Plan plan_for(Tx& tx, const Actor& actor, const std::string& sandbox, const VerifiedVersion& version,
                        const ImportRequest& request);

// Called at named steps of an apply; tests only (FERRY_TEST_CRASH_AT stops the process there).
using CrashHook = std::function<void(std::string_view)>;

struct ImportOutcome {
    ImportRecord record;           // the new import, or the one applied already
    bool already_applied = false;  // the same version with the same options was the last applied
    std::size_t objects = 0;       // the plan's items, when applied now
};

// Applies the version to the sandbox now, unless the last import of the package there was this
// version with the same options (already_applied; nothing is written). Otherwise 409 downgrade,
// 409 plan_stale when `expected_plan_digest` is not the plan's digest today, 409 conflicts, 422
// blocked (bindings or dependencies missing); else writes every item and records the import:
// its items, what it touched, the origins of what it wrote, the audit record and the
// import.applied event.
ImportOutcome apply_import(Tx& tx, const Actor& actor, const std::string& sandbox, const VerifiedVersion& version,
                           const ImportRequest& request, const std::optional<std::string>& expected_plan_digest,
                           const CrashHook& crash_hook = {});

// Puts every object the import touched back as it was before and returns the import, rolled
// back; 409 edited_since, listing them, when any was changed after the import; 409
// already_rolled_back.
ImportRecord undo_import(Tx& tx, const Actor& actor, ImportRecord record);

}  // namespace ferry::workflows
