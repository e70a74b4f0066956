#pragma once
// Promotion pipelines (docs/pipelines.md): a tenant's ordered stages, the promotions that move a
// package version one stage along, and the freeze windows of a sandbox. Plain values; the rules
// over them are in pipelines/rules.hpp and pipelines/freeze.hpp, pure.

#include "core/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::pipelines {

struct Stage {
    std::string sandbox;
    std::int64_t soak_seconds = 0;  // how long a version must have been live in the previous stage
    bool health_gate = false;       // nothing it brought to the previous stage failed or raised an alert
};

struct Pipeline {
    std::string tenant;
    std::string name;
    std::string description;
    std::vector<Stage> stages;
    Timestamp created_at;
    std::string created_by;
    Timestamp updated_at;
    std::string updated_by;
    std::int64_t revision = 1;

    // The stage's position, if the sandbox is one.
    std::optional<std::size_t> position_of(std::string_view sandbox) const;
};

enum class PromotionStatus { planned, scheduled, waiting, applied, live, failed, cancelled };
std::string_view to_string(PromotionStatus s);
std::optional<PromotionStatus> parse_promotion_status(std::string_view s);
// applied, live, failed and cancelled: nothing more to try (live is the end of an applied one).
bool is_final_attempt(PromotionStatus s);

// Why a promotion cannot apply yet.
// manual: a sync subscription's promotion that a person applies (docs/sync.md).
enum class WaitReason { frozen, soak, health, conflicts, plan_changed, blocked, manual };
std::string_view to_string(WaitReason r);
std::optional<WaitReason> parse_wait_reason(std::string_view s);
// Whether the scheduler tries it again by itself (frozen, soak, health), or a person must.
bool retried_by_scheduler(WaitReason r);

struct Waiting {
    WaitReason reason = WaitReason::frozen;
    std::string message;
    std::optional<Timestamp> until;  // frozen, soak: when it may go
    std::string window;              // frozen: the window in force
    boost::json::array objects;      // health, conflicts, blocked: what is in the way
};

struct HistoryEntry {
    Timestamp at;
    PromotionStatus status = PromotionStatus::planned;
    std::string by;
    std::string note;
};

struct Promotion {
    std::string tenant;
    std::string id;
    std::string pipeline;  // "" for a sync into a sandbox that is no stage of a pipeline
    std::string package;
    std::int64_t version = 0;
    std::string subscription;    // the sync subscription that made it ("" when a person did)
    std::string stage;           // the target sandbox
    std::string previous_stage;  // "" for the first stage
    PromotionStatus status = PromotionStatus::planned;
    std::optional<Timestamp> at;  // when to apply (the scheduler does); none: at once
    std::optional<Waiting> waiting;
    std::string plan_digest;          // the plan computed when it was created or last retried
    boost::json::object plan_counts;  // create, update, reuse, skip, conflict
    boost::json::object request;      // conflict_policy, overrides, bindings: the import's options
    std::string import_id;
    std::string bypass_by;  // break-glass: who, and why ("" when none)
    std::string bypass_reason;
    Timestamp created_at;
    std::string created_by;
    Timestamp updated_at;
    std::optional<Timestamp> applied_at;
    std::optional<Timestamp> live_at;
    std::string error;  // failed: why
    std::vector<HistoryEntry> history;
    std::int64_t revision = 1;

    // When the scheduler should look at it next: a scheduled one at its time, one waiting on a
    // window or a soak at their end, one waiting on health and an applied one at every pass;
    // none when only a person can move it.
    std::optional<Timestamp> due_at() const;
};

// A sandbox following a package (docs/sync.md): the scheduler promotes each new version into it.
enum class SyncMode { automatic, manual };
std::string_view to_string(SyncMode m);
std::optional<SyncMode> parse_sync_mode(std::string_view s);

struct Subscription {
    std::string tenant;
    std::string id;
    std::string sandbox;
    std::string package;
    SyncMode mode = SyncMode::automatic;
    bool paused = false;
    boost::json::object request;    // conflict_policy, overrides, resolutions, bindings: the import's options
    std::int64_t last_version = 0;  // the newest version it made a promotion for (or found applied)
    std::string promotion;          // that promotion ("" for none yet)
    Timestamp created_at;
    std::string created_by;
    Timestamp updated_at;
    std::string updated_by;
    std::int64_t revision = 1;
};

enum class FreezeKind { once, weekly };
std::string_view to_string(FreezeKind k);

// A weekly moment: a day (0 = Monday ... 6 = Sunday) and a wall-clock minute of that day.
struct WeeklyTime {
    int day = 0;
    int minute = 0;
};

struct FreezeWindow {
    std::string tenant;
    std::string sandbox;
    std::string id;
    FreezeKind kind = FreezeKind::once;
    Timestamp start;  // once
    Timestamp end;    // once
    WeeklyTime from;  // weekly, in time_zone
    WeeklyTime to;    // weekly
    std::string time_zone;
    std::string reason;
    Timestamp created_at;
    std::string created_by;
};

}  // namespace ferry::pipelines
