#pragma once
// Operations on campaigns shared by the campaign and review handlers: the approval gate, lifecycle
// actions with their side effects (versions, reviews, audit), and how responses are shaped.
// Everything here runs inside the caller's write (or read) transaction.

#include "api/context.hpp"
#include "approval/policy.hpp"
#include "approval/review.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/spec.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ferry::api {

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

// The approval gate, loaded once per request: which requirements apply to activating a campaign.
class Gate {
public:
    Gate(Tx& tx, std::string tenant);

    // What must be satisfied before `spec` of the campaign goes live, requested by `requester`.
    std::vector<approval::Requirement> requirements(const Sandbox& sandbox, const Campaign& c, const CampaignSpec& spec,
                                                    std::string_view requester) const;
    // The lifecycle facts of the campaign for this requester, approval included.
    LifecycleFacts facts(const Sandbox& sandbox, const Campaign& c, Timestamp now, std::string_view requester) const;

    // What must be satisfied before a version of the package is published, requested by `requester`.
    std::vector<approval::Requirement> package_requirements(const std::string& source_sandbox, const std::string& package,
                                                            std::string_view requester) const;

    std::optional<approval::Member> member(std::string_view user) const;

private:
    Tx& tx_;
    std::string tenant_;
    std::vector<approval::Policy> policies_;
};

// The spec an approval decision is about: the draft version of a live campaign, else the campaign's.
const CampaignSpec& gated_spec(const Campaign& c);
// The digest a review binds to: the campaign type and the spec, canonical JSON, SHA-256.
std::string review_digest(const Campaign& c, const CampaignSpec& spec);

Campaign existing_campaign(Tx& tx, const Context& ctx);
http::Response campaign_response(int status, const Campaign& c, const LifecycleFacts& f);
Error transition_error(const Campaign& c, CampaignAction action, const LifecycleFacts& f, const std::string& refusal);

struct ActionOptions {
    std::optional<std::string> bypass_reason;  // break-glass: activate without the approvals
};

// Applies one people's action to the campaign (lifecycle check, side effects, audit).
void apply_action(Tx& tx, const Gate& gate, Campaign& c, const Sandbox& sandbox, CampaignAction action,
                  const Context& ctx, Timestamp now, const ActionOptions& options = {});

Campaign duplicate_of(Tx& tx, const Campaign& original, const Context& ctx, Timestamp now);

void mark_changed(Campaign& c, const Context& ctx, Timestamp now);
// Emits campaign.status_changed when the status moved from `from`.
void announce_status(Tx& tx, const Campaign& c, CampaignStatus from, Timestamp now, std::string_view by);
void set_status(Campaign& c, CampaignStatus to, Timestamp now);

// Withdraws the campaign's pending review, if any, without touching its status (archive, stop,
// segment archive): audited and announced.
void cancel_pending_review(Tx& tx, Campaign& c, const Context& ctx, Timestamp now, const std::string& reason);

// Ends a pending review (changes requested, or withdrawn): the campaign goes back to draft, or
// its draft version is unlocked.
void end_review(Tx& tx, approval::Review& review, Campaign& c, approval::ReviewState state, const Context& ctx,
                Timestamp now, const std::string& comment);

// The review once approved: the campaign goes live (or its draft version replaces the live one).
void complete_review(Tx& tx, const Gate& gate, approval::Review& review, Campaign& c, const Sandbox& sandbox,
                     const Context& ctx, Timestamp now);

}  // namespace ferry::api
