#pragma once
// Timestamps as ferry stores and shows them: UTC, millisecond precision, RFC 3339 on the wire.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Formats as "2026-11-22T07:26:36.123Z".
std::string format_rfc3339(Timestamp t);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; nullopt when malformed or out of range.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

std::int64_t to_millis(Timestamp t);
Timestamp from_millis(std::int64_t ms);

// The source of "now" for everything that decides by time; tests inject their own.
class Clock {
public:
    virtual ~Clock() = default;
    virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
public:
    Timestamp now() const override;
};

}  // namespace ferry
