// Git clients read packages (issue 24): ferryd serves each tenant's package store read-only over
// git's smart HTTP protocol, with the API's tokens. Checked with plain git, as a GitOps tool or a
// CI job would use it: clone, fetch a new version, diff two versions; and as an attacker: a hidden
// package's refs are not advertised and its commit cannot be fetched by id, pushing is refused,
// another tenant's path is 404.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace ferry::test;
namespace fs = std::filesystem;

namespace {

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

class GitAccess : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (fs::temp_directory_path() / "ferry-git-access-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir = templ;
        ferryd = std::make_unique<FerrydProcess>();
        client = std::make_unique<HttpClient>(ferryd->base_url());
        acme = make_tenant(*client, ferryd->operator_token(), "acme", {"dev", "ops"});
        globex = make_tenant(*client, ferryd->operator_token(), "globex", {"dev"}, "g-");
    }
    void TearDown() override {
        client.reset();
        ferryd.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    // A campaign in `sandbox` and a package `name` over it, by the tenant's admin; returns the campaign's id.
    std::string make_package(const std::string& sandbox, const std::string& name) {
        const std::string base = "/v1/tenants/acme/sandboxes/" + sandbox + "/";
        auto segment =
            client->post(base + "segments", R"({"key":"s-)" + name + R"(","name":"S","rule":{}})", acme.admin_token);
        EXPECT_EQ(segment.status, 201) << segment.body;
        auto campaign = client->post(base + "campaigns",
                                     R"({"key":")" + name + R"(","name":"Campaign )" + name +
                                         R"(","type":"action","channels":["email"],"audience":{"segment":")" +
                                         str(segment.json().at("id")) +
                                         R"("},"content":{"email":{"subject":"Hi","body":"Hello"}}})",
                                     acme.admin_token);
        EXPECT_EQ(campaign.status, 201) << campaign.body;
        const std::string id = str(campaign.json().at("id"));
        auto created = client->post("/v1/tenants/acme/packages",
                                    R"({"name":")" + name + R"(","source_sandbox":")" + sandbox +
                                        R"(","objects":[{"kind":"campaign","id":")" + id + R"("}]})",
                                    acme.admin_token);
        EXPECT_EQ(created.status, 201) << created.body;
        return id;
    }
    // Publishes the package's next version; returns its commit.
    std::string publish(const std::string& name) {
        auto res = client->post("/v1/tenants/acme/packages/" + name + "/versions", R"({"allow_empty":true})",
                                acme.admin_token);
        EXPECT_EQ(res.status, 201) << res.body;
        return res.status == 201 ? str(res.json().at("commit")) : std::string();
    }

    std::string url(const std::string& tenant = "acme") const {
        return ferryd->base_url() + "/v1/tenants/" + tenant + "/git";
    }
    // git as a user runs it: no prompt, no user or system configuration.
    std::string git(const std::string& token = "") const {
        std::string out =
            "cd '" + dir.string() + "' && GIT_TERMINAL_PROMPT=0 GIT_CONFIG_NOSYSTEM=1 HOME='" + dir.string() + "' git";
        if (!token.empty()) out += " -c http.extraHeader='Authorization: Bearer " + token + "'";
        return out + " ";
    }

    fs::path dir;
    std::unique_ptr<FerrydProcess> ferryd;
    std::unique_ptr<HttpClient> client;
    TenantFixture acme, globex;
};

}  // namespace

TEST_F(GitAccess, AReviewerClonesOnlyWhatItMayReadFetchesANewVersionAndDiffsTwo) {
    const std::string campaign = make_package("dev", "welcome");
    make_package("ops", "secret");
    const std::string v1 = publish("welcome");
    const std::string hidden = publish("secret");
    const std::string reviewer = acme.token_of.at("reviewer");  // reviewer on "dev" only

    auto [rc, out] = run_command(git(reviewer) + "clone -q " + url() + " store");
    ASSERT_EQ(rc, 0) << out;
    auto [refs_rc, refs] = run_command(git() + "-C store for-each-ref --format='%(refname)'");
    EXPECT_EQ(refs_rc, 0);
    EXPECT_NE(refs.find("refs/remotes/origin/packages/welcome"), std::string::npos) << refs;
    EXPECT_NE(refs.find("refs/tags/packages/welcome/v1"), std::string::npos) << refs;
    EXPECT_EQ(refs.find("secret"), std::string::npos) << refs;
    EXPECT_EQ(run_command(git() + "-C store rev-parse packages/welcome/v1^{commit}").second, v1 + "\n");
    // The advertisement itself, by ls-remote with Basic authentication (any user name, the token
    // as the password), names only the readable package.
    const std::string basic_url = "http://git:" + reviewer + "@" + url().substr(std::string("http://").size());
    auto [ls_rc, ls] = run_command(git() + "ls-remote " + basic_url);
    EXPECT_EQ(ls_rc, 0) << ls;
    EXPECT_NE(ls.find("refs/heads/packages/welcome"), std::string::npos) << ls;
    EXPECT_EQ(ls.find("secret"), std::string::npos) << ls;
    EXPECT_EQ(ls.find(hidden), std::string::npos) << ls;

    // A new version, with a change: fetched, and diffed against the first with plain git.
    auto current = client->get("/v1/tenants/acme/sandboxes/dev/campaigns/" + campaign, acme.admin_token);
    ASSERT_EQ(current.status, 200);
    auto edited = client->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + campaign,
                                R"({"name":"Campaign welcome, renamed"})", acme.admin_token, "*");
    ASSERT_EQ(edited.status, 200) << edited.body;
    const std::string v2 = publish("welcome");
    auto [fetch_rc, fetched] = run_command(git(reviewer) + "-C store fetch -q --tags origin");
    ASSERT_EQ(fetch_rc, 0) << fetched;
    EXPECT_EQ(run_command(git() + "-C store rev-parse packages/welcome/v2^{commit}").second, v2 + "\n");
    EXPECT_EQ(run_command(git() + "-C store rev-parse origin/packages/welcome").second, v2 + "\n");
    auto [diff_rc, diff] = run_command(git() + "-C store diff packages/welcome/v1 packages/welcome/v2");
    EXPECT_EQ(diff_rc, 0) << diff;
    EXPECT_NE(diff.find("+++ b/campaigns/welcome.json"), std::string::npos) << diff;
    EXPECT_NE(diff.find("-    \"name\": \"Campaign welcome\",\n+    \"name\": \"Campaign welcome, renamed\","),
              std::string::npos)
        << diff;
    EXPECT_NE(diff.find("manifest.json"), std::string::npos) << diff;

    // The hidden package's commit, known by id, cannot be fetched: upload-pack serves only what the
    // advertised refs reach. Nor can its branch be asked for by name.
    auto [want_rc, want] = run_command(git(reviewer) + "-C store fetch origin " + hidden);
    EXPECT_NE(want_rc, 0) << want;
    EXPECT_NE(run_command(git() + "-C store cat-file -e " + hidden).first, 0) << "the hidden commit reached the clone";
    EXPECT_NE(run_command(git(reviewer) + "-C store fetch origin refs/heads/packages/secret").first, 0);

    // The admin (every sandbox) sees both packages, and gets the hidden commit.
    auto [admin_rc, admin_refs] = run_command(git(acme.admin_token) + "ls-remote " + url());
    EXPECT_EQ(admin_rc, 0) << admin_refs;
    EXPECT_NE(admin_refs.find("refs/heads/packages/secret"), std::string::npos) << admin_refs;
    auto [admin_fetch_rc, admin_fetch] = run_command(git(acme.admin_token) + "-C store fetch origin " + hidden);
    EXPECT_EQ(admin_fetch_rc, 0) << admin_fetch;
}

TEST_F(GitAccess, PushingIsRefusedAnotherTenantIs404AndAnonymousIsAskedToAuthenticate) {
    make_package("dev", "welcome");
    publish("welcome");
    const std::string editor = acme.token_of.at("editor");
    ASSERT_EQ(run_command(git(editor) + "clone -q " + url() + " store").first, 0);

    // Pushing: refused by git (403 with the reason), and nothing changes.
    auto [push_rc, push] = run_command(git() +
                                       "-C store -c user.name=x -c user.email=x@x commit -q --allow-empty -m x "
                                       "&& " +
                                       git(editor) + "-C store push origin HEAD:refs/heads/packages/welcome");
    EXPECT_NE(push_rc, 0) << push;
    auto refused = client->get("/v1/tenants/acme/git/info/refs?service=git-receive-pack", editor);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.error_code(), "read_only");
    const std::string nothing;
    auto receive = client->request("POST", "/v1/tenants/acme/git/git-receive-pack", editor, &nothing,
                                   {"Content-Type: application/x-git-receive-pack-request"});
    EXPECT_EQ(receive.status, 404);  // no such route: git push never gets past the refusal above

    // Another tenant's token on acme's path: 404, as for every other acme path; git fails.
    const std::string other = globex.admin_token;
    EXPECT_EQ(client->get("/v1/tenants/acme/git/info/refs?service=git-upload-pack", other).status, 404);
    EXPECT_NE(run_command(git(other) + "ls-remote " + url()).first, 0);
    // globex's own store answers globex, with nothing of acme's.
    auto [own_rc, own] = run_command(git(other) + "ls-remote " + url("globex"));
    EXPECT_EQ(own_rc, 0) << own;
    EXPECT_EQ(own.find("welcome"), std::string::npos) << own;

    // No token: 401 with a Basic challenge, so that git asks for credentials; a wrong one: 401.
    auto anonymous = client->get("/v1/tenants/acme/git/info/refs?service=git-upload-pack");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.header("www-authenticate"), "Basic realm=\"ferry\"");
    EXPECT_NE(run_command(git() + "ls-remote " + url()).first, 0);
    EXPECT_NE(run_command(git("fry_wrongwrongwrongwrongwrongwrong_AAAAAA") + "ls-remote " + url()).first, 0);
    // The dumb protocol and other services are not served.
    auto dumb = client->get("/v1/tenants/acme/git/info/refs", editor);
    EXPECT_EQ(dumb.status, 400);
    EXPECT_EQ(client->get("/v1/tenants/acme/git/HEAD", editor).status, 404);
}
