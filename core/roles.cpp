#include "core/roles.hpp"

#include <array>
#include <utility>

namespace ferry {

namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> roles{{
    {Role::admin, "admin"},
    {Role::editor, "editor"},
    {Role::reviewer, "reviewer"},
    {Role::viewer, "viewer"},
    {Role::importer, "importer"},
    {Role::reporter, "reporter"},
}};

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_identifier(std::string_view s, std::string_view inner_extra) {
    if (s.empty() || s.size() > 64) return false;
    if (!is_alnum_lower(s.front()) || !is_alnum_lower(s.back())) return false;
    for (const char c : s)
        if (!is_alnum_lower(c) && c != '-' && inner_extra.find(c) == std::string_view::npos) return false;
    return true;
}

}  // namespace

std::string_view to_string(Role r) {
    for (const auto& [value, name] : roles)
        if (value == r) return name;
    return "unknown";
}

std::optional<Role> parse_role(std::string_view s) {
    for (const auto& [value, name] : roles)
        if (name == s) return value;
    return std::nullopt;
}

bool is_slug(std::string_view s) { return is_identifier(s, ""); }
bool is_user_id(std::string_view s) { return is_identifier(s, "._"); }

}  // namespace ferry
