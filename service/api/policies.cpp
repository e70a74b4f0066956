// Approval policies of a tenant: created, listed, edited only while inactive, activated,
// deactivated, duplicated, deleted.

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "approval/policy.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

approval::Policy existing_policy(Tx& tx, const Context& ctx) {
    return or_not_found(tx.policy(ctx.caller.tenant, ctx.param("policy")), "approval policy");
}

// Reads the editable fields present in `body` onto `p`; `creating` makes the required ones required.
void read_policy_fields(Tx& tx, const json::object& body, approval::Policy& p, bool creating) {
    Fields f(body);
    if (auto name = creating ? std::optional(f.required_string("name", 200)) : f.optional_string("name", 200)) {
        if (name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
        p.name = *name;
    }
    if (auto scope = creating ? std::optional(f.required_string("scope", 16)) : f.optional_string("scope", 16)) {
        const auto parsed = approval::parse_scope(*scope);
        if (!parsed) throw Error::invalid_field("scope", "scope must be campaign or package");
        p.scope = *parsed;
    }
    if (const json::value* conditions = f.optional_value("conditions"))
        p.conditions = approval::parse_conditions(*conditions, "conditions");
    else if (creating)
        throw Error::invalid_field("conditions", "conditions is required ({\"all\":[]} matches everything)");
    if (const json::value* approvers = f.optional_value("approvers"))
        p.approvers = approval::parse_approvers(*approvers, "approvers");
    else if (creating)
        throw Error::invalid_field("approvers", "approvers is required: {\"role\":...} or {\"users\":[...]}");
    if (auto required = f.optional_integer("required_approvals", 1, 10)) p.required = static_cast<int>(*required);
    if (const json::value* active = f.optional_value("active")) {
        if (!creating) throw Error::invalid_field("active", "use the activate and deactivate actions");
        if (!active->is_bool()) throw Error::invalid_field("active", "active must be true or false");
        p.active = active->get_bool();
    }
    f.finish();
    for (std::size_t i = 0; i < p.approvers.users.size(); ++i)
        if (!tx.user(p.tenant, p.approvers.users[i]))
            throw Error::invalid_field("approvers.users[" + std::to_string(i) + "]",
                                       "user " + p.approvers.users[i] + " does not exist");
    if (!p.approvers.users.empty() && p.required > static_cast<int>(p.approvers.users.size()))
        throw Error::invalid_field("required_approvals", "required_approvals exceeds the number of approvers listed");
}

void refuse_if_active(const approval::Policy& p) {
    if (p.active)
        throw Error::conflict("policy_active",
                              "an active policy cannot be changed: deactivate it, edit it, activate it");
}

}  // namespace

json::object to_json(const approval::Policy& p) {
    return {{"id", p.id},
            {"name", p.name},
            {"scope", approval::to_string(p.scope)},
            {"conditions", approval::to_json(p.conditions)},
            {"approvers", approval::to_json(p.approvers)},
            {"required_approvals", p.required},
            {"active", p.active},
            {"created_at", format_rfc3339(p.created_at)},
            {"created_by", p.created_by},
            {"updated_at", format_rfc3339(p.updated_at)},
            {"updated_by", p.updated_by}};
}

http::Response list_policies(Context& ctx) {
    json::array items;
    for (const auto& p : ctx.store().read([&](Tx& tx) { return tx.policies(ctx.caller.tenant); }))
        items.push_back(to_json(p));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_policy(Context& ctx) {
    const json::object body = ctx.body();
    approval::Policy p;
    p.tenant = ctx.caller.tenant;
    p.id = new_object_id("pol_");
    p.created_at = p.updated_at = ctx.now();
    p.created_by = p.updated_by = ctx.actor();
    ctx.store().write([&](Tx& tx) {
        read_policy_fields(tx, body, p, true);
        tx.insert_policy(p);
        append_audit(tx, ctx.audit(p.tenant, "policy.create", "approval-policies/" + p.id, {{"policy", to_json(p)}}));
    });
    return versioned_response(201, p);
}

http::Response get_policy(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_policy(tx, ctx); }));
}

http::Response update_policy(Context& ctx) {
    const json::object body = ctx.body();
    const auto updated = ctx.store().write([&](Tx& tx) {
        approval::Policy p = existing_policy(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        refuse_if_active(p);
        read_policy_fields(tx, body, p, false);
        p.updated_at = ctx.now();
        p.updated_by = ctx.actor();
        ++p.revision;
        tx.update_policy(p);
        append_audit(tx, ctx.audit(p.tenant, "policy.update", "approval-policies/" + p.id, {{"policy", to_json(p)}}));
        return p;
    });
    return versioned_response(200, updated);
}

http::Response delete_policy(Context& ctx) {
    ctx.store().write([&](Tx& tx) {
        const approval::Policy p = existing_policy(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        refuse_if_active(p);
        tx.delete_policy(p.tenant, p.id);
        append_audit(tx, ctx.audit(p.tenant, "policy.delete", "approval-policies/" + p.id, {{"name", p.name}}));
    });
    return no_content();
}

http::Response policy_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "activate" && action != "deactivate" && action != "duplicate")
        throw Error::not_found("policy action " + action);
    Fields(ctx.body()).finish();
    const Timestamp now = ctx.now();
    const auto [result, created] = ctx.store().write([&](Tx& tx) {
        approval::Policy p = existing_policy(tx, ctx);
        if (action == "duplicate") {
            approval::Policy copy = p;
            copy.id = new_object_id("pol_");
            copy.name = p.name.substr(0, 193) + " (copy)";
            copy.active = false;  // a copy starts inactive, so it can be edited before it applies
            copy.created_at = copy.updated_at = now;
            copy.created_by = copy.updated_by = ctx.actor();
            copy.revision = 1;
            tx.insert_policy(copy);
            append_audit(
                tx, ctx.audit(p.tenant, "policy.duplicate", "approval-policies/" + copy.id, {{"from_policy", p.id}}));
            return std::pair{copy, true};
        }
        const bool activate = action == "activate";
        if (p.active == activate)
            throw Error::conflict("invalid_transition",
                                  "the policy is already " + std::string(activate ? "active" : "inactive"),
                                  {{"active", p.active}});
        p.active = activate;
        p.updated_at = now;
        p.updated_by = ctx.actor();
        ++p.revision;
        tx.update_policy(p);
        append_audit(tx, ctx.audit(p.tenant, "policy." + action, "approval-policies/" + p.id));
        return std::pair{p, false};
    });
    return versioned_response(created ? 201 : 200, result);
}

}  // namespace ferry::api
