// Name search folds case and accents the same way for names and queries, in any language.

#include "core/search_text.hpp"

#include <gtest/gtest.h>

using ferry::fold_for_search;

TEST(SearchText, FoldsCaseAndAccentsInAnyLanguage) {
    EXPECT_EQ(fold_for_search("\u00c9t\u00e9"), "ete");              // Été (French)
    EXPECT_EQ(fold_for_search("PROMO \u00c9T\u00c9"), "promo ete");  // ÉTÉ
    EXPECT_EQ(fold_for_search("E\u0301te\u0301"), "ete");            // decomposed é
    EXPECT_EQ(fold_for_search("Stra\u00dfe"), "strasse");            // ß (German)
    EXPECT_EQ(fold_for_search("STRASSE"), "strasse");
    EXPECT_EQ(fold_for_search("\u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3"),
              "\u03c3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c3");  // ΣΊΣΥΦΟΣ
    EXPECT_EQ(fold_for_search("\u00c5ngstr\u00f6m \u0141\u00f3d\u017a"),
              "angstrom \u0142odz");  // Ł has no decomposition
    EXPECT_EQ(fold_for_search("Ni\u00f1o"), "nino");
    EXPECT_EQ(fold_for_search("plain ascii 42%_"), "plain ascii 42%_");
    EXPECT_EQ(fold_for_search(""), "");
}

TEST(SearchText, KeepsWhatHasNoCaseOrAccent) {
    EXPECT_EQ(fold_for_search("\u65e5\u672c\u8a9e \U0001f389"), "\u65e5\u672c\u8a9e \U0001f389");  // 日本語 🎉
    EXPECT_EQ(fold_for_search("\u05e9\u05dc\u05d5\u05dd"), "\u05e9\u05dc\u05d5\u05dd");            // שלום
}

TEST(SearchText, IllFormedInputFoldsItsWellFormedParts) {
    EXPECT_EQ(fold_for_search("\xff\xc3\x89T\xc3\x89"),
              "\xef\xbf\xbd"
              "ete");
}
