// In-app message priority (issue 26; the seed page on drafts of active campaigns, « Priorité aux
// messages in-app »): the level is content (reviewed, packaged), the exact order is not (it
// applies at once, draft version or not). Through a real ferryd, on SQLite or PostgreSQL.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace ferry::test;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

class InAppPriority : public ::testing::Test {
protected:
    void TearDown() override {
        if (::testing::Test::HasFailure()) std::fprintf(stderr, "%s", server->log().c_str());
    }
    void SetUp() override {
        server = std::make_unique<FerrydProcess>();
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        globex = make_tenant(*c, server->operator_token(), "globex", {"gx-dev"}, "gx-");
        editor = acme.token_of.at("editor");
        admin = acme.admin_token;
    }

    static std::string path(const std::string& sandbox, const std::string& rest = "") {
        return "/v1/tenants/acme/sandboxes/" + sandbox + "/" + rest;
    }

    // An API-triggered in-app campaign (no audience needed to go live); `priority` "" sends none.
    std::string in_app(const std::string& name, const std::string& priority = "", const std::string& sandbox = "dev",
                       const std::string& tags = "[]") {
        const std::string p = priority.empty() ? "" : R"(,"priority":")" + priority + "\"";
        auto res = c->post(path(sandbox, "campaigns"),
                           R"({"name":")" + name + R"(","type":"api_triggered","tags":)" + tags +
                               R"(,"channels":["in_app"],"content":{"in_app":{"body":"Hello")" + p + "}}}",
                           admin);
        if (res.status != 201) throw std::runtime_error("create: " + res.body);
        return str(res.json().at("id"));
    }

    std::string live_in_app(const std::string& name, const std::string& priority = "",
                            const std::string& sandbox = "dev") {
        const std::string id = in_app(name, priority, sandbox);
        act(id, "activate", sandbox);
        return id;
    }

    HttpResponse act(const std::string& id, const std::string& action, const std::string& sandbox = "dev") {
        auto res = c->post(path(sandbox, "campaigns/" + id + "/actions/" + action), "{}", admin);
        if (res.status != 200) throw std::runtime_error(action + ": " + res.body);
        return res;
    }

    HttpResponse order(const std::string& sandbox = "dev", const std::string& token = "") {
        return c->get(path(sandbox, "in-app-priority"), token.empty() ? editor : token);
    }

    // The ids in the order they win (read by the editor in dev, by the admin elsewhere).
    std::vector<std::string> ids(const std::string& sandbox = "dev") {
        auto res = order(sandbox, sandbox == "dev" ? editor : admin);
        EXPECT_EQ(res.status, 200) << res.body;
        std::vector<std::string> out;
        const json::value body = res.json();
        for (const auto& item : body.at("items").as_array()) out.push_back(str(item.at("id")));
        return out;
    }

    std::string etag(const std::string& sandbox = "dev") { return order(sandbox).header("etag"); }

    HttpResponse set(const std::vector<std::string>& order_ids, const std::string& if_match,
                     const std::string& token = "", const std::string& sandbox = "dev") {
        json::array list;
        for (const auto& id : order_ids) list.emplace_back(id);
        const std::string body = json::serialize(json::object{{"campaigns", std::move(list)}});
        std::vector<std::string> headers;
        if (!if_match.empty()) headers.push_back("If-Match: " + if_match);
        return c->request("PUT", path(sandbox, "in-app-priority"), token.empty() ? editor : token, &body, headers);
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    TenantFixture globex;
    std::string editor;
    std::string admin;
};

}  // namespace

// Level first (high, medium, low), then the exact rank; live in-app campaigns only; a campaign
// going live enters at the end of its level, one leaving live drops out, and a new live version
// with another level moves it to the end of that level.
TEST_F(InAppPriority, LevelsThenExactRankWithNewcomersAtTheEndOfTheirLevel) {
    EXPECT_TRUE(ids().empty());
    const std::string a = live_in_app("A");  // medium by default
    const std::string b = live_in_app("B", "high");
    const std::string low = live_in_app("C", "low");
    const std::string d = live_in_app("D", "medium");
    in_app("Draft only", "high");  // not live: not in the order
    auto email = c->post(
        path("dev", "campaigns"),
        R"({"name":"Mail","type":"api_triggered","channels":["email"],"content":{"email":{"subject":"S","body":"B"}}})",
        admin);
    act(str(email.json().at("id")), "activate");  // live, but no in-app channel

    auto res = order();
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_FALSE(res.header("etag").empty());
    const auto body = res.json();
    EXPECT_EQ(body.at("sandbox"), "dev");
    const auto& items = body.at("items").as_array();
    ASSERT_EQ(items.size(), 4U);
    EXPECT_EQ(str(items[0].at("id")), b);
    EXPECT_EQ(items[0].at("level"), "high");
    EXPECT_EQ(items[0].at("rank"), 1);
    EXPECT_EQ(str(items[1].at("id")), a);
    EXPECT_EQ(items[1].at("level"), "medium");
    EXPECT_EQ(items[1].at("name"), "A");
    EXPECT_EQ(items[1].at("status"), "active");
    EXPECT_EQ(items[1].at("has_draft_version"), false);
    EXPECT_TRUE(items[1].at("draft_level").is_null());
    EXPECT_EQ(str(items[2].at("id")), d);
    EXPECT_EQ(str(items[3].at("id")), low);
    EXPECT_EQ(items[3].at("level"), "low");
    EXPECT_EQ(items[3].at("rank"), 4);
    // The campaign's content shows the level as sent; medium, the default, is no priority at all.
    EXPECT_FALSE(c->get(path("dev", "campaigns/" + d), editor)
                     .json()
                     .at("content")
                     .at("in_app")
                     .as_object()
                     .contains("priority"));
    EXPECT_EQ(c->get(path("dev", "campaigns/" + b), editor).json().at("content").at("in_app").at("priority"), "high");

    // The exact order within a level.
    auto put = set({b, d, a, low}, etag());
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.header("etag"), etag());
    EXPECT_EQ(ids(), (std::vector<std::string>{b, d, a, low}));

    // A newcomer enters at the end of its level; pausing keeps a campaign in place.
    const std::string g = live_in_app("G");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, d, a, g, low}));
    act(a, "pause");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, d, a, g, low}));
    // Leaving live drops it; coming back (unarchived: paused) puts it at the end of its level.
    act(d, "stop");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, a, g, low}));
    act(a, "archive");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, g, low}));
    act(a, "unarchive");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, g, a, low}));
    // A new live version at another level: the end of that level.
    const std::string higher =
        R"({"name":"C","channels":["in_app"],"content":{"in_app":{"body":"Hi","priority":"high"}}})";
    auto draft = c->request("PUT", path("dev", "campaigns/" + low + "/draft"), admin, &higher);
    ASSERT_EQ(draft.status, 200) << draft.body;
    act(low, "activate-draft");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, low, g, a}));
    // Losing the in-app channel with a new live version leaves the order.
    const std::string sms_only = R"({"name":"G","channels":["sms"],"content":{"sms":{"body":"Hi"}}})";
    auto sms = c->request("PUT", path("dev", "campaigns/" + g + "/draft"), admin, &sms_only);
    ASSERT_EQ(sms.status, 200) << sms.body;
    act(g, "activate-draft");
    EXPECT_EQ(ids(), (std::vector<std::string>{b, low, a}));

    // Setting it is audited, with the order before and after.
    const auto audit = c->get("/v1/tenants/acme/audit?limit=500", admin).json();
    int records = 0;
    for (const auto& r : audit.at("items").as_array()) {
        if (r.at("action") != "in_app_priority.set") continue;
        ++records;
        EXPECT_EQ(r.at("target"), "dev/in-app-priority");
        EXPECT_EQ(r.at("actor"), json::value(acme.user_of.at("editor")));
        EXPECT_EQ(r.at("details").at("from"),
                  json::parse(R"([")" + b + R"(",")" + a + R"(",")" + d + R"(",")" + low + R"("])"));
        EXPECT_EQ(r.at("details").at("to"),
                  json::parse(R"([")" + b + R"(",")" + d + R"(",")" + a + R"(",")" + low + R"("])"));
    }
    EXPECT_EQ(records, 1);
}

// What a set request must hold: every campaign of the order exactly once, levels in sequence.
// Anything else is refused with a JSON error naming the position, and changes nothing.
TEST_F(InAppPriority, BadRequestsAreRefusedAndChangeNothing) {
    const std::string a = live_in_app("A");
    const std::string b = live_in_app("B");
    const std::string high = live_in_app("H", "high");
    const std::string draft = in_app("Draft");
    const std::string before = etag();
    const auto expect_refused = [&](const HttpResponse& res, long status, const std::string& code,
                                    const std::string& field) {
        EXPECT_EQ(res.status, status) << res.body;
        EXPECT_EQ(res.error_code(), code) << res.body;
        if (!field.empty()) {
            EXPECT_EQ(res.json().at("error").at("details").at("field"), json::value(field)) << res.body;
        }
    };

    expect_refused(set({high, a}, before), 422, "invalid_field", "campaigns");  // b left out
    EXPECT_EQ(set({high, a}, before).json().at("error").at("details").at("missing"), json::parse("[\"" + b + "\"]"));
    const auto crossing = set({a, high, b}, before);  // high after medium
    expect_refused(crossing, 422, "invalid_field", "campaigns[1]");
    EXPECT_EQ(crossing.json().at("error").at("details").at("level"), "high");
    expect_refused(set({high, a, b, a}, before), 422, "invalid_field", "campaigns[3]");      // twice
    expect_refused(set({high, a, b, draft}, before), 422, "invalid_field", "campaigns[3]");  // not live
    expect_refused(set({high, "cmp_nope", a, b}, before), 404, "not_found", "campaigns[1]");
    std::string raw = R"({"campaigns":"all"})";
    expect_refused(c->request("PUT", path("dev", "in-app-priority"), editor, &raw, {"If-Match: " + before}), 422,
                   "invalid_field", "campaigns");
    raw = R"({"campaigns":[1]})";
    expect_refused(c->request("PUT", path("dev", "in-app-priority"), editor, &raw, {"If-Match: " + before}), 422,
                   "invalid_field", "campaigns[0]");
    raw = R"({"campaigns":[],"order":[]})";
    expect_refused(c->request("PUT", path("dev", "in-app-priority"), editor, &raw, {"If-Match: " + before}), 422,
                   "unknown_field", "order");
    raw = "[";
    expect_refused(c->request("PUT", path("dev", "in-app-priority"), editor, &raw, {"If-Match: " + before}), 400,
                   "malformed_json", "");
    expect_refused(set({high, b, a}, ""), 428, "precondition_required", "");

    EXPECT_EQ(etag(), before);
    EXPECT_EQ(ids(), (std::vector<std::string>{high, a, b}));
    // If-Match: * sets whatever the order is now.
    EXPECT_EQ(set({high, b, a}, "*").status, 200);
    EXPECT_EQ(ids(), (std::vector<std::string>{high, b, a}));
}

// The seed: "La priorité des messages in-app sera mise à jour immédiatement (avant que l'ébauche
// ne soit lancée)". The exact order applies at once to live campaigns with a draft version in
// review, and leaves the draft version, the campaign and the review as they were; the level a draft
// version changes waits for its approval like the rest of its content.
TEST_F(InAppPriority, SettingTheOrderWithADraftVersionInReviewLeavesTheDraftAndItsReviewUntouched) {
    const std::string gated = in_app("Gated", "", "dev", R"(["gated"])");
    act(gated, "activate");
    const std::string other = live_in_app("Other");
    auto policy = c->post("/v1/tenants/acme/approval-policies", R"({"name":"gated","scope":"campaign",
        "conditions":{"all":[{"field":"tag","op":"equals","value":"gated"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                          admin);
    ASSERT_EQ(policy.status, 201) << policy.body;
    const std::string spec =
        R"({"name":"Gated","channels":["in_app"],"content":{"in_app":{"body":"New text","priority":"high"}}})";
    ASSERT_EQ(c->request("PUT", path("dev", "campaigns/" + gated + "/draft"), editor, &spec).status, 200);
    ASSERT_EQ(c->post(path("dev", "campaigns/" + gated + "/actions/submit-draft"), "{}", editor).status, 200);
    std::string review;
    const json::value reviews = c->get("/v1/tenants/acme/reviews", admin).json();
    for (const auto& r : reviews.at("items").as_array())
        if (r.at("subject").at("campaign") == json::value(gated)) review = str(r.at("id"));
    ASSERT_FALSE(review.empty());
    const auto review_before = c->get("/v1/tenants/acme/reviews/" + review, admin).json();
    const auto campaign_before = c->get(path("dev", "campaigns/" + gated), editor);

    // The draft version's level waits for its review: the live one (medium) decides.
    auto now = order().json().at("items").as_array();
    ASSERT_EQ(now.size(), 2U);
    EXPECT_EQ(str(now[0].at("id")), gated);
    EXPECT_EQ(now[0].at("level"), "medium");
    EXPECT_EQ(now[0].at("has_draft_version"), true);
    EXPECT_EQ(now[0].at("draft_level"), "high");

    auto put = set({other, gated}, etag());
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(ids(), (std::vector<std::string>{other, gated}));

    const auto campaign_after = c->get(path("dev", "campaigns/" + gated), editor);
    EXPECT_EQ(campaign_after.header("etag"), campaign_before.header("etag"));
    EXPECT_EQ(campaign_after.json().at("draft_version"), campaign_before.json().at("draft_version"));
    EXPECT_EQ(campaign_after.json().at("live_version"), campaign_before.json().at("live_version"));
    const auto review_after = c->get("/v1/tenants/acme/reviews/" + review, admin).json();
    EXPECT_EQ(review_after.at("id"), json::value(review));
    EXPECT_EQ(review_after.at("state"), "pending");
    EXPECT_EQ(review_after.at("digest"), review_before.at("digest"));
    EXPECT_EQ(review_after.at("state"), review_before.at("state"));

    // Approved, the draft version goes live with its level: the end of the high level, first here.
    auto approved = c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", acme.token_of.at("reviewer"));
    ASSERT_EQ(approved.status, 200) << approved.body;
    now = order().json().at("items").as_array();
    EXPECT_EQ(str(now[0].at("id")), gated);
    EXPECT_EQ(now[0].at("level"), "high");
    EXPECT_EQ(now[0].at("has_draft_version"), false);
}

// The level is content: it travels in a package and lands in the target sandbox with the
// campaign, which takes it into the target's order once live there. The exact order does not
// travel.
TEST_F(InAppPriority, TheLevelTravelsThroughAPackageIntoAnotherSandbox) {
    const std::string low = live_in_app("Low banner", "low");
    const std::string high = live_in_app("High banner", "high");
    auto pkg = c->post("/v1/tenants/acme/packages",
                       R"({"name":"banners","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + low +
                           R"("},{"kind":"campaign","id":")" + high + "\"}]}",
                       editor);
    ASSERT_EQ(pkg.status, 201) << pkg.body;
    auto version = c->post("/v1/tenants/acme/packages/banners/versions", "{}", editor);
    ASSERT_EQ(version.status, 201) << version.body;
    const auto exported = c->get("/v1/tenants/acme/packages/banners/versions/1/export", editor);
    ASSERT_EQ(exported.status, 200) << exported.body;
    // The campaign's file in the version holds the level (campaign files are named by key).
    const auto files = exported.json().at("files").as_object();
    ASSERT_TRUE(files.contains("campaigns/low-banner.json")) << exported.body;
    EXPECT_NE(str(files.at("campaigns/low-banner.json")).find(R"("priority": "low")"), std::string::npos);

    auto applied = c->post(path("prod", "imports"), R"({"package":"banners","version":1})", admin);
    ASSERT_EQ(applied.status, 201) << applied.body;
    std::map<std::string, std::string> prod_ids;
    const auto list = c->get(path("prod", "campaigns?channel=in_app"), admin).json();
    for (const auto& item : list.at("items").as_array()) {
        prod_ids[str(item.at("name"))] = str(item.at("id"));
        EXPECT_EQ(item.at("status"), "draft");
    }
    ASSERT_EQ(prod_ids.size(), 2U);
    EXPECT_EQ(c->get(path("prod", "campaigns/" + prod_ids["Low banner"]), admin)
                  .json()
                  .at("content")
                  .at("in_app")
                  .at("priority"),
              "low");
    EXPECT_TRUE(ids("prod").empty());  // drafts there: not live yet
    act(prod_ids["Low banner"], "activate", "prod");
    act(prod_ids["High banner"], "activate", "prod");
    const auto prod = order("prod", admin).json().at("items").as_array();
    ASSERT_EQ(prod.size(), 2U);
    EXPECT_EQ(prod[0].at("id"), json::value(prod_ids["High banner"]));
    EXPECT_EQ(prod[0].at("level"), "high");
    EXPECT_EQ(prod[1].at("id"), json::value(prod_ids["Low banner"]));
    EXPECT_EQ(prod[1].at("level"), "low");

    // Re-importing the same content is identical (the level included): nothing to update.
    auto plan = c->post(path("prod", "imports/plan"), R"({"package":"banners","version":1})", admin);
    ASSERT_EQ(plan.status, 200) << plan.body;
    const json::value planned = plan.json();
    for (const auto& item : planned.at("items").as_array()) EXPECT_EQ(item.at("action"), "skip") << plan.body;
}

// The order is versioned by its ETag: a stale If-Match is 412 (with the current tag), and the
// order is unchanged. Any change of the order (a campaign entering it) makes the tag stale.
TEST_F(InAppPriority, AStaleIfMatchIs412) {
    const std::string a = live_in_app("A");
    const std::string b = live_in_app("B");
    const std::string read = etag();
    const std::string newcomer = live_in_app("Newcomer");
    const std::string current = etag();
    EXPECT_NE(read, current);
    auto stale = set({b, a, newcomer}, read);
    EXPECT_EQ(stale.status, 412) << stale.body;
    EXPECT_EQ(stale.error_code(), "precondition_failed");
    EXPECT_EQ(stale.json().at("error").at("details").at("etag"), json::value(current));
    EXPECT_EQ(ids(), (std::vector<std::string>{a, b, newcomer}));
    EXPECT_EQ(set({b, a, newcomer}, current).status, 200);
    EXPECT_EQ(ids(), (std::vector<std::string>{b, a, newcomer}));
}

// The order never names another sandbox's or tenant's campaigns: their ids are 404 in a set
// request, whoever asks; another tenant's order is 404; a viewer reads it but cannot set it.
TEST_F(InAppPriority, IsolationAndPermissions) {
    const std::string a = live_in_app("A");
    const std::string in_prod = live_in_app("Prod banner", "", "prod");
    auto theirs =
        c->post("/v1/tenants/globex/sandboxes/gx-dev/campaigns",
                R"({"name":"Theirs","type":"api_triggered","channels":["in_app"],"content":{"in_app":{"body":"x"}}})",
                globex.admin_token);
    ASSERT_EQ(theirs.status, 201) << theirs.body;
    const std::string globex_id = str(theirs.json().at("id"));
    ASSERT_EQ(c->post("/v1/tenants/globex/sandboxes/gx-dev/campaigns/" + globex_id + "/actions/activate", "{}",
                      globex.admin_token)
                  .status,
              200);

    EXPECT_EQ(ids(), (std::vector<std::string>{a}));
    EXPECT_EQ(ids("prod"), (std::vector<std::string>{in_prod}));
    auto other_tenant = set({a, globex_id}, "*");
    EXPECT_EQ(other_tenant.status, 404) << other_tenant.body;
    EXPECT_EQ(other_tenant.body.find("Theirs"), std::string::npos);
    auto other_sandbox = set({a, in_prod}, "*");
    EXPECT_EQ(other_sandbox.status, 404) << other_sandbox.body;
    EXPECT_EQ(ids(), (std::vector<std::string>{a}));

    // Another tenant's caller: 404, for reading and setting.
    const std::string gx = globex.admin_token;
    EXPECT_EQ(order("dev", gx).status, 404);
    EXPECT_EQ(set({a}, "*", gx).status, 404);
    // A viewer reads the order and may not set it.
    const std::string viewer = acme.token_of.at("viewer");
    EXPECT_EQ(order("dev", viewer).status, 200);
    auto refused = set({a}, etag(), viewer);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(refused.error_code(), "forbidden");
    // The editor, who holds no role on prod, does not see prod's order at all.
    EXPECT_EQ(order("prod", editor).status, 404);
}
