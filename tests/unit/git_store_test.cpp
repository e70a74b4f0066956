// The package git store, checked with the git command line as a user would.

#include "packager/git_store.hpp"

#include "packager/canonical.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

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

class GitStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (std::filesystem::temp_directory_path() / "ferry-git-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir = templ;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    static std::map<std::string, std::string> files(const std::string& subject) {
        return {{"manifest.json", canonical_file(boost::json::parse(R"({"package":"welcome"})"))},
                {"campaigns/welcome.json",
                 canonical_file(boost::json::parse(R"({"name":"Welcome","subject":")" + subject + "\"}"))},
                {"segments/vip.json", canonical_file(boost::json::parse(R"({"name":"VIP"})"))}};
    }

    std::string git(const std::string& args) { return "git --git-dir=" + (dir / "acme.git").string() + " " + args; }

    std::filesystem::path dir;
};

}  // namespace

TEST_F(GitStoreTest, VersionsAreCommitsWithAnnotatedTagsThatGitReads) {
    GitStore store(dir);
    const auto v1 = store.publish("acme", "welcome", 1, files("Hello"), "alice", 1'700'000'000, std::nullopt);
    const auto v2 = store.publish("acme", "welcome", 2, files("Hello again"), "alice", 1'700'000'100, v1.commit);
    EXPECT_EQ(store.head("acme", "welcome"), v2.commit);
    EXPECT_EQ(store.version_commit("acme", "welcome", 1), v1.commit);
    EXPECT_EQ(store.read_version("acme", "welcome", 1), files("Hello"));

    const auto [fsck, fsck_out] = run(git("fsck --strict"));
    EXPECT_EQ(fsck, 0) << fsck_out;
    EXPECT_EQ(run(git("cat-file -t packages/welcome/v2")).second, "tag\n");                   // annotated
    EXPECT_EQ(run(git("rev-parse packages/welcome/v2^{commit}^")).second, v1.commit + "\n");  // parent is v1
    const auto [diff_rc, diff] = run(git("diff packages/welcome/v1 packages/welcome/v2"));
    EXPECT_EQ(diff_rc, 0);
    EXPECT_NE(diff.find("-  \"subject\": \"Hello\""), std::string::npos) << diff;
    EXPECT_NE(diff.find("+  \"subject\": \"Hello again\""), std::string::npos) << diff;
    // One pack per version, no loose objects.
    EXPECT_EQ(run(git("count-objects -v")).second.find("count: 0"), 0U);
    const auto clone = run("git clone -q " + (dir / "acme.git").string() + " " + (dir / "clone").string());
    EXPECT_EQ(clone.first, 0) << clone.second;
}

TEST_F(GitStoreTest, TheBranchMovesOnlyFromTheExpectedParentAndTagsAreNeverForced) {
    GitStore store(dir);
    const auto v1 = store.publish("acme", "welcome", 1, files("a"), "alice", 1'700'000'000, std::nullopt);
    store.publish("acme", "welcome", 2, files("b"), "alice", 1'700'000'001, v1.commit);
    // A publisher that still believes v1 is the head loses the race.
    EXPECT_THROW(store.publish("acme", "welcome", 3, files("c"), "bob", 1'700'000'002, v1.commit), GitError);
    // Version 2 exists: it cannot be written again.
    EXPECT_THROW(store.publish("acme", "welcome", 2, files("d"), "bob", 1'700'000'003, store.head("acme", "welcome")),
                 GitError);
    EXPECT_THROW(store.publish("acme", "welcome", 1, files("e"), "bob", 1'700'000'004, std::nullopt), GitError);
    EXPECT_EQ(run(git("fsck --strict")).first, 0);
}

TEST_F(GitStoreTest, TheSameContentGivesTheSameTreesInAnyStore) {
    GitStore a(dir / "a");
    GitStore b(dir / "b");
    const auto va = a.publish("acme", "welcome", 1, files("same"), "alice", 1'700'000'000, std::nullopt);
    const auto vb = b.publish("globex", "other", 1, files("same"), "zed", 1'800'000'000, std::nullopt);
    EXPECT_EQ(va.tree, vb.tree);
    EXPECT_EQ(a.subtree("acme", "welcome", 1, "campaigns"), b.subtree("globex", "other", 1, "campaigns"));
    EXPECT_NE(va.commit, vb.commit);
}
