#pragma once
// ferryd's Prometheus metrics, kept in a prometheus-cpp registry and rendered for GET /metrics in
// the text exposition format (ferry's own HTTP server serves it; prometheus-cpp's exposer is not
// used). What is recorded where:
//   - HTTP: requests by route, method and status, latency per route, requests in flight (App);
//   - use cases: package publishes and import applies, by outcome, with their durations and the
//     objects they carried (recorded at the use-case boundary through a Measurement);
//   - storage: transaction durations by backend and kind (MeasuredStore), git store errors;
//   - background work: scheduler lag, webhook deliveries (the scheduler and the dispatcher);
//   - at scrape time: process_* figures from /proc, and the backlog figures the caller read
//     from the store (pending reviews per tenant, webhook outbox depth and oldest age).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus

namespace ferry {

class Metrics {
public:
    // `version`: this build's version, shown by ferry_build_info.
    explicit Metrics(std::string_view version);
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // HTTP.
    void observe(const std::string& route, const std::string& method, int status, double seconds);
    void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

    enum class UseCase { publish, import_apply };

    // One run of a use case, timed from its making to its end. The run names its outcome when it
    // succeeds ("published", "applied", ...) or fails in a known way ("conflict", ...); a run that
    // ends without naming one (an exception went through) counts as "failed".
    class Measurement {
    public:
        Measurement(Metrics& metrics, UseCase use_case);
        ~Measurement();
        Measurement(const Measurement&) = delete;
        Measurement& operator=(const Measurement&) = delete;

        void outcome(std::string_view name) { outcome_ = name; }
        // Objects the run published or applied (counted only for a run that names its outcome).
        void objects(std::size_t count) { objects_ = count; }

    private:
        Metrics& metrics_;
        UseCase use_case_;
        std::chrono::steady_clock::time_point started_;
        std::string outcome_;
        std::size_t objects_ = 0;
    };

    // Objects a published package version holds.
    void package_objects_published(std::size_t count);

    // A transaction through the storage interface, from its call to its return (for SQLite
    // writes that includes the wait for the writer thread's group commit).
    void store_transaction(bool write, double seconds);
    // `backend`: "sqlite" or "postgres"; set once, before the store is used.
    void set_store_backend(std::string_view backend);

    // An operation on the package git store that failed ("publish", "read").
    void git_store_error(std::string_view operation);

    // A scheduler pass: how long after it was due it started, and the transitions it applied.
    void scheduler_pass(double lag_seconds, std::size_t transitions, double seconds);

    // One webhook delivery attempt: "delivered", "retry" or "dead".
    void webhook_delivery(std::string_view outcome, double seconds);

    // What /metrics reads from the store at scrape time.
    struct Backlog {
        std::vector<std::pair<std::string, std::int64_t>> pending_reviews;  // tenant -> pending reviews
        // One series per tenant (for the operator); otherwise their sum, with no tenant named.
        bool by_tenant = false;
        std::int64_t outbox_pending = 0;
        double outbox_oldest_age_seconds = 0;
    };

    // The exposition text; `backlog` is left out when the store could not be read.
    std::string render(const std::optional<Backlog>& backlog) const;

private:
    struct Registry;
    std::unique_ptr<Registry> r_;
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<prometheus::Histogram*> read_tx_{nullptr};
    std::atomic<prometheus::Histogram*> write_tx_{nullptr};
};

}  // namespace ferry
