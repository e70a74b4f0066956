// The authorization matrix: every route x every caller x own/other tenant, with the expected
// statuses kept in authz_matrix.tsv. Destructive routes act on objects made fresh for each call,
// so the order of rows does not matter. Every body an acme caller receives is scanned for
// globex's names.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace ferry::test;

namespace {

struct Row {
    std::string method;
    std::string path;
    std::map<std::string, std::string> expected;  // caller -> status or "-"
};

const std::vector<std::string> callers{"anonymous", "operator", "admin", "editor", "reviewer", "viewer", "importer"};
const std::vector<std::string> tenant_roles{"admin", "editor", "reviewer", "viewer", "importer"};

std::vector<Row> load_matrix() {
    std::ifstream in(AUTHZ_MATRIX_PATH);
    std::vector<Row> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Row row;
        fields >> row.method >> row.path;
        for (const auto& c : callers) fields >> row.expected[c];
        fields >> row.expected["other"];
        if (!fields) throw std::runtime_error("bad matrix line: " + line);
        rows.push_back(std::move(row));
    }
    return rows;
}

class Matrix : public ::testing::Test {
protected:
    void SetUp() override {
        HttpClient c(server.base_url());
        acme = make_tenant(c, server.operator_token(), "acme", {"dev", "prod"});
        globex = make_tenant(c, server.operator_token(), "globex", {"gx-dev", "gx-prod"}, "gx-");
    }

    // Fills the path's placeholders with objects of `tenant`, creating fresh ones for deletes.
    std::pair<std::string, std::string> prepare(const Row& row, const TenantFixture& tenant,
                                                const std::string& prefix) {
        HttpClient c(server.base_url());
        std::string path = row.path;
        const bool destructive = row.method == "DELETE";
        auto replace = [&](const std::string& name, const std::string& value) {
            const auto pos = path.find("{" + name + "}");
            if (pos != std::string::npos) path.replace(pos, name.size() + 2, value);
        };
        const std::string n = std::to_string(++counter);
        std::string sandbox = tenant.sandboxes.front();
        std::string user = tenant.user_of.at("viewer");
        if (destructive && row.path.ends_with("{sandbox}")) {
            sandbox = prefix + "tmp" + n;
            c.post("/v1/tenants/" + tenant.id + "/sandboxes", R"({"id":")" + sandbox + R"(","type":"development"})",
                   tenant.admin_token);
        }
        if (destructive && row.path.find("{user}") != std::string::npos) {
            user = prefix + "tmp" + n;
            make_user(c, tenant, user, "[]");
        }
        replace("tenant", tenant.id);
        replace("sandbox", sandbox);
        replace("user", user);
        if (row.path.find("{token}") != std::string::npos) {
            auto list = c.get("/v1/tenants/" + tenant.id + "/users/" + user + "/tokens", tenant.admin_token);
            replace("token", std::string(list.json().at("items").as_array()[0].at("id").as_string()));
        }
        const std::string base = "/v1/tenants/" + tenant.id + "/sandboxes/" + sandbox;
        if (row.path.find("{segment}") != std::string::npos)
            replace("segment", created_id(c.post(base + "/segments", R"({"name":"S)" + n + R"(","rule":{}})",
                                                 tenant.admin_token)));
        if (row.path.find("{template}") != std::string::npos)
            replace("template",
                    created_id(c.post(base + "/templates", R"({"name":"T)" + n + R"(","channel":"sms","body":"hi"})",
                                      tenant.admin_token)));
        if (row.path.find("{campaign}") != std::string::npos) {
            const std::string id = created_id(c.post(base + "/campaigns", campaign_body(n), tenant.admin_token));
            // The draft-version routes need a live campaign; GET and DELETE need its draft version too.
            if (row.path.ends_with("/execution-events"))
                c.post(base + "/campaigns/" + id + "/actions/activate", "{}", tenant.admin_token);
            if (row.path.ends_with("/draft")) {
                c.post(base + "/campaigns/" + id + "/actions/activate", "{}", tenant.admin_token);
                if (row.method != "PUT")
                    c.request("PUT", base + "/campaigns/" + id + "/draft", tenant.admin_token, &draft_spec);
            }
            replace("campaign", id);
        }
        if (row.path.find("{policy}") != std::string::npos) {
            auto policy = c.post(
                "/v1/tenants/" + tenant.id + "/approval-policies",
                R"({"name":"P)" + n +
                    R"(","scope":"campaign","conditions":{"all":[{"field":"tag","op":"equals","value":"never"}]},"approvers":{"role":"reviewer"},"required_approvals":1,"active":false})",
                tenant.admin_token);
            replace("policy", created_id(policy));
        }
        if (row.path.find("{package}") != std::string::npos) {
            const std::string campaign =
                created_id(c.post(base + "/campaigns", campaign_body(n + "p"), tenant.admin_token));
            auto pkg = c.post("/v1/tenants/" + tenant.id + "/packages",
                              R"({"name":"pkg)" + n + R"(","source_sandbox":")" + sandbox +
                                  R"(","objects":[{"kind":"campaign","id":")" + campaign + "\"}]}",
                              tenant.admin_token);
            if (pkg.status != 201) throw std::runtime_error("package fixture: " + pkg.body);
            if (c.post("/v1/tenants/" + tenant.id + "/packages/pkg" + n + "/versions", "{}", tenant.admin_token)
                    .status != 201)
                throw std::runtime_error("publish fixture failed");
            replace("package", "pkg" + n);
            replace("version", "1");
        }
        std::string import_body;
        if (row.path.find("/imports") != std::string::npos) {
            const std::string campaign =
                created_id(c.post(base + "/campaigns", campaign_body(n + "i"), tenant.admin_token));
            auto pkg = c.post("/v1/tenants/" + tenant.id + "/packages",
                              R"({"name":"imp)" + n + R"(","source_sandbox":")" + sandbox +
                                  R"(","objects":[{"kind":"campaign","id":")" + campaign + "\"}]}",
                              tenant.admin_token);
            if (pkg.status != 201) throw std::runtime_error("import fixture: " + pkg.body);
            if (c.post("/v1/tenants/" + tenant.id + "/packages/imp" + n + "/versions", "{}", tenant.admin_token)
                    .status != 201)
                throw std::runtime_error("import fixture: publish failed");
            import_body = R"({"package":"imp)" + n + R"(","version":1})";
            if (row.path.find("{import}") != std::string::npos)
                replace("import", created_id(c.post(base + "/imports", import_body, tenant.admin_token)));
        }
        // Pipelines: a fresh sandbox each (a sandbox belongs to one pipeline). Promotions go into
        // the role users' sandbox, the one stage of a pipeline made once, of a fresh package
        // published from it; {promotion} is scheduled far ahead (retry applies it, cancel ends it).
        // Freeze windows are far in the future, so that nothing else here is frozen.
        const std::string tenant_path = "/v1/tenants/" + tenant.id;
        if (row.path.find("{pipeline}") != std::string::npos) {
            const std::string stage = prefix + "pl" + n;
            c.post(tenant_path + "/sandboxes", R"({"id":")" + stage + R"(","type":"development"})", tenant.admin_token);
            auto made =
                c.post(tenant_path + "/pipelines",
                       R"({"name":"pl)" + n + R"(","stages":[{"sandbox":")" + stage + R"("}]})", tenant.admin_token);
            if (made.status != 201) throw std::runtime_error("pipeline fixture: " + made.body);
            replace("pipeline", "pl" + n);
        }
        std::string promotion_body;
        if (row.path.find("promotions") != std::string::npos) {
            c.post(tenant_path + "/pipelines", R"({"name":"devline","stages":[{"sandbox":")" + sandbox + R"("}]})",
                   tenant.admin_token);  // once; 409 already_exists afterwards
            const std::string campaign =
                created_id(c.post(base + "/campaigns", campaign_body(n + "m"), tenant.admin_token));
            auto pkg = c.post(tenant_path + "/packages",
                              R"({"name":"prm)" + n + R"(","source_sandbox":")" + sandbox +
                                  R"(","objects":[{"kind":"campaign","id":")" + campaign + "\"}]}",
                              tenant.admin_token);
            if (pkg.status != 201) throw std::runtime_error("promotion fixture: " + pkg.body);
            if (c.post(tenant_path + "/packages/prm" + n + "/versions", "{}", tenant.admin_token).status != 201)
                throw std::runtime_error("promotion fixture: publish failed");
            promotion_body = R"({"package":"prm)" + n + R"(","version":1})";
            if (row.path.find("{promotion}") != std::string::npos)
                replace("promotion",
                        created_id(c.post(base + "/promotions",
                                          R"({"package":"prm)" + n + R"(","version":1,"at":"2030-01-01T00:00:00Z"})",
                                          tenant.admin_token)));
        }
        // Subscriptions follow a fresh (empty) package of the role users' sandbox each; drift is
        // adopted on an object that has not drifted (404 for whoever may adopt).
        std::string subscription_body;
        if (row.path.find("subscriptions") != std::string::npos) {
            auto pkg = c.post(tenant_path + "/packages",
                              R"({"name":"sub)" + n + R"(","source_sandbox":")" + sandbox + R"(","objects":[]})",
                              tenant.admin_token);
            if (pkg.status != 201) throw std::runtime_error("subscription fixture: " + pkg.body);
            subscription_body = R"({"package":"sub)" + n + R"("})";
            if (row.path.find("{subscription}") != std::string::npos)
                replace("subscription", created_id(c.post(tenant_path + "/sandboxes/" + sandbox + "/subscriptions",
                                                          subscription_body, tenant.admin_token)));
        }
        replace("kind", "campaign");
        replace("object", "cmp_never_drifted");
        const std::string far_freeze = R"({"kind":"once","start":"2031-01-01T00:00:00Z","end":"2031-01-02T00:00:00Z"})";
        if (row.path.find("{window}") != std::string::npos)
            replace("window", created_id(c.post(base + "/freeze-windows", far_freeze, tenant.admin_token)));
        if (row.path.find("{webhook}") != std::string::npos)
            replace("webhook",
                    created_id(c.post("/v1/tenants/" + tenant.id + "/webhooks", webhook_body, tenant.admin_token)));
        if (row.path.find("{review}") != std::string::npos) replace("review", pending_review(c, tenant, base, n));
        if (row.path.find("/segments/") != std::string::npos || row.path.find("/templates/") != std::string::npos)
            replace("action", "archive");
        replace("action", "duplicate");

        std::string body;
        if (row.method == "POST" && row.path == "/v1/tenants")
            body = R"({"id":"t)" + n + R"(","name":"T"})";
        else if (row.method == "POST" && row.path.ends_with("/sandboxes"))
            body = R"({"id":"s)" + n + R"(","type":"development"})";
        else if (row.method == "POST" && row.path.ends_with("/users"))
            body = R"({"id":"u)" + n + R"(","name":"U"})";
        else if (row.method == "POST" && row.path.ends_with("/tokens"))
            body = R"({"name":"k)" + n + R"("})";
        else if (row.method == "PATCH" && row.path.ends_with("{sandbox}"))
            body = R"({"description":"d)" + n + R"("})";
        else if (row.method == "PATCH" && row.path.ends_with("{user}"))
            body = R"({"name":"n)" + n + R"("})";
        else if (row.method == "POST" && row.path.ends_with("/segments"))
            body = R"({"name":"S)" + n + R"(","rule":{}})";
        else if (row.method == "PATCH" && row.path.ends_with("{segment}"))
            body = R"({"description":"d"})";
        else if (row.method == "POST" && row.path.ends_with("/templates"))
            body = R"({"name":"T)" + n + R"(","channel":"sms","body":"hi"})";
        else if (row.method == "PATCH" && row.path.ends_with("{template}"))
            body = R"({"body":"hello"})";
        else if (row.method == "POST" && row.path.ends_with("/campaigns"))
            body = campaign_body(n);
        else if (row.method == "PATCH" && row.path.ends_with("{campaign}"))
            body = R"({"tags":["x"]})";
        else if (row.method == "PUT" && row.path.ends_with("/draft"))
            body = draft_spec;
        else if (row.path.ends_with("/execution-events"))
            body = R"({"type":"warning","reason":"slow provider"})";
        else if (row.path.ends_with("/campaigns/bulk"))
            body = R"({"action":"pause","ids":[")" +
                   created_id(c.post(base + "/campaigns", campaign_body(n + "b"), tenant.admin_token)) + "\"]}";
        if (row.path.ends_with("/calendar"))
            path += "?week=2026-W48";
        else if (row.path.ends_with("/diff"))
            path += "?from=1";
        else if (row.method == "POST" && row.path.ends_with("/packages"))
            body = R"({"name":"new)" + n + R"(","source_sandbox":")" + sandbox + R"(","objects":[]})";
        else if (row.method == "PATCH" && row.path.ends_with("{package}"))
            body = R"({"description":"d"})";
        // The fixture's content is its version 1's: without allow_empty, 200 unchanged.
        else if (row.method == "POST" && row.path.ends_with("{package}/versions"))
            body = R"({"allow_empty":true})";
        else if (row.method == "POST" && row.path.ends_with("/approval-policies"))
            body = R"({"name":"New )" + n +
                   R"(","scope":"campaign","conditions":{"all":[]},"approvers":{"role":"reviewer"},"active":false})";
        else if (row.method == "PATCH" && row.path.ends_with("{policy}"))
            body = R"({"name":"Renamed"})";
        else if (row.path.ends_with("/request-changes"))
            body = R"({"comment":"please fix"})";
        else if (row.method == "POST" && row.path.ends_with("/webhooks"))
            body = webhook_body;
        else if (row.method == "POST" && (row.path.ends_with("/imports") || row.path.ends_with("/imports/plan")))
            body = import_body;
        else if (row.method == "POST" && row.path.ends_with("/pipelines")) {
            const std::string stage = prefix + "np" + n;
            c.post(tenant_path + "/sandboxes", R"({"id":")" + stage + R"(","type":"development"})", tenant.admin_token);
            body = R"({"name":"np)" + n + R"(","stages":[{"sandbox":")" + stage + R"("}]})";
        } else if (row.method == "PATCH" && row.path.ends_with("{pipeline}"))
            body = R"({"description":"d"})";
        else if (row.method == "POST" && row.path.ends_with("/promotions"))
            body = promotion_body;
        else if (row.method == "POST" && row.path.ends_with("/freeze-windows"))
            body = far_freeze;
        else if (row.method == "POST" && row.path.ends_with("/subscriptions"))
            body = subscription_body;
        else if (row.method == "PUT" && row.path.ends_with("/in-app-priority"))
            body = R"({"campaigns":[]})";
        return {path, body};
    }

    HttpResponse call(const Row& row, const std::string& path, const std::string& body, const std::string& token) {
        HttpClient c(server.base_url());
        std::vector<std::string> headers;
        if (row.method == "PATCH" || row.method == "DELETE" ||
            (row.method == "PUT" && row.path.ends_with("/in-app-priority")))
            headers.push_back("If-Match: *");
        return c.request(row.method, path, token, body.empty() ? nullptr : &body, headers);
    }

    static std::string created_id(const HttpResponse& res) {
        if (res.status != 201) throw std::runtime_error("fixture creation failed: " + res.body);
        return std::string(res.json().at("id").as_string());
    }

    // A campaign in review: an active policy on a tag only this campaign carries, approvers the
    // reviewer role, written and submitted by the editor.
    std::string pending_review(HttpClient& c, const TenantFixture& tenant, const std::string& base,
                               const std::string& n) {
        const std::string tag = "gate" + n;
        created_id(c.post("/v1/tenants/" + tenant.id + "/approval-policies",
                          R"({"name":"Gate )" + n +
                              R"(","scope":"campaign","conditions":{"all":[{"field":"tag","op":"equals","value":")" +
                              tag + R"("}]},"approvers":{"role":"reviewer"},"required_approvals":2})",
                          tenant.admin_token));
        const std::string id = created_id(c.post(base + "/campaigns",
                                                 R"({"name":"R)" + n + R"(","type":"api_triggered","tags":[")" + tag +
                                                     R"("],"channels":["sms"],"content":{"sms":{"body":"hi"}}})",
                                                 tenant.token_of.at("editor")));
        auto submitted = c.post(base + "/campaigns/" + id + "/actions/submit", "{}", tenant.token_of.at("editor"));
        if (submitted.status != 200) throw std::runtime_error("submit failed: " + submitted.body);
        auto reviews = c.get("/v1/tenants/" + tenant.id + "/reviews", tenant.admin_token).json();
        for (const auto& r : reviews.at("items").as_array())
            if (r.at("subject").at("campaign") == boost::json::value(id)) return std::string(r.at("id").as_string());
        throw std::runtime_error("no review for " + id);
    }

    static std::string campaign_body(const std::string& n) {
        return R"({"name":"C)" + n + R"(","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"hi"}}})";
    }

    // The matrix's ferryd allows private webhook destinations, so a loopback URL is accepted.
    const std::string webhook_body =
        R"({"url":"http://127.0.0.1:9/hook","events":["review.requested"],"secret":"0123456789abcdef"})";

    const std::string draft_spec = R"({"name":"Next","channels":["sms"],"content":{"sms":{"body":"hello again"}}})";

    std::string token_for(const std::string& caller, const TenantFixture& tenant) {
        if (caller == "anonymous") return "";
        if (caller == "operator") return server.operator_token();
        return tenant.token_of.at(caller);
    }

    // Every route is called without credentials, and with another tenant's: far more failed
    // authentications from one address than a minute allows by default (that limit is
    // tested in audit_test.cpp).
    FerrydProcess server{FerrydOptions{{"--allow-private-webhooks", "--auth-failures-per-minute", "100000"}, {}}};
    TenantFixture acme;
    TenantFixture globex;
    int counter = 0;
};

void expect_no_leak(const HttpResponse& res, const std::string& what) {
    EXPECT_EQ(res.body.find("globex"), std::string::npos) << what << " leaked: " << res.body;
    EXPECT_EQ(res.body.find("gx-"), std::string::npos) << what << " leaked: " << res.body;
}

}  // namespace

TEST_F(Matrix, EveryRouteEveryCallerOwnAndOtherTenant) {
    const auto rows = load_matrix();
    int checked = 0;
    for (const Row& row : rows) {
        for (const std::string& caller : callers) {
            auto [path, body] = prepare(row, acme, "");
            const auto res = call(row, path, body, token_for(caller, acme));
            const std::string what = caller + " " + row.method + " " + path;
            EXPECT_EQ(std::to_string(res.status), row.expected.at(caller)) << what << " -> " << res.body;
            if (res.status >= 400) {
                EXPECT_FALSE(res.error_code().empty()) << what << " has no JSON error";
            }
            if (caller != "operator") expect_no_leak(res, what);
            ++checked;
        }
        if (row.expected.at("other") == "-") continue;
        for (const std::string& role : tenant_roles) {
            auto [path, body] = prepare(row, globex, "gx-");
            const auto res = call(row, path, body, acme.token_of.at(role));
            const std::string what = "acme " + role + " " + row.method + " " + path;
            EXPECT_EQ(std::to_string(res.status), row.expected.at("other")) << what << " -> " << res.body;
            expect_no_leak(res, what);
            ++checked;
        }
    }
    EXPECT_GT(checked, 200);
}

TEST_F(Matrix, CoversEveryRouteOfTheRoutingTable) {
    const std::string routes_file = (server.data_dir().parent_path() / "routes.json").string();
    ASSERT_EQ(std::system((ferryd_path() + " routes --json > " + routes_file).c_str()), 0);
    const auto routes = boost::json::parse(read_file(routes_file)).as_array();
    std::set<std::string> in_table;
    for (const auto& r : routes)
        in_table.insert(std::string(r.at("method").as_string()) + " " + std::string(r.at("path").as_string()));
    std::set<std::string> in_matrix;
    for (const Row& row : load_matrix()) in_matrix.insert(row.method + " " + row.path);
    EXPECT_EQ(in_table, in_matrix);
}

TEST_F(Matrix, ListsNeverShowAnotherTenant) {
    HttpClient c(server.base_url());
    for (const std::string& role : tenant_roles) {
        for (const std::string path :
             {"/v1/tenants/acme/sandboxes", "/v1/tenants/acme/users", "/v1/tenants/acme/audit", "/v1/me"}) {
            expect_no_leak(c.get(path, acme.token_of.at(role)), role + " " + path);
        }
    }
}
