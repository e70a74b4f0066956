// The lifecycle table, every status x every action, against an expected table written out by
// hand from product.md §3 (not derived from the implementation).

#include "campaigns/lifecycle.hpp"

#include "campaigns/timing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace ferry;
using S = CampaignStatus;
using A = CampaignAction;

namespace {

const std::vector<S> all_statuses{S::draft,     S::in_review, S::scheduled, S::active,     S::paused, S::stopped,
                                  S::completed, S::failed,    S::archived,  S::publishing, S::closed};
const std::vector<A> all_actions{A::submit,        A::withdraw,        A::request_changes, A::approve,
                                 A::activate,      A::pause,           A::resume,          A::stop,
                                 A::close,         A::archive,         A::unarchive,       A::duplicate,
                                 A::remove,        A::submit_draft,    A::activate_draft,  A::discard_draft,
                                 A::start_reached, A::publishing_done, A::completion_due,  A::execution_failed,
                                 A::purge_due,     A::segment_archived};

// Expected destination for an "action" campaign, no approval needed, start in the past, one-shot,
// a draft version present, status before archive = active. Missing entries are refusals.
const std::map<std::pair<S, A>, S> expected{
    {{S::draft, A::activate}, S::active},
    {{S::draft, A::duplicate}, S::draft},
    {{S::draft, A::remove}, S::draft},
    {{S::draft, A::segment_archived}, S::archived},

    {{S::in_review, A::withdraw}, S::draft},
    {{S::in_review, A::request_changes}, S::draft},
    {{S::in_review, A::approve}, S::active},
    {{S::in_review, A::archive}, S::archived},
    {{S::in_review, A::duplicate}, S::in_review},
    {{S::in_review, A::segment_archived}, S::archived},

    {{S::scheduled, A::stop}, S::stopped},
    {{S::scheduled, A::archive}, S::archived},
    {{S::scheduled, A::duplicate}, S::scheduled},
    {{S::scheduled, A::activate_draft}, S::scheduled},
    {{S::scheduled, A::discard_draft}, S::scheduled},
    {{S::scheduled, A::start_reached}, S::active},
    {{S::scheduled, A::segment_archived}, S::archived},

    {{S::active, A::pause}, S::paused},
    {{S::active, A::stop}, S::stopped},
    {{S::active, A::archive}, S::archived},
    {{S::active, A::duplicate}, S::active},
    {{S::active, A::activate_draft}, S::active},
    {{S::active, A::discard_draft}, S::active},
    {{S::active, A::completion_due}, S::completed},
    {{S::active, A::execution_failed}, S::failed},
    {{S::active, A::segment_archived}, S::archived},

    {{S::paused, A::resume}, S::active},
    {{S::paused, A::stop}, S::stopped},
    {{S::paused, A::archive}, S::archived},
    {{S::paused, A::duplicate}, S::paused},
    {{S::paused, A::activate_draft}, S::paused},
    {{S::paused, A::discard_draft}, S::paused},
    {{S::paused, A::segment_archived}, S::archived},

    {{S::stopped, A::archive}, S::archived},
    {{S::stopped, A::segment_archived}, S::archived},

    {{S::completed, A::archive}, S::archived},
    {{S::completed, A::duplicate}, S::completed},
    {{S::completed, A::segment_archived}, S::archived},

    {{S::failed, A::archive}, S::archived},
    {{S::failed, A::duplicate}, S::failed},
    {{S::failed, A::segment_archived}, S::archived},

    {{S::archived, A::unarchive}, S::paused},
    {{S::archived, A::duplicate}, S::archived},
    {{S::archived, A::purge_due}, S::archived},

    {{S::publishing, A::archive}, S::archived},
    {{S::publishing, A::duplicate}, S::publishing},
    {{S::publishing, A::publishing_done}, S::active},
    {{S::publishing, A::segment_archived}, S::archived},

    {{S::closed, A::stop}, S::stopped},
    {{S::closed, A::archive}, S::archived},
    {{S::closed, A::duplicate}, S::closed},
    {{S::closed, A::completion_due}, S::completed},
    {{S::closed, A::execution_failed}, S::failed},
    {{S::closed, A::segment_archived}, S::archived},
};

LifecycleFacts baseline() {
    LifecycleFacts f;
    f.type = CampaignType::action;
    f.has_draft_version = true;
    f.status_before_archive = S::active;
    return f;
}

}  // namespace

TEST(Lifecycle, EveryStatusTimesEveryAction) {
    int checked = 0;
    for (const S from : all_statuses) {
        for (const A action : all_actions) {
            const Transition t = transition(from, action, baseline());
            const auto it = expected.find({from, action});
            const std::string what = std::string(to_string(from)) + " x " + std::string(to_string(action));
            if (it == expected.end()) {
                EXPECT_FALSE(t.allowed) << what << " should be refused";
                // Submitting where no approval applies is refused with its own reason.
                const bool unneeded_submit =
                    (from == S::draft && action == A::submit) || (is_live(from) && action == A::submit_draft);
                // A stopped action campaign cannot be reused, not even by duplicating it.
                const bool reuse = from == S::stopped && action == A::duplicate;
                EXPECT_EQ(t.refusal, unneeded_submit ? "approval_not_required"
                                     : reuse         ? "stopped_not_reusable"
                                                     : "invalid_transition")
                    << what;
            } else {
                EXPECT_TRUE(t.allowed) << what << " should be allowed";
                EXPECT_EQ(t.to, it->second) << what;
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, 11 * 22);
}

// Seed (managing campaigns): a stopped campaign can no longer be activated "ni réutilisée"; seed
// (modifying or stopping): a stopped orchestrated campaign is restarted by duplicating it.
TEST(Lifecycle, AStoppedCampaignIsReusedOnlyWhenOrchestrated) {
    LifecycleFacts f = baseline();
    for (const CampaignType type : {CampaignType::action, CampaignType::api_triggered}) {
        f.type = type;
        EXPECT_EQ(transition(S::stopped, A::duplicate, f).refusal, "stopped_not_reusable");
        f.status_before_archive = S::stopped;
        EXPECT_EQ(transition(S::archived, A::duplicate, f).refusal, "stopped_not_reusable");
        f.status_before_archive = S::completed;
        EXPECT_TRUE(transition(S::archived, A::duplicate, f).allowed);
        EXPECT_TRUE(transition(S::completed, A::duplicate, f).allowed);
        const auto allowed = allowed_actions(S::stopped, f);
        EXPECT_EQ(std::find(allowed.begin(), allowed.end(), A::duplicate), allowed.end());
    }
    f.type = CampaignType::orchestrated;
    EXPECT_TRUE(transition(S::stopped, A::duplicate, f).allowed);
    f.status_before_archive = S::stopped;
    EXPECT_TRUE(transition(S::archived, A::duplicate, f).allowed);
}

TEST(Lifecycle, TheApprovalGateDecidesBetweenSubmitAndActivate) {
    LifecycleFacts f = baseline();
    f.approval_required = true;
    EXPECT_EQ(transition(S::draft, A::submit, f).to, S::in_review);
    EXPECT_EQ(transition(S::draft, A::activate, f).refusal, "approval_required");
    EXPECT_EQ(transition(S::active, A::activate_draft, f).refusal, "approval_required");
    f.approval_required = false;
    EXPECT_EQ(transition(S::draft, A::submit, f).refusal, "approval_not_required");
}

TEST(Lifecycle, ActivationLandsByTypeAndStart) {
    LifecycleFacts f = baseline();
    f.start_in_future = true;
    EXPECT_EQ(transition(S::draft, A::activate, f).to, S::scheduled);
    EXPECT_EQ(transition(S::in_review, A::approve, f).to, S::scheduled);
    EXPECT_EQ(transition(S::paused, A::resume, f).to, S::scheduled);
    EXPECT_EQ(transition(S::publishing, A::publishing_done, f).to, S::scheduled);
    f.type = CampaignType::orchestrated;
    EXPECT_EQ(transition(S::draft, A::activate, f).to, S::publishing);
    EXPECT_EQ(transition(S::in_review, A::approve, f).to, S::publishing);
}

TEST(Lifecycle, OnlyRecurringOrchestratedCampaignsClose) {
    LifecycleFacts f = baseline();
    EXPECT_FALSE(transition(S::active, A::close, f).allowed);
    f.type = CampaignType::orchestrated;
    EXPECT_FALSE(transition(S::active, A::close, f).allowed);
    f.recurring = true;
    EXPECT_EQ(transition(S::active, A::close, f).to, S::closed);
}

TEST(Lifecycle, UnarchiveRestoresButNeverRestartsSending) {
    LifecycleFacts f = baseline();
    const std::map<S, S> restored{{S::active, S::paused}, {S::scheduled, S::paused}, {S::publishing, S::paused},
                                  {S::paused, S::paused}, {S::stopped, S::stopped},  {S::completed, S::completed},
                                  {S::failed, S::failed}, {S::draft, S::draft},      {S::in_review, S::draft},
                                  {S::closed, S::closed}};
    for (const auto& [before, after] : restored) {
        f.status_before_archive = before;
        EXPECT_EQ(transition(S::archived, A::unarchive, f).to, after) << to_string(before);
    }
}

TEST(Lifecycle, ADraftVersionInReviewIsLocked) {
    LifecycleFacts f = baseline();
    f.approval_required = true;
    EXPECT_EQ(transition(S::active, A::submit_draft, f).to, S::active);
    f.draft_in_review = true;
    EXPECT_FALSE(transition(S::active, A::submit_draft, f).allowed);
    EXPECT_FALSE(transition(S::active, A::discard_draft, f).allowed);
    f.approval_required = false;
    EXPECT_FALSE(transition(S::active, A::activate_draft, f).allowed);
}

TEST(Lifecycle, OnlyNeverActivatedDraftsCanBeDeleted) {
    LifecycleFacts f = baseline();
    EXPECT_TRUE(transition(S::draft, A::remove, f).allowed);
    f.ever_activated = true;
    EXPECT_FALSE(transition(S::draft, A::remove, f).allowed);
}

TEST(Lifecycle, DraftVersionActionsNeedADraftVersion) {
    LifecycleFacts f = baseline();
    f.has_draft_version = false;
    EXPECT_FALSE(transition(S::active, A::activate_draft, f).allowed);
    EXPECT_FALSE(transition(S::active, A::discard_draft, f).allowed);
}

TEST(Lifecycle, AllowedActionsListWhatWouldSucceed) {
    LifecycleFacts f = baseline();
    f.has_draft_version = false;
    auto names = [](std::vector<A> actions) {
        std::vector<std::string> out;
        for (A a : actions) out.emplace_back(to_string(a));
        return out;
    };
    EXPECT_EQ(names(allowed_actions(S::draft, f)), (std::vector<std::string>{"activate", "duplicate"}));
    EXPECT_EQ(names(allowed_actions(S::active, f)),
              (std::vector<std::string>{"pause", "stop", "archive", "duplicate"}));
    EXPECT_EQ(names(allowed_actions(S::stopped, f)), (std::vector<std::string>{"archive"}));
    EXPECT_EQ(names(allowed_actions(S::archived, f)), (std::vector<std::string>{"unarchive", "duplicate"}));
}

TEST(Lifecycle, EditRules) {
    EXPECT_EQ(edit_rule(S::draft, false, false).mode, EditMode::direct);
    EXPECT_EQ(edit_rule(S::in_review, false, false).refusal, "content_locked");
    EXPECT_EQ(edit_rule(S::in_review, false, true).refusal, "content_locked");  // tags decide the policies
    EXPECT_EQ(edit_rule(S::active, false, false).mode, EditMode::via_draft_version);
    EXPECT_EQ(edit_rule(S::active, true, false).refusal, "draft_version_exists");
    EXPECT_EQ(edit_rule(S::active, true, true).mode, EditMode::direct);
    EXPECT_EQ(edit_rule(S::stopped, false, false).refusal, "read_only");
    EXPECT_EQ(edit_rule(S::completed, false, true).mode, EditMode::direct);
    EXPECT_EQ(edit_rule(S::archived, false, true).refusal, "archived");
}

TEST(Timing, DueEventsFollowTheSchedule) {
    Campaign c;
    c.status_changed_at = from_millis(1'000'000);
    c.status = S::scheduled;
    c.spec.schedule.start = from_millis(5'000'000);
    EXPECT_EQ(next_due(c)->action, A::start_reached);
    EXPECT_EQ(next_due(c)->at, from_millis(5'000'000));
    c.status = S::active;
    c.activated_at = from_millis(5'000'000);
    EXPECT_EQ(next_due(c)->at, from_millis(5'000'000) + one_shot_run_time);
    c.spec.schedule.recurrence = Recurrence{"weekly", 1};
    EXPECT_FALSE(next_due(c));
    c.spec.schedule.end = from_millis(9'000'000);
    EXPECT_EQ(next_due(c)->at, from_millis(9'000'000));
    c.status = S::archived;
    c.updated_at = from_millis(7'000'000);
    EXPECT_EQ(next_due(c)->action, A::purge_due);
    EXPECT_EQ(next_due(c)->at, from_millis(7'000'000) + archive_retention);
    c.status = S::draft;
    EXPECT_FALSE(next_due(c));
}

TEST(Timing, IsoWeeks) {
    EXPECT_EQ(iso_week_start("2026-W48"), parse_rfc3339("2026-11-23T00:00:00Z"));
    EXPECT_EQ(iso_week_start("2026-W01"), parse_rfc3339("2025-12-29T00:00:00Z"));
    EXPECT_EQ(iso_week_start("2020-W53"), parse_rfc3339("2020-12-28T00:00:00Z"));
    EXPECT_EQ(iso_week_start("2026-W53"), parse_rfc3339("2026-12-28T00:00:00Z"));  // 2026 starts on a Thursday
    EXPECT_FALSE(iso_week_start("2025-W53"));
    EXPECT_FALSE(iso_week_start("2026-W00"));
    EXPECT_FALSE(iso_week_start("2026-48"));
    EXPECT_FALSE(iso_week_start("2026-W4x"));
}

TEST(Keys, FromNames) {
    EXPECT_EQ(key_from_name("Welcome series"), "welcome-series");
    EXPECT_EQ(key_from_name("  Été 2026 : Promo !! "), "ete-2026-promo");
    EXPECT_EQ(key_from_name("***"), "item");
    EXPECT_EQ(key_from_name(std::string(100, 'a')).size(), 64U);
}
