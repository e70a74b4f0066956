// Webhooks through the real ferryd: signed deliveries of review events, nothing lost while the
// receiver is down and ferryd restarts, and private destinations refused.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "webhook_receiver.hpp"
#include "world.hpp"

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string secret = "whsec-0123456789abcdef";

// Verifies "t=<unix>,v1=<hex>" against HMAC-SHA256(secret, "<t>.<body>").
bool signature_valid(const std::string& header, const std::string& body) {
    const auto comma = header.find(",v1=");
    if (header.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
    const std::string t = header.substr(2, comma - 2);
    const std::string given = header.substr(comma + 4);
    const std::string text = t + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &len);
    static constexpr char hex[] = "0123456789abcdef";
    std::string expected;
    for (unsigned int i = 0; i < len; ++i) {
        expected.push_back(hex[mac[i] >> 4U]);
        expected.push_back(hex[mac[i] & 0x0FU]);
    }
    return expected == given;
}

std::set<std::string> event_ids(const std::vector<WebhookReceiver::Request>& requests) {
    std::set<std::string> ids;
    for (const auto& r : requests) ids.emplace(json::parse(r.body).at("id").as_string());
    return ids;
}

const std::vector<std::string> fast_retries{"--allow-private-webhooks", "--webhook-retry-base", "0.1",
                                            "--webhook-retry-max", "0.5"};

}  // namespace

TEST(Webhooks, ReviewEventsArriveSigned) {
    WebhookReceiver receiver;
    FerrydProcess server({fast_retries, {}});
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"prod"});
    const std::string rita = make_user(c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
    const std::string roy = make_user(c, acme, "roy", R"([{"sandbox":"prod","role":"reviewer"}])");
    auto hook = c.post("/v1/tenants/acme/webhooks",
                       R"({"url":")" + receiver.url() +
                           R"(","events":["review.requested","review.decided"],"secret":")" + secret + "\"}",
                       acme.admin_token);
    ASSERT_EQ(hook.status, 201) << hook.body;
    EXPECT_EQ(hook.body.find(secret), std::string::npos);
    // The policy of issue 4's first scenario: sandbox prod and channel email need 2 reviewers.
    ASSERT_EQ(
        c.post(
             "/v1/tenants/acme/approval-policies",
             R"({"name":"prod email","scope":"campaign","conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"},{"field":"channel","op":"equals","value":"email"}]},"approvers":{"role":"reviewer"},"required_approvals":2})",
             acme.admin_token)
            .status,
        201);
    const std::string editor = make_user(c, acme, "ed", R"([{"sandbox":"prod","role":"editor"}])");
    const std::string segment(c.post("/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"All","rule":{}})", editor)
                                  .json()
                                  .at("id")
                                  .as_string());
    auto campaign = c.post("/v1/tenants/acme/sandboxes/prod/campaigns",
                           R"({"name":"Signed","type":"action","channels":["email"],"audience":{"segment":")" +
                               segment + R"("},"content":{"email":{"subject":"s","body":"b"}}})",
                           editor);
    const std::string id(campaign.json().at("id").as_string());
    const std::string campaign_path = "/v1/tenants/acme/sandboxes/prod/campaigns/" + id;
    ASSERT_EQ(c.post(campaign_path + "/actions/submit", "{}", editor).json().at("status").as_string(), "in_review");
    const auto reviews = c.get("/v1/tenants/acme/reviews", acme.admin_token).json();
    const std::string review(reviews.at("items").as_array()[0].at("id").as_string());
    const std::string approve = "/v1/tenants/acme/reviews/" + review + "/approve";
    EXPECT_EQ(c.post(approve, "{}", editor).status, 403);
    ASSERT_EQ(c.post(approve, "{}", rita).status, 200);
    EXPECT_EQ(c.get(campaign_path, editor).json().at("status").as_string(), "in_review");
    EXPECT_EQ(c.post(approve, "{}", rita).status, 409);
    ASSERT_EQ(c.post(approve, "{}", roy).status, 200);
    EXPECT_EQ(c.get(campaign_path, editor).json().at("status").as_string(), "active");

    ASSERT_TRUE(receiver.wait_for([](const auto& r) { return r.size() >= 2; }, 10s));
    std::map<std::string, json::value> by_type;
    for (const auto& r : receiver.received()) {
        EXPECT_TRUE(signature_valid(r.headers.at("ferry-signature"), r.body)) << r.headers.at("ferry-signature");
        const auto event = json::parse(r.body);
        EXPECT_EQ(r.headers.at("ferry-event"), event.at("type").as_string());
        EXPECT_EQ(r.headers.at("ferry-delivery"), event.at("id").as_string());
        by_type[std::string(event.at("type").as_string())] = event;
    }
    ASSERT_TRUE(by_type.count("review.requested") && by_type.count("review.decided"));
    EXPECT_EQ(by_type["review.requested"].at("data").at("review").as_string(), review);
    EXPECT_EQ(by_type["review.decided"].at("data").at("decision").as_string(), "approved");
    EXPECT_FALSE(
        signature_valid(receiver.received()[0].headers.at("ferry-signature"), receiver.received()[0].body + " "));
    // Not subscribed: no status-change events.
    for (const auto& [type, event] : by_type) EXPECT_NE(type, "campaign.status_changed");
    const std::string hook_id(hook.json().at("id").as_string());
    // The dispatcher records an attempt once the receiver has answered, so the log may trail the
    // receiver by a moment.
    json::value log;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    do {
        log = c.get("/v1/tenants/acme/webhooks/" + hook_id + "/deliveries", acme.admin_token).json();
        if (log.at("items").as_array().size() >= 2U) break;
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < deadline);
    EXPECT_GE(log.at("items").as_array().size(), 2U);
    EXPECT_TRUE(log.at("items").as_array()[0].at("ok").as_bool());
}

TEST(Webhooks, NothingIsLostWhileTheReceiverIsDownAndFerrydRestarts) {
    WebhookReceiver receiver;
    receiver.stop();  // down from the start
    FerrydProcess server({fast_retries, {}});
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    auto hook =
        c.post("/v1/tenants/acme/webhooks",
               R"({"url":")" + receiver.url() + R"(","events":["campaign.status_changed"],"secret":")" + secret + "\"}",
               acme.admin_token);
    ASSERT_EQ(hook.status, 201) << hook.body;
    const std::string editor = acme.token_of.at("editor");
    int changes = 0;
    for (int i = 0; i < 4; ++i) {
        auto created = c.post("/v1/tenants/acme/sandboxes/dev/campaigns",
                              R"({"name":"C)" + std::to_string(i) +
                                  R"(","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})",
                              editor);
        const std::string base =
            "/v1/tenants/acme/sandboxes/dev/campaigns/" + std::string(created.json().at("id").as_string());
        for (const std::string action : {"activate", "pause", "resume"}) {
            ASSERT_EQ(c.post(base + "/actions/" + action, "{}", editor).status, 200);
            ++changes;
        }
    }
    // Attempts fail while the receiver is down...
    std::this_thread::sleep_for(800ms);
    const std::string hook_id(hook.json().at("id").as_string());
    const auto failures = c.get("/v1/tenants/acme/webhooks/" + hook_id + "/deliveries", acme.admin_token).json();
    ASSERT_FALSE(failures.at("items").as_array().empty());
    EXPECT_FALSE(failures.at("items").as_array()[0].at("ok").as_bool());
    // ...ferryd crashes and comes back, then the receiver does.
    server.kill9();
    server.start();
    receiver.start();
    ASSERT_TRUE(receiver.wait_for([&](const auto& r) { return static_cast<int>(event_ids(r).size()) >= changes; }, 20s))
        << "received " << event_ids(receiver.received()).size() << " of " << changes;
    const auto all = receiver.received();
    EXPECT_EQ(static_cast<int>(event_ids(all).size()), changes);
    for (const auto& r : all) EXPECT_TRUE(signature_valid(r.headers.at("ferry-signature"), r.body));
}

TEST(Webhooks, PrivateDestinationsAreRefusedByDefault) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    for (const std::string url : {"http://127.0.0.1:8080/x", "http://10.1.2.3/x", "http://192.168.0.1/x",
                                  "http://[::1]/x", "http://localhost/x", "ftp://example.com/x", "not a url"}) {
        auto res = c.post("/v1/tenants/acme/webhooks",
                          R"({"url":")" + url + R"(","events":["review.requested"],"secret":")" + secret + "\"}",
                          acme.admin_token);
        EXPECT_EQ(res.status, 422) << url << " " << res.body;
    }
    EXPECT_EQ(c.post("/v1/tenants/acme/webhooks",
                     R"({"url":"http://10.1.2.3/x","events":["nope"],"secret":")" + secret + "\"}", acme.admin_token)
                  .status,
              422);
    EXPECT_EQ(c.post("/v1/tenants/acme/webhooks",
                     R"({"url":"http://10.1.2.3/x","events":["review.requested"],"secret":"short"})", acme.admin_token)
                  .status,
              422);
}

// Every IPv6 form that carries a refused IPv4 address, and every special-purpose range, is refused
// as a destination literal (the hostname path goes through the same check after resolution).
TEST(Webhooks, EveryFormOfASpecialPurposeAddressIsRefused) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    for (const std::string host : {"[64:ff9b::7f00:1]",
                                   "[64:ff9b::a9fe:a9fe]",
                                   "[64:ff9b:1::7f00:1]",
                                   "[64:ff9b:1::808:808]",
                                   "[2002:7f00:1::1]",
                                   "[2002:a9fe:a9fe::1]",
                                   "[2002:c0a8:101::1]",
                                   "[::7f00:1]",
                                   "[::a9fe:a9fe]",
                                   "[::ffff:0:7f00:1]",
                                   "[::ffff:7f00:1]",
                                   "[ff02::1]",
                                   "[ff0e::1]",
                                   "[fec0::1]",
                                   "[2001:db8::1]",
                                   "[100::1]",
                                   "[2001::1]",
                                   "[fe80::1]",
                                   "[fd00::1]",
                                   "192.0.2.10",
                                   "198.51.100.10",
                                   "203.0.113.10",
                                   "198.18.0.1",
                                   "100.64.0.1",
                                   "224.0.0.1",
                                   "255.255.255.255",
                                   "0.0.0.0",
                                   "169.254.169.254"}) {
        const std::string url = "http://" + host + "/hook";
        auto res = c.post("/v1/tenants/acme/webhooks",
                          R"({"url":")" + url + R"(","events":["review.requested"],"secret":")" + secret + "\"}",
                          acme.admin_token);
        EXPECT_EQ(res.status, 422) << url << " " << res.body;
    }
    EXPECT_TRUE(c.get("/v1/tenants/acme/webhooks", acme.admin_token).json().at("items").as_array().empty());
}

TEST(Webhooks, DeliveriesFollowWallTimeEvenUnderATestClock) {
    WebhookReceiver receiver;
    std::vector<std::string> args = fast_retries;
    args.insert(args.end(), {"--test-clock", "--test-clock-start", "2031-01-01T00:00:00Z"});
    FerrydProcess server({args, {}});
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    ASSERT_EQ(
        c.post("/v1/tenants/acme/webhooks",
               R"({"url":")" + receiver.url() + R"(","events":["campaign.status_changed"],"secret":")" + secret + "\"}",
               acme.admin_token)
            .status,
        201);
    auto created =
        c.post("/v1/tenants/acme/sandboxes/dev/campaigns",
               R"({"name":"Later","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})",
               acme.admin_token);
    ASSERT_EQ(c.post("/v1/tenants/acme/sandboxes/dev/campaigns/" + std::string(created.json().at("id").as_string()) +
                         "/actions/activate",
                     "{}", acme.admin_token)
                  .status,
              200);
    ASSERT_TRUE(receiver.wait_for([](const auto& r) { return !r.empty(); }, 10s));
    EXPECT_EQ(std::string(json::parse(receiver.received()[0].body).at("created_at").as_string()).substr(0, 4), "2031");
}

namespace {

// A receiver that never answers: the kernel completes connections into the listen backlog, and
// nobody ever accepts or reads them, so each delivery waits for its timeout.
class BlackHole {
public:
    BlackHole() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 128) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("black hole: cannot listen");
        port_ = ntohs(addr.sin_port);
    }
    ~BlackHole() { ::close(fd_); }
    BlackHole(const BlackHole&) = delete;
    BlackHole& operator=(const BlackHole&) = delete;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// Makes `n` campaign.status_changed events in the tenant's sandbox "dev".
void status_changes(HttpClient& c, const TenantFixture& t, int n) {
    for (int i = 0; i < n; ++i) {
        const auto created =
            c.post("/v1/tenants/" + t.id + "/sandboxes/dev/campaigns",
                   R"({"name":"C)" + std::to_string(i) +
                       R"(","type":"api_triggered","channels":["sms"],"content":{"sms":{"body":"b"}}})",
                   t.admin_token);
        ASSERT_EQ(created.status, 201) << created.body;
        ASSERT_EQ(c.post("/v1/tenants/" + t.id + "/sandboxes/dev/campaigns/" +
                             std::string(created.json().at("id").as_string()) + "/actions/activate",
                         "{}", t.admin_token)
                      .status,
                  200);
    }
}

}  // namespace

// One tenant's receiver that never answers (10 s per attempt) holds at most its share of the
// delivery workers: another tenant's event still goes out within a second.
TEST(Webhooks, AReceiverThatNeverAnswersDoesNotDelayAnotherTenant) {
    BlackHole hole;
    WebhookReceiver receiver;
    FerrydProcess server({{"--allow-private-webhooks", "--webhook-retry-base", "600"}, {}});
    HttpClient c(server.base_url());
    TenantFixture slow = make_tenant(c, server.operator_token(), "slow", {"dev"}, "s-");
    TenantFixture fast = make_tenant(c, server.operator_token(), "fast", {"dev"}, "f-");
    for (const auto& [tenant, url] : {std::pair{&slow, hole.url()}, std::pair{&fast, receiver.url()}})
        ASSERT_EQ(c.post("/v1/tenants/" + tenant->id + "/webhooks",
                         R"({"url":")" + url + R"(","events":["campaign.status_changed"],"secret":")" + secret + "\"}",
                         tenant->admin_token)
                      .status,
                  201);
    status_changes(c, slow, 12);
    std::this_thread::sleep_for(500ms);  // the slow tenant's deliveries are under way and hanging
    // Three rounds, within the first 10 s timeout of the hanging deliveries. One delivery at a
    // time would make each wait for those timeouts (10 s each); the median must stay under a
    // second, and none may come near a timeout even on a loaded machine.
    std::vector<std::chrono::milliseconds> took;
    for (int round = 0; round < 3; ++round) {
        const auto before = receiver.received().size();
        const auto sent = std::chrono::steady_clock::now();
        status_changes(c, fast, 1);
        ASSERT_TRUE(receiver.wait_for([&](const auto& got) { return got.size() > before; }, 9s)) << "round " << round;
        took.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent));
    }
    std::sort(took.begin(), took.end());
    EXPECT_LT(took[1], 1s) << "median " << took[1].count() << " ms";
    EXPECT_LT(took[2], 5s) << "slowest " << took[2].count() << " ms";
}

// Delivered events and the delivery log are pruned once older than --webhook-retention.
TEST(Webhooks, DeliveredEventsAndTheirLogArePrunedAfterTheRetention) {
    WebhookReceiver receiver;
    // 0.00003 days is about 2.6 seconds.
    FerrydProcess server({{"--allow-private-webhooks", "--webhook-retention", "0.00003"}, {}});
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const auto hook =
        c.post("/v1/tenants/acme/webhooks",
               R"({"url":")" + receiver.url() + R"(","events":["campaign.status_changed"],"secret":")" + secret + "\"}",
               acme.admin_token);
    ASSERT_EQ(hook.status, 201);
    const std::string log =
        "/v1/tenants/acme/webhooks/" + std::string(hook.json().at("id").as_string()) + "/deliveries";
    status_changes(c, acme, 3);
    ASSERT_TRUE(receiver.wait_for([](const auto& got) { return got.size() >= 3; }, 10s));
    bool logged = false;
    for (int i = 0; i < 50 && !logged; ++i, std::this_thread::sleep_for(50ms))
        logged = c.get(log, acme.admin_token).json().at("items").as_array().size() == 3;
    ASSERT_TRUE(logged) << "the attempts were logged";
    bool pruned = false;
    for (int i = 0; i < 200 && !pruned; ++i, std::this_thread::sleep_for(100ms))
        pruned = c.get(log, acme.admin_token).json().at("items").as_array().empty();
    EXPECT_TRUE(pruned);
    EXPECT_NE(server.log().find("webhook history pruned"), std::string::npos);
    // Nothing was delivered twice, and new events still go out after pruning.
    status_changes(c, acme, 1);
    EXPECT_TRUE(receiver.wait_for([](const auto& got) { return got.size() == 4; }, 10s));
}
