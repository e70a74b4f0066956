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

// The X-Request-Id of an exchange: the server's when it answered with one, otherwise the one
// ferry sent (so that a request that timed out can still be found in the server's log).
std::string request_id_of(const Response& response, const std::string& sent);

// No HTTP answer: the server could not be reached, or the connection broke or timed out.
class TransportError : public std::runtime_error {
public:
    TransportError(const std::string& message, bool transient, std::string request_id)
        : std::runtime_error(message), transient_(transient), request_id_(std::move(request_id)) {}
    // Worth retrying (refused, reset, timed out), as opposed to a bad URL or a certificate problem.
    bool transient() const { return transient_; }
    // The X-Request-Id ferry sent with the request that got no answer.
    const std::string& request_id() const { return request_id_; }

private:
    bool transient_;
    std::string request_id_;
};

struct ClientSettings {
    std::string server;  // "https://ferry.example.com", without a trailing slash
    std::string token;
    std::string cacert;  // PEM bundle to trust instead of the system's; empty for the system's
    std::chrono::milliseconds timeout{30000};
    bool verbose = false;  // one line per request on stderr: method, path, status, X-Request-Id
};

class Client {
public:
    explicit Client(ClientSettings settings);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends the request with a fresh X-Request-Id (unless the request carries one).
    Response send(const Request& request);
    const std::string& server() const { return settings_.server; }
    // The request id of the last exchange, answered or not; empty before the first.
    const std::string& last_request_id() const { return last_request_id_; }

private:
    Response perform(const Request& request, const std::string& request_id);

    ClientSettings settings_;
    std::string last_request_id_;
    void* curl_;  // CURL*, kept opaque so that callers do not include curl.h
};

// Percent-encodes one path segment or query value (everything but A-Z a-z 0-9 - . _ ~).
std::string url_escape(std::string_view text);

}  // namespace ferry::cli
