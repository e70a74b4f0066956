#pragma once
// Delivers the outbox with libcurl on threads of its own (never on an I/O thread): each event
// POSTed as JSON, signed "Ferry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">",
// retried with exponential backoff and jitter until delivered or 24 hours old. Every attempt is
// logged. State lives in the database, so a restart resumes where it stopped.
//
// Deliveries run concurrently on a pool of workers, at most `per_destination` at a time for one
// webhook: a receiver that is slow or never answers holds that many workers and no more, so other
// tenants' events go out meanwhile. Delivered and dead events, and the delivery log, are pruned
// once they are older than `retention`, a small batch at a time.

#include "core/time.hpp"
#include "observability/metrics.hpp"
#include "store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ferry::webhooks {

struct DispatcherOptions {
    bool allow_private = false;                      // loopback and private ranges (tests only)
    std::chrono::milliseconds retry_base{2000};      // first retry after about this long
    std::chrono::milliseconds retry_max{3'600'000};  // backoff cap
    std::chrono::hours give_up_after{24};
    std::chrono::milliseconds timeout{10'000};                         // per attempt
    std::size_t workers = 8;                                           // deliveries at once, in all
    std::size_t per_destination = 2;                                   // deliveries at once to one webhook
    std::chrono::milliseconds retention{std::chrono::hours(24 * 30)};  // delivered/dead events and the log
    // Names this node's outbox claims. Stable across restarts (kept in the data dir), so that a
    // node released the claims it held when it died as soon as it starts again.
    std::string node_id = "local";
    Metrics* metrics = nullptr;  // counts delivery attempts by outcome, when given
};

// Why a URL may not be used ("" when it may): not http(s), unresolvable, or (unless allowed)
// resolving to a loopback, private, link-local or otherwise non-public address.
std::string check_destination(const std::string& url, bool allow_private);

// The checked destination: the host, port and the one address deliveries must connect to, so
// that a second DNS answer (rebinding) cannot redirect a delivery to a private address.
struct Destination {
    std::string error;  // "" when usable
    std::string host;
    std::string port;
    std::string address;
};
Destination resolve_destination(const std::string& url, bool allow_private);

// "t=<unix>,v1=<hex>" for the body.
std::string signature(const std::string& secret, const std::string& body, std::int64_t unix_seconds);

class Dispatcher {
public:
    Dispatcher(Store& store, DispatcherOptions options);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    void stop();
    // Claims what is due now for the workers that are free; returns how many events it claimed.
    std::size_t claim_due();
    // Deletes one batch of what is older than the retention; returns how many rows.
    std::size_t prune_once();

private:
    void work();
    void deliver(OutboxItem item);
    // With mutex_ held: the first claimed event whose webhook may take one more delivery now.
    std::deque<OutboxItem>::iterator next_runnable();

    Store& store_;
    DispatcherOptions options_;
    SystemClock clock_;  // retries follow wall time, even under --test-clock
    std::mutex mutex_;
    std::condition_variable wake_;   // the claiming thread: stop, or a worker came free
    std::condition_variable ready_;  // the workers: stop, or an event may be delivered
    bool stopping_ = false;
    std::deque<OutboxItem> claimed_;                // claimed, waiting for a worker
    std::map<std::string, std::size_t> in_flight_;  // webhook id -> deliveries running
    std::map<std::string, std::size_t> held_;       // webhook id -> claimed (waiting or running)
    std::size_t busy_ = 0;                          // workers delivering
    std::thread thread_;
    std::vector<std::thread> workers_;
};

}  // namespace ferry::webhooks
