#pragma once
// Use cases on reviews, for every kind of subject (a draft campaign, a live campaign's draft
// version, a package): opening one, and the decisions (approve, request changes, withdraw, and
// the void of a review whose content changed). The rules are approval/review_rules.hpp's; these
// functions gather the facts in the caller's write transaction, apply the ruling and record it.

#include "approval/policy.hpp"
#include "approval/review.hpp"
#include "approval/review_rules.hpp"
#include "packager/package.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"
#include "workflows/campaigns.hpp"
#include "workflows/journal.hpp"
#include "workflows/package_snapshot.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::workflows {

// A review as things stand now: its subject, the requirements (current policies, current
// roles), the approvals and how they count, and the content's last editors.
struct ReviewStatus {
    approval::Review review;
    std::optional<Campaign> campaign;  // a campaign review's subject, when it still exists
    std::vector<approval::Requirement> requirements;
    std::vector<approval::Approval> approvals;
    approval::Evaluation evaluation;
    std::set<std::string> editors;  // the content's last editors (never count, never decide)
    bool content_changed = false;   // the content is no longer what the review's digest names
    // A package review's subject and its content as read now, when it can still be packaged:
    // what an approval that completes the review publishes, read once.
    std::optional<packager::Package> package;
    std::optional<PackageSnapshot> snapshot;
};
ReviewStatus review_status(Tx& tx, const Gate& gate, approval::Review review);

// The spec a campaign review is about (the draft version's for a campaign_draft review), or
// nullptr when that draft version is gone.
const CampaignSpec* reviewed_spec(const approval::Review& r, const Campaign& c);

// The review a caller may see: 404 otherwise (another sandbox's is as if it did not exist).
approval::Review visible_review(Tx& tx, const Actor& actor, std::string_view review_id);

// Opens the review of a submitted campaign (or of its draft version): audited, announced.
void open_campaign_review(Tx& tx, Journal& journal, const Campaign& c, const Sandbox& sandbox, bool draft_version);

// Withdraws the campaign's pending review, if any, without touching its status (archive, stop,
// segment archive): audited and announced.
void cancel_pending_review(Tx& tx, Journal& journal, Campaign& c, const std::string& reason);

// Ends a pending campaign review without approving it (changes requested, withdrawn, voided):
// a campaign goes back to draft through transition(), a draft version is unlocked; saved,
// audited, announced.
void end_campaign_review(Tx& tx, Journal& journal, approval::Review& review, Campaign& c, approval::ReviewState state,
                         const std::string& comment);

approval::Review request_changes(Tx& tx, const Actor& actor, std::string_view review_id, const std::string& comment);
approval::Review withdraw(Tx& tx, const Actor& actor, std::string_view review_id);

// What an approved package review publishes: the content read in the approving transaction,
// whose version workflows::approve_review numbers and reserves in that same transaction.
struct Publication {
    packager::Package package;
    PackageSnapshot snapshot;                   // the content approved (its digest is the review's)
    std::string digest;                         // the content approved
    std::string requested_by;                   // the publisher
    std::vector<approval::Approval> approvals;  // those that counted, for the manifest
};

struct ApprovalOutcome {
    approval::Review review;
    // The content had changed: the review ended as voided, nothing was approved. The caller
    // answers `stale` (409 review_stale) once the transaction has committed.
    std::optional<Error> stale;
    std::optional<Publication> publish;
};
// The decision, in the caller's transaction. A campaign review that it completes takes effect
// now (audited, announced). A package review that it completes is marked approved and audited,
// and `publish` says what to publish: its review.decided is announced with the version, by
// workflows::approve_review, which is the use case to call for a package review.
ApprovalOutcome approve(Tx& tx, const Actor& actor, std::string_view review_id, const std::string& comment);

// Puts back in review a package review whose publication failed (the git store refused the
// version, or ferryd died before writing it): the approval that completed it is taken back,
// audited as review.reopen with the reason. Nothing happens unless the review is approved.
void reopen_package_review(Tx& tx, Journal& journal, const std::string& tenant, const std::string& review_id,
                           const std::string& reason);

// The digest a package review binds to: every object's path and SHA-256 as it would be published
// (read now, or from a snapshot already read).
std::string package_content_digest(Tx& tx, const packager::Package& package);
std::string package_content_digest(const packager::Package& package, const PackageSnapshot& snapshot);

// After an edit in `sandbox` (a campaign, segment or template, or a package's list): each
// pending review of one of its packages whose content is no longer what the review's digest
// names ends now as voided (audited, review.decided), not at its next approval.
void void_changed_package_reviews(Tx& tx, const Actor& actor, std::string_view sandbox);

// Whether a package policy gates publishing this package for this actor (no write).
bool package_review_required(Tx& tx, const Actor& actor, const packager::Package& package);

// Publishing a package that a package policy gates: the pending review of this content, or a new
// one (a pending review of other content is voided first). nullopt when no policy applies.
std::optional<approval::Review> request_package_review(Tx& tx, const Actor& actor, const packager::Package& package);

}  // namespace ferry::workflows
