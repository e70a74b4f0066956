#pragma once
// Reconciliation of the database and the git store after a crash (of this node at start-up, or of
// another node, found by the next publisher): a version is either fully there in both, or not at all.

#include "packager/git_store.hpp"
#include "store/store.hpp"
#include "workflows/journal.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace ferry::workflows {

// The name of the lock that one package's publishers and settlers hold (Store::lock): on
// PostgreSQL it is shared by all nodes.
std::string package_lock_name(const std::string& tenant, const std::string& package);

// Records a version written to the git store as published: audited as package.publish (with
// `details`), announced as package.published, after the review.decided of the package review
// whose approval published it, if any.
void record_published(Tx& tx, Journal& journal, const packager::PackageVersion& v, boost::json::object details);

// Releases the reservation of a version that never reached the git store: its number is free
// again, and the approval that made it, if any, is taken back (reopen_package_review).
void release_version(Tx& tx, Journal& journal, const packager::PackageVersion& v, const std::string& reason);

// For every version of the package left "publishing": if its tag made it into git it is recorded
// as published, otherwise its reservation is released; then the branch is reset to the last
// published version and stale lock files are cleared. The caller holds the package's lock, so
// no publisher of it is running anywhere. Returns how many versions it settled. With
// `check_branch` (after a lost race), the branch is reset even when no version was left
// "publishing": a publish whose answer from a network git remote was lost may have moved the
// branch and then released its reservation.
std::size_t settle_package(Store& store, packager::VersionStore& git, const std::string& tenant,
                           const std::string& package, bool check_branch = false);

// settle_package() for every package with a version left "publishing", each under its lock; a package
// whose lock another node holds is left to that node's publisher (it settles before it reserves).
std::size_t recover_publishes(Store& store, packager::VersionStore& git);

}  // namespace ferry::workflows
