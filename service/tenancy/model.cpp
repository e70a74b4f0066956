#include "tenancy/model.hpp"

#include <array>
#include <utility>

namespace ferry {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
    for (const auto& [value, name] : table)
        if (name == s) return value;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
    for (const auto& [value, name] : table)
        if (value == e) return name;
    return "unknown";
}

constexpr std::array<std::pair<SandboxType, std::string_view>, 2> sandbox_types{{
    {SandboxType::development, "development"},
    {SandboxType::production, "production"},
}};

constexpr std::array<std::pair<ApprovalRequirement, std::string_view>, 2> approval_requirements{{
    {ApprovalRequirement::policy, "policy"},
    {ApprovalRequirement::always, "always"},
}};

}  // namespace

std::string_view to_string(SandboxType t) { return name_of(sandbox_types, t); }
std::string_view to_string(ApprovalRequirement r) { return name_of(approval_requirements, r); }
std::optional<SandboxType> parse_sandbox_type(std::string_view s) { return lookup(sandbox_types, s); }
std::optional<ApprovalRequirement> parse_approval_requirement(std::string_view s) {
    return lookup(approval_requirements, s);
}

}  // namespace ferry
