// Delivery figures and campaign reports (docs/reports.md). The use cases are workflows/reports;
// these handlers decode, call one and encode.

#include "workflows/reports.hpp"

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

namespace {

Error bad_report_query(std::string_view parameter, std::string message) {
    return Error(ErrorKind::bad_request, "invalid_query", std::move(message), {{"parameter", parameter}});
}

// A UTC day as YYYY-MM-DD, read as its midnight.
std::optional<Timestamp> parse_day(const std::string& s) {
    if (s.size() != 10) return std::nullopt;
    const auto t = parse_rfc3339(s + "T00:00:00Z");
    if (!t || format_rfc3339(*t).substr(0, 10) != s) return std::nullopt;
    return t;
}

}  // namespace

http::Response post_figure_batch(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto answer = ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        return workflows::ingest_figures(tx, actor, ctx.param("sandbox"), body);
    });
    http::Response res;
    res.status = answer.status;
    res.body = answer.body;
    return res;
}

http::Response get_campaign_report(Context& ctx) {
    const std::string period = ctx.query("period").value_or("24h");
    if (period != "24h" && period != "full") throw bad_report_query("period", "period is 24h or full");
    const auto p = period == "24h" ? workflows::ReportPeriod::last_24_hours : workflows::ReportPeriod::full;
    return json_response(200, ctx.store().read([&](Tx& tx) {
        return workflows::campaign_report(tx, existing_campaign(tx, ctx), p, ctx.now());
    }));
}

http::Response get_sandbox_overview(Context& ctx) {
    // Whole UTC days, `to` included: by default the 30 days ending today.
    const Timestamp today = reports::day_start(ctx.now());
    Timestamp to = today;
    if (const auto q = ctx.query("to")) {
        const auto d = parse_day(*q);
        if (!d) throw bad_report_query("to", "to is a day like 2026-12-07");
        to = *d;
    }
    Timestamp from = to - std::chrono::hours(24 * 29);
    if (const auto q = ctx.query("from")) {
        const auto d = parse_day(*q);
        if (!d) throw bad_report_query("from", "from is a day like 2026-11-08");
        from = *d;
    }
    if (from > to) throw bad_report_query("from", "from must not be after to");
    if (to - from > std::chrono::hours(24 * 400)) throw bad_report_query("from", "a period is at most 401 days");
    std::size_t top = 10;
    if (const auto q = ctx.query("top")) {
        const bool digits = !q->empty() && q->size() <= 3 && std::all_of(q->begin(), q->end(), ::isdigit);
        if (!digits || std::stoul(*q) < 1 || std::stoul(*q) > 100) throw bad_report_query("top", "top is 1 to 100");
        top = std::stoul(*q);
    }
    const Timestamp end = to + std::chrono::hours(24);
    return json_response(200, ctx.store().read([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        return workflows::sandbox_overview(tx, s.tenant, s.id, from, end, top);
    }));
}

}  // namespace ferry::api
