// Delivery figures, pure (reports/figures.hpp): batches checked, buckets by the hour and by the
// day past 30 days, rates as docs/reports.md states them, reports with every slot present.

#include "core/error.hpp"
#include "reports/figures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace ferry;
using namespace ferry::reports;
namespace json = boost::json;

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

Counts counts(std::initializer_list<std::pair<std::string_view, std::int64_t>> values) {
    Counts c;
    for (const auto& [name, v] : values)
        for (std::size_t i = 0; i < count_names.size(); ++i)
            if (count_names[i] == name) c[i] = v;
    return c;
}

std::string field_of(const std::string& body, Timestamp now) {
    try {
        parse_batch(json::parse(body).as_object(), now);
    } catch (const Error& e) {
        return std::string(e.details().at("field").as_string());
    }
    return "";
}

}  // namespace

TEST(Reports, RatesAreTheStatedFractionsAndNullWithoutADenominator) {
    const auto r = rates_json(counts({{"sent", 200},
                                      {"delivered", 180},
                                      {"bounced", 10},
                                      {"opened", 90},
                                      {"clicked", 18},
                                      {"converted", 9},
                                      {"unsubscribed", 3}}));
    EXPECT_DOUBLE_EQ(r.at("delivery").as_double(), 0.9);
    EXPECT_DOUBLE_EQ(r.at("bounce").as_double(), 0.05);
    EXPECT_DOUBLE_EQ(r.at("open").as_double(), 0.5);
    EXPECT_DOUBLE_EQ(r.at("click_through").as_double(), 0.1);
    EXPECT_DOUBLE_EQ(r.at("conversion").as_double(), 0.05);
    EXPECT_DOUBLE_EQ(r.at("unsubscribe").as_double(), 0.0167);
    const auto none = rates_json(Counts{});
    for (const auto& [name, value] : none) EXPECT_TRUE(value.is_null()) << name;
}

TEST(Reports, CountsThatCannotBeTrueOfOneIntervalAreRefused) {
    EXPECT_FALSE(
        inconsistency(counts({{"targeted", 10}, {"sent", 9}, {"failed", 1}, {"delivered", 8}, {"bounced", 1}})));
    EXPECT_TRUE(inconsistency(counts({{"targeted", 10}, {"sent", 11}})));
    EXPECT_TRUE(inconsistency(counts({{"targeted", 10}, {"sent", 9}, {"failed", 2}})));
    EXPECT_TRUE(inconsistency(counts({{"targeted", 10}, {"sent", 5}, {"delivered", 6}})));
    EXPECT_TRUE(inconsistency(counts({{"targeted", 10}, {"sent", 5}, {"delivered", 4}, {"bounced", 2}})));
    // Engagement may come in a later hour than the delivery it follows.
    EXPECT_FALSE(inconsistency(counts({{"opened", 5}, {"clicked", 3}, {"converted", 1}, {"unsubscribed", 1}})));
}

TEST(Reports, ABatchIsCheckedEntryByEntry) {
    const Timestamp now = at("2026-11-23T09:30:00Z");
    const std::string ok =
        R"({"campaign":"c1","channel":"email","from":"2026-11-23T08:00:00Z","to":"2026-11-23T09:00:00Z","counts":{"targeted":3,"sent":2},"revenue":{"currency":"EUR","amount":"1.5"}})";
    const auto batch = parse_batch(json::parse(R"({"id":"b1","figures":[)" + ok + "]}").as_object(), now);
    ASSERT_EQ(batch.entries.size(), 1U);
    EXPECT_EQ(batch.entries[0].revenue, 15000);
    EXPECT_EQ(batch.entries[0].counts.get("sent"), 2);
    EXPECT_EQ(
        field_of(
            R"({"id":"b1","figures":[)" + ok + "," +
                R"({"campaign":"c1","channel":"email","from":"2026-11-23T09:00:00Z","to":"2026-11-23T10:00:00Z","counts":{"sent":-1}}]})",
            now),
        "figures[1].counts.sent");
    // Within the current hour is fine; the next hour is the future.
    EXPECT_EQ(
        field_of(
            R"({"id":"b1","figures":[{"campaign":"c1","channel":"sms","from":"2026-11-23T09:00:00Z","to":"2026-11-23T10:00:00Z","counts":{}}]})",
            now),
        "");
    EXPECT_EQ(
        field_of(
            R"({"id":"b1","figures":[{"campaign":"c1","channel":"sms","from":"2026-11-23T10:00:00Z","to":"2026-11-23T10:30:00Z","counts":{}}]})",
            now),
        "figures[0].to");
    EXPECT_EQ(field_of(R"({"id":"b 1","figures":[]})", now), "id");
    EXPECT_EQ(revenue_text(15000), "1.5000");
    EXPECT_EQ(revenue_text(7), "0.0007");
}

TEST(Reports, BucketsAreHoursForThirtyDaysThenDays) {
    const Timestamp now = at("2026-12-31T09:30:00Z");
    EXPECT_EQ(roll_up_before(now), at("2026-12-01T00:00:00Z"));
    Entry e;
    e.campaign = "c1";
    e.from = at("2026-12-01T07:15:00Z");
    e.to = at("2026-12-01T07:45:00Z");
    Bucket b = bucket_of(e, "acme", "dev", 3, now);
    EXPECT_EQ(b.grain, Grain::hour);
    EXPECT_EQ(b.start, at("2026-12-01T07:00:00Z"));
    EXPECT_EQ(b.version, 3);
    e.from = at("2026-11-30T23:15:00Z");
    e.version = 2;
    b = bucket_of(e, "acme", "dev", 3, now);
    EXPECT_EQ(b.grain, Grain::day);
    EXPECT_EQ(b.start, at("2026-11-30T00:00:00Z"));
    EXPECT_EQ(b.version, 2);
}

TEST(Reports, AReportHasEverySlotOfItsPeriod) {
    Bucket a;
    a.start = at("2026-11-23T08:00:00Z");
    a.counts = counts({{"sent", 5}});
    a.channel = Channel::sms;
    a.version = 1;
    Bucket b = a;
    b.start = at("2026-11-22T23:00:00Z");
    b.channel = Channel::email;
    b.version = 2;
    b.currency = "EUR";
    b.revenue = 12345;
    const Report r = make_report({a, b}, at("2026-11-22T10:00:00Z"), at("2026-11-23T10:00:00Z"), Grain::hour);
    ASSERT_EQ(r.series.size(), 24U);
    EXPECT_EQ(r.series[13].second.counts.get("sent"), 5);
    EXPECT_EQ(r.series[22].second.counts.get("sent"), 5);
    EXPECT_EQ(r.totals.counts.get("sent"), 10);
    EXPECT_EQ(r.by_channel.size(), 2U);
    EXPECT_EQ(r.by_version.at(2).revenue.at("EUR"), 12345);
    const auto j = r.to_json();
    EXPECT_EQ(j.at("totals").at("revenue").as_array()[0].at("amount").as_string(), "1.2345");
}
