#include "reports/figures.hpp"

#include "core/canonical_json.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cmath>

namespace ferry::reports {

namespace json = boost::json;

namespace {

constexpr std::int64_t hour_ms = 3600LL * 1000;
constexpr std::int64_t day_ms = 24 * hour_ms;
// No count of one interval comes near this; it keeps sums far from overflow.
constexpr std::int64_t max_count = 1'000'000'000'000LL;

std::size_t index_of(std::string_view name) {
    for (std::size_t i = 0; i < count_names.size(); ++i)
        if (count_names[i] == name) return i;
    return count_names.size();
}

Error bad(const std::string& field, std::string message) { return Error::invalid_field(field, std::move(message)); }

// "12.34" (at most 4 decimals, no sign, no exponent) in ten-thousandths; nullopt if not one.
std::optional<std::int64_t> parse_amount(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::int64_t units = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '.'; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        units = units * 10 + (s[i] - '0');
        if (units > max_count) return std::nullopt;
    }
    if (i == 0) return std::nullopt;
    std::int64_t fraction = 0;
    std::size_t digits = 0;
    if (i < s.size()) {
        for (++i; i < s.size(); ++i, ++digits) {
            if (s[i] < '0' || s[i] > '9' || digits == 4) return std::nullopt;
            fraction = fraction * 10 + (s[i] - '0');
        }
        if (digits == 0) return std::nullopt;
    }
    for (; digits < 4; ++digits) fraction *= 10;
    return units * revenue_scale + fraction;
}

bool is_currency(std::string_view s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Timestamp floor_to(Timestamp t, std::int64_t unit) {
    const std::int64_t ms = to_millis(t);
    return from_millis(ms - (((ms % unit) + unit) % unit));
}

json::value rate(std::int64_t numerator, std::int64_t denominator) {
    if (denominator == 0) return nullptr;
    // Four decimals: enough for a percentage with two, and the same on every platform.
    const double r = static_cast<double>(numerator) / static_cast<double>(denominator);
    return std::round(r * 10000.0) / 10000.0;
}

}  // namespace

std::int64_t Counts::get(std::string_view name) const { return n[index_of(name)]; }

Counts& Counts::operator+=(const Counts& other) {
    for (std::size_t i = 0; i < n.size(); ++i) n[i] += other.n[i];
    return *this;
}

bool Counts::empty() const {
    return std::all_of(n.begin(), n.end(), [](std::int64_t v) { return v == 0; });
}

std::string_view to_string(Grain g) { return g == Grain::hour ? "hour" : "day"; }

std::optional<Grain> parse_grain(std::string_view s) {
    if (s == "hour") return Grain::hour;
    if (s == "day") return Grain::day;
    return std::nullopt;
}

std::optional<std::string> inconsistency(const Counts& c) {
    const auto v = [&](std::string_view name) { return c.get(name); };
    if (v("sent") > v("targeted")) return "sent must not exceed targeted";
    if (v("failed") > v("targeted")) return "failed must not exceed targeted";
    if (v("sent") + v("failed") > v("targeted")) return "sent + failed must not exceed targeted";
    if (v("delivered") > v("sent")) return "delivered must not exceed sent";
    if (v("bounced") > v("sent")) return "bounced must not exceed sent";
    if (v("delivered") + v("bounced") > v("sent")) return "delivered + bounced must not exceed sent";
    return std::nullopt;
}

Batch parse_batch(const json::object& body, Timestamp now) {
    Batch batch;
    batch.digest = content_digest(body);
    Fields f(body);
    batch.id = f.required_string("id", 128);
    if (batch.id.empty() || !std::all_of(batch.id.begin(), batch.id.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                   c == '.' || c == ':';
        }))
        throw bad("id", "id must be 1-128 of letters, digits, '-', '_', '.', ':'");
    const json::array& figures = f.required_array("figures");
    f.finish();
    if (figures.empty()) throw bad("figures", "figures must not be empty");
    if (figures.size() > max_batch_entries)
        throw bad("figures", "a batch holds at most " + std::to_string(max_batch_entries) + " figures");
    const Timestamp latest_end = hour_start(now) + std::chrono::hours(1);
    for (std::size_t i = 0; i < figures.size(); ++i) {
        const std::string path = "figures[" + std::to_string(i) + "]";
        if (!figures[i].is_object()) throw bad(path, path + " must be an object");
        Fields e(figures[i].get_object(), path);
        Entry entry;
        entry.campaign = e.required_string("campaign", 64);
        const std::string channel = e.required_string("channel", 16);
        const auto parsed_channel = parse_channel(channel);
        if (!parsed_channel)
            throw bad(e.path_of("channel"), e.path_of("channel") + " must be email, sms, push, in_app or webhook");
        entry.channel = *parsed_channel;
        const auto from = parse_rfc3339(e.required_string("from", 40));
        const auto to = parse_rfc3339(e.required_string("to", 40));
        if (!from) throw bad(e.path_of("from"), e.path_of("from") + " must be an RFC 3339 date-time");
        if (!to) throw bad(e.path_of("to"), e.path_of("to") + " must be an RFC 3339 date-time");
        entry.from = *from;
        entry.to = *to;
        if (entry.to <= entry.from) throw bad(e.path_of("to"), e.path_of("to") + " must be after from");
        if (entry.to > hour_start(entry.from) + std::chrono::hours(1))
            throw bad(e.path_of("to"), path + ": the interval must lie within one UTC hour (send one figure per hour)");
        if (entry.to > latest_end) throw bad(e.path_of("to"), path + ": the interval ends in the future");
        if (to_millis(entry.from) < 946684800000LL)  // 2000-01-01
            throw bad(e.path_of("from"), path + ": the interval starts before 2000");
        entry.version = e.optional_integer("version", 1, 1'000'000'000);
        const json::object& counts = [&]() -> const json::object& {
            const json::object* o = e.optional_object("counts");
            if (o == nullptr) throw bad(e.path_of("counts"), e.path_of("counts") + " is required");
            return *o;
        }();
        Fields cf(counts, e.path_of("counts"));
        for (std::size_t k = 0; k < count_names.size(); ++k)
            entry.counts[k] = cf.optional_integer(count_names[k], 0, max_count).value_or(0);
        cf.finish();
        if (const auto why = inconsistency(entry.counts)) throw bad(e.path_of("counts"), path + ": " + *why);
        if (const json::object* revenue = e.optional_object("revenue")) {
            Fields rf(*revenue, e.path_of("revenue"));
            entry.currency = rf.required_string("currency", 3);
            if (!is_currency(entry.currency))
                throw bad(rf.path_of("currency"), rf.path_of("currency") + " must be an ISO 4217 code like EUR");
            const std::string amount = rf.required_string("amount", 24);
            const auto parsed = parse_amount(amount);
            if (!parsed)
                throw bad(rf.path_of("amount"),
                          rf.path_of("amount") + " must be a non-negative decimal string with at most 4 decimals");
            entry.revenue = *parsed;
            rf.finish();
        }
        e.finish();
        batch.entries.push_back(std::move(entry));
    }
    return batch;
}

Timestamp hour_start(Timestamp t) { return floor_to(t, hour_ms); }
Timestamp day_start(Timestamp t) { return floor_to(t, day_ms); }
Timestamp roll_up_before(Timestamp now) { return day_start(now) - hourly_retention; }

Bucket bucket_of(const Entry& e, std::string_view tenant, std::string_view sandbox, std::int64_t live_version,
                 Timestamp now) {
    Bucket b;
    b.tenant = tenant;
    b.sandbox = sandbox;
    b.campaign = e.campaign;
    b.channel = e.channel;
    b.version = e.version.value_or(live_version);
    b.currency = e.currency;
    b.counts = e.counts;
    b.revenue = e.revenue;
    const Timestamp hour = hour_start(e.from);
    if (hour < roll_up_before(now)) {
        b.grain = Grain::day;
        b.start = day_start(hour);
    } else {
        b.grain = Grain::hour;
        b.start = hour;
    }
    return b;
}

json::object counts_json(const Counts& c) {
    json::object o;
    for (std::size_t i = 0; i < count_names.size(); ++i) o[count_names[i]] = c[i];
    return o;
}

json::object rates_json(const Counts& c) {
    const auto v = [&](std::string_view name) { return c.get(name); };
    return json::object{
        {"delivery", rate(v("delivered"), v("sent"))},        {"bounce", rate(v("bounced"), v("sent"))},
        {"open", rate(v("opened"), v("delivered"))},          {"click_through", rate(v("clicked"), v("delivered"))},
        {"conversion", rate(v("converted"), v("delivered"))}, {"unsubscribe", rate(v("unsubscribed"), v("delivered"))},
    };
}

std::string revenue_text(std::int64_t amount) {
    std::string fraction = std::to_string(amount % revenue_scale);
    fraction.insert(0, 4 - fraction.size(), '0');
    return std::to_string(amount / revenue_scale) + "." + fraction;
}

void Totals::add(const Bucket& b) {
    counts += b.counts;
    if (!b.currency.empty()) revenue[b.currency] += b.revenue;
}

json::object Totals::to_json() const {
    json::array money;
    for (const auto& [currency, amount] : revenue)
        money.push_back(json::object{{"currency", currency}, {"amount", revenue_text(amount)}});
    return json::object{{"counts", counts_json(counts)}, {"rates", rates_json(counts)}, {"revenue", std::move(money)}};
}

Report make_report(const std::vector<Bucket>& buckets, Timestamp from, Timestamp to, Grain grain) {
    Report r;
    r.from = from;
    r.to = to;
    r.grain = grain;
    const std::int64_t unit = grain == Grain::hour ? hour_ms : day_ms;
    for (Timestamp t = from; t < to; t += std::chrono::milliseconds(unit)) r.series.emplace_back(t, Totals{});
    for (const Bucket& b : buckets) {
        if (b.start < from || b.start >= to) continue;
        r.totals.add(b);
        r.by_channel[b.channel].add(b);
        r.by_version[b.version].add(b);
        const auto slot = static_cast<std::size_t>((to_millis(b.start) - to_millis(from)) / unit);
        if (slot < r.series.size()) r.series[slot].second.add(b);
    }
    return r;
}

json::object Report::to_json() const {
    json::array points;
    for (const auto& [start, point] : series) {
        json::array money;
        for (const auto& [currency, amount] : point.revenue)
            money.push_back(json::object{{"currency", currency}, {"amount", revenue_text(amount)}});
        points.push_back(json::object{
            {"start", format_rfc3339(start)}, {"counts", counts_json(point.counts)}, {"revenue", std::move(money)}});
    }
    json::array channels;
    for (const auto& [channel, part] : by_channel) {
        json::object o = part.to_json();
        o.emplace("channel", ferry::to_string(channel));
        channels.push_back(std::move(o));
    }
    json::array versions;
    for (const auto& [version, part] : by_version) {
        json::object o = part.to_json();
        o.emplace("version", version);
        versions.push_back(std::move(o));
    }
    return json::object{{"from", format_rfc3339(from)},       {"to", format_rfc3339(to)},
                        {"grain", reports::to_string(grain)}, {"totals", totals.to_json()},
                        {"series", std::move(points)},        {"by_channel", std::move(channels)},
                        {"by_version", std::move(versions)}};
}

}  // namespace ferry::reports
