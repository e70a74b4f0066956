#pragma once
// Webhooks: where a tenant wants its events, the outbox that keeps every event until it is
// delivered, and the log of delivery attempts.

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

struct Webhook {
    std::string tenant;
    std::string id;
    std::string url;
    std::vector<std::string> events;
    std::string secret;  // signs each delivery; never shown again after creation
    std::string created_by;
    Timestamp created_at;
};

enum class OutboxState { pending, delivered, dead };

// One event for one webhook. The event id stays the same across retries, so receivers can
// de-duplicate.
struct OutboxItem {
    std::int64_t seq = 0;  // assigned by storage
    std::string tenant;
    std::string webhook_id;
    std::string event_id;
    std::string event_type;
    std::string payload;  // the JSON body, fixed when the event happened
    Timestamp created_at;
    int attempts = 0;
    Timestamp next_attempt_at;
    OutboxState state = OutboxState::pending;
    std::string last_error;
    std::optional<Timestamp> finished_at;  // when it was delivered or given up (wall time)
};

struct Delivery {
    std::string tenant;
    std::string webhook_id;
    std::string event_id;
    std::string event_type;
    int attempt = 0;
    Timestamp at;
    int status_code = 0;  // 0: no HTTP answer
    std::string error;
    std::int64_t duration_ms = 0;
};

std::string_view to_string(OutboxState s);

// The events a webhook can subscribe to.
inline constexpr std::string_view event_types[] = {
    "review.requested",  "review.decided",     "campaign.status_changed", "package.published",
    "import.applied",    "import.rolled_back", "promotion.scheduled",     "promotion.waiting",
    "promotion.applied", "promotion.live",     "promotion.failed",        "drift.detected"};
bool is_event_type(std::string_view s);

}  // namespace ferry
