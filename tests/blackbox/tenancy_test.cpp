// Tenancy and identity through the real ferryd: tenants, sandboxes, users, tokens, roles.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <thread>

using namespace ferry::test;

namespace {

class Tenancy : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new FerrydProcess();
        HttpClient c(server_->base_url());
        acme_ = new TenantFixture(make_tenant(c, server_->operator_token(), "acme", {"dev", "prod"}));
        globex_ = new TenantFixture(make_tenant(c, server_->operator_token(), "globex", {"gx-dev", "gx-prod"}, "gx-"));
    }
    static void TearDownTestSuite() {
        delete acme_;
        delete globex_;
        delete server_;
    }

    HttpClient client{server_->base_url()};
    static FerrydProcess* server_;
    static TenantFixture* acme_;
    static TenantFixture* globex_;
};

FerrydProcess* Tenancy::server_ = nullptr;
TenantFixture* Tenancy::acme_ = nullptr;
TenantFixture* Tenancy::globex_ = nullptr;

}  // namespace

TEST_F(Tenancy, EditorOnDevSeesDevOnly) {
    const std::string editor = acme_->token_of.at("editor");
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", editor).status, 200);

    // prod exists in its own tenant, but the editor holds no role there: invisible (404), as documented.
    auto prod = client.get("/v1/tenants/acme/sandboxes/prod", editor);
    EXPECT_EQ(prod.status, 404);
    EXPECT_EQ(prod.error_code(), "not_found");
    EXPECT_EQ(client.patch("/v1/tenants/acme/sandboxes/prod", R"({"description":"x"})", editor, "*").status, 404);

    auto list = client.get("/v1/tenants/acme/sandboxes", editor);
    ASSERT_EQ(list.status, 200);
    const auto json = list.json();
    const auto& items = json.at("items").as_array();
    ASSERT_EQ(items.size(), 1U);
    EXPECT_EQ(items[0].at("id").as_string(), "dev");
}

TEST_F(Tenancy, EditorCannotManageUsersTokensOrSandboxes) {
    const std::string editor = acme_->token_of.at("editor");
    auto users = client.post("/v1/tenants/acme/users", R"({"id":"eve","name":"Eve"})", editor);
    EXPECT_EQ(users.status, 403);
    EXPECT_EQ(users.error_code(), "forbidden");
    EXPECT_EQ(client.get("/v1/tenants/acme/users", editor).status, 403);
    EXPECT_EQ(client.post("/v1/tenants/acme/users/editor/tokens", R"({"name":"x"})", editor).status, 403);
    EXPECT_EQ(client.post("/v1/tenants/acme/sandboxes", R"({"id":"x","type":"development"})", editor).status, 403);
}

TEST_F(Tenancy, AnotherTenantIsNotFoundEverywhere) {
    const std::string editor = acme_->token_of.at("editor");
    const std::string admin = acme_->admin_token;
    for (const std::string& token : {editor, admin}) {
        for (const std::string path :
             {"/v1/tenants/globex", "/v1/tenants/globex/sandboxes", "/v1/tenants/globex/sandboxes/gx-dev",
              "/v1/tenants/globex/users", "/v1/tenants/globex/users/gx-editor/tokens", "/v1/tenants/globex/audit"}) {
            auto res = client.get(path, token);
            EXPECT_EQ(res.status, 404) << path;
            EXPECT_EQ(res.body.find("gx-"), std::string::npos) << res.body;
        }
    }
    // Same answer for a tenant that does not exist at all: nothing distinguishes the two.
    EXPECT_EQ(client.get("/v1/tenants/globex/sandboxes/gx-dev", admin).body.size(),
              client.get("/v1/tenants/nope/sandboxes/gx-dev", admin).body.size());
}

TEST_F(Tenancy, MissingOrBadCredentialsAre401) {
    for (const std::string& token : {std::string(), std::string("fry_notatoken"), std::string("Basic abc"),
                                     std::string("fry_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA")}) {
        auto res = client.get("/v1/tenants/acme/sandboxes", token);
        EXPECT_EQ(res.status, 401) << token;
        EXPECT_EQ(res.error_code(), "unauthorized");
        EXPECT_EQ(res.header("www-authenticate"), "Bearer");
    }
}

TEST_F(Tenancy, OperatorManagesTenantsAndNothingElse) {
    const std::string op = server_->operator_token();
    auto list = client.get("/v1/tenants", op);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().at("items").as_array().size(), 2U);
    EXPECT_EQ(client.get("/v1/tenants/acme", op).status, 200);
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes", op).status, 403);
    EXPECT_EQ(client.get("/v1/tenants/acme/users", op).status, 403);
    EXPECT_EQ(client.get("/v1/tenants", acme_->admin_token).status, 403);

    auto again = client.post("/v1/tenants", R"({"id":"acme","name":"Again"})", op);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.error_code(), "already_exists");
    for (const std::string bad : {R"({"id":"Acme","name":"x"})", R"({"id":"-acme","name":"x"})",
                                  R"({"id":"acme inc","name":"x"})", R"({"id":"ok-id"})", R"({"id":"ok","name":""})"}) {
        auto res = client.post("/v1/tenants", bad, op);
        EXPECT_EQ(res.status, 422) << bad;
        EXPECT_TRUE(res.json().at("error").at("details").as_object().contains("field")) << res.body;
    }
}

TEST_F(Tenancy, NewTenantAdminTokenWorksAndMeDescribesIt) {
    auto me = client.get("/v1/me", acme_->token_of.at("viewer"));
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json().at("tenant").as_string(), "acme");
    EXPECT_EQ(me.json().at("user").as_string(), "viewer");
    EXPECT_EQ(me.json().at("roles").as_array()[0].at("role").as_string(), "viewer");
    EXPECT_EQ(client.get("/v1/me", server_->operator_token()).json().at("kind").as_string(), "operator");
}

TEST_F(Tenancy, TokensAreShownOnceListedWithoutSecretsAndRevocable) {
    const std::string admin = acme_->admin_token;
    const std::string token = make_user(client, *acme_, "revokee", R"([{"sandbox":"dev","role":"viewer"}])");
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", token).status, 200);

    auto list = client.get("/v1/tenants/acme/users/revokee/tokens", admin);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(token), std::string::npos);
    EXPECT_EQ(list.body.find("\"token\""), std::string::npos);
    const std::string id(list.json().at("items").as_array()[0].at("id").as_string());

    EXPECT_EQ(client.del("/v1/tenants/acme/users/revokee/tokens/" + id, admin).status, 204);
    auto after = client.get("/v1/tenants/acme/sandboxes/dev", token);
    EXPECT_EQ(after.status, 401);
    EXPECT_FALSE(client.get("/v1/tenants/acme/users/revokee/tokens", admin)
                     .json()
                     .at("items")
                     .as_array()[0]
                     .at("revoked_at")
                     .is_null());
    // A token id of another user, or another tenant's, is not found.
    EXPECT_EQ(client.del("/v1/tenants/acme/users/viewer/tokens/" + id, admin).status, 404);
}

TEST_F(Tenancy, TokensExpire) {
    const std::string admin = acme_->admin_token;
    make_user(client, *acme_, "shortlived", R"([{"sandbox":"dev","role":"viewer"}])");
    auto past = client.post("/v1/tenants/acme/users/shortlived/tokens",
                            R"({"name":"old","expires_at":"2001-01-01T00:00:00Z"})", admin);
    EXPECT_EQ(past.status, 422);
    EXPECT_EQ(
        client.post("/v1/tenants/acme/users/shortlived/tokens", R"({"name":"x","expires_at":"soon"})", admin).status,
        422);

    const auto soon = std::chrono::system_clock::now() + std::chrono::milliseconds(1500);
    const std::time_t t = std::chrono::system_clock::to_time_t(soon);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    auto created = client.post("/v1/tenants/acme/users/shortlived/tokens",
                               std::string(R"({"name":"brief","expires_at":")") + buf + "\"}", admin);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string token(created.json().at("token").as_string());
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", token).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto expired = client.get("/v1/tenants/acme/sandboxes/dev", token);
    EXPECT_EQ(expired.status, 401);
    EXPECT_NE(expired.body.find("expired"), std::string::npos);
}

TEST_F(Tenancy, UserRolesAreValidatedAndEditedWithIfMatch) {
    const std::string admin = acme_->admin_token;
    auto bad_role = client.post("/v1/tenants/acme/users",
                                R"({"id":"bob","name":"Bob","roles":[{"sandbox":"dev","role":"boss"}]})", admin);
    EXPECT_EQ(bad_role.status, 422);
    EXPECT_EQ(bad_role.json().at("error").at("details").at("field").as_string(), "roles[0].role");
    auto bad_sandbox = client.post("/v1/tenants/acme/users",
                                   R"({"id":"bob","name":"Bob","roles":[{"sandbox":"qa","role":"viewer"}]})", admin);
    EXPECT_EQ(bad_sandbox.status, 422);
    EXPECT_EQ(bad_sandbox.json().at("error").at("details").at("field").as_string(), "roles[0].sandbox");

    const std::string bob = make_user(client, *acme_, "bob", R"([{"sandbox":"dev","role":"viewer"}])");
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/prod", bob).status, 404);

    auto current = client.get("/v1/tenants/acme/users/bob", admin);
    const std::string etag = current.header("etag");
    ASSERT_FALSE(etag.empty());
    const std::string grant = R"({"roles":[{"sandbox":"prod","role":"reviewer"}]})";
    EXPECT_EQ(client.patch("/v1/tenants/acme/users/bob", grant, admin, "").status, 428);
    auto ok = client.patch("/v1/tenants/acme/users/bob", grant, admin, etag);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_NE(ok.header("etag"), etag);
    EXPECT_EQ(client.patch("/v1/tenants/acme/users/bob", grant, admin, etag).status, 412);

    // The new roles apply to the very next request.
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/prod", bob).status, 200);
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", bob).status, 404);
}

TEST_F(Tenancy, TheLastAdministratorStays) {
    auto fresh = client.post("/v1/tenants", R"({"id":"solo","name":"Solo"})", server_->operator_token());
    ASSERT_EQ(fresh.status, 201);
    const std::string admin(fresh.json().at("admin_token").as_string());
    const std::string etag = client.get("/v1/tenants/solo/users/admin", admin).header("etag");
    auto demote = client.patch("/v1/tenants/solo/users/admin", R"({"roles":[]})", admin, etag);
    EXPECT_EQ(demote.status, 409);
    EXPECT_EQ(demote.error_code(), "last_admin");
    EXPECT_EQ(client.del("/v1/tenants/solo/users/admin", admin, etag).status, 409);
    EXPECT_EQ(client.get("/v1/tenants/solo/users/admin", admin).status, 200);
}

TEST_F(Tenancy, DeletingAUserEndsTheirTokens) {
    const std::string admin = acme_->admin_token;
    const std::string token = make_user(client, *acme_, "leaver", R"([{"sandbox":"dev","role":"viewer"}])");
    const std::string etag = client.get("/v1/tenants/acme/users/leaver", admin).header("etag");
    EXPECT_EQ(client.del("/v1/tenants/acme/users/leaver", admin, etag).status, 204);
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", token).status, 401);
    EXPECT_EQ(client.get("/v1/tenants/acme/users/leaver", admin).status, 404);
}

TEST_F(Tenancy, SandboxesAreEditedWithIfMatch) {
    const std::string admin = acme_->admin_token;
    auto created = client.post("/v1/tenants/acme/sandboxes",
                               R"({"id":"stage","type":"production","require_approval":"always"})", admin);
    ASSERT_EQ(created.status, 201);
    EXPECT_EQ(created.json().at("require_approval").as_string(), "always");
    const std::string etag = created.header("etag");
    EXPECT_EQ(client.post("/v1/tenants/acme/sandboxes", R"({"id":"stage","type":"production"})", admin).status, 409);
    EXPECT_EQ(client.post("/v1/tenants/acme/sandboxes", R"({"id":"qa","type":"testing"})", admin).status, 422);

    const std::string edit = R"({"description":"pre-production"})";
    EXPECT_EQ(client.patch("/v1/tenants/acme/sandboxes/stage", edit, admin, "").status, 428);
    EXPECT_EQ(client.patch("/v1/tenants/acme/sandboxes/stage", edit, admin, "\"0.0\"").status, 412);
    EXPECT_EQ(client.patch("/v1/tenants/acme/sandboxes/stage", R"({"type":"development"})", admin, etag).status, 422);
    auto ok = client.patch("/v1/tenants/acme/sandboxes/stage", edit, admin, etag);
    ASSERT_EQ(ok.status, 200);
    EXPECT_EQ(ok.json().at("description").as_string(), "pre-production");
    EXPECT_EQ(client.del("/v1/tenants/acme/sandboxes/stage", admin, etag).status, 412);
    EXPECT_EQ(client.del("/v1/tenants/acme/sandboxes/stage", admin, ok.header("etag")).status, 204);
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/stage", admin).status, 404);

    // Created again under the same id, it is a different object: the old ETag does not match.
    // Deleting it removed the grants on it, and the users who held them changed (new ETag).
    auto again = client.post("/v1/tenants/acme/sandboxes", R"({"id":"stage","type":"production"})", admin);
    ASSERT_EQ(again.status, 201);
    EXPECT_NE(again.header("etag"), etag);
}

TEST_F(Tenancy, DeletingASandboxRemovesItsGrants) {
    const std::string admin = acme_->admin_token;
    ASSERT_EQ(client.post("/v1/tenants/acme/sandboxes", R"({"id":"qa","type":"development"})", admin).status, 201);
    const std::string token =
        make_user(client, *acme_, "tester", R"([{"sandbox":"qa","role":"editor"},{"sandbox":"dev","role":"viewer"}])");
    const std::string user_etag = client.get("/v1/tenants/acme/users/tester", admin).header("etag");
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/qa", token).status, 200);

    EXPECT_EQ(client.del("/v1/tenants/acme/sandboxes/qa", admin, "*").status, 204);
    auto tester = client.get("/v1/tenants/acme/users/tester", admin);
    EXPECT_NE(tester.header("etag"), user_etag);
    EXPECT_EQ(tester.json().at("roles").as_array().size(), 1U);

    // A new sandbox under the old name does not inherit the old grants.
    ASSERT_EQ(client.post("/v1/tenants/acme/sandboxes", R"({"id":"qa","type":"development"})", admin).status, 201);
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/qa", token).status, 404);
}

TEST(OperatorToken, CreatedOnFirstStartPrintedOnceAndKeptPrivate) {
    FerrydProcess server;
    const std::string token = server.operator_token();
    EXPECT_EQ(token.rfind("fry_", 0), 0U);
    struct stat st {};
    ASSERT_EQ(::stat((server.data_dir() / "operator-token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_NE(server.stdout_text().find(token), std::string::npos);
    EXPECT_EQ(server.log().find(token), std::string::npos) << "the token must never be in the log";

    server.restart();
    HttpClient client(server.base_url());
    EXPECT_EQ(client.get("/v1/tenants", token).status, 200);
    // Printed once: the restart did not print it again.
    const std::string out = server.stdout_text();
    EXPECT_EQ(out.find(token), out.rfind(token));
}

TEST(OperatorToken, EnvironmentVariableSetsIt) {
    const std::string chosen = "operator-secret-from-the-environment-0123";
    FerrydProcess server({{}, {{"FERRY_OPERATOR_TOKEN", chosen}}});
    EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "operator-token"));
    HttpClient client(server.base_url());
    EXPECT_EQ(client.get("/v1/tenants", chosen).status, 200);
    EXPECT_EQ(client.get("/v1/tenants", "operator-secret-from-the-environment-0124").status, 401);
}
