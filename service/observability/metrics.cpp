#include "observability/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::MetricFamily;
using prometheus::MetricType;

const Histogram::BucketBoundaries http_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
// A publish writes and fsyncs a pack; an import applies a whole package in one transaction.
const Histogram::BucketBoundaries use_case_buckets{0.005, 0.01, 0.025, 0.05, 0.1,  0.25, 0.5,
                                                   1.0,   2.5,  5.0,   10.0, 30.0, 60.0};
const Histogram::BucketBoundaries transaction_buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0};

constexpr std::string_view publish_outcomes[] = {"published", "unchanged", "failed"};
constexpr std::string_view import_outcomes[] = {"applied", "already_applied", "replayed", "conflict",
                                                "blocked", "rejected",        "failed"};
constexpr std::string_view delivery_outcomes[] = {"delivered", "retry", "dead"};
constexpr std::string_view git_operations[] = {"publish", "read"};

MetricFamily scalar(std::string name, std::string help, MetricType type, double value) {
    MetricFamily f{std::move(name), std::move(help), type, {}};
    prometheus::ClientMetric m;
    if (type == MetricType::Counter)
        m.counter.value = value;
    else
        m.gauge.value = value;
    f.metric.push_back(std::move(m));
    return f;
}

// The process_* figures every Prometheus client exports, read from /proc now. A figure that
// cannot be read is left out rather than shown wrong.
void add_process_figures(std::vector<MetricFamily>& out) {
    const long ticks = sysconf(_SC_CLK_TCK);
    const long page = sysconf(_SC_PAGESIZE);
    std::ifstream stat_file("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const auto close = stat.rfind(')');
    if (close != std::string::npos && ticks > 0) {
        std::istringstream fields(stat.substr(close + 2));
        std::vector<std::string> f;
        for (std::string field; fields >> field;) f.push_back(field);
        // Field 3 (state) is f[0]: utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        if (f.size() > 21) {
            const double cpu = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(ticks);
            out.push_back(scalar("process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
                                 MetricType::Counter, cpu));
            out.push_back(scalar("process_virtual_memory_bytes", "Virtual memory size, in bytes.", MetricType::Gauge,
                                 std::stod(f[20])));
            out.push_back(scalar("process_resident_memory_bytes", "Resident memory size, in bytes.", MetricType::Gauge,
                                 std::stod(f[21]) * static_cast<double>(page)));
            std::ifstream proc_stat("/proc/stat");
            for (std::string line; std::getline(proc_stat, line);) {
                if (!line.starts_with("btime ")) continue;
                const double boot = std::stod(line.substr(6));
                out.push_back(scalar("process_start_time_seconds",
                                     "Start time of the process since the Unix epoch, in seconds.", MetricType::Gauge,
                                     boot + std::stod(f[19]) / static_cast<double>(ticks)));
                break;
            }
        }
    }
    std::error_code ec;
    std::size_t open = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++open;
    // The iteration's own descriptor is among those counted.
    if (!ec && open > 0)
        out.push_back(
            scalar("process_open_fds", "Open file descriptors.", MetricType::Gauge, static_cast<double>(open - 1)));
    std::ifstream limits("/proc/self/limits");
    for (std::string line; std::getline(limits, line);) {
        if (!line.starts_with("Max open files")) continue;
        std::istringstream rest(line.substr(std::string_view("Max open files").size()));
        std::string soft;
        rest >> soft;
        if (soft != "unlimited" && !soft.empty())
            out.push_back(scalar("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                                 std::stod(soft)));
        break;
    }
}

}  // namespace

struct Metrics::Registry {
    prometheus::Registry registry;
    Family<Counter>& http_requests = prometheus::BuildCounter()
                                         .Name("ferry_http_requests_total")
                                         .Help("HTTP requests answered, by route pattern, method and status.")
                                         .Register(registry);
    Family<Histogram>& http_latency = prometheus::BuildHistogram()
                                          .Name("ferry_http_request_duration_seconds")
                                          .Help("Time from a request's dispatch to its response.")
                                          .Register(registry);
    Family<Gauge>& build_info = prometheus::BuildGauge()
                                    .Name("ferry_build_info")
                                    .Help("Always 1; the version label names this ferryd's build.")
                                    .Register(registry);
    Family<Counter>& publishes = prometheus::BuildCounter()
                                     .Name("ferry_package_publishes_total")
                                     .Help(
                                         "Package publications (from POST .../versions or an approved package review), "
                                         "by outcome: published, unchanged (nothing new to publish), failed.")
                                     .Register(registry);
    Family<Histogram>& publish_duration =
        prometheus::BuildHistogram()
            .Name("ferry_package_publish_duration_seconds")
            .Help("Time a package publication took, waiting for the package's lock included.")
            .Register(registry);
    Family<Counter>& published_objects =
        prometheus::BuildCounter()
            .Name("ferry_package_published_objects_total")
            .Help("Objects (campaigns, segments, templates) in the package versions published.")
            .Register(registry);
    Family<Counter>& imports =
        prometheus::BuildCounter()
            .Name("ferry_imports_total")
            .Help(
                "Import applies, by outcome: applied, already_applied, replayed (an Idempotency-Key's "
                "answer repeated), conflict, blocked (bindings or dependencies missing), rejected "
                "(other client errors), failed.")
            .Register(registry);
    Family<Histogram>& import_duration =
        prometheus::BuildHistogram()
            .Name("ferry_import_duration_seconds")
            .Help("Time an import apply took, reading and verifying the version included.")
            .Register(registry);
    Family<Counter>& imported_objects =
        prometheus::BuildCounter()
            .Name("ferry_import_applied_objects_total")
            .Help("Plan items (objects created, updated or left as they were) of the imports applied.")
            .Register(registry);
    Family<Histogram>& transactions =
        prometheus::BuildHistogram()
            .Name("ferry_store_transaction_duration_seconds")
            .Help(
                "Database transactions through the storage interface, from call to return, "
                "by backend and kind (read, write).")
            .Register(registry);
    Family<Counter>& git_errors =
        prometheus::BuildCounter()
            .Name("ferry_git_store_errors_total")
            .Help("Operations on the package git store that failed, by operation (publish, read).")
            .Register(registry);
    Family<Gauge>& scheduler_lag = prometheus::BuildGauge()
                                       .Name("ferry_scheduler_lag_seconds")
                                       .Help("How long after it was due the last scheduler pass started.")
                                       .Register(registry);
    Family<Gauge>& scheduler_last = prometheus::BuildGauge()
                                        .Name("ferry_scheduler_last_pass_timestamp_seconds")
                                        .Help("When the last scheduler pass ended, since the Unix epoch.")
                                        .Register(registry);
    Family<Histogram>& scheduler_duration = prometheus::BuildHistogram()
                                                .Name("ferry_scheduler_pass_duration_seconds")
                                                .Help("Time a scheduler pass took.")
                                                .Register(registry);
    Family<Counter>& scheduler_transitions = prometheus::BuildCounter()
                                                 .Name("ferry_scheduler_transitions_total")
                                                 .Help("Campaign transitions the scheduler applied.")
                                                 .Register(registry);
    Family<Counter>& deliveries =
        prometheus::BuildCounter()
            .Name("ferry_webhook_deliveries_total")
            .Help(
                "Webhook delivery attempts, by outcome: delivered, retry (to be tried again), "
                "dead (given up).")
            .Register(registry);
    Family<Histogram>& delivery_duration = prometheus::BuildHistogram()
                                               .Name("ferry_webhook_delivery_duration_seconds")
                                               .Help("Time a webhook delivery attempt took.")
                                               .Register(registry);
    std::string backend;
};

Metrics::Metrics(std::string_view version) : r_(std::make_unique<Registry>()) {
    r_->build_info.Add({{"version", std::string(version)}}).Set(1);
    // Every outcome is there from the start, at 0, so that rates and alerts see it before it happens.
    for (const auto o : publish_outcomes) r_->publishes.Add({{"outcome", std::string(o)}});
    for (const auto o : import_outcomes) r_->imports.Add({{"outcome", std::string(o)}});
    for (const auto o : delivery_outcomes) r_->deliveries.Add({{"outcome", std::string(o)}});
    for (const auto o : git_operations) r_->git_errors.Add({{"operation", std::string(o)}});
    r_->publish_duration.Add({}, use_case_buckets);
    r_->import_duration.Add({}, use_case_buckets);
    r_->published_objects.Add({});
    r_->imported_objects.Add({});
    r_->scheduler_duration.Add({}, use_case_buckets);
    r_->scheduler_transitions.Add({});
    r_->delivery_duration.Add({}, use_case_buckets);
}

Metrics::~Metrics() = default;

void Metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
    r_->http_requests.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}}).Increment();
    r_->http_latency.Add({{"route", route}, {"method", method}}, http_buckets).Observe(seconds);
}

Metrics::Measurement::Measurement(Metrics& metrics, UseCase use_case)
    : metrics_(metrics), use_case_(use_case), started_(std::chrono::steady_clock::now()) {}

Metrics::Measurement::~Measurement() {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const std::string outcome = outcome_.empty() ? std::string("failed") : outcome_;
    Registry& r = *metrics_.r_;
    if (use_case_ == UseCase::publish) {
        r.publishes.Add({{"outcome", outcome}}).Increment();
        r.publish_duration.Add({}, use_case_buckets).Observe(seconds);
    } else {
        r.imports.Add({{"outcome", outcome}}).Increment();
        r.import_duration.Add({}, use_case_buckets).Observe(seconds);
        if (!outcome_.empty()) r.imported_objects.Add({}).Increment(static_cast<double>(objects_));
    }
}

void Metrics::package_objects_published(std::size_t count) {
    r_->published_objects.Add({}).Increment(static_cast<double>(count));
}

void Metrics::set_store_backend(std::string_view backend) {
    r_->backend = backend;
    read_tx_ = &r_->transactions.Add({{"backend", r_->backend}, {"kind", "read"}}, transaction_buckets);
    write_tx_ = &r_->transactions.Add({{"backend", r_->backend}, {"kind", "write"}}, transaction_buckets);
}

void Metrics::store_transaction(bool write, double seconds) {
    if (prometheus::Histogram* h = write ? write_tx_.load() : read_tx_.load()) h->Observe(seconds);
}

void Metrics::git_store_error(std::string_view operation) {
    r_->git_errors.Add({{"operation", std::string(operation)}}).Increment();
}

void Metrics::scheduler_pass(double lag_seconds, std::size_t transitions, double seconds) {
    r_->scheduler_lag.Add({}).Set(lag_seconds);
    r_->scheduler_last.Add({}).Set(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    r_->scheduler_duration.Add({}, use_case_buckets).Observe(seconds);
    r_->scheduler_transitions.Add({}).Increment(static_cast<double>(transitions));
}

void Metrics::webhook_delivery(std::string_view outcome, double seconds) {
    r_->deliveries.Add({{"outcome", std::string(outcome)}}).Increment();
    r_->delivery_duration.Add({}, use_case_buckets).Observe(seconds);
}

std::string Metrics::render(const std::optional<Backlog>& backlog) const {
    std::vector<MetricFamily> families = r_->registry.Collect();
    families.push_back(scalar("ferry_http_requests_in_flight", "Requests being handled now.", MetricType::Gauge,
                              static_cast<double>(in_flight())));
    if (backlog) {
        MetricFamily reviews{"ferry_reviews_pending",
                             "Reviews waiting for a decision: by tenant for the operator, otherwise all tenants' sum.",
                             MetricType::Gauge,
                             {}};
        double sum = 0;
        for (const auto& [tenant, count] : backlog->pending_reviews) {
            sum += static_cast<double>(count);
            if (!backlog->by_tenant) continue;
            prometheus::ClientMetric m;
            m.label.push_back({"tenant", tenant});
            m.gauge.value = static_cast<double>(count);
            reviews.metric.push_back(std::move(m));
        }
        if (!backlog->by_tenant) {
            prometheus::ClientMetric m;
            m.gauge.value = sum;
            reviews.metric.push_back(std::move(m));
        }
        families.push_back(std::move(reviews));
        families.push_back(scalar("ferry_webhook_outbox_pending", "Webhook events not yet delivered nor given up.",
                                  MetricType::Gauge, static_cast<double>(backlog->outbox_pending)));
        families.push_back(scalar("ferry_webhook_outbox_oldest_pending_age_seconds",
                                  "Age of the oldest webhook event not yet delivered nor given up (0 when none).",
                                  MetricType::Gauge, backlog->outbox_oldest_age_seconds));
    }
    add_process_figures(families);
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    return out.str();
}

}  // namespace ferry
