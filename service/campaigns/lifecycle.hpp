#pragma once
// The campaign lifecycle of product.md §3 in one pure function: status x action x facts ->
// new status, or the reason it is refused together with the actions allowed from that status.
// No I/O, no clock: everything it needs to know comes in as LifecycleFacts.

#include "campaigns/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

enum class CampaignAction {
    // What people do (POST .../actions/{action}, reviews, edits).
    submit,           // draft -> in_review, when approval is required
    withdraw,         // in_review -> draft (the submitter)
    request_changes,  // in_review -> draft (a reviewer's veto)
    approve,          // in_review -> scheduled / active / publishing (enough approvals)
    activate,         // draft -> scheduled / active / publishing, when no approval is required
    pause,
    resume,
    stop,
    close,  // orchestrated recurring: no new entrants
    archive,
    unarchive,
    duplicate,       // any status: a new draft; the campaign itself is unchanged
    remove,          // DELETE: never-activated drafts only
    submit_draft,    // a live campaign's draft version goes to review (the live version runs on)
    activate_draft,  // the draft version replaces the live version
    discard_draft,
    // What happens to a campaign (scheduler, delivery engine, segment archive).
    start_reached,     // scheduled -> active
    publishing_done,   // publishing -> scheduled / active
    completion_due,    // active (or closed) -> completed
    execution_failed,  // active -> failed
    purge_due,         // archived -> gone, 30 days after its last modification
    segment_archived,  // any -> archived, drafts included
};

std::string_view to_string(CampaignAction a);
// The audit log's name for the action: "campaign.activate_draft" (underscores throughout).
std::string audit_name(CampaignAction a);
// Parses the action names used in URLs ("activate-draft"); people's actions only.
std::optional<CampaignAction> parse_campaign_action(std::string_view s);

struct LifecycleFacts {
    CampaignType type = CampaignType::action;
    bool approval_required = false;  // the approval gate's answer for this campaign now
    bool start_in_future = false;    // schedule.start is after now
    bool recurring = false;
    bool has_draft_version = false;
    bool draft_in_review = false;  // the draft version is locked in a review
    bool ever_activated = false;
    std::optional<CampaignStatus> status_before_archive;
    // Not read by transition(): the alerts ferry raises from the campaign's present state
    // (campaigns/conditions.hpp), shown with the stored ones.
    std::vector<Alert> conditions;
};

struct Transition {
    bool allowed = false;
    CampaignStatus to = CampaignStatus::draft;  // meaningful when allowed
    std::string refusal;                        // when refused: invalid_transition, approval_required, ...
};

Transition transition(CampaignStatus from, CampaignAction action, const LifecycleFacts& facts);

// The people's actions (those with a URL name) that transition() allows from this status.
std::vector<CampaignAction> allowed_actions(CampaignStatus from, const LifecycleFacts& facts);

// The statuses in which a campaign runs with a live version that a draft version can replace.
bool is_live(CampaignStatus s);

// What a campaign list shows unless asked for statuses: every status but stopped, completed and
// archived, which the seeds hide "until the filter is removed" (an unarchived campaign, back
// paused, and one in review stay in view).
inline constexpr std::string_view default_list_statuses =
    "draft,in_review,scheduled,active,paused,failed,publishing,closed";

// How an edit of a campaign in this status is applied.
enum class EditMode {
    direct,             // the campaign itself changes (a draft; or only tags)
    via_draft_version,  // a live campaign: the edit goes to its draft version
    refused,
};
struct EditRule {
    EditMode mode = EditMode::refused;
    std::string refusal;  // content_locked, read_only, draft_version_exists, archived
};
EditRule edit_rule(CampaignStatus status, bool has_draft_version, bool tags_only);

}  // namespace ferry
