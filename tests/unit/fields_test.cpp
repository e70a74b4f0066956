#include "api/json_io.hpp"
#include "core/error.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace ferry;

namespace {

boost::json::object obj(const char* text) { return boost::json::parse(text).as_object(); }

template <class F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error thrown";
    return Error(ErrorKind::internal, "none", "none");
}

}  // namespace

TEST(Fields, ReadsStringsAndRejectsUnknownFields) {
    const auto o = obj(R"({"id":"acme","name":"Acme","nmae":"typo"})");
    Fields f(o);
    EXPECT_EQ(f.required_string("id", 64), "acme");
    EXPECT_EQ(f.optional_string("name", 200), "Acme");
    const Error e = error_of([&] { f.finish(); });
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "unknown_field");
    EXPECT_EQ(e.details().at("field").as_string(), "nmae");
}

TEST(Fields, NamesTheFieldPathOfBadValues) {
    const auto o = obj(R"({"sandbox":7})");
    Fields f(o, "roles[2]");
    const Error e = error_of([&] { f.required_string("sandbox", 64); });
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.details().at("field").as_string(), "roles[2].sandbox");
}

TEST(Fields, EnforcesLengthAndPresence) {
    const auto o = obj(R"({"name":"abcdef"})");
    Fields f(o);
    EXPECT_EQ(error_of([&] { f.required_string("name", 5); }).code(), "invalid_field");
    EXPECT_EQ(error_of([&] { f.required_string("id", 5); }).details().at("field").as_string(), "id");
}

TEST(Fields, NullableStrings) {
    const auto o = obj(R"({"a":null,"b":"x"})");
    Fields f(o);
    auto a = f.optional_nullable_string("a", 10);
    ASSERT_TRUE(a);
    EXPECT_FALSE(*a);
    EXPECT_EQ(f.optional_nullable_string("b", 10), std::optional<std::optional<std::string>>(std::string("x")));
    EXPECT_FALSE(f.optional_nullable_string("c", 10));
}
