#include "workflows/recovery.hpp"

#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "workflows/journal.hpp"
#include "workflows/reviews.hpp"

#include <set>

namespace ferry::workflows {

std::string package_lock_name(const std::string& tenant, const std::string& package) {
    return "package\n" + tenant + "\n" + package;
}

void record_published(Tx& tx, Journal& journal, const packager::PackageVersion& v, boost::json::object details) {
    tx.upsert_package_version(v);
    details["commit"] = v.commit;
    details["digest"] = v.digest;
    journal.record(v.tenant, "package.publish", "packages/" + v.package + "/versions/" + std::to_string(v.version),
                   std::move(details));
    if (!v.review_id.empty())
        if (const auto review = tx.review(v.tenant, v.review_id)) journal.emit(ReviewDecided{*review, std::nullopt});
    journal.emit(PackagePublished{v});
}

void release_version(Tx& tx, Journal& journal, const packager::PackageVersion& v, const std::string& reason) {
    tx.delete_package_version(v.tenant, v.package, v.version);
    if (auto p = tx.package(v.tenant, v.package); p && p->last_version == v.version) {
        --p->last_version;
        tx.upsert_package(*p);
    }
    if (!v.review_id.empty()) reopen_package_review(tx, journal, v.tenant, v.review_id, reason);
}

std::size_t settle_package(Store& store, packager::VersionStore& git, const std::string& tenant,
                           const std::string& package, bool check_branch) {
    std::vector<packager::PackageVersion> unfinished;
    for (auto& v : store.read([&](Tx& tx) { return tx.package_versions(tenant, package); }))
        if (v.state == packager::VersionState::publishing) unfinished.push_back(std::move(v));
    if (unfinished.empty() && !check_branch) return 0;
    git.clear_stale_locks(tenant);
    for (auto v : unfinished) {
        if (const auto commit = git.version_commit(v.tenant, v.package, v.version)) {
            const auto files = git.read_version(v.tenant, v.package, v.version);
            v.state = packager::VersionState::published;
            v.commit = *commit;
            v.digest = "sha256:" + crypto::sha256_hex(files.at("manifest.json"));
            const Actor recovery = Actor::recovery(SystemClock().now());
            store.write([&](Tx& tx) {
                Journal journal(tx, recovery);
                record_published(tx, journal, v, {{"recovered", true}});
            });
            log::warn("package version recovered",
                      {{"tenant", v.tenant}, {"package", v.package}, {"version", v.version}});
        } else {
            const Actor recovery = Actor::recovery(SystemClock().now());
            store.write([&](Tx& tx) {
                Journal journal(tx, recovery);
                release_version(tx, journal, v, "ferryd stopped before the version was written");
            });
            log::warn("package version reservation released",
                      {{"tenant", v.tenant}, {"package", v.package}, {"version", v.version}});
        }
    }
    // A crash between moving the branch and recording the version leaves the branch ahead.
    const auto versions = store.read([&](Tx& tx) { return tx.package_versions(tenant, package); });
    std::optional<std::string> last;
    for (const auto& v : versions)
        if (v.state == packager::VersionState::published) last = v.commit;
    if (git.head(tenant, package) != last) git.set_branch(tenant, package, last);
    return unfinished.size();
}

std::size_t recover_publishes(Store& store, packager::VersionStore& git) {
    std::set<std::pair<std::string, std::string>> packages;
    for (const auto& v : store.read([](Tx& tx) { return tx.unfinished_versions(); }))
        packages.emplace(v.tenant, v.package);
    std::size_t settled = 0;
    for (const auto& entry : packages) {
        // Named copies, not structured bindings: lambdas capture those only from C++20 compilers
        // that implement P1091 (clang 16+), and the fuzz build uses clang 14.
        const std::string& tenant = entry.first;
        const std::string& package = entry.second;
        // A lock held means a live node is publishing the package right now; its publisher (or the
        // next one, on any node) settles whatever is left first, so starting need not wait for it.
        const auto held = store.try_lock(package_lock_name(tenant, package));
        if (!held) continue;
        settled += settle_package(store, git, tenant, package);
    }
    return settled;
}

}  // namespace ferry::workflows
