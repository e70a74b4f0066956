// Keeping sandboxes in step through the real ferryd (issue 22, docs/sync.md): the three-way merge
// of a prod edit and a new version from dev, a conflict decided by a resolution, drift announced
// once and adopted or re-synced, and sync subscriptions that apply new versions by themselves,
// wait on a conflict or a freeze window, and apply once across two nodes.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "test_database.hpp"
#include "webhook_receiver.hpp"
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
const std::string prod = t + "sandboxes/prod/";

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::string content(const std::string& subject, const std::string& sms) {
    return R"({"email":{"subject":")" + subject + R"(","body":"Hi"},"sms":{"body":")" + sms + R"("}})";
}

class Sync : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(FerrydOptions{
            {"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z", "--allow-private-webhooks"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        admin = acme.admin_token;
        editor = acme.token_of.at("editor");  // editor on dev
        prod_editor =
            make_user(*c, acme, "pat", R"([{"sandbox":"prod","role":"editor"},{"sandbox":"prod","role":"importer"}])");
        prod_reviewer = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        prod_viewer = make_user(*c, acme, "vic", R"([{"sandbox":"prod","role":"viewer"}])");
        dev_campaign = id(c->post(dev + "campaigns",
                                  R"({"key":"promo","name":"Promo","type":"api_triggered","channels":["email","sms"],
                                      "content":)" +
                                      content("Hello", "A") + "}",
                                  editor));
        ASSERT_EQ(c->post(t + "packages",
                          R"({"name":"promo","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" +
                              dev_campaign + R"("}]})",
                          editor)
                      .status,
                  201);
        publish();  // v1
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

    void publish() { ASSERT_EQ(c->post(t + "packages/promo/versions", "{}", editor).status, 201); }

    // Edits a campaign's content: a PATCH (which makes the draft version of a live campaign), or
    // the draft version itself once it exists.
    void edit(const std::string& sandbox_path, const std::string& campaign, const std::string& subject,
              const std::string& sms, const std::string& token) {
        const auto current = c->get(sandbox_path + "campaigns/" + campaign, token);
        ASSERT_EQ(current.status, 200) << current.body;
        const json::value campaign_json = current.json();
        const auto* draft = campaign_json.as_object().if_contains("draft_version");
        if (draft != nullptr && !draft->is_null()) {
            const std::string body = R"({"name":"Promo","description":"","channels":["email","sms"],"content":)" +
                                     content(subject, sms) + "}";
            auto res = c->request("PUT", sandbox_path + "campaigns/" + campaign + "/draft", token, &body);
            ASSERT_EQ(res.status, 200) << res.body;
            return;
        }
        auto res = c->patch(sandbox_path + "campaigns/" + campaign, R"({"content":)" + content(subject, sms) + "}",
                            token, "*");
        ASSERT_EQ(res.status, 200) << res.body;
    }

    // The prod campaign imported from v1, then approved and live.
    std::string import_v1_live() {
        auto applied = c->post(prod + "imports", R"({"package":"promo","version":1})", prod_editor);
        EXPECT_EQ(applied.status, 201) << applied.body;
        const std::string campaign = str(applied.json().at("items").at(0).at("target_id"));
        EXPECT_EQ(c->post(prod + "campaigns/" + campaign + "/actions/submit", "{}", prod_editor).status, 200);
        const json::value reviews = c->get(t + "reviews", admin).json();
        for (const auto& r : reviews.at("items").as_array()) {
            if (r.at("subject").at("campaign") == json::value(campaign)) {
                EXPECT_EQ(c->post(t + "reviews/" + str(r.at("id")) + "/approve", "{}", prod_reviewer).status, 200);
            }
        }
        EXPECT_EQ(c->get(prod + "campaigns/" + campaign, admin).json().at("status"), "active");
        return campaign;
    }

    json::object plan(const std::string& body) {
        auto res = c->post(prod + "imports/plan", body, prod_editor);
        EXPECT_EQ(res.status, 200) << res.body;
        return res.json().as_object();
    }

    void scheduler_pass() {
        ASSERT_EQ(c->post("/v1/operator/clock", R"({"advance_seconds":1})", server->operator_token()).status, 200);
    }

    json::object draft_of(const std::string& campaign) {
        return c->get(prod + "campaigns/" + campaign + "/draft", admin).json().as_object();
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, editor, prod_editor, prod_reviewer, prod_viewer, dev_campaign;
};

const json::object* change_at(const json::array& changes, const std::string& path) {
    for (const auto& ch : changes)
        if (ch.at("path") == json::value(path)) return &ch.as_object();
    return nullptr;
}

}  // namespace

TEST_F(Sync, AProdEditAndANewVersionAreMergedThenAConflictIsDecidedByKeepingTheTarget) {
    const std::string campaign = import_v1_live();
    // A prod editor changes the subject (the draft version of the live campaign); dev changes
    // the SMS text and publishes v2.
    edit(prod, campaign, "Bonjour", "A", prod_editor);
    edit(dev, dev_campaign, "Hello", "B", editor);
    publish();

    json::object p = plan(R"({"package":"promo","version":2})");
    EXPECT_EQ(p.at("conflict_policy"), "merge");
    ASSERT_EQ(p.at("items").as_array().size(), 1U);
    const json::object& item = p.at("items").at(0).as_object();
    EXPECT_EQ(item.at("action"), "merge") << json::serialize(item);
    EXPECT_EQ(item.at("as_draft_version"), true);
    const json::object& merge = item.at("merge").as_object();
    EXPECT_EQ(merge.at("base_version"), 1);
    EXPECT_TRUE(merge.at("conflicts").as_array().empty());
    const auto* sms = change_at(merge.at("changes").as_array(), "/spec/content/sms/body");
    ASSERT_NE(sms, nullptr) << json::serialize(merge);
    EXPECT_EQ(sms->at("base"), "A");
    EXPECT_EQ(sms->at("source"), "B");
    EXPECT_EQ(sms->at("target"), "A");
    EXPECT_EQ(sms->at("merged"), "B");
    EXPECT_EQ(change_at(merge.at("changes").as_array(), "/spec/content/email/subject"), nullptr)
        << "the prod subject is kept, so it is no change in prod";
    EXPECT_EQ(merge.at("merged").at("spec").at("content").at("email").at("subject"), "Bonjour");

    auto applied = c->post(prod + "imports", R"({"package":"promo","version":2})", prod_editor);
    ASSERT_EQ(applied.status, 201) << applied.body;
    EXPECT_EQ(applied.json().at("items").at(0).at("action"), "merge");
    // Both edits are there, in the draft version: the live version runs on behind the gate.
    json::object draft = draft_of(campaign);
    EXPECT_EQ(draft.at("content").at("email").at("subject"), "Bonjour") << json::serialize(draft);
    EXPECT_EQ(draft.at("content").at("sms").at("body"), "B");
    const json::object live = c->get(prod + "campaigns/" + campaign, admin).json().as_object();
    EXPECT_EQ(live.at("status"), "active");
    EXPECT_EQ(live.at("content").at("sms").at("body"), "A");

    // Both sides now change the subject, differently.
    edit(dev, dev_campaign, "Hi there", "B", editor);
    publish();  // v3
    edit(prod, campaign, "Salut", "B", prod_editor);
    p = plan(R"({"package":"promo","version":3})");
    const json::object& conflict = p.at("items").at(0).as_object();
    EXPECT_EQ(conflict.at("action"), "conflict") << json::serialize(conflict);
    EXPECT_EQ(p.at("blocked"), true);
    ASSERT_EQ(conflict.at("merge").at("conflicts").as_array().size(), 1U);
    const json::object& three = conflict.at("merge").at("conflicts").at(0).as_object();
    EXPECT_EQ(three.at("path"), "/spec/content/email/subject");
    EXPECT_EQ(three.at("base"), "Hello");
    EXPECT_EQ(three.at("source"), "Hi there");
    EXPECT_EQ(three.at("target"), "Salut");
    EXPECT_TRUE(three.at("resolution").is_null());
    auto refused = c->post(prod + "imports", R"({"package":"promo","version":3})", prod_editor);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(refused.json().at("error").at("details").at("conflicts").at(0).at("paths").at(0),
              "/spec/content/email/subject");

    // A resolution for a path that is no conflict is refused and names it.
    auto bad =
        c->post(prod + "imports/plan",
                R"({"package":"promo","version":3,"resolutions":{"campaign/promo":{"/spec/name":"keep_target"}}})",
                prod_editor);
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(bad.json().at("error").at("details").at("field"), "resolutions.campaign/promo./spec/name") << bad.body;

    const std::string keep =
        R"({"package":"promo","version":3,"resolutions":{"campaign/promo":{"/spec/content/email/subject":"keep_target"}}})";
    p = plan(keep);
    EXPECT_EQ(p.at("items").at(0).at("action"), "merge") << json::serialize(p);
    EXPECT_EQ(p.at("items").at(0).at("merge").at("conflicts").at(0).at("resolution"), "keep_target");
    ASSERT_EQ(c->post(prod + "imports", keep, prod_editor).status, 201);
    draft = draft_of(campaign);
    EXPECT_EQ(draft.at("content").at("email").at("subject"), "Salut");
    EXPECT_EQ(draft.at("content").at("sms").at("body"), "B");

    // The other policies keep their meaning: update overwrites the prod edit.
    edit(dev, dev_campaign, "Hi there", "C", editor);
    publish();  // v4
    p = plan(R"({"package":"promo","version":4,"conflict_policy":"update"})");
    EXPECT_EQ(p.at("items").at(0).at("action"), "update") << json::serialize(p);
}

TEST_F(Sync, DriftIsListedAnnouncedOnceAdoptedAndResynced) {
    WebhookReceiver receiver;
    ASSERT_EQ(c->post(t + "webhooks",
                      R"({"url":")" + receiver.url() +
                          R"(","events":["drift.detected"],"secret":"sync-test-secret-0123456789abcdef"})",
                      admin)
                  .status,
              201);
    const std::string campaign = import_v1_live();
    EXPECT_TRUE(c->get(prod + "drift", prod_viewer).json().at("items").as_array().empty());

    edit(prod, campaign, "Bonjour", "A", prod_editor);
    json::value drift = c->get(prod + "drift", prod_viewer).json();
    ASSERT_EQ(drift.at("items").as_array().size(), 1U) << json::serialize(drift);
    const json::object& d = drift.at("items").at(0).as_object();
    EXPECT_EQ(d.at("id"), json::value(campaign));
    EXPECT_EQ(d.at("package"), "promo");
    EXPECT_EQ(d.at("version"), 1);
    ASSERT_EQ(d.at("changes").as_array().size(), 1U) << json::serialize(d);
    EXPECT_EQ(d.at("changes").at(0).at("path"), "/spec/content/email/subject");
    EXPECT_EQ(d.at("changes").at(0).at("imported"), "Hello");
    EXPECT_EQ(d.at("changes").at(0).at("current"), "Bonjour");
    EXPECT_TRUE(d.at("detected_at").is_null());

    // The scheduler announces it once, however many passes see it.
    scheduler_pass();
    scheduler_pass();
    const auto drift_events = [&] {
        std::size_t n = 0;
        for (const auto& r : receiver.received())
            if (r.body.find("\"drift.detected\"") != std::string::npos) ++n;
        return n;
    };
    ASSERT_TRUE(receiver.wait_for([&](const auto&) { return drift_events() >= 1; }, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(drift_events(), 1U);
    EXPECT_FALSE(c->get(prod + "drift", prod_viewer).json().at("items").at(0).at("detected_at").is_null());

    // The re-sync plan brings v1's content back.
    json::object resync = d.at("resync").as_object();
    json::object p = plan(json::serialize(resync));
    EXPECT_EQ(p.at("items").at(0).at("action"), "update") << json::serialize(p);

    // A viewer cannot adopt; the importer can; then it is no longer reported.
    const std::string adopt = prod + "drift/campaign/" + campaign + "/adopt";
    EXPECT_EQ(c->post(adopt, "{}", prod_viewer).status, 403);
    auto adopted = c->post(adopt, "{}", prod_editor);
    ASSERT_EQ(adopted.status, 200) << adopted.body;
    EXPECT_EQ(adopted.json().at("adopted").at("by"), "pat");
    EXPECT_TRUE(c->get(prod + "drift", prod_viewer).json().at("items").as_array().empty());
    EXPECT_EQ(c->post(adopt, "{}", prod_editor).status, 404);
    scheduler_pass();

    // A further edit is drift again, announced again.
    edit(prod, campaign, "Bonsoir", "A", prod_editor);
    ASSERT_EQ(c->get(prod + "drift", prod_viewer).json().at("items").as_array().size(), 1U);
    scheduler_pass();
    ASSERT_TRUE(receiver.wait_for([&](const auto&) { return drift_events() >= 2; }, std::chrono::seconds(10)));

    // Applying the re-sync ends it.
    ASSERT_EQ(c->post(prod + "imports", json::serialize(resync), prod_editor).status, 201);
    EXPECT_TRUE(c->get(prod + "drift", prod_viewer).json().at("items").as_array().empty());
    EXPECT_EQ(draft_of(campaign).at("content").at("email").at("subject"), "Hello");

    // Another tenant's sandbox and object are not found.
    const TenantFixture other = make_tenant(*c, server->operator_token(), "other", {"prod"});
    EXPECT_EQ(c->get(prod + "drift", other.admin_token).status, 404);
    EXPECT_EQ(c->post(adopt, "{}", other.admin_token).status, 404);
}

TEST_F(Sync, AnAutoSubscriptionAppliesNewVersionsWaitsOnConflictsAndFreezesAndCanBePaused) {
    const std::string campaign = import_v1_live();
    auto created = c->post(prod + "subscriptions", R"({"package":"promo","mode":"auto"})", prod_editor);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string sub = str(created.json().at("id"));
    EXPECT_EQ(created.json().at("last_version"), 1);
    EXPECT_EQ(created.json().at("conflict_policy"), "merge");
    EXPECT_EQ(c->post(prod + "subscriptions", R"({"package":"promo"})", prod_editor).status, 409);
    EXPECT_EQ(c->post(prod + "subscriptions", R"({"package":"nope"})", prod_editor).status, 404);
    EXPECT_EQ(c->post(prod + "subscriptions", R"({"package":"promo","mode":"sometimes"})", prod_editor).status, 422);
    EXPECT_EQ(c->post(prod + "subscriptions", R"({"package":"promo"})", prod_viewer).status, 403);

    // v2, no conflict: applied by the scheduler, as the draft version behind prod's gate.
    edit(dev, dev_campaign, "Hello", "B", editor);
    publish();
    scheduler_pass();
    json::object s = c->get(t + "subscriptions/" + sub, prod_viewer).json().as_object();
    EXPECT_EQ(s.at("last_version"), 2);
    json::object promotion = c->get(t + "promotions/" + str(s.at("promotion")), admin).json().as_object();
    EXPECT_EQ(promotion.at("status"), "applied") << json::serialize(promotion);
    EXPECT_EQ(promotion.at("subscription"), json::value(sub));
    EXPECT_EQ(draft_of(campaign).at("content").at("sms").at("body"), "B");
    scheduler_pass();  // nothing new: no second promotion
    EXPECT_EQ(c->get(t + "subscriptions/" + sub, admin).json().at("promotion"), s.at("promotion"));

    // v3 conflicts with a prod edit: it waits, naming the path.
    edit(prod, campaign, "Salut", "B", prod_editor);
    edit(dev, dev_campaign, "Hi there", "B", editor);
    publish();
    scheduler_pass();
    s = c->get(t + "subscriptions/" + sub, admin).json().as_object();
    EXPECT_EQ(s.at("last_version"), 3);
    promotion = c->get(t + "promotions/" + str(s.at("promotion")), admin).json().as_object();
    EXPECT_EQ(promotion.at("status"), "waiting") << json::serialize(promotion);
    EXPECT_EQ(promotion.at("waiting").at("reason"), "conflicts");
    EXPECT_EQ(promotion.at("waiting").at("objects").at(0).at("conflicts").at(0).at("path"),
              "/spec/content/email/subject");
    // A person decides it with a resolution.
    auto retried =
        c->post(t + "promotions/" + str(promotion.at("id")) + "/retry",
                R"({"resolutions":{"campaign/promo":{"/spec/content/email/subject":"take_source"}}})", prod_editor);
    ASSERT_EQ(retried.status, 200) << retried.body;
    EXPECT_EQ(retried.json().at("status"), "applied") << retried.body;
    EXPECT_EQ(draft_of(campaign).at("content").at("email").at("subject"), "Hi there");

    // v4 during a freeze window: it waits for the window's end.
    ASSERT_EQ(
        c->post(prod + "freeze-windows",
                R"({"kind":"once","start":"2026-11-23T08:00:00Z","end":"2026-11-23T12:00:00Z","reason":"launch"})",
                admin)
            .status,
        201);
    edit(dev, dev_campaign, "Hi there", "D", editor);
    publish();
    scheduler_pass();
    s = c->get(t + "subscriptions/" + sub, admin).json().as_object();
    promotion = c->get(t + "promotions/" + str(s.at("promotion")), admin).json().as_object();
    EXPECT_EQ(promotion.at("version"), 4);
    EXPECT_EQ(promotion.at("status"), "waiting");
    EXPECT_EQ(promotion.at("waiting").at("reason"), "frozen");

    // Paused, it records nothing; resumed, it catches up to the newest version, superseding v4's.
    ASSERT_EQ(c->post(t + "subscriptions/" + sub + "/pause", "{}", prod_editor).status, 200);
    edit(dev, dev_campaign, "Hi there", "E", editor);
    publish();  // v5
    scheduler_pass();
    EXPECT_EQ(c->get(t + "subscriptions/" + sub, admin).json().at("last_version"), 4);
    ASSERT_EQ(c->post(t + "subscriptions/" + sub + "/resume", "{}", prod_editor).status, 200);
    ASSERT_EQ(c->post("/v1/operator/clock", R"({"advance_seconds":14400})", server->operator_token()).status, 200);
    s = c->get(t + "subscriptions/" + sub, admin).json().as_object();
    EXPECT_EQ(s.at("last_version"), 5);
    EXPECT_EQ(c->get(t + "promotions/" + str(promotion.at("id")), admin).json().at("status"), "cancelled");
    EXPECT_EQ(c->get(t + "promotions/" + str(s.at("promotion")), admin).json().at("status"), "applied");
    EXPECT_EQ(draft_of(campaign).at("content").at("sms").at("body"), "E");

    // Listed for those who see prod; deleted by an importer; audited.
    EXPECT_EQ(c->get(t + "subscriptions?sandbox=prod", prod_viewer).json().at("items").as_array().size(), 1U);
    EXPECT_EQ(c->get(t + "subscriptions", editor).json().at("items").as_array().size(), 0U);
    EXPECT_EQ(c->del(t + "subscriptions/" + sub, prod_viewer).status, 403);
    EXPECT_EQ(c->del(t + "subscriptions/" + sub, prod_editor).status, 204);
    EXPECT_EQ(c->get(t + "subscriptions/" + sub, admin).status, 404);
}

TEST_F(Sync, AManualSubscriptionPlansAndWaitsForAPerson) {
    const std::string campaign = import_v1_live();
    ASSERT_EQ(c->post(prod + "subscriptions", R"({"package":"promo","mode":"manual"})", prod_editor).status, 201);
    edit(dev, dev_campaign, "Hello", "B", editor);
    publish();
    scheduler_pass();
    const json::value list = c->get(t + "promotions?package=promo", admin).json();
    ASSERT_EQ(list.at("items").as_array().size(), 1U);
    const json::object& p = list.at("items").at(0).as_object();
    EXPECT_EQ(p.at("status"), "waiting");
    EXPECT_EQ(p.at("waiting").at("reason"), "manual");
    EXPECT_EQ(p.at("plan").at("counts").at("update"), 1);
    EXPECT_EQ(c->get(prod + "campaigns/" + campaign + "/draft", admin).status, 404) << "nothing applied yet";
    auto applied = c->post(t + "promotions/" + str(p.at("id")) + "/retry", "{}", prod_editor);
    EXPECT_EQ(applied.json().at("status"), "applied") << applied.body;
    EXPECT_EQ(draft_of(campaign).at("content").at("sms").at("body"), "B");
}

TEST(SyncOnTwoNodes, ASubscriptionAppliesANewVersionOnce) {
    if (!postgres_backend()) GTEST_SKIP() << "several nodes share a PostgreSQL database only";
    namespace fs = std::filesystem;
    auto db = std::make_shared<TestDatabase>();
    std::string templ = (fs::temp_directory_path() / "ferry-sync-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    const fs::path root = templ;
    fs::create_directories(root / "remote");
    const std::string operator_secret = "fry_op_sync_two_nodes_0123456789abcdef012";
    std::vector<std::unique_ptr<FerrydProcess>> nodes;
    for (int i = 0; i < 2; ++i)
        nodes.push_back(std::make_unique<FerrydProcess>(
            FerrydOptions{{"--git-remote", (root / "remote").string(), "--keys-dir", (root / "keys").string(),
                           "--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"},
                          {{"FERRY_OPERATOR_TOKEN", operator_secret}}},
            db));
    HttpClient a(nodes[0]->base_url());
    const TenantFixture acme = make_tenant(a, operator_secret, "acme", {"dev", "prod"});
    const std::string editor = acme.token_of.at("editor");
    const std::string campaign = str(
        a.post(
             dev + "campaigns",
             R"({"key":"ping","name":"Ping","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"hi"}}})",
             editor)
            .json()
            .at("id"));
    ASSERT_EQ(
        a.post(t + "packages",
               R"({"name":"promo","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + campaign + R"("}]})",
               editor)
            .status,
        201);
    ASSERT_EQ(a.post(prod + "subscriptions", R"({"package":"promo"})", acme.admin_token).status, 201);
    ASSERT_EQ(a.post(t + "packages/promo/versions", "{}", editor).status, 201);

    // Both nodes run a scheduler pass at once.
    std::vector<std::thread> passes;
    for (auto& node : nodes)
        passes.emplace_back([&node, &operator_secret] {
            HttpClient c(node->base_url());
            c.post("/v1/operator/clock", R"({"advance_seconds":1})", operator_secret);
        });
    for (auto& th : passes) th.join();

    HttpClient b(nodes[1]->base_url());
    EXPECT_EQ(b.get(t + "promotions?package=promo", acme.admin_token).json().at("items").as_array().size(), 1U);
    EXPECT_EQ(b.get(prod + "imports", acme.admin_token).json().at("items").as_array().size(), 1U);
    EXPECT_EQ(b.get(prod + "campaigns", acme.admin_token).json().at("items").as_array().size(), 1U);
    nodes.clear();
    fs::remove_all(root);
}
