// The package git store with a network remote: a real git server on loopback (lighttpd running
// git-http-backend, basic authentication; tests/support/git_http_server.hpp) holds the tenants'
// repositories, and each GitStore is a node with its own mirror. Checked on the server with the
// git command line, as its operator would.

#include "git_http_server.hpp"
#include "packager/git_store.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

using namespace ferry::packager;
using ferry::test::GitHttpServer;

namespace {

std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return {-1, out};
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

constexpr std::int64_t kTime = 1'700'000'000;
const std::string kUser = "ferry-node";
const std::string kPassword = "pa55-Word_that-must-not-leak";

class GitNetworkRemote : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (std::filesystem::temp_directory_path() / "ferry-git-net-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir = templ;
        server = std::make_unique<GitHttpServer>(kUser, kPassword);
        server->create_repository("acme.git");
    }
    void TearDown() override {
        server.reset();
        std::filesystem::remove_all(dir);
    }

    std::unique_ptr<GitStore> node(const std::string& name, GitCredentials credentials = {kUser, kPassword, {}, {}}) {
        return std::make_unique<GitStore>(dir / name, server->url(), std::move(credentials));
    }

    static std::map<std::string, std::string> files(const std::string& subject) {
        return {{"manifest.json", "{\n  \"package\": \"welcome\"\n}\n"},
                {"campaigns/welcome.json", "{\n  \"subject\": \"" + subject + "\"\n}\n"},
                {"campaigns/assets/logo.bin", std::string("\x00\x01\xfe\xff", 4) + subject}};
    }

    std::string git(const std::string& args) const {
        return "git --git-dir='" + server->repository_path("acme.git").string() + "' " + args;
    }
    std::string on_server(const std::string& ref) const { return run(git("rev-parse -q --verify " + ref)).second; }

    std::filesystem::path dir;
    std::unique_ptr<GitHttpServer> server;
};

}  // namespace

TEST_F(GitNetworkRemote, TwoNodesPublishInTurnThroughTheServerAndReadFromTheirMirrors) {
    auto a = node("a");
    auto b = node("b");
    EXPECT_TRUE(a->has_network_remote());
    EXPECT_EQ(a->remote(), server->url());

    const auto v1 = a->publish("acme", "welcome", 1, files("Hello"), "alice", kTime, std::nullopt);
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v1.commit + "\n");
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v1"), v1.tag_object + "\n");
    EXPECT_EQ(b->head("acme", "welcome"), v1.commit);  // the branch is read from the server
    EXPECT_EQ(b->version_commit("acme", "welcome", 1), v1.commit);
    EXPECT_EQ(b->read_version("acme", "welcome", 1), files("Hello"));  // fetched into B's mirror

    const auto v2 = b->publish("acme", "welcome", 2, files("Hello again"), "bob", kTime + 100, v1.commit);
    EXPECT_EQ(a->head("acme", "welcome"), v2.commit);
    EXPECT_EQ(a->read_version("acme", "welcome", 2), files("Hello again"));
    EXPECT_EQ(a->read_version_file("acme", "welcome", 2, "campaigns/welcome.json"),
              files("Hello again").at("campaigns/welcome.json"));
    EXPECT_EQ(a->version_commit("acme", "welcome", 3), std::nullopt);
    EXPECT_EQ(run(git("rev-parse packages/welcome/v2~1")).second, v1.commit + "\n");

    // Each node's mirror holds the versions; the server has nothing of the refs pushes go from.
    for (const char* mirror : {"a", "b"}) {
        const auto refs = run("git --git-dir='" + (dir / mirror / "acme.git").string() + "' for-each-ref").second;
        EXPECT_NE(refs.find("refs/tags/packages/welcome/v2"), std::string::npos) << mirror << "\n" << refs;
    }
    const auto server_refs = run(git("for-each-ref")).second;
    EXPECT_EQ(server_refs.find("refs/ferry/"), std::string::npos) << server_refs;
    const auto [fsck_rc, fsck] = run(git("fsck --strict"));
    EXPECT_EQ(fsck_rc, 0) << fsck;
}

TEST_F(GitNetworkRemote, APushThatIsNotAFastForwardOfWhatTheNodeSawIsARaceAndTagsAreNeverForced) {
    auto a = node("a");
    auto b = node("b");
    const auto v1 = a->publish("acme", "welcome", 1, files("one"), "alice", kTime, std::nullopt);
    const auto v2 = a->publish("acme", "welcome", 2, files("two"), "alice", kTime + 1, v1.commit);

    // B saw v1 as the head: its v2 (another commit) is refused, and v3 over v1 too.
    EXPECT_THROW(b->publish("acme", "welcome", 2, files("mine"), "bob", kTime + 2, v1.commit), GitRaceError);
    EXPECT_THROW(b->publish("acme", "welcome", 3, files("mine"), "bob", kTime + 2, v1.commit), GitRaceError);
    // A branch that does not exist yet must not: a stale "first version" is refused.
    EXPECT_THROW(b->publish("acme", "welcome", 3, files("mine"), "bob", kTime + 2, std::nullopt), GitRaceError);
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v2.commit + "\n");
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v2"), v2.tag_object + "\n");
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v3"), "");

    // Republishing exactly the same version (a retry after a lost answer) changes nothing.
    const auto again = b->publish("acme", "welcome", 2, files("two"), "alice", kTime + 1, v1.commit);
    EXPECT_EQ(again.commit, v2.commit);
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v2.commit + "\n");

    // A tag that exists is never moved, even by a node that believes the branch is at its parent.
    const auto v3 = b->publish("acme", "welcome", 3, files("three"), "bob", kTime + 3, v2.commit);
    run(git("update-ref refs/heads/packages/welcome " + v2.commit));  // as if v3's branch move was undone
    EXPECT_THROW(a->publish("acme", "welcome", 3, files("other"), "alice", kTime + 4, v2.commit), GitRaceError);
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v3"), v3.tag_object + "\n");
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v2.commit + "\n");
}

TEST_F(GitNetworkRemote, AHalfDoneVersionOfADeadNodeIsSettledByTheNextPublisher) {
    auto a = node("a");
    const auto v1 = a->publish("acme", "welcome", 1, files("one"), "alice", kTime, std::nullopt);
    // A dies after its branch push, before the tag: the server's branch is ahead, with no tag.
    a->set_step_hook([](std::string_view step) {
        if (step == "branch") throw std::runtime_error("killed");
    });
    EXPECT_THROW(a->publish("acme", "welcome", 2, files("two"), "alice", kTime + 1, v1.commit), std::runtime_error);
    EXPECT_NE(on_server("refs/heads/packages/welcome"), v1.commit + "\n");
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v2"), "");

    // B settles it as recovery does: no tag, so the branch goes back to the last recorded version.
    auto b = node("b");
    EXPECT_EQ(b->version_commit("acme", "welcome", 2), std::nullopt);
    b->set_branch("acme", "welcome", v1.commit);
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v1.commit + "\n");
    const auto v2 = b->publish("acme", "welcome", 2, files("two, again"), "bob", kTime + 2, v1.commit);
    EXPECT_EQ(on_server("refs/tags/packages/welcome/v2"), v2.tag_object + "\n");
    b->set_branch("acme", "other", std::nullopt);  // nothing to remove: nothing happens
    const auto [fsck_rc, fsck] = run(git("fsck --strict"));
    EXPECT_EQ(fsck_rc, 0) << fsck;
}

TEST_F(GitNetworkRemote, NodesPublishingConcurrentlyAllLandOnTheServer) {
    auto a = node("a");
    auto b = node("b");
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int p = 0; p < 4; ++p) {
        threads.emplace_back([&, p] {
            GitStore& store = p % 2 ? *a : *b;
            std::optional<std::string> parent;
            const std::string name = "pkg" + std::to_string(p);
            for (int v = 1; v <= 5; ++v) {
                try {
                    parent =
                        store.publish("acme", name, v, files(name + std::to_string(v)), "x", kTime + v, parent).commit;
                } catch (const std::exception& e) {
                    ++failures;
                    ADD_FAILURE() << name << " v" << v << ": " << e.what();
                    return;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures, 0);
    const auto tags = run(git("tag -l")).second;
    EXPECT_EQ(std::count(tags.begin(), tags.end(), '\n'), 20) << tags;
    EXPECT_EQ(run(git("fsck --strict")).first, 0);
}

TEST_F(GitNetworkRemote, CredentialsComeFromAFileOrTheEnvironmentAndNeverShowInErrors) {
    // Wrong password, then none: refused, and the message names neither the password nor a URL with it.
    for (const GitCredentials& wrong : {GitCredentials{kUser, "wrong-" + kPassword, {}, {}}, GitCredentials{}}) {
        auto store = node("wrong", wrong);
        try {
            store->publish("acme", "welcome", 1, files("x"), "alice", kTime, std::nullopt);
            ADD_FAILURE() << "published without the right credentials";
        } catch (const GitRaceError& e) {
            ADD_FAILURE() << "a refusal of the credentials is not a race: " << e.what();
        } catch (const GitError& e) {
            const std::string message = e.what();
            EXPECT_EQ(message.find(kPassword), std::string::npos) << message;
            EXPECT_EQ(message.find("wrong-"), std::string::npos) << message;
        }
        EXPECT_THROW(store->head("acme", "welcome"), GitError);
    }
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), "");

    const auto file = dir / "credentials";
    { std::ofstream(file) << "# the git server's account\nusername=" << kUser << "\npassword=" << kPassword << "\n"; }
    const GitCredentials loaded = load_git_credentials(file);
    EXPECT_EQ(loaded.username, kUser);
    EXPECT_EQ(loaded.password, kPassword);
    auto store = node("file", loaded);
    const auto v1 = store->publish("acme", "welcome", 1, files("x"), "alice", kTime, std::nullopt);
    EXPECT_EQ(on_server("refs/heads/packages/welcome"), v1.commit + "\n");

    ::setenv("FERRY_GIT_USERNAME", "env-user", 1);
    ::setenv("FERRY_GIT_PASSWORD", "env-password", 1);
    const GitCredentials from_env = load_git_credentials(std::nullopt);
    ::unsetenv("FERRY_GIT_USERNAME");
    ::unsetenv("FERRY_GIT_PASSWORD");
    EXPECT_EQ(from_env.username, "env-user");
    EXPECT_EQ(from_env.password, "env-password");

    { std::ofstream(dir / "bad") << "username=x\ntoken=" << kPassword << "\n"; }
    try {
        load_git_credentials(dir / "bad");
        ADD_FAILURE() << "a line it does not understand was accepted";
    } catch (const GitError& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find(kPassword), std::string::npos) << e.what();
    }
    EXPECT_EQ(scrub_credentials("fetch https://u:" + kPassword + "@host/x failed: " + kPassword, kPassword),
              "fetch https://***@host/x failed: ***");
}

TEST_F(GitNetworkRemote, ARepositoryMissingOnTheServerIsAnErrorNotAnEmptyStore) {
    auto a = node("a");
    EXPECT_THROW(a->head("globex", "welcome"), GitError);
    EXPECT_THROW(a->publish("globex", "welcome", 1, files("x"), "alice", kTime, std::nullopt), GitError);
}
