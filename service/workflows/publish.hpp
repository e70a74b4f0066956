#pragma once
// Publishing a package version (product.md §5): the use case behind POST .../versions, and the
// approval that completes a package review (approve_review). It spans transactions and the git
// store: for POST .../versions the snapshot is read and the manifest signed before any write
// transaction and the number reserved in a short one; for an approval, the decision and the
// reservation are one transaction. The git store is written outside any, and the version is
// recorded in a last one; a crash between them is settled by workflows/recovery.

#include "approval/policy.hpp"
#include "keys/key_store.hpp"
#include "packager/git_store.hpp"
#include "packager/package.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"
#include "workflows/reviews.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::workflows {

// What publishing uses besides the store: the package store, the signing keys, and what the
// caller wants to hear of (none of it required).
struct PublishServices {
    Store& store;
    packager::VersionStore& git;
    const keys::KeyStore& keys;
    std::string request_id;                              // for log lines
    std::function<void(std::string_view)> crash_hook;    // tests only: FERRY_TEST_CRASH_AT
    std::function<void()> git_error;                     // the git store refused a version
    std::function<void(std::size_t)> objects_published;  // files of a new version, manifest aside
};

struct PublishRequest {
    std::string package;
    std::vector<approval::Approval> approvals;  // recorded in the manifest
    std::string publisher;                      // the manifest's created_by
    bool allow_empty = false;                   // make a version even if nothing changed
};

struct Published {
    packager::PackageVersion version;
    bool unchanged = false;  // the content was the latest version's: that version, none made
};

// Publishes the next version now (one publisher per package across nodes, under the package's
// lease). Unless allow_empty, content identical to the latest version's makes no version: that
// one is answered, marked unchanged. 503 store_failed when the git store refuses the version
// (nothing published, the number released).
Published publish(const PublishServices& services, const Actor& actor, const PublishRequest& request);

// An approval (POST /reviews/{id}/approve) and what it published.
struct Approved {
    approval::Review review;
    std::optional<Error> stale;  // the content had changed: voided (committed), answer 409 review_stale
    std::optional<packager::PackageVersion> published;  // the version a completed package review made
};

// Approves a review as `actor` (workflows::approve). When the approval completes a package
// review, the version it publishes is decided with it: eligibility, the content (still the one
// approved, read once), the version's number and its reservation are one transaction, under the
// package's lease; then the git store is written and the version recorded, with the review's
// review.decided and package.published. If the git store refuses the version (503
// store_failed), or ferryd dies before writing it (settled by recovery), the reservation is
// released and the approval taken back: the review is pending again, nothing was published.
Approved approve_review(const PublishServices& services, const Actor& actor, std::string_view review_id,
                        const std::string& comment);

// The latest published version if `package`'s content today is exactly its content (same files,
// byte for byte): publishing now would add nothing.
std::optional<packager::PackageVersion> unchanged_since_latest(Store& store, packager::VersionStore& git,
                                                               const std::string& tenant, const std::string& package);

}  // namespace ferry::workflows
