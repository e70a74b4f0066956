#include "webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace ferry::test {

WebhookReceiver::WebhookReceiver() { start(); }

WebhookReceiver::~WebhookReceiver() { stop(); }

void WebhookReceiver::start() {
    if (running_) return;
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 64) != 0)
        throw std::runtime_error("receiver cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    running_ = true;
    thread_ = std::thread([this] { serve(); });
}

void WebhookReceiver::stop() {
    if (!running_) return;
    running_ = false;
    thread_.join();
    ::close(listener_);
    listener_ = -1;
}

void WebhookReceiver::serve() {
    while (running_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::string data;
        char buf[8192];
        std::size_t header_end = std::string::npos;
        std::size_t need = 0;
        Request pending;
        for (;;) {
            pollfd q{fd, POLLIN, 0};
            if (::poll(&q, 1, 2000) <= 0) break;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            data.append(buf, static_cast<std::size_t>(n));
            if (header_end == std::string::npos) {
                header_end = data.find("\r\n\r\n");
                if (header_end == std::string::npos) continue;
                Request r;
                std::size_t line = data.find("\r\n") + 2;
                while (line < header_end) {
                    const std::size_t end = data.find("\r\n", line);
                    const std::string h = data.substr(line, end - line);
                    const auto colon = h.find(':');
                    std::string name = h.substr(0, colon);
                    std::transform(name.begin(), name.end(), name.begin(),
                                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                    std::string value = h.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                    r.headers[name] = value;
                    line = end + 2;
                }
                need = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
                pending = std::move(r);
            }
            if (data.size() >= header_end + 4 + need) {
                // Recorded only once whole: a test waiting for a request must never see it half-read.
                pending.body = data.substr(header_end + 4, need);
                {
                    std::lock_guard lock(mutex_);
                    received_.push_back(std::move(pending));
                }
                const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                ::send(fd, ok.data(), ok.size(), MSG_NOSIGNAL);
                break;
            }
        }
        ::close(fd);
    }
}

std::vector<WebhookReceiver::Request> WebhookReceiver::received() const {
    std::lock_guard lock(mutex_);
    return received_;
}

bool WebhookReceiver::wait_for(const std::function<bool(const std::vector<Request>&)>& done,
                               std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done(received())) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done(received());
}

}  // namespace ferry::test
