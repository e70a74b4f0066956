#include "campaigns/calendar.hpp"

#include "campaigns/timing.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ferry {

namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;

bool passes(const Campaign& c, const CalendarFilter& filter) {
    if (filter.type && c.type != *filter.type) return false;
    if (filter.channel &&
        std::find(c.spec.channels.begin(), c.spec.channels.end(), *filter.channel) == c.spec.channels.end())
        return false;
    return true;
}

}  // namespace

std::vector<CalendarDay> calendar_week(const std::vector<Campaign>& campaigns, Timestamp monday,
                                       const CalendarFilter& filter) {
    std::vector<CalendarDay> week(7);
    for (int d = 0; d < 7; ++d) week[static_cast<std::size_t>(d)].start = monday + std::chrono::hours(24 * d);
    for (const Campaign& c : campaigns) {
        if (!passes(c, filter)) continue;
        const auto span = calendar_span(c);
        if (!span) continue;
        const auto [begin, end] = *span;
        // The last instant of the span is end - 1 ms: a campaign ending at midnight ends the day before.
        const bool multi_day = !end || floor<days>(*end - std::chrono::milliseconds(1)) > floor<days>(begin);
        for (CalendarDay& day : week) {
            const Timestamp day_end = day.start + std::chrono::hours(24);
            if (begin >= day_end || (end && *end <= day.start)) continue;
            day.entries.push_back(CalendarEntry{&c, begin, multi_day});
        }
    }
    for (CalendarDay& day : week)
        std::stable_sort(day.entries.begin(), day.entries.end(), [](const CalendarEntry& a, const CalendarEntry& b) {
            if (a.multi_day != b.multi_day) return a.multi_day;
            if (a.start != b.start) return a.start < b.start;
            return a.campaign->id < b.campaign->id;
        });
    return week;
}

std::string iso_week_of(Timestamp t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    // The ISO year is the year of the week's Thursday.
    const sys_days thursday = day - (weekday{day} - Monday) + days{3};
    const year_month_day thursday_date{thursday};
    const sys_days jan1{thursday_date.year() / January / 1};
    const auto week = (thursday - jan1).count() / 7 + 1;
    char out[16];
    std::snprintf(out, sizeof out, "%04d-W%02d", static_cast<int>(thursday_date.year()), static_cast<int>(week));
    return out;
}

}  // namespace ferry
