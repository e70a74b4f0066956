#pragma once
// Delivers the outbox with libcurl on a thread of its own (never on an I/O thread): each event
// POSTed as JSON, signed "Ferry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">",
// retried with exponential backoff and jitter until delivered or 24 hours old. Every attempt is
// logged. State lives in the database, so a restart resumes where it stopped.

#include "core/time.hpp"
#include "store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ferry::webhooks {

struct DispatcherOptions {
    bool allow_private = false;                     // loopback and private ranges (tests only)
    std::chrono::milliseconds retry_base{2000};     // first retry after about this long
    std::chrono::milliseconds retry_max{3'600'000}; // backoff cap
    std::chrono::hours give_up_after{24};
    std::chrono::milliseconds timeout{10'000};      // per attempt
    // Names this node's outbox claims. Stable across restarts (kept in the data dir), so that a
    // node released the claims it held when it died as soon as it starts again.
    std::string node_id = "local";
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
    // Delivers what is due now; returns how many attempts it made.
    std::size_t run_once();

private:
    Store& store_;
    DispatcherOptions options_;
    SystemClock clock_;  // retries follow wall time, even under --test-clock
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ferry::webhooks
