#include "workflows/tenants.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"
#include "tenancy/token_format.hpp"
#include "workflows/journal.hpp"
#include "workflows/pipelines.hpp"

#include <algorithm>

namespace ferry::workflows {

namespace json = boost::json;

namespace {

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
            throw Error::invalid_field(path + ".role",
                                       "role must be one of admin, editor, reviewer, viewer, importer, reporter");
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

json::array roles_json(const std::vector<RoleGrant>& roles) {
    json::array out;
    for (const RoleGrant& g : roles) out.push_back(json::object{{"sandbox", g.sandbox}, {"role", to_string(g.role)}});
    return out;
}

json::array permissions_json(const std::vector<std::string>& permissions) {
    json::array out;
    for (const auto& p : permissions) out.emplace_back(p);
    return out;
}

}  // namespace

std::string create_tenant(Tx& tx, const Actor& actor, Tenant tenant,
                          const std::optional<packager::SigningKeyRecord>& key) {
    // Every tenant starts with an administrator and one token for it, shown only once.
    User admin;
    admin.tenant = tenant.id;
    admin.id = "admin";
    admin.name = "Administrator";
    admin.roles = {RoleGrant{std::string(all_sandboxes), Role::admin}};
    admin.created_at = admin.updated_at = tenant.created_at;

    const std::string secret = token_format::generate();
    Token token;
    token.id = token_format::generate_id();
    token.tenant = tenant.id;
    token.user = admin.id;
    token.name = "bootstrap";
    token.hash = token_format::hash(secret);
    token.created_at = tenant.created_at;

    if (tx.tenant(tenant.id)) throw Error::conflict("already_exists", "tenant " + tenant.id + " already exists");
    tx.insert_tenant(tenant);
    if (key) tx.insert_signing_key(*key);
    tx.insert_user(admin);
    tx.insert_token(token);
    Journal(tx, actor).record(tenant.id, "tenant.create", "tenants/" + tenant.id, {{"name", tenant.name}});
    return secret;
}

packager::SigningKeyRecord rotate_signing_key(Tx& tx, const Actor& actor, const keys::KeyStore& keys) {
    const auto record = keys.create(actor.tenant, actor.at);
    tx.insert_signing_key(record);
    Journal(tx, actor).record(actor.tenant, "signing_key.rotate", "signing-key", {{"key_id", record.key_id}});
    return record;
}

SandboxType sandbox_type(const std::string& text) {
    const auto type = parse_sandbox_type(text);
    if (!type) throw Error::invalid_field("type", "type must be development or production");
    return *type;
}

ApprovalRequirement approval_requirement(const std::string& text) {
    const auto requirement = parse_approval_requirement(text);
    if (!requirement) throw Error::invalid_field("require_approval", "require_approval must be policy or always");
    return *requirement;
}

Sandbox create_sandbox(Tx& tx, const Actor& actor, Sandbox s) {
    s.tenant = actor.tenant;
    s.created_at = s.updated_at = actor.at;
    if (tx.sandbox(s.tenant, s.id)) throw Error::conflict("already_exists", "sandbox " + s.id + " already exists");
    tx.insert_sandbox(s);
    Journal(tx, actor).record(s.tenant, "sandbox.create", "sandboxes/" + s.id,
                              {{"type", to_string(s.type)}, {"require_approval", to_string(s.require_approval)}});
    return s;
}

Sandbox edit_sandbox(Tx& tx, const Actor& actor, Sandbox s, const SandboxEdit& edit) {
    if (edit.id && *edit.id != s.id) throw Error::invalid_field("id", "id cannot be changed");
    if (edit.type && sandbox_type(*edit.type) != s.type)
        throw Error::invalid_field("type", "type cannot be changed; create another sandbox");
    json::object changes;
    if (edit.require_approval) {
        s.require_approval = approval_requirement(*edit.require_approval);
        changes["require_approval"] = *edit.require_approval;
    }
    if (edit.description) {
        s.description = *edit.description;
        changes["description"] = *edit.description;
    }
    s.updated_at = actor.at;
    ++s.revision;
    tx.update_sandbox(s);
    Journal(tx, actor).record(s.tenant, "sandbox.update", "sandboxes/" + s.id, std::move(changes));
    return s;
}

void delete_sandbox(Tx& tx, const Actor& actor, const Sandbox& s) {
    if (tx.sandbox_has_objects(s.tenant, s.id))
        throw Error::conflict("sandbox_not_empty", "the sandbox still holds campaigns, segments or templates");
    json::array revoked_from;
    for (const std::string& user : tx.delete_sandbox(s.tenant, s.id)) revoked_from.emplace_back(user);
    Journal(tx, actor).record(s.tenant, "sandbox.delete", "sandboxes/" + s.id,
                              {{"grants_removed_from", std::move(revoked_from)}});
}

std::vector<std::string> user_permissions(const json::array& array) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array.size(); ++i) {
        if (!array[i].is_string() ||
            (array[i].get_string() != bypass_approval && array[i].get_string() != bypass_pipeline))
            throw Error::invalid_field("permissions[" + std::to_string(i) + "]",
                                       "permissions are bypass_approval and bypass_pipeline");
        const std::string p(array[i].get_string());
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    return out;
}

User create_user(Tx& tx, const Actor& actor, User u, const json::array* roles) {
    u.tenant = actor.tenant;
    u.created_at = u.updated_at = actor.at;
    if (roles) u.roles = read_roles(tx, u.tenant, *roles);
    if (tx.user(u.tenant, u.id)) throw Error::conflict("already_exists", "user " + u.id + " already exists");
    tx.insert_user(u);
    Journal(tx, actor).record(u.tenant, "user.create", "users/" + u.id,
                              {{"roles", roles_json(u.roles)}, {"permissions", permissions_json(u.permissions)}});
    return u;
}

User edit_user(Tx& tx, const Actor& actor, User u, const UserEdit& edit) {
    if (edit.id && *edit.id != u.id) throw Error::invalid_field("id", "id cannot be changed");
    json::object changes;
    if (edit.name) {
        u.name = *edit.name;
        changes["name"] = *edit.name;
    }
    if (edit.roles) {
        u.roles = read_roles(tx, u.tenant, *edit.roles);
        if (!grants_tenant_admin(u.roles)) keep_an_admin(tx, u.tenant, u.id);
        changes["roles"] = roles_json(u.roles);
    }
    if (edit.permissions) {
        u.permissions = user_permissions(*edit.permissions);
        changes["permissions"] = permissions_json(u.permissions);
    }
    u.updated_at = actor.at;
    ++u.revision;
    tx.update_user(u);
    Journal(tx, actor).record(u.tenant, "user.update", "users/" + u.id, std::move(changes));
    return u;
}

void delete_user(Tx& tx, const Actor& actor, const User& u) {
    keep_an_admin(tx, u.tenant, u.id);
    tx.delete_user(u.tenant, u.id);
    Journal(tx, actor).record(u.tenant, "user.delete", "users/" + u.id);
}

IssuedToken create_token(Tx& tx, const Actor& actor, const std::string& user, const std::string& name,
                         std::optional<Timestamp> expires_at) {
    if (expires_at && *expires_at <= actor.at)
        throw Error::invalid_field("expires_at", "expires_at must be in the future");
    IssuedToken issued;
    Token& t = issued.token;
    issued.secret = token_format::generate();
    t.id = token_format::generate_id();
    t.tenant = actor.tenant;
    t.user = user;
    t.name = name;
    t.hash = token_format::hash(issued.secret);
    t.created_at = actor.at;
    t.expires_at = expires_at;
    if (!tx.user(t.tenant, t.user)) throw Error::not_found("user");
    tx.insert_token(t);
    Journal(tx, actor).record(t.tenant, "token.create", "users/" + t.user + "/tokens/" + t.id, {{"name", t.name}});
    return issued;
}

void revoke_token(Tx& tx, const Actor& actor, const std::string& user, const std::string& token_id) {
    const auto t = tx.token(actor.tenant, token_id);
    if (!t || t->user != user) throw Error::not_found("token");
    if (t->revoked_at) return;  // revoking twice changes nothing
    tx.revoke_token(t->tenant, t->id, actor.at);
    Journal(tx, actor).record(t->tenant, "token.revoke", "users/" + t->user + "/tokens/" + t->id);
}

Webhook create_webhook(Tx& tx, const Actor& actor, Webhook w) {
    w.tenant = actor.tenant;
    w.id = "whk_" + crypto::random_base62(20);
    w.created_at = actor.at;
    w.created_by = actor.name();
    tx.insert_webhook(w);
    Journal(tx, actor).record(w.tenant, "webhook.create", "webhooks/" + w.id, {{"url", w.url}});
    return w;
}

void delete_webhook(Tx& tx, const Actor& actor, const Webhook& w) {
    tx.delete_webhook(w.tenant, w.id);
    Journal(tx, actor).record(w.tenant, "webhook.delete", "webhooks/" + w.id, {{"url", w.url}});
}

}  // namespace ferry::workflows
