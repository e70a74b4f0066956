// The audit log through the real ferryd: what gets recorded, paging, and tamper detection when
// the database is altered behind ferryd's back.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <regex>
#include <thread>

using namespace ferry::test;

namespace {

// Runs SQL behind ferryd's back, as whoever can: the SQLite file, or PostgreSQL's schema owner
// (which row-level security still confines, hence the wildcard tenant).
void sql(const FerrydProcess& server, std::string statement, bool expect_ok = true) {
    if (const TestDatabase* pg = server.database()) {
        statement = std::regex_replace(statement, std::regex("DROP TRIGGER (\\w+);"), "DROP TRIGGER $1 ON audit;");
        const auto [ok, error] = pg->exec_as_owner("SET ferry.tenant = '*'; " + statement);
        if (expect_ok) {
            EXPECT_TRUE(ok) << error;
        } else {
            EXPECT_FALSE(ok) << statement;
        }
        return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((server.data_dir() / "ferry.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
    if (expect_ok) {
        EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    } else {
        EXPECT_NE(rc, SQLITE_OK) << statement;
    }
    sqlite3_free(error);
    sqlite3_close(db);
}

std::vector<std::string> actions(HttpClient& c, const std::string& tenant, const std::string& admin) {
    std::vector<std::string> out;
    const auto page = c.get("/v1/tenants/" + tenant + "/audit?limit=500", admin).json();
    for (const auto& item : page.at("items").as_array()) out.emplace_back(item.at("action").as_string());
    return out;
}

}  // namespace

TEST(Audit, EveryWriteAndEveryDenialIsRecorded) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev", "prod"});
    EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes", "fry_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA").status, 401);
    EXPECT_EQ(c.get("/v1/tenants/acme/users", acme.token_of.at("viewer")).status, 403);
    EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes/prod", acme.token_of.at("viewer")).status, 404);

    const auto all = actions(c, "acme", acme.admin_token);
    auto count = [&](const std::string& a) { return std::count(all.begin(), all.end(), a); };
    EXPECT_EQ(count("tenant.create"), 1);
    EXPECT_EQ(count("sandbox.create"), 2);
    EXPECT_EQ(count("user.create"), 4);
    EXPECT_EQ(count("token.create"), 4);
    EXPECT_EQ(count("auth.failed"), 1);
    EXPECT_EQ(count("authz.denied"), 2);

    auto page = c.get("/v1/tenants/acme/audit?limit=1", acme.admin_token).json();
    const auto& first = page.at("items").as_array()[0];
    EXPECT_EQ(first.at("seq").as_int64(), 1);
    EXPECT_EQ(first.at("actor").as_string(), "operator");
    const std::string cursor(page.at("next_cursor").as_string());
    auto second = c.get("/v1/tenants/acme/audit?limit=1&cursor=" + cursor, acme.admin_token).json();
    EXPECT_EQ(second.at("items").as_array()[0].at("seq").as_int64(), 2);
    EXPECT_EQ(second.at("items").as_array()[0].at("prev_hash"), first.at("hash"));
    EXPECT_EQ(c.get("/v1/tenants/acme/audit?limit=0", acme.admin_token).status, 400);
    EXPECT_EQ(c.get("/v1/tenants/acme/audit?cursor=abc", acme.admin_token).status, 400);
}

TEST(Audit, AlteringOneRowInTheDatabaseIsNamedByVerify) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const TenantFixture globex = make_tenant(c, server.operator_token(), "globex", {"gx-dev"}, "gx-");
    auto clean = c.get("/v1/tenants/acme/audit/verify", acme.admin_token).json();
    EXPECT_TRUE(clean.at("ok").as_bool());
    EXPECT_GE(clean.at("checked").as_int64(), 10);

    // ferry's schema refuses edits of the log...
    sql(server, "UPDATE audit SET actor = 'mallory' WHERE tenant = 'acme' AND seq = 4", false);
    // ...so someone with the database file removes that guard first.
    sql(server, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE tenant = 'acme' AND seq = 4");
    auto broken = c.get("/v1/tenants/acme/audit/verify", acme.admin_token).json();
    EXPECT_FALSE(broken.at("ok").as_bool());
    EXPECT_EQ(broken.at("first_broken").at("seq").as_int64(), 4);
    EXPECT_EQ(broken.at("checked").as_int64(), 3);

    // Removing a row is named too; the other tenant's chain is untouched.
    sql(server, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE tenant = 'globex' AND seq = 6");
    auto gap = c.get("/v1/tenants/globex/audit/verify", globex.admin_token).json();
    EXPECT_FALSE(gap.at("ok").as_bool());
    EXPECT_EQ(gap.at("first_broken").at("seq").as_int64(), 6);
    EXPECT_EQ(gap.at("first_broken").at("reason").as_string(), "missing");
}

// Failed authentication cannot grow the audit log without bound: one record per address and
// window, the rest summed up in one record with their count; past the limit, 429 with
// Retry-After, while valid credentials from the same address still work.
TEST(Audit, RepeatedFailedAuthenticationIsLimitedAndAuditedAsOneCount) {
    FerrydProcess server(FerrydOptions{
        {"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z", "--auth-failures-per-minute", "5"}, {}});
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const std::string bad = "fry_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA";
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes", bad).status, 401) << i;
    for (int i = 0; i < 25; ++i) {
        const auto res = c.get("/v1/tenants/acme/sandboxes", bad);
        ASSERT_EQ(res.status, 429) << i;
        EXPECT_EQ(res.error_code(), "too_many_failures");
        EXPECT_EQ(res.header("retry-after"), "60");  // the test clock stands still
    }
    EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes", acme.admin_token).status, 200) << "valid credentials still work";

    auto count = [&](const std::string& action) {
        const auto all = actions(c, "acme", acme.admin_token);
        return std::count(all.begin(), all.end(), action);
    };
    EXPECT_EQ(count("auth.failed"), 1);
    ASSERT_EQ(c.post("/v1/operator/clock", R"({"advance_seconds":61})", server.operator_token()).status, 200);
    // The next request after the window sweeps it (a sweep runs at most once a second).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(c.get("/healthz").status, 200);
    EXPECT_EQ(count("auth.failed"), 2);
    const auto page = c.get("/v1/tenants/acme/audit?limit=500", acme.admin_token).json();
    const auto& last = page.at("items").as_array().back();
    EXPECT_EQ(last.at("action"), "auth.failed");
    EXPECT_EQ(last.at("details").at("count"), 29);
    EXPECT_EQ(last.at("details").at("address"), "127.0.0.1");
    // A new window starts afresh.
    EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes", bad).status, 401);
    EXPECT_EQ(c.get("/v1/tenants/acme/audit/verify", acme.admin_token).status, 200);
}
