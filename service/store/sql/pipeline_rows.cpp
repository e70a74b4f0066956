#include "store/sql/pipeline_rows.hpp"

#include "pipelines/json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ferry::sql {

namespace json = boost::json;
using pipelines::FreezeWindow;
using pipelines::Pipeline;
using pipelines::Promotion;

namespace {

Pipeline read_pipeline(const Statement& st) {
    Pipeline p = pipelines::pipeline_from_json(json::parse(st.text(1)).as_object());
    p.tenant = st.text(0);
    return p;
}

Promotion read_promotion(const Statement& st) {
    Promotion p = pipelines::promotion_from_json(json::parse(st.text(1)).as_object());
    p.tenant = st.text(0);
    return p;
}

pipelines::Subscription read_subscription(const Statement& st) {
    pipelines::Subscription s = pipelines::subscription_from_json(json::parse(st.text(1)).as_object());
    s.tenant = st.text(0);
    return s;
}

}  // namespace

std::vector<pipelines::Subscription> list_subscriptions(Connection& db, std::string_view tenant) {
    auto st = db.prepare("SELECT tenant, body FROM sync_subscriptions WHERE tenant = ? ORDER BY sandbox, package");
    st.bind(1, tenant);
    std::vector<pipelines::Subscription> out;
    while (st.step()) out.push_back(read_subscription(st));
    return out;
}

std::optional<pipelines::Subscription> find_subscription(Connection& db, std::string_view tenant, std::string_view id) {
    auto st = db.prepare("SELECT tenant, body FROM sync_subscriptions WHERE tenant = ? AND id = ?");
    st.bind(1, tenant).bind(2, id);
    if (!st.step()) return std::nullopt;
    auto s = read_subscription(st);
    st.run();
    return s;
}

void write_subscription(Connection& db, const pipelines::Subscription& s) {
    db.prepare(
          "INSERT INTO sync_subscriptions(tenant, id, sandbox, package, paused, body, revision) "
          "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tenant, id) DO UPDATE SET paused = excluded.paused, "
          "body = excluded.body, revision = excluded.revision")
        .bind(1, s.tenant)
        .bind(2, s.id)
        .bind(3, s.sandbox)
        .bind(4, s.package)
        .bind(5, std::int64_t{s.paused ? 1 : 0})
        .bind(6, json::serialize(pipelines::subscription_storage(s)))
        .bind(7, s.revision)
        .run();
}

void remove_subscription(Connection& db, std::string_view tenant, std::string_view id) {
    db.prepare("DELETE FROM sync_subscriptions WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
}

std::vector<std::pair<std::string, std::string>> list_active_subscriptions(Connection& db, std::size_t limit) {
    auto st = db.prepare("SELECT tenant, id FROM sync_subscriptions WHERE paused = 0 ORDER BY tenant, id LIMIT ?");
    st.bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.text(0), st.text(1));
    return out;
}

std::vector<Pipeline> list_pipelines(Connection& db, std::string_view tenant) {
    auto st = db.prepare("SELECT tenant, body FROM pipelines WHERE tenant = ? ORDER BY name");
    st.bind(1, tenant);
    std::vector<Pipeline> out;
    while (st.step()) out.push_back(read_pipeline(st));
    return out;
}

std::optional<Pipeline> find_pipeline(Connection& db, std::string_view tenant, std::string_view name) {
    auto st = db.prepare("SELECT tenant, body FROM pipelines WHERE tenant = ? AND name = ?");
    st.bind(1, tenant).bind(2, name);
    if (!st.step()) return std::nullopt;
    auto p = read_pipeline(st);
    st.run();
    return p;
}

std::optional<Pipeline> find_pipeline_of_sandbox(Connection& db, std::string_view tenant, std::string_view sandbox) {
    auto st = db.prepare("SELECT pipeline FROM pipeline_stages WHERE tenant = ? AND sandbox = ?");
    st.bind(1, tenant).bind(2, sandbox);
    if (!st.step()) return std::nullopt;
    const std::string name = st.text(0);
    st.run();
    return find_pipeline(db, tenant, name);
}

void write_pipeline(Connection& db, const Pipeline& p) {
    db.prepare(
          "INSERT INTO pipelines(tenant, name, body, revision) VALUES(?, ?, ?, ?) "
          "ON CONFLICT(tenant, name) DO UPDATE SET body = excluded.body, revision = excluded.revision")
        .bind(1, p.tenant)
        .bind(2, p.name)
        .bind(3, json::serialize(pipelines::to_json(p)))
        .bind(4, p.revision)
        .run();
    db.prepare("DELETE FROM pipeline_stages WHERE tenant = ? AND pipeline = ?").bind(1, p.tenant).bind(2, p.name).run();
    for (std::size_t i = 0; i < p.stages.size(); ++i)
        db.prepare("INSERT INTO pipeline_stages(tenant, sandbox, pipeline, position) VALUES(?, ?, ?, ?)")
            .bind(1, p.tenant)
            .bind(2, p.stages[i].sandbox)
            .bind(3, p.name)
            .bind(4, static_cast<std::int64_t>(i))
            .run();
}

void remove_pipeline(Connection& db, std::string_view tenant, std::string_view name) {
    db.prepare("DELETE FROM pipeline_stages WHERE tenant = ? AND pipeline = ?").bind(1, tenant).bind(2, name).run();
    db.prepare("DELETE FROM pipelines WHERE tenant = ? AND name = ?").bind(1, tenant).bind(2, name).run();
}

std::optional<Promotion> find_promotion(Connection& db, std::string_view tenant, std::string_view id) {
    auto st = db.prepare("SELECT tenant, body FROM promotions WHERE tenant = ? AND id = ?");
    st.bind(1, tenant).bind(2, id);
    if (!st.step()) return std::nullopt;
    auto p = read_promotion(st);
    st.run();
    return p;
}

std::vector<Promotion> list_promotions(Connection& db, std::string_view tenant, std::size_t limit) {
    auto st =
        db.prepare("SELECT tenant, body FROM promotions WHERE tenant = ? ORDER BY created_at DESC, id DESC LIMIT ?");
    st.bind(1, tenant).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Promotion> out;
    while (st.step()) out.push_back(read_promotion(st));
    return out;
}

void write_promotion(Connection& db, const Promotion& p) {
    json::object body = pipelines::to_json(p);
    body["request"] = p.request;  // kept, never answered: bindings' values
    std::optional<std::int64_t> due;
    if (const auto at = p.due_at()) due = to_millis(*at);
    db.prepare(
          "INSERT INTO promotions(tenant, id, pipeline, package, stage, status, due_at, created_at, body) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tenant, id) DO UPDATE SET status = excluded.status, "
          "due_at = excluded.due_at, body = excluded.body")
        .bind(1, p.tenant)
        .bind(2, p.id)
        .bind(3, p.pipeline)
        .bind(4, p.package)
        .bind(5, p.stage)
        .bind(6, pipelines::to_string(p.status))
        .bind(7, due)
        .bind(8, to_millis(p.created_at))
        .bind(9, json::serialize(body))
        .run();
}

std::vector<std::pair<std::string, std::string>> list_due_promotions(Connection& db, Timestamp now, std::size_t limit) {
    auto st = db.prepare("SELECT tenant, id FROM promotions WHERE due_at <= ? ORDER BY due_at LIMIT ?");
    st.bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.text(0), st.text(1));
    return out;
}

std::vector<FreezeWindow> list_freeze_windows(Connection& db, std::string_view tenant, std::string_view sandbox) {
    auto st =
        db.prepare("SELECT tenant, body FROM freeze_windows WHERE tenant = ? AND sandbox = ? ORDER BY created_at, id");
    st.bind(1, tenant).bind(2, sandbox);
    std::vector<FreezeWindow> out;
    while (st.step()) {
        FreezeWindow w = pipelines::freeze_window_from_json(json::parse(st.text(1)).as_object());
        w.tenant = st.text(0);
        out.push_back(std::move(w));
    }
    return out;
}

void insert_freeze(Connection& db, const FreezeWindow& w) {
    db.prepare("INSERT INTO freeze_windows(tenant, sandbox, id, created_at, body) VALUES(?, ?, ?, ?, ?)")
        .bind(1, w.tenant)
        .bind(2, w.sandbox)
        .bind(3, w.id)
        .bind(4, to_millis(w.created_at))
        .bind(5, json::serialize(pipelines::to_json(w)))
        .run();
}

void remove_freeze(Connection& db, std::string_view tenant, std::string_view sandbox, std::string_view id) {
    db.prepare("DELETE FROM freeze_windows WHERE tenant = ? AND sandbox = ? AND id = ?")
        .bind(1, tenant)
        .bind(2, sandbox)
        .bind(3, id)
        .run();
}

}  // namespace ferry::sql
