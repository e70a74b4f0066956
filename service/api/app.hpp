#pragma once
// The application behind the HTTP server: routes a request, authenticates and authorizes the
// caller against the route's permission, runs the handler, maps errors to responses, and
// records the request in the log and the metrics. Never throws.

#include "api/context.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

#include <atomic>
#include <cstdint>

namespace ferry::api {

class App {
public:
    App(Services& services, std::vector<http::Route> routes);

    http::Response handle(http::Request& request);

    const http::Router& router() const { return router_; }

    static http::Response error_response(const Error& error);

    // For requests the server refuses before they reach the application (malformed, too large,
    // overloaded): the same error body, request id, log line and metrics as any other response.
    http::Response refuse(int status, std::string_view code, std::string_view message);

private:
    void authenticate(Context& ctx);
    void authenticate_session(Context& ctx, std::string_view secret);
    void failed_authentication(Context& ctx, const Error& e);
    void audit_repeated_failures();
    bool serves_console(std::string_view method, std::string_view path) const;
    static void add_api_headers(http::Response& res);
    void authorize(Context& ctx);
    // One answered request, as its log line and the metrics tell it.
    struct Answered {
        std::string request_id;
        std::string route;
        std::string_view method;
        int status = 0;
        double seconds = 0;
        std::string tenant;
        std::string remote;
        Principal caller;   // who asked, once authenticated (its roles are not logged)
        std::string error;  // the error code of an error answer
    };
    void record(const Answered& answered);
    void audit_denial(Context& ctx, std::string_view tenant, std::string_view action, std::string_view reason);

    Services& services_;
    http::Router router_;
    std::atomic<std::int64_t> last_sweep_{0};  // steady-clock ticks of the last audit_repeated_failures
};

}  // namespace ferry::api
