#pragma once
// Tenants, sandboxes, users, their roles and tokens: the identity model of product.md §1.

#include "core/roles.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

struct Tenant {
    std::string id;
    std::string name;
    Timestamp created_at;
};

enum class SandboxType { development, production };
enum class ApprovalRequirement { policy, always };

struct Sandbox {
    std::string tenant;
    std::string id;
    SandboxType type = SandboxType::development;
    ApprovalRequirement require_approval = ApprovalRequirement::policy;
    std::string description;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

struct User {
    std::string tenant;
    std::string id;
    std::string name;
    std::vector<RoleGrant> roles;
    std::vector<std::string> permissions;  // extra grants beyond roles: "bypass_approval", "bypass_pipeline"
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

// The break-glass permission: activate without the approvals a policy requires (always audited).
inline constexpr std::string_view bypass_approval = "bypass_approval";

struct Token {
    std::string id;
    std::string tenant;
    std::string user;
    std::string name;
    std::string hash;  // hex SHA-256 of the secret; the secret itself is never stored
    Timestamp created_at;
    std::optional<Timestamp> expires_at;
    std::optional<Timestamp> revoked_at;
};

// A browser session of the console: the cookie holds a random secret, the store only its hash.
// It acts as its user (with the user's current roles) until it ends: at sign-out, after the idle
// limit, at `expires_at`, or when its user, the token it was opened with, or a role it was
// opened with is removed.
struct BrowserSession {
    std::string id;  // "ses_" + 16 base62: names the session in the audit log; not a secret
    std::string tenant;
    std::string user;
    std::string hash;              // hex SHA-256 of the cookie's secret
    std::string token_id;          // the personal token it was opened with; empty for a sign-in link
    std::vector<RoleGrant> roles;  // the user's roles when it opened
    Timestamp created_at;
    Timestamp last_seen_at;
    Timestamp expires_at;  // absolute end
};

// A one-time sign-in link an admin made for a user: the link carries a random code, the store
// only its hash; it opens one session, once, before `expires_at`.
struct SignInLink {
    std::string hash;  // hex SHA-256 of the code
    std::string tenant;
    std::string user;
    std::string created_by;
    Timestamp created_at;
    Timestamp expires_at;
    std::optional<Timestamp> used_at;
};

std::string_view to_string(SandboxType t);
std::string_view to_string(ApprovalRequirement r);
std::optional<SandboxType> parse_sandbox_type(std::string_view s);
std::optional<ApprovalRequirement> parse_approval_requirement(std::string_view s);

}  // namespace ferry
