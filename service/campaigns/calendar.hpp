#pragma once
// The week calendar (seed: "Afficher le calendrier"): which campaigns occupy each day of an ISO
// week, filtered by type and channel, multi-day campaigns at the top of each day. Pure: the
// campaigns and the week are arguments.

#include "campaigns/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ferry {

struct CalendarFilter {
    std::optional<CampaignType> type;
    std::optional<Channel> channel;  // campaigns whose live spec has it
};

struct CalendarEntry {
    const Campaign* campaign = nullptr;
    Timestamp start;         // the span's start (schedule.start, else activation)
    bool multi_day = false;  // the span covers more than one day (or never ends)
};

struct CalendarDay {
    Timestamp start;  // 00:00 UTC
    std::vector<CalendarEntry> entries;
};

// The seven days from `monday`, each with the campaigns whose span overlaps it that pass the
// filter: multi-day campaigns first ("s'affichent en haut de la grille"), then by start, then id.
std::vector<CalendarDay> calendar_week(const std::vector<Campaign>& campaigns, Timestamp monday,
                                       const CalendarFilter& filter);

// "2026-W48": the ISO 8601 week holding `t` (UTC), as iso_week_start reads it.
std::string iso_week_of(Timestamp t);

}  // namespace ferry
