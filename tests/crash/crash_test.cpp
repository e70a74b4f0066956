// Crash injection at random moments (issue 8): publish, import, approval and campaign-edit
// workloads run against a real ferryd, which is killed with SIGKILL after a random delay (fixed
// seed), restarted, and checked:
//   - every acknowledged write is there (campaign creates and edits, package versions, imports,
//     approvals);
//   - no import is partial: each recorded import's campaigns are all there, and nothing carries
//     the provenance of an import that was not recorded;
//   - package versions are contiguous, the database and git agree tag by tag, git fsck --strict
//     and SQLite's integrity_check are clean, and the audit chain verifies.
// `ferry_crash_test --kills N --seed S` (ctest runs --kills 20; --kills 200 for long runs). Every
// 20 kills it prints the time each phase took (workload, restart, each check) and how much has
// been acknowledged so far, so a long run shows whether a phase grows with history.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <vector>

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

std::uintmax_t directory_kb(const std::filesystem::path& dir) {
    std::uintmax_t bytes = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec))
        if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
    return bytes / 1024;
}

// Seconds spent in each phase of a kill, summed over a stretch of kills and printed every 20, so
// a long run shows where its time goes and whether it grows with history.
struct Phases {
    using clock = std::chrono::steady_clock;
    std::vector<std::pair<std::string, double>> seconds;
    clock::time_point mark = clock::now();
    clock::time_point stretch_start = clock::now();

    void lap(const std::string& phase) {
        const auto now = clock::now();
        const double s = std::chrono::duration<double>(now - mark).count();
        mark = now;
        for (auto& [name, total] : seconds)
            if (name == phase) {
                total += s;
                return;
            }
        seconds.emplace_back(phase, s);
    }
    void report(int first, int last) {
        const double total = std::chrono::duration<double>(clock::now() - stretch_start).count();
        std::printf("kills %d-%d: %.0f s (%.1f kills/min):", first, last, total, (last - first + 1) * 60.0 / total);
        for (std::size_t i = 0; i < seconds.size(); ++i)
            std::printf("%s %s %.1f s", i == 0 ? "" : ",", seconds[i].first.c_str(), seconds[i].second);
        std::printf("\n");
        std::fflush(stdout);
        seconds.clear();
        stretch_start = clock::now();
    }
};

// What the clients were told, and what was in flight when the server died.
struct Ledger {
    std::mutex m;
    // campaign id -> the names an edit may have left: the last acknowledged, and the one in flight
    std::map<std::string, std::pair<std::string, std::optional<std::string>>> names;
    std::int64_t acked_version = 0;           // highest acknowledged package version
    std::set<std::string> acked_imports;      // stage import ids
    std::set<std::string> acked_activations;  // prod campaign ids an approval made active
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
                         acme.admin_token)
                      .status,
                  201);
        auto segment = c.post(prod + "segments", R"({"name":"All","rule":{}})", editor);
        ASSERT_EQ(segment.status, 201) << segment.body;
        prod_segment = str(segment.json().at("id"));
        // The package: a few dev campaigns that the publisher edits between versions (and adds to
        // now and then). Partial, not full: a full package would hold every campaign the editors
        // ever made in dev, so each publish and import would grow with the run (3,900 campaigns a
        // version after 100 kills, when imports took longer than the time to the next kill).
        std::string objects;
        for (int i = 0; i < 5; ++i) {
            auto res = c.post(dev + "campaigns", campaign("pkg" + std::to_string(i)), editor);
            ASSERT_EQ(res.status, 201) << res.body;
            package_campaigns.push_back(str(res.json().at("id")));
            objects +=
                std::string(i == 0 ? "" : ",") + R"({"kind":"campaign","id":")" + package_campaigns.back() + R"("})";
        }
        auto package =
            c.post(T + "packages",
                   R"({"name":"promo","source_sandbox":"dev","kind":"partial","objects":[)" + objects + "]}", editor);
        ASSERT_EQ(package.status, 201) << package.body;
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

    // Edits a package campaign (or now and then adds a new one, so that imports create as well as
    // update), publishes the next version, imports it into stage.
    void publisher_loop(std::atomic<bool>& stop, std::mt19937& rng) {
        HttpClient c(server->base_url());
        for (int n = 0; !stop; ++n) {
            try {
                if (rng() % 8 == 0) {
                    const std::string name = "pkg" + std::to_string(package_campaigns.size());
                    auto created = c.post(dev + "campaigns", campaign(name), editor);
                    if (created.status != 201) continue;
                    const std::string id = str(created.json().at("id"));
                    {
                        std::lock_guard g(ledger.m);
                        ledger.names[id] = {name, std::nullopt};
                    }
                    if (c.post(dev + "campaigns/" + id + "/actions/add-to-package", R"({"package":"promo"})", editor)
                            .status == 200)
                        package_campaigns.push_back(id);
                }
                const std::string& id = package_campaigns[rng() % package_campaigns.size()];
                c.patch(dev + "campaigns/" + id, R"({"description":"edit )" + std::to_string(rng()) + "\"}", editor,
                        "*");
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
                auto created =
                    c.post(prod + "campaigns",
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

    // Every item of a campaign list, page by page (200 a page, the most the API gives), whatever
    // its status: one request per 200 campaigns instead of one per campaign.
    static std::map<std::string, json::object> all_campaigns(HttpClient& c, const std::string& sandbox,
                                                             const std::string& token) {
        std::map<std::string, json::object> out;
        std::string cursor;
        for (;;) {
            auto res = c.get(
                sandbox + "campaigns?limit=200&status=" + all_statuses + (cursor.empty() ? "" : "&cursor=" + cursor),
                token);
            EXPECT_EQ(res.status, 200) << res.body;
            if (res.status != 200) return out;
            const auto page = res.json();
            for (const auto& item : page.at("items").as_array()) out[str(item.at("id"))] = item.as_object();
            if (page.at("next_cursor").is_null()) return out;
            cursor = str(page.at("next_cursor"));
        }
    }
    static constexpr const char* all_statuses =
        "draft,in_review,scheduled,active,paused,stopped,completed,failed,archived,publishing,closed";

    // After each kill, every acknowledged write is checked again, all of them, not only the new
    // ones; but in bulk: campaigns by the page, all tags in one git process, and an import's items
    // (which never change once it is recorded) read once, their campaigns checked every time.
    // `full` (the last kill) reads everything one object at a time as well.
    void check_after_restart(int round, bool full) {
        SCOPED_TRACE("after kill " + std::to_string(round));
        // The database file first, while ferryd is down.
        if (server->database() == nullptr) {
            const auto db = server->data_dir() / "ferry.db";
            const auto [rc, integrity] = run_command("sqlite3 " + db.string() + " 'PRAGMA integrity_check'");
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(integrity, "ok\n");
        }
        phases.lap("sqlite-check");
        server->start();
        phases.lap("restart");
        HttpClient c(server->base_url());
        const std::string admin = acme.admin_token;

        std::lock_guard g(ledger.m);
        // A campaign the list does not show (or every one, in the full check) is asked for by id.
        const auto dev_campaigns = all_campaigns(c, dev, admin);
        for (auto& [id, names] : ledger.names) {
            std::string name;
            if (const auto it = dev_campaigns.find(id); it != dev_campaigns.end() && !full) {
                name = str(it->second.at("name"));
            } else {
                auto res = c.get(dev + "campaigns/" + id, admin);
                ASSERT_EQ(res.status, 200) << "acknowledged campaign " << id << " is gone";
                name = str(res.json().at("name"));
            }
            EXPECT_TRUE(name == names.first || (names.second && name == *names.second))
                << id << " is named " << name << ", acknowledged " << names.first;
            names = {name, std::nullopt};
        }
        phases.lap("campaigns");

        const auto versions = c.get(T + "packages/promo/versions", admin).json();
        const auto& items = versions.at("items").as_array();
        EXPECT_GE(static_cast<std::int64_t>(items.size()), ledger.acked_version);
        const std::string git = "git --git-dir=" + (server->data_dir() / "git" / "acme.git").string() + " ";
        // Each tag's commit, all in one git process: a line per tag, "<name> missing" for one that is not there.
        std::string tags, expected;
        for (std::size_t i = 0; i < items.size(); ++i) {
            EXPECT_EQ(items[i].at("version").as_int64(), static_cast<std::int64_t>(i + 1))
                << "versions are not contiguous";
            tags += " '" + str(items[i].at("tag")) + "^{commit}'";
            expected += str(items[i].at("commit")) + "\n";
        }
        if (!items.empty()) {
            EXPECT_EQ(
                run_command("printf '%s\\n'" + tags + " | " + git + "cat-file --batch-check='%(objectname)'").second,
                expected);
        }
        EXPECT_EQ(run_command(git + "tag -l 'packages/promo/*' | wc -l").second, std::to_string(items.size()) + "\n");
        phases.lap("versions");
        if (!items.empty()) {
            EXPECT_EQ(run_command(git + "fsck --strict 2>&1").first, 0);
        }
        phases.lap("fsck");

        // Imports: all acknowledged ones recorded, and none partial. The list shows the newest 200;
        // an older one is asked for by id.
        const auto imports = c.get(stage + "imports", admin).json();
        std::set<std::string> recorded;
        for (const auto& r : imports.at("items").as_array()) recorded.insert(str(r.at("id")));
        const auto is_recorded = [&](const std::string& id) {
            if (recorded.count(id)) return true;
            if (c.get(stage + "imports/" + id, admin).status != 200) return false;
            recorded.insert(id);
            return true;
        };
        for (const auto& id : ledger.acked_imports)
            EXPECT_TRUE(is_recorded(id)) << "acknowledged import " << id << " is gone";
        const auto stage_campaigns = all_campaigns(c, stage, admin);
        for (const auto& [id, item] : stage_campaigns) {
            const auto& provenance = item.at("provenance");
            ASSERT_TRUE(provenance.is_object()) << "a stage campaign without provenance";
            EXPECT_TRUE(is_recorded(str(provenance.at("import"))))
                << "campaign " << item.at("key") << " carries import " << provenance.at("import")
                << ", which is not recorded";
        }
        for (const auto& id : recorded) {
            if (import_creates.count(id) && !full) continue;
            const auto one = c.get(stage + "imports/" + id, admin).json();
            auto& creates = import_creates[id];
            creates.clear();
            for (const auto& it : one.at("items").as_array())
                if (it.at("kind") == "campaign" && it.at("action") == "create" && one.at("status") == "applied")
                    creates.push_back(str(it.at("target_id")));
        }
        for (const auto& [id, creates] : import_creates)
            for (const auto& campaign : creates) {
                if (stage_campaigns.count(campaign) && !full) continue;
                EXPECT_EQ(c.get(stage + "campaigns/" + campaign, admin).status, 200)
                    << "import " << id << " recorded a campaign that is not there";
            }
        phases.lap("imports");

        const auto prod_campaigns = all_campaigns(c, prod, admin);
        for (const auto& id : ledger.acked_activations) {
            const auto it = prod_campaigns.find(id);
            if (it != prod_campaigns.end() && !full) {
                EXPECT_EQ(it->second.at("status"), "active") << id;
            } else {
                EXPECT_EQ(c.get(prod + "campaigns/" + id, admin).json().at("status"), "active") << id;
            }
        }
        phases.lap("activations");

        const auto audit = c.get(T + "audit/verify", admin).json();
        EXPECT_TRUE(audit.at("ok").as_bool()) << json::serialize(audit);
        phases.lap("audit");
    }

    std::unique_ptr<FerrydProcess> server;
    TenantFixture acme;
    std::string editor, importer, reviewer, prod_segment;
    std::vector<std::string> package_campaigns;
    Ledger ledger;
    // Import id -> the campaigns its items say it created (read once: a recorded import's items do not change).
    std::map<std::string, std::vector<std::string>> import_creates;
    Phases phases;
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
        phases.lap("workload");
        check_after_restart(round, round == kills);
        if (HasFatalFailure()) return;
        if (round % 20 == 0 || round == kills) {
            std::printf("  %zu campaigns, %lld versions, %zu imports, %zu approvals acknowledged; git store %ju KB\n",
                        ledger.names.size(), static_cast<long long>(ledger.acked_version), ledger.acked_imports.size(),
                        ledger.acked_activations.size(), directory_kb(server->data_dir() / "git"));
            phases.report(round - (round - 1) % 20, round);
        }
    }
    // The workloads did run: otherwise the checks above prove nothing.
    EXPECT_GT(ledger.acked_version, 0);
    EXPECT_FALSE(ledger.acked_imports.empty());
    EXPECT_FALSE(ledger.acked_activations.empty());
    std::printf(
        "crash test: %d kills (seed %u), %zu campaigns, %lld package versions, %zu imports, %zu approvals checked\n",
        kills, seed, ledger.names.size(), static_cast<long long>(ledger.acked_version), ledger.acked_imports.size(),
        ledger.acked_activations.size());
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--kills" && i + 1 < argc)
            kills = std::atoi(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc)
            seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else {
            std::fprintf(stderr, "usage: ferry_crash_test [--kills N] [--seed S] [gtest flags]\n");
            return 2;
        }
    }
    return RUN_ALL_TESTS();
}
