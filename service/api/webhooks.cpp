// Webhooks of a tenant: subscribe a URL to events, list, delete, and read the delivery log.

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "delivery/dispatcher.hpp"
#include "workflows/tenants.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

json::object webhook_json(const Webhook& w) {
    json::array events;
    for (const auto& e : w.events) events.emplace_back(e);
    // The secret is shown to nobody, not even administrators: it was chosen by the creator.
    return {{"id", w.id},
            {"url", w.url},
            {"events", std::move(events)},
            {"created_at", format_rfc3339(w.created_at)},
            {"created_by", w.created_by}};
}

Webhook existing_webhook(Tx& tx, const Context& ctx) {
    return or_not_found(tx.webhook(ctx.caller.tenant, ctx.param("webhook")), "webhook");
}

}  // namespace

http::Response list_webhooks(Context& ctx) {
    json::array items;
    for (const Webhook& w : ctx.store().read([&](Tx& tx) { return tx.webhooks(ctx.caller.tenant); }))
        items.push_back(webhook_json(w));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_webhook(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    Webhook w;
    w.url = f.required_string("url", 2048);
    const json::array& events = f.required_array("events");
    w.secret = f.required_string("secret", 256);
    f.finish();
    if (events.empty()) throw Error::invalid_field("events", "events must name at least one event type");
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (!events[i].is_string() || !is_event_type(events[i].get_string()))
            throw Error::invalid_field("events[" + std::to_string(i) + "]",
                                       "events are review.requested, review.decided, campaign.status_changed, "
                                       "package.published, import.applied, import.rolled_back");
        if (std::find(w.events.begin(), w.events.end(), events[i].get_string()) == w.events.end())
            w.events.emplace_back(events[i].get_string());
    }
    if (w.secret.size() < 16) throw Error::invalid_field("secret", "secret must be at least 16 characters");
    if (const std::string problem = webhooks::check_destination(w.url, ctx.services.allow_private_webhooks);
        !problem.empty())
        throw Error(ErrorKind::unprocessable, "invalid_destination", "url: " + problem, {{"field", "url"}});
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(
        201, webhook_json(ctx.store().write([&](Tx& tx) { return workflows::create_webhook(tx, actor, w); })));
}

http::Response delete_webhook(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) { workflows::delete_webhook(tx, actor, existing_webhook(tx, ctx)); });
    return no_content();
}

http::Response list_webhook_deliveries(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        const Webhook w = existing_webhook(tx, ctx);
        for (const Delivery& d : tx.deliveries(w.tenant, w.id, 500))
            items.push_back(json::object{{"event_id", d.event_id},
                                         {"event_type", d.event_type},
                                         {"attempt", d.attempt},
                                         {"at", format_rfc3339(d.at)},
                                         {"status_code", d.status_code},
                                         {"ok", d.error.empty()},
                                         {"error", d.error},
                                         {"duration_ms", d.duration_ms}});
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

}  // namespace ferry::api
