#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "workflows/tenants.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_description_length = 2000;

Sandbox existing_sandbox(Tx& tx, std::string_view tenant, std::string_view id) {
    return or_not_found(tx.sandbox(tenant, id), "sandbox");
}

}  // namespace

http::Response list_sandboxes(Context& ctx) {
    json::array items;
    for (const Sandbox& s : ctx.store().read([&](Tx& tx) { return tx.sandboxes(ctx.caller.tenant); }))
        if (can_see_sandbox(ctx.caller, s.id)) items.push_back(to_json(s));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_sandbox(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    Sandbox s;
    s.id = fields.required_string("id", 64);
    s.type = workflows::sandbox_type(fields.required_string("type", 32));
    if (auto r = fields.optional_string("require_approval", 32))
        s.require_approval = workflows::approval_requirement(*r);
    s.description = fields.optional_text("description", max_description_length).value_or("");
    fields.finish();
    if (!is_slug(s.id))
        throw Error::invalid_field("id",
                                   "id must be 1-64 of a-z, 0-9 and '-', starting and ending with a letter or digit");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(201, ctx.store().write([&](Tx& tx) { return workflows::create_sandbox(tx, actor, s); }));
}

http::Response get_sandbox(Context& ctx) {
    return versioned_response(
        200, ctx.store().read([&](Tx& tx) { return existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox")); }));
}

http::Response update_sandbox(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    workflows::SandboxEdit edit;
    edit.id = fields.optional_string("id", 64);
    edit.type = fields.optional_string("type", 32);
    edit.require_approval = fields.optional_string("require_approval", 32);
    edit.description = fields.optional_text("description", max_description_length);
    fields.finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(200, ctx.store().write([&](Tx& tx) {
        Sandbox s = existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox"));
        ctx.require_if_match(etag(s.created_at, s.revision));
        return workflows::edit_sandbox(tx, actor, std::move(s), edit);
    }));
}

http::Response delete_sandbox(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox"));
        ctx.require_if_match(etag(s.created_at, s.revision));
        workflows::delete_sandbox(tx, actor, s);
    });
    return no_content();
}

}  // namespace ferry::api
