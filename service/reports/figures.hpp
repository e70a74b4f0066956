#pragma once
// Delivery figures and the reports made of them (docs/reports.md). Pure: a batch as the delivery
// engine sends it is checked and cut into hour (or, past 30 days, day) buckets; buckets read back
// from storage are summed into totals, series and rates. No clock, no storage: time comes in.

#include "campaigns/model.hpp"
#include "core/time.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::reports {

// The counts a delivery engine reports, in this order (storage columns, wire keys).
inline constexpr std::array<std::string_view, 9> count_names{
    "targeted", "sent", "delivered", "bounced", "opened", "clicked", "converted", "unsubscribed", "failed"};

struct Counts {
    std::array<std::int64_t, 9> n{};
    std::int64_t& operator[](std::size_t i) { return n[i]; }
    std::int64_t operator[](std::size_t i) const { return n[i]; }
    std::int64_t get(std::string_view name) const;
    Counts& operator+=(const Counts& other);
    bool empty() const;
    friend bool operator==(const Counts&, const Counts&) = default;
};

// Revenue is kept in ten-thousandths of the currency's unit, so that sums are exact.
inline constexpr std::int64_t revenue_scale = 10000;

enum class Grain { hour, day };
std::string_view to_string(Grain g);
std::optional<Grain> parse_grain(std::string_view s);

// One bucket: what a campaign's channel did while `version` was live, in the hour (or day)
// starting at `start`. `currency` is empty when no revenue was reported.
struct Bucket {
    std::string tenant;
    std::string sandbox;
    std::string campaign;
    Timestamp start;
    Grain grain = Grain::hour;
    Channel channel = Channel::email;
    std::int64_t version = 0;
    std::string currency;
    Counts counts;
    std::int64_t revenue = 0;
};

// One entry of a batch, checked: its campaign, channel, the hour its interval lies in.
struct Entry {
    std::string campaign;
    Channel channel = Channel::email;
    Timestamp from;
    Timestamp to;
    std::optional<std::int64_t> version;  // absent: the campaign's live version at ingestion
    Counts counts;
    std::string currency;
    std::int64_t revenue = 0;
};

struct Batch {
    std::string id;
    std::string digest;  // of the body's canonical JSON: a retry with the same id must match it
    std::vector<Entry> entries;
};

inline constexpr std::size_t max_batch_entries = 1000;
// Hours older than this (counted from the start of the current UTC day) are kept as days.
inline constexpr std::chrono::hours hourly_retention{24 * 30};

// Reads and checks a batch; throws Error (422, with the entry's index and field) for the first
// thing wrong, so that a bad batch is refused whole. `now` bounds intervals: none may end after
// the current hour.
Batch parse_batch(const boost::json::object& body, Timestamp now);

// The first reason the counts cannot be true of one interval, if any.
std::optional<std::string> inconsistency(const Counts& c);

Timestamp hour_start(Timestamp t);
Timestamp day_start(Timestamp t);
// Buckets starting before this are days: the start of the UTC day 30 days before now's.
Timestamp roll_up_before(Timestamp now);

// The bucket an entry adds into, given the campaign's live version and now.
Bucket bucket_of(const Entry& e, std::string_view tenant, std::string_view sandbox, std::int64_t live_version,
                 Timestamp now);

// Rates, as fractions (null when the denominator is 0): delivery = delivered/sent, bounce =
// bounced/sent, open = opened/delivered, click_through = clicked/delivered, conversion =
// converted/delivered, unsubscribe = unsubscribed/delivered.
boost::json::object rates_json(const Counts& c);
boost::json::object counts_json(const Counts& c);
// "12.3400" style: exact decimal of an amount in ten-thousandths.
std::string revenue_text(std::int64_t amount);

// Totals of a set of buckets: counts, rates and revenue per currency.
struct Totals {
    Counts counts;
    std::map<std::string, std::int64_t> revenue;  // currency -> amount
    void add(const Bucket& b);
    boost::json::object to_json() const;
};

// A report over [from, to) at a grain: totals, one point per bucket of the grain (zeros where
// nothing was reported), and totals per channel and per live version.
struct Report {
    Timestamp from;
    Timestamp to;
    Grain grain = Grain::hour;
    Totals totals;
    std::vector<std::pair<Timestamp, Totals>> series;
    std::map<Channel, Totals> by_channel;
    std::map<std::int64_t, Totals> by_version;
    boost::json::object to_json() const;
};

// The answer given to a batch, kept under its id so that a retry gets it again.
struct BatchRecord {
    std::string tenant;
    std::string sandbox;
    std::string id;
    std::string digest;
    int status = 0;
    std::string response;  // the JSON body
    Timestamp created_at;
};

// Buckets (any grain) summed into a report; buckets outside [from, to) are ignored.
Report make_report(const std::vector<Bucket>& buckets, Timestamp from, Timestamp to, Grain grain);

}  // namespace ferry::reports
