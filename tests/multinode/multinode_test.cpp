// Several ferryd nodes on one PostgreSQL database and one git remote (issues 9 and 24): concurrent
// publishers spread across three nodes while one node is killed and restarted, and time-driven
// campaign transitions that must happen exactly once whichever node runs the scheduler.
//
// Each node has its own data directory (its own git mirror); the shared package store is a real
// git server on loopback (lighttpd + git-http-backend, basic authentication), which the nodes
// reach only over HTTP, with credentials from a file.
//
// Uses the cluster FERRY_TEST_DATABASE names, or starts a private one (scripts/test-postgres).

#include "ferryd_process.hpp"
#include "git_http_server.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "test_database.hpp"
#include "world.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr int node_count = 3;
// FERRY_MULTINODE_SCALE=0.2 runs a fifth of the publishing, to look into a failure quickly.
const double scale = std::getenv("FERRY_MULTINODE_SCALE") ? std::atof(std::getenv("FERRY_MULTINODE_SCALE")) : 1.0;
const int publishers = std::max(3, static_cast<int>(20 * scale));
const int versions_each = std::max(3, static_cast<int>(50 * scale));
constexpr int scheduled_campaigns = 24;
const std::string operator_secret = "fry_multinodeoperatorAAAAAAAAAAAA_AAAAAA";
// The nodes' shared key-encryption key (32 bytes, hex): each unwraps the tenant's signing key from the database.
const std::string key_encryption_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const std::string T = "/v1/tenants/acme/";

std::string rfc3339_in(std::chrono::seconds from_now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

class Cluster {
public:
    // The shared store: a directory of bare repositories by default; with
    // FERRY_MULTINODE_GIT_SERVER=1, a real git HTTP server (lighttpd + git-http-backend) on
    // loopback. Under CI's load the server drops pushes often enough to stall a package for
    // minutes (docs/git-access.md, "Known gap"), so CI runs the directory store.
    static bool over_http() {
        const char* v = std::getenv("FERRY_MULTINODE_GIT_SERVER");
        return v != nullptr && std::string(v) == "1";
    }

    Cluster() : database_(std::make_shared<TestDatabase>()) {
        std::string templ = (fs::temp_directory_path() / "ferry-multinode-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root_ = templ;
        std::vector<std::string> remote{"--git-remote", (root_ / "remote").string()};
        if (over_http()) {
            git_server_ = std::make_unique<GitHttpServer>(git_user, git_password);
            git_server_->create_repository("acme.git");
            std::ofstream(root_ / "git-credentials")
                << "username=" << git_user << "\npassword=" << git_password << "\n";
            remote = {"--git-remote", git_server_->url(), "--git-credentials-file",
                      (root_ / "git-credentials").string()};
        } else {
            fs::create_directories(root_ / "remote");
        }
        for (int i = 0; i < node_count; ++i) {
            // Each node has a data directory of its own and no keys directory in common: the
            // signing keys live in the database, wrapped under the key-encryption key every node
            // is given (docs/deployment.md). PostgreSQL and the git store are all they share.
            FerrydOptions options{remote,
                                  {{"FERRY_OPERATOR_TOKEN", operator_secret}, {"FERRY_KEK", key_encryption_key}}};
            for (const char* arg : {"--scheduler-interval", "0.2", "--workers", "16"}) options.args.emplace_back(arg);
            nodes_.push_back(std::make_unique<FerrydProcess>(std::move(options), database_));
        }
    }
    ~Cluster() {
        nodes_.clear();
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    FerrydProcess& node(int i) { return *nodes_[static_cast<std::size_t>(i)]; }
    // The tenant's repository on the git server's disk, for checking it with git as its operator would.
    fs::path remote_repo() const {
        return git_server_ ? git_server_->repository_path("acme.git") : root_ / "remote" / "acme.git";
    }
    std::string git_server_log() const { return git_server_ ? git_server_->error_log() : std::string(); }

private:
    static constexpr const char* git_user = "ferry-nodes";
    static constexpr const char* git_password = "multinode-git-Password-1";
    std::shared_ptr<TestDatabase> database_;
    std::unique_ptr<GitHttpServer> git_server_;
    fs::path root_;
    std::vector<std::unique_ptr<FerrydProcess>> nodes_;
};

// Sends a request to the publisher's node, moving on to the next node while one is down. The
// URL is read under a lock: the killer thread restarts nodes (on new ports) meanwhile.
class Router {
public:
    explicit Router(Cluster& cluster) : cluster_(cluster) {
        for (int i = 0; i < node_count; ++i) urls_.push_back(cluster.node(i).base_url());
    }
    std::string url(int node) {
        std::lock_guard g(m_);
        return urls_[static_cast<std::size_t>(node)];
    }
    void set_down(int node) {
        std::lock_guard g(m_);
        urls_[static_cast<std::size_t>(node)] = "http://127.0.0.1:1";  // refused at once
    }
    void set_up(int node) {
        std::lock_guard g(m_);
        urls_[static_cast<std::size_t>(node)] = cluster_.node(node).base_url();
    }

private:
    Cluster& cluster_;
    std::mutex m_;
    std::vector<std::string> urls_;
};

}  // namespace

TEST(Multinode, ThreeNodesPublishContiguouslyThroughAKillAndRunTransitionsOnce) {
    Cluster cluster;
    HttpClient first(cluster.node(0).base_url());
    const TenantFixture acme = make_tenant(first, operator_secret, "acme", {"dev", "prod"});
    const std::string editor = acme.token_of.at("editor");

    auto segment =
        first.post(T + "sandboxes/dev/segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor);
    ASSERT_EQ(segment.status, 201) << segment.body;
    const std::string body = R"(,"type":"action","channels":["email"],"audience":{"segment":")" +
                             str(segment.json().at("id")) + R"("},"content":{"email":{"subject":"Hi","body":"Hello"}})";

    // Campaigns that fall due while the publishers run, created on every node.
    const std::string start = rfc3339_in(std::chrono::seconds(12));
    std::vector<std::string> due;
    for (int i = 0; i < scheduled_campaigns; ++i) {
        HttpClient c(cluster.node(i % node_count).base_url());
        auto res = c.post(T + "sandboxes/dev/campaigns",
                          R"({"key":"timed-)" + std::to_string(i) + R"(","name":"Timed )" + std::to_string(i) + "\"" +
                              body + R"(,"schedule":{"start":")" + start + R"("}})",
                          editor);
        ASSERT_EQ(res.status, 201) << res.body;
        const std::string id = str(res.json().at("id"));
        auto activated = c.post(T + "sandboxes/dev/campaigns/" + id + "/actions/activate", "{}", editor);
        ASSERT_EQ(activated.status, 200) << activated.body;
        ASSERT_EQ(str(activated.json().at("status")), "scheduled");
        due.push_back(id);
    }

    // One package per publisher, each over its own campaign.
    for (int p = 0; p < publishers; ++p) {
        HttpClient c(cluster.node(p % node_count).base_url());
        auto campaign = c.post(
            T + "sandboxes/dev/campaigns",
            R"({"key":"pub-)" + std::to_string(p) + R"(","name":"Published )" + std::to_string(p) + "\"" + body + "}",
            editor);
        ASSERT_EQ(campaign.status, 201) << campaign.body;
        auto created = c.post(T + "packages",
                              R"({"name":"p)" + std::to_string(p) +
                                  R"(","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" +
                                  str(campaign.json().at("id")) + R"("}]})",
                              editor);
        ASSERT_EQ(created.status, 201) << created.body;
    }

    Router router(cluster);
    std::atomic<int> acknowledged{0};
    std::atomic<int> unknown{0};  // requests cut by the kill: their version may or may not exist
    std::atomic<int> failures{0};
    std::mutex seen_mutex;
    std::map<int, std::set<std::int64_t>> acked_versions;

    auto publisher = [&](int p) {
        const std::string path = T + "packages/p" + std::to_string(p) + "/versions";
        int node = p % node_count;
        int published = 0;
        // A package that stays unpublishable (every node answering 503, or none answering) fails
        // the test instead of hanging it: the kill cuts a node for seconds, not minutes.
        auto progress_deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
        std::string last_refusal;
        while (published < versions_each) {
            if (std::chrono::steady_clock::now() > progress_deadline) {
                ++failures;
                ADD_FAILURE() << "publish p" << p << " made no progress for 3 minutes after v" << published
                              << "; last refusal: " << last_refusal;
                return;
            }
            HttpClient c(router.url(node));
            try {
                auto res = c.post(path, R"({"allow_empty":true})", editor);  // the same content each time
                if (res.status == 201) {
                    progress_deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
                    ++published;
                    ++acknowledged;
                    std::lock_guard g(seen_mutex);
                    EXPECT_TRUE(acked_versions[p].insert(res.json().at("version").as_int64()).second)
                        << "version acknowledged twice";
                } else if (res.status == 503) {
                    last_refusal = res.body.substr(0, 300);
                    node = (node + 1) % node_count;  // draining or the store refused: try elsewhere
                } else {
                    ++failures;
                    ADD_FAILURE() << "publish p" << p << " on node " << node << ": " << res.status << " " << res.body;
                    return;
                }
            } catch (const TransportError&) {
                ++unknown;
                node = (node + 1) % node_count;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    };

    // Joined on every way out of the test, an early failed assertion included.
    struct Joined {
        std::vector<std::thread> threads;
        ~Joined() {
            for (auto& t : threads)
                if (t.joinable()) t.join();
        }
    } running;
    for (int p = 0; p < publishers; ++p) running.threads.emplace_back(publisher, p);

    // Kill node 1 mid-run, as a crash would, then bring it back: its start-up recovery runs while
    // the other nodes keep publishing.
    while (acknowledged < publishers * versions_each / 3 && failures == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cluster.node(1).kill9();
    router.set_down(1);
    const int at_kill = acknowledged;
    const int total_wanted = publishers * versions_each;
    while (acknowledged < std::min(at_kill + total_wanted / 10, total_wanted * 2 / 3) && failures == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cluster.node(1).start();
    router.set_up(1);

    for (auto& t : running.threads) t.join();
    int recorded = 0, released = 0;
    for (int i = 0; i < node_count; ++i) {
        const std::string log = cluster.node(i).log();
        for (auto at = log.find("package version recovered"); at != std::string::npos;
             at = log.find("package version recovered", at + 1))
            ++recorded;
        for (auto at = log.find("reservation released"); at != std::string::npos;
             at = log.find("reservation released", at + 1))
            ++released;
    }
    for (int i = 0; i < node_count; ++i)
        EXPECT_EQ(cluster.node(i).log().find("multinode-git-Password-1"), std::string::npos)
            << "node " << i << " logged the git server's password";
    std::cout << "acknowledged " << acknowledged << " publishes; " << unknown << " requests cut by the kill; versions "
              << "left half-done by the killed node and settled: " << recorded << " recorded, " << released
              << " released" << std::endl;
    if (failures > 0) {
        // What the nodes and the git server said, to tell a store problem from a test problem.
        for (int i = 0; i < node_count; ++i) {
            const std::string log = cluster.node(i).log();
            int shown = 0;
            for (std::size_t at = log.find("\"level\":\"error\""); at != std::string::npos && shown < 10;
                 at = log.find("\"level\":\"error\"", at + 1), ++shown) {
                const std::size_t begin = log.rfind('\n', at) + 1;
                std::cout << "node " << i << ": " << log.substr(begin, log.find('\n', at) - begin) << "\n";
            }
        }
        std::cout << "git server:\n"
                  << cluster.git_server_log().substr(0, 4000) << "\n"
                  << run_command("find " + cluster.remote_repo().string() + " -name '*.lock' -o -name gc.log").second
                  << std::endl;
    }
    ASSERT_EQ(failures, 0);
    EXPECT_EQ(acknowledged, publishers * versions_each);

    // Versions: contiguous from 1, each acknowledged one present, one commit each, and the git
    // remote's tags exactly those of the database, pointing at the same commits.
    HttpClient c(cluster.node(2).base_url());
    const std::string git = "git --git-dir=" + cluster.remote_repo().string() + " ";
    std::size_t total = 0;
    for (int p = 0; p < publishers; ++p) {
        SCOPED_TRACE("package p" + std::to_string(p));
        const std::string name = "p" + std::to_string(p);
        auto res = c.get(T + "packages/" + name + "/versions", editor);
        ASSERT_EQ(res.status, 200) << res.body;
        const json::value doc = res.json();
        const auto& items = doc.at("items").as_array();
        EXPECT_GE(items.size(), static_cast<std::size_t>(versions_each));
        total += items.size();
        std::set<std::string> commits;
        std::set<std::int64_t> listed;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& v = items[i];
            EXPECT_EQ(v.at("version").as_int64(), static_cast<std::int64_t>(i + 1)) << "versions are not contiguous";
            listed.insert(v.at("version").as_int64());
            EXPECT_TRUE(commits.insert(str(v.at("commit"))).second) << "two versions share a commit";
            const auto [rc, commit] = run_command(git + "rev-parse " + str(v.at("tag")) + "^{commit}");
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(commit, str(v.at("commit")) + "\n") << str(v.at("tag"));
        }
        for (const std::int64_t v : acked_versions[p])
            EXPECT_TRUE(listed.count(v)) << "acknowledged v" << v << " is gone";
        const auto [rc, tags] = run_command(git + "tag -l 'packages/" + name + "/*'");
        EXPECT_EQ(rc, 0);
        EXPECT_EQ(static_cast<std::size_t>(std::count(tags.begin(), tags.end(), '\n')), items.size())
            << "the remote has tags the database does not:\n"
            << tags;
        // The branch ends at the last version.
        if (!items.empty()) {
            EXPECT_EQ(run_command(git + "rev-parse refs/heads/packages/" + name).second,
                      str(items.back().at("commit")) + "\n");
        }
    }
    EXPECT_EQ(run_command(git + "fsck --strict").first, 0) << run_command(git + "fsck --strict").second;
    // Only requests cut by the kill may have published a version nobody saw acknowledged.
    EXPECT_LE(total, static_cast<std::size_t>(publishers * versions_each + unknown));

    // Transitions: every timed campaign active, each moved exactly once, by the scheduler.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (const std::string& id : due) {
        for (;;) {
            auto res = c.get(T + "sandboxes/dev/campaigns/" + id, editor);
            ASSERT_EQ(res.status, 200);
            if (str(res.json().at("status")) == "active") break;
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << id << " never became active";
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    std::map<std::string, int> transitions;
    std::string cursor;
    for (;;) {
        auto page = c.get(T + "audit?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), acme.admin_token);
        ASSERT_EQ(page.status, 200) << page.body;
        const auto doc = page.json();
        for (const auto& r : doc.at("items").as_array())
            if (str(r.at("actor")) == "scheduler") ++transitions[str(r.at("target"))];
        if (doc.at("next_cursor").is_null()) break;
        cursor = str(doc.at("next_cursor"));
    }
    for (const std::string& id : due) EXPECT_EQ(transitions["dev/campaigns/" + id], 1) << id;
    EXPECT_EQ(transitions.size(), due.size());

    // One Idempotency-Key sent to every node at once: one import, and the same answer everywhere
    // (the others are told the first is still running, or get its stored answer replayed).
    {
        const std::string request = R"({"package":"p0","version":1})";
        std::vector<std::future<HttpResponse>> calls;
        for (int round = 0; round < 2; ++round)
            for (int i = 0; i < node_count; ++i)
                calls.push_back(std::async(std::launch::async, [&, i] {
                    HttpClient own(cluster.node(i).base_url());
                    return own.request("POST", T + "sandboxes/prod/imports", acme.admin_token, &request,
                                       {"Idempotency-Key: deploy-across-nodes"});
                }));
        std::set<std::string> ids;
        for (auto& call : calls) {
            const HttpResponse res = call.get();
            if (res.status == 409) {
                EXPECT_EQ(res.error_code(), "idempotency_in_progress");
            } else {
                ASSERT_EQ(res.status, 201) << res.body.substr(0, 300);
                ids.insert(str(res.json().at("id")));
            }
        }
        EXPECT_EQ(ids.size(), 1U) << "every success is the same import";
        for (int i = 0; i < node_count; ++i) {
            HttpClient own(cluster.node(i).base_url());
            const HttpResponse replay = own.request("POST", T + "sandboxes/prod/imports", acme.admin_token, &request,
                                                    {"Idempotency-Key: deploy-across-nodes"});
            EXPECT_EQ(replay.status, 201);
            EXPECT_EQ(replay.header("idempotent-replayed"), "true");
            if (!ids.empty()) {
                EXPECT_EQ(str(replay.json().at("id")), *ids.begin());
            }
        }
        auto imports = c.get(T + "sandboxes/prod/imports", acme.admin_token);
        ASSERT_EQ(imports.status, 200);
        EXPECT_EQ(imports.json().at("items").as_array().size(), 1U);
    }

    // One audit chain per tenant, whichever node wrote each record.
    auto verify = c.get(T + "audit/verify", acme.admin_token);
    EXPECT_EQ(verify.status, 200) << verify.body;
    EXPECT_TRUE(verify.json().at("ok").as_bool()) << verify.body;
}
