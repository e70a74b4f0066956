#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_description_length = 2000;

SandboxType read_type(const std::string& text) {
    const auto type = parse_sandbox_type(text);
    if (!type) throw Error::invalid_field("type", "type must be development or production");
    return *type;
}

ApprovalRequirement read_requirement(const std::string& text) {
    const auto requirement = parse_approval_requirement(text);
    if (!requirement) throw Error::invalid_field("require_approval", "require_approval must be policy or always");
    return *requirement;
}

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
    s.tenant = ctx.caller.tenant;
    s.id = fields.required_string("id", 64);
    s.type = read_type(fields.required_string("type", 32));
    if (auto r = fields.optional_string("require_approval", 32)) s.require_approval = read_requirement(*r);
    s.description = fields.optional_text("description", max_description_length).value_or("");
    fields.finish();
    if (!is_slug(s.id))
        throw Error::invalid_field("id",
                                   "id must be 1-64 of a-z, 0-9 and '-', starting and ending with a letter or digit");
    s.created_at = s.updated_at = ctx.now();
    ctx.store().write([&](Tx& tx) {
        if (tx.sandbox(s.tenant, s.id)) throw Error::conflict("already_exists", "sandbox " + s.id + " already exists");
        tx.insert_sandbox(s);
        append_audit(tx, ctx.audit(s.tenant, "sandbox.create", "sandboxes/" + s.id,
                                   {{"type", to_string(s.type)}, {"require_approval", to_string(s.require_approval)}}));
    });
    return versioned_response(201, s);
}

http::Response get_sandbox(Context& ctx) {
    return versioned_response(
        200, ctx.store().read([&](Tx& tx) { return existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox")); }));
}

http::Response update_sandbox(Context& ctx) {
    const json::object body = ctx.body();
    Fields fields(body);
    const auto id = fields.optional_string("id", 64);
    const auto type = fields.optional_string("type", 32);
    const auto requirement = fields.optional_string("require_approval", 32);
    const auto description = fields.optional_text("description", max_description_length);
    fields.finish();
    const Sandbox updated = ctx.store().write([&](Tx& tx) {
        Sandbox s = existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox"));
        ctx.require_if_match(etag(s.created_at, s.revision));
        if (id && *id != s.id) throw Error::invalid_field("id", "id cannot be changed");
        if (type && read_type(*type) != s.type)
            throw Error::invalid_field("type", "type cannot be changed; create another sandbox");
        json::object changes;
        if (requirement) {
            s.require_approval = read_requirement(*requirement);
            changes["require_approval"] = *requirement;
        }
        if (description) {
            s.description = *description;
            changes["description"] = *description;
        }
        s.updated_at = ctx.now();
        ++s.revision;
        tx.update_sandbox(s);
        append_audit(tx, ctx.audit(s.tenant, "sandbox.update", "sandboxes/" + s.id, std::move(changes)));
        return s;
    });
    return versioned_response(200, updated);
}

http::Response delete_sandbox(Context& ctx) {
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = existing_sandbox(tx, ctx.caller.tenant, ctx.param("sandbox"));
        ctx.require_if_match(etag(s.created_at, s.revision));
        if (tx.sandbox_has_objects(s.tenant, s.id))
            throw Error::conflict("sandbox_not_empty", "the sandbox still holds campaigns, segments or templates");
        json::array revoked_from;
        for (const std::string& user : tx.delete_sandbox(s.tenant, s.id)) revoked_from.emplace_back(user);
        append_audit(tx, ctx.audit(s.tenant, "sandbox.delete", "sandboxes/" + s.id,
                                   {{"grants_removed_from", std::move(revoked_from)}}));
    });
    return no_content();
}

}  // namespace ferry::api
