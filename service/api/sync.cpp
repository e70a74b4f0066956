// Drift and sync subscriptions (docs/sync.md). The use cases are workflows/sync; these handlers
// decode, call one and encode.

#include "workflows/sync.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "core/fields.hpp"
#include "pipelines/json.hpp"

namespace ferry::api {

namespace json = boost::json;
using pipelines::Subscription;

namespace {

// Changing a subscription needs what making it needs: the import permission on its sandbox.
void require_import_permission(Context& ctx, const std::string& sandbox) {
    if (authorize(ctx.caller, Permission::sandbox_import, ctx.caller.tenant, sandbox) != Decision::allow)
        throw Error(ErrorKind::forbidden, "forbidden", "this needs the importer or admin role on " + sandbox);
}

http::Response change_subscription(Context& ctx, bool paused) {
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(200, pipelines::to_json(ctx.store().write([&](Tx& tx) {
                             Subscription s =
                                 workflows::visible_subscription(tx, actor, std::string(ctx.param("subscription")));
                             require_import_permission(ctx, s.sandbox);
                             return workflows::set_subscription_paused(tx, actor, std::move(s), paused);
                         })));
}

}  // namespace

http::Response list_drift(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    const std::string sandbox(ctx.param("sandbox"));
    json::array items =
        ctx.store().read([&](Tx& tx) { return workflows::drift_of(tx, *ctx.services.git, actor, sandbox); });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response adopt_drift(Context& ctx) {
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const std::string sandbox(ctx.param("sandbox"));
    const auto kind = parse_object_kind(ctx.param("kind"));
    if (!kind) throw Error::not_found("drifted object");
    const std::string id(ctx.param("object"));
    return json_response(200, ctx.store().write([&](Tx& tx) {
        return workflows::adopt_drift(tx, *ctx.services.git, actor, sandbox, *kind, id);
    }));
}

http::Response create_subscription(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const std::string sandbox(ctx.param("sandbox"));
    return json_response(201, pipelines::to_json(ctx.store().write(
                                  [&](Tx& tx) { return workflows::create_subscription(tx, actor, sandbox, body); })));
}

http::Response list_subscriptions(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto sandbox = ctx.query("sandbox");
    const auto package = ctx.query("package");
    json::array items;
    for (const auto& s : ctx.store().read([&](Tx& tx) {
             return workflows::visible_subscriptions(tx, actor,
                                                     sandbox ? std::optional(std::string(*sandbox)) : std::nullopt,
                                                     package ? std::optional(std::string(*package)) : std::nullopt);
         }))
        items.push_back(pipelines::to_json(s));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_subscription(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(200, pipelines::to_json(ctx.store().read([&](Tx& tx) {
                             return workflows::visible_subscription(tx, actor, std::string(ctx.param("subscription")));
                         })));
}

http::Response pause_subscription(Context& ctx) { return change_subscription(ctx, true); }

http::Response resume_subscription(Context& ctx) { return change_subscription(ctx, false); }

http::Response delete_subscription(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const Subscription s = workflows::visible_subscription(tx, actor, std::string(ctx.param("subscription")));
        require_import_permission(ctx, s.sandbox);
        workflows::remove_subscription(tx, actor, s);
    });
    return no_content();
}

}  // namespace ferry::api
