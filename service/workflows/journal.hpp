#pragma once
// The journal of a use case: the one writer of the tenant's hash-chained audit log, and the one
// place where webhook events get their bodies. Events are typed; each type has one payload shape,
// whichever path (a request, the scheduler, recovery, a cascade) produced it. Everything is
// written in the caller's transaction, so a record or an event exists exactly when its change
// was committed.

#include "approval/review.hpp"
#include "audit/record.hpp"
#include "campaigns/model.hpp"
#include "imports/model.hpp"
#include "packager/package.hpp"
#include "pipelines/model.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry::workflows {

// campaign.status_changed: {campaign, key, sandbox, from, to, by}
struct CampaignStatusChanged {
    const Campaign& campaign;
    CampaignStatus from;
};

// review.requested: {review, kind, sandbox, campaign, package, name, requested_by, digest}
// (campaign is null for a package review, package null for a campaign's)
struct ReviewRequested {
    const approval::Review& review;
};

// review.decided: {review, kind, sandbox, campaign, package, decision, by, comment, live_version}
// for every way a review ends (approved, changes_requested, withdrawn, voided); live_version is
// the campaign's new live version when an approval made it go live, else null.
struct ReviewDecided {
    const approval::Review& review;
    std::optional<std::int64_t> live_version;
};

// promotion.scheduled, .waiting, .applied, .live, .failed: {id, pipeline, package, version, stage,
// status, waiting, import, by}
struct PromotionChanged {
    const pipelines::Promotion& promotion;
};

// package.published: {package, version, commit, digest, by}
struct PackagePublished {
    const packager::PackageVersion& version;
};

// import.applied: {import, sandbox, package, version, digest, counts, by} (counts: items per action)
struct ImportApplied {
    const ImportRecord& import;
    const boost::json::object& counts;
};

// import.rolled_back: {import, sandbox, package, version, by}
struct ImportRolledBack {
    const ImportRecord& import;
};

boost::json::object payload(const CampaignStatusChanged& e, const Actor& by);
boost::json::object payload(const ReviewRequested& e);
boost::json::object payload(const ReviewDecided& e, const Actor& by);
boost::json::object payload(const PackagePublished& e);
boost::json::object payload(const ImportApplied& e);
boost::json::object payload(const ImportRolledBack& e);
boost::json::object payload(const PromotionChanged& e, const Actor& by);

// An audit record by this actor, not yet chained. The token that authenticated the actor, if
// any, is added to the details.
AuditRecord audit_record(const Actor& actor, std::string_view tenant, std::string_view action, std::string_view target,
                         boost::json::object details = {});

class Journal {
public:
    Journal(Tx& tx, const Actor& actor) : tx_(tx), actor_(actor) {}

    const Actor& actor() const { return actor_; }

    // Appends a record of this actor to the tenant's audit chain.
    void record(std::string_view tenant, std::string_view action, std::string_view target,
                boost::json::object details = {});

    // A campaign.status_changed event, when the status moved.
    void emit(const CampaignStatusChanged& e);
    void emit(const ReviewRequested& e);
    void emit(const ReviewDecided& e);
    void emit(const PackagePublished& e);
    void emit(const ImportApplied& e);
    void emit(const ImportRolledBack& e);
    // promotion.<status> for scheduled, waiting, applied, live and failed (webhook and audit
    // record of the same name); nothing for the other statuses.
    void emit(const PromotionChanged& e);

    // Chains a prepared record (its hash and seq) and appends it: the only writer of the chain.
    static void append(Tx& tx, AuditRecord record);

private:
    Tx& tx_;
    const Actor& actor_;
};

}  // namespace ferry::workflows
