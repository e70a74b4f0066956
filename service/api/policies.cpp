// Approval policies of a tenant: created, listed, edited only while inactive, activated,
// deactivated, duplicated, deleted.

#include "workflows/policies.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "approval/policy.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

approval::Policy existing_policy(Tx& tx, const Context& ctx) {
    return or_not_found(tx.policy(ctx.caller.tenant, ctx.param("policy")), "approval policy");
}

}  // namespace

json::object to_json(const approval::Policy& p) { return workflows::policy_json(p); }

http::Response list_policies(Context& ctx) {
    json::array items;
    for (const auto& p : ctx.store().read([&](Tx& tx) { return tx.policies(ctx.caller.tenant); }))
        items.push_back(to_json(p));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_policy(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(201,
                              ctx.store().write([&](Tx& tx) { return workflows::create_policy(tx, actor, body); }));
}

http::Response get_policy(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_policy(tx, ctx); }));
}

http::Response update_policy(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(200, ctx.store().write([&](Tx& tx) {
        approval::Policy p = existing_policy(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        return workflows::edit_policy(tx, actor, std::move(p), body);
    }));
}

http::Response delete_policy(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const approval::Policy p = existing_policy(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        workflows::delete_policy(tx, actor, p);
    });
    return no_content();
}

http::Response policy_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "activate" && action != "deactivate" && action != "duplicate")
        throw Error::not_found("policy action " + action);
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const approval::Policy result = ctx.store().write([&](Tx& tx) {
        approval::Policy p = existing_policy(tx, ctx);
        if (action == "duplicate") return workflows::duplicate_policy(tx, actor, p);
        return workflows::set_policy_active(tx, actor, std::move(p), action == "activate");
    });
    return versioned_response(action == "duplicate" ? 201 : 200, result);
}

}  // namespace ferry::api
