#pragma once
// Failed authentication, per client address: counted in one-minute windows, answered 429 with
// Retry-After once an address passes its limit, and audited as one record per address and tenant
// per window (the first failure at once, the rest as one record with their count when the window
// ends), so that nobody who can reach the port grows the audit log without bound. Valid
// credentials are never refused: a user behind the same address as an attacker still gets in.
// Pure apart from its mutex: time comes in as an argument.

#include "core/time.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry {

class AuthThrottle {
public:
    static constexpr std::chrono::seconds window{60};

    explicit AuthThrottle(std::size_t failures_per_window) : limit_(failures_per_window) {}

    struct Failure {
        bool limited = false;                // answer 429 instead of 401
        std::chrono::seconds retry_after{};  // until the address's window ends
        bool audit = false;                  // the first failure of this address and tenant in the window
    };
    // Counts a failed authentication from `address` (an IP, without port) for `tenant` ("" when
    // the request named none).
    Failure fail(std::string_view address, std::string_view tenant, Timestamp now);

    struct Summary {
        std::string tenant;
        std::string address;
        std::size_t count = 0;  // failures not audited one by one
        Timestamp since;
        Timestamp until;
    };
    // The failures of windows that ended by `now` and were not audited one by one; taken once.
    std::vector<Summary> take_ended(Timestamp now);

private:
    struct Window {
        Timestamp start;
        std::size_t failures = 0;
    };
    struct Unwritten {
        Timestamp since;
        Timestamp until;
        std::size_t count = 0;
    };

    std::size_t limit_;
    std::mutex mutex_;
    std::map<std::string, Window, std::less<>> windows_;                  // by address
    std::map<std::pair<std::string, std::string>, Unwritten> unwritten_;  // by (address, tenant)
    std::vector<Summary> pending_;  // summaries of windows replaced before take_ended saw them
};

// The address part of "1.2.3.4:5678" or "[::1]:5678".
std::string_view address_of(std::string_view remote);

}  // namespace ferry
