// `ferry campaigns report ID [--24h]` and `ferry reports overview`: the delivery figures of a
// campaign (its last 24 hours by the hour, or its whole life by the day) and of a sandbox over a
// period, with totals and rates (docs/reports.md).

#include "context.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct ReportArgs {
    std::string sandbox;
    std::string id;
    bool last_24h = false;
    std::string from;
    std::string to;
    int top = 10;
};

// A rate (a fraction, or null) as a percentage with one decimal.
std::string percent(const json::value& rate) {
    if (!rate.is_number()) return "-";
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << rate.to_number<double>() * 100.0 << "%";
    return out.str();
}

std::string revenue(const json::value& totals) {
    std::string out;
    if (const auto* money = totals.as_object().if_contains("revenue"); money && money->is_array())
        for (const auto& m : money->as_array())
            out += (out.empty() ? "" : ", ") + text_of(m, "amount") + " " + text_of(m, "currency");
    return out.empty() ? "-" : out;
}

void print_totals(const Context& ctx, const json::value& totals) {
    const json::value& counts = totals.at("counts");
    const json::value& rates = totals.at("rates");
    Fields f;
    for (const char* name :
         {"targeted", "sent", "delivered", "bounced", "opened", "clicked", "converted", "unsubscribed", "failed"})
        f.emplace_back(name, text_of(counts, name));
    f.emplace_back("revenue", revenue(totals));
    f.emplace_back("delivery rate", percent(rates.at("delivery")));
    f.emplace_back("bounce rate", percent(rates.at("bounce")));
    f.emplace_back("open rate", percent(rates.at("open")));
    f.emplace_back("click-through rate", percent(rates.at("click_through")));
    f.emplace_back("conversion rate", percent(rates.at("conversion")));
    f.emplace_back("unsubscribe rate", percent(rates.at("unsubscribe")));
    print_fields(std::cout, f, ctx.out_style());
}

// One table row per slot (hour or day), then per channel and per version.
void print_report(const Context& ctx, const json::value& r) {
    const bool hourly = text_of(r, "grain") == "hour";
    std::cout << text_of(r, "from") << " to " << text_of(r, "to") << " by the " << text_of(r, "grain") << "\n\n";
    print_totals(ctx, r.at("totals"));
    Table series({hourly ? "HOUR" : "DAY", "TARGETED", "SENT", "DELIVERED", "OPENED", "CLICKED", "CONVERTED"});
    for (const auto& p : r.at("series").as_array()) {
        const json::value& c = p.at("counts");
        const std::string start = text_of(p, "start");
        series.add({hourly ? start.substr(0, 16) : start.substr(0, 10), text_of(c, "targeted"), text_of(c, "sent"),
                    text_of(c, "delivered"), text_of(c, "opened"), text_of(c, "clicked"), text_of(c, "converted")});
    }
    std::cout << "\n";
    series.print(std::cout, ctx.out_style());
    for (const char* part : {"by_channel", "by_version"}) {
        const auto* rows = r.as_object().if_contains(part);
        if (rows == nullptr || rows->as_array().empty()) continue;
        const bool channel = std::string_view(part) == "by_channel";
        Table t(
            {channel ? "CHANNEL" : "VERSION", "SENT", "DELIVERED", "DELIVERY", "OPEN", "CLICK-THROUGH", "CONVERSION"});
        for (const auto& row : rows->as_array()) {
            const json::value& rates = row.at("rates");
            t.add({text_of(row, channel ? "channel" : "version"), text_of(row.at("counts"), "sent"),
                   text_of(row.at("counts"), "delivered"), percent(rates.at("delivery")), percent(rates.at("open")),
                   percent(rates.at("click_through")), percent(rates.at("conversion"))});
        }
        std::cout << "\n";
        t.print(std::cout, ctx.out_style());
    }
}

int campaign_report(Context& ctx, const ReportArgs& a) {
    const Response r = ctx.expect_ok(ctx.get(ctx.sandbox_path(
        a.sandbox, "/campaigns/" + url_escape(a.id) + "/report?period=" + (a.last_24h ? "24h" : "full"))));
    if (ctx.print_json(r)) return 0;
    const json::value body = r.json();
    std::cout << (a.last_24h ? "Report (24 h) of " : "Full report of ") << text_of(body, "campaign.name") << " ("
              << text_of(body, "campaign.id") << ", " << text_of(body, "campaign.status") << ", live version "
              << text_of(body, "campaign.live_version") << ")\n";
    print_report(ctx, body);
    return 0;
}

int overview(Context& ctx, const ReportArgs& a) {
    std::string query = "?top=" + std::to_string(a.top);
    if (!a.from.empty()) query += "&from=" + url_escape(a.from);
    if (!a.to.empty()) query += "&to=" + url_escape(a.to);
    const Response r = ctx.expect_ok(ctx.get(ctx.sandbox_path(a.sandbox, "/reports/overview" + query)));
    if (ctx.print_json(r)) return 0;
    const json::value body = r.json();
    std::cout << "Overview of sandbox " << text_of(body, "sandbox") << " (archived campaigns do not count)\n";
    print_report(ctx, body);
    Table top({"CAMPAIGN", "NAME", "STATUS", "SENT", "DELIVERY", "OPEN", "CONVERSION"});
    for (const auto& row : body.at("top_campaigns").as_array()) {
        const json::value& rates = row.at("rates");
        top.add({text_of(row, "campaign.id"), text_of(row, "campaign.name"), text_of(row, "campaign.status"),
                 text_of(row.at("counts"), "sent"), percent(rates.at("delivery")), percent(rates.at("open")),
                 percent(rates.at("conversion"))});
    }
    std::cout << "\n";
    if (top.empty())
        std::cout << "no campaign has figures in this period\n";
    else
        top.print(std::cout, ctx.out_style());
    return 0;
}

}  // namespace

void add_report_commands(CLI::App& root, Commands& commands) {
    // `ferry campaigns report` sits with the other campaign commands.
    CLI::App* campaigns = root.get_subcommand("campaigns");
    auto report = std::make_shared<ReportArgs>();
    CLI::App* r = commands.leaf(*campaigns, "report",
                                "a campaign's delivery figures: its whole life by the day, or with --24h its last 24 "
                                "hours by the hour; totals, rates, per channel and per live version",
                                [report](Context& ctx) { return campaign_report(ctx, *report); });
    r->add_option("id", report->id, "campaign id")->required();
    r->add_flag("--24h", report->last_24h, "the last 24 hours, by the hour (default: the full report, by the day)");
    add_sandbox_option(r, report->sandbox);

    CLI::App* reports = commands.group(root, "reports", "delivery figures of a sandbox's campaigns");
    auto over = std::make_shared<ReportArgs>();
    CLI::App* o = commands.leaf(*reports, "overview",
                                "a sandbox's figures over a period by the day, and its top campaigns by messages "
                                "sent; archived campaigns do not count",
                                [over](Context& ctx) { return overview(ctx, *over); });
    o->add_option("--from", over->from, "first day, YYYY-MM-DD (default: 29 days before --to)");
    o->add_option("--to", over->to, "last day, YYYY-MM-DD (default: today, UTC)");
    o->add_option("--top", over->top, "how many top campaigns, 1-100 (default 10)")->check(CLI::Range(1, 100));
    add_sandbox_option(o, over->sandbox);
}

}  // namespace ferry::cli
