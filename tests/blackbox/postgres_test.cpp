// PostgreSQL's row-level security as a second wall between tenants (issue 9): ferryd runs as an
// application role that does not own the tables, and that role sees nothing of any tenant unless
// the transaction names it. Runs on FERRY_TEST_DATABASE's cluster or on a private one.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "test_database.hpp"
#include "world.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace ferry::test;

namespace {

// Tables with a tenant column (and `tenants` itself), read from the catalog so that a table added
// later is covered without editing this test.
std::vector<std::string> tenant_tables(const TestDatabase& db) {
    const std::string list = db.scalar_as_owner(
        "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name = 'tenant'");
    std::vector<std::string> out{"tenants"};
    std::stringstream in(list);
    for (std::string t; std::getline(in, t, ',');) out.push_back(t);
    return out;
}

void populate(HttpClient& c, const std::string& operator_token, const std::string& tenant) {
    const TenantFixture t = make_tenant(c, operator_token, tenant, {"dev", "prod"});
    const std::string base = "/v1/tenants/" + tenant + "/sandboxes/dev/";
    auto segment = c.post(base + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", t.admin_token);
    ASSERT_EQ(segment.status, 201) << segment.body;
    const std::string segment_id(segment.json().at("id").as_string());
    auto campaign = c.post(base + "campaigns",
                           R"({"name":"Spring","type":"action","channels":["email"],"audience":{"segment":")" +
                               segment_id + R"("},"content":{"email":{"subject":"Hi","body":"Hello"}}})",
                           t.admin_token);
    ASSERT_EQ(campaign.status, 201) << campaign.body;
}

}  // namespace

TEST(PostgresRls, TheAppRoleWithoutATenantSeesNoRowsAndWithOneSeesOnlyItsOwn) {
    auto db = std::make_shared<TestDatabase>();
    FerrydProcess server({}, db);
    HttpClient c(server.base_url());
    populate(c, server.operator_token(), "acme");
    populate(c, server.operator_token(), "globex");

    const auto tables = tenant_tables(*db);
    ASSERT_GE(tables.size(), 20U);
    for (const std::string& table : tables) {
        SCOPED_TRACE(table);
        const std::string count = "SELECT count(*) FROM " + table;
        // The application role, as ferryd connects, without naming a tenant: nothing.
        EXPECT_EQ(db->scalar_as_app(count), "0");
        // Naming one shows that tenant's rows only.
        EXPECT_EQ(db->scalar_as_app("SELECT set_config('ferry.tenant', 'acme', false); SELECT count(*) FROM " + table +
                                    (table == "tenants" ? " WHERE id <> 'acme'" : " WHERE tenant <> 'acme'")),
                  "0");
    }
    // The rows are there: the same queries with a tenant named do find them.
    for (const std::string& table : {std::string("tenants"), std::string("sandboxes"), std::string("users"),
                                     std::string("campaigns"), std::string("segments"), std::string("audit")}) {
        SCOPED_TRACE(table);
        EXPECT_NE(db->scalar_as_app("SELECT set_config('ferry.tenant', 'acme', false); SELECT count(*) FROM " + table),
                  "0");
        EXPECT_NE(
            db->scalar_as_app("SELECT set_config('ferry.tenant', 'globex', false); SELECT count(*) FROM " + table),
            "0");
    }
    EXPECT_EQ(db->scalar_as_app("SELECT set_config('ferry.tenant', '*', false); SELECT count(*) FROM tenants"), "2");

    // Writing another tenant's row under one tenant's name is refused by the policy.
    const auto [cross_ok, cross_error] = db->exec_as_app(
        "SELECT set_config('ferry.tenant', 'acme', false); "
        "UPDATE sandboxes SET description = 'x' WHERE tenant = 'acme' AND id = 'dev' RETURNING 1; "
        "INSERT INTO sandboxes(tenant, id, type, require_approval, description, created_at, updated_at, revision) "
        "VALUES ('globex', 'sneaky', 'dev', 'none', '', 0, 0, 1)");
    EXPECT_FALSE(cross_ok);
    EXPECT_NE(cross_error.find("row-level security"), std::string::npos) << cross_error;

    // The role ferryd runs as owns nothing, cannot turn the policies off, and cannot rewrite the
    // audit log even for its own tenant.
    EXPECT_EQ(
        db->scalar_as_owner("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'ferry_app'"),
        "0");
    EXPECT_EQ(db->scalar_as_owner("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                  "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' "
                                  "AND c.relname <> 'meta' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"),
              "0");
    EXPECT_FALSE(db->exec_as_app("ALTER TABLE campaigns DISABLE ROW LEVEL SECURITY").first);
    const auto [audit_ok, audit_error] =
        db->exec_as_app("SELECT set_config('ferry.tenant', 'acme', false); UPDATE audit SET actor = 'mallory'");
    EXPECT_FALSE(audit_ok);
    EXPECT_NE(audit_error.find("permission denied"), std::string::npos) << audit_error;
    EXPECT_EQ(server.log().find("row-level security does not apply"), std::string::npos);
}

TEST(PostgresRls, FerrydWarnsWhenItRunsAsTheTablesOwner) {
    auto db = std::make_shared<TestDatabase>();
    // Only the owner's URL: ferryd migrates and serves as the owner. FORCE keeps the policies on
    // even for it, and the log says to use a separate role.
    FerrydProcess server({{"--database", db->owner_url()}, {}});
    HttpClient c(server.base_url());
    EXPECT_EQ(c.get("/readyz").status, 200);
    EXPECT_NE(server.log().find("connects as the tables' owner"), std::string::npos) << server.log();
}

TEST(Postgres, ConnectionsTheServerDropsAreReplacedAndNothingAcknowledgedIsLost) {
    auto db = std::make_shared<TestDatabase>();
    FerrydProcess server({}, db);
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const std::string path = "/v1/tenants/acme/sandboxes/dev/segments";
    ASSERT_EQ(c.post(path, R"({"key":"before","name":"Before","rule":{"tier":"gold"}})", acme.admin_token).status, 201);

    // Every connection ferryd holds is cut, as a database restart or failover would.
    // (A role may end its own sessions; this one runs as ferryd's role, and spares itself.)
    const auto [ok, error] = db->exec_as_app(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
        "usename = current_user AND pid <> pg_backend_pid()");
    ASSERT_TRUE(ok) << error;

    // Requests on a cut connection fail cleanly (503, JSON), and the pool reconnects.
    int served = 0;
    for (int i = 0; i < 40 && served < 5; ++i) {
        const auto res =
            c.post(path, R"({"key":"after-)" + std::to_string(i) + R"(","name":"After","rule":{"tier":"gold"}})",
                   acme.admin_token);
        if (res.status == 201) {
            ++served;
        } else {
            EXPECT_EQ(res.status, 503) << res.body;
            EXPECT_EQ(res.error_code(), "storage_unavailable");
        }
    }
    EXPECT_EQ(served, 5);
    const auto list = c.get(path, acme.admin_token);
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find("\"before\""), std::string::npos);
    EXPECT_EQ(c.get("/readyz").status, 200);
}
