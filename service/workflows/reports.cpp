#include "workflows/reports.hpp"

#include "core/error.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>

namespace ferry::workflows {

namespace json = boost::json;
using reports::Bucket;
using reports::Grain;

namespace {

// The version that was live at `at`: the newest one activated by then; the first one if `at`
// precedes every activation (figures of its first hour); 0 for a campaign never activated.
std::int64_t version_live_at(const std::vector<CampaignVersion>& newest_first, Timestamp at) {
    for (const CampaignVersion& v : newest_first)
        if (v.activated_at <= at) return v.version;
    return newest_first.empty() ? 0 : newest_first.back().version;
}

json::object campaign_summary(const Campaign& c) {
    return json::object{
        {"id", c.id}, {"name", c.spec.name}, {"status", to_string(c.status)}, {"live_version", c.live_version}};
}

}  // namespace

BatchAnswer ingest_figures(Tx& tx, const Actor& actor, std::string_view sandbox, const json::object& body) {
    const reports::Batch batch = reports::parse_batch(body, actor.at);
    if (const auto before = tx.figure_batch(actor.tenant, sandbox, batch.id)) {
        if (before->digest != batch.digest)
            throw Error(ErrorKind::unprocessable, "batch_id_reused",
                        "batch " + batch.id + " was received before with another body", {{"batch", batch.id}});
        return BatchAnswer{before->status, before->response};
    }
    // Each campaign is read once per batch, with its live versions' history.
    std::map<std::string, std::vector<CampaignVersion>, std::less<>> versions;
    std::vector<Bucket> buckets;
    buckets.reserve(batch.entries.size());
    for (std::size_t i = 0; i < batch.entries.size(); ++i) {
        const reports::Entry& e = batch.entries[i];
        auto found = versions.find(e.campaign);
        if (found == versions.end()) {
            if (!tx.campaign(actor.tenant, sandbox, e.campaign))
                throw Error(ErrorKind::not_found, "not_found", "campaign " + e.campaign + " not found",
                            {{"field", "figures[" + std::to_string(i) + "].campaign"}});
            found = versions.emplace(e.campaign, tx.campaign_versions(actor.tenant, sandbox, e.campaign)).first;
        }
        if (e.version && std::none_of(found->second.begin(), found->second.end(),
                                      [&](const CampaignVersion& v) { return v.version == *e.version; }))
            throw Error::invalid_field("figures[" + std::to_string(i) + "].version",
                                       "campaign " + e.campaign + " has no live version " + std::to_string(*e.version));
        buckets.push_back(
            reports::bucket_of(e, actor.tenant, sandbox, version_live_at(found->second, e.from), actor.at));
    }
    tx.add_figures(buckets);
    json::array campaigns;
    for (const auto& [id, history] : versions) campaigns.emplace_back(id);
    const json::object answer{{"id", batch.id},
                              {"accepted", static_cast<std::int64_t>(batch.entries.size())},
                              {"campaigns", std::move(campaigns)},
                              {"received_at", format_rfc3339(actor.at)}};
    BatchAnswer out{201, json::serialize(answer)};
    tx.insert_figure_batch(reports::BatchRecord{actor.tenant, std::string(sandbox), batch.id, batch.digest, out.status,
                                                out.body, actor.at});
    return out;
}

json::object campaign_report(Tx& tx, const Campaign& c, ReportPeriod period, Timestamp now) {
    Timestamp from;
    Timestamp to;
    Grain grain = Grain::hour;
    if (period == ReportPeriod::last_24_hours) {
        to = reports::hour_start(now) + std::chrono::hours(1);
        from = to - std::chrono::hours(24);
    } else {
        grain = Grain::day;
        to = reports::day_start(now) + std::chrono::hours(24);
        // From the first day with figures (they may precede the campaign's creation in ferry,
        // e.g. after an import), or the day it was created.
        const auto all = tx.campaign_figures(c.tenant, c.sandbox, c.id, from_millis(0), to, Grain::day);
        from = reports::day_start(c.created_at);
        if (!all.empty()) from = std::min(from, all.front().start);
        auto report = reports::make_report(all, from, to, grain);
        json::object out = report.to_json();
        out.emplace("period", "full");
        out.emplace("campaign", campaign_summary(c));
        return out;
    }
    const auto buckets = tx.campaign_figures(c.tenant, c.sandbox, c.id, from, to, grain);
    json::object out = reports::make_report(buckets, from, to, grain).to_json();
    out.emplace("period", "24h");
    out.emplace("campaign", campaign_summary(c));
    return out;
}

json::object sandbox_overview(Tx& tx, std::string_view tenant, std::string_view sandbox, Timestamp from, Timestamp to,
                              std::size_t top) {
    const auto buckets = tx.sandbox_figures(tenant, sandbox, from, to);
    json::object out = reports::make_report(buckets, from, to, Grain::day).to_json();
    out.erase("by_version");  // versions are per campaign: they do not add up across a sandbox
    std::map<std::string, reports::Totals> per_campaign;
    for (const Bucket& b : buckets) per_campaign[b.campaign].add(b);
    std::vector<std::pair<std::string, const reports::Totals*>> ranked;
    for (const auto& [id, totals] : per_campaign) ranked.emplace_back(id, &totals);
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second->counts.get("sent") > b.second->counts.get("sent");
    });
    json::array leaders;
    for (std::size_t i = 0; i < ranked.size() && i < top; ++i) {
        const auto c = tx.campaign(tenant, sandbox, ranked[i].first);
        if (!c) continue;
        json::object o = ranked[i].second->to_json();
        o.emplace("campaign", campaign_summary(*c));
        leaders.push_back(std::move(o));
    }
    out.emplace("top_campaigns", std::move(leaders));
    out.emplace("campaigns_with_figures", static_cast<std::int64_t>(per_campaign.size()));
    out.emplace("sandbox", sandbox);
    return out;
}

std::size_t roll_up_figures(Store& store, Timestamp now) {
    const Timestamp before = reports::roll_up_before(now);
    return store.write([&](Tx& tx) { return tx.roll_up_figures(before); });
}

}  // namespace ferry::workflows
