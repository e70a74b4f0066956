#pragma once
// The HTTP(S) server: accepts connections on I/O threads, reads each request with a fresh parser
// and its limits, runs the application handler on a separate worker pool (handlers may block on
// storage), and writes the response back on the connection's strand.

#include "http/message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ferry::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    int io_threads = 1;
    int workers = 32;
    int max_in_flight = 4096;  // requests dispatched and not yet answered; beyond: 503 at once
    std::size_t max_body = 1024 * 1024;
    std::size_t max_header = 16 * 1024;
    std::chrono::milliseconds idle_timeout{60'000};  // keep-alive: wait for a request's first byte
    std::chrono::milliseconds read_timeout{15'000};  // whole request, from its first byte
    std::chrono::milliseconds write_timeout{15'000};
    std::chrono::milliseconds drain_timeout{20'000};  // graceful shutdown: in-flight requests
    std::optional<std::string> tls_cert;              // PEM files; both set: serve HTTPS only
    std::optional<std::string> tls_key;
};

// Runs on a worker thread; must not throw.
using RequestHandler = std::function<Response(Request&)>;
// Builds the response for a request the server itself refuses (too large, malformed, overloaded).
using ErrorResponder = std::function<Response(int status, std::string_view code, std::string_view message)>;

class Server {
public:
    Server(ServerOptions options, RequestHandler handler, ErrorResponder refuse);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The bound port (useful with port 0).
    std::uint16_t port() const;

    // Serves until SIGINT/SIGTERM or shutdown(), then drains and returns.
    void run();

    // Starts a graceful shutdown: stop accepting, finish in-flight requests, close idle ones.
    void shutdown();

    // False once shutdown has started.
    bool accepting() const;

    struct Impl;  // the server's I/O state; public only so that the connection sessions can name it

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace ferry::http
