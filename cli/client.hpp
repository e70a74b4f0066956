#pragma once
// The HTTP side of ferry: one libcurl handle (so one kept-alive connection) per invocation, the
// bearer token on every request, JSON bodies, a whole-request timeout, an optional CA bundle.
// Any HTTP answer is a Response, whatever its status; only a request that got no answer at all
// throws TransportError.

#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::cli {

struct Response {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names in lower case

    bool ok() const { return status >= 200 && status < 300; }
    std::string header(std::string_view name) const;
    // The body parsed; throws Failure when it is not JSON.
    boost::json::value json() const;
};

struct Request {
    std::string method;
    std::string target;                                        // path and query: "/v1/me"
    std::optional<std::string> body;                           // sent as application/json
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers (If-Match, Idempotency-Key)
};

// No HTTP answer: the server could not be reached, or the connection broke or timed out.
class TransportError : public std::runtime_error {
public:
    TransportError(const std::string& message, bool transient) : std::runtime_error(message), transient_(transient) {}
    // Worth retrying (refused, reset, timed out), as opposed to a bad URL or a certificate problem.
    bool transient() const { return transient_; }

private:
    bool transient_;
};

struct ClientSettings {
    std::string server;  // "https://ferry.example.com", without a trailing slash
    std::string token;
    std::string cacert;  // PEM bundle to trust instead of the system's; empty for the system's
    std::chrono::milliseconds timeout{30000};
};

class Client {
public:
    explicit Client(ClientSettings settings);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    Response send(const Request& request);
    const std::string& server() const { return settings_.server; }

private:
    ClientSettings settings_;
    void* curl_;  // CURL*, kept opaque so that callers do not include curl.h
};

// Percent-encodes one path segment or query value (everything but A-Z a-z 0-9 - . _ ~).
std::string url_escape(std::string_view text);

}  // namespace ferry::cli
