// Request limits and slow clients: what a hostile or broken client gets, and that it cannot
// hold the server.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "raw_socket.hpp"
#include "world.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace ferry::test;
using namespace std::chrono_literals;

namespace {

class Limits : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new FerrydProcess({{"--idle-timeout", "1", "--read-timeout", "3"}, {}});
        HttpClient c(server_->base_url());
        admin_ = new std::string(make_tenant(c, server_->operator_token(), "acme", {"dev"}).admin_token);
    }
    static void TearDownTestSuite() {
        delete admin_;
        delete server_;
    }
    HttpClient client{server_->base_url()};
    static FerrydProcess* server_;
    static std::string* admin_;
};

FerrydProcess* Limits::server_ = nullptr;
std::string* Limits::admin_ = nullptr;

const std::string sandboxes = "/v1/tenants/acme/sandboxes";

}  // namespace

TEST_F(Limits, TwoMegabyteBodyIs413AndNothingIsWritten) {
    const std::string big =
        R"({"id":"big","type":"development","description":")" + std::string(2 * 1024 * 1024, 'x') + "\"}";
    auto res = client.post(sandboxes, big, *admin_);
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.error_code(), "payload_too_large");
    // Refused by the server before the application, it still carries a request id and is logged.
    const std::string id = res.header("x-request-id");
    ASSERT_FALSE(id.empty());
    EXPECT_NE(
        server_->log().find("\"request_id\":\"" + id + "\",\"method\":\"OTHER\",\"route\":\"refused\",\"status\":413"),
        std::string::npos);
    EXPECT_EQ(client.get(sandboxes + "/big", *admin_).status, 404);
    // The server is fine afterwards.
    EXPECT_EQ(client.get(sandboxes + "/dev", *admin_).status, 200);
}

TEST_F(Limits, DeeplyNestedJsonIs400) {
    const std::string deep = std::string(1000, '[') + std::string(1000, ']');
    const std::string body = R"({"id":"deep","type":"development","description":)" + deep + "}";
    auto res = client.post(sandboxes, body, *admin_);
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.error_code(), "malformed_json");
}

TEST_F(Limits, TruncatedJsonIs400) {
    auto res = client.post(sandboxes, R"({"id":"trunc","type":"devel)", *admin_);
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.error_code(), "malformed_json");
    EXPECT_EQ(client.get(sandboxes + "/trunc", *admin_).status, 404);
}

// Two equal keys in one object are refused everywhere: Boost.JSON alone would keep the last one,
// so a body could mean one thing to ferry and another to whatever else reads it.
TEST_F(Limits, DuplicateKeysAre400AndNothingIsWritten) {
    auto twice = client.post(sandboxes, R"({"id":"a","type":"development","id":"b"})", *admin_);
    EXPECT_EQ(twice.status, 400);
    EXPECT_EQ(twice.error_code(), "malformed_json");
    EXPECT_EQ(twice.json().at("error").at("details").at("field"), "id");
    EXPECT_EQ(client.get(sandboxes + "/a", *admin_).status, 404);
    EXPECT_EQ(client.get(sandboxes + "/b", *admin_).status, 404);

    auto roles = client.post(
        "/v1/tenants/acme/users",
        R"({"id":"mallory","name":"M","roles":[{"sandbox":"dev","role":"viewer"}],"roles":[{"sandbox":"*","role":"admin"}]})",
        *admin_);
    EXPECT_EQ(roles.status, 400);
    EXPECT_EQ(roles.json().at("error").at("details").at("field"), "roles");
    EXPECT_EQ(client.get("/v1/tenants/acme/users/mallory", *admin_).status, 404);

    // Nested, in an array, and with escapes that decode to the same key.
    auto nested = client.post(
        "/v1/tenants/acme/sandboxes/dev/campaigns",
        R"({"name":"N","type":"action","channels":["email"],"content":{"email":{"subject":"a","body":"b","subj\u0065ct":"c"}}})",
        *admin_);
    EXPECT_EQ(nested.status, 400);
    EXPECT_EQ(nested.json().at("error").at("details").at("field"), "content.email.subject");
    auto in_array = client.post(
        "/v1/tenants/acme/approval-policies",
        R"({"name":"P","scope":"campaign","conditions":{"any":[{"field":"tag","op":"equals","value":"x"},{"field":"tag","field":"name","op":"equals","value":"y"}]},"approvers":{"role":"reviewer"}})",
        *admin_);
    EXPECT_EQ(in_array.status, 400);
    EXPECT_EQ(in_array.json().at("error").at("details").at("field"), "conditions.any[1].field");
    // Equal keys in different objects are fine.
    EXPECT_EQ(
        client.post(sandboxes, R"({"id":"fine","type":"development","description":"{\"id\":1}"})", *admin_).status,
        201);
}

TEST_F(Limits, NonJsonContentTypeIs415) {
    const std::string body = R"({"id":"plain","type":"development"})";
    auto res = client.request("POST", sandboxes, *admin_, &body, {"Content-Type: text/plain"});
    EXPECT_EQ(res.status, 415);
    EXPECT_EQ(res.error_code(), "unsupported_media_type");
    auto with_charset =
        client.request("POST", sandboxes, *admin_, &body, {"Content-Type: application/json; charset=utf-8"});
    EXPECT_EQ(with_charset.status, 201);
}

TEST_F(Limits, WellFormedButWrongShapesAre422) {
    EXPECT_EQ(client.post(sandboxes, "[1,2]", *admin_).status, 422);
    auto unknown = client.post(sandboxes, R"({"id":"u1","type":"development","colour":"red"})", *admin_);
    EXPECT_EQ(unknown.status, 422);
    EXPECT_EQ(unknown.error_code(), "unknown_field");
    EXPECT_EQ(client.post(sandboxes, R"({"id":7,"type":"development"})", *admin_).status, 422);
}

// NUL, other control characters and bidirectional overrides in what people read are refused with
// 422 naming the field (once "nul\u0000in" was accepted and published into git); long text keeps
// its newlines and tabs. (The escapes in the bodies are JSON's: "\\u" below, so that neither the
// compiler nor this file holds the characters themselves.)
TEST_F(Limits, ControlAndBidiOverrideCharactersAre422NamingTheField) {
    const std::string dev = "/v1/tenants/acme/sandboxes/dev/";
    auto refused = [&](const HttpResponse& res, const std::string& field) {
        EXPECT_EQ(res.status, 422) << res.body;
        EXPECT_EQ(res.error_code(), "invalid_field") << res.body;
        if (res.status == 422) {
            EXPECT_EQ(res.json().at("error").at("details").at("field"), boost::json::value(field)) << res.body;
        }
    };
    auto campaign = [&](const std::string& name, const std::string& extra) {
        return client.post(
            dev + "campaigns",
            "{\"name\":\"" + name + "\",\"type\":\"action\",\"channels\":[\"email\",\"webhook\"]," + extra +
                "\"content\":{\"email\":{\"subject\":\"Hi\",\"body\":\"Line one\\nLine two\\tindented\"},"
                "\"webhook\":{\"url\":\"https://hooks.example.com/x\",\"auth_header\":\"Bearer x\"}}}",
            *admin_);
    };
    refused(campaign("nul\\u0000in", ""), "name");
    refused(campaign("two\\nlines", ""), "name");
    refused(campaign("inv\\u202Eexe.pdf", ""), "name");
    refused(campaign("c1\\u0085", ""), "name");
    refused(campaign("Tags", "\"tags\":[\"ok\",\"bad\\u0007\"],"), "tags[1]");
    refused(campaign("Desc", "\"description\":\"bell\\u0007\","), "description");
    refused(client.post(
                dev + "campaigns",
                "{\"name\":\"Hdr\",\"type\":\"action\",\"channels\":[\"webhook\"],\"content\":{\"webhook\":{\"url\":"
                "\"https://h.example.com/x\",\"auth_header\":\"Bearer x\\r\\nX-Evil: 1\"}}}",
                *admin_),
            "content.webhook.auth_header");
    refused(client.post(
                dev + "campaigns",
                "{\"name\":\"Subj\",\"type\":\"action\",\"channels\":[\"email\"],\"content\":{\"email\":{\"subject\":"
                "\"Hi\\nBcc: all\",\"body\":\"b\"}}}",
                *admin_),
            "content.email.subject");
    refused(client.post(dev + "templates",
                        "{\"key\":\"k\\u2066ey\",\"name\":\"T\",\"channel\":\"sms\",\"body\":\"hi\"}", *admin_),
            "key");
    refused(client.post(dev + "segments", "{\"name\":\"VIP\\u0000\",\"rule\":{}}", *admin_), "name");
    refused(client.post(sandboxes, "{\"id\":\"ctl\",\"type\":\"development\",\"description\":\"a\\u001bb\"}", *admin_),
            "description");
    refused(client.post("/v1/tenants/acme/users", "{\"id\":\"zed\",\"name\":\"Zed\\u202D\"}", *admin_), "name");
    // Nothing was created by those.
    EXPECT_TRUE(client.get(dev + "campaigns", *admin_).json().at("items").as_array().empty());
    EXPECT_EQ(client.get("/v1/tenants/acme/users/zed", *admin_).status, 404);

    // Long text keeps newlines and tabs; right-to-left text is text.
    const auto ok = campaign("Soldes d'\\u00e9t\\u00e9 \\u05e9\\u05dc\\u05d5\\u05dd",
                             "\"description\":\"First line\\n\\tsecond line\",");
    EXPECT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(
        client.post(dev + "segments", "{\"name\":\"VIP\",\"description\":\"Gold\\nand platinum\",\"rule\":{}}", *admin_)
            .status,
        201);
}

TEST_F(Limits, OversizedHeaderIs431) {
    auto res = client.request("GET", "/healthz", "", nullptr, {"X-Padding: " + std::string(64 * 1024, 'p')});
    EXPECT_EQ(res.status, 431);
}

TEST_F(Limits, UnknownRoutesAndMethodsAnswerJson) {
    auto missing = client.get("/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.error_code(), "not_found");
    auto wrong = client.request("PUT", "/v1/tenants", "", nullptr);
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.header("allow"), "POST, GET, HEAD");
}

// Paths are exact: an empty segment is not skipped (once /v1//tenants/acme was served).
TEST_F(Limits, EmptyPathSegmentsAre404) {
    for (const std::string path : {"/v1//tenants/acme", "//v1/tenants/acme", "/v1/tenants//acme",
                                   "/v1/tenants/acme//sandboxes", "/v1/tenants/acme/sandboxes//dev"}) {
        const auto res = client.get(path, *admin_);
        EXPECT_EQ(res.status, 404) << path;
        EXPECT_EQ(res.error_code(), "not_found") << path;
    }
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", *admin_).status, 200);
}

// HEAD is served wherever GET is (RFC 9110): the same status and headers, the GET body's length,
// no body; it is a read, so it needs what the GET needs.
TEST_F(Limits, HeadAnswersLikeGetWithoutTheBody) {
    const auto get = client.get("/v1/tenants/acme/sandboxes/dev", *admin_);
    const auto head = client.request("HEAD", "/v1/tenants/acme/sandboxes/dev", *admin_);
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
    EXPECT_EQ(head.header("content-type"), "application/json");
    EXPECT_EQ(head.header("etag"), get.header("etag"));
    EXPECT_EQ(client.request("HEAD", "/v1/tenants/acme/sandboxes/dev").status, 401);
    EXPECT_EQ(client.request("HEAD", "/v1/tenants/acme/sandboxes/nope", *admin_).status, 404);
    EXPECT_EQ(client.request("HEAD", "/healthz").status, 200);
    // Not where only other methods are.
    const auto post_only =
        client.request("HEAD", "/v1/tenants/acme/sandboxes/dev/campaigns/cmp_x/actions/activate", *admin_);
    EXPECT_EQ(post_only.status, 405);
    EXPECT_EQ(post_only.header("allow"), "POST");
    // The connection stays usable after a HEAD answer.
    EXPECT_EQ(client.get("/v1/tenants/acme/sandboxes/dev", *admin_).body, get.body);
}

TEST_F(Limits, EncodedSlashInThePathIs400) {
    auto res = client.get("/v1/tenants/acme/sandboxes/dev%2F..%2Fprod", *admin_);
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.error_code(), "bad_request");
}

TEST_F(Limits, OddMethodsShareOneMetricLabel) {
    client.request("BREW", "/healthz", "", nullptr);
    client.request("BREW2", "/nowhere", "", nullptr);
    const std::string metrics = client.get("/metrics").body;
    EXPECT_EQ(metrics.find("BREW"), std::string::npos);
    EXPECT_NE(metrics.find(R"(method="OTHER",route="unmatched",status="405")"), std::string::npos) << metrics;
}

TEST_F(Limits, GarbageRequestLineIs400) {
    RawSocket s(server_->port());
    ASSERT_TRUE(s.send("THIS IS NOT HTTP\r\n\r\n"));
    const std::string response = s.read_response(3s);
    EXPECT_NE(response.find(" 400 "), std::string::npos) << response;
}

TEST_F(Limits, IdleConnectionIsClosedAfterTheIdleTimeout) {
    RawSocket idle(server_->port());
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(idle.closed_within(500ms));
    EXPECT_TRUE(idle.closed_within(3s));
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 900ms);

    // The same holds between requests on a kept-alive connection.
    RawSocket kept(server_->port());
    ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(kept.read_response(2s).find(" 200 "), std::string::npos);
    EXPECT_TRUE(kept.closed_within(3s));
}

TEST_F(Limits, SlowHeaderClientsDoNotStopOthers) {
    constexpr int slow_count = 200;
    std::vector<std::unique_ptr<RawSocket>> slow;
    for (int i = 0; i < slow_count; ++i) slow.push_back(std::make_unique<RawSocket>(server_->port()));

    std::atomic<bool> stop{false};
    std::atomic<int> closed_by_server{0};
    std::thread trickle([&] {
        const std::string request =
            "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: " + std::string(100, 's') + "\r\n\r\n";
        std::vector<bool> open(slow_count, true);
        for (std::size_t pos = 0; !stop && pos < request.size(); ++pos) {
            for (int i = 0; i < slow_count; ++i) {
                if (open[static_cast<std::size_t>(i)] &&
                    !slow[static_cast<std::size_t>(i)]->send(request.substr(pos, 1))) {
                    open[static_cast<std::size_t>(i)] = false;
                    ++closed_by_server;
                }
            }
            std::this_thread::sleep_for(1s);
        }
    });

    // Meanwhile, ordinary clients are served promptly.
    std::chrono::milliseconds slowest{0};
    for (int i = 0; i < 50; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        HttpClient c(server_->base_url());
        EXPECT_EQ(c.get(sandboxes + "/dev", *admin_).status, 200);
        slowest = std::max(
            slowest, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0));
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_LT(slowest, 1000ms);

    // Past the read timeout (3 s) the server has cut the slow clients off.
    std::this_thread::sleep_for(3s);
    int closed = 0;
    for (auto& s : slow)
        if (s->closed_within(100ms) || !s->send("x")) ++closed;
    stop = true;
    trickle.join();
    EXPECT_EQ(closed, slow_count);
}
