// Crashes and shutdowns: kill -9 loses nothing acknowledged; SIGTERM finishes or cleanly refuses
// every request and exits 0.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace ferry::test;
using namespace std::chrono_literals;

namespace {

struct Acknowledged {
    std::mutex mutex;
    std::vector<std::string> sandboxes;
    std::vector<std::pair<std::string, std::string>> users;  // id, token
};

// Creates sandboxes and users with tokens from several threads until stopped; records each one
// whose creation was acknowledged (got its 201).
void write_until_stopped(const FerrydProcess& server, const std::string& admin, int writers, std::atomic<bool>& stop,
                         Acknowledged& ack, std::atomic<int>& transport_errors, std::atomic<int>& refused) {
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            HttpClient c(server.base_url());
            for (int i = 0; !stop; ++i) {
                const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
                try {
                    if (i % 2 == 0) {
                        auto res = c.post("/v1/tenants/acme/sandboxes",
                                          R"({"id":")" + id + R"(","type":"development"})", admin);
                        if (res.status == 201) {
                            std::lock_guard lock(ack.mutex);
                            ack.sandboxes.push_back(id);
                        }
                    } else {
                        auto user = c.post(
                            "/v1/tenants/acme/users",
                            R"({"id":")" + id + R"(","name":"x","roles":[{"sandbox":"dev","role":"viewer"}]})", admin);
                        if (user.status != 201) continue;
                        auto token = c.post("/v1/tenants/acme/users/" + id + "/tokens", R"({"name":"t"})", admin);
                        if (token.status == 201) {
                            std::lock_guard lock(ack.mutex);
                            ack.users.emplace_back(id, std::string(token.json().at("token").as_string()));
                        }
                    }
                } catch (const TransportError& e) {
                    ++transport_errors;
                    if (e.refused()) ++refused;
                    std::this_thread::sleep_for(5ms);
                }
            }
        });
    }
    for (auto& t : threads) t.join();
}

void expect_all_present(const FerrydProcess& server, const std::string& admin, Acknowledged& ack) {
    HttpClient c(server.base_url());
    for (const auto& id : ack.sandboxes) EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes/" + id, admin).status, 200) << id;
    for (const auto& [id, token] : ack.users) {
        EXPECT_EQ(c.get("/v1/tenants/acme/users/" + id, admin).status, 200) << id;
        EXPECT_EQ(c.get("/v1/tenants/acme/sandboxes/dev", token).status, 200) << "token of " << id;
    }
    auto verify = c.get("/v1/tenants/acme/audit/verify", admin);
    EXPECT_TRUE(verify.json().at("ok").as_bool()) << verify.body;
}

}  // namespace

TEST(Durability, KillNineLosesNothingAcknowledged) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    const TenantFixture globex = make_tenant(c, server.operator_token(), "globex", {"gx-dev"}, "gx-");

    Acknowledged ack;
    for (int round = 0; round < 3; ++round) {
        std::atomic<bool> stop{false};
        std::atomic<int> errors{0};
        std::atomic<int> refused{0};
        std::thread writers([&] { write_until_stopped(server, acme.admin_token, 8, stop, ack, errors, refused); });
        std::this_thread::sleep_for(400ms + 150ms * round);
        server.kill9();  // in the middle of the writes
        stop = true;
        writers.join();
        server.start();
    }
    ASSERT_GT(ack.sandboxes.size(), 10U);
    ASSERT_GT(ack.users.size(), 10U);
    expect_all_present(server, acme.admin_token, ack);

    // The tenants, their sandboxes, users and tokens from before the crashes are all there.
    HttpClient after(server.base_url());  // a restart picks a new port
    EXPECT_EQ(after.get("/v1/tenants/globex/sandboxes/gx-dev", globex.admin_token).status, 200);
    for (const auto& [role, token] : globex.token_of) EXPECT_EQ(after.get("/v1/me", token).status, 200) << role;
    EXPECT_EQ(after.get("/v1/tenants", server.operator_token()).json().at("items").as_array().size(), 2U);
}

TEST(Durability, SigtermDuringABurstCompletesOrRefusesEveryRequestAndExitsZero) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"dev"});

    Acknowledged ack;
    std::atomic<bool> stop{false};
    std::atomic<int> errors{0};
    std::atomic<int> refused{0};
    std::atomic<int> reads_ok{0};
    std::atomic<int> read_errors{0};
    std::thread writers([&] { write_until_stopped(server, acme.admin_token, 6, stop, ack, errors, refused); });
    std::vector<std::thread> readers;
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&] {
            HttpClient rc(server.base_url());
            while (!stop) {
                try {
                    if (rc.get("/v1/tenants/acme/sandboxes/dev", acme.admin_token).status == 200) ++reads_ok;
                } catch (const TransportError& e) {
                    if (!e.refused()) ++read_errors;
                    std::this_thread::sleep_for(5ms);
                }
            }
        });
    }
    std::this_thread::sleep_for(700ms);
    const int exit_code = server.terminate();
    std::this_thread::sleep_for(200ms);
    stop = true;
    writers.join();
    for (auto& t : readers) t.join();

    EXPECT_EQ(exit_code, 0);
    EXPECT_GT(reads_ok.load(), 0);
    // Every failure was a refused connection after the listener closed, never a dropped request.
    EXPECT_EQ(errors.load(), refused.load());
    EXPECT_EQ(read_errors.load(), 0);
    EXPECT_NE(server.log().find("\"msg\":\"stopped\""), std::string::npos);

    server.start();
    expect_all_present(server, acme.admin_token, ack);
}
