#pragma once
// A minimal HTTP receiver for webhook tests: records each request and answers 200. It can be
// stopped (connections refused) and started again on the same port.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ferry::test {

class WebhookReceiver {
public:
    struct Request {
        std::map<std::string, std::string> headers;  // names lower case
        std::string body;
    };

    WebhookReceiver();  // listening on a free loopback port
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
    void start();  // listen again on the same port
    void stop();   // close the listener: senders get "connection refused"

    std::vector<Request> received() const;
    // Waits until the predicate holds over what was received, or the timeout passes.
    bool wait_for(const std::function<bool(const std::vector<Request>&)>& done,
                  std::chrono::milliseconds timeout) const;

private:
    void serve();

    std::uint16_t port_ = 0;
    int listener_ = -1;
    bool running_ = false;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<Request> received_;
};

}  // namespace ferry::test
