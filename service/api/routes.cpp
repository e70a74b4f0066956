#include "api/routes.hpp"

#include "api/handlers.hpp"

namespace ferry::api {

std::vector<http::Route> routes() {
    using P = Permission;
    const std::string t = "/v1/tenants/{tenant}";
    return {
        {"GET", "/healthz", P::public_access, get_healthz, "liveness"},
        {"GET", "/readyz", P::public_access, get_readyz, "readiness"},
        {"GET", "/metrics", P::public_access, get_metrics, "Prometheus metrics"},
        {"GET", "/openapi.json", P::public_access, get_openapi, "this API's OpenAPI document"},
        {"GET", "/v1/me", P::authenticated, get_me, "who the token belongs to"},

        {"POST", "/v1/tenants", P::operator_only, create_tenant, "create a tenant and its admin"},
        {"GET", "/v1/tenants", P::operator_only, list_tenants, "list tenants"},
        {"GET", t, P::tenant_read, get_tenant, "get a tenant"},

        {"GET", t + "/sandboxes", P::tenant_member, list_sandboxes, "list the sandboxes the caller can see"},
        {"POST", t + "/sandboxes", P::tenant_admin, create_sandbox, "create a sandbox"},
        {"GET", t + "/sandboxes/{sandbox}", P::sandbox_read, get_sandbox, "get a sandbox"},
        {"PATCH", t + "/sandboxes/{sandbox}", P::tenant_admin, update_sandbox, "edit a sandbox"},
        {"DELETE", t + "/sandboxes/{sandbox}", P::tenant_admin, delete_sandbox, "delete a sandbox"},

        {"GET", t + "/users", P::tenant_admin, list_users, "list users"},
        {"POST", t + "/users", P::tenant_admin, create_user, "create a user"},
        {"GET", t + "/users/{user}", P::tenant_admin, get_user, "get a user"},
        {"PATCH", t + "/users/{user}", P::tenant_admin, update_user, "edit a user's name or roles"},
        {"DELETE", t + "/users/{user}", P::tenant_admin, delete_user, "delete a user and their tokens"},

        {"GET", t + "/users/{user}/tokens", P::tenant_admin, list_tokens, "list a user's tokens"},
        {"POST", t + "/users/{user}/tokens", P::tenant_admin, create_token, "create a token (shown once)"},
        {"DELETE", t + "/users/{user}/tokens/{token}", P::tenant_admin, revoke_token, "revoke a token"},

        {"GET", t + "/audit", P::tenant_admin, list_audit, "page through the audit log"},
        {"GET", t + "/audit/verify", P::tenant_admin, verify_audit, "verify the audit hash chain"},
    };
}

}  // namespace ferry::api
