// Health, readiness, metrics, request ids and the JSON request log.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sstream>

using namespace ferry::test;

TEST(Observability, HealthAndReadiness) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    auto health = c.get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json().at("status").as_string(), "ok");
    auto ready = c.get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.json().at("status").as_string(), "ready");
}

TEST(Observability, MetricsCountRequestsByRouteAndStatus) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    for (int i = 0; i < 3; ++i) c.get("/v1/tenants/acme/sandboxes/dev", acme.admin_token);
    c.get("/v1/tenants/acme/sandboxes/nope", acme.admin_token);
    auto metrics = c.get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.header("content-type").rfind("text/plain", 0), 0U);
    const std::string& text = metrics.body;
    EXPECT_NE(text.find(R"(ferry_http_requests_total{route="/v1/tenants/{tenant}/sandboxes/{sandbox}",method="GET",status="200"} 3)"),
              std::string::npos) << text;
    EXPECT_NE(text.find(R"(ferry_http_requests_total{route="/v1/tenants/{tenant}/sandboxes/{sandbox}",method="GET",status="404"} 1)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(ferry_http_request_duration_seconds_count{route="/v1/tenants/{tenant}/sandboxes/{sandbox}",method="GET"} 4)"),
              std::string::npos);
    EXPECT_NE(text.find("ferry_http_request_duration_seconds_bucket{"), std::string::npos);
    // The /metrics request itself is in flight while it renders.
    EXPECT_NE(text.find("ferry_http_requests_in_flight 1"), std::string::npos);
}

TEST(Observability, RequestIdsAreEchoedOrMadeAndLoggedWithEachRequest) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    auto given = c.request("GET", "/v1/tenants/acme/sandboxes/dev", acme.admin_token, nullptr, {"X-Request-Id: trace-42"});
    EXPECT_EQ(given.header("x-request-id"), "trace-42");
    auto made = c.get("/healthz");
    EXPECT_EQ(made.header("x-request-id").size(), 16U);
    auto hostile = c.request("GET", "/healthz", "", nullptr, {"X-Request-Id: has spaces and \"quotes\""});
    EXPECT_NE(hostile.header("x-request-id"), "has spaces and \"quotes\"");

    bool found = false;
    std::istringstream lines(server.log());
    for (std::string line; std::getline(lines, line);) {
        const auto entry = boost::json::parse(line).as_object();  // every line is one JSON object
        EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("msg")) << line;
        if (entry.at("msg") != "request" || entry.at("request_id") != "trace-42") continue;
        found = true;
        EXPECT_EQ(entry.at("method").as_string(), "GET");
        EXPECT_EQ(entry.at("route").as_string(), "/v1/tenants/{tenant}/sandboxes/{sandbox}");
        EXPECT_EQ(entry.at("status").as_int64(), 200);
        EXPECT_EQ(entry.at("tenant").as_string(), "acme");
        EXPECT_TRUE(entry.at("duration_ms").is_number());
    }
    EXPECT_TRUE(found);
}

TEST(Observability, TokensNeverAppearInTheLog) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    c.get("/v1/tenants/acme/users", acme.token_of.at("viewer"));
    const std::string log = server.log();
    EXPECT_EQ(log.find("fry_"), std::string::npos);
    EXPECT_EQ(log.find(server.operator_token()), std::string::npos);
}
