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

TEST(Utf8, DisplayTextRefusesControlsAndBidiOverrides) {
    using ferry::forbidden_display_character;
    EXPECT_EQ(forbidden_display_character("Spring sale", false), std::nullopt);
    EXPECT_EQ(forbidden_display_character("Soldes d'été ✓ 🎉 שלום", false), std::nullopt);
    EXPECT_EQ(forbidden_display_character(std::string("nul\0in", 6), false), "U+0000");
    EXPECT_EQ(forbidden_display_character("a\nb", false), "U+000A");
    EXPECT_EQ(forbidden_display_character("a\nb\tc", true), std::nullopt);
    EXPECT_EQ(forbidden_display_character("a\r\nb", true), "U+000D");
    EXPECT_EQ(forbidden_display_character("bell\a", true), "U+0007");
    EXPECT_EQ(forbidden_display_character("del\x7f", false), "U+007F");
    EXPECT_EQ(forbidden_display_character("next\xc2\x85line", true), "U+0085");          // C1
    EXPECT_EQ(forbidden_display_character("inv\xe2\x80\xaeoice.exe", false), "U+202E");  // right-to-left override
    EXPECT_EQ(forbidden_display_character("x\xe2\x81\xa6y", false), "U+2066");           // left-to-right isolate
    EXPECT_EQ(forbidden_display_character("x\xe2\x80\x8fy", false), std::nullopt);       // a right-to-left mark is text
}
