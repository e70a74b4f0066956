#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace ferry;

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
    EXPECT_EQ(format_rfc3339(from_millis(0)), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_rfc3339(from_millis(1795332999784)), "2026-11-22T07:36:39.784Z");
}

TEST(Rfc3339, ParsesWhatItFormats) {
    const Timestamp t = from_millis(1795332999784);
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Rfc3339, AppliesOffsets) {
    EXPECT_EQ(parse_rfc3339("2026-11-22T09:36:39.784+02:00"), parse_rfc3339("2026-11-22T07:36:39.784Z"));
    EXPECT_EQ(parse_rfc3339("2026-11-22T02:36:39-05:00"), parse_rfc3339("2026-11-22T07:36:39Z"));
}

TEST(Rfc3339, TruncatesFractionsToMilliseconds) {
    EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.123456Z"), parse_rfc3339("2026-01-01T00:00:00.123Z"));
    EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.5Z"), parse_rfc3339("2026-01-01T00:00:00.500Z"));
}

TEST(Rfc3339, RejectsMalformed) {
    for (const char* bad : {"", "2026-11-22", "2026-11-22T07:36:39", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                            "2026-11-22T24:00:00Z", "2026-11-22 07:36:39Z", "2026-11-22T07:36:39.Z",
                            "2026-11-22T07:36:39Zjunk", "2026-11-22T07:36:39+0200"})
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

TEST(Rfc3339, RefusesInstantsItCouldNotWriteBack) {
    // The offset moves this into year -1, which no RFC 3339 date-time can express.
    EXPECT_FALSE(ferry::parse_rfc3339("0000-01-01T00:30:00+01:00"));
    EXPECT_TRUE(ferry::parse_rfc3339("0000-01-01T00:30:00Z"));
    EXPECT_FALSE(ferry::parse_rfc3339("9999-12-31T23:30:00-01:00"));
}
