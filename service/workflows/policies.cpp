#include "workflows/policies.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"
#include "workflows/journal.hpp"

namespace ferry::workflows {

namespace json = boost::json;
using approval::Policy;

namespace {

// Reads the editable fields present in `body` onto `p`; `creating` makes the required ones required.
void read_policy_fields(Tx& tx, const json::object& body, Policy& p, bool creating) {
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

void refuse_if_active(const Policy& p) {
    if (p.active)
        throw Error::conflict("policy_active",
                              "an active policy cannot be changed: deactivate it, edit it, activate it");
}

std::string target(const Policy& p) { return "approval-policies/" + p.id; }

}  // namespace

json::object policy_json(const Policy& p) {
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

Policy create_policy(Tx& tx, const Actor& actor, const json::object& body) {
    Policy p;
    p.tenant = actor.tenant;
    p.id = crypto::new_object_id("pol_");
    p.created_at = p.updated_at = actor.at;
    p.created_by = p.updated_by = actor.name();
    read_policy_fields(tx, body, p, true);
    tx.insert_policy(p);
    Journal(tx, actor).record(p.tenant, "policy.create", target(p), {{"policy", policy_json(p)}});
    return p;
}

Policy edit_policy(Tx& tx, const Actor& actor, Policy p, const json::object& body) {
    refuse_if_active(p);
    read_policy_fields(tx, body, p, false);
    p.updated_at = actor.at;
    p.updated_by = actor.name();
    ++p.revision;
    tx.update_policy(p);
    Journal(tx, actor).record(p.tenant, "policy.update", target(p), {{"policy", policy_json(p)}});
    return p;
}

void delete_policy(Tx& tx, const Actor& actor, const Policy& p) {
    refuse_if_active(p);
    tx.delete_policy(p.tenant, p.id);
    Journal(tx, actor).record(p.tenant, "policy.delete", target(p), {{"name", p.name}});
}

Policy set_policy_active(Tx& tx, const Actor& actor, Policy p, bool active) {
    if (p.active == active)
        throw Error::conflict("invalid_transition",
                              "the policy is already " + std::string(active ? "active" : "inactive"),
                              {{"active", p.active}});
    p.active = active;
    p.updated_at = actor.at;
    p.updated_by = actor.name();
    ++p.revision;
    tx.update_policy(p);
    Journal(tx, actor).record(p.tenant, active ? "policy.activate" : "policy.deactivate", target(p));
    return p;
}

Policy duplicate_policy(Tx& tx, const Actor& actor, const Policy& p) {
    Policy copy = p;
    copy.id = crypto::new_object_id("pol_");
    copy.name = p.name.substr(0, 193) + " (copy)";
    copy.active = false;  // a copy starts inactive, so it can be edited before it applies
    copy.created_at = copy.updated_at = actor.at;
    copy.created_by = copy.updated_by = actor.name();
    copy.revision = 1;
    tx.insert_policy(copy);
    Journal(tx, actor).record(p.tenant, "policy.duplicate", target(copy), {{"from_policy", p.id}});
    return copy;
}

}  // namespace ferry::workflows
