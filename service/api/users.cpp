#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "workflows/tenants.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_name_length = 200;

User existing_user(Tx& tx, std::string_view tenant, std::string_view id) {
    return or_not_found(tx.user(tenant, id), "user");
}

}  // namespace

http::Response list_users(Context& ctx) {
    json::array items;
    for (const User& u : ctx.store().read([&](Tx& tx) { return tx.users(ctx.caller.tenant); }))
        items.push_back(to_json(u));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_user(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    User u;
    u.id = fields.required_string("id", 64);
    u.name = fields.required_string("name", max_name_length);
    const json::array* roles = fields.optional_array("roles");
    if (const json::array* permissions = fields.optional_array("permissions"))
        u.permissions = workflows::user_permissions(*permissions);
    fields.finish();
    if (!is_user_id(u.id))
        throw Error::invalid_field(
            "id", "id must be 1-64 of a-z, 0-9, '.', '_' and '-', starting and ending with a letter or digit");
    if (u.name.empty()) throw Error::invalid_field("name", "name must not be empty");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(201,
                              ctx.store().write([&](Tx& tx) { return workflows::create_user(tx, actor, u, roles); }));
}

http::Response get_user(Context& ctx) {
    return versioned_response(
        200, ctx.store().read([&](Tx& tx) { return existing_user(tx, ctx.caller.tenant, ctx.param("user")); }));
}

http::Response update_user(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    workflows::UserEdit edit;
    edit.id = fields.optional_string("id", 64);
    edit.name = fields.optional_string("name", max_name_length);
    edit.roles = fields.optional_array("roles");
    edit.permissions = fields.optional_array("permissions");
    fields.finish();
    if (edit.name && edit.name->empty()) throw Error::invalid_field("name", "name must not be empty");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(200, ctx.store().write([&](Tx& tx) {
        User u = existing_user(tx, ctx.caller.tenant, ctx.param("user"));
        ctx.require_if_match(etag(u.created_at, u.revision));
        return workflows::edit_user(tx, actor, std::move(u), edit);
    }));
}

http::Response delete_user(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const User u = existing_user(tx, ctx.caller.tenant, ctx.param("user"));
        ctx.require_if_match(etag(u.created_at, u.revision));
        workflows::delete_user(tx, actor, u);
    });
    return no_content();
}

http::Response list_tokens(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        existing_user(tx, ctx.caller.tenant, ctx.param("user"));
        for (const Token& t : tx.tokens(ctx.caller.tenant, ctx.param("user"))) items.push_back(to_json(t));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_token(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    const std::string name = fields.required_string("name", 100);
    const auto expires = fields.optional_nullable_string("expires_at", 64);
    fields.finish();
    if (name.empty()) throw Error::invalid_field("name", "name must not be empty");
    std::optional<Timestamp> expires_at;
    if (expires && *expires) {
        expires_at = parse_rfc3339(**expires);
        if (!expires_at) throw Error::invalid_field("expires_at", "expires_at must be an RFC 3339 date-time");
    }
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto issued = ctx.store().write(
        [&](Tx& tx) { return workflows::create_token(tx, actor, std::string(ctx.param("user")), name, expires_at); });
    json::object out = to_json(issued.token);
    out["token"] = issued.secret;
    return json_response(201, out);
}

http::Response revoke_token(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        workflows::revoke_token(tx, actor, std::string(ctx.param("user")), std::string(ctx.param("token")));
    });
    return no_content();
}

}  // namespace ferry::api
