// In-app message priority without a server: the level as content (parse_spec keeps it, the
// default stored as nothing), who is in a sandbox's order and in which order, and what a request
// for an exact order must hold.

#include "campaigns/in_app_priority.hpp"

#include "campaigns/spec.hpp"
#include "core/error.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace ferry;
namespace json = boost::json;

namespace {

class AnyReference final : public SpecReferences {
public:
    std::optional<std::string> check_segment(std::string_view) override { return std::nullopt; }
    std::optional<std::string> check_template(std::string_view, Channel) override { return std::nullopt; }
};

CampaignSpec spec_of(const std::string& text) {
    AnyReference refs;
    return parse_spec(json::parse(text).as_object(), refs, true);
}

Campaign campaign(const std::string& id, CampaignStatus status, const std::string& priority,
                  std::vector<Channel> channels = {Channel::in_app}) {
    Campaign c;
    c.id = id;
    c.status = status;
    c.spec.channels = std::move(channels);
    json::object in_app{{"body", "hi"}};
    if (!priority.empty()) in_app["priority"] = priority;
    c.spec.content["in_app"] = std::move(in_app);
    return c;
}

std::vector<std::string> ids(const std::vector<InAppEntry>& order) {
    std::vector<std::string> out;
    for (const auto& e : order) out.push_back(e.campaign.id);
    return out;
}

// The error exact_in_app_order throws, as (status, details.field).
std::pair<int, std::string> refusal(const std::vector<InAppEntry>& order, const std::vector<std::string>& requested,
                                    const SandboxCampaign& lookup) {
    try {
        exact_in_app_order(order, requested, lookup);
    } catch (const Error& e) {
        const auto* field = e.details().if_contains("field");
        return {e.status(), field != nullptr ? std::string(field->as_string()) : ""};
    }
    return {200, ""};
}

}  // namespace

TEST(InAppPriority, TheLevelIsContentAndMediumIsStoredAsNothing) {
    const auto high =
        spec_of(R"({"name":"n","channels":["in_app"],"content":{"in_app":{"body":"b","priority":"high"}}})");
    EXPECT_EQ(high.content.at("in_app").at("priority"), "high");
    EXPECT_EQ(in_app_level(high), InAppLevel::high);
    // "medium" and nothing are the same content (and so the same digest and package file).
    const auto medium =
        spec_of(R"({"name":"n","channels":["in_app"],"content":{"in_app":{"body":"b","priority":"medium"}}})");
    const auto none = spec_of(R"({"name":"n","channels":["in_app"],"content":{"in_app":{"body":"b"}}})");
    EXPECT_EQ(medium, none);
    EXPECT_EQ(in_app_level(none), InAppLevel::medium);
    // Responses show the spec as stored: no priority is medium.
    EXPECT_FALSE(redacted_spec_json(none).at("content").at("in_app").as_object().contains("priority"));
    // With a template, the priority stays the campaign's.
    const auto templated =
        spec_of(R"({"name":"n","channels":["in_app"],"content":{"in_app":{"template":"tpl_x","priority":"low"}}})");
    EXPECT_EQ(in_app_level(templated), InAppLevel::low);
    // Only in-app content has a priority, and only these three.
    try {
        spec_of(R"({"name":"n","channels":["in_app"],"content":{"in_app":{"body":"b","priority":"urgent"}}})");
        FAIL() << "urgent accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.details().at("field"), "content.in_app.priority");
    }
    try {
        spec_of(R"({"name":"n","channels":["sms"],"content":{"sms":{"body":"b","priority":"high"}}})");
        FAIL() << "an SMS priority accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "unknown_field");
    }
    EXPECT_FALSE(in_app_level(spec_of(R"({"name":"n","channels":["sms"],"content":{"sms":{"body":"b"}}})")));
}

TEST(InAppPriority, OnlyLiveInAppCampaignsAreInTheOrderByLevelThenRank) {
    using S = CampaignStatus;
    for (const S s : {S::scheduled, S::active, S::paused}) EXPECT_TRUE(in_app_order_level(campaign("c", s, "")));
    for (const S s :
         {S::draft, S::in_review, S::stopped, S::completed, S::failed, S::archived, S::publishing, S::closed})
        EXPECT_FALSE(in_app_order_level(campaign("c", s, ""))) << to_string(s);
    EXPECT_FALSE(in_app_order_level(campaign("c", S::active, "", {Channel::email})));

    const std::vector<InAppEntry> order = in_app_order({
        {campaign("low", S::active, "low"), 1},
        {campaign("m2", S::active, ""), 7},
        {campaign("draft", S::draft, "high"), 0},
        {campaign("m1", S::paused, "medium"), 3},
        {campaign("high", S::scheduled, "high"), 9},
    });
    EXPECT_EQ(ids(order), (std::vector<std::string>{"high", "m1", "m2", "low"}));
    // The tag follows the order, not the stored ranks.
    const auto same = in_app_order({{campaign("high", S::active, "high"), 1},
                                    {campaign("m1", S::active, ""), 2},
                                    {campaign("m2", S::active, ""), 5},
                                    {campaign("low", S::active, "low"), 4}});
    EXPECT_EQ(in_app_order_etag(order), in_app_order_etag(same));
    const auto swapped = in_app_order({{campaign("high", S::active, "high"), 1},
                                       {campaign("m1", S::active, ""), 6},
                                       {campaign("m2", S::active, ""), 5},
                                       {campaign("low", S::active, "low"), 4}});
    EXPECT_NE(in_app_order_etag(order), in_app_order_etag(swapped));
}

TEST(InAppPriority, AnExactOrderNamesEveryCampaignOnceWithLevelsInSequence) {
    using S = CampaignStatus;
    const auto order = in_app_order({{campaign("h", S::active, "high"), 1},
                                     {campaign("m1", S::active, ""), 2},
                                     {campaign("m2", S::active, ""), 3},
                                     {campaign("l", S::active, "low"), 4}});
    const SandboxCampaign lookup = [](std::string_view id) -> std::optional<Campaign> {
        if (id == "stopped") return campaign("stopped", S::stopped, "");
        return std::nullopt;
    };
    EXPECT_EQ(exact_in_app_order(order, {"h", "m2", "m1", "l"}, lookup),
              (std::vector<std::string>{"h", "m2", "m1", "l"}));
    EXPECT_EQ(refusal(order, {"h", "m2", "m1", "m1", "l"}, lookup), (std::pair<int, std::string>{422, "campaigns[3]"}));
    EXPECT_EQ(refusal(order, {"h", "m2", "nobody", "m1", "l"}, lookup),
              (std::pair<int, std::string>{404, "campaigns[2]"}));
    EXPECT_EQ(refusal(order, {"h", "stopped", "m2", "m1", "l"}, lookup),
              (std::pair<int, std::string>{422, "campaigns[1]"}));
    EXPECT_EQ(refusal(order, {"h", "m2", "l"}, lookup), (std::pair<int, std::string>{422, "campaigns"}));
    EXPECT_EQ(refusal(order, {"m2", "h", "m1", "l"}, lookup), (std::pair<int, std::string>{422, "campaigns[1]"}));
    EXPECT_EQ(refusal(order, {"h", "m2", "l", "m1"}, lookup), (std::pair<int, std::string>{422, "campaigns[3]"}));
    EXPECT_EQ(exact_in_app_order({}, {}, lookup), std::vector<std::string>{});
}
