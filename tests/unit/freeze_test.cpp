// Freeze windows as instants (issue 21): one-off windows, weekly ones in a named time zone across
// both daylight-saving changes, wall-clock times that a change skips or repeats, and windows that
// touch one another taken as one freeze.

#include "pipelines/freeze.hpp"

#include <gtest/gtest.h>

using namespace ferry;
using namespace ferry::pipelines;

namespace {

Timestamp at(const char* text) { return *parse_rfc3339(text); }

FreezeWindow weekly(int from_day, const char* from, int to_day, const char* to, const char* zone = "Europe/Paris") {
    FreezeWindow w;
    w.id = "frz_weekend";
    w.kind = FreezeKind::weekly;
    w.from = {from_day, *parse_clock(from)};
    w.to = {to_day, *parse_clock(to)};
    w.time_zone = zone;
    w.reason = "weekend";
    return w;
}

FreezeWindow once(const char* start, const char* end, const char* id = "frz_once") {
    FreezeWindow w;
    w.id = id;
    w.kind = FreezeKind::once;
    w.start = at(start);
    w.end = at(end);
    w.reason = "Black Friday";
    return w;
}

}  // namespace

TEST(Freeze, AOneOffWindowHoldsFromItsStartToItsEnd) {
    const std::vector<FreezeWindow> ws{once("2026-11-27T00:00:00Z", "2026-11-30T23:59:00Z")};
    EXPECT_FALSE(active_freeze(ws, at("2026-11-26T23:59:59Z")));
    const auto inside = active_freeze(ws, at("2026-11-27T00:00:00Z"));
    ASSERT_TRUE(inside);
    EXPECT_EQ(inside->window, "frz_once");
    EXPECT_EQ(inside->ends_at, at("2026-11-30T23:59:00Z"));
    EXPECT_FALSE(active_freeze(ws, at("2026-11-30T23:59:00Z"))) << "the end is not frozen";
}

TEST(Freeze, AWeeklyWindowFollowsTheZonesWallClock) {
    const std::vector<FreezeWindow> ws{weekly(4, "18:00", 0, "06:00")};  // Friday 18:00 to Monday 06:00, Paris
    // Winter (UTC+1): Friday 27 November 2026 18:00 in Paris is 17:00Z.
    EXPECT_FALSE(active_freeze(ws, at("2026-11-27T16:59:00Z")));
    const auto weekend = active_freeze(ws, at("2026-11-27T17:00:00Z"));
    ASSERT_TRUE(weekend);
    EXPECT_EQ(weekend->ends_at, at("2026-11-30T05:00:00Z"));
    EXPECT_TRUE(active_freeze(ws, at("2026-11-29T12:00:00Z")));
    EXPECT_FALSE(active_freeze(ws, at("2026-11-30T05:00:00Z")));
    EXPECT_FALSE(active_freeze(ws, at("2026-12-02T12:00:00Z"))) << "a Wednesday";
    // Summer (UTC+2): Friday 3 July 2026 18:00 in Paris is 16:00Z.
    EXPECT_FALSE(active_freeze(ws, at("2026-07-03T15:59:00Z")));
    EXPECT_TRUE(active_freeze(ws, at("2026-07-03T16:00:00Z")));
}

TEST(Freeze, AWeeklyWindowAcrossADaylightSavingChangeStartsAndEndsAtTheRightInstants) {
    const std::vector<FreezeWindow> ws{weekly(4, "18:00", 0, "06:00")};
    // Autumn: summer time ends on Sunday 25 October 2026 (03:00 CEST becomes 02:00 CET). The window
    // starts on Friday at 18:00 CEST (16:00Z) and ends on Monday at 06:00 CET (05:00Z): 60 h + 1 h.
    EXPECT_FALSE(active_freeze(ws, at("2026-10-23T15:59:00Z")));
    const auto autumn = active_freeze(ws, at("2026-10-23T16:00:00Z"));
    ASSERT_TRUE(autumn);
    EXPECT_EQ(autumn->ends_at, at("2026-10-26T05:00:00Z"));
    // Spring: summer time starts on Sunday 29 March 2026 (02:00 CET becomes 03:00 CEST). Friday
    // 18:00 CET is 17:00Z, Monday 06:00 CEST is 04:00Z: an hour shorter.
    EXPECT_FALSE(active_freeze(ws, at("2026-03-27T16:59:00Z")));
    const auto spring = active_freeze(ws, at("2026-03-27T17:00:00Z"));
    ASSERT_TRUE(spring);
    EXPECT_EQ(spring->ends_at, at("2026-03-30T04:00:00Z"));
    EXPECT_FALSE(active_freeze(ws, at("2026-03-30T04:00:00Z")));
}

TEST(Freeze, AWallClockTimeSkippedOrRepeatedByAChange) {
    // Sunday 02:30 does not exist in Paris on 29 March 2026: the window starts at the first
    // instant after the gap, 03:00 CEST (01:00Z).
    const std::vector<FreezeWindow> skipped{weekly(6, "02:30", 6, "04:00")};
    EXPECT_FALSE(active_freeze(skipped, at("2026-03-29T00:59:00Z")));
    EXPECT_TRUE(active_freeze(skipped, at("2026-03-29T01:00:00Z")));
    EXPECT_EQ(active_freeze(skipped, at("2026-03-29T01:00:00Z"))->ends_at, at("2026-03-29T02:00:00Z"));
    // Sunday 02:30 happens twice on 25 October 2026: the first time, 02:30 CEST (00:30Z).
    EXPECT_FALSE(active_freeze(skipped, at("2026-10-25T00:29:00Z")));
    EXPECT_TRUE(active_freeze(skipped, at("2026-10-25T00:30:00Z")));
}

TEST(Freeze, WindowsThatTouchOrOverlapAreOneFreeze) {
    const std::vector<FreezeWindow> ws{once("2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", "a"),
                                       once("2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", "b"),
                                       once("2026-11-28T12:00:00Z", "2026-11-30T00:00:00Z", "c"),
                                       once("2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z", "later")};
    const auto f = active_freeze(ws, at("2026-11-27T06:00:00Z"));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->window, "a");
    EXPECT_EQ(f->ends_at, at("2026-11-30T00:00:00Z"));
}

TEST(Freeze, OccurrencesForACalendarWeek) {
    const auto found =
        occurrences(weekly(4, "18:00", 0, "06:00"), at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"));
    ASSERT_EQ(found.size(), 2U) << "the one ending on Monday the 23rd and the one starting on Friday";
    EXPECT_EQ(found[0].end, at("2026-11-23T05:00:00Z"));
    EXPECT_EQ(found[1].start, at("2026-11-27T17:00:00Z"));
}

TEST(Freeze, NamesOfDaysTimesAndZones) {
    EXPECT_EQ(parse_weekday("Friday"), 4);
    EXPECT_EQ(parse_weekday("mon"), 0);
    EXPECT_FALSE(parse_weekday("fr"));
    EXPECT_EQ(parse_clock("18:00"), 18 * 60);
    EXPECT_FALSE(parse_clock("24:00"));
    EXPECT_FALSE(parse_clock("8:00"));
    EXPECT_EQ(format_clock(6 * 60 + 5), "06:05");
    EXPECT_TRUE(known_time_zone("Europe/Paris"));
    EXPECT_TRUE(known_time_zone("UTC"));
    EXPECT_FALSE(known_time_zone("Mars/Olympus"));
}
