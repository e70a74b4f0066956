// Packages through the real ferryd, checked with git, sha256sum and openssl as a user would.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ferry::test;
namespace json = boost::json;

namespace {

std::pair<int, std::string> run(const std::string& command) { return ferry::test::run_command(command); }

// A sandbox with 3 campaigns, a segment and a template, all built through the API.
struct Source {
    std::string segment, tmpl;
    std::vector<std::string> campaigns;
};

Source build_source(HttpClient& c, const std::string& token) {
    const std::string base = "/v1/tenants/acme/sandboxes/dev/";
    Source s;
    s.segment = std::string(c.post(base + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", token)
                                .json()
                                .at("id")
                                .as_string());
    s.tmpl = std::string(
        c.post(
             base + "templates",
             R"({"key":"welcome-mail","name":"Welcome mail","channel":"email","subject":"Hi","body":"Hello {{first_name}}"})",
             token)
            .json()
            .at("id")
            .as_string());
    for (const std::string key : {"welcome", "winback", "flash"}) {
        auto res = c.post(base + "campaigns",
                          R"({"key":")" + key + R"(","name":"Campaign )" + key +
                              R"(","type":"action","channels":["email"],"audience":{"segment":")" + s.segment +
                              R"("},"content":{"email":{"template":")" + s.tmpl + R"("}}})",
                          token);
        s.campaigns.emplace_back(res.json().at("id").as_string());
    }
    return s;
}

std::string objects_body(const std::vector<std::string>& ids) {
    std::string out = "[";
    for (std::size_t i = 0; i < ids.size(); ++i)
        out += (i ? "," : "") + std::string(R"({"kind":"campaign","id":")") + ids[i] + "\"}";
    return out + "]";
}

class Packages : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        editor = acme.token_of.at("editor");
        src = build_source(*c, editor);
        auto created = c->post(
            "/v1/tenants/acme/packages",
            R"({"name":"welcome","source_sandbox":"dev","objects":)" + objects_body(src.campaigns) + "}", editor);
        ASSERT_EQ(created.status, 201) << created.body;
    }

    std::string git(const std::string& args) const {
        return "git --git-dir=" + (server->data_dir() / "git" / "acme.git").string() + " " + args;
    }

    // A new version each time, whether or not the content changed since the last one.
    HttpResponse publish() {
        return c->post("/v1/tenants/acme/packages/welcome/versions", R"({"allow_empty":true})", editor);
    }
    // As a user would: content identical to the latest version's makes no version.
    HttpResponse publish_if_changed() { return c->post("/v1/tenants/acme/packages/welcome/versions", "{}", editor); }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string editor;
    Source src;
};

}  // namespace

TEST_F(Packages, VersionsAreAnnotatedTagsThatGitReadsAndDiffs) {
    const auto pkg = c->get("/v1/tenants/acme/packages/welcome", editor).json();
    EXPECT_EQ(pkg.at("campaigns").as_array().size(), 3U);
    EXPECT_EQ(pkg.at("dependencies").at("segments").as_array()[0].at("key").as_string(), "vip");
    EXPECT_EQ(pkg.at("dependencies").at("templates").as_array()[0].at("key").as_string(), "welcome-mail");

    auto v1 = publish();
    ASSERT_EQ(v1.status, 201) << v1.body;
    EXPECT_EQ(v1.json().at("version").as_int64(), 1);
    EXPECT_EQ(v1.json().at("tag").as_string(), "packages/welcome/v1");
    ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[0],
                       R"({"description":"now with a description"})", editor, "*")
                  .status,
              200);
    auto v2 = publish();
    ASSERT_EQ(v2.status, 201);
    EXPECT_EQ(v2.json().at("version").as_int64(), 2);

    EXPECT_EQ(run(git("fsck --strict")).first, 0) << run(git("fsck --strict")).second;
    EXPECT_EQ(run(git("cat-file -t packages/welcome/v1")).second, "tag\n");
    EXPECT_EQ(run(git("cat-file -t packages/welcome/v2")).second, "tag\n");
    const auto [rc, diff] = run(git("diff packages/welcome/v1 packages/welcome/v2 -- campaigns/"));
    EXPECT_EQ(rc, 0);
    EXPECT_NE(diff.find("+    \"description\": \"now with a description\""), std::string::npos) << diff;
    const auto tree = run(git("ls-tree -r --name-only packages/welcome/v2")).second;
    for (const std::string path : {"manifest.json", "manifest.sig", "campaigns/welcome.json", "campaigns/winback.json",
                                   "campaigns/flash.json", "segments/vip.json", "templates/welcome-mail.json"})
        EXPECT_NE(tree.find(path), std::string::npos) << path << " missing from\n" << tree;
    const auto api_diff = c->get("/v1/tenants/acme/packages/welcome/versions/2/diff?from=1", editor).json();
    ASSERT_EQ(api_diff.at("changed").as_array().size(), 1U);
    EXPECT_EQ(api_diff.at("changed").as_array()[0].at("path").as_string(), "campaigns/welcome.json");
    EXPECT_EQ(api_diff.at("changed").as_array()[0].at("fields").as_array()[0].at("field").as_string(),
              "spec.description");
    const auto manifest2 = c->get("/v1/tenants/acme/packages/welcome/versions/2", editor).json().at("manifest");
    EXPECT_EQ(manifest2.at("previous"), v1.json().at("digest"));
    EXPECT_EQ(run("git clone -q " + (server->data_dir() / "git" / "acme.git").string() + " " +
                  (server->data_dir().parent_path() / "clone").string())
                  .first,
              0);
}

TEST_F(Packages, DigestsMatchSha256sumAndOpensslVerifiesTheSignature) {
    ASSERT_EQ(publish().status, 201);
    const auto v = c->get("/v1/tenants/acme/packages/welcome/versions/1", editor).json();
    EXPECT_TRUE(v.at("verification").at("ok").as_bool());
    const auto dir = server->data_dir().parent_path();
    for (const auto& o : v.at("manifest").at("objects").as_array()) {
        const std::string path(o.at("path").as_string());
        const auto [rc, sum] = run(git("show packages/welcome/v1:" + path) + " | sha256sum");
        EXPECT_EQ(sum.substr(0, 64), o.at("sha256").as_string()) << path;
    }
    const auto key = c->get("/v1/tenants/acme/signing-key", editor).json();
    EXPECT_EQ(key.at("key_id"), v.at("manifest").at("key_id"));
    std::ofstream(dir / "pub.pem") << std::string(key.at("public_key_pem").as_string());
    run(git("show packages/welcome/v1:manifest.json") + " > " + (dir / "manifest.json").string());
    run(git("show packages/welcome/v1:manifest.sig") + " | base64 -d > " + (dir / "sig.bin").string());
    const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + (dir / "pub.pem").string() + " -rawin -in " +
                               (dir / "manifest.json").string() + " -sigfile " + (dir / "sig.bin").string();
    const auto [ok, out] = run(verify);
    EXPECT_EQ(ok, 0) << out;
    // The export carries the exact signed bytes and the key: everything to verify offline.
    const auto exported = c->get("/v1/tenants/acme/packages/welcome/versions/1/export", editor).json();
    EXPECT_EQ(exported.at("manifest").as_string(), run(git("show packages/welcome/v1:manifest.json")).second);
    EXPECT_EQ(exported.at("files").as_object().size(), 5U);
}

TEST_F(Packages, TheSameContentGivesTheSameTreesInAnotherStore) {
    ASSERT_EQ(publish().status, 201);
    FerrydProcess other({{"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"}, {}});
    HttpClient c2(other.base_url());
    TenantFixture acme2 = make_tenant(c2, other.operator_token(), "acme", {"dev"});
    const Source src2 = build_source(c2, acme2.token_of.at("editor"));
    ASSERT_EQ(c2.post("/v1/tenants/acme/packages",
                      R"({"name":"welcome","source_sandbox":"dev","objects":)" + objects_body(src2.campaigns) + "}",
                      acme2.token_of.at("editor"))
                  .status,
              201);
    ASSERT_EQ(c2.post("/v1/tenants/acme/packages/welcome/versions", "{}", acme2.token_of.at("editor")).status, 201);
    const std::string git2 = "git --git-dir=" + (other.data_dir() / "git" / "acme.git").string() + " ";
    for (const std::string dir : {"campaigns", "segments", "templates"}) {
        const auto a = run(git("rev-parse packages/welcome/v1^{tree}:" + dir)).second;
        const auto b = run(git2 + "rev-parse packages/welcome/v1^{tree}:" + dir).second;
        EXPECT_EQ(a, b) << dir;
        EXPECT_EQ(a.size(), 41U) << a;
    }
}

TEST_F(Packages, ADeletedNameStaysWithItsSandbox) {
    ASSERT_EQ(publish().status, 201);
    ASSERT_EQ(c->del("/v1/tenants/acme/packages/welcome", editor, "*").status, 204);
    // Someone of another sandbox re-creating the name would read dev's old versions: refused.
    const std::string prod_editor = make_user(*c, acme, "prod-editor", R"([{"sandbox":"prod","role":"editor"}])");
    auto taken = c->post("/v1/tenants/acme/packages", R"({"name":"welcome","source_sandbox":"prod"})", prod_editor);
    EXPECT_EQ(taken.status, 409);
    EXPECT_EQ(taken.error_code(), "name_taken");
}

TEST_F(Packages, AListedCampaignThatIsGoneStaysVisible) {
    const std::string doomed(
        c->post("/v1/tenants/acme/sandboxes/dev/campaigns",
                R"({"name":"Doomed","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})", editor)
            .json()
            .at("id")
            .as_string());
    ASSERT_EQ(c->post("/v1/tenants/acme/sandboxes/dev/campaigns/" + doomed + "/actions/add-to-package",
                      R"({"package":"welcome"})", editor)
                  .status,
              200);
    ASSERT_EQ(c->del("/v1/tenants/acme/sandboxes/dev/campaigns/" + doomed, editor, "*").status, 204);
    const auto pkg = c->get("/v1/tenants/acme/packages/welcome", editor).json();
    bool shown = false;
    for (const auto& item : pkg.at("campaigns").as_array())
        if (item.at("id") == json::value(doomed)) shown = item.at("status") == "missing";
    EXPECT_TRUE(shown);
    EXPECT_EQ(publish().error_code(), "campaign_missing");
}

TEST_F(Packages, NumbersAreNeverReusedAfterDeletion) {
    ASSERT_EQ(publish().status, 201);
    ASSERT_EQ(publish().status, 201);
    ASSERT_EQ(c->del("/v1/tenants/acme/packages/welcome", editor, "*").status, 204);
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/welcome", editor).status, 404);
    ASSERT_EQ(c->post("/v1/tenants/acme/packages",
                      R"({"name":"welcome","source_sandbox":"dev","objects":)" + objects_body({src.campaigns[1]}) + "}",
                      editor)
                  .status,
              201);
    auto v3 = publish();
    ASSERT_EQ(v3.status, 201);
    EXPECT_EQ(v3.json().at("version").as_int64(), 3);
    EXPECT_EQ(run(git("fsck --strict")).first, 0);
}

TEST_F(Packages, WhatAPackageMayHold) {
    const std::string base = "/v1/tenants/acme/packages";
    // Campaigns of another sandbox, or archived ones, are refused with a reason.
    const std::string prod_campaign(
        c->post("/v1/tenants/acme/sandboxes/prod/campaigns",
                R"({"name":"Prod","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})",
                acme.admin_token)
            .json()
            .at("id")
            .as_string());
    auto foreign = c->post(
        base, R"({"name":"mixed","source_sandbox":"dev","objects":)" + objects_body({prod_campaign}) + "}", editor);
    EXPECT_EQ(foreign.status, 422);
    EXPECT_EQ(foreign.json().at("error").at("details").at("field").as_string(), "objects[0].id");
    ASSERT_EQ(
        c->post("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[2] + "/actions/activate", "{}", editor)
            .status,
        200);
    ASSERT_EQ(c->post("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[2] + "/actions/archive", "{}", editor)
                  .status,
              200);
    auto archived = publish();
    EXPECT_EQ(archived.status, 409);
    EXPECT_EQ(archived.error_code(), "campaign_archived");
    EXPECT_EQ(c->get(base + "/welcome/versions", editor).json().at("items").as_array().size(), 0U);
    // add-to-package from the campaign.
    const std::string fresh(
        c->post("/v1/tenants/acme/sandboxes/dev/campaigns",
                R"({"name":"Fresh","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})", editor)
            .json()
            .at("id")
            .as_string());
    ASSERT_EQ(c->post(base, R"({"name":"solo","source_sandbox":"dev"})", editor).status, 201);
    auto added = c->post("/v1/tenants/acme/sandboxes/dev/campaigns/" + fresh + "/actions/add-to-package",
                         R"({"package":"solo"})", editor);
    ASSERT_EQ(added.status, 200) << added.body;
    EXPECT_EQ(added.json().at("campaigns").as_array()[0].at("id").as_string(), fresh);
    EXPECT_EQ(c->post(base + "/solo/versions", "{}", editor).status, 201);
    // Viewers read packages; only editors publish.
    EXPECT_EQ(c->get(base + "/solo/versions/1", acme.token_of.at("viewer")).status, 200);
    EXPECT_EQ(c->post(base + "/solo/versions", "{}", acme.token_of.at("viewer")).status, 403);
}

TEST_F(Packages, SecretsNeverLeaveTheSandbox) {
    const std::string secret = "Bearer do-not-export-me";
    const std::string hook(
        c->post(
             "/v1/tenants/acme/sandboxes/dev/campaigns",
             R"({"key":"hook","name":"Hook","type":"api_triggered","channels":["webhook"],"content":{"webhook":{"url":"https://h.example.com","auth_header":")" +
                 secret + R"("}}})",
             editor)
            .json()
            .at("id")
            .as_string());
    ASSERT_EQ(c->post("/v1/tenants/acme/packages",
                      R"({"name":"hooks","source_sandbox":"dev","objects":)" + objects_body({hook}) + "}", editor)
                  .status,
              201);
    ASSERT_EQ(c->post("/v1/tenants/acme/packages/hooks/versions", "{}", editor).status, 201);
    const auto file = run(git("show packages/hooks/v1:campaigns/hook.json")).second;
    EXPECT_EQ(file.find("do-not-export-me"), std::string::npos);
    EXPECT_NE(file.find(R"("$binding": "hook.webhook.auth_header")"), std::string::npos) << file;
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/hooks/versions/1/export", editor).body.find("do-not-export-me"),
              std::string::npos);
}

TEST_F(Packages, ACrashAtAnyStepOfAPublishLeavesGitAndTheDatabaseInAgreement) {
    ASSERT_EQ(publish().status, 201);  // v1 exists before the crashes
    std::int64_t expected = 1;
    for (const std::string step : {"reserved", "packed", "branch", "tag", "recorded"}) {
        server->kill9();
        FerrydProcess& s = *server;
        ::setenv("FERRY_TEST_CRASH_AT", step.c_str(), 1);  // inherited by the next start only
        s.start();
        ::unsetenv("FERRY_TEST_CRASH_AT");
        HttpClient crashing(s.base_url());
        EXPECT_THROW(crashing.post("/v1/tenants/acme/packages/welcome/versions", R"({"allow_empty":true})", editor),
                     TransportError)
            << step;
        s.kill9();  // already gone; reaps it
        s.start();
        c = std::make_unique<HttpClient>(s.base_url());
        // A version whose tag reached git survives; one that did not never existed.
        if (step == "tag" || step == "recorded") ++expected;
        const auto versions =
            c->get("/v1/tenants/acme/packages/welcome/versions", editor).json().at("items").as_array();
        ASSERT_EQ(static_cast<std::int64_t>(versions.size()), expected) << "after a crash at " << step;
        for (std::size_t i = 0; i < versions.size(); ++i) {
            EXPECT_EQ(versions[i].at("version").as_int64(), static_cast<std::int64_t>(i + 1)) << step;
            const std::string tag(versions[i].at("tag").as_string());
            EXPECT_EQ(run(git("rev-parse " + tag + "^{commit}")).second,
                      std::string(versions[i].at("commit").as_string()) + "\n");
        }
        // No tag in git that the database does not know.
        EXPECT_EQ(run(git("tag -l 'packages/welcome/*' | wc -l")).second, std::to_string(expected) + "\n") << step;
        EXPECT_EQ(run(git("fsck --strict")).first, 0) << step;
        // And the next publish takes the next number.
        auto next = publish();
        ASSERT_EQ(next.status, 201) << step << ": " << next.body;
        EXPECT_EQ(next.json().at("version").as_int64(), ++expected) << step;
    }
}

TEST_F(Packages, APackagePolicyPutsAReviewInFrontOfPublishing) {
    const std::string reviewer = acme.token_of.at("reviewer");
    ASSERT_EQ(
        c->post(
             "/v1/tenants/acme/approval-policies",
             R"({"name":"dev packages","scope":"package","conditions":{"all":[{"field":"sandbox","op":"equals","value":"dev"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
             acme.admin_token)
            .status,
        201);
    auto requested = publish();
    ASSERT_EQ(requested.status, 202) << requested.body;
    const std::string review(requested.json().at("review").as_string());
    EXPECT_EQ(publish().json().at("review").as_string(), review) << "asking again returns the pending review";
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/welcome/versions", editor).json().at("items").as_array().size(), 0U);
    const auto queue = c->get("/v1/tenants/acme/reviews?assigned=me", reviewer).json().at("items").as_array();
    ASSERT_EQ(queue.size(), 1U);
    EXPECT_EQ(queue[0].at("subject").at("package").as_string(), "welcome");

    EXPECT_EQ(c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", editor).error_code(), "self_approval");
    auto approved = c->post("/v1/tenants/acme/reviews/" + review + "/approve", R"({"comment":"ship it"})", reviewer);
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.json().at("state").as_string(), "approved");
    EXPECT_EQ(approved.json().at("published").at("version").as_int64(), 1);
    const auto manifest = c->get("/v1/tenants/acme/packages/welcome/versions/1", editor).json().at("manifest");
    EXPECT_EQ(manifest.at("created_by").as_string(), "editor") << "the publisher is who asked, not who approved";
    ASSERT_EQ(manifest.at("approvals").as_array().size(), 1U);
    EXPECT_EQ(manifest.at("approvals").as_array()[0].at("user").as_string(), "reviewer");
    EXPECT_EQ(manifest.at("approvals").as_array()[0].at("digest"), requested.json().at("digest"));

    // Content that changes after the request voids it: the approval publishes nothing.
    auto second = publish();
    ASSERT_EQ(second.status, 202);
    ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[1], R"({"description":"changed"})",
                       editor, "*")
                  .status,
              200);
    const std::string second_review(second.json().at("review").as_string());
    // Voided by the edit itself: the approval finds the review closed.
    auto stale = c->post("/v1/tenants/acme/reviews/" + second_review + "/approve", "{}", reviewer);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.error_code(), "review_closed");
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/welcome/versions", editor).json().at("items").as_array().size(), 1U);
    const auto voided = c->get("/v1/tenants/acme/reviews/" + second_review, reviewer).json();
    EXPECT_EQ(voided.at("state").as_string(), "voided") << "issue 17: a changed content voids the review";
    EXPECT_TRUE(voided.at("approvals").as_array().empty());
    // Asking again opens a review of the content as it is now.
    auto third = publish();
    ASSERT_EQ(third.status, 202);
    EXPECT_NE(third.json().at("review").as_string(), second_review);
}

TEST_F(Packages, FilesMatchTheGoldenCopiesByteForByte) {
    ASSERT_EQ(publish().status, 201);
    const std::string golden = std::string(FERRY_SOURCE_DIR) + "/fixtures/golden/package/";
    for (const std::string path : {"campaigns/welcome.json", "segments/vip.json", "templates/welcome-mail.json"}) {
        const std::string stored = run(git("show packages/welcome/v1:" + path)).second;
        if (std::getenv("FERRY_UPDATE_GOLDEN")) {
            std::filesystem::create_directories(std::filesystem::path(golden + path).parent_path());
            std::ofstream(golden + path, std::ios::binary) << stored;
        }
        EXPECT_EQ(stored, read_file(golden + path)) << path;
    }
}

TEST_F(Packages, RotatedKeysStillVerifyOlderVersions) {
    ASSERT_EQ(publish().status, 201);
    const auto before = c->get("/v1/tenants/acme/signing-key", editor).json();
    EXPECT_EQ(c->post("/v1/tenants/acme/signing-key/rotate", "{}", editor).status, 403);
    auto rotated = c->post("/v1/tenants/acme/signing-key/rotate", "{}", acme.admin_token);
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    EXPECT_NE(rotated.json().at("key_id"), before.at("key_id"));
    EXPECT_EQ(rotated.json().at("previous_keys").as_array()[0].at("key_id"), before.at("key_id"));
    ASSERT_EQ(publish().status, 201);
    const auto v1 = c->get("/v1/tenants/acme/packages/welcome/versions/1", editor).json();
    const auto v2 = c->get("/v1/tenants/acme/packages/welcome/versions/2", editor).json();
    EXPECT_TRUE(v1.at("verification").at("ok").as_bool());
    EXPECT_TRUE(v2.at("verification").at("ok").as_bool());
    EXPECT_EQ(v1.at("manifest").at("key_id"), before.at("key_id"));
    EXPECT_EQ(v2.at("manifest").at("key_id"), rotated.json().at("key_id"));
    // The export of an old version carries the key that signed it.
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/welcome/versions/1/export", editor).json().at("public_key_pem"),
              before.at("public_key_pem"));
}

// Issue 23, fault 6: a version is named by its canonical number only. "01", "%31" (a
// percent-encoded "1"), "+1", "0" and "abc" are not version numbers: 400 invalid_query naming
// the parameter, where they used to be served (01, %31) or answered 404 (from=abc).
TEST_F(Packages, VersionNumbersAreCanonicalPositiveIntegers) {
    ASSERT_EQ(publish().status, 201);
    ASSERT_EQ(
        c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[0], R"({"description":"v2"})", editor, "*")
            .status,
        200);
    ASSERT_EQ(publish().status, 201);
    const std::string base = "/v1/tenants/acme/packages/welcome/versions/";
    EXPECT_EQ(c->get(base + "1", editor).status, 200);
    EXPECT_EQ(c->get(base + "2/diff?from=1", editor).status, 200);
    EXPECT_EQ(c->get(base + "9", editor).status, 404);  // a number, of no version: absent
    for (const std::string bad : {"01", "%31", "+1", "0", "-1", "abc", "1.0", "1e0", "99999999999999999999"}) {
        SCOPED_TRACE(bad);
        for (const std::string suffix : {"", "/export", "/diff?from=1"}) {
            const auto res = c->get(base + bad + suffix, editor);
            EXPECT_EQ(res.status, 400) << suffix << " " << res.body;
            EXPECT_EQ(res.error_code(), "invalid_query");
            EXPECT_EQ(res.json().at("error").at("details").at("parameter").as_string(), "version") << res.body;
        }
        const auto from = c->get(base + "2/diff?from=" + bad, editor);
        EXPECT_EQ(from.status, 400) << from.body;
        EXPECT_EQ(from.error_code(), "invalid_query");
        EXPECT_EQ(from.json().at("error").at("details").at("parameter").as_string(), "from") << from.body;
    }
}

// Issue 23: publishing what the latest version already holds makes no version (200, that
// version, unchanged: true), unless allow_empty asks for one; with a package policy, no review
// is opened for nothing either.
TEST_F(Packages, PublishingUnchangedContentMakesNoVersionUnlessAllowEmpty) {
    const auto v1 = publish_if_changed();
    ASSERT_EQ(v1.status, 201) << v1.body;
    const auto again = publish_if_changed();
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_TRUE(again.json().at("unchanged").as_bool());
    EXPECT_EQ(again.json().at("version").as_int64(), 1);
    EXPECT_EQ(again.json().at("digest"), v1.json().at("digest"));
    EXPECT_EQ(c->get("/v1/tenants/acme/packages/welcome/versions", editor).json().at("items").as_array().size(), 1U);
    EXPECT_NE(run(git("rev-parse --verify -q packages/welcome/v2")).first, 0);

    const auto forced = c->post("/v1/tenants/acme/packages/welcome/versions", R"({"allow_empty":true})", editor);
    ASSERT_EQ(forced.status, 201) << forced.body;
    EXPECT_EQ(forced.json().at("version").as_int64(), 2);
    EXPECT_FALSE(forced.json().as_object().contains("unchanged"));
    const auto typo = c->post("/v1/tenants/acme/packages/welcome/versions", R"({"allow_empty":"yes"})", editor);
    EXPECT_EQ(typo.status, 422);
    EXPECT_EQ(typo.json().at("error").at("details").at("field").as_string(), "allow_empty") << typo.body;

    // A change in a dependency (the template) is a change.
    ASSERT_EQ(
        c->patch("/v1/tenants/acme/sandboxes/dev/templates/" + src.tmpl, R"({"body":"Hi {{first_name}}"})", editor, "*")
            .status,
        200);
    const auto v3 = publish_if_changed();
    ASSERT_EQ(v3.status, 201) << v3.body;
    EXPECT_EQ(v3.json().at("version").as_int64(), 3);

    // Gated by a package policy: nothing to publish opens no review.
    auto policy = c->post(
        "/v1/tenants/acme/approval-policies",
        R"({"name":"Packages","scope":"package","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":1})",
        acme.admin_token);
    ASSERT_EQ(policy.status, 201) << policy.body;
    const auto gated = publish_if_changed();
    EXPECT_EQ(gated.status, 200) << gated.body;
    EXPECT_TRUE(gated.json().at("unchanged").as_bool());
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews?state=pending", acme.admin_token).json().at("items").as_array().size(),
              0U);
    const auto asked = c->post("/v1/tenants/acme/packages/welcome/versions", R"({"allow_empty":true})", editor);
    EXPECT_EQ(asked.status, 202) << asked.body;
}

// Issue 17: a package review whose content changes ends at once, as voided (audited and
// announced as review.decided), not at the next approval; edits that leave the package's
// content as it was leave the review pending.
TEST_F(Packages, AnEditOfAPackagesContentVoidsItsPendingReviewAtOnce) {
    ASSERT_EQ(
        c->post(
             "/v1/tenants/acme/approval-policies",
             R"({"name":"packages","scope":"package","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":1})",
             acme.admin_token)
            .status,
        201);
    const auto state_of = [&](const std::string& review) {
        return std::string(
            c->get("/v1/tenants/acme/reviews/" + review, acme.admin_token).json().at("state").as_string());
    };
    const auto request = [&] {
        const auto res = publish_if_changed();
        EXPECT_EQ(res.status, 202) << res.body;
        return std::string(res.json().at("review").as_string());
    };

    // Not the package's content: a campaign it does not hold, another sandbox.
    const std::string first = request();
    const std::string outside = std::string(
        c->post(
             "/v1/tenants/acme/sandboxes/dev/campaigns",
             R"({"name":"Outside","type":"action","channels":["email"],"content":{"email":{"subject":"a","body":"b"}}})",
             editor)
            .json()
            .at("id")
            .as_string());
    ASSERT_EQ(
        c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + outside, R"({"description":"x"})", editor, "*").status,
        200);
    ASSERT_EQ(c->post("/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"Prod VIP","rule":{}})", acme.admin_token)
                  .status,
              201);
    EXPECT_EQ(state_of(first), "pending");

    // A campaign it holds: voided in the edit's own transaction.
    ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[0], R"({"description":"edited"})",
                       editor, "*")
                  .status,
              200);
    EXPECT_EQ(state_of(first), "voided");
    const auto audit = c->get("/v1/tenants/acme/audit?limit=50", acme.admin_token).json();
    bool recorded = false;
    for (const auto& r : audit.at("items").as_array())
        if (r.at("action") == "review.void" && r.at("target") == json::value("reviews/" + first)) recorded = true;
    EXPECT_TRUE(recorded) << "no review.void audit record";

    // A template one of its campaigns uses.
    const std::string second = request();
    ASSERT_NE(second, first);
    ASSERT_EQ(
        c->patch("/v1/tenants/acme/sandboxes/dev/templates/" + src.tmpl, R"({"body":"Hi {{first_name}}"})", editor, "*")
            .status,
        200);
    EXPECT_EQ(state_of(second), "voided");

    // The package's own list.
    const std::string third = request();
    ASSERT_EQ(c->patch("/v1/tenants/acme/packages/welcome",
                       R"({"objects":[{"kind":"campaign","id":")" + src.campaigns[0] + R"("}]})", editor, "*")
                  .status,
              200);
    EXPECT_EQ(state_of(third), "voided");

    // Deleting a campaign it holds (a draft: deleted, not archived).
    const std::string fourth = request();
    const auto deleted = c->del("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[0], editor, "*");
    ASSERT_EQ(deleted.status, 204) << deleted.body;
    EXPECT_EQ(state_of(fourth), "voided");
}

// Issue 17: the approval that completes a package review, the version's number and its
// reservation are one decision. Killed at any step after that transaction, ferryd either
// finishes it (the tag reached git: the version is there, the review approved) or takes it back
// whole (the review pending again, the approval gone, the number free): never an approved review
// with nothing published, and the reviewer can approve again.
TEST_F(Packages, AnApprovalThatPublishesIsOneDecisionThroughACrashAtAnyStep) {
    const std::string reviewer = acme.token_of.at("reviewer");
    ASSERT_EQ(
        c->post(
             "/v1/tenants/acme/approval-policies",
             R"({"name":"packages","scope":"package","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":1})",
             acme.admin_token)
            .status,
        201);
    const auto versions = [&] {
        return c->get("/v1/tenants/acme/packages/welcome/versions", editor).json().at("items").as_array().size();
    };
    const auto audited = [&](const std::string& action, const std::string& review) {
        const auto audit = c->get("/v1/tenants/acme/audit?limit=200", acme.admin_token).json();
        std::size_t n = 0;
        for (const auto& r : audit.at("items").as_array())
            if (r.at("action") == json::value(action) && r.at("target") == json::value("reviews/" + review)) ++n;
        return n;
    };
    std::size_t expected = 0;
    int edit = 0;
    for (const std::string step : {"reserved", "packed", "branch", "tag", "recorded"}) {
        // New content to review, each round.
        ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/dev/campaigns/" + src.campaigns[0],
                           R"({"description":"round )" + std::to_string(++edit) + R"("})", editor, "*")
                      .status,
                  200);
        const auto requested = publish_if_changed();
        ASSERT_EQ(requested.status, 202) << step << ": " << requested.body;
        const std::string review(requested.json().at("review").as_string());

        server->kill9();
        ::setenv("FERRY_TEST_CRASH_AT", step.c_str(), 1);  // inherited by the next start only
        server->start();
        ::unsetenv("FERRY_TEST_CRASH_AT");
        HttpClient crashing(server->base_url());
        EXPECT_THROW(crashing.post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", reviewer), TransportError)
            << step;
        server->kill9();
        server->start();
        c = std::make_unique<HttpClient>(server->base_url());

        const auto after = c->get("/v1/tenants/acme/reviews/" + review, acme.admin_token).json();
        if (step == "tag" || step == "recorded") {
            // The tag reached git: the decision stands, with its version.
            ++expected;
            EXPECT_EQ(after.at("state").as_string(), "approved") << step;
            ASSERT_EQ(versions(), expected) << step;
            const auto manifest =
                c->get("/v1/tenants/acme/packages/welcome/versions/" + std::to_string(expected), editor)
                    .json()
                    .at("manifest");
            ASSERT_EQ(manifest.at("approvals").as_array().size(), 1U) << step;
            EXPECT_EQ(manifest.at("approvals").as_array()[0].at("user").as_string(), "reviewer") << step;
            EXPECT_EQ(audited("review.reopen", review), 0U) << step;
            continue;
        }
        // It never reached git: taken back whole.
        EXPECT_EQ(after.at("state").as_string(), "pending") << step << ": " << json::serialize(after);
        EXPECT_TRUE(after.at("approvals").as_array().empty()) << step;
        EXPECT_EQ(versions(), expected) << step;
        EXPECT_EQ(audited("review.approve", review), 1U) << step;
        EXPECT_EQ(audited("review.reopen", review), 1U) << step;
        // And approved again, it publishes the next number.
        const auto again = c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", reviewer);
        ASSERT_EQ(again.status, 200) << step << ": " << again.body;
        EXPECT_EQ(again.json().at("state").as_string(), "approved");
        EXPECT_EQ(again.json().at("published").at("version").as_int64(), static_cast<std::int64_t>(++expected)) << step;
    }
    EXPECT_EQ(run(git("tag -l 'packages/welcome/*' | wc -l")).second, std::to_string(expected) + "\n");
    EXPECT_EQ(run(git("fsck --strict")).first, 0);
}
