#pragma once
// Roles, role grants and the ids they name: what approval policies, permissions and the CLI all
// speak of (product.md §1). The users and tokens that hold them are in service/tenancy/.

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// reporter: a delivery engine's token: reports figures and execution events, reads nothing.
enum class Role { admin, editor, reviewer, viewer, importer, reporter };

// The sandbox a grant applies to; "*" means every sandbox of the tenant, present and future.
inline constexpr std::string_view all_sandboxes = "*";

struct RoleGrant {
    std::string sandbox;
    Role role = Role::viewer;
    friend bool operator==(const RoleGrant&, const RoleGrant&) = default;
};

std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

// Tenant and sandbox ids: 1-64 of [a-z0-9-], starting and ending with a letter or digit.
bool is_slug(std::string_view s);
// User ids additionally allow '.' and '_' inside ("ci.bot", "jane_doe").
bool is_user_id(std::string_view s);

}  // namespace ferry
