#include "tenancy/permissions.hpp"

#include <algorithm>

namespace ferry {

std::string_view to_string(Permission p) {
    switch (p) {
        case Permission::public_access: return "public";
        case Permission::authenticated: return "authenticated";
        case Permission::operator_only: return "operator";
        case Permission::tenant_read: return "tenant_read";
        case Permission::tenant_member: return "tenant_member";
        case Permission::tenant_admin: return "tenant_admin";
        case Permission::sandbox_read: return "sandbox_read";
        case Permission::sandbox_edit: return "sandbox_edit";
        case Permission::sandbox_review: return "sandbox_review";
        case Permission::sandbox_import: return "sandbox_import";
        case Permission::sandbox_report: return "sandbox_report";
    }
    return "unknown";
}

bool role_allows(Role role, Permission permission) {
    if (role == Role::admin) return true;
    switch (permission) {
        // A reporter (a delivery engine's token) reports and reads nothing.
        case Permission::sandbox_read: return role != Role::reporter;
        case Permission::sandbox_edit: return role == Role::editor;
        case Permission::sandbox_review: return role == Role::reviewer;
        case Permission::sandbox_import: return role == Role::importer;
        case Permission::sandbox_report: return role == Role::editor || role == Role::reporter;
        default: return false;
    }
}

bool only_reporter(const Principal& caller) {
    return !caller.roles.empty() && std::all_of(caller.roles.begin(), caller.roles.end(),
                                                [](const RoleGrant& g) { return g.role == Role::reporter; });
}

bool can_see_sandbox(const Principal& caller, std::string_view sandbox) {
    return std::any_of(caller.roles.begin(), caller.roles.end(),
                       [&](const RoleGrant& g) { return g.sandbox == all_sandboxes || g.sandbox == sandbox; });
}

bool is_tenant_admin(const Principal& caller) {
    return !caller.is_operator && std::any_of(caller.roles.begin(), caller.roles.end(), [](const RoleGrant& g) {
        return g.sandbox == all_sandboxes && g.role == Role::admin;
    });
}

Decision authorize(const Principal& caller, Permission required, std::string_view path_tenant,
                   std::string_view path_sandbox) {
    switch (required) {
        case Permission::public_access:
        case Permission::authenticated: return Decision::allow;
        case Permission::operator_only: return caller.is_operator ? Decision::allow : Decision::forbidden;
        default: break;
    }
    // The operator creates tenants and reads them, nothing else.
    if (caller.is_operator) return required == Permission::tenant_read ? Decision::allow : Decision::forbidden;
    if (caller.tenant != path_tenant) return Decision::not_found;
    // A sandbox the caller holds no role on is invisible, whatever the route requires.
    if (!path_sandbox.empty() && !can_see_sandbox(caller, path_sandbox)) return Decision::not_found;
    if (required == Permission::tenant_read || required == Permission::tenant_member)
        return only_reporter(caller) ? Decision::forbidden : Decision::allow;
    if (required == Permission::tenant_admin) return is_tenant_admin(caller) ? Decision::allow : Decision::forbidden;

    for (const RoleGrant& grant : caller.roles) {
        if (grant.sandbox != all_sandboxes && grant.sandbox != path_sandbox) continue;
        if (role_allows(grant.role, required)) return Decision::allow;
    }
    return Decision::forbidden;
}

}  // namespace ferry
