// Crash injection at random moments (issue 8): publish, import, approval and campaign-edit
// workloads run against a real ferryd, which is killed with SIGKILL after a random delay (fixed
// seed), restarted, and checked:
//   - every acknowledged write is there (campaign creates and edits, package versions, imports,
//     approvals);
//   - no import is partial: each recorded import's campaigns are all there, and nothing carries
//     the provenance of an import that was not recorded;
//   - package versions are contiguous, the database and git agree tag by tag, git fsck --strict
//     and SQLite's integrity_check are clean, and the audit chain verifies.
// `ferry_crash_test --kills N --seed S` (ctest runs --kills 20; --kills 200 for long runs).

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;

namespace {

int kills = 20;
unsigned seed = 20261122;

const std::string T = "/v1/tenants/acme/";
const std::string dev = T + "sandboxes/dev/";
const std::string stage = T + "sandboxes/stage/";
const std::string prod = T + "sandboxes/prod/";

std::string str(const json::value& v) { return std::string(v.as_string()); }

// What the clients were told, and what was in flight when the server died.
struct Ledger {
    std::mutex m;
    // campaign id -> the names an edit may have left: the last acknowledged, and the one in flight
    std::map<std::string, std::pair<std::string, std::optional<std::string>>> names;
    std::int64_t acked_version = 0;          // highest acknowledged package version
    std::set<std::string> acked_imports;     // stage import ids
    std::set<std::string> acked_activations; // prod campaign ids an approval made active
};

class CrashTest : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>();
        HttpClient c(server->base_url());
        acme = make_tenant(c, server->operator_token(), "acme", {"dev", "stage", "prod"});
        editor = make_user(c, acme, "ed", R"([{"sandbox":"dev","role":"editor"},{"sandbox":"prod","role":"editor"}])");
        importer = make_user(c, acme, "ci", R"([{"sandbox":"stage","role":"importer"}])");
        reviewer = make_user(c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        ASSERT_EQ(c.post(T + "approval-policies", R"({"name":"prod","scope":"campaign",
            "conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                         acme.admin_token).status,
                  201);
        auto segment = c.post(prod + "segments", R"({"name":"All","rule":{}})", editor);
        ASSERT_EQ(segment.status, 201) << segment.body;
        prod_segment = str(segment.json().at("id"));
        // The package: a few dev campaigns that the publisher edits between versions.
        for (int i = 0; i < 5; ++i) {
            auto res = c.post(dev + "campaigns", campaign("pkg" + std::to_string(i)), editor);
            ASSERT_EQ(res.status, 201) << res.body;
            package_campaigns.push_back(str(res.json().at("id")));
        }
        ASSERT_EQ(c.post(T + "packages", R"({"name":"promo","source_sandbox":"dev","kind":"full"})", editor).status, 201);
    }

    static std::string campaign(const std::string& name) {
        return R"({"name":")" + name + R"(","type":"action","channels":["sms"],"content":{"sms":{"body":"Hi"}}})";
    }

    // Creates campaigns in dev and renames them, one request after the other.
    void editor_loop(std::atomic<bool>& stop, std::mt19937& rng, int worker) {
        HttpClient c(server->base_url());
        std::vector<std::string> mine;
        for (int n = 0; !stop; ++n) {
            try {
                if (mine.empty() || rng() % 3 == 0) {
                    const std::string name = "w" + std::to_string(worker) + "-" + std::to_string(n);
                    auto res = c.post(dev + "campaigns", campaign(name), editor);
                    if (res.status != 201) continue;
                    const std::string id = str(res.json().at("id"));
                    std::lock_guard g(ledger.m);
                    ledger.names[id] = {name, std::nullopt};
                    mine.push_back(id);
                } else {
                    const std::string& id = mine[rng() % mine.size()];
                    const std::string name = "renamed-" + std::to_string(worker) + "-" + std::to_string(n);
                    {
                        std::lock_guard g(ledger.m);
                        ledger.names[id].second = name;
                    }
                    auto res = c.patch(dev + "campaigns/" + id, R"({"name":")" + name + "\"}", editor, "*");
                    std::lock_guard g(ledger.m);
                    if (res.status == 200) ledger.names[id] = {name, std::nullopt};
                }
            } catch (const TransportError&) {
                return;  // the server is gone
            }
        }
    }

    // Edits a package campaign, publishes the next version, imports it into stage.
    void publisher_loop(std::atomic<bool>& stop, std::mt19937& rng) {
        HttpClient c(server->base_url());
        for (int n = 0; !stop; ++n) {
            try {
                const std::string& id = package_campaigns[rng() % package_campaigns.size()];
                c.patch(dev + "campaigns/" + id, R"({"description":"edit )" + std::to_string(rng()) + "\"}", editor, "*");
                auto published = c.post(T + "packages/promo/versions", "{}", editor);
                if (published.status != 201) continue;
                const std::int64_t version = published.json().at("version").as_int64();
                {
                    std::lock_guard g(ledger.m);
                    ledger.acked_version = std::max(ledger.acked_version, version);
                }
                const std::string b = R"({"package":"promo","version":)" + std::to_string(version) +
                                      R"(,"conflict_policy":"update","allow_downgrade":true})";
                auto imported = c.request("POST", stage + "imports", importer, &b,
                                          {"Idempotency-Key: promo-" + std::to_string(version)});
                if (imported.status == 201 || imported.status == 200) {
                    std::lock_guard g(ledger.m);
                    ledger.acked_imports.insert(str(imported.json().at("id")));
                }
            } catch (const TransportError&) {
                return;
            }
        }
    }

    // Creates a prod campaign, submits it, approves it: acknowledged approvals mean active.
    void approval_loop(std::atomic<bool>& stop, int worker) {
        HttpClient c(server->base_url());
        for (int n = 0; !stop; ++n) {
            try {
                const std::string name = "gate" + std::to_string(worker) + "-" + std::to_string(n);
                auto created = c.post(prod + "campaigns",
                                      R"({"name":")" + name + R"(","type":"action","channels":["sms"],"audience":{"segment":")" +
                                          prod_segment + R"("},"content":{"sms":{"body":"Hi"}}})",
                                      editor);
                if (created.status != 201) continue;
                const std::string id = str(created.json().at("id"));
                if (c.post(prod + "campaigns/" + id + "/actions/submit", "{}", editor).status != 200) continue;
                const auto reviews = c.get(T + "reviews?assigned=me", reviewer).json();
                for (const auto& r : reviews.at("items").as_array()) {
                    if (r.at("subject").at("campaign") != json::value(id)) continue;
                    auto approved = c.post(T + "reviews/" + str(r.at("id")) + "/approve", "{}", reviewer);
                    if (approved.status == 200) {
                        std::lock_guard g(ledger.m);
                        ledger.acked_activations.insert(id);
                    }
                }
            } catch (const TransportError&) {
                return;
            }
        }
    }

    void check_after_restart(int round) {
        SCOPED_TRACE("after kill " + std::to_string(round));
        // The database file first, while ferryd is down.
        if (server->database() == nullptr) {
            const auto db = server->data_dir() / "ferry.db";
            const auto [rc, integrity] = run_command("sqlite3 " + db.string() + " 'PRAGMA integrity_check'");
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(integrity, "ok\n");
        }
        server->start();
        HttpClient c(server->base_url());
        const std::string admin = acme.admin_token;

        std::lock_guard g(ledger.m);
        for (auto& [id, names] : ledger.names) {
            auto res = c.get(dev + "campaigns/" + id, admin);
            ASSERT_EQ(res.status, 200) << "acknowledged campaign " << id << " is gone";
            const std::string name = str(res.json().at("name"));
            EXPECT_TRUE(name == names.first || (names.second && name == *names.second))
                << id << " is named " << name << ", acknowledged " << names.first;
            names = {name, std::nullopt};
        }

        const auto versions = c.get(T + "packages/promo/versions", admin).json();
        const auto& items = versions.at("items").as_array();
        EXPECT_GE(static_cast<std::int64_t>(items.size()), ledger.acked_version);
        const std::string git = "git --git-dir=" + (server->data_dir() / "git" / "acme.git").string() + " ";
        for (std::size_t i = 0; i < items.size(); ++i) {
            EXPECT_EQ(items[i].at("version").as_int64(), static_cast<std::int64_t>(i + 1)) << "versions are not contiguous";
            EXPECT_EQ(run_command(git + "rev-parse " + str(items[i].at("tag")) + "^{commit}").second,
                      str(items[i].at("commit")) + "\n");
        }
        EXPECT_EQ(run_command(git + "tag -l 'packages/promo/*' | wc -l").second, std::to_string(items.size()) + "\n");
        if (!items.empty()) {
            EXPECT_EQ(run_command(git + "fsck --strict 2>&1").first, 0);
        }

        // Imports: all acknowledged ones recorded, and none partial.
        const auto imports = c.get(stage + "imports", admin).json();
        std::set<std::string> recorded;
        for (const auto& r : imports.at("items").as_array()) recorded.insert(str(r.at("id")));
        for (const auto& id : ledger.acked_imports) EXPECT_TRUE(recorded.count(id)) << "acknowledged import " << id << " is gone";
        const auto stage_campaigns = c.get(stage + "campaigns?limit=200", admin).json();
        for (const auto& item : stage_campaigns.at("items").as_array()) {
            const auto& provenance = item.at("provenance");
            ASSERT_TRUE(provenance.is_object()) << "a stage campaign without provenance";
            EXPECT_TRUE(recorded.count(str(provenance.at("import"))))
                << "campaign " << item.at("key") << " carries import " << provenance.at("import") << ", which is not recorded";
        }
        for (const auto& id : recorded) {
            const auto one = c.get(stage + "imports/" + id, admin).json();
            for (const auto& it : one.at("items").as_array())
                if (it.at("kind") == "campaign" && it.at("action") == "create" && one.at("status") == "applied") {
                    auto res = c.get(stage + "campaigns/" + str(it.at("target_id")), admin);
                    EXPECT_EQ(res.status, 200) << "import " << id << " recorded a campaign that is not there";
                }
        }

        for (const auto& id : ledger.acked_activations)
            EXPECT_EQ(c.get(prod + "campaigns/" + id, admin).json().at("status"), "active") << id;

        const auto audit = c.get(T + "audit/verify", admin).json();
        EXPECT_TRUE(audit.at("ok").as_bool()) << json::serialize(audit);
    }

    std::unique_ptr<FerrydProcess> server;
    TenantFixture acme;
    std::string editor, importer, reviewer, prod_segment;
    std::vector<std::string> package_campaigns;
    Ledger ledger;
};

TEST_F(CrashTest, RandomKillsLoseNothingAcknowledged) {
    std::mt19937 rng(seed);
    for (int round = 1; round <= kills; ++round) {
        std::atomic<bool> stop{false};
        std::vector<std::mt19937> rngs;
        for (int i = 0; i < 4; ++i) rngs.emplace_back(rng());
        std::vector<std::thread> clients;
        clients.emplace_back([&] { editor_loop(stop, rngs[0], 0); });
        clients.emplace_back([&] { editor_loop(stop, rngs[1], 1); });
        clients.emplace_back([&] { publisher_loop(stop, rngs[2]); });
        clients.emplace_back([&] { approval_loop(stop, 0); });
        // Let the workload run, then pull the plug at a moment the seed chooses.
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 900));
        server->kill9();
        stop = true;
        for (auto& t : clients) t.join();
        check_after_restart(round);
        if (HasFatalFailure()) return;
    }
    // The workloads did run: otherwise the checks above prove nothing.
    EXPECT_GT(ledger.acked_version, 0);
    EXPECT_FALSE(ledger.acked_imports.empty());
    EXPECT_FALSE(ledger.acked_activations.empty());
    std::printf("crash test: %d kills (seed %u), %zu campaigns, %lld package versions, %zu imports, %zu approvals checked\n", kills,
                seed, ledger.names.size(), static_cast<long long>(ledger.acked_version), ledger.acked_imports.size(),
                ledger.acked_activations.size());
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--kills" && i + 1 < argc) kills = std::atoi(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc) seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else {
            std::fprintf(stderr, "usage: ferry_crash_test [--kills N] [--seed S] [gtest flags]\n");
            return 2;
        }
    }
    return RUN_ALL_TESTS();
}
