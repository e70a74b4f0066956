// Finding a repeated key in a JSON text, with its path.

#include "core/json_keys.hpp"

#include <gtest/gtest.h>

using ferry::first_duplicate_key;

TEST(JsonKeys, FindsTheFirstRepeatedKeyWithItsPath) {
    EXPECT_EQ(first_duplicate_key(R"({"id":"a","id":"b"})", 64), "id");
    EXPECT_EQ(first_duplicate_key(R"({"a":{"b":1,"c":2,"b":3}})", 64), "a.b");
    EXPECT_EQ(first_duplicate_key(R"({"a":[1,{"x":1},{"y":1,"y":2}]})", 64), "a[2].y");
    EXPECT_EQ(first_duplicate_key(R"([{"k":1},[{"k":1,"k":2}]])", 64), "[1][0].k");
    EXPECT_EQ(first_duplicate_key(R"({"k\u0065y":1,"key":2})", 64), "key") << "escapes decode before comparing";
    EXPECT_EQ(first_duplicate_key(R"({"a":{"x":1},"b":{"x":1},"a":2})", 64), "a");
}

TEST(JsonKeys, NothingWhenKeysAreDistinctOrTheTextIsNotJson) {
    EXPECT_EQ(first_duplicate_key(R"({"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]})", 64), std::nullopt);
    EXPECT_EQ(first_duplicate_key(R"("id")", 64), std::nullopt);
    EXPECT_EQ(first_duplicate_key(R"({"id":)", 64), std::nullopt);
    EXPECT_EQ(first_duplicate_key("", 64), std::nullopt);
    EXPECT_EQ(first_duplicate_key(std::string(100, '[') + std::string(100, ']'), 8), std::nullopt);
}
