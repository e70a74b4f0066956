// The sample data in fixtures/sample/ loads through the API and reaches every status it asks
// for: it stays valid as the API evolves, and the README demo and bench seeder can rely on it.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <map>

using namespace ferry::test;
namespace json = boost::json;

namespace {

json::array load(const std::string& name) {
    return json::parse(read_file(std::string(FERRY_SOURCE_DIR) + "/fixtures/sample/" + name)).as_array();
}

}  // namespace

TEST(Fixtures, SampleSetLoadsAndReachesEveryStatus) {
    FerrydProcess server({{"--test-clock", "--test-clock-start", "2026-11-22T12:00:00Z"}, {}});
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const std::string base = "/v1/tenants/acme/sandboxes/dev/";
    const std::string& token = acme.token_of.at("editor");

    std::map<std::string, std::string> segment_ids;
    std::map<std::string, std::string> template_ids;
    for (const auto& s : load("segments.json")) {
        auto res = c.post(base + "segments", json::serialize(s), token);
        ASSERT_EQ(res.status, 201) << res.body;
        segment_ids[std::string(s.at("key").as_string())] = std::string(res.json().at("id").as_string());
    }
    for (const auto& t : load("templates.json")) {
        auto res = c.post(base + "templates", json::serialize(t), token);
        ASSERT_EQ(res.status, 201) << res.body;
        template_ids[std::string(t.at("key").as_string())] = std::string(res.json().at("id").as_string());
    }

    std::map<std::string, int> reached;
    const auto campaigns = load("campaigns.json");
    for (json::value item : campaigns) {
        json::object& input = item.as_object();
        const std::string want(input.at("fixture_status").as_string());
        input.erase("fixture_status");
        if (auto* audience = input.if_contains("audience"); audience && audience->is_object()) {
            const std::string key(audience->at("segment_key").as_string());
            *audience = json::object{{"segment", segment_ids.at(key)}};
        }
        for (auto& [channel, content] : input.at("content").as_object()) {
            if (auto* key = content.as_object().if_contains("template_key"))
                content = json::object{{"template", template_ids.at(std::string(key->as_string()))}};
        }
        auto created = c.post(base + "campaigns", json::serialize(input), token);
        ASSERT_EQ(created.status, 201) << input.at("key") << ": " << created.body;
        EXPECT_EQ(created.json().at("key"), input.at("key"));
        const std::string id(created.json().at("id").as_string());
        std::vector<std::string> steps;
        if (want != "draft") steps.push_back("activate");
        if (want == "paused") steps.push_back("pause");
        if (want == "stopped") steps.push_back("stop");
        if (want == "archived") steps.push_back("archive");
        std::string status = "draft";
        for (const auto& step : steps) {
            auto res = c.post(base + "campaigns/" + id + "/actions/" + step, "{}", token);
            ASSERT_EQ(res.status, 200) << input.at("key") << " " << step << ": " << res.body;
            status = std::string(res.json().at("status").as_string());
            if (status == "publishing") {
                // Orchestrated campaigns publish first; one scheduler pass makes them live.
                ASSERT_EQ(c.post("/v1/operator/clock", R"({"advance_seconds":1})", server.operator_token()).status,
                          200);
                status = std::string(c.get(base + "campaigns/" + id, token).json().at("status").as_string());
            }
        }
        EXPECT_EQ(status, want) << input.at("key");
        ++reached[status];
    }
    EXPECT_EQ(campaigns.size(), 36U);
    for (const std::string s : {"draft", "active", "scheduled", "paused", "stopped", "archived"})
        EXPECT_GT(reached[s], 0) << s;
    const auto all =
        c.get(base + "campaigns?status=draft,scheduled,active,paused,stopped,archived&limit=200", token).json();
    EXPECT_EQ(all.at("total").as_int64(), 36);
}
