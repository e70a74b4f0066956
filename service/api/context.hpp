#pragma once
// What a handler gets: the request, its path parameters, the authenticated caller, and the
// services it may use. Helpers here turn HTTP details (JSON body, query, If-Match) into values
// or ferry errors, so handlers read as the product's rules.

#include "core/time.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "observability/metrics.hpp"
#include "store/store.hpp"
#include "tenancy/permissions.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {
class VersionStore;
}
namespace ferry::keys {
class KeyStore;
}
namespace ferry::console {
class Assets;
}
namespace ferry {
class AuthThrottle;
}

namespace ferry::api {

struct Services {
    Store& store;
    const Clock& clock;
    Metrics& metrics;
    std::function<bool()> ready;      // for /readyz
    std::string_view openapi;         // the OpenAPI document served at /openapi.json
    std::string operator_token_hash;  // hex SHA-256 of the operator token
    std::size_t max_json_depth = 64;
    ManualClock* test_clock = nullptr;                 // set only under --test-clock
    std::function<void()> run_scheduler;               // one scheduler pass, now
    bool allow_private_webhooks = false;               // --allow-private-webhooks
    keys::KeyStore* keys = nullptr;                    // tenants' signing keys (files in the data dir)
    packager::VersionStore* git = nullptr;             // the package store
    std::function<void(std::string_view)> crash_hook;  // tests only: FERRY_TEST_CRASH_AT
    const console::Assets* console = nullptr;          // the web console served at / (none: 404 there)
    bool tls = false;                                  // served over TLS: session cookies are Secure
    AuthThrottle* auth_throttle = nullptr;             // failed authentication per client address (none: no limit)
};

class Context {
public:
    Context(const http::Request& request, std::string path, std::vector<std::pair<std::string, std::string>> query,
            Services& services, std::string request_id);

    const http::Request& request;
    const std::string path;                                          // decoded
    std::string encoded_path;                                        // as sent, percent-encoding kept
    std::vector<std::pair<std::string, std::string>> encoded_query;  // as sent, percent-encoding kept
    Services& services;
    const std::string request_id;
    const http::Route* route = nullptr;
    http::PathParams params;
    Principal caller;
    std::string log_tenant;  // tenant the request concerned, for the request log

    Store& store() { return services.store; }
    Timestamp now() const { return services.clock.now(); }

    // A path parameter by name; empty if absent.
    std::string_view param(std::string_view name) const;
    // The same parameter as it was sent, before percent-decoding ("%31" where param says "1").
    std::string_view encoded_param(std::string_view name) const;
    std::optional<std::string> query(std::string_view name) const;
    // The same query parameter as it was sent, before percent-decoding.
    std::optional<std::string> encoded_query_value(std::string_view name) const;

    // The JSON object body: 415 unless application/json, 400 when malformed or too deep, 422 when
    // not an object. An empty body reads as {}.
    boost::json::object body() const;

    // Edits need If-Match: 428 when absent, 412 when it does not name the current version.
    void require_if_match(std::string_view current_etag) const;

    // The caller's name as the audit log shows it.
    std::string actor() const;
    // The caller as the use cases see it, acting at `at`.
    workflows::Actor acting(Timestamp at) const;

private:
    std::vector<std::pair<std::string, std::string>> query_;
};

}  // namespace ferry::api
