// Promotion pipelines through the real ferryd (issue 21, docs/pipelines.md): a version promoted
// dev → stage → prod, a scheduled promotion that waits for the end of a weekly freeze window, the
// prod reviewers' approval, the environment matrix; soak time and the health gate; a skipped stage
// refused and allowed by break-glass; an activation refused in a freeze; a scheduled promotion
// whose target changed; everything on the test clock.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;

namespace {

const std::string t = "/v1/tenants/acme/";
const std::string dev = t + "sandboxes/dev/";
const std::string stage = t + "sandboxes/stage/";
const std::string prod = t + "sandboxes/prod/";

std::string str(const json::value& v) { return std::string(v.as_string()); }

class Pipelines : public ::testing::Test {
protected:
    void SetUp() override {
        // Monday 23 November 2026, 09:00 UTC.
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "stage", "prod"});
        admin = acme.admin_token;
        editor = acme.token_of.at("editor");  // editor on dev
        releaser = make_user(*c, acme, "rel",
                             R"([{"sandbox":"stage","role":"importer"},{"sandbox":"prod","role":"importer"},
                                 {"sandbox":"stage","role":"editor"},{"sandbox":"prod","role":"editor"}])");
        prod_reviewer = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        // dev: a segment, a template and a campaign, in package "welcome", v1 published.
        const std::string segment =
            id(c->post(dev + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor));
        const std::string tmpl =
            id(c->post(dev + "templates",
                       R"({"key":"hello","name":"Hello","channel":"email","subject":"Hi","body":"Hello"})", editor));
        dev_campaign = id(c->post(dev + "campaigns",
                                  R"({"key":"welcome","name":"Welcome","type":"action","channels":["email"],
                                      "audience":{"segment":")" +
                                      segment + R"("},"content":{"email":{"template":")" + tmpl + R"("}}})",
                                  editor));
        ASSERT_EQ(c->post(t + "packages",
                          R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" +
                              dev_campaign + R"("}]})",
                          editor)
                      .status,
                  201);
        ASSERT_EQ(c->post(t + "packages/welcome/versions", "{}", editor).status, 201);
        // Prod's campaigns need one reviewer.
        ASSERT_EQ(c->post(t + "approval-policies", R"({"name":"prod","scope":"campaign",
            "conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                          admin)
                      .status,
                  201);
    }

    static std::string id(const HttpResponse& res) {
        if (res.status != 201) throw std::runtime_error("expected 201: " + res.body);
        return str(res.json().at("id"));
    }

    void create_pipeline(const std::string& prod_stage_extra = "") {
        auto res = c->post(t + "pipelines",
                           R"({"name":"main","stages":[{"sandbox":"dev"},{"sandbox":"stage"},{"sandbox":"prod")" +
                               prod_stage_extra + "}]}",
                           admin);
        ASSERT_EQ(res.status, 201) << res.body;
    }

    // Moves the test clock (and runs a scheduler pass) to `at`.
    void clock_to(const std::string& at) {
        const auto now = c->post("/v1/operator/clock", R"({"advance_seconds":0})", server->operator_token()).json();
        const auto from = ferry_seconds(str(now.at("now")));
        const auto to = ferry_seconds(at);
        ASSERT_GE(to, from) << at;
        ASSERT_EQ(c->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(to - from) + "}",
                          server->operator_token())
                      .status,
                  200);
    }

    static long long ferry_seconds(const std::string& rfc3339) {
        std::tm tm{};
        strptime(rfc3339.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        return static_cast<long long>(timegm(&tm));
    }

    HttpResponse promote(const std::string& sandbox_path, const std::string& extra = "", int version = 1,
                         const std::string& token = "") {
        return c->post(sandbox_path + "promotions",
                       R"({"package":"welcome","version":)" + std::to_string(version) + extra + "}",
                       token.empty() ? releaser : token);
    }

    json::object promotion(const std::string& pid) { return c->get(t + "promotions/" + pid, admin).json().as_object(); }

    json::object campaign_in(const std::string& sandbox_path, const std::string& key) {
        const json::value list = c->get(sandbox_path + "campaigns?limit=200", admin).json();
        for (const auto& item : list.at("items").as_array())
            if (item.at("key") == json::value(key)) return item.as_object();
        return {};
    }

    std::size_t audited(const std::string& action) {
        std::size_t n = 0;
        const json::value audit = c->get(t + "audit?limit=500", admin).json();
        for (const auto& a : audit.at("items").as_array())
            if (a.at("action") == json::value(action)) ++n;
        return n;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, editor, releaser, prod_reviewer, dev_campaign;
};

}  // namespace

TEST_F(Pipelines, AVersionGoesThroughStageThenWaitsForAFreezeWindowThenGoesLiveInProd) {
    create_pipeline();
    // prod is frozen every weekend, Friday 18:00 to Monday 06:00, Paris time.
    auto freeze = c->post(prod + "freeze-windows", R"({"kind":"weekly","from":{"day":"friday","time":"18:00"},
        "to":{"day":"monday","time":"06:00"},"time_zone":"Europe/Paris","reason":"weekend"})",
                          admin);
    ASSERT_EQ(freeze.status, 201) << freeze.body;
    EXPECT_EQ(c->post(prod + "freeze-windows", R"({"kind":"weekly"})", releaser).status, 403) << "admins only";

    // v1 to stage, at once: applied, the campaign a draft there until someone activates it.
    auto to_stage = promote(stage);
    ASSERT_EQ(to_stage.status, 201) << to_stage.body;
    const std::string p1 = str(to_stage.json().at("id"));
    EXPECT_EQ(to_stage.json().at("status"), "applied");
    EXPECT_EQ(to_stage.json().at("previous_stage"), "dev");
    const std::string stage_campaign = str(campaign_in(stage, "welcome").at("id"));
    ASSERT_EQ(c->post(stage + "campaigns/" + stage_campaign + "/actions/activate", "{}", releaser).status, 200);
    clock_to("2026-11-23T10:00:00Z");
    EXPECT_EQ(promotion(p1).at("status"), "live");

    // v1 to prod on Friday at 19:00 UTC (20:00 in Paris): inside the window.
    auto to_prod = promote(prod, R"(,"at":"2026-11-27T19:00:00Z")");
    ASSERT_EQ(to_prod.status, 201) << to_prod.body;
    const std::string p2 = str(to_prod.json().at("id"));
    EXPECT_EQ(to_prod.json().at("status"), "scheduled");
    EXPECT_EQ(promote(prod).error_code(), "promotion_pending");
    clock_to("2026-11-27T19:00:01Z");
    auto waiting = promotion(p2);
    EXPECT_EQ(waiting.at("status"), "waiting") << json::serialize(waiting);
    EXPECT_EQ(waiting.at("waiting").at("reason"), "frozen");
    EXPECT_EQ(waiting.at("waiting").at("until"), "2026-11-30T05:00:00.000Z") << "Monday 06:00 in Paris";
    EXPECT_TRUE(campaign_in(prod, "welcome").empty()) << "nothing lands during the window";
    EXPECT_EQ(audited("promotion.waiting"), 1U);

    // The window ends: applied, as a draft behind prod's gate.
    clock_to("2026-11-30T05:00:30Z");
    auto applied = promotion(p2);
    EXPECT_EQ(applied.at("status"), "applied") << json::serialize(applied);
    const auto landed = campaign_in(prod, "welcome");
    ASSERT_FALSE(landed.empty());
    EXPECT_EQ(landed.at("status"), "draft");
    const std::string prod_campaign = str(landed.at("id"));
    auto matrix = c->get(t + "pipelines/main/matrix", admin).json();
    auto cells = matrix.at("packages").as_array()[0].at("stages").as_array();
    EXPECT_EQ(cells[1].at("state"), "live");
    EXPECT_EQ(cells[2].at("state"), "in_review");

    // Prod's reviewer approves: live.
    ASSERT_EQ(c->post(prod + "campaigns/" + prod_campaign + "/actions/submit", "{}", releaser).status, 200);
    std::string review;
    const json::value reviews = c->get(t + "reviews", admin).json();
    for (const auto& r : reviews.at("items").as_array())
        if (r.at("subject").at("campaign") == json::value(prod_campaign)) review = str(r.at("id"));
    ASSERT_FALSE(review.empty());
    ASSERT_EQ(c->post(t + "reviews/" + review + "/approve", "{}", prod_reviewer).status, 200);
    clock_to("2026-11-30T05:01:00Z");
    const auto live = promotion(p2);
    EXPECT_EQ(live.at("status"), "live") << json::serialize(live);
    std::vector<std::string> statuses;
    for (const auto& h : live.at("history").as_array()) statuses.emplace_back(h.at("status").as_string());
    EXPECT_EQ(statuses, (std::vector<std::string>{"planned", "scheduled", "waiting", "applied", "live"}));

    // The matrix: v1 live in stage and prod, nothing waiting to move.
    matrix = c->get(t + "pipelines/main/matrix", admin).json();
    ASSERT_EQ(matrix.at("packages").as_array().size(), 1U);
    const auto& row = matrix.at("packages").as_array()[0];
    cells = row.at("stages").as_array();
    EXPECT_EQ(cells[0].at("state"), "source");
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(cells[i].at("version"), 1) << i;
        EXPECT_EQ(cells[i].at("state"), "live") << i;
    }
    EXPECT_TRUE(row.at("next").as_array().empty());
    EXPECT_EQ(audited("promotion.live"), 2U);
    EXPECT_EQ(audited("promotion.applied"), 2U);
}

TEST_F(Pipelines, ASoakTimeWaitsForItsHourAndAFailedCampaignInThePreviousStageBlocks) {
    create_pipeline(R"(,"soak_seconds":86400,"health_gate":true)");
    ASSERT_EQ(promote(stage).status, 201);
    const std::string stage_campaign = str(campaign_in(stage, "welcome").at("id"));
    ASSERT_EQ(c->post(stage + "campaigns/" + stage_campaign + "/actions/activate", "{}", releaser).status, 200);
    clock_to("2026-11-23T09:00:05Z");  // live in stage from 09:00:00

    // An hour later, prod waits for the 24th hour.
    clock_to("2026-11-23T10:00:00Z");
    auto early = promote(prod);
    ASSERT_EQ(early.status, 201) << early.body;
    const std::string pid = str(early.json().at("id"));
    EXPECT_EQ(early.json().at("status"), "waiting");
    EXPECT_EQ(early.json().at("waiting").at("reason"), "soak");
    EXPECT_EQ(early.json().at("waiting").at("until"), "2026-11-24T09:00:00.000Z");
    clock_to("2026-11-24T08:59:00Z");
    EXPECT_EQ(promotion(pid).at("waiting").at("reason"), "soak");

    // Meanwhile the campaign fails in stage: the promotion names it, and waits.
    ASSERT_EQ(c->post(stage + "campaigns/" + stage_campaign + "/execution-events",
                      R"({"type":"failed","reason":"provider down"})", admin)
                  .status,
              200);
    clock_to("2026-11-24T09:00:30Z");
    const auto blocked = promotion(pid);
    EXPECT_EQ(blocked.at("status"), "waiting");
    EXPECT_EQ(blocked.at("waiting").at("reason"), "health") << json::serialize(blocked);
    ASSERT_EQ(blocked.at("waiting").at("objects").as_array().size(), 1U);
    EXPECT_EQ(blocked.at("waiting").at("objects").as_array()[0].at("id"), json::value(stage_campaign));
    EXPECT_EQ(blocked.at("waiting").at("objects").as_array()[0].at("status"), "failed");
    EXPECT_TRUE(campaign_in(prod, "welcome").empty());
}

TEST_F(Pipelines, SkippingAStageIsRefusedUnlessBreakGlassAndAFreezeRefusesActivations) {
    create_pipeline();
    auto skipped = promote(prod);
    EXPECT_EQ(skipped.status, 409);
    EXPECT_EQ(skipped.error_code(), "previous_stage");
    EXPECT_EQ(skipped.json().at("error").at("details").at("previous_stage"), "stage");
    EXPECT_EQ(promote(prod, R"(,"bypass_reason":"hotfix")").error_code(), "bypass_not_permitted");
    EXPECT_TRUE(campaign_in(prod, "welcome").empty());

    // Break-glass: the permission, a reason, always audited.
    ASSERT_EQ(c->patch(t + "users/rel", R"({"permissions":["bypass_pipeline"]})", admin, "*").status, 200);
    auto forced = promote(prod, R"(,"bypass_reason":"hotfix for the outage")");
    ASSERT_EQ(forced.status, 201) << forced.body;
    EXPECT_EQ(forced.json().at("status"), "applied");
    EXPECT_EQ(forced.json().at("bypass").at("by"), "rel");
    EXPECT_EQ(audited("promotion.bypass"), 1U);
    EXPECT_FALSE(campaign_in(prod, "welcome").empty());

    // A one-off freeze on stage: activations there answer 409 frozen with its end.
    ASSERT_EQ(
        c->post(stage + "freeze-windows",
                R"({"kind":"once","start":"2026-11-23T00:00:00Z","end":"2026-11-24T00:00:00Z","reason":"launch"})",
                admin)
            .status,
        201);
    const std::string local_segment =
        id(c->post(stage + "segments", R"({"key":"local","name":"Local","rule":{"tier":"gold"}})", releaser));
    const std::string draft = id(c->post(stage + "campaigns", R"({"name":"Local","type":"action","channels":["email"],
            "audience":{"segment":")" + local_segment + R"("},"content":{"email":{"subject":"a","body":"b"}}})",
                                         releaser));
    auto refused = c->post(stage + "campaigns/" + draft + "/actions/activate", "{}", releaser);
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.error_code(), "frozen");
    EXPECT_EQ(refused.json().at("error").at("details").at("ends_at"), "2026-11-24T00:00:00.000Z");
    EXPECT_EQ(refused.json().at("error").at("details").at("reason"), "launch");
    EXPECT_EQ(promote(stage).error_code(), "frozen") << "a promotion applied now is refused too";
    const auto windows = c->get(stage + "freeze-windows", releaser).json();
    EXPECT_EQ(windows.at("active").at("ends_at"), "2026-11-24T00:00:00.000Z");
    // The calendar shows it.
    const auto calendar = c->get(stage + "calendar?week=2026-W48", releaser).json();
    ASSERT_EQ(calendar.at("freeze_windows").as_array().size(), 1U);
    EXPECT_EQ(calendar.at("freeze_windows").as_array()[0].at("reason"), "launch");
    // Break-glass goes through, audited.
    const auto forced_activation =
        c->post(stage + "campaigns/" + draft + "/actions/activate", R"({"bypass_reason":"fix"})", releaser);
    ASSERT_EQ(forced_activation.status, 200) << forced_activation.body;
    EXPECT_EQ(audited("campaign.bypass_freeze"), 1U);
    // After the window, no more.
    clock_to("2026-11-24T00:00:00Z");
    EXPECT_EQ(c->get(stage + "freeze-windows", releaser).json().at("active"), json::value(nullptr));
}

TEST_F(Pipelines, AScheduledPromotionWhoseTargetChangedWaitsInsteadOfApplying) {
    create_pipeline();
    auto scheduled = promote(stage, R"(,"at":"2026-11-23T12:00:00Z")");
    ASSERT_EQ(scheduled.status, 201) << scheduled.body;
    const std::string pid = str(scheduled.json().at("id"));
    const std::string digest = str(scheduled.json().at("plan").at("digest"));
    // Someone adds a segment with the package's key to stage: the plan is no longer the one seen.
    ASSERT_EQ(
        c->post(stage + "segments", R"({"key":"vip","name":"Other VIP","rule":{"tier":"silver"}})", releaser).status,
        201);
    clock_to("2026-11-23T12:00:10Z");
    const auto p = promotion(pid);
    EXPECT_EQ(p.at("status"), "waiting");
    EXPECT_EQ(p.at("waiting").at("reason"), "plan_changed") << json::serialize(p);
    EXPECT_TRUE(campaign_in(stage, "welcome").empty()) << "nothing nobody saw was applied";
    // A person retries: the plan as it is now (a conflict on the segment) waits for an override.
    auto retried = c->post(t + "promotions/" + pid + "/retry", "{}", releaser);
    ASSERT_EQ(retried.status, 200) << retried.body;
    EXPECT_EQ(retried.json().at("waiting").at("reason"), "conflicts");
    EXPECT_EQ(retried.json().at("waiting").at("objects").as_array()[0].at("key"), "vip");
    auto resolved =
        c->post(t + "promotions/" + pid + "/retry", R"({"overrides":{"segment/vip":"use_existing"}})", releaser);
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    EXPECT_EQ(resolved.json().at("status"), "applied");
    EXPECT_NE(resolved.json().at("plan").at("digest"), json::value(digest));
    EXPECT_EQ(c->post(t + "promotions/" + pid + "/cancel", "{}", releaser).error_code(), "promotion_final");
}

TEST_F(Pipelines, PipelinesAreATenantAdminsAndIsolated) {
    create_pipeline();
    EXPECT_EQ(c->post(t + "pipelines", R"({"name":"other","stages":[{"sandbox":"prod"}]})", admin).error_code(),
              "sandbox_in_pipeline");
    EXPECT_EQ(c->post(t + "pipelines", R"({"name":"x","stages":[{"sandbox":"dev"}]})", releaser).status, 403);
    EXPECT_EQ(c->post(t + "pipelines", R"({"name":"Bad Name","stages":[{"sandbox":"dev"}]})", admin).status, 422);
    EXPECT_EQ(c->post(t + "pipelines", R"({"name":"y","stages":[{"sandbox":"nowhere"}]})", admin).status, 422);
    const auto got = c->get(t + "pipelines/main", releaser);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(c->patch(t + "pipelines/main", R"({"description":"x"})", admin, "\"stale\"").status, 412);
    // Another tenant sees none of it.
    const auto globex = make_tenant(*c, server->operator_token(), "globex", {"dev"}, "g");
    EXPECT_EQ(c->get(t + "pipelines/main", globex.admin_token).status, 404);
    auto promoted = promote(stage);
    ASSERT_EQ(promoted.status, 201);
    EXPECT_EQ(c->get(t + "promotions/" + str(promoted.json().at("id")), globex.admin_token).status, 404);
    EXPECT_EQ(c->get("/v1/tenants/globex/promotions/" + str(promoted.json().at("id")), globex.admin_token).status, 404);
    // A viewer of dev cannot promote into stage, nor see the promotion.
    EXPECT_EQ(promote(stage, "", 1, acme.token_of.at("viewer")).status, 404);
    EXPECT_EQ(c->get(t + "promotions/" + str(promoted.json().at("id")), acme.token_of.at("viewer")).status, 404);
}

// kill -9 halfway through a promotion's apply: the promotion, its import and what it wrote are one
// transaction, so nothing of it is left; promoting again applies it once.
TEST_F(Pipelines, KilledHalfwayThroughAPromotionLeavesNothingAndPromotingAgainApplies) {
    create_pipeline();
    server->kill9();
    ::setenv("FERRY_TEST_CRASH_AT", "import_half", 1);  // inherited by this start only
    server->start();
    ::unsetenv("FERRY_TEST_CRASH_AT");
    {
        HttpClient crashing(server->base_url());
        EXPECT_THROW(crashing.post(stage + "promotions", R"({"package":"welcome","version":1})", releaser),
                     TransportError);
    }
    server->kill9();  // already gone; reaps it
    server->start();
    c = std::make_unique<HttpClient>(server->base_url());
    EXPECT_TRUE(c->get(t + "promotions", admin).json().at("items").as_array().empty());
    EXPECT_TRUE(c->get(stage + "imports", admin).json().at("items").as_array().empty());
    EXPECT_TRUE(campaign_in(stage, "welcome").empty());
    EXPECT_EQ(audited("promotion.create"), 0U);
    auto again = promote(stage);
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json().at("status"), "applied");
    EXPECT_EQ(c->get(stage + "imports", admin).json().at("items").as_array().size(), 1U);
    EXPECT_FALSE(campaign_in(stage, "welcome").empty());
}

// Two nodes on one PostgreSQL database (and one git remote): both nodes' schedulers find the
// scheduled promotion due at the same moment; it is applied exactly once.
TEST(PipelinesOnTwoNodes, AScheduledPromotionIsAppliedExactlyOnce) {
    if (!postgres_backend()) GTEST_SKIP() << "several nodes share a PostgreSQL database only";
    namespace fs = std::filesystem;
    auto db = std::make_shared<TestDatabase>();
    std::string templ = (fs::temp_directory_path() / "ferry-pipelines-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    const fs::path root = templ;
    fs::create_directories(root / "remote");
    const std::string operator_secret = "fry_op_pipelines_two_nodes_0123456789abcdef";
    std::vector<std::unique_ptr<FerrydProcess>> nodes;
    for (int i = 0; i < 2; ++i)
        nodes.push_back(std::make_unique<FerrydProcess>(
            FerrydOptions{{"--git-remote", (root / "remote").string(), "--keys-dir", (root / "keys").string(),
                           "--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"},
                          {{"FERRY_OPERATOR_TOKEN", operator_secret}}},
            db));
    HttpClient a(nodes[0]->base_url());
    const TenantFixture acme = make_tenant(a, operator_secret, "acme", {"dev", "stage"});
    const std::string editor = acme.token_of.at("editor");
    const std::string campaign = str(
        a.post(
             dev + "campaigns",
             R"({"key":"ping","name":"Ping","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"hi"}}})",
             editor)
            .json()
            .at("id"));
    ASSERT_EQ(a.post(t + "packages",
                     R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + campaign +
                         R"("}]})",
                     editor)
                  .status,
              201);
    ASSERT_EQ(a.post(t + "packages/welcome/versions", "{}", editor).status, 201);
    ASSERT_EQ(
        a.post(t + "pipelines", R"({"name":"main","stages":[{"sandbox":"dev"},{"sandbox":"stage"}]})", acme.admin_token)
            .status,
        201);
    auto scheduled = a.post(stage + "promotions", R"({"package":"welcome","version":1,"at":"2026-11-23T09:30:00Z"})",
                            acme.admin_token);
    ASSERT_EQ(scheduled.status, 201) << scheduled.body;
    const std::string pid = str(scheduled.json().at("id"));

    // Both nodes' clocks reach 09:31 at once; each runs a scheduler pass.
    std::vector<std::thread> advancing;
    for (auto& node : nodes)
        advancing.emplace_back([&node, &operator_secret] {
            HttpClient c(node->base_url());
            c.post("/v1/operator/clock", R"({"advance_seconds":1860})", operator_secret);
        });
    for (auto& th : advancing) th.join();

    HttpClient b(nodes[1]->base_url());
    const auto p = b.get(t + "promotions/" + pid, acme.admin_token).json();
    EXPECT_EQ(p.at("status"), "applied") << json::serialize(p);  // its campaign waits for the gate, a draft
    EXPECT_EQ(b.get(stage + "imports", acme.admin_token).json().at("items").as_array().size(), 1U);
    const json::value audit = b.get(t + "audit?limit=500", acme.admin_token).json();
    std::size_t applied = 0;
    for (const auto& r : audit.at("items").as_array())
        if (r.at("action") == "promotion.applied" || r.at("action") == "import.apply") ++applied;
    EXPECT_EQ(applied, 2U) << "one promotion.applied and one import.apply";
    nodes.clear();
    std::error_code ec;
    fs::remove_all(root, ec);
}
