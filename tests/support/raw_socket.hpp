#pragma once
// Plain TCP for tests that misbehave on purpose (slow headers, oversized bodies, idle peers).

#include <chrono>
#include <cstdint>
#include <string>

namespace ferry::test {

class RawSocket {
public:
    explicit RawSocket(std::uint16_t port);
    ~RawSocket();
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    // False when the peer has closed or reset the connection.
    bool send(const std::string& bytes);
    // Reads until the peer closes or the timeout passes; returns what arrived.
    std::string read_until_closed(std::chrono::milliseconds timeout);
    // Reads one HTTP response (headers and Content-Length body); "" on timeout or close.
    std::string read_response(std::chrono::milliseconds timeout);
    // True when the peer closed the connection within the timeout (EOF or reset).
    bool closed_within(std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::string pending_;
};

}  // namespace ferry::test
