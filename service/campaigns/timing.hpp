#pragma once
// Time-driven rules of the lifecycle: when a campaign's next automatic transition falls due,
// and the ISO-week calendar. Pure: "now" is always an argument.

#include "campaigns/lifecycle.hpp"
#include "campaigns/model.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ferry {

inline constexpr auto one_shot_run_time = std::chrono::hours(24 * 3);   // completed 3 days after activation
inline constexpr auto archive_retention = std::chrono::hours(24 * 30);  // purged 30 days after last change

struct DueEvent {
    CampaignAction action;
    Timestamp at;
};

// The next automatic transition of the campaign and when it falls due, if any.
std::optional<DueEvent> next_due(const Campaign& c);

// Facts about the campaign that the lifecycle table needs, as of `now`.
LifecycleFacts facts_of(const Campaign& c, Timestamp now, bool approval_required);

// ISO 8601 week "2026-W48": Monday 00:00 UTC of that week, or nullopt when malformed.
std::optional<Timestamp> iso_week_start(std::string_view week);

// The time span a live campaign occupies on the calendar: from its start (or activation) to its
// end; a one-shot campaign without end sits one hour; a recurring one without end never ends.
std::optional<std::pair<Timestamp, std::optional<Timestamp>>> calendar_span(const Campaign& c);

}  // namespace ferry
