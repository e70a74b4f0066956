#include "http/router.hpp"

#include "http/message.hpp"

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
    EXPECT_EQ(wrong.allowed_methods, (std::vector<std::string>{"GET", "HEAD", "POST"}));
}

TEST(Router, TrailingSlashAndEmptySegmentsDoNotMatch) {
    Router r({route("GET", "/v1/tenants/{tenant}")});
    EXPECT_EQ(r.match("GET", "/v1/tenants/").route, nullptr);
    EXPECT_EQ(r.match("GET", "/v1/tenants/acme/").route, nullptr);
    EXPECT_EQ(r.match("GET", "/v1/tenants/acme/extra").route, nullptr);
    // Empty segments are not skipped: paths are exact.
    EXPECT_EQ(r.match("GET", "/v1//tenants/acme").route, nullptr);
    EXPECT_EQ(r.match("GET", "//v1/tenants/acme").route, nullptr);
    EXPECT_EQ(r.match("GET", "/v1/tenants//acme").route, nullptr);
    EXPECT_NE(r.match("GET", "/v1/tenants/acme").route, nullptr);
}

TEST(Router, HeadIsServedByEveryGetRoute) {
    Router r({route("GET", "/v1/tenants/{tenant}"), route("POST", "/v1/tenants")});
    const auto head = r.match("HEAD", "/v1/tenants/acme");
    ASSERT_NE(head.route, nullptr);
    EXPECT_EQ(head.route->method, "GET");
    EXPECT_EQ(head.params.size(), 1U);
    const auto post_only = r.match("HEAD", "/v1/tenants");
    EXPECT_EQ(post_only.route, nullptr);
    EXPECT_EQ(post_only.allowed_methods, (std::vector<std::string>{"POST"}));
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
    EXPECT_TRUE(req.has_header("CONTENT-TYPE"));
    EXPECT_FALSE(req.has_header("if-match"));
    req.headers.push_back({"idempotency-key", ""});
    EXPECT_TRUE(req.has_header("Idempotency-Key"));
}
