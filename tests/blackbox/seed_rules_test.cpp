// The seed pages' campaign rules where ferry used to depart from them (issue 27), one test per
// rule, named after it, through a real ferryd under --test-clock. docs/campaigns.md, "Seed rules",
// lists each rule with its page and the test that proves it.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <set>

using namespace ferry::test;
namespace json = boost::json;

namespace {

// Wednesday of ISO week 2026-W49, 09:00 UTC.
const std::string t0 = "2026-12-02T09:00:00Z";

class SeedRules : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", t0, "--scheduler-interval", "3600"}, {}});
        client = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*client, server->operator_token(), "acme", {"dev", "prod"});
        editor = acme.token_of.at("editor");
        auto seg = client->post(path("segments"), R"({"name":"VIP","rule":{"tier":"gold"}})", acme.admin_token);
        segment = std::string(seg.json().at("id").as_string());
    }

    static std::string path(const std::string& rest) { return "/v1/tenants/acme/sandboxes/dev/" + rest; }

    std::string campaign(const std::string& name, const std::string& type = "action",
                         const std::string& channel = "email", const std::string& extra = "") {
        std::string content =
            channel == "email" ? R"("email":{"subject":"Hi","body":"Hello"})" : R"("sms":{"body":"Hello"})";
        std::string b = R"({"name":")" + name + R"(","type":")" + type + R"(","channels":[")" + channel +
                        R"("],"audience":{"segment":")" + segment + R"("},"content":{)" + content + "}";
        if (!extra.empty()) b += "," + extra;
        auto res = client->post(path("campaigns"), b + "}", editor);
        if (res.status != 201) throw std::runtime_error("create: " + res.body);
        return std::string(res.json().at("id").as_string());
    }

    HttpResponse act(const std::string& id, const std::string& action) {
        return client->post(path("campaigns/" + id + "/actions/" + action), "{}", editor);
    }

    void advance(long seconds) {
        ASSERT_EQ(client
                      ->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}",
                             server->operator_token())
                      .status,
                  200);
    }

    json::value campaign_json(const std::string& id) { return client->get(path("campaigns/" + id), editor).json(); }

    // The tenant's audit records with this action and target, oldest first.
    std::vector<json::object> audited(const std::string& action, const std::string& id) {
        const json::value page = client->get("/v1/tenants/acme/audit?limit=500", acme.admin_token).json();
        std::vector<json::object> out;
        for (const auto& r : page.at("items").as_array())
            if (r.at("action").as_string() == action && r.at("target").as_string() == "dev/campaigns/" + id)
                out.push_back(r.as_object());
        return out;
    }

    std::set<std::string> listed(const std::string& query = "") {
        auto res = client->get(path("campaigns" + query), editor);
        EXPECT_EQ(res.status, 200) << res.body;
        std::set<std::string> ids;
        const json::value page = res.json();
        for (const auto& item : page.at("items").as_array()) ids.emplace(item.at("id").as_string());
        return ids;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> client;
    TenantFixture acme;
    std::string editor;
    std::string segment;
};

// Seed "Gérer les campagnes": stopped, completed and archived campaigns are hidden "until the
// filter is removed", the rest shows; Braze: an unarchived campaign comes back paused, in view.
TEST_F(SeedRules, TheDefaultListHidesOnlyStoppedCompletedAndArchived) {
    const std::string draft = campaign("Draft");
    const std::string active = campaign("Active");
    ASSERT_EQ(act(active, "activate").status, 200);
    const std::string paused = campaign("Paused");
    ASSERT_EQ(act(paused, "activate").status, 200);
    ASSERT_EQ(act(paused, "pause").status, 200);
    const std::string unarchived = campaign("Unarchived");
    ASSERT_EQ(act(unarchived, "activate").status, 200);
    ASSERT_EQ(act(unarchived, "archive").status, 200);
    ASSERT_EQ(act(unarchived, "unarchive").status, 200);
    const std::string stopped = campaign("Stopped");
    ASSERT_EQ(act(stopped, "activate").status, 200);
    ASSERT_EQ(act(stopped, "stop").status, 200);
    const std::string archived = campaign("Archived");
    ASSERT_EQ(act(archived, "activate").status, 200);
    ASSERT_EQ(act(archived, "archive").status, 200);
    const std::string failed = campaign("Failed");
    ASSERT_EQ(act(failed, "activate").status, 200);
    ASSERT_EQ(client
                  ->post(path("campaigns/" + failed + "/execution-events"), R"({"type":"failed","reason":"SMTP down"})",
                         editor)
                  .status,
              200);

    EXPECT_EQ(listed(), (std::set<std::string>{draft, active, paused, unarchived, failed}));
    EXPECT_EQ(listed("?status=stopped,archived"), (std::set<std::string>{stopped, archived}));
    EXPECT_EQ(client->get(path("campaigns/" + unarchived), editor).json().at("status").as_string(), "paused");
}

// Seed "Gérer les campagnes": a stopped campaign can no longer be activated "ni réutilisée";
// seed "Modifier ou arrêter": a stopped orchestrated campaign is restarted by duplicating it.
TEST_F(SeedRules, AStoppedCampaignIsNotReusedExceptAnOrchestratedOne) {
    for (const std::string type : {"action", "api_triggered"}) {
        const std::string id = campaign("Stopped " + type, type);
        ASSERT_EQ(act(id, "activate").status, 200);
        ASSERT_EQ(act(id, "stop").status, 200);
        auto refused = act(id, "duplicate");
        EXPECT_EQ(refused.status, 409) << type;
        EXPECT_EQ(refused.error_code(), "stopped_not_reusable") << type;
        const auto allowed = refused.json().at("error").at("details").at("allowed_actions");
        EXPECT_EQ(allowed, json::parse(R"(["archive"])")) << type;
        const auto got = client->get(path("campaigns/" + id), editor).json();
        EXPECT_EQ(got.at("allowed_actions"), json::parse(R"(["archive"])")) << type;
        // Archived after it stopped, it is still not reusable.
        ASSERT_EQ(act(id, "archive").status, 200);
        EXPECT_EQ(act(id, "duplicate").status, 409) << type;
    }
    const std::string orchestrated =
        campaign("Journey", "orchestrated", "email", R"("schedule":{"end":"2027-12-31T00:00:00Z"})");
    ASSERT_EQ(act(orchestrated, "activate").status, 200);  // publishing, then active on the next tick
    ASSERT_EQ(client->post("/v1/operator/clock", R"({"advance_seconds":1})", server->operator_token()).status, 200);
    ASSERT_EQ(act(orchestrated, "stop").status, 200);
    auto copy = act(orchestrated, "duplicate");
    ASSERT_EQ(copy.status, 201) << copy.body;
    EXPECT_EQ(copy.json().at("status").as_string(), "draft");
    // A completed campaign may still be duplicated: only stopping forbids reuse.
    const std::string done = campaign("Done");
    ASSERT_EQ(act(done, "activate").status, 200);
    ASSERT_EQ(client->post("/v1/operator/clock", R"({"advance_seconds":259201})", server->operator_token()).status,
              200);
    ASSERT_EQ(client->get(path("campaigns/" + done), editor).json().at("status").as_string(), "completed");
    EXPECT_EQ(act(done, "duplicate").status, 201);
}

// Seed "Afficher le calendrier": the grid shows the selected week's active and scheduled
// campaigns, can be filtered by type or channel, and multi-day campaigns show at the top.
TEST_F(SeedRules, TheCalendarFiltersByTypeAndChannelAndPutsMultiDayCampaignsFirst) {
    // Both on Thursday 2026-12-03: one for an hour at 08:00, one from Thursday to Saturday at 10:00.
    const std::string hour = campaign("One hour", "action", "email", R"("schedule":{"start":"2026-12-03T08:00:00Z"})");
    const std::string days = campaign("Three days", "api_triggered", "sms",
                                      R"("schedule":{"start":"2026-12-03T10:00:00Z","end":"2026-12-05T10:00:00Z"})");
    ASSERT_EQ(act(hour, "activate").status, 200);
    ASSERT_EQ(act(days, "activate").status, 200);

    auto ids_on_thursday = [&](const std::string& query) {
        auto res = client->get(path("calendar" + query), editor);
        EXPECT_EQ(res.status, 200) << query << " " << res.body;
        std::vector<std::string> ids;
        if (res.status != 200) return ids;
        const auto body = res.json();
        EXPECT_EQ(body.at("week").as_string(), "2026-W49") << query;
        for (const auto& e : body.at("days").as_array()[3].at("campaigns").as_array())
            ids.emplace_back(e.at("id").as_string());
        return ids;
    };
    // No week: the current one (the clock's Wednesday is in 2026-W49). Multi-day first, although it starts later.
    EXPECT_EQ(ids_on_thursday(""), (std::vector<std::string>{days, hour}));
    EXPECT_EQ(ids_on_thursday("?week=2026-W49"), (std::vector<std::string>{days, hour}));
    EXPECT_EQ(ids_on_thursday("?type=action"), (std::vector<std::string>{hour}));
    EXPECT_EQ(ids_on_thursday("?type=api_triggered"), (std::vector<std::string>{days}));
    EXPECT_EQ(ids_on_thursday("?channel=sms"), (std::vector<std::string>{days}));
    EXPECT_EQ(ids_on_thursday("?channel=email&type=action"), (std::vector<std::string>{hour}));
    EXPECT_EQ(ids_on_thursday("?channel=push"), (std::vector<std::string>{}));
    const auto week = client->get(path("calendar"), editor).json();
    EXPECT_EQ(week.at("days").as_array()[3].at("campaigns").as_array()[0].at("multi_day"), json::value(true));
    EXPECT_EQ(week.at("days").as_array()[3].at("campaigns").as_array()[1].at("multi_day"), json::value(false));
    EXPECT_EQ(client->get(path("calendar?type=journey"), editor).status, 400);
    EXPECT_EQ(client->get(path("calendar?channel=fax"), editor).error_code(), "invalid_query");
}

// Seed "Modifier ou arrêter une campagne": « Après l'arrêt d'une campagne, elle sera disponible en
// lecture seule uniquement »; a completed campaign is final too. The draft version a live campaign
// still had ends with it, recorded in the audit chain.
TEST_F(SeedRules, AStoppedOrCompletedCampaignIsReadOnlyAndItsDraftVersionIsDiscarded) {
    auto with_draft_version = [&](const std::string& name, const std::string& extra) {
        const std::string id = campaign(name, "action", "email", extra);
        EXPECT_EQ(act(id, "activate").status, 200);
        auto edited = client->patch(path("campaigns/" + id), R"({"name":"Next version"})", editor, "*");
        EXPECT_EQ(edited.status, 200) << edited.body;
        EXPECT_TRUE(edited.json().at("draft_version").is_object());
        return id;
    };
    const std::string recurring = with_draft_version(
        "Weekly", R"("schedule":{"recurrence":{"frequency":"weekly"},"end":"2027-06-01T00:00:00Z"})");
    const std::string one_shot = with_draft_version("Once", "");

    // Stopped: no draft version left, nothing to discard or delete, the live version as it was.
    auto stopped = act(recurring, "stop");
    ASSERT_EQ(stopped.status, 200) << stopped.body;
    EXPECT_EQ(stopped.json().at("status").as_string(), "stopped");
    EXPECT_TRUE(stopped.json().at("draft_version").is_null());
    EXPECT_EQ(stopped.json().at("name").as_string(), "Weekly");
    EXPECT_EQ(client->get(path("campaigns/" + recurring + "/draft"), editor).status, 404);
    EXPECT_EQ(listed("?status=stopped").count(recurring), 1U);
    const auto row = client->get(path("campaigns?status=stopped"), editor).json().at("items").as_array()[0];
    EXPECT_EQ(row.at("has_draft_version"), json::value(false));
    const auto discarded = audited("campaign.draft_discarded", recurring);
    ASSERT_EQ(discarded.size(), 1U);
    EXPECT_EQ(discarded[0].at("details").at("reason").as_string(), "campaign stopped");
    EXPECT_EQ(discarded[0].at("details").at("draft_updated_by").as_string(), acme.user_of.at("editor"));

    // Completed on its own, three days after activation: the same.
    advance(3 * 24 * 3600 + 1);
    const auto done = campaign_json(one_shot);
    EXPECT_EQ(done.at("status").as_string(), "completed");
    EXPECT_TRUE(done.at("draft_version").is_null());
    EXPECT_EQ(client->get(path("campaigns/" + one_shot + "/draft"), editor).status, 404);
    const auto completed = audited("campaign.draft_discarded", one_shot);
    ASSERT_EQ(completed.size(), 1U);
    EXPECT_EQ(completed[0].at("details").at("reason").as_string(), "campaign completed");
    EXPECT_EQ(completed[0].at("actor").as_string(), "scheduler");
}

// Seed "Accéder aux campagnes" (orchestrated): « Le statut Terminé est automatiquement attribué …
// après qu'une campagne a terminé l'envoi des messages sans erreur ». A run with warnings completes
// marked as not clean; a failure reported while closed to entrants fails the campaign.
TEST_F(SeedRules, AnOrchestratedCampaignCompletesCleanOnlyWithoutErrors) {
    const std::string schedule = R"("schedule":{"recurrence":{"frequency":"daily"},"end":"2026-12-09T00:00:00Z"})";
    const std::string clean = campaign("Clean", "orchestrated", "email", schedule);
    const std::string warned = campaign("Warned", "orchestrated", "email", schedule);
    const std::string broken = campaign("Broken", "orchestrated", "email", schedule);
    for (const auto& id : {clean, warned, broken}) ASSERT_EQ(act(id, "activate").status, 200);
    advance(1);  // published, active
    ASSERT_EQ(client
                  ->post(path("campaigns/" + warned + "/execution-events"),
                         R"({"type":"warning","reason":"3% of sends bounced"})", editor)
                  .status,
              200);
    ASSERT_EQ(act(broken, "close").status, 200);
    auto failed = client->post(path("campaigns/" + broken + "/execution-events"),
                               R"({"type":"failed","reason":"journey node crashed"})", editor);
    ASSERT_EQ(failed.status, 200) << failed.body;
    EXPECT_EQ(failed.json().at("status").as_string(), "failed");

    advance(7 * 24 * 3600);  // past the end date
    const auto c = campaign_json(clean);
    EXPECT_EQ(c.at("status").as_string(), "completed");
    EXPECT_EQ(c.at("completed_without_errors"), json::value(true));
    const auto w = campaign_json(warned);
    EXPECT_EQ(w.at("status").as_string(), "completed");
    EXPECT_EQ(w.at("completed_without_errors"), json::value(false));
    EXPECT_EQ(w.at("alerts").as_array().size(), 1U);
    const auto record = audited("campaign.completion_due", warned);
    ASSERT_EQ(record.size(), 1U);
    EXPECT_EQ(record[0].at("details").at("without_errors"), json::value(false));
    EXPECT_EQ(record[0].at("details").at("alerts"), json::value(1));
    EXPECT_EQ(audited("campaign.completion_due", clean)[0].at("details").at("without_errors"), json::value(true));
    EXPECT_EQ(campaign_json(broken).at("status").as_string(), "failed");
    EXPECT_TRUE(campaign_json(broken).at("completed_without_errors").is_null());
}

// Seed "Accéder aux campagnes": the alert icon covers « le message de la campagne n'a pas été
// publié » and « la configuration choisie est incorrecte ». ferry raises the alerts it can see
// itself, and they clear once the cause is fixed.
TEST_F(SeedRules, FerryRaisesTheAlertsItCanSeeAndClearsThemWhenFixed) {
    const std::string admin = acme.admin_token;
    auto alerts_of = [&](const std::string& sandbox, const std::string& id) {
        const json::value c = client->get("/v1/tenants/acme/sandboxes/" + sandbox + "/campaigns/" + id, admin).json();
        std::vector<std::string> types;
        for (const auto& a : c.at("alerts").as_array()) types.emplace_back(a.at("type").as_string());
        return types;
    };
    using Types = std::vector<std::string>;

    // 1. A template archived under an active campaign.
    auto tpl =
        client->post(path("templates"), R"({"name":"Hello","channel":"email","subject":"Hi","body":"Hello"})", admin);
    ASSERT_EQ(tpl.status, 201) << tpl.body;
    const std::string tpl_id(tpl.json().at("id").as_string());
    auto made = client->post(path("campaigns"),
                             R"({"name":"Templated","type":"action","channels":["email"],"audience":{"segment":")" +
                                 segment + R"("},"content":{"email":{"template":")" + tpl_id + R"("}}})",
                             editor);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string templated(made.json().at("id").as_string());
    ASSERT_EQ(act(templated, "activate").status, 200);
    EXPECT_EQ(alerts_of("dev", templated), Types{});
    ASSERT_EQ(client->post(path("templates/" + tpl_id + "/actions/archive"), "{}", admin).status, 200);
    EXPECT_EQ(alerts_of("dev", templated), Types{"configuration"});
    const json::value listed_page = client->get(path("campaigns"), editor).json();
    bool in_list = false;
    for (const auto& item : listed_page.at("items").as_array())
        if (item.at("id").as_string() == templated)
            in_list = item.at("alerts").as_array().size() == 1 &&
                      item.at("alerts").as_array()[0].at("message").as_string().find("archived") != std::string::npos;
    EXPECT_TRUE(in_list) << "the list shows the alert too";
    ASSERT_EQ(client->post(path("templates/" + tpl_id + "/actions/unarchive"), "{}", admin).status, 200);
    EXPECT_EQ(alerts_of("dev", templated), Types{});

    // 2. A start that passes while the campaign waits in review.
    const std::string prod = "/v1/tenants/acme/sandboxes/prod/";
    const std::string etag = client->get(prod.substr(0, prod.size() - 1), admin).header("etag");
    ASSERT_EQ(client->patch(prod.substr(0, prod.size() - 1), R"({"require_approval":"always"})", admin, etag).status,
              200);
    auto seg = client->post(prod + "segments", R"({"name":"All","rule":{}})", admin);
    auto gated = client->post(
        prod + "campaigns",
        R"({"name":"Gated","type":"action","channels":["email"],"audience":{"segment":")" +
            std::string(seg.json().at("id").as_string()) +
            R"("},"schedule":{"start":"2026-12-02T10:00:00Z"},"content":{"email":{"subject":"Hi","body":"Hello"}}})",
        admin);
    ASSERT_EQ(gated.status, 201) << gated.body;
    const std::string gated_id(gated.json().at("id").as_string());
    ASSERT_EQ(client->post(prod + "campaigns/" + gated_id + "/actions/submit", "{}", admin).status, 200);
    EXPECT_EQ(alerts_of("prod", gated_id), Types{});
    advance(2 * 3600);  // 11:00, past the 10:00 start
    EXPECT_EQ(alerts_of("prod", gated_id), Types{"start_passed"});
    ASSERT_EQ(client->post(prod + "campaigns/" + gated_id + "/actions/withdraw", "{}", admin).status, 200);
    EXPECT_EQ(alerts_of("prod", gated_id), Types{}) << "no longer waiting in review";

    // 3. A webhook secret an import left empty.
    auto hook = client->post(
        path("campaigns"),
        R"({"key":"ping","name":"Ping","type":"api_triggered","channels":["webhook"],"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":"Bearer dev-secret"}}})",
        admin);
    ASSERT_EQ(hook.status, 201) << hook.body;
    ASSERT_EQ(client
                  ->post("/v1/tenants/acme/packages",
                         R"({"name":"hooks","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" +
                             std::string(hook.json().at("id").as_string()) + "\"}]}",
                         admin)
                  .status,
              201);
    ASSERT_EQ(client->post("/v1/tenants/acme/packages/hooks/versions", "{}", admin).status, 201);
    auto imported = client->post(
        prod + "imports", R"({"package":"hooks","version":1,"bindings":{"ping.webhook.auth_header":""}})", admin);
    ASSERT_EQ(imported.status, 201) << imported.body;
    std::string ping;
    const json::value prod_list = client->get(prod + "campaigns", admin).json();
    for (const auto& item : prod_list.at("items").as_array())
        if (item.at("key").as_string() == "ping") ping = std::string(item.at("id").as_string());
    ASSERT_FALSE(ping.empty());
    EXPECT_EQ(alerts_of("prod", ping), Types{"binding_empty"});
    const std::string ping_etag = client->get(prod + "campaigns/" + ping, admin).header("etag");
    auto fixed =
        client->patch(prod + "campaigns/" + ping,
                      R"({"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":"Bearer prod"}}})",
                      admin, ping_etag);
    ASSERT_EQ(fixed.status, 200) << fixed.body;
    EXPECT_EQ(alerts_of("prod", ping), Types{});
}

// Seed "Accéder aux campagnes": « Une barre de recherche et des filtres sont également disponibles
// pour faciliter la recherche dans la liste ». The seeds are French: search on names ignores case
// and accents, in any language.
TEST_F(SeedRules, SearchIgnoresCaseAndAccentsInAnyLanguage) {
    const std::string ete = campaign("Soldes d'\u00c9t\u00e9");                  // Soldes d'Été
    const std::string strasse = campaign("Stra\u00dfenfest");                    // Straßenfest
    const std::string greek = campaign("\u0398\u0395\u03a1\u0399\u039d\u0391");  // ΘΕΡΙΝΑ
    const std::string plain = campaign("Winter sale 50%");
    auto found = [&](const std::string& q) {
        std::string encoded;
        for (const char c : q) {
            const auto ch = static_cast<unsigned char>(c);
            static const char* hex = "0123456789ABCDEF";
            if (std::isalnum(ch)) {
                encoded.push_back(static_cast<char>(ch));
            } else {
                encoded += '%';
                encoded += hex[ch >> 4];
                encoded += hex[ch & 15];
            }
        }
        return listed("?q=" + encoded);
    };
    using Ids = std::set<std::string>;
    EXPECT_EQ(found("\u00e9t\u00e9"), Ids{ete});  // été
    EXPECT_EQ(found("ETE"), Ids{ete});
    EXPECT_EQ(found("d'ete"), Ids{ete});
    EXPECT_EQ(found("STRASSEN"), Ids{strasse});
    EXPECT_EQ(found("stra\u00dfe"), Ids{strasse});
    EXPECT_EQ(found("\u03b8\u03b5\u03c1\u03b9\u03bd\u03ac"), Ids{greek});  // θερινά
    EXPECT_EQ(found("50%"), Ids{plain});                                   // % is text, not a wildcard
    EXPECT_EQ(found("e_e"), Ids{});                                        // nor is _
    // A renamed campaign is found by its new name only.
    ASSERT_EQ(client->patch(path("campaigns/" + plain), R"({"name":"\u00c9t\u00e9 indien"})", editor, "*").status, 200);
    EXPECT_EQ(found("ete"), (Ids{ete, plain}));
    EXPECT_EQ(found("winter"), Ids{});
    // Segment and template lists search their names the same way.
    ASSERT_EQ(client->post(path("segments"), R"({"name":"Abonn\u00e9s \u00c9T\u00c9","rule":{}})", editor).status, 201);
    ASSERT_EQ(
        client->post(path("templates"), R"({"name":"Rappel d'\u00e9t\u00e9","channel":"sms","body":"Bonjour"})", editor)
            .status,
        201);
    for (const std::string kind : {"segments", "templates"}) {
        const json::value page = client->get(path(kind + "?q=ete"), editor).json();
        EXPECT_EQ(page.at("items").as_array().size(), 1U) << kind;
    }
}

}  // namespace
