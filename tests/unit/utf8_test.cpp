#include "core/utf8.hpp"

#include <gtest/gtest.h>

using ferry::sanitize_utf8;
using ferry::valid_utf8;

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("promo-ete"));
    EXPECT_TRUE(valid_utf8("Promo \xC3\x89t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\x89"));  // É é € 🎉
}

TEST(Utf8, RefusesIllFormedSequences) {
    EXPECT_FALSE(valid_utf8("\xFF"));
    EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(valid_utf8("\xE2\x82"));          // cut short
}

TEST(Utf8, SanitizingReplacesEachBadByte) {
    EXPECT_EQ(sanitize_utf8("action \xFF not found"), "action \xEF\xBF\xBD not found");
    EXPECT_EQ(sanitize_utf8("\xC3\xA9"), "\xC3\xA9");
}
