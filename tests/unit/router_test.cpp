#include "http/message.hpp"
#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace ferry;
using ferry::http::Route;
using ferry::http::Router;

namespace {

Route route(std::string method, std::string pattern) {
    return Route{std::move(method), std::move(pattern), Permission::public_access, nullptr, ""};
}

}  // namespace

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router r({route("GET", "/v1/tenants"), route("GET", "/v1/tenants/{tenant}/sandboxes/{sandbox}")});
    auto m = r.match("GET", "/v1/tenants/acme/sandboxes/dev");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/v1/tenants/{tenant}/sandboxes/{sandbox}");
    ASSERT_EQ(m.params.size(), 2U);
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"tenant", "acme"}));
    EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"sandbox", "dev"}));
}

TEST(Router, UnknownPathIsNotFoundAndKnownPathWrongMethodListsAllowed) {
    Router r({route("GET", "/v1/tenants"), route("POST", "/v1/tenants")});
    auto none = r.match("GET", "/v1/nothing");
    EXPECT_EQ(none.route, nullptr);
    EXPECT_TRUE(none.allowed_methods.empty());
    auto wrong = r.match("DELETE", "/v1/tenants");
    EXPECT_EQ(wrong.route, nullptr);
    EXPECT_EQ(wrong.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, TrailingSlashAndEmptySegmentsDoNotMatch) {
    Router r({route("GET", "/v1/tenants/{tenant}")});
    EXPECT_EQ(r.match("GET", "/v1/tenants/").route, nullptr);
    EXPECT_EQ(r.match("GET", "/v1/tenants/acme/").route, nullptr);
    EXPECT_EQ(r.match("GET", "/v1/tenants/acme/extra").route, nullptr);
}

TEST(Router, RefusesDuplicateRoutes) {
    EXPECT_THROW(Router({route("GET", "/a/{x}"), route("GET", "/a/{x}")}), std::logic_error);
}

TEST(Router, SplitPath) {
    EXPECT_EQ(http::split_path("/a/b"), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_TRUE(http::split_path("/").empty());
}

TEST(Request, HeaderLookupIgnoresCase) {
    http::Request req;
    req.headers.push_back({"content-type", "application/json"});
    EXPECT_EQ(req.header("Content-Type"), "application/json");
    EXPECT_EQ(req.header("if-match"), "");
}
