#pragma once
// Use cases on campaigns: people's lifecycle actions with their side effects (versions, reviews,
// break-glass), duplication, the segment-archive cascade, execution events and the scheduler's
// due transitions. Each runs inside the caller's write transaction, takes the Actor who acts,
// returns plain values or throws ferry::Error. Every status change goes through transition()
// (campaigns/lifecycle.cpp) and then enter(): nothing else sets a campaign's status.

#include "approval/policy.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/spec.hpp"
#include "core/error.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"
#include "workflows/journal.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ferry::workflows {

// Spec references resolve against the campaign's own sandbox: nothing of another sandbox is usable.
class SandboxReferences final : public SpecReferences {
public:
    SandboxReferences(Tx& tx, std::string tenant, std::string sandbox);
    std::optional<std::string> check_segment(std::string_view id) override;
    std::optional<std::string> check_template(std::string_view id, Channel channel) override;

private:
    Tx& tx_;
    std::string tenant_;
    std::string sandbox_;
};

// The approval gate, loaded once per transaction: which requirements apply to activating a
// campaign, or to publishing a package.
class Gate {
public:
    Gate(Tx& tx, std::string tenant);

    // What must be satisfied before `spec` of the campaign goes live, requested by `requester`.
    std::vector<approval::Requirement> requirements(const Sandbox& sandbox, const Campaign& c, const CampaignSpec& spec,
                                                    std::string_view requester) const;
    // The lifecycle facts of the campaign for this requester, approval included.
    LifecycleFacts facts(const Sandbox& sandbox, const Campaign& c, Timestamp now, std::string_view requester) const;

    // What must be satisfied before a version of the package is published, requested by `requester`.
    std::vector<approval::Requirement> package_requirements(const std::string& source_sandbox,
                                                            const std::string& package,
                                                            std::string_view requester) const;

    std::optional<approval::Member> member(std::string_view user) const;

private:
    Tx& tx_;
    std::string tenant_;
    std::vector<approval::Policy> policies_;
};

// The spec an approval decision is about: the draft version of a live campaign, else the campaign's.
const CampaignSpec& gated_spec(const Campaign& c);
// The digest a review binds to: the campaign type, tags and the spec, canonical JSON, SHA-256.
// A write-only secret in the spec (a webhook channel's auth_header) enters it only as its
// HMAC-SHA-256 under the tenant's review key (Tx::review_key): any change of the secret still
// changes the digest, but whoever sees the digest cannot test guesses at the secret offline.
std::string review_digest(const Campaign& c, const CampaignSpec& spec, std::string_view review_key);

// The 409 of a refused transition, with the actions allowed instead.
Error transition_error(const Campaign& c, CampaignAction action, const LifecycleFacts& f, const std::string& refusal);

// transition() for this campaign, or its 409.
Transition require_transition(const Campaign& c, CampaignAction action, const LifecycleFacts& f);
// Moves the campaign to where an allowed transition leads: the one place a status is set.
void enter(Campaign& c, const Transition& t, Timestamp at);

// A change by this actor: updated_at, updated_by, revision.
void mark_changed(Campaign& c, const Actor& actor);

// The fields of a campaign's spec in a request body (name, description, channels, schedule,
// audience, content).
inline constexpr std::string_view spec_fields[] = {"name",     "description", "channels",
                                                   "schedule", "audience",    "content"};

// A PATCH of a campaign, under the lifecycle's edit rules: the spec fields present in `body`
// merged into the current spec (a live campaign's becomes its draft version), `type` (a draft
// only) and `tags` (not while its draft version is in review); "key" never changes. Saved,
// audited as campaign.update with what changed; a package review it changes is voided.
Campaign edit_campaign(Tx& tx, const Actor& actor, Campaign c, const boost::json::object& body,
                       const std::optional<std::string>& type, const std::optional<std::vector<std::string>>& tags);

// Writes a live campaign's draft version from a whole spec (created or replaced; not while in
// review), audited as campaign.draft_create or campaign.draft_update.
Campaign put_draft_version(Tx& tx, const Actor& actor, Campaign c, const boost::json::object& spec);

struct ActionOptions {
    std::optional<std::string> bypass_reason;  // break-glass: activate without the approvals
};

struct ActionResult {
    Campaign campaign;     // as saved
    LifecycleFacts facts;  // for the actor, after the action
};

// One people's action on the campaign (not duplicate, not delete): the lifecycle check, the
// gate, break-glass, readiness, reviews opened or ended, versions, audit and events.
ActionResult act(Tx& tx, const Actor& actor, const Sandbox& sandbox, Campaign c, CampaignAction action,
                 const ActionOptions& options = {});

// A new draft copying the campaign's type, spec (named "<name> (copy)") and tags.
Campaign duplicate(Tx& tx, const Actor& actor, const Campaign& original);

// Archiving a segment archives every campaign using it (drafts included) and ends their pending
// reviews. Returns the ids of the campaigns it archived.
std::vector<std::string> archive_with_segment(Tx& tx, const Actor& actor, const Segment& segment);

// An execution event from the delivery engine: "failed" (the campaign fails) or "warning"; both
// leave an alert on the campaign. The campaign must be running (409 not_running).
Campaign report_execution(Tx& tx, const Actor& actor, Campaign c, const std::string& type, const std::string& reason);

// The scheduler's step for one campaign: every time-driven transition due by actor.at, each
// decided as of the moment it fell due (purge included).
struct DueResult {
    std::size_t applied = 0;
    std::optional<CampaignAction> stuck;  // a due event the lifecycle refused (the steps before it stand)
    CampaignStatus stuck_status = CampaignStatus::draft;
};
DueResult apply_due_events(Tx& tx, const Actor& actor, const CampaignRef& ref);

// Shared with the review use cases: readiness to go live (422 not_ready), the first live
// version, and a draft version replacing the live one.
void require_ready(Tx& tx, const Campaign& c, const CampaignSpec& spec);
void go_live(Tx& tx, Campaign& c, const std::string& by, Timestamp now);
void replace_live_with_draft(Tx& tx, Campaign& c, const std::string& by, Timestamp now);

}  // namespace ferry::workflows
