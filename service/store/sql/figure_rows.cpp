#include "store/sql/figure_rows.hpp"

#include "store/sql/values.hpp"

namespace ferry::sql {

using reports::Bucket;
using reports::Grain;

namespace {

// The summed columns, in the order of reports::count_names, then revenue.
constexpr const char* sums =
    "CAST(SUM(targeted) AS BIGINT), CAST(SUM(sent) AS BIGINT), CAST(SUM(delivered) AS BIGINT), "
    "CAST(SUM(bounced) AS BIGINT), CAST(SUM(opened) AS BIGINT), CAST(SUM(clicked) AS BIGINT), "
    "CAST(SUM(converted) AS BIGINT), CAST(SUM(unsubscribed) AS BIGINT), CAST(SUM(failed) AS BIGINT), "
    "CAST(SUM(revenue) AS BIGINT)";

// Reads (start, channel, version, currency, nine counts, revenue) from column `first` on.
Bucket read_sum(const Statement& st, int first) {
    Bucket b;
    b.start = from_millis(st.integer(first));
    b.channel = parse_stored(parse_channel(st.text(first + 1)), "figure channel");
    b.version = st.integer(first + 2);
    b.currency = st.text(first + 3);
    for (std::size_t i = 0; i < reports::count_names.size(); ++i)
        b.counts[i] = st.integer(first + 4 + static_cast<int>(i));
    b.revenue = st.integer(first + 4 + static_cast<int>(reports::count_names.size()));
    return b;
}

}  // namespace

std::optional<reports::BatchRecord> find_figure_batch(Connection& db, std::string_view tenant, std::string_view sandbox,
                                                      std::string_view id) {
    auto st = db.prepare(
        "SELECT digest, status, response, created_at FROM figure_batches WHERE tenant = ? AND sandbox = ? AND id = ?");
    st.bind(1, tenant).bind(2, sandbox).bind(3, id);
    if (!st.step()) return std::nullopt;
    reports::BatchRecord r{
        std::string(tenant), std::string(sandbox),      std::string(id), st.text(0), static_cast<int>(st.integer(1)),
        st.text(2),          from_millis(st.integer(3))};
    st.run();
    return r;
}

void insert_figure_batch(Connection& db, const reports::BatchRecord& b) {
    db.prepare(
          "INSERT INTO figure_batches(tenant, sandbox, id, digest, status, response, created_at) "
          "VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, b.tenant)
        .bind(2, b.sandbox)
        .bind(3, b.id)
        .bind(4, b.digest)
        .bind(5, static_cast<std::int64_t>(b.status))
        .bind(6, b.response)
        .bind(7, to_millis(b.created_at))
        .run();
}

void add_figures(Connection& db, const std::vector<Bucket>& buckets) {
    for (const Bucket& b : buckets) {
        auto st = db.prepare(
            "INSERT INTO campaign_figures(tenant, sandbox, campaign, start, grain, channel, version, currency, "
            "targeted, sent, delivered, bounced, opened, clicked, converted, unsubscribed, failed, revenue) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(tenant, sandbox, campaign, start, grain, channel, version, currency) DO UPDATE SET "
            "targeted = campaign_figures.targeted + excluded.targeted, sent = campaign_figures.sent + excluded.sent, "
            "delivered = campaign_figures.delivered + excluded.delivered, "
            "bounced = campaign_figures.bounced + excluded.bounced, opened = campaign_figures.opened + "
            "excluded.opened, "
            "clicked = campaign_figures.clicked + excluded.clicked, "
            "converted = campaign_figures.converted + excluded.converted, "
            "unsubscribed = campaign_figures.unsubscribed + excluded.unsubscribed, "
            "failed = campaign_figures.failed + excluded.failed, revenue = campaign_figures.revenue + "
            "excluded.revenue");
        st.bind(1, b.tenant)
            .bind(2, b.sandbox)
            .bind(3, b.campaign)
            .bind(4, to_millis(b.start))
            .bind(5, reports::to_string(b.grain))
            .bind(6, to_string(b.channel))
            .bind(7, b.version)
            .bind(8, b.currency);
        for (std::size_t i = 0; i < reports::count_names.size(); ++i) st.bind(9 + static_cast<int>(i), b.counts[i]);
        st.bind(18, b.revenue);
        st.run();
    }
}

std::vector<Bucket> campaign_figures(Connection& db, std::string_view tenant, std::string_view sandbox,
                                     std::string_view campaign, Timestamp from, Timestamp to, Grain grain) {
    // Hourly buckets are read as they are; for a daily report, every bucket is summed into its day.
    const std::string start = grain == Grain::hour ? "start" : "start - (start % 86400000)";
    auto st = db.prepare("SELECT " + start + " AS slot, channel, version, currency, " + sums +
                         " FROM campaign_figures WHERE tenant = ? AND sandbox = ? AND campaign = ? AND start >= ? "
                         "AND start < ? GROUP BY slot, channel, version, currency ORDER BY slot");
    st.bind(1, tenant).bind(2, sandbox).bind(3, campaign).bind(4, to_millis(from)).bind(5, to_millis(to));
    std::vector<Bucket> out;
    while (st.step()) {
        Bucket b = read_sum(st, 0);
        b.tenant = tenant;
        b.sandbox = sandbox;
        b.campaign = campaign;
        b.grain = grain;
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<Bucket> sandbox_figures(Connection& db, std::string_view tenant, std::string_view sandbox, Timestamp from,
                                    Timestamp to) {
    // Archived campaigns do not count (they come back when unarchived): the join reads the
    // campaign's status now.
    auto st = db.prepare(std::string("SELECT f.campaign, f.start - (f.start % 86400000) AS slot, f.channel, f.version, "
                                     "f.currency, ") +
                         "CAST(SUM(f.targeted) AS BIGINT), CAST(SUM(f.sent) AS BIGINT), "
                         "CAST(SUM(f.delivered) AS BIGINT), CAST(SUM(f.bounced) AS BIGINT), "
                         "CAST(SUM(f.opened) AS BIGINT), CAST(SUM(f.clicked) AS BIGINT), "
                         "CAST(SUM(f.converted) AS BIGINT), CAST(SUM(f.unsubscribed) AS BIGINT), "
                         "CAST(SUM(f.failed) AS BIGINT), CAST(SUM(f.revenue) AS BIGINT) "
                         "FROM campaign_figures f JOIN campaigns c "
                         "ON c.tenant = f.tenant AND c.sandbox = f.sandbox AND c.id = f.campaign "
                         "WHERE f.tenant = ? AND f.sandbox = ? AND f.start >= ? AND f.start < ? "
                         "AND c.status <> 'archived' "
                         "GROUP BY f.campaign, slot, f.channel, f.version, f.currency");
    st.bind(1, tenant).bind(2, sandbox).bind(3, to_millis(from)).bind(4, to_millis(to));
    std::vector<Bucket> out;
    while (st.step()) {
        Bucket b = read_sum(st, 1);
        b.tenant = tenant;
        b.sandbox = sandbox;
        b.campaign = st.text(0);
        b.grain = Grain::day;
        out.push_back(std::move(b));
    }
    return out;
}

std::size_t roll_up_figures(Connection& db, Timestamp before) {
    std::int64_t hourly = 0;
    {
        auto count = db.prepare("SELECT COUNT(*) FROM campaign_figures WHERE grain = 'hour' AND start < ?");
        count.bind(1, to_millis(before));
        if (count.step()) hourly = count.integer(0);
        count.run();
    }
    if (hourly == 0) return 0;
    db.prepare(
          std::string("INSERT INTO campaign_figures(tenant, sandbox, campaign, start, grain, channel, version, "
                      "currency, targeted, sent, delivered, bounced, opened, clicked, converted, unsubscribed, "
                      "failed, revenue) SELECT tenant, sandbox, campaign, start - (start % 86400000) AS slot, "
                      "'day', channel, version, currency, ") +
          sums +
          " FROM campaign_figures WHERE grain = 'hour' AND start < ? "
          "GROUP BY tenant, sandbox, campaign, slot, channel, version, currency "
          "ON CONFLICT(tenant, sandbox, campaign, start, grain, channel, version, currency) DO UPDATE SET "
          "targeted = campaign_figures.targeted + excluded.targeted, sent = campaign_figures.sent + excluded.sent, "
          "delivered = campaign_figures.delivered + excluded.delivered, "
          "bounced = campaign_figures.bounced + excluded.bounced, "
          "opened = campaign_figures.opened + excluded.opened, "
          "clicked = campaign_figures.clicked + excluded.clicked, "
          "converted = campaign_figures.converted + excluded.converted, "
          "unsubscribed = campaign_figures.unsubscribed + excluded.unsubscribed, "
          "failed = campaign_figures.failed + excluded.failed, "
          "revenue = campaign_figures.revenue + excluded.revenue")
        .bind(1, to_millis(before))
        .run();
    db.prepare("DELETE FROM campaign_figures WHERE grain = 'hour' AND start < ?").bind(1, to_millis(before)).run();
    return static_cast<std::size_t>(hourly);
}

}  // namespace ferry::sql
