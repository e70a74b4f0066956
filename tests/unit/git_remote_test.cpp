// The package git store with a remote shared by several nodes: each GitStore is a node with its own
// root (its mirror); the remote directory holds the tenants' bare repositories, the truth. Checked
// with the git command line as an operator would.

#include "packager/git_store.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <latch>
#include <thread>

using namespace ferry::packager;

namespace {

// Exit status and combined stdout+stderr of a shell command.
std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return {-1, out};
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

constexpr std::int64_t kTime = 1'700'000'000;

class GitRemote : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (std::filesystem::temp_directory_path() / "ferry-git-remote-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir = templ;
        remote = dir / "remote";
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    // A version's files, one of them binary (NULs and high bytes) to check reads are byte-exact.
    static std::map<std::string, std::string> files(const std::string& subject) {
        return {{"manifest.json", "{\n  \"package\": \"welcome\"\n}\n"},
                {"campaigns/welcome.json", "{\n  \"subject\": \"" + subject + "\"\n}\n"},
                {"campaigns/assets/logo.bin", std::string("\x00\x01\xfe\xff", 4) + subject},
                {"segments/vip.json", "{\n  \"name\": \"VIP\"\n}\n"}};
    }

    // git run in a tenant's repository of the remote (or any repository path).
    std::string git(const std::string& args, const std::string& tenant = "acme") const {
        return "git -C " + quoted(remote / (tenant + ".git")) + " " + args;
    }
    static std::string git_in(const std::filesystem::path& repo, const std::string& args) {
        return "git -C " + quoted(repo) + " " + args;
    }
    std::string refs(const std::string& tenant = "acme") const { return run(git("for-each-ref", tenant)).second; }

    std::filesystem::path dir;
    std::filesystem::path remote;
};

}  // namespace

TEST_F(GitRemote, TwoNodesPublishInTurnAndGitSeesBothVersionsInTheRemote) {
    GitStore a(dir / "a", remote.string());
    GitStore b(dir / "b", remote.string());
    EXPECT_TRUE(a.has_remote());
    EXPECT_EQ(a.remote(), remote.string());
    EXPECT_EQ(a.remote_repository_path("acme"), remote / "acme.git");
    EXPECT_EQ(a.repository_path("acme"), dir / "a" / "acme.git");

    const auto v1 = a.publish("acme", "welcome", 1, files("Hello"), "alice", kTime, std::nullopt);
    EXPECT_EQ(b.head("acme", "welcome"), v1.commit);  // B sees A's version: the remote is the truth
    const auto v2 = b.publish("acme", "welcome", 2, files("Hello again"), "bob", kTime + 100, v1.commit);
    EXPECT_EQ(a.head("acme", "welcome"), v2.commit);
    EXPECT_EQ(a.version_commit("acme", "welcome", 2), v2.commit);
    EXPECT_EQ(b.version_commit("acme", "welcome", 1), v1.commit);

    const auto [fsck, fsck_out] = run(git("fsck --strict"));
    EXPECT_EQ(fsck, 0) << fsck_out;
    EXPECT_EQ(run(git("cat-file -t packages/welcome/v1")).second, "tag\n");  // annotated
    EXPECT_EQ(run(git("cat-file -t packages/welcome/v2")).second, "tag\n");
    EXPECT_EQ(run(git("rev-parse packages/welcome/v1")).second, v1.tag_object + "\n");
    EXPECT_EQ(run(git("rev-parse packages/welcome/v2")).second, v2.tag_object + "\n");
    EXPECT_EQ(run(git("rev-parse packages/welcome/v2^{commit}^")).second, v1.commit + "\n");  // parent is v1
    EXPECT_EQ(run(git("rev-parse refs/heads/packages/welcome")).second, v2.commit + "\n");
    EXPECT_EQ(run(git("log --format=%H%x20%an refs/heads/packages/welcome")).second,
              v2.commit + " bob\n" + v1.commit + " alice\n");
    EXPECT_EQ(run(git("cat-file blob packages/welcome/v1:campaigns/welcome.json")).second,
              files("Hello").at("campaigns/welcome.json"));
    EXPECT_EQ(run(git("cat-file blob packages/welcome/v2:campaigns/welcome.json")).second,
              files("Hello again").at("campaigns/welcome.json"));
    // The objects went into the remote as packs, not loose files.
    EXPECT_EQ(run(git("count-objects -v")).second.find("count: 0"), 0U);

    // Publishing does not fetch into the node's mirror (that would cost every publish a
    // negotiation of all refs): each mirror catches up when it first reads a version.
    EXPECT_EQ(b.read_version("acme", "welcome", 1), files("Hello"));
    EXPECT_EQ(run(git_in(b.repository_path("acme"), "rev-parse packages/welcome/v1")).second, v1.tag_object + "\n");
    EXPECT_NE(run(git_in(a.repository_path("acme"), "rev-parse -q --verify refs/tags/packages/welcome/v2")).first, 0);
    EXPECT_EQ(a.read_version("acme", "welcome", 2), files("Hello again"));
    EXPECT_EQ(run(git_in(a.repository_path("acme"), "rev-parse packages/welcome/v2")).second, v2.tag_object + "\n");
    EXPECT_EQ(run(git_in(a.repository_path("acme"), "fsck --strict")).first, 0);
    EXPECT_EQ(run(git_in(b.repository_path("acme"), "fsck --strict")).first, 0);
    const auto clone = run("git clone -q " + quoted(remote / "acme.git") + " " + quoted(dir / "clone"));
    EXPECT_EQ(clone.first, 0) << clone.second;
}

TEST_F(GitRemote, ANodeReadsAVersionOnlyAnotherPublishedThroughItsMirror) {
    GitStore a(dir / "a", remote.string());
    a.publish("acme", "welcome", 1, files("From A"), "alice", kTime, std::nullopt);

    GitStore b(dir / "b", remote.string());
    EXPECT_FALSE(std::filesystem::exists(b.repository_path("acme")));
    const auto read = b.read_version("acme", "welcome", 1);
    EXPECT_EQ(read, files("From A"));  // byte-identical, the binary file included
    EXPECT_EQ(read.at("campaigns/assets/logo.bin").substr(0, 4), std::string("\x00\x01\xfe\xff", 4));
    EXPECT_EQ(b.subtree("acme", "welcome", 1, "campaigns"), a.subtree("acme", "welcome", 1, "campaigns"));
    EXPECT_TRUE(b.subtree("acme", "welcome", 1, "campaigns").has_value());
    EXPECT_EQ(b.subtree("acme", "welcome", 1, "nowhere"), std::nullopt);
    // The read fetched the version into B's mirror.
    EXPECT_EQ(run(git_in(b.repository_path("acme"), "rev-parse packages/welcome/v1")).second,
              run(git("rev-parse packages/welcome/v1")).second);

    // Versions and tenants the remote does not have.
    EXPECT_THROW(b.read_version("acme", "welcome", 9), GitError);
    EXPECT_EQ(b.subtree("acme", "welcome", 9, "campaigns"), std::nullopt);
    EXPECT_EQ(b.version_commit("acme", "welcome", 9), std::nullopt);
    EXPECT_EQ(b.head("globex", "welcome"), std::nullopt);
    EXPECT_EQ(b.version_commit("globex", "welcome", 1), std::nullopt);
    EXPECT_THROW(b.read_version("globex", "welcome", 1), GitError);
}

TEST_F(GitRemote, ALostCompareAndSwapThrowsGitRaceErrorAndMovesNoRef) {
    GitStore a(dir / "a", remote.string());
    GitStore b(dir / "b", remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("a"), "alice", kTime, std::nullopt);
    const auto v2 = a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit);
    const std::string before = refs();
    ASSERT_NE(before.find("refs/tags/packages/welcome/v2"), std::string::npos) << before;

    // B still believes v1 is the head.
    EXPECT_THROW(b.publish("acme", "welcome", 3, files("c"), "bob", kTime + 2, v1.commit), GitRaceError);
    EXPECT_EQ(refs(), before);
    EXPECT_EQ(b.head("acme", "welcome"), v2.commit);
    EXPECT_EQ(b.version_commit("acme", "welcome", 3), std::nullopt);
    // B believes the package has no version yet.
    EXPECT_THROW(b.publish("acme", "welcome", 1, files("e"), "bob", kTime + 2, std::nullopt), GitRaceError);
    EXPECT_EQ(refs(), before);

    // Version 2 exists: another content under that number loses, whatever parent it names, and
    // the tag stays where it was.
    EXPECT_THROW(b.publish("acme", "welcome", 2, files("d"), "bob", kTime + 3, v2.commit), GitRaceError);
    EXPECT_THROW(b.publish("acme", "welcome", 2, files("d"), "bob", kTime + 3, v1.commit), GitRaceError);
    EXPECT_THROW(a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 4, v1.commit),
                 GitRaceError);  // other time
    EXPECT_EQ(refs(), before);
    EXPECT_EQ(run(git("rev-parse packages/welcome/v2")).second, v2.tag_object + "\n");
    EXPECT_EQ(b.version_commit("acme", "welcome", 2), v2.commit);

    // A race is a GitError too, for callers that only care that the store refused.
    EXPECT_THROW(b.publish("acme", "welcome", 3, files("c"), "bob", kTime + 2, v1.commit), GitError);

    // Exactly the same version again (same files, author, time and parent), from either node:
    // the same ids, nothing moves.
    for (GitStore* node : {&a, &b}) {
        const auto again = node->publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit);
        EXPECT_EQ(again.commit, v2.commit);
        EXPECT_EQ(again.tag_object, v2.tag_object);
        EXPECT_EQ(again.tree, v2.tree);
        EXPECT_EQ(refs(), before);
    }
    // ... also once the package has moved on.
    const auto v3 = b.publish("acme", "welcome", 3, files("c"), "bob", kTime + 5, v2.commit);
    const std::string after = refs();
    EXPECT_EQ(a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit).tag_object, v2.tag_object);
    EXPECT_EQ(refs(), after);
    EXPECT_EQ(a.head("acme", "welcome"), v3.commit);

    const auto [fsck, fsck_out] = run(git("fsck --strict"));
    EXPECT_EQ(fsck, 0) << fsck_out;
}

TEST_F(GitRemote, ConcurrentNodesRacingForOneVersionLetExactlyOneWin) {
    constexpr int nodes = 8;
    std::optional<std::string> parent;
    for (std::int64_t version = 1; version <= 3; ++version) {
        std::vector<std::optional<PublishedVersion>> won(nodes);
        std::vector<int> outcome(nodes, -1);  // 0 published, 1 lost the race, 2 other error
        std::vector<std::string> errors(nodes);
        std::latch start(nodes);
        std::vector<std::thread> threads;
        for (int i = 0; i < nodes; ++i) {
            threads.emplace_back([&, i] {
                // A node of its own: its own store and root, one remote.
                GitStore node(dir / ("node" + std::to_string(i)), remote.string());
                start.arrive_and_wait();
                try {
                    won[static_cast<std::size_t>(i)] =
                        node.publish("acme", "welcome", version, files("node " + std::to_string(i)),
                                     "node" + std::to_string(i), kTime + version, parent);
                    outcome[static_cast<std::size_t>(i)] = 0;
                } catch (const GitRaceError& e) {
                    outcome[static_cast<std::size_t>(i)] = 1;
                    errors[static_cast<std::size_t>(i)] = e.what();
                } catch (const std::exception& e) {
                    outcome[static_cast<std::size_t>(i)] = 2;
                    errors[static_cast<std::size_t>(i)] = e.what();
                }
            });
        }
        for (auto& t : threads) t.join();
        int winners = 0, races = 0;
        std::optional<PublishedVersion> winner;
        for (int i = 0; i < nodes; ++i) {
            const auto k = static_cast<std::size_t>(i);
            EXPECT_NE(outcome[k], 2) << "node " << i << ": " << errors[k];
            if (outcome[k] == 0) ++winners, winner = won[k];
            if (outcome[k] == 1) ++races;
        }
        ASSERT_EQ(winners, 1) << "version " << version;
        EXPECT_EQ(races, nodes - 1);
        // The remote's branch and tag agree on the winner.
        GitStore reader(dir / "reader", remote.string());
        EXPECT_EQ(reader.head("acme", "welcome"), winner->commit);
        EXPECT_EQ(reader.version_commit("acme", "welcome", version), winner->commit);
        EXPECT_EQ(run(git("rev-parse packages/welcome/v" + std::to_string(version))).second, winner->tag_object + "\n");
        EXPECT_EQ(run(git("rev-parse refs/heads/packages/welcome")).second, winner->commit + "\n");
        parent = winner->commit;
    }
    EXPECT_EQ(run(git("rev-list --count refs/heads/packages/welcome")).second, "3\n");
    EXPECT_EQ(run(git("for-each-ref --format=x refs/tags")).second, "x\nx\nx\n");
    const auto [fsck, fsck_out] = run(git("fsck --strict"));
    EXPECT_EQ(fsck, 0) << fsck_out;
    // No lock file was left behind.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(remote))
        EXPECT_NE(entry.path().extension(), ".lock") << entry.path();
}

TEST_F(GitRemote, ConcurrentProcessesCreatingTheRemoteRepositoryAndRacingLetExactlyOneWin) {
    constexpr int processes = 4;
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 3;
            try {
                GitStore node(dir / ("proc" + std::to_string(i)), remote.string());
                node.publish("globex", "welcome", 1, files("process " + std::to_string(i)), "p", kTime, std::nullopt);
                code = 0;
            } catch (const GitRaceError&) {
                code = 1;
            } catch (...) {
                code = 2;
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    int winners = 0, races = 0;
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        const int code = WEXITSTATUS(status);
        EXPECT_TRUE(code == 0 || code == 1) << "exit " << code;
        winners += code == 0;
        races += code == 1;
    }
    EXPECT_EQ(winners, 1);
    EXPECT_EQ(races, processes - 1);
    GitStore reader(dir / "reader", remote.string());
    EXPECT_EQ(reader.head("globex", "welcome"), reader.version_commit("globex", "welcome", 1));
    const auto [fsck, fsck_out] = run(git("fsck --strict", "globex"));
    EXPECT_EQ(fsck, 0) << fsck_out;
    // One repository: the creators that lost the rename left nothing behind.
    int entries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(remote)) {
        EXPECT_EQ(entry.path().filename(), "globex.git");
        ++entries;
    }
    EXPECT_EQ(entries, 1);
}

TEST_F(GitRemote, AFileUrlWorksAndOtherUrlsAreRefused) {
    const auto spaced = dir / "shared remote:1";
    GitStore a(dir / "a", "file://" + (dir / "shared%20remote%3A1").string());
    EXPECT_EQ(a.remote(), spaced.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("url"), "alice", kTime, std::nullopt);
    EXPECT_TRUE(std::filesystem::exists(spaced / "acme.git" / "HEAD"));
    GitStore b(dir / "b", spaced.string() + "/");
    EXPECT_EQ(b.remote(), spaced.string());
    EXPECT_EQ(b.version_commit("acme", "welcome", 1), v1.commit);
    GitStore c(dir / "c", "file://localhost" + spaced.string());
    EXPECT_EQ(c.read_version("acme", "welcome", 1), files("url"));

    for (const std::string url : {"git://host/x", "host:srv/ferry", "git@host:ferry", "file://host/srv/ferry", ""}) {
        try {
            GitStore refused(dir / "x", url);
            ADD_FAILURE() << url << " was accepted";
        } catch (const GitError& e) {
            EXPECT_NE(std::string(e.what()).find("supported: a local path, a file://, http://, https:// or ssh:// URL"),
                      std::string::npos)
                << e.what();
        }
    }
    // Network remotes (tests/unit/git_network_remote_test.cpp) are accepted, but never with
    // credentials in the URL, and the refusal does not repeat them.
    EXPECT_TRUE(GitStore(dir / "x", "http://host/ferry").has_network_remote());
    EXPECT_EQ(GitStore(dir / "x", "HTTPS://host/ferry/").remote(), "HTTPS://host/ferry");
    for (const std::string url : {"https://user:s3cret@host/ferry", "http://user@host/ferry", "ssh://git:s3cret@host/x",
                                  "https://host", "http:///ferry"}) {
        try {
            GitStore refused(dir / "x", url);
            ADD_FAILURE() << url << " was accepted";
        } catch (const GitError& e) {
            EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(GitStore(dir / "x", (dir / "x").string()), GitError);  // the root cannot be its own remote

    GitStore local(dir / "local");
    EXPECT_FALSE(local.has_remote());
    EXPECT_EQ(local.remote(), "");
    EXPECT_EQ(local.remote_repository_path("acme"), local.repository_path("acme"));
}

TEST_F(GitRemote, ATagMovedBehindFerrysBackInTheRemoteIsWhatNodesSee) {
    GitStore a(dir / "a", remote.string());
    GitStore b(dir / "b", remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("original"), "alice", kTime, std::nullopt);
    const auto v2 = a.publish("acme", "welcome", 2, files("second"), "alice", kTime + 1, v1.commit);
    EXPECT_EQ(b.read_version("acme", "welcome", 1), files("original"));  // B's mirror has the old tag
    const std::string old_tag = run(git_in(b.repository_path("acme"), "rev-parse packages/welcome/v1")).second;
    EXPECT_EQ(old_tag, v1.tag_object + "\n");

    const auto [moved, moved_out] = run(
        git("-c user.name=mallory -c user.email=m@example.com tag -f -a -m moved packages/welcome/v1 " + v2.commit));
    ASSERT_EQ(moved, 0) << moved_out;

    // Both nodes see the move, so the service's check against the recorded commit catches it.
    EXPECT_EQ(a.version_commit("acme", "welcome", 1), v2.commit);
    EXPECT_EQ(b.version_commit("acme", "welcome", 1), v2.commit);
    // Reads return what the remote's tag now names, not the mirror's stale copy.
    EXPECT_EQ(b.read_version("acme", "welcome", 1), files("second"));
    EXPECT_EQ(b.subtree("acme", "welcome", 1, "campaigns"), a.subtree("acme", "welcome", 2, "campaigns"));
    EXPECT_EQ(run(git_in(b.repository_path("acme"), "rev-parse packages/welcome/v1")).second,
              run(git("rev-parse packages/welcome/v1")).second);
    EXPECT_NE(run(git("rev-parse packages/welcome/v1")).second, old_tag);

    // A tag deleted from the remote is gone for every node, whatever its mirror still has.
    ASSERT_EQ(run(git("tag -d packages/welcome/v1")).first, 0);
    EXPECT_EQ(b.version_commit("acme", "welcome", 1), std::nullopt);
    EXPECT_THROW(b.read_version("acme", "welcome", 1), GitError);
    EXPECT_EQ(b.subtree("acme", "welcome", 1, "campaigns"), std::nullopt);
}

TEST_F(GitRemote, SetBranchMovesTheRemoteBranchAndMirrors) {
    GitStore a(dir / "a", remote.string());
    GitStore b(dir / "b", remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("a"), "alice", kTime, std::nullopt);
    const auto v2 = a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit);
    b.set_branch("acme", "welcome", v1.commit);
    EXPECT_EQ(a.head("acme", "welcome"), v1.commit);
    EXPECT_EQ(run(git("rev-parse refs/heads/packages/welcome")).second, v1.commit + "\n");
    EXPECT_EQ(run(git_in(b.repository_path("acme"), "rev-parse refs/heads/packages/welcome")).second, v1.commit + "\n");
    a.set_branch("acme", "welcome", std::nullopt);
    EXPECT_EQ(b.head("acme", "welcome"), std::nullopt);
    EXPECT_NE(run(git_in(a.repository_path("acme"), "rev-parse --verify -q refs/heads/packages/welcome")).first, 0);
    b.set_branch("acme", "welcome", v2.commit);
    EXPECT_EQ(a.head("acme", "welcome"), v2.commit);
    b.set_branch("globex", "welcome", v2.commit);  // no such repository: nothing to do
    EXPECT_FALSE(std::filesystem::exists(remote / "globex.git"));
}

TEST_F(GitRemote, StaleLocksAreClearedLocallyAndOnlyWhenOldInTheRemote) {
    GitStore a(dir / "a", remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("a"), "alice", kTime, std::nullopt);
    const auto touch = [](const std::filesystem::path& p) { std::ofstream(p) << "x"; };
    const auto remote_repo = a.remote_repository_path("acme");
    const auto old_lock = remote_repo / "refs" / "heads" / "packages" / "welcome.lock";
    const auto fresh_lock = remote_repo / "packed-refs.lock";
    const auto local_lock = a.repository_path("acme") / "refs" / "heads" / "packages" / "welcome.lock";
    touch(old_lock);
    touch(fresh_lock);
    touch(local_lock);
    std::filesystem::last_write_time(old_lock, std::filesystem::last_write_time(old_lock) - std::chrono::hours(2));
    a.clear_stale_locks("acme");
    EXPECT_FALSE(std::filesystem::exists(old_lock));
    EXPECT_TRUE(std::filesystem::exists(fresh_lock));  // maybe another node's, at work
    EXPECT_FALSE(std::filesystem::exists(local_lock));
    std::filesystem::remove(fresh_lock);

    // A publisher waits for a lock another node holds briefly, then goes on.
    touch(old_lock);
    std::thread holder([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::filesystem::remove(old_lock);
    });
    const auto v2 = a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit);
    holder.join();
    EXPECT_EQ(a.head("acme", "welcome"), v2.commit);
}

TEST_F(GitRemote, AMirrorThatCannotBeUpdatedDoesNotFailAPublish) {
    const auto blocked = dir / "not-a-directory";
    std::ofstream(blocked) << "a file where the node's root should be";
    GitStore a(blocked, remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("a"), "alice", kTime, std::nullopt);
    EXPECT_EQ(a.version_commit("acme", "welcome", 1), v1.commit);
    EXPECT_EQ(run(git("rev-parse packages/welcome/v1")).second, v1.tag_object + "\n");
    EXPECT_THROW(a.read_version("acme", "welcome", 1), GitError);  // reads need the mirror
    GitStore b(dir / "b", remote.string());
    EXPECT_EQ(b.read_version("acme", "welcome", 1), files("a"));
}

TEST_F(GitRemote, APublisherKilledWithARefLockedLeavesNoPackageBlocked) {
    // kill -9 between creating a ref's lock file and renaming it leaves the lock behind, fresh.
    // The next publisher of the package (who holds its lease) waits, then takes it over: before,
    // every later publish failed on it, and the package stayed blocked.
    GitStore a(dir / "a", remote.string());
    const auto v1 = a.publish("acme", "welcome", 1, files("a"), "alice", kTime, std::nullopt);
    const auto remote_repo = a.remote_repository_path("acme");
    const auto branch_lock = remote_repo / "refs" / "heads" / "packages" / "welcome.lock";
    const auto tag_lock = remote_repo / "refs" / "tags" / "packages" / "welcome" / "v2.lock";
    ASSERT_TRUE(std::filesystem::exists(tag_lock.parent_path()));
    std::ofstream(branch_lock) << "x";
    std::ofstream(tag_lock) << "x";
    a.clear_stale_locks("acme");  // too fresh for that: another node could be at work
    ASSERT_TRUE(std::filesystem::exists(branch_lock));

    const auto v2 = a.publish("acme", "welcome", 2, files("b"), "alice", kTime + 1, v1.commit);
    EXPECT_EQ(a.head("acme", "welcome"), v2.commit);
    EXPECT_EQ(a.version_commit("acme", "welcome", 2), v2.commit);
    EXPECT_FALSE(std::filesystem::exists(branch_lock));
    EXPECT_FALSE(std::filesystem::exists(tag_lock));
    EXPECT_EQ(run(git("fsck --strict")).first, 0);
}
