#include "campaigns/lifecycle.hpp"

#include <array>
#include <utility>

namespace ferry {

namespace {

using S = CampaignStatus;
using A = CampaignAction;

constexpr std::array<std::pair<A, std::string_view>, 22> action_names{{
    {A::submit, "submit"},
    {A::withdraw, "withdraw"},
    {A::request_changes, "request-changes"},
    {A::approve, "approve"},
    {A::activate, "activate"},
    {A::pause, "pause"},
    {A::resume, "resume"},
    {A::stop, "stop"},
    {A::close, "close"},
    {A::archive, "archive"},
    {A::unarchive, "unarchive"},
    {A::duplicate, "duplicate"},
    {A::remove, "delete"},
    {A::submit_draft, "submit-draft"},
    {A::activate_draft, "activate-draft"},
    {A::discard_draft, "discard-draft"},
    {A::start_reached, "start-reached"},
    {A::publishing_done, "publishing-done"},
    {A::completion_due, "completion-due"},
    {A::execution_failed, "execution-failed"},
    {A::purge_due, "purge-due"},
    {A::segment_archived, "segment-archived"},
}};

// The actions people can ask for through POST .../actions/{action}.
constexpr std::array<A, 13> url_actions{A::submit,       A::withdraw,       A::activate,     A::pause,     A::resume,
                                        A::stop,         A::close,          A::archive,      A::unarchive, A::duplicate,
                                        A::submit_draft, A::activate_draft, A::discard_draft};

Transition to(S status) { return Transition{true, status, {}}; }
Transition refuse(std::string why = "invalid_transition") { return Transition{false, S::draft, std::move(why)}; }

// Where an activation lands: orchestrated campaigns publish first; others wait for their start.
S activation_target(const LifecycleFacts& f) {
    if (f.type == CampaignType::orchestrated) return S::publishing;
    return f.start_in_future ? S::scheduled : S::active;
}

// Unarchiving restores the previous status, but nothing starts sending again by itself.
S unarchived_status(const LifecycleFacts& f) {
    switch (f.status_before_archive.value_or(S::paused)) {
        case S::active:
        case S::scheduled:
        case S::publishing: return S::paused;
        case S::in_review: return S::draft;  // archiving ended the review
        case S::archived: return S::paused;
        default: return *f.status_before_archive;
    }
}

}  // namespace

std::string_view to_string(CampaignAction a) {
    for (const auto& [value, name] : action_names)
        if (value == a) return name;
    return "unknown";
}

std::string audit_name(CampaignAction a) {
    std::string name = "campaign." + std::string(to_string(a));
    for (char& ch : name)
        if (ch == '-') ch = '_';
    return name;
}

std::optional<CampaignAction> parse_campaign_action(std::string_view s) {
    for (const A a : url_actions)
        if (to_string(a) == s) return a;
    return std::nullopt;
}

bool is_live(CampaignStatus s) { return s == S::scheduled || s == S::active || s == S::paused; }

// product.md §3, row by row. Anything not listed is refused.
Transition transition(CampaignStatus from, CampaignAction action, const LifecycleFacts& f) {
    switch (action) {
        // draft | submit | in_review | when an approval policy applies; content locked
        case A::submit:
            if (from != S::draft) return refuse();
            return f.approval_required ? to(S::in_review) : refuse("approval_not_required");
        // draft | activate | scheduled / active | only when no policy applies
        case A::activate:
            if (from != S::draft) return refuse();
            return f.approval_required ? refuse("approval_required") : to(activation_target(f));
        // in_review | withdraw (submitter) / request changes (reviewer) | draft
        case A::withdraw:
        case A::request_changes: return from == S::in_review ? to(S::draft) : refuse();
        // in_review | approve (enough distinct approvers) | scheduled / active; orchestrated via publishing
        case A::approve: return from == S::in_review ? to(activation_target(f)) : refuse();
        // active | pause / resume | paused / active
        case A::pause: return from == S::active ? to(S::paused) : refuse();
        case A::resume:
            if (from != S::paused) return refuse();
            return to(f.start_in_future ? S::scheduled : S::active);
        // active, scheduled, paused | stop | stopped (final); a closed campaign still runs, so it can be stopped too
        case A::stop:
            return from == S::active || from == S::scheduled || from == S::paused || from == S::closed ? to(S::stopped)
                                                                                                       : refuse();
        // orchestrated active | close | closed | recurring: no new entrants, runs on
        case A::close:
            return from == S::active && f.type == CampaignType::orchestrated && f.recurring ? to(S::closed) : refuse();
        // any but draft | archive | archived
        case A::archive: return from != S::draft && from != S::archived ? to(S::archived) : refuse();
        // archived | unarchive | previous status, but active/scheduled come back paused
        case A::unarchive: return from == S::archived ? to(unarchived_status(f)) : refuse();
        // any | duplicate | new draft; but a stopped action or API-triggered campaign can no longer be
        // "réutilisée" (seed: managing campaigns), archived since or not, while a stopped
        // orchestrated campaign is restarted precisely by duplicating it (seed: modifying or stopping)
        case A::duplicate: {
            const bool stopped = from == S::stopped || (from == S::archived && f.status_before_archive == S::stopped);
            return stopped && f.type != CampaignType::orchestrated ? refuse("stopped_not_reusable") : to(from);
        }
        // draft | delete | (gone) | only never-activated drafts
        case A::remove: return from == S::draft && !f.ever_activated ? to(S::draft) : refuse();
        // draft version of a live campaign: submitted, activated (through the gate) or discarded; the
        // live version keeps running and the status stays. In review, the draft version is locked.
        case A::submit_draft:
            if (!is_live(from) || !f.has_draft_version || f.draft_in_review) return refuse();
            return f.approval_required ? to(from) : refuse("approval_not_required");
        case A::activate_draft:
            if (!is_live(from) || !f.has_draft_version || f.draft_in_review) return refuse();
            return f.approval_required ? refuse("approval_required") : to(from);
        case A::discard_draft: return is_live(from) && f.has_draft_version && !f.draft_in_review ? to(from) : refuse();
        // scheduled | start time reached | active
        case A::start_reached: return from == S::scheduled ? to(S::active) : refuse();
        // orchestrated publishing | published | scheduled / active
        case A::publishing_done:
            if (from != S::publishing) return refuse();
            return to(f.start_in_future ? S::scheduled : S::active);
        // active | one-shot: 3 days after activation; recurring: at end date | completed (closed ones too)
        case A::completion_due: return from == S::active || from == S::closed ? to(S::completed) : refuse();
        // active (or closed: an orchestrated campaign closed to entrants still runs) | delivery
        // engine reports failure | failed
        case A::execution_failed: return from == S::active || from == S::closed ? to(S::failed) : refuse();
        // archived | 30 days after last modification | (purged)
        case A::purge_due: return from == S::archived ? to(S::archived) : refuse();
        // archiving a segment archives every campaign using it, drafts included
        case A::segment_archived: return from != S::archived ? to(S::archived) : refuse();
    }
    return refuse();
}

std::vector<CampaignAction> allowed_actions(CampaignStatus from, const LifecycleFacts& facts) {
    std::vector<CampaignAction> out;
    for (const A a : url_actions)
        if (transition(from, a, facts).allowed) out.push_back(a);
    return out;
}

EditRule edit_rule(CampaignStatus status, bool has_draft_version, bool tags_only) {
    if (status == S::archived) return {EditMode::refused, "archived"};
    // Tags decide which approval policies apply, so they are locked while in review too.
    if (status == S::in_review) return {EditMode::refused, "content_locked"};
    // Otherwise tags can be edited in any status but archived.
    if (tags_only) return {EditMode::direct, {}};
    if (status == S::draft) return {EditMode::direct, {}};
    if (is_live(status)) {
        // While a draft version exists the live version cannot be edited directly; the draft
        // version itself is edited with PUT .../draft (refused while it is in review).
        if (has_draft_version) return {EditMode::refused, "draft_version_exists"};
        return {EditMode::via_draft_version, {}};
    }
    return {EditMode::refused, "read_only"};  // stopped, completed, failed, closed, publishing
}

}  // namespace ferry
