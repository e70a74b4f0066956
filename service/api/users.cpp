#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "tenancy/token_format.hpp"

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_name_length = 200;

std::vector<RoleGrant> read_roles(Tx& tx, std::string_view tenant, const json::array& array) {
    std::vector<RoleGrant> roles;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string path = "roles[" + std::to_string(i) + "]";
        if (!array[i].is_object()) throw Error::invalid_field(path, path + " must be an object");
        Fields fields(array[i].get_object(), path);
        const std::string sandbox = fields.required_string("sandbox", 64);
        const std::string role_name = fields.required_string("role", 32);
        fields.finish();
        const auto role = parse_role(role_name);
        if (!role)
            throw Error::invalid_field(path + ".role", "role must be one of admin, editor, reviewer, viewer, importer");
        if (sandbox != all_sandboxes && !tx.sandbox(tenant, sandbox))
            throw Error::invalid_field(path + ".sandbox", "sandbox " + sandbox + " does not exist");
        RoleGrant grant{sandbox, *role};
        if (std::find(roles.begin(), roles.end(), grant) == roles.end()) roles.push_back(std::move(grant));
    }
    return roles;
}

bool grants_tenant_admin(const std::vector<RoleGrant>& roles) {
    return std::any_of(roles.begin(), roles.end(),
                       [](const RoleGrant& g) { return g.sandbox == all_sandboxes && g.role == Role::admin; });
}

// A tenant must keep at least one administrator, or nobody could manage it again.
void keep_an_admin(Tx& tx, std::string_view tenant, std::string_view changing_user) {
    const auto users = tx.users(tenant);
    const bool another = std::any_of(users.begin(), users.end(), [&](const User& u) {
        return u.id != changing_user && grants_tenant_admin(u.roles);
    });
    if (!another)
        throw Error::conflict("last_admin", "the tenant would be left without an administrator (admin on \"*\")");
}

// Permissions beyond roles that an administrator can grant: today only the break-glass one.
std::vector<std::string> read_permissions(const json::array& array) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array.size(); ++i) {
        if (!array[i].is_string() || array[i].get_string() != bypass_approval)
            throw Error::invalid_field("permissions[" + std::to_string(i) + "]",
                                       "the only permission is bypass_approval");
        if (out.empty()) out.emplace_back(array[i].get_string());
    }
    return out;
}

json::array roles_json(const std::vector<RoleGrant>& roles) {
    json::array out;
    for (const RoleGrant& g : roles) out.push_back(to_json(g));
    return out;
}

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
    u.tenant = ctx.caller.tenant;
    u.id = fields.required_string("id", 64);
    u.name = fields.required_string("name", max_name_length);
    const json::array* roles = fields.optional_array("roles");
    if (const json::array* permissions = fields.optional_array("permissions"))
        u.permissions = read_permissions(*permissions);
    fields.finish();
    if (!is_user_id(u.id))
        throw Error::invalid_field(
            "id", "id must be 1-64 of a-z, 0-9, '.', '_' and '-', starting and ending with a letter or digit");
    if (u.name.empty()) throw Error::invalid_field("name", "name must not be empty");
    u.created_at = u.updated_at = ctx.now();
    ctx.store().write([&](Tx& tx) {
        if (roles) u.roles = read_roles(tx, u.tenant, *roles);
        if (tx.user(u.tenant, u.id)) throw Error::conflict("already_exists", "user " + u.id + " already exists");
        tx.insert_user(u);
        json::array granted;
        for (const auto& p : u.permissions) granted.emplace_back(p);
        append_audit(tx, ctx.audit(u.tenant, "user.create", "users/" + u.id,
                                   {{"roles", roles_json(u.roles)}, {"permissions", std::move(granted)}}));
    });
    return versioned_response(201, u);
}

http::Response get_user(Context& ctx) {
    return versioned_response(
        200, ctx.store().read([&](Tx& tx) { return existing_user(tx, ctx.caller.tenant, ctx.param("user")); }));
}

http::Response update_user(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    const auto id = fields.optional_string("id", 64);
    const auto name = fields.optional_string("name", max_name_length);
    const json::array* roles = fields.optional_array("roles");
    const json::array* permissions = fields.optional_array("permissions");
    fields.finish();
    if (name && name->empty()) throw Error::invalid_field("name", "name must not be empty");
    const User updated = ctx.store().write([&](Tx& tx) {
        User u = existing_user(tx, ctx.caller.tenant, ctx.param("user"));
        ctx.require_if_match(etag(u.created_at, u.revision));
        if (id && *id != u.id) throw Error::invalid_field("id", "id cannot be changed");
        json::object changes;
        if (name) {
            u.name = *name;
            changes["name"] = *name;
        }
        if (roles) {
            u.roles = read_roles(tx, u.tenant, *roles);
            if (!grants_tenant_admin(u.roles)) keep_an_admin(tx, u.tenant, u.id);
            changes["roles"] = roles_json(u.roles);
        }
        if (permissions) {
            u.permissions = read_permissions(*permissions);
            json::array granted;
            for (const auto& p : u.permissions) granted.emplace_back(p);
            changes["permissions"] = std::move(granted);
        }
        u.updated_at = ctx.now();
        ++u.revision;
        tx.update_user(u);
        append_audit(tx, ctx.audit(u.tenant, "user.update", "users/" + u.id, std::move(changes)));
        return u;
    });
    return versioned_response(200, updated);
}

http::Response delete_user(Context& ctx) {
    ctx.store().write([&](Tx& tx) {
        const User u = existing_user(tx, ctx.caller.tenant, ctx.param("user"));
        ctx.require_if_match(etag(u.created_at, u.revision));
        keep_an_admin(tx, u.tenant, u.id);
        tx.delete_user(u.tenant, u.id);
        append_audit(tx, ctx.audit(u.tenant, "user.delete", "users/" + u.id));
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
    Token t;
    t.name = fields.required_string("name", 100);
    const auto expires = fields.optional_nullable_string("expires_at", 64);
    fields.finish();
    if (t.name.empty()) throw Error::invalid_field("name", "name must not be empty");
    t.created_at = ctx.now();
    if (expires && *expires) {
        t.expires_at = parse_rfc3339(**expires);
        if (!t.expires_at) throw Error::invalid_field("expires_at", "expires_at must be an RFC 3339 date-time");
        if (*t.expires_at <= t.created_at) throw Error::invalid_field("expires_at", "expires_at must be in the future");
    }
    const std::string secret = token_format::generate();
    t.id = token_format::generate_id();
    t.tenant = ctx.caller.tenant;
    t.user = std::string(ctx.param("user"));
    t.hash = token_format::hash(secret);
    ctx.store().write([&](Tx& tx) {
        existing_user(tx, t.tenant, t.user);
        tx.insert_token(t);
        append_audit(tx,
                     ctx.audit(t.tenant, "token.create", "users/" + t.user + "/tokens/" + t.id, {{"name", t.name}}));
    });
    json::object out = to_json(t);
    out["token"] = secret;
    return json_response(201, out);
}

http::Response revoke_token(Context& ctx) {
    ctx.store().write([&](Tx& tx) {
        const auto t = tx.token(ctx.caller.tenant, ctx.param("token"));
        if (!t || t->user != ctx.param("user")) throw Error::not_found("token");
        if (t->revoked_at) return;  // revoking twice changes nothing
        tx.revoke_token(t->tenant, t->id, ctx.now());
        append_audit(tx, ctx.audit(t->tenant, "token.revoke", "users/" + t->user + "/tokens/" + t->id));
    });
    return no_content();
}

}  // namespace ferry::api
