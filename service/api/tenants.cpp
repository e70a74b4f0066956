#include "workflows/tenants.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "keys/key_store.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_name_length = 200;

}  // namespace

http::Response create_tenant(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    Tenant tenant;
    tenant.id = fields.required_string("id", 64);
    tenant.name = fields.required_string("name", max_name_length);
    fields.finish();
    if (!is_slug(tenant.id))
        throw Error::invalid_field("id",
                                   "id must be 1-64 of a-z, 0-9 and '-', starting and ending with a letter or digit");
    if (tenant.name.empty()) throw Error::invalid_field("name", "name must not be empty");
    tenant.created_at = ctx.now();
    ctx.log_tenant = tenant.id;
    if (ctx.store().read([&](Tx& tx) { return tx.tenant(tenant.id).has_value(); }))
        throw Error::conflict("already_exists", "tenant " + tenant.id + " already exists");
    // The tenant's signing key: its private half is written to the data directory first.
    const auto key =
        ctx.services.keys ? std::optional(ctx.services.keys->create(tenant.id, tenant.created_at)) : std::nullopt;
    const workflows::Actor actor = ctx.acting(tenant.created_at);
    const std::string secret =
        ctx.store().write([&](Tx& tx) { return workflows::create_tenant(tx, actor, tenant, key); });
    return json_response(201, json::object{{"tenant", to_json(tenant)}, {"admin_token", secret}});
}

http::Response list_tenants(Context& ctx) {
    json::array items;
    for (const Tenant& t : ctx.store().read([](Tx& tx) { return tx.tenants(); })) items.push_back(to_json(t));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_tenant(Context& ctx) {
    return json_response(
        200, to_json(or_not_found(ctx.store().read([&](Tx& tx) { return tx.tenant(ctx.param("tenant")); }), "tenant")));
}

}  // namespace ferry::api
