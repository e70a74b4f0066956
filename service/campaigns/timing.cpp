#include "campaigns/timing.hpp"

#include <cstdio>

namespace ferry {

std::optional<DueEvent> next_due(const Campaign& c) {
    const Schedule& s = c.spec.schedule;
    switch (c.status) {
        case CampaignStatus::scheduled:
            return DueEvent{CampaignAction::start_reached, s.start.value_or(c.status_changed_at)};
        case CampaignStatus::publishing: return DueEvent{CampaignAction::publishing_done, c.status_changed_at};
        case CampaignStatus::active:
            if (!s.recurrence)
                return DueEvent{CampaignAction::completion_due,
                                c.activated_at.value_or(c.status_changed_at) + one_shot_run_time};
            if (s.end) return DueEvent{CampaignAction::completion_due, *s.end};
            return std::nullopt;
        case CampaignStatus::closed:
            if (s.end) return DueEvent{CampaignAction::completion_due, *s.end};
            return std::nullopt;
        case CampaignStatus::archived: return DueEvent{CampaignAction::purge_due, c.updated_at + archive_retention};
        default: return std::nullopt;
    }
}

LifecycleFacts facts_of(const Campaign& c, Timestamp now, bool approval_required) {
    LifecycleFacts f;
    f.type = c.type;
    f.approval_required = approval_required;
    f.start_in_future = c.spec.schedule.start && *c.spec.schedule.start > now;
    f.recurring = c.spec.schedule.recurrence.has_value();
    f.has_draft_version = c.draft.has_value();
    f.draft_in_review = c.draft && c.draft->in_review;
    f.ever_activated = c.live_version > 0;
    f.status_before_archive = c.status_before_archive;
    return f;
}

std::optional<Timestamp> iso_week_start(std::string_view week) {
    using namespace std::chrono;
    int y = 0;
    unsigned w = 0;
    char tail = 0;
    if (week.size() != 8 || std::sscanf(std::string(week).c_str(), "%4d-W%2u%c", &y, &w, &tail) != 2)
        return std::nullopt;
    if (week[4] != '-' || week[5] != 'W' || w < 1) return std::nullopt;
    // Week 1 is the week with the year's first Thursday, i.e. the one containing January 4th.
    const sys_days jan4{year{y} / January / 4};
    const sys_days week1_monday = jan4 - (weekday{jan4} - Monday);
    const sys_days monday = week1_monday + weeks{w - 1};
    // The week belongs to year y only if its Thursday does.
    if (year_month_day{monday + days{3}}.year() != year{y}) return std::nullopt;
    return time_point_cast<milliseconds>(sys_time<days>{monday});
}

std::optional<std::pair<Timestamp, std::optional<Timestamp>>> calendar_span(const Campaign& c) {
    const Schedule& s = c.spec.schedule;
    const std::optional<Timestamp> begin = s.start ? s.start : c.activated_at;
    if (!begin) return std::nullopt;
    if (s.end) return std::pair{*begin, s.end};
    if (s.recurrence) return std::pair{*begin, std::optional<Timestamp>{}};
    return std::pair{*begin, std::optional<Timestamp>{*begin + std::chrono::hours(1)}};
}

}  // namespace ferry
