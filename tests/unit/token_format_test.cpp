#include "tenancy/token_format.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace ferry;

TEST(TokenFormat, GeneratedTokensAreWellFormedAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string t = token_format::generate();
        EXPECT_EQ(t.rfind("fry_", 0), 0U);
        EXPECT_EQ(t.size(), 4U + 30U + 1U + 6U);
        EXPECT_TRUE(token_format::well_formed(t)) << t;
        EXPECT_TRUE(seen.insert(t).second);
    }
}

TEST(TokenFormat, AnyChangedCharacterFailsTheChecksum) {
    const std::string t = token_format::generate();
    for (std::size_t i = 4; i < t.size(); ++i) {
        if (t[i] == '_') continue;
        std::string changed = t;
        changed[i] = changed[i] == 'a' ? 'b' : 'a';
        EXPECT_FALSE(token_format::well_formed(changed)) << "position " << i;
    }
}

TEST(TokenFormat, RejectsWrongShapes) {
    const std::string t = token_format::generate();
    EXPECT_FALSE(token_format::well_formed(""));
    EXPECT_FALSE(token_format::well_formed(t.substr(0, t.size() - 1)));
    EXPECT_FALSE(token_format::well_formed("frx_" + t.substr(4)));
    EXPECT_FALSE(token_format::well_formed(t + "x"));
}

TEST(TokenFormat, HashIsHexSha256AndNotTheToken) {
    const std::string t = token_format::generate();
    const std::string h = token_format::hash(t);
    EXPECT_EQ(h.size(), 64U);
    EXPECT_EQ(h.find(t.substr(4, 10)), std::string::npos);
    EXPECT_EQ(token_format::hash(t), h);
}

TEST(TokenFormat, IdsHaveTheirOwnPrefix) {
    const std::string id = token_format::generate_id();
    EXPECT_EQ(id.rfind("tok_", 0), 0U);
    EXPECT_EQ(id.size(), 20U);
}
