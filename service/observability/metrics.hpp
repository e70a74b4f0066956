#pragma once
// Prometheus metrics for the HTTP surface: requests by route, method and status, a latency
// histogram per route, and requests in flight. Rendered in the text exposition format.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ferry {

class Metrics {
public:
    void observe(const std::string& route, const std::string& method, int status, double seconds);
    void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

    std::string render() const;

    static constexpr std::array<double, 14> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};

private:
    struct Histogram {
        std::array<std::uint64_t, buckets.size()> counts{};
        std::uint64_t count = 0;
        double sum = 0;
    };

    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::pair<std::string, std::string>, Histogram> latency_;
    std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace ferry
