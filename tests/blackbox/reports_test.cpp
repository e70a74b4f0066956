// Delivery figures and campaign reports through the real ferryd (issue 25, docs/reports.md):
// idempotent batches, bad batches refused whole, another tenant's campaign 404, the reporter role;
// hour buckets across a day boundary, the roll-up into days after 30 days (test clock), rates,
// live versions, and the sandbox overview that archived campaigns leave and come back to.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>

using namespace ferry::test;
namespace json = boost::json;

namespace {

const std::string dev = "/v1/tenants/acme/sandboxes/dev/";

std::string str(const json::value& v) { return std::string(v.as_string()); }

// One figure: counts as "name":value pairs.
std::string figure(const std::string& campaign, const std::string& from, const std::string& to,
                   const std::string& counts, const std::string& channel = "sms", const std::string& extra = "") {
    return R"({"campaign":")" + campaign + R"(","channel":")" + channel + R"(","from":")" + from + R"(","to":")" + to +
           R"(","counts":{)" + counts + "}" + extra + "}";
}

std::string batch(const std::string& id, const std::vector<std::string>& figures) {
    std::string out = R"({"id":")" + id + R"(","figures":[)";
    for (std::size_t i = 0; i < figures.size(); ++i) out += (i ? "," : "") + figures[i];
    return out + "]}";
}

const std::string typical =
    R"("targeted":1000,"sent":950,"delivered":900,"bounced":40,"opened":450,"clicked":90,"converted":18,"unsubscribed":9,"failed":50)";

class Reports : public ::testing::Test {
protected:
    void SetUp() override {
        // Monday 23 November 2026, 09:30 UTC.
        server = std::make_unique<FerrydProcess>(FerrydOptions{
            {"--test-clock", "--test-clock-start", "2026-11-23T09:30:00Z", "--scheduler-interval", "3600"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        globex = make_tenant(*c, server->operator_token(), "globex", {"dev"}, "gx-");
        editor = acme.token_of.at("editor");
        engine = make_user(*c, acme, "engine", R"([{"sandbox":"dev","role":"reporter"}])");
        campaign = live_campaign("Welcome <script>alert(1)</script>");
    }

    std::string live_campaign(const std::string& name) {
        auto made = c->post(
            dev + "campaigns",
            R"({"name":")" + name +
                R"(","type":"api_triggered","channels":["sms","email"],"content":{"sms":{"body":"hi"},"email":{"subject":"s","body":"b"}}})",
            editor);
        if (made.status != 201) throw std::runtime_error("campaign: " + made.body);
        const std::string id = str(made.json().at("id"));
        auto live = c->post(dev + "campaigns/" + id + "/actions/activate", "{}", editor);
        if (live.status != 200) throw std::runtime_error("activate: " + live.body);
        return id;
    }

    HttpResponse post_batch(const std::string& body, const std::string& token = "") {
        return c->post(dev + "figure-batches", body, token.empty() ? engine : token);
    }

    json::object report(const std::string& id, const std::string& period = "24h") {
        auto res = c->get(dev + "campaigns/" + id + "/report?period=" + period, editor);
        EXPECT_EQ(res.status, 200) << res.body;
        return res.json().as_object();
    }

    static std::int64_t total(const json::object& report, const std::string& count) {
        return report.at("totals").at("counts").at(count).as_int64();
    }

    void advance(std::int64_t seconds) {
        auto res = c->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}",
                           server->operator_token());
        ASSERT_EQ(res.status, 200) << res.body;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    TenantFixture globex;
    std::string editor;
    std::string engine;
    std::string campaign;
};

TEST_F(Reports, ABatchRetriedIsAnsweredAsBeforeAndCountedOnce) {
    const std::string body = batch("b-1", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)});
    auto first = post_batch(body);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.json().at("accepted").as_int64(), 1);
    auto again = post_batch(body);
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(total(report(campaign), "sent"), 950);

    // The same id with another body: refused, nothing added.
    auto other =
        post_batch(batch("b-1", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", R"("targeted":5)")}));
    EXPECT_EQ(other.status, 422);
    EXPECT_EQ(other.error_code(), "batch_id_reused");
    EXPECT_EQ(total(report(campaign), "targeted"), 1000);
    // A new id adds.
    ASSERT_EQ(post_batch(batch("b-2", {figure(campaign, "2026-11-23T08:30:00Z", "2026-11-23T09:00:00Z",
                                              R"("targeted":10,"sent":10)")}))
                  .status,
              201);
    EXPECT_EQ(total(report(campaign), "sent"), 960);
}

TEST_F(Reports, ABadBatchIsRefusedWholeWithTheReason) {
    const std::string good = figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical);
    struct Case {
        std::string bad;
        std::string field;
    };
    const std::vector<Case> cases{
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("sent":10,"delivered":11,"targeted":20)"),
         "figures[1].counts"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("sent":-1)"), "figures[1].counts.sent"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("targeted":5,"sent":6)"),
         "figures[1].counts"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z",
                R"("sent":1,"targeted":1,"bounced":1,"delivered":1)"),
         "figures[1].counts"},
        {figure(campaign, "2026-11-23T07:30:00Z", "2026-11-23T08:30:00Z", R"("sent":1,"targeted":1)"), "figures[1].to"},
        {figure(campaign, "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", R"("sent":1,"targeted":1)"), "figures[1].to"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("sent":1,"targeted":1,"opens":1)"),
         "figures[1].counts.opens"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("sent":1,"targeted":1)", "carrier pigeon"),
         "figures[1].channel"},
        {figure(campaign, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", R"("sent":1,"targeted":1)", "sms",
                R"(,"revenue":{"currency":"EUR","amount":"1.23456"})"),
         "figures[1].revenue.amount"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto res = post_batch(batch("bad-" + std::to_string(i), {good, cases[i].bad}));
        EXPECT_EQ(res.status, 422) << cases[i].bad << " -> " << res.body;
        EXPECT_EQ(str(res.json().at("error").at("details").at("field")), cases[i].field) << res.body;
        EXPECT_FALSE(str(res.json().at("error").at("message")).empty());
    }
    // Nothing of any of them was stored, not even their good figure; and their ids are free.
    EXPECT_EQ(total(report(campaign), "sent"), 0);
    EXPECT_EQ(post_batch(batch("bad-0", {good})).status, 201);
    EXPECT_EQ(total(report(campaign), "sent"), 950);
    // Not JSON, no id, no figures.
    EXPECT_EQ(post_batch("{").status, 400);
    EXPECT_EQ(post_batch(R"({"figures":[]})").status, 422);
    EXPECT_EQ(post_batch(R"({"id":"x","figures":[]})").status, 422);
}

TEST_F(Reports, AnotherTenantsCampaignIsNotFound) {
    auto theirs =
        c->post("/v1/tenants/globex/sandboxes/dev/campaigns",
                R"({"name":"Theirs","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"hi"}}})",
                globex.token_of.at("editor"));
    ASSERT_EQ(theirs.status, 201);
    const std::string their_id = str(theirs.json().at("id"));
    const std::string mine = figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical);
    auto res =
        post_batch(batch("x-1", {mine, figure(their_id, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)}));
    EXPECT_EQ(res.status, 404) << res.body;
    EXPECT_EQ(res.body.find("Theirs"), std::string::npos);
    EXPECT_EQ(total(report(campaign), "sent"), 0);
    EXPECT_EQ(c->get(dev + "campaigns/" + their_id + "/report", editor).status, 404);
    // globex's people see nothing of acme's figures, nor can they post any.
    EXPECT_EQ(c->get(dev + "campaigns/" + campaign + "/report", globex.admin_token).status, 404);
    EXPECT_EQ(c->get(dev + "reports/overview", globex.admin_token).status, 404);
    EXPECT_EQ(c->post(dev + "figure-batches", batch("x-2", {mine}), globex.admin_token).status, 404);
}

TEST_F(Reports, AReporterTokenReportsAndReadsNothing) {
    ASSERT_EQ(
        post_batch(batch("r-1", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)})).status,
        201);
    auto warned = c->post(dev + "campaigns/" + campaign + "/execution-events",
                          R"({"type":"warning","reason":"slow provider"})", engine);
    ASSERT_EQ(warned.status, 200) << warned.body;
    EXPECT_EQ(warned.body.find("Welcome"), std::string::npos) << "the answer shows the campaign: " << warned.body;
    EXPECT_EQ(c->get(dev + "campaigns/" + campaign, engine).status, 403);
    EXPECT_EQ(c->get(dev + "campaigns", engine).status, 403);
    EXPECT_EQ(c->get(dev + "campaigns/" + campaign + "/report", engine).status, 403);
    EXPECT_EQ(c->get(dev + "reports/overview", engine).status, 403);
    EXPECT_EQ(c->get(dev + "segments", engine).status, 403);
    EXPECT_EQ(c->request("PATCH", dev + "campaigns/" + campaign, engine, nullptr, {"If-Match: *"}).status, 403);
    EXPECT_EQ(c->post(dev + "campaigns/" + campaign + "/actions/pause", "{}", engine).status, 403);
    EXPECT_EQ(c->post(dev + "campaigns", R"({"name":"x","type":"api_triggered","channels":["sms"]})", engine).status,
              403);
    EXPECT_EQ(c->get("/v1/tenants/acme/sandboxes", engine).status, 403);
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews", engine).status, 403);
    EXPECT_EQ(c->get("/v1/tenants/acme/packages", engine).status, 403);
    // Another sandbox is invisible to it.
    EXPECT_EQ(c->post("/v1/tenants/acme/sandboxes/prod/figure-batches", batch("r-2", {}), engine).status, 404);
    // A viewer cannot report.
    EXPECT_EQ(post_batch(batch("r-3", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)}),
                         acme.token_of.at("viewer"))
                  .status,
              403);
    // The users API knows the role; an approval policy cannot name it.
    auto user = c->get("/v1/tenants/acme/users/engine", acme.admin_token);
    EXPECT_EQ(str(user.json().at("roles").as_array()[0].at("role")), "reporter");
    auto policy = c->post("/v1/tenants/acme/approval-policies",
                          R"({"name":"p","scope":"campaign","conditions":{"all":[]},"approvers":{"role":"reporter"}})",
                          acme.admin_token);
    EXPECT_EQ(policy.status, 422) << policy.body;
}

TEST_F(Reports, HourBucketsAcrossADayBoundaryAndRatesAsStated) {
    // 23:00-24:00 on Sunday, and two halves of 00:00-01:00 on Monday (summed into one hour).
    ASSERT_EQ(post_batch(batch("d-1", {figure(campaign, "2026-11-22T23:00:00Z", "2026-11-23T00:00:00Z", typical),
                                       figure(campaign, "2026-11-23T00:00:00Z", "2026-11-23T00:30:00Z",
                                              R"("targeted":100,"sent":100,"delivered":50)"),
                                       figure(campaign, "2026-11-23T00:30:00Z", "2026-11-23T01:00:00Z",
                                              R"("targeted":100,"sent":100,"delivered":50,"opened":25)", "email",
                                              R"(,"revenue":{"currency":"EUR","amount":"12.5"})")}))
                  .status,
              201);
    const auto day = report(campaign);
    EXPECT_EQ(str(day.at("grain")), "hour");
    EXPECT_EQ(str(day.at("from")), "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(str(day.at("to")), "2026-11-23T10:00:00.000Z");
    const auto& series = day.at("series").as_array();
    ASSERT_EQ(series.size(), 24U);
    EXPECT_EQ(str(series[13].at("start")), "2026-11-22T23:00:00.000Z");
    EXPECT_EQ(series[13].at("counts").at("sent").as_int64(), 950);
    EXPECT_EQ(str(series[14].at("start")), "2026-11-23T00:00:00.000Z");
    EXPECT_EQ(series[14].at("counts").at("sent").as_int64(), 200);
    EXPECT_EQ(series[15].at("counts").at("sent").as_int64(), 0);
    // Totals and rates: delivered/sent, bounced/sent, opened/clicked/converted/unsubscribed over delivered.
    EXPECT_EQ(total(day, "sent"), 1150);
    EXPECT_EQ(total(day, "delivered"), 1000);
    const auto& rates = day.at("totals").at("rates");
    EXPECT_DOUBLE_EQ(rates.at("delivery").as_double(), 0.8696);  // 1000 / 1150
    EXPECT_DOUBLE_EQ(rates.at("bounce").as_double(), 0.0348);    // 40 / 1150
    EXPECT_DOUBLE_EQ(rates.at("open").as_double(), 0.475);       // 475 / 1000
    EXPECT_DOUBLE_EQ(rates.at("click_through").as_double(), 0.09);
    EXPECT_DOUBLE_EQ(rates.at("conversion").as_double(), 0.018);
    EXPECT_DOUBLE_EQ(rates.at("unsubscribe").as_double(), 0.009);
    EXPECT_EQ(str(day.at("totals").at("revenue").as_array()[0].at("amount")), "12.5000");
    // Per channel: sms and email.
    const auto& channels = day.at("by_channel").as_array();
    ASSERT_EQ(channels.size(), 2U);
    EXPECT_EQ(str(channels[0].at("channel")), "email");
    EXPECT_EQ(channels[0].at("counts").at("sent").as_int64(), 100);
    EXPECT_TRUE(channels[0].at("rates").at("delivery").is_double());

    // The full report, by the day: Sunday and Monday.
    const auto full = report(campaign, "full");
    EXPECT_EQ(str(full.at("grain")), "day");
    const auto& days = full.at("series").as_array();
    ASSERT_EQ(days.size(), 2U);
    EXPECT_EQ(str(days[0].at("start")), "2026-11-22T00:00:00.000Z");
    EXPECT_EQ(days[0].at("counts").at("sent").as_int64(), 950);
    EXPECT_EQ(days[1].at("counts").at("sent").as_int64(), 200);
    // An empty report has null rates, not a division by zero.
    const std::string quiet = live_campaign("Quiet");
    EXPECT_TRUE(report(quiet).at("totals").at("rates").at("delivery").is_null());
}

TEST_F(Reports, HoursRollUpIntoDaysAfterThirtyDays) {
    ASSERT_EQ(post_batch(batch("o-1", {figure(campaign, "2026-11-22T23:00:00Z", "2026-11-23T00:00:00Z", typical),
                                       figure(campaign, "2026-11-23T00:00:00Z", "2026-11-23T01:00:00Z", typical),
                                       figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)}))
                  .status,
              201);
    const auto before = report(campaign, "full");
    // 31 days later (a scheduler pass runs with each move of the clock).
    advance(31LL * 24 * 3600);
    const auto after = report(campaign, "full");
    const auto& b = before.at("series").as_array();
    const auto& a = after.at("series").as_array();
    ASSERT_GE(a.size(), 2U);
    EXPECT_EQ(a[0].at("counts"), b[0].at("counts"));
    EXPECT_EQ(a[1].at("counts"), b[1].at("counts"));
    EXPECT_EQ(a[1].at("counts").at("sent").as_int64(), 1900);
    EXPECT_EQ(total(after, "sent"), 2850);
    EXPECT_EQ(total(report(campaign), "sent"), 0);  // nothing in the last 24 hours
    // A late batch for an hour older than 30 days lands in its day directly.
    ASSERT_EQ(post_batch(batch("o-2", {figure(campaign, "2026-11-23T05:00:00Z", "2026-11-23T06:00:00Z",
                                              R"("targeted":7,"sent":7)")}))
                  .status,
              201);
    EXPECT_EQ(report(campaign, "full").at("series").as_array()[1].at("counts").at("sent").as_int64(), 1907);
    // On SQLite, the buckets themselves: only daily ones are left for those days.
    if (std::getenv("FERRY_TEST_BACKEND") == nullptr || std::string(std::getenv("FERRY_TEST_BACKEND")) == "sqlite") {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open_v2((server->data_dir() / "ferry.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
                  SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* st = nullptr;
        ASSERT_EQ(
            sqlite3_prepare_v2(db, "SELECT grain, COUNT(*) FROM campaign_figures GROUP BY grain", -1, &st, nullptr),
            SQLITE_OK);
        std::map<std::string, int> rows;
        while (sqlite3_step(st) == SQLITE_ROW)
            rows[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = sqlite3_column_int(st, 1);
        sqlite3_finalize(st);
        sqlite3_close(db);
        EXPECT_EQ(rows["hour"], 0);
        EXPECT_EQ(rows["day"], 2);  // Sunday, Monday (one channel, one version, no currency)
    }
}

TEST_F(Reports, FiguresFollowTheLiveVersions) {
    ASSERT_EQ(
        post_batch(batch("v-1", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical)})).status,
        201);
    advance(3600);  // 10:30
    const std::string draft = R"({"name":"Welcome v2","channels":["sms"],"content":{"sms":{"body":"hello again"}}})";
    ASSERT_EQ(c->request("PUT", dev + "campaigns/" + campaign + "/draft", editor, &draft).status, 200);
    auto v2 = c->post(dev + "campaigns/" + campaign + "/actions/activate-draft", "{}", editor);
    ASSERT_EQ(v2.status, 200) << v2.body;
    ASSERT_EQ(v2.json().at("live_version").as_int64(), 2);
    advance(3600);  // 11:30
    ASSERT_EQ(post_batch(
                  batch("v-2",
                        {figure(campaign, "2026-11-23T11:00:00Z", "2026-11-23T11:30:00Z", R"("targeted":10,"sent":10)"),
                         // A late figure of the hour v1 was live is v1's.
                         figure(campaign, "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", R"("targeted":3,"sent":3)")}))
                  .status,
              201);
    const auto r = report(campaign);
    const auto& versions = r.at("by_version").as_array();
    ASSERT_EQ(versions.size(), 2U) << json::serialize(r);
    EXPECT_EQ(versions[0].at("version").as_int64(), 1);
    EXPECT_EQ(versions[0].at("counts").at("sent").as_int64(), 953);
    EXPECT_EQ(versions[1].at("version").as_int64(), 2);
    EXPECT_EQ(versions[1].at("counts").at("sent").as_int64(), 10);
    EXPECT_EQ(r.at("campaign").at("live_version").as_int64(), 2);
    // A version the campaign never had is refused.
    EXPECT_EQ(post_batch(batch("v-3", {figure(campaign, "2026-11-23T11:00:00Z", "2026-11-23T11:30:00Z",
                                              R"("targeted":1)", "sms", R"(,"version":7)")}))
                  .status,
              422);
}

TEST_F(Reports, ArchivedCampaignsLeaveTheOverviewAndComeBackWhenUnarchived) {
    const std::string other = live_campaign("Second");
    ASSERT_EQ(post_batch(batch("a-1", {figure(campaign, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", typical),
                                       figure(other, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z",
                                              R"("targeted":100,"sent":100)")}))
                  .status,
              201);
    auto overview = [&] {
        auto res = c->get(dev + "reports/overview", acme.token_of.at("viewer"));
        EXPECT_EQ(res.status, 200) << res.body;
        return res.json().as_object();
    };
    auto o = overview();
    EXPECT_EQ(total(o, "sent"), 1050);
    ASSERT_EQ(o.at("top_campaigns").as_array().size(), 2U);
    EXPECT_EQ(str(o.at("top_campaigns").as_array()[0].at("campaign").at("id")), campaign);  // more sent first
    EXPECT_EQ(o.at("series").as_array().size(), 30U);

    ASSERT_EQ(c->post(dev + "campaigns/" + campaign + "/actions/archive", "{}", editor).status, 200);
    o = overview();
    EXPECT_EQ(total(o, "sent"), 100);
    ASSERT_EQ(o.at("top_campaigns").as_array().size(), 1U);
    EXPECT_EQ(str(o.at("top_campaigns").as_array()[0].at("campaign").at("id")), other);
    // The campaign's own report still shows its figures.
    EXPECT_EQ(total(report(campaign), "sent"), 950);

    ASSERT_EQ(c->post(dev + "campaigns/" + campaign + "/actions/unarchive", "{}", editor).status, 200);
    EXPECT_EQ(total(overview(), "sent"), 1050);
    // A period outside the figures, and bad periods.
    EXPECT_EQ(total(c->get(dev + "reports/overview?from=2026-10-01&to=2026-10-31", editor).json().as_object(), "sent"),
              0);
    EXPECT_EQ(c->get(dev + "reports/overview?from=2026-11-30&to=2026-11-01", editor).status, 400);
    EXPECT_EQ(c->get(dev + "reports/overview?from=yesterday", editor).status, 400);
    EXPECT_EQ(c->get(dev + "campaigns/" + campaign + "/report?period=week", editor).status, 400);
}

}  // namespace
