#pragma once
// Freeze windows (docs/pipelines.md): when a sandbox is frozen, and until when. Weekly windows are
// wall-clock times in a named time zone, turned into instants with the rules of the system's tz
// database (Howard Hinnant's date library over /usr/share/zoneinfo), so that a window starts and
// ends at its wall-clock times on both sides of a daylight-saving change.

#include "pipelines/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::pipelines {

// Whether the tz database knows the zone ("Europe/Paris", "UTC").
bool known_time_zone(const std::string& name);

// "monday" ... "sunday" (also "mon" ... "sun"), any case: 0 ... 6.
std::optional<int> parse_weekday(std::string_view name);
std::string_view weekday_name(int day);
// "HH:MM", 00:00 to 23:59: minutes into the day.
std::optional<int> parse_clock(std::string_view text);
std::string format_clock(int minute);

// One time a window is in force: [start, end).
struct Occurrence {
    std::string window;
    std::string reason;
    Timestamp start;
    Timestamp end;
};

// The occurrences of a window that overlap [from, to), in order.
std::vector<Occurrence> occurrences(const FreezeWindow& window, Timestamp from, Timestamp to);

// The freeze in force at `now`, if any: the window that holds it and the end of the freeze,
// occurrences that overlap or touch one another (of any of the windows) taken as one.
struct ActiveFreeze {
    std::string window;
    std::string reason;
    Timestamp ends_at;
};
std::optional<ActiveFreeze> active_freeze(const std::vector<FreezeWindow>& windows, Timestamp now);

}  // namespace ferry::pipelines
