#pragma once
// Timestamps as ferry stores and shows them: UTC, millisecond precision, RFC 3339 on the wire.

#include <atomic>
#include <chrono>
#include <cstdint>
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

// A clock that only moves when told to: ferryd --test-clock, and tests.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Timestamp start) : ms_(to_millis(start)) {}
    Timestamp now() const override { return from_millis(ms_.load()); }
    void set(Timestamp t) { ms_.store(to_millis(t)); }
    void advance(std::chrono::milliseconds by) { ms_.fetch_add(by.count()); }

private:
    std::atomic<std::int64_t> ms_;
};

}  // namespace ferry
