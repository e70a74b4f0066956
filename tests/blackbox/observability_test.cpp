// Health, readiness, metrics, request ids and the JSON request log.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace ferry::test;

namespace {

// One sample of the exposition text: the metric's name, its labels and its value.
struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// Parses the text exposition format's sample lines (comments skipped; label values unescaped).
std::vector<Sample> parse_exposition(const std::string& text) {
    std::vector<Sample> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        Sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name.push_back(line[i++]);
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                std::string key;
                while (i < line.size() && line[i] != '=') key.push_back(line[i++]);
                i += 2;  // ="
                std::string value;
                while (i < line.size() && line[i] != '"') {
                    if (line[i] == '\\' && i + 1 < line.size()) {
                        ++i;
                        value.push_back(line[i] == 'n' ? '\n' : line[i]);
                    } else {
                        value.push_back(line[i]);
                    }
                    ++i;
                }
                ++i;  // closing quote
                if (i < line.size() && line[i] == ',') ++i;
                s.labels[key] = value;
            }
            ++i;  // }
        }
        s.value = std::stod(line.substr(i));
        out.push_back(std::move(s));
    }
    return out;
}

// The value of the one sample named so whose labels include these; NaN when there is none.
double value_of(const std::vector<Sample>& samples, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
    for (const Sample& s : samples) {
        if (s.name != name) continue;
        bool match = true;
        for (const auto& [k, v] : labels) {
            const auto it = s.labels.find(k);
            if (it == s.labels.end() || it->second != v) match = false;
        }
        if (match) return s.value;
    }
    return std::nan("");
}

std::vector<Sample> scrape(HttpClient& c, const std::string& token = "") {
    auto res = c.get("/metrics", token);
    EXPECT_EQ(res.status, 200);
    return parse_exposition(res.body);
}

std::string test_backend() {
    const char* backend = std::getenv("FERRY_TEST_BACKEND");
    return backend != nullptr && std::string(backend) == "postgres" ? "postgres" : "sqlite";
}

}  // namespace

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
    const auto samples = parse_exposition(text);
    const std::string route = "/v1/tenants/{tenant}/sandboxes/{sandbox}";
    EXPECT_EQ(value_of(samples, "ferry_http_requests_total", {{"route", route}, {"method", "GET"}, {"status", "200"}}),
              3)
        << text;
    EXPECT_EQ(value_of(samples, "ferry_http_requests_total", {{"route", route}, {"method", "GET"}, {"status", "404"}}),
              1);
    EXPECT_EQ(value_of(samples, "ferry_http_request_duration_seconds_count", {{"route", route}, {"method", "GET"}}), 4);
    EXPECT_EQ(value_of(samples, "ferry_http_request_duration_seconds_bucket",
                       {{"route", route}, {"method", "GET"}, {"le", "+Inf"}}),
              4);
    // The /metrics request itself is in flight while it renders.
    EXPECT_EQ(value_of(samples, "ferry_http_requests_in_flight"), 1);
}

// The whole exposition passes promtool's checks, with every kind of series present: HTTP,
// use cases, storage, scheduler, backlog and process figures.
TEST(Observability, MetricsPassPromtool) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    c.get("/v1/tenants/acme/sandboxes/dev", acme.admin_token);
    c.get("/v1/tenants/acme/sandboxes/nope", acme.admin_token);
    c.request("DELETE", "/healthz", "", nullptr);
    auto metrics = c.get("/metrics", server.operator_token());
    ASSERT_EQ(metrics.status, 200);
    const auto file = server.data_dir().parent_path() / "metrics.txt";
    std::ofstream(file) << metrics.body;
    const auto [status, output] = run_command("promtool check metrics < '" + file.string() + "'");
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "") << output;  // promtool prints each problem it finds, nothing when there is none

    const auto samples = parse_exposition(metrics.body);
    for (const std::string name :
         {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_max_fds",
          "process_start_time_seconds", "ferry_scheduler_lag_seconds", "ferry_webhook_outbox_pending",
          "ferry_webhook_outbox_oldest_pending_age_seconds", "ferry_package_publish_duration_seconds_count",
          "ferry_import_duration_seconds_count"})
        EXPECT_FALSE(std::isnan(value_of(samples, name))) << name << " missing:\n" << metrics.body;
    EXPECT_EQ(value_of(samples, "ferry_build_info"), 1);
    EXPECT_GT(value_of(samples, "process_start_time_seconds"), 1.6e9);
    EXPECT_GT(value_of(samples, "process_resident_memory_bytes"), 0);
    EXPECT_GT(value_of(samples, "ferry_store_transaction_duration_seconds_count",
                       {{"backend", test_backend()}, {"kind", "read"}}),
              0);
    EXPECT_GT(value_of(samples, "ferry_store_transaction_duration_seconds_count",
                       {{"backend", test_backend()}, {"kind", "write"}}),
              0);
    EXPECT_EQ(value_of(samples, "ferry_reviews_pending", {{"tenant", "acme"}}), 0);

    // Without the operator token the figures are the same, but no tenant is named.
    const auto anonymous = c.get("/metrics");
    EXPECT_EQ(anonymous.body.find("acme"), std::string::npos) << anonymous.body;
    EXPECT_EQ(value_of(parse_exposition(anonymous.body), "ferry_reviews_pending"), 0);
    std::ofstream(file) << anonymous.body;
    const auto [anonymous_status, anonymous_output] = run_command("promtool check metrics < '" + file.string() + "'");
    EXPECT_EQ(anonymous_status, 0) << anonymous_output;
    EXPECT_EQ(anonymous_output, "");
}

// A publish, an import and a review request each move their series.
TEST(Observability, DomainSeriesFollowPublishImportAndReview) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev", "prod"});
    const std::string editor = acme.token_of.at("editor");  // editor on dev
    const std::string importer = make_user(c, acme, "ivan", R"([{"sandbox":"prod","role":"importer"}])");
    const std::string dev = "/v1/tenants/acme/sandboxes/dev/";

    const auto before = scrape(c, server.operator_token());
    EXPECT_EQ(value_of(before, "ferry_package_publishes_total", {{"outcome", "published"}}), 0);
    EXPECT_EQ(value_of(before, "ferry_imports_total", {{"outcome", "applied"}}), 0);
    EXPECT_EQ(value_of(before, "ferry_reviews_pending", {{"tenant", "acme"}}), 0);

    // A package of one campaign with its segment and template, published as version 1.
    const auto segment = c.post(dev + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor);
    ASSERT_EQ(segment.status, 201) << segment.body;
    const auto tmpl = c.post(
        dev + "templates", R"({"key":"hello","name":"Hello","channel":"email","subject":"Hi","body":"Hello"})", editor);
    ASSERT_EQ(tmpl.status, 201) << tmpl.body;
    const auto campaign =
        c.post(dev + "campaigns",
               R"({"key":"welcome","name":"Welcome","type":"action","channels":["email"],"audience":{"segment":")" +
                   std::string(segment.json().at("id").as_string()) + R"("},"content":{"email":{"template":")" +
                   std::string(tmpl.json().at("id").as_string()) + R"("}}})",
               editor);
    ASSERT_EQ(campaign.status, 201) << campaign.body;
    const std::string campaign_id(campaign.json().at("id").as_string());
    const auto package = c.post(
        "/v1/tenants/acme/packages",
        R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + campaign_id + R"("}]})",
        editor);
    ASSERT_EQ(package.status, 201) << package.body;
    const auto published = c.post("/v1/tenants/acme/packages/welcome/versions", "{}", editor);
    ASSERT_EQ(published.status, 201) << published.body;

    // Imported into prod, then asked again with a version that does not exist.
    const auto applied =
        c.post("/v1/tenants/acme/sandboxes/prod/imports", R"({"package":"welcome","version":1})", importer);
    ASSERT_EQ(applied.status, 201) << applied.body;
    EXPECT_EQ(
        c.post("/v1/tenants/acme/sandboxes/prod/imports", R"({"package":"welcome","version":9})", importer).status,
        404);

    // A policy on dev's email campaigns: submitting the campaign opens a review.
    const auto policy = c.post("/v1/tenants/acme/approval-policies", R"({"name":"dev email","scope":"campaign",
        "conditions":{"all":[{"field":"sandbox","op":"equals","value":"dev"}]},
        "approvers":{"role":"reviewer"},"required_approvals":1})",
                               acme.admin_token);
    ASSERT_EQ(policy.status, 201) << policy.body;
    const auto submitted = c.post(dev + "campaigns/" + campaign_id + "/actions/submit", "{}", editor);
    ASSERT_EQ(submitted.status, 200) << submitted.body;
    ASSERT_EQ(submitted.json().at("status").as_string(), "in_review");

    auto metrics = c.get("/metrics", server.operator_token());
    const auto after = parse_exposition(metrics.body);
    EXPECT_EQ(value_of(after, "ferry_package_publishes_total", {{"outcome", "published"}}), 1) << metrics.body;
    EXPECT_EQ(value_of(after, "ferry_package_publish_duration_seconds_count"), 1);
    EXPECT_GT(value_of(after, "ferry_package_publish_duration_seconds_sum"), 0);
    EXPECT_EQ(value_of(after, "ferry_package_published_objects_total"), 3);  // campaign, segment, template
    EXPECT_EQ(value_of(after, "ferry_imports_total", {{"outcome", "applied"}}), 1);
    EXPECT_EQ(value_of(after, "ferry_imports_total", {{"outcome", "rejected"}}), 1);
    EXPECT_EQ(value_of(after, "ferry_import_duration_seconds_count"), 2);
    EXPECT_EQ(value_of(after, "ferry_import_applied_objects_total"), 3);
    EXPECT_EQ(value_of(after, "ferry_reviews_pending", {{"tenant", "acme"}}), 1);
    EXPECT_EQ(value_of(scrape(c), "ferry_reviews_pending"), 1);  // anonymous: all tenants' sum
    EXPECT_EQ(value_of(after, "ferry_git_store_errors_total", {{"operation", "publish"}}), 0);
    EXPECT_GT(value_of(after, "ferry_store_transaction_duration_seconds_count",
                       {{"backend", test_backend()}, {"kind", "write"}}),
              value_of(before, "ferry_store_transaction_duration_seconds_count",
                       {{"backend", test_backend()}, {"kind", "write"}}));
}

TEST(Observability, RequestIdsAreEchoedOrMadeAndLoggedWithEachRequest) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    auto given =
        c.request("GET", "/v1/tenants/acme/sandboxes/dev", acme.admin_token, nullptr, {"X-Request-Id: trace-42"});
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

// Each request line names its caller by id (user and token, never the token itself), the error
// code of an error answer, and its duration as a plain decimal.
TEST(Observability, RequestLinesCarryCallerErrorCodeAndPlainDurations) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const auto me = c.get("/v1/me", acme.token_of.at("viewer")).json();
    const std::string viewer_user(me.at("user").as_string());
    const std::string viewer_token(me.at("token").at("id").as_string());
    c.request("GET", "/v1/tenants/acme/sandboxes/dev", acme.token_of.at("viewer"), nullptr, {"X-Request-Id: ok-1"});
    c.request("GET", "/v1/tenants/acme/sandboxes/nope", acme.token_of.at("viewer"), nullptr,
              {"X-Request-Id: missing-1"});
    c.request("GET", "/v1/tenants/acme/users", acme.token_of.at("viewer"), nullptr, {"X-Request-Id: forbidden-1"});
    c.request("GET", "/v1/tenants/acme/sandboxes/dev", "", nullptr, {"X-Request-Id: anonymous-1"});
    c.request("GET", "/v1/tenants", server.operator_token(), nullptr, {"X-Request-Id: operator-1"});

    std::map<std::string, boost::json::object> by_id;
    const std::string log = server.log();
    std::istringstream lines(log);
    const std::regex plain_duration(R"re("duration_ms":(0|[1-9][0-9]*)(\.[0-9]+)?[,}])re");
    for (std::string line; std::getline(lines, line);) {
        auto entry = boost::json::parse(line).as_object();
        if (entry.at("msg") != "request") continue;
        EXPECT_TRUE(std::regex_search(line, plain_duration)) << line;
        by_id[std::string(entry.at("request_id").as_string())] = std::move(entry);
    }
    ASSERT_EQ(by_id.count("ok-1"), 1U) << log;
    EXPECT_EQ(by_id["ok-1"].at("user").as_string(), viewer_user);
    EXPECT_EQ(by_id["ok-1"].at("token").as_string(), viewer_token);
    EXPECT_FALSE(by_id["ok-1"].contains("error"));

    ASSERT_EQ(by_id.count("missing-1"), 1U);
    EXPECT_EQ(by_id["missing-1"].at("status").as_int64(), 404);
    EXPECT_EQ(by_id["missing-1"].at("error").as_string(), "not_found");
    EXPECT_EQ(by_id["missing-1"].at("user").as_string(), viewer_user);

    ASSERT_EQ(by_id.count("forbidden-1"), 1U);
    EXPECT_EQ(by_id["forbidden-1"].at("status").as_int64(), 403);
    EXPECT_EQ(by_id["forbidden-1"].at("error").as_string(), "forbidden");
    EXPECT_EQ(by_id["forbidden-1"].at("token").as_string(), viewer_token);

    ASSERT_EQ(by_id.count("anonymous-1"), 1U);
    EXPECT_EQ(by_id["anonymous-1"].at("status").as_int64(), 401);
    EXPECT_EQ(by_id["anonymous-1"].at("error").as_string(), "unauthorized");
    EXPECT_FALSE(by_id["anonymous-1"].contains("user"));
    EXPECT_FALSE(by_id["anonymous-1"].contains("token"));

    ASSERT_EQ(by_id.count("operator-1"), 1U);
    EXPECT_EQ(by_id["operator-1"].at("caller").as_string(), "operator");
    EXPECT_FALSE(by_id["operator-1"].contains("user"));
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
