// Campaigns through the real ferryd: every row of the lifecycle table, invalid transitions,
// draft versions, time-driven transitions under --test-clock, archiving cascades, bulk actions,
// lists, the calendar and concurrency control.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;

namespace {

constexpr long day = 24 * 3600;
// Monday of ISO week 2026-W48, 09:00 UTC: the test clock starts here.
const std::string t0 = "2026-11-23T09:00:00Z";

class Campaigns : public ::testing::Test {
protected:
    void SetUp() override {
        // The scheduler runs only when the test moves the clock, so every status can be observed.
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", t0, "--scheduler-interval", "3600"}, {}});
        client = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*client, server->operator_token(), "acme", {"dev", "prod"});
        const std::string etag = client->get("/v1/tenants/acme/sandboxes/prod", acme.admin_token).header("etag");
        ASSERT_EQ(
            client->patch("/v1/tenants/acme/sandboxes/prod", R"({"require_approval":"always"})", acme.admin_token, etag)
                .status,
            200);
        segment = create("segments", R"({"name":"VIP","rule":{"tier":"gold"}})");
        prod_segment = create("segments", R"({"name":"VIP","rule":{"tier":"gold"}})", "prod");
        editor = acme.token_of.at("editor");
    }

    std::string path(const std::string& rest, const std::string& sandbox = "dev") const {
        return "/v1/tenants/acme/sandboxes/" + sandbox + "/" + rest;
    }

    std::string create(const std::string& kind, const std::string& body, const std::string& sandbox = "dev") {
        auto res = client->post(path(kind, sandbox), body, acme.admin_token);
        if (res.status != 201) throw std::runtime_error("create " + kind + ": " + res.body);
        return std::string(res.json().at("id").as_string());
    }

    // A valid campaign body; `extra` is spliced in as additional top-level fields.
    std::string body(const std::string& name, const std::string& type = "action", const std::string& extra = "",
                     const std::string& sandbox = "dev") const {
        std::string b =
            R"({"name":")" + name + R"(","type":")" + type + R"(","channels":["email"],"audience":{"segment":")" +
            (sandbox == "prod" ? prod_segment : segment) + R"("},"content":{"email":{"subject":"Hi","body":"Hello"}})";
        if (!extra.empty()) b += "," + extra;
        return b + "}";
    }

    std::string campaign(const std::string& name, const std::string& type = "action", const std::string& extra = "") {
        return create("campaigns", body(name, type, extra));
    }

    HttpResponse act(const std::string& id, const std::string& action, const std::string& sandbox = "dev") {
        return client->post(path("campaigns/" + id + "/actions/" + action, sandbox), "{}", editor);
    }

    std::string status(const std::string& id, const std::string& sandbox = "dev") {
        auto res = client->get(path("campaigns/" + id, sandbox), acme.admin_token);
        if (res.status == 404) return "gone";
        return std::string(res.json().at("status").as_string());
    }

    json::value get(const std::string& id) { return client->get(path("campaigns/" + id), editor).json(); }

    void advance(long seconds) {
        auto res = client->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}",
                                server->operator_token());
        ASSERT_EQ(res.status, 200) << res.body;
    }

    // Brings a fresh campaign to the given status through the API.
    std::string in_status(const std::string& target) {
        const std::string n = std::to_string(++counter);
        if (target == "draft") return campaign("C" + n);
        if (target == "in_review") {
            const std::string id = create("campaigns", body("C" + n, "action", "", "prod"), "prod");
            EXPECT_EQ(client->post(path("campaigns/" + id + "/actions/submit", "prod"), "{}", acme.admin_token).status,
                      200);
            return id;
        }
        if (target == "scheduled") {
            const std::string id = campaign("C" + n, "action", R"("schedule":{"start":"2027-06-01T00:00:00Z"})");
            EXPECT_EQ(act(id, "activate").status, 200);
            return id;
        }
        if (target == "publishing" || target == "closed") {
            const std::string id =
                campaign("C" + n, "orchestrated",
                         R"("schedule":{"recurrence":{"frequency":"weekly"},"end":"2027-12-31T00:00:00Z"})");
            EXPECT_EQ(act(id, "activate").status, 200);
            if (target == "closed") {
                advance(1);
                EXPECT_EQ(act(id, "close").status, 200);
            }
            return id;
        }
        const std::string id = campaign("C" + n);
        EXPECT_EQ(act(id, "activate").status, 200);
        std::string step;
        if (target == "paused") step = "pause";
        if (target == "stopped") step = "stop";
        if (target == "archived") step = "archive";
        if (!step.empty()) {
            EXPECT_EQ(act(id, step).status, 200);
        }
        if (target == "failed") {
            EXPECT_EQ(client
                          ->post(path("campaigns/" + id + "/execution-events"),
                                 R"({"type":"failed","reason":"SMTP down"})", editor)
                          .status,
                      200);
        }
        if (target == "completed") advance(3 * day + 1);
        return id;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> client;
    TenantFixture acme;
    std::string segment;
    std::string prod_segment;
    std::string editor;
    int counter = 0;
};

std::set<std::string> strings(const json::value& array) {
    std::set<std::string> out;
    for (const auto& v : array.as_array()) out.emplace(v.as_string());
    return out;
}

const std::vector<std::string> url_actions{"submit",    "withdraw",  "activate",       "pause",
                                           "resume",    "stop",      "close",          "archive",
                                           "unarchive", "duplicate", "activate-draft", "discard-draft"};

}  // namespace

TEST_F(Campaigns, CreateValidatesAndDefaults) {
    auto res = client->post(path("campaigns"), body("Été promo 2026"), editor);
    ASSERT_EQ(res.status, 201) << res.body;
    const auto c = res.json();
    EXPECT_EQ(c.at("status").as_string(), "draft");
    EXPECT_EQ(c.at("key").as_string(), "ete-promo-2026");
    EXPECT_EQ(std::string(c.at("id").as_string()).rfind("cmp_", 0), 0U);
    EXPECT_FALSE(res.header("etag").empty());
    // The same name again gets a distinct key; an explicit key that is taken is a conflict.
    EXPECT_EQ(client->post(path("campaigns"), body("Été promo 2026"), editor).json().at("key").as_string(),
              "ete-promo-2026-2");
    EXPECT_EQ(client->post(path("campaigns"), body("X", "action", R"("key":"ete-promo-2026")"), editor).status, 409);

    struct Bad {
        std::string body;
        std::string field;
    };
    const std::string other_sandbox_segment = create("segments", R"({"name":"Prod VIP","rule":{}})", "prod");
    const std::string archived_template =
        create("templates", R"({"name":"Old","channel":"email","subject":"s","body":"b"})");
    client->post(path("templates/" + archived_template + "/actions/archive"), "{}", editor);
    const std::string sms_template = create("templates", R"({"name":"SMS","channel":"sms","body":"b"})");
    for (
        const Bad& bad : std::vector<Bad>{
            {R"({"type":"action","channels":["email"],"content":{"email":{"subject":"s","body":"b"}}})", "name"},
            {body(std::string(201, 'n')), "name"},
            {R"({"name":"x","type":"weekly","channels":["email"],"content":{"email":{"subject":"s","body":"b"}}})",
             "type"},
            {R"({"name":"x","type":"action","channels":["fax"],"content":{}})", "channels[0]"},
            {R"({"name":"x","type":"action","channels":["email","sms"],"content":{"email":{"subject":"s","body":"b"}}})",
             "content.sms"},
            {R"({"name":"x","type":"action","channels":["email"],"content":{"email":{"body":"b"}}})",
             "content.email.subject"},
            {R"({"name":"x","type":"action","channels":["email"],"content":{"email":{"subject":"s","body":"b"},"push":{"body":"p"}}})",
             "content.push"},
            {body("x", "action", R"("schedule":{"start":"2027-01-02T00:00:00Z","end":"2027-01-01T00:00:00Z"})"),
             "schedule.end"},
            {body("x", "action", R"("schedule":{"start":"next monday"})"), "schedule.start"},
            {R"({"name":"x","type":"action","channels":["email"],"audience":{"segment":")" + other_sandbox_segment +
                 R"("},"content":{"email":{"subject":"s","body":"b"}}})",
             "audience.segment"},
            {R"({"name":"x","type":"action","channels":["email"],"content":{"email":{"template":")" +
                 archived_template + R"("}}})",
             "content.email.template"},
            {R"({"name":"x","type":"action","channels":["email"],"content":{"email":{"template":")" + sms_template +
                 R"("}}})",
             "content.email.template"},
            {body("x", "action", R"("colour":"red")"), "colour"},
        }) {
        auto r = client->post(path("campaigns"), bad.body, editor);
        EXPECT_EQ(r.status, 422) << bad.body << " -> " << r.body;
        EXPECT_EQ(r.json().at("error").at("details").at("field").as_string(), bad.field) << r.body;
    }
}

TEST_F(Campaigns, EveryRowOfTheLifecycleTable) {
    // (none) create -> draft; draft edit -> draft
    const std::string id = campaign("Row walk");
    EXPECT_EQ(status(id), "draft");
    EXPECT_EQ(client->patch(path("campaigns/" + id), R"({"description":"edited"})", editor, "*").status, 200);
    EXPECT_EQ(status(id), "draft");
    // draft delete -> gone (never activated)
    const std::string doomed = campaign("Doomed");
    EXPECT_EQ(client->del(path("campaigns/" + doomed), editor, "*").status, 204);
    EXPECT_EQ(status(doomed), "gone");
    // draft submit -> in_review (approval applies in prod); content locked; withdraw -> draft
    const std::string reviewed = create("campaigns", body("Reviewed", "action", "", "prod"), "prod");
    const auto submitted =
        client->post(path("campaigns/" + reviewed + "/actions/submit", "prod"), "{}", acme.admin_token);
    EXPECT_EQ(submitted.json().at("status").as_string(), "in_review");
    auto locked =
        client->patch(path("campaigns/" + reviewed, "prod"), R"({"description":"sneaky"})", acme.admin_token, "*");
    EXPECT_EQ(locked.status, 409);
    EXPECT_EQ(locked.error_code(), "content_locked");
    EXPECT_EQ(client->post(path("campaigns/" + reviewed + "/actions/withdraw", "prod"), "{}", acme.admin_token)
                  .json()
                  .at("status")
                  .as_string(),
              "draft");
    // draft activate -> active (no start), scheduled (start in the future)
    EXPECT_EQ(act(id, "activate").json().at("status").as_string(), "active");
    const std::string later = campaign("Later", "action", R"("schedule":{"start":"2026-11-24T09:00:00Z"})");
    EXPECT_EQ(act(later, "activate").json().at("status").as_string(), "scheduled");
    // scheduled -> active when the start time is reached (scheduler)
    advance(day);
    EXPECT_EQ(status(later), "active");
    EXPECT_EQ(get(later).at("activated_at").as_string(), "2026-11-24T09:00:00.000Z");
    // active pause -> paused; resume -> active
    EXPECT_EQ(act(later, "pause").json().at("status").as_string(), "paused");
    EXPECT_EQ(act(later, "resume").json().at("status").as_string(), "active");
    // active, scheduled, paused stop -> stopped
    for (const std::string from : {"active", "scheduled", "paused"})
        EXPECT_EQ(act(in_status(from), "stop").json().at("status").as_string(), "stopped") << from;
    // one-shot active -> completed 3 days after activation (scheduler)
    advance(2 * day);
    EXPECT_EQ(status(id), "completed");
    // recurring active -> completed at its end date
    const std::string recurring = campaign(
        "Weekly", "action", R"("schedule":{"recurrence":{"frequency":"weekly"},"end":"2026-12-10T00:00:00Z"})");
    act(recurring, "activate");
    advance(3 * day + 1);
    EXPECT_EQ(status(recurring), "active");
    advance(12 * day);  // past its end, 2026-12-10
    EXPECT_EQ(status(recurring), "completed");
    // active -> failed when the delivery engine reports it, with an alert
    const std::string failing = in_status("active");
    auto failed = client->post(path("campaigns/" + failing + "/execution-events"),
                               R"({"type":"failed","reason":"SMTP down"})", editor);
    EXPECT_EQ(failed.json().at("status").as_string(), "failed");
    EXPECT_EQ(failed.json().at("alerts").as_array()[0].at("message").as_string(), "SMTP down");
    // orchestrated: activate -> publishing -> active; recurring close -> closed
    const std::string orchestrated = in_status("publishing");
    EXPECT_EQ(status(orchestrated), "publishing");
    advance(1);
    EXPECT_EQ(status(orchestrated), "active");
    EXPECT_EQ(act(orchestrated, "close").json().at("status").as_string(), "closed");
    // any but draft archive -> archived; unarchive -> previous status, active/scheduled come back paused
    EXPECT_EQ(act(failing, "archive").json().at("status").as_string(), "archived");
    EXPECT_EQ(act(failing, "unarchive").json().at("status").as_string(), "failed");
    const std::string was_active = in_status("active");
    act(was_active, "archive");
    EXPECT_EQ(act(was_active, "unarchive").json().at("status").as_string(), "paused");
    const std::string was_scheduled = in_status("scheduled");
    act(was_scheduled, "archive");
    EXPECT_EQ(act(was_scheduled, "unarchive").json().at("status").as_string(), "paused");
    // archived, 30 days after the last modification -> purged, with a tombstone in the audit log
    act(was_active, "archive");
    advance(29 * day);
    EXPECT_EQ(status(was_active), "archived");
    advance(day + 1);
    EXPECT_EQ(status(was_active), "gone");
    const auto audit = client->get("/v1/tenants/acme/audit?limit=500", acme.admin_token).json();
    bool tombstone = false;
    for (const auto& entry : audit.at("items").as_array())
        if (entry.at("action") == "campaign.purged" && entry.at("details").at("id") == json::value(was_active))
            tombstone = true;
    EXPECT_TRUE(tombstone);
    // any duplicate -> new draft
    auto copy = act(failing, "duplicate");
    EXPECT_EQ(copy.status, 201);
    EXPECT_EQ(copy.json().at("status").as_string(), "draft");
}

TEST_F(Campaigns, InvalidTransitionsAnswer409WithTheAllowedActions) {
    const std::map<std::string, std::set<std::string>> allowed{
        {"draft", {"activate", "duplicate"}},
        {"in_review", {"withdraw", "archive", "duplicate"}},
        {"scheduled", {"stop", "archive", "duplicate"}},
        {"active", {"pause", "stop", "archive", "duplicate"}},
        {"paused", {"resume", "stop", "archive", "duplicate"}},
        {"stopped", {"archive"}},  // a stopped action campaign is not reused (seed)
        {"completed", {"archive", "duplicate"}},
        {"failed", {"archive", "duplicate"}},
        {"archived", {"unarchive", "duplicate"}},
        {"publishing", {"archive", "duplicate"}},
        {"closed", {"stop", "archive", "duplicate"}},
    };
    int refused = 0;
    for (const auto& [status_name, expected] : allowed) {
        const std::string id = in_status(status_name);
        const std::string sandbox = status_name == "in_review" ? "prod" : "dev";
        ASSERT_EQ(status(id, sandbox), status_name);
        const auto shown = client->get(path("campaigns/" + id, sandbox), acme.admin_token).json();
        EXPECT_EQ(strings(shown.at("allowed_actions")), expected) << status_name;
        for (const std::string& action : url_actions) {
            if (expected.count(action)) continue;
            auto res = client->post(path("campaigns/" + id + "/actions/" + action, sandbox), "{}", acme.admin_token);
            EXPECT_EQ(res.status, 409) << status_name << " x " << action << " -> " << res.body;
            const auto details = res.json().at("error").at("details");
            EXPECT_EQ(details.at("status").as_string(), status_name);
            EXPECT_EQ(strings(details.at("allowed_actions")), expected) << status_name << " x " << action;
            EXPECT_EQ(status(id, sandbox), status_name) << "a refused action changed nothing";
            ++refused;
        }
    }
    EXPECT_GT(refused, 80);
    // In a sandbox that needs approval, activation is refused with its own code.
    const std::string gated = create("campaigns", body("Gated", "action", "", "prod"), "prod");
    auto res = client->post(path("campaigns/" + gated + "/actions/activate", "prod"), "{}", acme.admin_token);
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(res.error_code(), "approval_required");
    EXPECT_EQ(act(campaign("Free"), "submit").error_code(), "approval_not_required");
}

TEST_F(Campaigns, DraftVersionOfALiveCampaign) {
    const std::string id = in_status("active");
    const auto live = get(id);
    // The first edit of a live campaign creates its draft version; the live version runs on untouched.
    auto edited = client->patch(path("campaigns/" + id), R"({"name":"Next version","tags":["v2"]})", editor, "*");
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(edited.json().at("name"), live.at("name"));
    EXPECT_EQ(edited.json().at("content"), live.at("content"));
    EXPECT_EQ(edited.json().at("status").as_string(), "active");
    EXPECT_EQ(edited.json().at("draft_version").at("name").as_string(), "Next version");
    EXPECT_EQ(edited.json().at("tags").as_array()[0].as_string(), "v2");  // tags apply directly
    // While it exists, the live version cannot be edited directly; the draft version can.
    auto second = client->patch(path("campaigns/" + id), R"({"name":"Another"})", editor, "*");
    EXPECT_EQ(second.status, 409);
    EXPECT_EQ(second.error_code(), "draft_version_exists");
    const std::string next_spec =
        R"({"name":"Next version","channels":["email","sms"],"audience":{"segment":")" + segment +
        R"("},"content":{"email":{"subject":"New","body":"New body"},"sms":{"body":"New SMS"}}})";
    auto put = client->request("PUT", path("campaigns/" + id + "/draft"), editor, &next_spec);
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(client->get(path("campaigns/" + id + "/draft"), editor).json().at("channels").as_array().size(), 2U);
    EXPECT_EQ(get(id).at("content"), live.at("content"));
    // activate-draft replaces the live version and records version 2.
    auto activated = act(id, "activate-draft");
    EXPECT_EQ(activated.json().at("name").as_string(), "Next version");
    EXPECT_EQ(activated.json().at("live_version").as_int64(), 2);
    EXPECT_TRUE(activated.json().at("draft_version").is_null());
    EXPECT_EQ(activated.json().at("status").as_string(), "active");
    const auto versions = client->get(path("campaigns/" + id + "/versions"), editor).json().at("items");
    ASSERT_EQ(versions.as_array().size(), 2U);
    EXPECT_EQ(versions.as_array()[0].at("version").as_int64(), 2);
    EXPECT_EQ(versions.as_array()[1].at("spec").at("name"), live.at("name"));
    // discard-draft leaves the live version as it was.
    const auto before = get(id);
    client->patch(path("campaigns/" + id), R"({"description":"throwaway"})", editor, "*");
    EXPECT_EQ(act(id, "discard-draft").status, 200);
    const auto after = get(id);
    EXPECT_EQ(after.at("description"), before.at("description"));
    EXPECT_EQ(after.at("content"), before.at("content"));
    EXPECT_TRUE(after.at("draft_version").is_null());
    EXPECT_EQ(client->get(path("campaigns/" + id + "/draft"), editor).status, 404);
    // A draft campaign has no draft version: PUT .../draft is refused.
    auto not_live = client->request("PUT", path("campaigns/" + campaign("Plain") + "/draft"), editor, &next_spec);
    EXPECT_EQ(not_live.status, 409);
    EXPECT_EQ(not_live.error_code(), "not_live");
}

TEST_F(Campaigns, StopIsFinalUnarchiveDoesNotRestartAndDuplicateStartsOver) {
    const std::string id = in_status("stopped");
    for (const std::string action : {"activate", "resume", "pause"}) {
        EXPECT_EQ(act(id, action).status, 409) << action;
    }
    auto edit = client->patch(path("campaigns/" + id), R"({"name":"Revived"})", editor, "*");
    EXPECT_EQ(edit.status, 409);
    EXPECT_EQ(edit.error_code(), "read_only");
    EXPECT_EQ(client->patch(path("campaigns/" + id), R"({"tags":["retired"]})", editor, "*").status, 200);
    EXPECT_EQ(client->del(path("campaigns/" + id), editor, "*").status, 409);

    const std::string active = in_status("active");
    act(active, "archive");
    EXPECT_EQ(client->patch(path("campaigns/" + active), R"({"tags":["x"]})", editor, "*").error_code(), "archived");
    EXPECT_EQ(act(active, "unarchive").json().at("status").as_string(), "paused");

    // A stopped action campaign is not reused (seed): a completed one is duplicated instead.
    EXPECT_EQ(act(id, "duplicate").error_code(), "stopped_not_reusable");
    const std::string done = in_status("completed");
    const auto original = get(done);
    auto dup = act(done, "duplicate");
    ASSERT_EQ(dup.status, 201);
    const auto copy = dup.json();
    EXPECT_NE(copy.at("id"), original.at("id"));
    EXPECT_NE(copy.at("key"), original.at("key"));
    EXPECT_EQ(copy.at("status").as_string(), "draft");
    EXPECT_EQ(copy.at("live_version").as_int64(), 0);
    EXPECT_EQ(copy.at("content"), original.at("content"));
    EXPECT_TRUE(client->get(path("campaigns/" + std::string(copy.at("id").as_string()) + "/versions"), editor)
                    .json()
                    .at("items")
                    .as_array()
                    .empty());
}

TEST_F(Campaigns, ArchivingASegmentArchivesItsCampaignsAtomically) {
    const std::string other = create("segments", R"({"name":"Other","rule":{}})");
    const std::string draft = campaign("Uses it, draft");
    const std::string active = in_status("active");
    const std::string paused = in_status("paused");
    const std::string unrelated =
        create("campaigns", R"({"name":"Other audience","type":"action","channels":["sms"],"audience":{"segment":")" +
                                other + R"("},"content":{"sms":{"body":"b"}}})");
    auto res = client->post(path("segments/" + segment + "/actions/archive"), "{}", editor);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(strings(res.json().at("archived_campaigns")), (std::set<std::string>{draft, active, paused}));
    for (const auto& id : {draft, active, paused}) {
        EXPECT_EQ(status(id), "archived") << id;
    }
    EXPECT_EQ(status(unrelated), "draft");
    EXPECT_TRUE(client->get(path("segments/" + segment), editor).json().at("archived").as_bool());
    // An archived segment cannot be used by new campaigns.
    EXPECT_EQ(client->post(path("campaigns"), body("Late"), editor).status, 422);
    // The draft comes back as a draft, the active one paused.
    EXPECT_EQ(act(draft, "unarchive").json().at("status").as_string(), "draft");
    EXPECT_EQ(act(active, "unarchive").json().at("status").as_string(), "paused");
}

TEST_F(Campaigns, BulkArchiveReportsEachId) {
    std::vector<std::string> ids;
    for (int i = 0; i < 95; ++i) ids.push_back(in_status("active"));
    std::vector<std::string> invalid{campaign("draft 1"), campaign("draft 2"), "cmp_doesnotexist000001",
                                     "cmp_doesnotexist000002", "cmp_doesnotexist000003"};
    json::array all;
    for (std::size_t i = 0; i < 100; ++i) all.emplace_back(i % 20 == 7 ? invalid[i / 20] : ids[i - (i + 12) / 20]);
    auto res = client->post(path("campaigns/bulk"), json::serialize(json::object{{"action", "archive"}, {"ids", all}}),
                            editor);
    ASSERT_EQ(res.status, 200) << res.body;
    int ok = 0;
    std::set<std::string> failed;
    const auto results = res.json();
    for (const auto& r : results.at("results").as_array()) {
        if (r.at("ok").as_bool()) {
            ++ok;
            EXPECT_EQ(r.at("status").as_string(), "archived");
        } else {
            failed.emplace(r.at("id").as_string());
        }
    }
    EXPECT_EQ(ok, 95);
    EXPECT_EQ(failed, (std::set<std::string>(invalid.begin(), invalid.end())));
    for (const auto& id : ids) EXPECT_EQ(status(id), "archived");
    EXPECT_EQ(status(invalid[0]), "draft");
}

TEST_F(Campaigns, TimeDrivenTransitionsCatchUpAfterARestart) {
    const std::string one_shot = in_status("active");
    const std::string starts = campaign("Starts tomorrow", "action", R"("schedule":{"start":"2026-11-24T09:00:00Z"})");
    act(starts, "activate");
    ASSERT_EQ(status(starts), "scheduled");

    // ferryd is down while time passes: on start it catches up, in order, before serving.
    server->kill9();
    server->args()[2] = "2026-11-28T09:00:00Z";  // --test-clock-start, 5 days later
    server->start();
    client = std::make_unique<HttpClient>(server->base_url());
    EXPECT_EQ(status(one_shot), "completed");
    EXPECT_EQ(status(starts), "completed");  // active on the 24th, completed 3 days later
    const auto c = get(starts);
    EXPECT_EQ(c.at("activated_at").as_string(), "2026-11-24T09:00:00.000Z");
}

TEST_F(Campaigns, ListsFilterSearchAndPage) {
    const std::string paused = in_status("paused");
    const std::string stopped = in_status("stopped");
    const std::string archived = in_status("archived");
    const std::string active = in_status("active");
    advance(3600);
    const std::string sms = create(
        "campaigns",
        R"({"name":"Flash SALE sms","type":"api_triggered","channels":["sms"],"tags":["promo","flash"],"content":{"sms":{"body":"b"}}})");
    advance(1);
    const std::string draft = campaign("Plain draft", "orchestrated");

    auto ids_of = [&](const std::string& query) {
        auto res = client->get(path("campaigns" + query), editor);
        EXPECT_EQ(res.status, 200) << query << " " << res.body;
        std::set<std::string> out;
        const auto page = res.json();
        for (const auto& item : page.at("items").as_array()) out.emplace(item.at("id").as_string());
        EXPECT_EQ(res.json().at("total").as_int64(), static_cast<std::int64_t>(out.size())) << query;
        return out;
    };
    // Default: every status but stopped, completed and archived.
    const auto defaults = ids_of("");
    EXPECT_TRUE(defaults.count(active) && defaults.count(sms) && defaults.count(draft) && defaults.count(paused));
    EXPECT_FALSE(defaults.count(stopped) || defaults.count(archived));
    EXPECT_EQ(ids_of("?status=paused,stopped"), (std::set<std::string>{paused, stopped}));
    EXPECT_EQ(ids_of("?status=archived"), (std::set<std::string>{archived}));
    EXPECT_EQ(ids_of("?type=orchestrated"), (std::set<std::string>{draft}));
    EXPECT_EQ(ids_of("?channel=sms"), (std::set<std::string>{sms}));
    EXPECT_EQ(ids_of("?tag=flash"), (std::set<std::string>{sms}));
    EXPECT_EQ(ids_of("?q=flash%20sale"), (std::set<std::string>{sms}));
    EXPECT_EQ(ids_of("?q=FLASH"), (std::set<std::string>{sms}));
    EXPECT_EQ(ids_of("?created_after=2026-11-23T09:30:00Z"), (std::set<std::string>{sms, draft}));
    EXPECT_EQ(ids_of("?created_before=2026-11-23T09:30:00Z&status=active"), (std::set<std::string>{active}));
    EXPECT_EQ(client->get(path("campaigns?status=sleeping"), editor).status, 400);
    EXPECT_EQ(client->get(path("campaigns?limit=0"), editor).status, 400);
    EXPECT_EQ(client->get(path("campaigns?cursor=garbage"), editor).status, 400);
    // Sorted by last modification, newest first.
    const auto listed = client->get(path("campaigns?status=draft,active"), editor).json().at("items").as_array();
    EXPECT_EQ(listed[0].at("id").as_string(), draft);
}

TEST_F(Campaigns, PagesStayConsistentUnderConcurrentInserts) {
    std::set<std::string> originals;
    for (int i = 0; i < 30; ++i) {
        originals.insert(campaign("Original " + std::to_string(i)));
        if (i % 3 == 0) advance(1);
    }
    std::atomic<bool> stop{false};
    std::thread inserter([&] {
        HttpClient c(server->base_url());
        for (int i = 0; !stop && i < 200; ++i)
            c.post(path("campaigns"), body("Concurrent " + std::to_string(i)), acme.admin_token);
    });
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        auto res = client->get(path("campaigns?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor)), editor);
        ASSERT_EQ(res.status, 200);
        const auto page = res.json();
        for (const auto& item : page.at("items").as_array()) seen.emplace_back(item.at("id").as_string());
        cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
        ++pages;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (!cursor.empty() && pages < 100);
    stop = true;
    inserter.join();
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "no item twice";
    for (const auto& id : originals) EXPECT_EQ(std::count(seen.begin(), seen.end(), id), 1) << "no gap: " << id;
}

TEST_F(Campaigns, CalendarWeek) {
    const std::string active = in_status("active");  // activated Monday 09:00, one hour on the calendar
    const std::string wednesday =
        campaign("Wednesday", "action", R"("schedule":{"start":"2026-11-25T10:00:00Z","end":"2026-11-27T10:00:00Z"})");
    act(wednesday, "activate");
    const std::string next_week = campaign("Next week", "action", R"("schedule":{"start":"2026-12-01T10:00:00Z"})");
    act(next_week, "activate");
    const std::string draft =
        campaign("Never on the calendar", "action", R"("schedule":{"start":"2026-11-24T10:00:00Z"})");
    const std::string stopped = in_status("stopped");

    auto cal = client->get(path("calendar?week=2026-W48"), editor);
    ASSERT_EQ(cal.status, 200) << cal.body;
    const auto days = cal.json().at("days").as_array();
    ASSERT_EQ(days.size(), 7U);
    EXPECT_EQ(days[0].at("date").as_string(), "2026-11-23");
    auto on = [&](std::size_t d) {
        std::set<std::string> ids;
        for (const auto& e : days[d].at("campaigns").as_array()) ids.emplace(e.at("id").as_string());
        return ids;
    };
    EXPECT_EQ(on(0), (std::set<std::string>{active}));
    EXPECT_EQ(on(1), (std::set<std::string>{}));
    EXPECT_EQ(on(2), (std::set<std::string>{wednesday}));
    EXPECT_EQ(on(3), (std::set<std::string>{wednesday}));
    EXPECT_EQ(on(4), (std::set<std::string>{wednesday}));
    EXPECT_EQ(on(6), (std::set<std::string>{}));
    const auto with_stopped = client->get(path("calendar?week=2026-W48&include=stopped"), editor).json();
    bool found = false;
    for (const auto& e : with_stopped.at("days").as_array()[0].at("campaigns").as_array())
        found |= e.at("id") == json::value(stopped);
    EXPECT_TRUE(found);
    const auto w49 = client->get(path("calendar?week=2026-W49"), editor).json();
    EXPECT_EQ(w49.at("days").as_array()[1].at("campaigns").as_array()[0].at("id").as_string(), next_week);
    EXPECT_EQ(client->get(path("calendar?week=2026-48"), editor).status, 400);
    EXPECT_EQ(client->get(path("calendar"), editor).json().at("week").as_string(), "2026-W48");  // this week
    (void)draft;
}

TEST_F(Campaigns, EditsNeedTheCurrentETag) {
    auto created = client->post(path("campaigns"), body("Concurrency"), editor);
    const std::string id(created.json().at("id").as_string());
    const std::string etag = created.header("etag");
    auto missing = client->patch(path("campaigns/" + id), R"({"description":"a"})", editor, "");
    EXPECT_EQ(missing.status, 428);
    EXPECT_EQ(missing.error_code(), "precondition_required");
    auto ok = client->patch(path("campaigns/" + id), R"({"description":"a"})", editor, etag);
    ASSERT_EQ(ok.status, 200);
    auto stale = client->patch(path("campaigns/" + id), R"({"description":"b"})", editor, etag);
    EXPECT_EQ(stale.status, 412);
    EXPECT_EQ(stale.error_code(), "precondition_failed");
    EXPECT_EQ(get(id).at("description").as_string(), "a");
    EXPECT_EQ(client->del(path("campaigns/" + id), editor, etag).status, 412);
    EXPECT_EQ(client->del(path("campaigns/" + id), editor).status, 428);
    EXPECT_EQ(client->patch(path("segments/" + segment), R"({"name":"x"})", editor, "\"1.1\"").status, 412);
    // Every campaign, segment and template response carries an ETag.
    EXPECT_FALSE(client->get(path("campaigns/" + id), editor).header("etag").empty());
    EXPECT_FALSE(client->get(path("segments/" + segment), editor).header("etag").empty());
}

TEST_F(Campaigns, ViewersReadButDoNotWrite) {
    const std::string viewer = acme.token_of.at("viewer");
    const std::string id = campaign("Read only for viewers");
    EXPECT_EQ(client->get(path("campaigns/" + id), viewer).status, 200);
    EXPECT_EQ(client->post(path("campaigns/" + id + "/actions/activate"), "{}", viewer).status, 403);
    EXPECT_EQ(status(id), "draft");
    // The editor's role is on dev only: prod's campaigns are invisible to them.
    const std::string prod = create("campaigns", body("Prod", "action", "", "prod"), "prod");
    EXPECT_EQ(client->get(path("campaigns/" + prod, "prod"), editor).status, 404);
    // A campaign id from another sandbox is not found through this one.
    EXPECT_EQ(client->get(path("campaigns/" + prod, "dev"), acme.admin_token).status, 404);
}

TEST_F(Campaigns, WebhookSecretsAreWriteOnly) {
    const std::string secret = "Bearer s3cr3t-value";
    const std::string webhook =
        R"({"name":"Hook","type":"api_triggered","channels":["webhook"],"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":")" +
        secret + R"("}}})";
    auto created = client->post(path("campaigns"), webhook, editor);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body.find(secret), std::string::npos);
    const std::string id(created.json().at("id").as_string());
    EXPECT_EQ(get(id).at("content").at("webhook").at("auth_header").as_string(), "********");
    EXPECT_EQ(client->get(path("campaigns/" + id), acme.token_of.at("viewer")).body.find(secret), std::string::npos);
    // Sending the mask back keeps the secret; activating and drafting never reveal it either.
    auto same = client->patch(
        path("campaigns/" + id),
        R"({"content":{"webhook":{"url":"https://hooks.example.com/y","auth_header":"********"}}})", editor, "*");
    ASSERT_EQ(same.status, 200) << same.body;
    act(id, "activate");
    client->patch(path("campaigns/" + id), R"({"description":"next"})", editor, "*");
    for (const std::string& p : {"campaigns/" + id, "campaigns/" + id + "/draft", "campaigns/" + id + "/versions"})
        EXPECT_EQ(client->get(path(p), editor).body.find(secret), std::string::npos) << p;
    // The mask cannot stand in for a secret that was never given.
    auto fresh = client->post(
        path("campaigns"),
        R"({"name":"Bad","type":"api_triggered","channels":["webhook"],"content":{"webhook":{"url":"https://h.example.com","auth_header":"********"}}})",
        editor);
    EXPECT_EQ(fresh.status, 422);
}

TEST_F(Campaigns, OnlyRunningCampaignsReportExecutionEvents) {
    const std::string archived = in_status("archived");
    const auto before = get(archived);
    auto res = client->post(path("campaigns/" + archived + "/execution-events"),
                            R"({"type":"warning","reason":"late"})", editor);
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(res.error_code(), "not_running");
    EXPECT_EQ(get(archived).at("updated_at"), before.at("updated_at"));
    EXPECT_EQ(client
                  ->post(path("campaigns/" + in_status("paused") + "/execution-events"),
                         R"({"type":"warning","reason":"slow"})", editor)
                  .status,
              200);
}
