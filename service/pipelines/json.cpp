#include "pipelines/json.hpp"

#include "pipelines/freeze.hpp"

namespace ferry::pipelines {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<Timestamp>& t) {
    return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

std::optional<Timestamp> optional_time(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return parse_rfc3339(v->as_string());
}

Timestamp time_of(const json::object& o, std::string_view key) { return optional_time(o, key).value_or(Timestamp{}); }

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object weekly_json(const WeeklyTime& t) {
    return {{"day", weekday_name(t.day)}, {"time", format_clock(t.minute)}};
}

WeeklyTime weekly_from(const json::object& o) {
    return WeeklyTime{parse_weekday(o.at("day").as_string()).value_or(0),
                      parse_clock(o.at("time").as_string()).value_or(0)};
}

}  // namespace

json::object to_json(const Pipeline& p) {
    json::array stages;
    for (std::size_t i = 0; i < p.stages.size(); ++i) {
        const Stage& s = p.stages[i];
        stages.push_back(json::object{{"sandbox", s.sandbox},
                                      {"position", static_cast<std::int64_t>(i)},
                                      {"soak_seconds", s.soak_seconds},
                                      {"health_gate", s.health_gate}});
    }
    return {{"name", p.name},
            {"description", p.description},
            {"stages", std::move(stages)},
            {"created_at", format_rfc3339(p.created_at)},
            {"created_by", p.created_by},
            {"updated_at", format_rfc3339(p.updated_at)},
            {"updated_by", p.updated_by},
            {"revision", p.revision}};
}

Pipeline pipeline_from_json(const json::object& o) {
    Pipeline p;
    p.name = text(o, "name");
    p.description = text(o, "description");
    for (const auto& v : o.at("stages").as_array()) {
        const auto& s = v.as_object();
        p.stages.push_back(
            Stage{text(s, "sandbox"), s.at("soak_seconds").to_number<std::int64_t>(), s.at("health_gate").as_bool()});
    }
    p.created_at = time_of(o, "created_at");
    p.created_by = text(o, "created_by");
    p.updated_at = time_of(o, "updated_at");
    p.updated_by = text(o, "updated_by");
    p.revision = o.at("revision").to_number<std::int64_t>();
    return p;
}

json::object to_json(const Waiting& w) {
    return {{"reason", to_string(w.reason)},
            {"message", w.message},
            {"until", time_or_null(w.until)},
            {"window", text_or_null(w.window)},
            {"objects", w.objects}};
}

json::object to_json(const Promotion& p) {
    json::array history;
    for (const auto& h : p.history)
        history.push_back(json::object{
            {"at", format_rfc3339(h.at)}, {"status", to_string(h.status)}, {"by", h.by}, {"note", h.note}});
    json::value bypass = nullptr;
    if (!p.bypass_by.empty()) bypass = json::object{{"by", p.bypass_by}, {"reason", p.bypass_reason}};
    json::object plan{{"digest", text_or_null(p.plan_digest)}, {"counts", p.plan_counts}};
    return {{"id", p.id},
            {"pipeline", p.pipeline},
            {"package", p.package},
            {"version", p.version},
            {"subscription", text_or_null(p.subscription)},
            {"stage", p.stage},
            {"previous_stage", text_or_null(p.previous_stage)},
            {"status", to_string(p.status)},
            {"at", time_or_null(p.at)},
            {"waiting", p.waiting ? json::value(to_json(*p.waiting)) : json::value(nullptr)},
            {"plan", std::move(plan)},
            {"import", text_or_null(p.import_id)},
            {"bypass", std::move(bypass)},
            {"created_at", format_rfc3339(p.created_at)},
            {"created_by", p.created_by},
            {"updated_at", format_rfc3339(p.updated_at)},
            {"applied_at", time_or_null(p.applied_at)},
            {"live_at", time_or_null(p.live_at)},
            {"error", text_or_null(p.error)},
            {"history", std::move(history)},
            {"revision", p.revision}};
}

// The stored form is to_json plus the import options (they may hold secrets' values, never shown).
Promotion promotion_from_json(const json::object& o) {
    Promotion p;
    p.id = text(o, "id");
    p.pipeline = text(o, "pipeline");
    p.package = text(o, "package");
    p.version = o.at("version").to_number<std::int64_t>();
    p.subscription = text(o, "subscription");
    p.stage = text(o, "stage");
    p.previous_stage = text(o, "previous_stage");
    p.status = parse_promotion_status(o.at("status").as_string()).value_or(PromotionStatus::planned);
    p.at = optional_time(o, "at");
    if (const auto* w = o.if_contains("waiting"); w != nullptr && w->is_object()) {
        const auto& wo = w->as_object();
        Waiting waiting;
        waiting.reason = parse_wait_reason(wo.at("reason").as_string()).value_or(WaitReason::frozen);
        waiting.message = text(wo, "message");
        waiting.until = optional_time(wo, "until");
        waiting.window = text(wo, "window");
        waiting.objects = wo.at("objects").as_array();
        p.waiting = std::move(waiting);
    }
    const auto& plan = o.at("plan").as_object();
    p.plan_digest = text(plan, "digest");
    p.plan_counts = plan.at("counts").as_object();
    if (const auto* r = o.if_contains("request"); r != nullptr && r->is_object()) p.request = r->as_object();
    p.import_id = text(o, "import");
    if (const auto* b = o.if_contains("bypass"); b != nullptr && b->is_object()) {
        p.bypass_by = text(b->as_object(), "by");
        p.bypass_reason = text(b->as_object(), "reason");
    }
    p.created_at = time_of(o, "created_at");
    p.created_by = text(o, "created_by");
    p.updated_at = time_of(o, "updated_at");
    p.applied_at = optional_time(o, "applied_at");
    p.live_at = optional_time(o, "live_at");
    p.error = text(o, "error");
    for (const auto& v : o.at("history").as_array()) {
        const auto& h = v.as_object();
        p.history.push_back(HistoryEntry{
            time_of(h, "at"), parse_promotion_status(h.at("status").as_string()).value_or(PromotionStatus::planned),
            text(h, "by"), text(h, "note")});
    }
    p.revision = o.at("revision").to_number<std::int64_t>();
    return p;
}

json::object to_json(const Subscription& s) {
    json::array bindings;
    if (const auto* b = s.request.if_contains("bindings"); b != nullptr && b->is_object())
        for (const auto& kv : b->get_object()) bindings.emplace_back(kv.key());
    const auto option = [&](std::string_view key, json::value fallback) {
        const auto* v = s.request.if_contains(key);
        return v != nullptr ? *v : fallback;
    };
    return {{"id", s.id},
            {"sandbox", s.sandbox},
            {"package", s.package},
            {"mode", to_string(s.mode)},
            {"paused", s.paused},
            {"conflict_policy", option("conflict_policy", "merge")},
            {"overrides", option("overrides", json::object{})},
            {"bindings", std::move(bindings)},
            {"last_version", s.last_version},
            {"promotion", text_or_null(s.promotion)},
            {"created_at", format_rfc3339(s.created_at)},
            {"created_by", s.created_by},
            {"updated_at", format_rfc3339(s.updated_at)},
            {"updated_by", s.updated_by},
            {"revision", s.revision}};
}

json::object subscription_storage(const Subscription& s) {
    json::object o = to_json(s);
    o["request"] = s.request;  // kept, never answered: bindings' values
    return o;
}

Subscription subscription_from_json(const json::object& o) {
    Subscription s;
    s.id = text(o, "id");
    s.sandbox = text(o, "sandbox");
    s.package = text(o, "package");
    s.mode = parse_sync_mode(text(o, "mode")).value_or(SyncMode::automatic);
    s.paused = o.at("paused").as_bool();
    if (const auto* r = o.if_contains("request"); r != nullptr && r->is_object()) s.request = r->as_object();
    s.last_version = o.at("last_version").to_number<std::int64_t>();
    s.promotion = text(o, "promotion");
    s.created_at = time_of(o, "created_at");
    s.created_by = text(o, "created_by");
    s.updated_at = time_of(o, "updated_at");
    s.updated_by = text(o, "updated_by");
    s.revision = o.at("revision").to_number<std::int64_t>();
    return s;
}

json::object to_json(const FreezeWindow& w) {
    json::object o{{"id", w.id},
                   {"sandbox", w.sandbox},
                   {"kind", to_string(w.kind)},
                   {"reason", w.reason},
                   {"created_at", format_rfc3339(w.created_at)},
                   {"created_by", w.created_by}};
    if (w.kind == FreezeKind::once) {
        o["start"] = format_rfc3339(w.start);
        o["end"] = format_rfc3339(w.end);
    } else {
        o["from"] = weekly_json(w.from);
        o["to"] = weekly_json(w.to);
        o["time_zone"] = w.time_zone;
    }
    return o;
}

FreezeWindow freeze_window_from_json(const json::object& o) {
    FreezeWindow w;
    w.id = text(o, "id");
    w.sandbox = text(o, "sandbox");
    w.kind = text(o, "kind") == "weekly" ? FreezeKind::weekly : FreezeKind::once;
    w.reason = text(o, "reason");
    w.created_at = time_of(o, "created_at");
    w.created_by = text(o, "created_by");
    if (w.kind == FreezeKind::once) {
        w.start = time_of(o, "start");
        w.end = time_of(o, "end");
    } else {
        w.from = weekly_from(o.at("from").as_object());
        w.to = weekly_from(o.at("to").as_object());
        w.time_zone = text(o, "time_zone");
    }
    return w;
}

}  // namespace ferry::pipelines
