#include "pipelines/freeze.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace ferry::pipelines {

namespace {

using std::chrono::minutes;
constexpr int minutes_per_week = 7 * 24 * 60;

constexpr std::array<std::string_view, 7> day_names{"monday", "tuesday",  "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"};

const date::time_zone* zone(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        return nullptr;
    }
}

// The instant of a wall-clock time in the zone: a time skipped by a change is the first instant
// after the gap, one that occurs twice is its first occurrence.
Timestamp instant(const date::time_zone& tz, date::local_time<minutes> local) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(tz.to_sys(local, date::choose::earliest));
}

// Monday 00:00 of the local week holding `t`.
date::local_days local_monday(const date::time_zone& tz, Timestamp t) {
    const auto local = tz.to_local(std::chrono::floor<minutes>(t));
    const auto day = std::chrono::floor<date::days>(local);
    const unsigned since_monday = (date::weekday{day}.c_encoding() + 6) % 7;
    return date::local_days{day - date::days{since_monday}};
}

int week_minute(const WeeklyTime& t) { return t.day * 24 * 60 + t.minute; }

std::vector<Occurrence> weekly(const FreezeWindow& w, Timestamp from, Timestamp to) {
    std::vector<Occurrence> out;
    const date::time_zone* tz = zone(w.time_zone);
    if (tz == nullptr) return out;
    int span = (week_minute(w.to) - week_minute(w.from) + minutes_per_week) % minutes_per_week;
    if (span == 0) span = minutes_per_week;
    // From the week before `from` (an occurrence that began then may still run) to `to`'s.
    for (date::local_days monday = local_monday(*tz, from) - date::days{7}; monday <= local_monday(*tz, to);
         monday += date::days{7}) {
        const date::local_time<minutes> start_local = monday + minutes{week_minute(w.from)};
        const Timestamp start = instant(*tz, start_local);
        const Timestamp end = instant(*tz, start_local + minutes{span});
        if (end > from && start < to) out.push_back(Occurrence{w.id, w.reason, start, end});
    }
    return out;
}

}  // namespace

bool known_time_zone(const std::string& name) { return zone(name) != nullptr; }

std::optional<int> parse_weekday(std::string_view name) {
    std::string lower;
    for (const char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (std::size_t i = 0; i < day_names.size(); ++i)
        if (lower == day_names[i] || (lower.size() == 3 && day_names[i].substr(0, 3) == lower))
            return static_cast<int>(i);
    return std::nullopt;
}

std::string_view weekday_name(int day) { return day_names.at(static_cast<std::size_t>(day)); }

std::optional<int> parse_clock(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    for (const std::size_t i : {0U, 1U, 3U, 4U})
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    return h * 60 + m;
}

std::string format_clock(int minute) {
    const auto two = [](int v) {
        return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
    };
    return two(minute / 60) + ":" + two(minute % 60);
}

std::vector<Occurrence> occurrences(const FreezeWindow& window, Timestamp from, Timestamp to) {
    if (window.kind == FreezeKind::once) {
        if (window.end > from && window.start < to)
            return {Occurrence{window.id, window.reason, window.start, window.end}};
        return {};
    }
    return weekly(window, from, to);
}

std::optional<ActiveFreeze> active_freeze(const std::vector<FreezeWindow>& windows, Timestamp now) {
    // The occurrences that could chain from now: a freeze longer than a year is not followed further.
    const Timestamp horizon = now + std::chrono::hours(24 * 366);
    std::vector<Occurrence> all;
    for (const auto& w : windows) {
        auto found = occurrences(w, now, horizon);
        all.insert(all.end(), found.begin(), found.end());
    }
    std::sort(all.begin(), all.end(), [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
    std::optional<ActiveFreeze> out;
    for (const auto& o : all)
        if (o.start <= now && now < o.end) {
            if (!out) out = ActiveFreeze{o.window, o.reason, o.end};
            out->ends_at = std::max(out->ends_at, o.end);
        }
    if (!out) return out;
    // Occurrences that overlap or touch the freeze extend it.
    for (bool extended = true; extended;) {
        extended = false;
        for (const auto& o : all)
            if (o.start <= out->ends_at && o.end > out->ends_at) {
                out->ends_at = o.end;
                extended = true;
            }
    }
    return out;
}

}  // namespace ferry::pipelines
