#include "pipelines/model.hpp"

#include <array>
#include <utility>

namespace ferry::pipelines {

namespace {

constexpr std::array<std::pair<PromotionStatus, std::string_view>, 7> status_names{{
    {PromotionStatus::planned, "planned"},
    {PromotionStatus::scheduled, "scheduled"},
    {PromotionStatus::waiting, "waiting"},
    {PromotionStatus::applied, "applied"},
    {PromotionStatus::live, "live"},
    {PromotionStatus::failed, "failed"},
    {PromotionStatus::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<WaitReason, std::string_view>, 7> reason_names{{
    {WaitReason::frozen, "frozen"},
    {WaitReason::soak, "soak"},
    {WaitReason::health, "health"},
    {WaitReason::conflicts, "conflicts"},
    {WaitReason::plan_changed, "plan_changed"},
    {WaitReason::blocked, "blocked"},
    {WaitReason::manual, "manual"},
}};

}  // namespace

std::optional<std::size_t> Pipeline::position_of(std::string_view sandbox) const {
    for (std::size_t i = 0; i < stages.size(); ++i)
        if (stages[i].sandbox == sandbox) return i;
    return std::nullopt;
}

std::string_view to_string(PromotionStatus s) {
    for (const auto& [value, name] : status_names)
        if (value == s) return name;
    return "planned";
}

std::optional<PromotionStatus> parse_promotion_status(std::string_view s) {
    for (const auto& [value, name] : status_names)
        if (name == s) return value;
    return std::nullopt;
}

bool is_final_attempt(PromotionStatus s) {
    return s == PromotionStatus::applied || s == PromotionStatus::live || s == PromotionStatus::failed ||
           s == PromotionStatus::cancelled;
}

std::string_view to_string(WaitReason r) {
    for (const auto& [value, name] : reason_names)
        if (value == r) return name;
    return "frozen";
}

std::optional<WaitReason> parse_wait_reason(std::string_view s) {
    for (const auto& [value, name] : reason_names)
        if (name == s) return value;
    return std::nullopt;
}

std::string_view to_string(SyncMode m) { return m == SyncMode::manual ? "manual" : "auto"; }

std::optional<SyncMode> parse_sync_mode(std::string_view s) {
    if (s == "auto") return SyncMode::automatic;
    if (s == "manual") return SyncMode::manual;
    return std::nullopt;
}

bool retried_by_scheduler(WaitReason r) {
    return r == WaitReason::frozen || r == WaitReason::soak || r == WaitReason::health;
}

std::optional<Timestamp> Promotion::due_at() const {
    switch (status) {
        case PromotionStatus::scheduled: return at;
        case PromotionStatus::applied: return applied_at ? applied_at : std::optional(updated_at);
        case PromotionStatus::waiting:
            if (!waiting || !retried_by_scheduler(waiting->reason)) return std::nullopt;
            if (waiting->until) return waiting->until;
            return updated_at;
        default: return std::nullopt;
    }
}

std::string_view to_string(FreezeKind k) { return k == FreezeKind::weekly ? "weekly" : "once"; }

}  // namespace ferry::pipelines
