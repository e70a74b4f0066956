#include "delivery/dispatcher.hpp"

#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "webhooks/address_policy.hpp"

#include <arpa/inet.h>
#include <boost/url/parse.hpp>
#include <curl/curl.h>
#include <netdb.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace ferry::webhooks {

namespace {

// How long a claimed outbox item is held by the node delivering it: well over the time its
// delivery may wait for a worker and take (a webhook's share of workers, 10 s per attempt at
// worst). A node that dies meanwhile leaves the event to another node once the hold is over:
// delivery is at least once.
constexpr std::chrono::minutes claim_hold{15};

bool is_public(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) return is_public_v4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6) {
        std::array<std::uint8_t, 16> bytes{};
        const auto* raw = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
        std::copy(raw, raw + 16, bytes.begin());
        return is_public_v6(bytes);
    }
    return false;
}

struct CurlHandle {
    CURL* curl = curl_easy_init();
    ~CurlHandle() { curl_easy_cleanup(curl); }
};

struct CurlList {
    curl_slist* list = nullptr;
    ~CurlList() { curl_slist_free_all(list); }
    void add(const std::string& s) { list = curl_slist_append(list, s.c_str()); }
};

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct Attempt {
    int status = 0;
    std::string error;
};

Attempt post(const Webhook& hook, const OutboxItem& item, const DispatcherOptions& options, std::int64_t unix_now) {
    const Destination to = resolve_destination(hook.url, options.allow_private);
    if (!to.error.empty()) return {0, to.error};
    CurlHandle h;
    if (h.curl == nullptr) return {0, "curl_easy_init failed"};
    CurlList headers;
    headers.add("Content-Type: application/json");
    headers.add("User-Agent: ferryd/0.1");
    headers.add("Ferry-Event: " + item.event_type);
    headers.add("Ferry-Delivery: " + item.event_id);
    headers.add("Ferry-Signature: " + signature(hook.secret, item.payload, unix_now));
    headers.add("Expect:");
    // Connect to the address that was checked, not to whatever a second lookup returns.
    CurlList pinned;
    pinned.add(to.host + ":" + to.port + ":" + to.address);
    curl_easy_setopt(h.curl, CURLOPT_RESOLVE, pinned.list);
    curl_easy_setopt(h.curl, CURLOPT_URL, hook.url.c_str());
    curl_easy_setopt(h.curl, CURLOPT_POST, 1L);
    curl_easy_setopt(h.curl, CURLOPT_POSTFIELDS, item.payload.data());
    curl_easy_setopt(h.curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(item.payload.size()));
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could lead anywhere
    curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, discard);
    const CURLcode rc = curl_easy_perform(h.curl);
    if (rc != CURLE_OK) return {0, curl_easy_strerror(rc)};
    long status = 0;
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300) return {static_cast<int>(status), "receiver answered " + std::to_string(status)};
    return {static_cast<int>(status), {}};
}

}  // namespace

Destination resolve_destination(const std::string& url, bool allow_private) {
    Destination d;
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return {"not an absolute URL", {}, {}, {}};
    if (parsed->scheme() != "https" && parsed->scheme() != "http") return {"only http and https URLs", {}, {}, {}};
    d.host = parsed->host_address();
    if (d.host.empty()) return {"the URL has no host", {}, {}, {}};
    d.port = parsed->has_port() ? std::string(parsed->port()) : (parsed->scheme() == "https" ? "443" : "80");
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(d.host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
        return {"the host does not resolve", {}, {}, {}};
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next)
        if (!allow_private && !is_public(a->ai_addr))
            return {
                "the host resolves to an address that is not public (loopback, private, link-local, "
                "documentation, multicast or another special-purpose range)",
                {},
                {},
                {}};
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = found->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(found->ai_addr)->sin6_addr);
    inet_ntop(found->ai_family, raw, text, sizeof text);
    d.address = found->ai_family == AF_INET6 ? "[" + std::string(text) + "]" : std::string(text);
    return d;
}

std::string check_destination(const std::string& url, bool allow_private) {
    return resolve_destination(url, allow_private).error;
}

std::string signature(const std::string& secret, const std::string& body, std::int64_t unix_seconds) {
    const std::string signed_text = std::to_string(unix_seconds) + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &length);
    return "t=" + std::to_string(unix_seconds) +
           ",v1=" + crypto::to_hex(std::string_view(reinterpret_cast<const char*>(mac), length));
}

Dispatcher::Dispatcher(Store& store, DispatcherOptions options) : store_(store), options_(std::move(options)) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    // Whatever this node had claimed when it last stopped (killed mid-delivery) is due again now,
    // not when the claim's hold runs out.
    try {
        const std::size_t released =
            store_.write([&](Tx& tx) { return tx.release_outbox_claims(options_.node_id, clock_.now()); });
        if (released > 0) log::warn("webhook claims released after a restart", {{"events", released}});
    } catch (const std::exception& e) {
        log::error("webhook dispatch failed", {{"error", e.what()}});
    }
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.workers); ++i)
        workers_.emplace_back([this] { work(); });
    thread_ = std::thread([this] {
        // Pruning is housekeeping: often enough to keep up, never in a busy loop.
        const auto prune_every = std::min<std::chrono::milliseconds>(std::chrono::minutes(1), options_.retention);
        auto last_prune = std::chrono::steady_clock::now() - prune_every;
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            std::size_t claimed = 0;
            try {
                claimed = claim_due();
                if (std::chrono::steady_clock::now() - last_prune >= prune_every) {
                    last_prune = std::chrono::steady_clock::now();
                    while (!stopping_ && prune_once() > 0) {
                    }
                }
            } catch (const std::exception& e) {
                log::error("webhook dispatch failed", {{"error", e.what()}});
            }
            lock.lock();
            // Poll often: events are committed by other threads, and a due retry should not wait.
            if (claimed == 0) wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
        }
    });
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    ready_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (auto& w : workers_)
        if (w.joinable()) w.join();
    workers_.clear();
    // What was claimed and not delivered is due again for the next start (or another node) at once.
    if (!claimed_.empty()) {
        try {
            store_.write([&](Tx& tx) { return tx.release_outbox_claims(options_.node_id, clock_.now()); });
        } catch (const std::exception& e) {
            log::error("webhook dispatch failed", {{"error", e.what()}});
        }
        claimed_.clear();
    }
}

std::size_t Dispatcher::claim_due() {
    std::size_t free = 0;
    std::vector<std::string> saturated;
    {
        std::lock_guard lock(mutex_);
        // Claim only for workers that would otherwise idle: what is claimed and can run comes first.
        const std::size_t workers = std::max<std::size_t>(1, options_.workers);
        std::size_t runnable = 0;
        for (const OutboxItem& item : claimed_)
            if (in_flight_[item.webhook_id] < options_.per_destination) ++runnable;
        if (busy_ + runnable >= workers) return 0;
        free = workers - busy_ - runnable;
        // A webhook that already has its share claimed takes no more: its events wait in the
        // outbox, where other nodes may deliver them, instead of piling up here.
        for (const auto& [webhook, count] : held_)
            if (count >= options_.per_destination) saturated.push_back(webhook);
    }
    const Timestamp now = clock_.now();
    const std::size_t limit = std::min<std::size_t>(32, 2 * free);
    // Look first (a read costs no commit), then claim what is due, so that several nodes never
    // deliver the same event at once.
    if (store_.read([&](Tx& tx) { return tx.due_outbox(now, limit, saturated); }).empty()) return 0;
    auto due = store_.write(
        [&](Tx& tx) { return tx.claim_outbox(now, limit, now + claim_hold, options_.node_id, saturated); });
    {
        std::lock_guard lock(mutex_);
        for (OutboxItem& item : due) {
            ++held_[item.webhook_id];
            claimed_.push_back(std::move(item));
        }
    }
    ready_.notify_all();
    return due.size();
}

std::deque<OutboxItem>::iterator Dispatcher::next_runnable() {
    return std::find_if(claimed_.begin(), claimed_.end(), [this](const OutboxItem& item) {
        return in_flight_[item.webhook_id] < options_.per_destination;
    });
}

void Dispatcher::work() {
    std::unique_lock lock(mutex_);
    while (true) {
        ready_.wait(lock, [this] { return stopping_ || next_runnable() != claimed_.end(); });
        if (stopping_) return;
        const auto it = next_runnable();
        OutboxItem item = std::move(*it);
        claimed_.erase(it);
        ++in_flight_[item.webhook_id];
        ++busy_;
        lock.unlock();
        const std::string webhook = item.webhook_id;
        try {
            deliver(std::move(item));
        } catch (const std::exception& e) {
            // The claim stays: the event is tried again once its hold is over.
            log::error("webhook dispatch failed", {{"error", e.what()}});
        }
        lock.lock();
        --busy_;
        if (--in_flight_[webhook] == 0) in_flight_.erase(webhook);
        if (--held_[webhook] == 0) held_.erase(webhook);
        // Another event of this webhook may run now, and the claiming thread has a free worker.
        ready_.notify_all();
        wake_.notify_all();
    }
}

void Dispatcher::deliver(OutboxItem item) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const Timestamp now = clock_.now();
    const auto hook = store_.read([&](Tx& tx) { return tx.webhook(item.tenant, item.webhook_id); });
    if (!hook) return;  // deleted meanwhile; its rows went with it
    const auto started = std::chrono::steady_clock::now();
    const Attempt result = post(*hook, item, options_, to_millis(clock_.now()) / 1000);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    ++item.attempts;
    item.last_error = result.error;
    if (result.error.empty()) {
        item.state = OutboxState::delivered;
        item.finished_at = clock_.now();
    } else if (now - item.created_at >= options_.give_up_after) {
        item.state = OutboxState::dead;
        item.finished_at = clock_.now();
    } else {
        // Exponential backoff with jitter, so that many failing events do not retry in lockstep.
        const double base = static_cast<double>(options_.retry_base.count()) * std::pow(2.0, item.attempts - 1);
        const double capped = std::min(base, static_cast<double>(options_.retry_max.count()));
        const double jittered = capped * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
        item.next_attempt_at = clock_.now() + std::chrono::milliseconds(static_cast<std::int64_t>(jittered));
    }
    store_.write([&](Tx& tx) {
        tx.update_outbox(item);
        tx.insert_delivery(Delivery{item.tenant, item.webhook_id, item.event_id, item.event_type, item.attempts, now,
                                    result.status, result.error, took.count()});
    });
    if (options_.metrics != nullptr)
        options_.metrics->webhook_delivery(item.state == OutboxState::delivered ? "delivered"
                                           : item.state == OutboxState::dead    ? "dead"
                                                                                : "retry",
                                           std::chrono::duration<double>(took).count());
}

std::size_t Dispatcher::prune_once() {
    constexpr std::size_t batch = 500;
    const Timestamp before = clock_.now() - options_.retention;
    const std::size_t removed = store_.write([&](Tx& tx) { return tx.prune_webhook_history(before, batch); });
    if (removed > 0) log::info("webhook history pruned", {{"rows", removed}});
    return removed;
}

}  // namespace ferry::webhooks
