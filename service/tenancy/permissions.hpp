#pragma once
// Who may do what: the permission each route requires, and the one decision function that
// answers allow / not_found / forbidden for a caller. Pure: no I/O, tested as a table.
//
// Visibility rule (documented in docs/http.md): another tenant's anything is 404. Inside the
// caller's own tenant, a sandbox on which the caller holds no role is invisible (404, as if it
// did not exist, matching the filtered sandbox list); where the caller can see the object but
// lacks the permission, the answer is 403.

#include "tenancy/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

enum class Permission {
    public_access,   // no credentials needed
    authenticated,   // any valid token, operator or user
    operator_only,   // the operator token
    tenant_read,     // the operator, or any user of the path's tenant
    tenant_member,   // any user of the path's tenant
    tenant_admin,    // admin on "*" in the path's tenant
    sandbox_read,    // any role on the path's sandbox
    sandbox_edit,    // admin or editor on the path's sandbox
    sandbox_review,  // admin or reviewer on the path's sandbox
    sandbox_import,  // admin or importer on the path's sandbox
    sandbox_report,  // admin, editor or reporter on the path's sandbox (delivery figures, execution events)
};

std::string_view to_string(Permission p);

struct Principal {
    bool is_operator = false;
    std::string tenant;
    std::string user;
    std::string token_id;
    std::string session_id;  // set when the request came with a console session cookie
    std::vector<RoleGrant> roles;
};

enum class Decision { allow, not_found, forbidden };

Decision authorize(const Principal& caller, Permission required, std::string_view path_tenant,
                   std::string_view path_sandbox);

// True when the caller holds any role on the sandbox (directly or through "*").
bool can_see_sandbox(const Principal& caller, std::string_view sandbox);

// True when every role the caller holds is reporter: a delivery engine's token, which reads
// nothing of the tenant (not even the tenant-wide lists any member reads).
bool only_reporter(const Principal& caller);

// True when the caller is admin on "*": the tenant administrator.
bool is_tenant_admin(const Principal& caller);

// True when the role, held on a sandbox, gives the permission there.
bool role_allows(Role role, Permission permission);

}  // namespace ferry
