#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "tenancy/token_format.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace ferry::api {

namespace json = boost::json;

http::Response get_healthz(Context&) { return json_response(200, json::object{{"status", "ok"}}); }

http::Response get_readyz(Context& ctx) {
    if (!ctx.services.ready())
        return json_response(503, json::object{{"status", "unavailable"}, {"reason", "not accepting requests"}});
    if (!ctx.store().healthy())
        return json_response(503, json::object{{"status", "unavailable"}, {"reason", "storage unreachable"}});
    return json_response(200, json::object{{"status", "ready"}});
}

namespace {

// /metrics needs no token, but tenant ids are nobody's business but the operator's: a scrape that
// carries the operator token (Prometheus: `authorization` in the scrape config) sees them.
bool operator_token_sent(const Context& ctx) {
    const std::string_view header = ctx.request.header("authorization");
    constexpr std::string_view scheme = "bearer ";
    if (header.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
    return crypto::constant_time_equal(token_format::hash(header.substr(scheme.size())),
                                       ctx.services.operator_token_hash);
}

}  // namespace

http::Response get_metrics(Context& ctx) {
    // The backlog is read at scrape time, in one read snapshot: it holds for every node of a
    // deployment, whichever node is scraped, and needs no gauge kept in step with every write.
    std::optional<Metrics::Backlog> backlog;
    try {
        backlog = ctx.store().read([](Tx& tx) {
            Metrics::Backlog b;
            b.pending_reviews = tx.pending_reviews_by_tenant();
            const OutboxBacklog outbox = tx.outbox_backlog();
            b.outbox_pending = outbox.pending;
            // Outbox rows carry wall time, whatever clock the service runs on.
            if (outbox.oldest)
                b.outbox_oldest_age_seconds =
                    std::max(0.0, std::chrono::duration<double>(SystemClock().now() - *outbox.oldest).count());
            return b;
        });
    } catch (const StoreError& e) {
        // The process and HTTP figures are still worth a scrape while the database is away.
        log::warn("metrics: backlog unreadable", {{"request_id", ctx.request_id}, {"error", e.what()}});
    }
    if (backlog) backlog->by_tenant = operator_token_sent(ctx);
    http::Response res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = ctx.services.metrics.render(backlog);
    return res;
}

http::Response get_openapi(Context& ctx) {
    http::Response res;
    res.body = std::string(ctx.services.openapi);
    return res;
}

http::Response get_me(Context& ctx) {
    if (ctx.caller.is_operator) return json_response(200, json::object{{"kind", "operator"}});
    return ctx.store().read([&](Tx& tx) {
        const auto user = tx.user(ctx.caller.tenant, ctx.caller.user);
        const auto token = tx.token(ctx.caller.tenant, ctx.caller.token_id);
        // A console session opened with a sign-in link has no token behind it.
        if (!user || (!token && ctx.caller.session_id.empty())) throw Error::not_found("user");
        json::array roles;
        for (const RoleGrant& g : user->roles) roles.push_back(to_json(g));
        json::value token_json = nullptr;
        if (token) {
            json::value expires = nullptr;
            if (token->expires_at) expires = json::value(format_rfc3339(*token->expires_at));
            token_json = json::object{{"id", token->id}, {"name", token->name}, {"expires_at", std::move(expires)}};
        }
        json::object out{{"kind", "user"},     {"tenant", user->tenant},    {"user", user->id},
                         {"name", user->name}, {"roles", std::move(roles)}, {"token", std::move(token_json)}};
        if (!ctx.caller.session_id.empty()) out["session"] = ctx.caller.session_id;
        return json_response(200, out);
    });
}

}  // namespace ferry::api

namespace ferry::api {

http::Response advance_test_clock(Context& ctx) {
    if (ctx.services.test_clock == nullptr) throw Error::not_found("route");
    const json::object body = ctx.body();
    Fields f(body);
    const auto seconds = f.optional_integer("advance_seconds", 0, 10LL * 365 * 24 * 3600);
    f.finish();
    if (!seconds) throw Error::invalid_field("advance_seconds", "advance_seconds is required");
    ctx.services.test_clock->advance(std::chrono::seconds(*seconds));
    const Timestamp now = ctx.services.test_clock->now();
    // Kept, so that a restart under --test-clock resumes at the same time.
    ctx.store().write([&](Tx& tx) { tx.set_meta("test_clock_ms", std::to_string(to_millis(now))); });
    if (ctx.services.run_scheduler) ctx.services.run_scheduler();
    return json_response(200, json::object{{"now", format_rfc3339(now)}});
}

}  // namespace ferry::api
