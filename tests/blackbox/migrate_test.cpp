// ferryd migrate (issue 24): the deployment the README's tour builds on one SQLite node, plus a
// sandbox of 10,000 campaigns, copied into an empty PostgreSQL database and a git remote; a failed
// run leaves the target empty and is simply run again; a second run is refused; then a node on
// PostgreSQL, with nothing of the old data directory (no keys directory: the keys came wrapped
// under the key-encryption key), answers the tour's reads and signs a new version.
//
// FERRY_MIGRATE_CAMPAIGNS sets the size of the big sandbox (10000; the ASan presets use fewer).

#include "core/crypto.hpp"
#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "readme_tour.hpp"
#include "shell.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace ferry::test;
namespace fs = std::filesystem;

namespace {

std::size_t campaigns_in_big_sandbox() {
    const char* env = std::getenv("FERRY_MIGRATE_CAMPAIGNS");
    return env != nullptr && *env != '\0' ? static_cast<std::size_t>(std::stoul(env)) : 10000;
}

// The source is one SQLite node, whatever backend the suite runs on.
std::unique_ptr<FerrydProcess> sqlite_node() {
    const char* backend = std::getenv("FERRY_TEST_BACKEND");
    const std::string saved = backend != nullptr ? backend : "";
    ::unsetenv("FERRY_TEST_BACKEND");
    auto node = std::make_unique<FerrydProcess>();
    if (backend != nullptr) ::setenv("FERRY_TEST_BACKEND", saved.c_str(), 1);
    return node;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// How many rows a table holds, across tenants, read as the schema's owner.
std::string rows_in(const TestDatabase& db, const std::string& table) {
    return db.scalar_as_owner("SET ferry.tenant = '*'; SELECT count(*) FROM " + table);
}

// `count` campaigns in a new sandbox, from 4 clients at once.
void fill_sandbox(const std::string& base_url, const std::string& token, const std::string& sandbox,
                  std::size_t count) {
    HttpClient c(base_url);
    const std::string root = "/v1/tenants/acme/sandboxes";
    auto made = c.post(root, R"({"id":")" + sandbox + R"(","type":"development"})", token);
    ASSERT_EQ(made.status, 201) << made.body;
    auto segment = c.post(root + "/" + sandbox + "/segments", R"({"name":"Everyone","rule":{"tier":"any"}})", token);
    ASSERT_EQ(segment.status, 201) << segment.body;
    const std::string segment_id(segment.json().at("id").as_string());
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&] {
            HttpClient mine(base_url);
            for (std::size_t i = next++; i < count; i = next++) {
                const std::string body =
                    R"({"name":"Load )" + std::to_string(i) +
                    R"(","type":"action","channels":["email"],"tags":["load"],"audience":{"segment":")" + segment_id +
                    R"("},"content":{"email":{"subject":"Hi","body":"Hello"}}})";
                if (mine.post(root + "/" + sandbox + "/campaigns", body, token).status != 201) ++failures;
            }
        });
    }
    for (auto& t : workers) t.join();
    ASSERT_EQ(failures.load(), 0);
}

}  // namespace

TEST(Migrate, TourDeploymentMovesToPostgresAndAGitRemote) {
    // The copy goes from SQLite to PostgreSQL whatever the suite's backend: it runs once, in the
    // PostgreSQL presets, whose cluster it uses (on the SQLite presets it would only repeat itself
    // on a private cluster).
    if (!postgres_backend()) GTEST_SKIP() << "runs in the PostgreSQL presets (dev-pg, asan-pg)";

    const fs::path tmp = fs::temp_directory_path() / ("ferry-migrate-test-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const std::string ferry_dir = fs::path(FERRY_CLI_PATH).parent_path().string();

    // The tour, on one SQLite node; it leaves its tokens and ids behind for the reads later.
    auto source = sqlite_node();
    ASSERT_EQ(source->database(), nullptr);
    const std::string readme = read_file(fs::path(FERRY_SOURCE_DIR) / "README.md");
    std::string tour = sh_blocks_of_section(readme, "## A five-minute tour");
    ASSERT_FALSE(tour.empty());
    tour +=
        "\nprintf '%s\\n' \"$ADMIN\" \"$ALICE\" \"$RITA\" \"$CI\" \"$CMP\" \"$WELCOME\" \"$IMPORT1\" > tour-state\n";
    const fs::path work = tour_workdir(tmp, source->data_dir());
    std::ofstream(tmp / "tour.sh", std::ios::binary) << tour;
    const auto [tour_status, tour_output] = run_tour_script(work, tmp / "tour.sh", ferry_dir, source->base_url());
    ASSERT_EQ(tour_status, 0) << tour_output << "\n" << source->log();
    const auto state = lines_of(read_file(work / "tour-state"));
    ASSERT_EQ(state.size(), 7U);
    const std::string admin = state[0];

    const std::size_t big = campaigns_in_big_sandbox();
    fill_sandbox(source->base_url(), admin, "load", big);
    ASSERT_EQ(source->terminate(), 0);
    // No KEK on the single node: its private keys are files, which the migration wraps.
    ASSERT_TRUE(fs::exists(source->data_dir() / "keys" / "acme"));

    const fs::path kek = tmp / "kek";
    std::ofstream(kek) << ferry::crypto::random_hex(32) << "\n";
    const fs::path remote = tmp / "remote";
    auto target = std::make_shared<TestDatabase>();
    const auto migrate = [&](const std::string& git_remote) {
        return run_command(shell_quoted(ferryd_path()) + " migrate --from " +
                           shell_quoted(source->data_dir().string()) + " --to " + shell_quoted(target->app_url()) +
                           " --to-owner " + shell_quoted(target->owner_url()) + " --git-remote " +
                           shell_quoted(git_remote) + " --kek-file " + shell_quoted(kek.string()) + " 2>&1");
    };

    // A run that fails after the rows are copied (the git remote cannot be written: it lies under
    // a regular file) leaves the target as empty as it was.
    std::ofstream(tmp / "not-a-directory") << "x";
    const auto [failed_status, failed_output] = migrate((tmp / "not-a-directory" / "remote").string());
    ASSERT_NE(failed_status, 0) << failed_output;
    EXPECT_NE(failed_output.find("copied campaigns"), std::string::npos) << failed_output;
    EXPECT_EQ(rows_in(*target, "campaigns"), "0");
    EXPECT_EQ(rows_in(*target, "tenants"), "0");

    // Run again: copied, and verified on the target before it commits.
    const auto [status, output] = migrate(remote.string());
    ASSERT_EQ(status, 0) << output;
    EXPECT_NE(output.find("row counts per table and tenant: equal"), std::string::npos) << output;
    EXPECT_NE(output.find("audit chains verified on the target"), std::string::npos) << output;
    EXPECT_NE(output.find("package versions read back and verified: 2"), std::string::npos) << output;
    EXPECT_NE(output.find("signing keys wrapped under the key-encryption key"), std::string::npos) << output;
    EXPECT_EQ(output.find("still only files"), std::string::npos) << output;
    // Every table of the source is in the report.
    for (const std::string table : {"tenants",
                                    "users",
                                    "tokens",
                                    "sessions",
                                    "campaigns",
                                    "campaign_versions",
                                    "reviews",
                                    "review_approvals",
                                    "approval_policies",
                                    "packages",
                                    "package_versions",
                                    "imports",
                                    "import_origins",
                                    "webhooks",
                                    "outbox",
                                    "audit",
                                    "pipelines",
                                    "promotions",
                                    "signing_keys",
                                    "in_app_ranks"})
        EXPECT_NE(output.find("\n" + table + " "), std::string::npos) << table << "\n" << output;
    EXPECT_EQ(target->scalar_as_owner("SET ferry.tenant = '*'; SELECT count(*) FROM campaigns WHERE sandbox = 'load'"),
              std::to_string(big));

    // A second run is refused: the target is not empty.
    const auto [again_status, again_output] = migrate(remote.string());
    EXPECT_NE(again_status, 0);
    EXPECT_NE(again_output.find("not empty"), std::string::npos) << again_output;

    // A node on PostgreSQL and the remote, from an empty data directory: no keys directory.
    FerrydProcess node(FerrydOptions{{"--kek-file", kek.string(), "--git-remote", remote.string()}, {}}, target);
    ASSERT_FALSE(fs::exists(node.data_dir() / "keys"));
    const std::string reads =
        "export FERRY_TENANT=acme\n"
        "ADMIN=" +
        state[0] + " ALICE=" + state[1] + " RITA=" + state[2] + " CI=" + state[3] + " CMP=" + state[4] +
        " WELCOME=" + state[5] + " IMPORT1=" + state[6] + "\n" +
        R"(export FERRY_TOKEN=$ALICE
ferry campaigns ls -s dev
ferry campaigns get $CMP -s prod
ferry packages export welcome --version 1 -o welcome-v1.json
ferry packages export welcome --version 2 -o welcome-v2.json
ferry tenant signing-key -o acme.pub.pem
ferry verify welcome-v1.json --key acme.pub.pem
ferry verify welcome-v2.json --key acme.pub.pem
FERRY_TOKEN=$CI ferry import status $IMPORT1 -s prod
FERRY_TOKEN=$RITA ferry reviews ls
ferry pipelines matrix main
FERRY_TOKEN=$ADMIN ferry audit verify
# Writing works there too: version 3, signed with the key the migration wrapped.
ferry campaigns edit $WELCOME -s dev --set description="Moved to PostgreSQL"
ferry campaigns activate-draft $WELCOME -s dev
ferry packages publish welcome
ferry packages export welcome --version 3 -o welcome-v3.json
ferry verify welcome-v3.json --key acme.pub.pem
FERRY_TOKEN=$ADMIN ferry audit verify
)";
    std::ofstream(tmp / "reads.sh", std::ios::binary) << reads;
    const auto [reads_status, reads_output] = run_tour_script(work, tmp / "reads.sh", ferry_dir, node.base_url());
    ASSERT_EQ(reads_status, 0) << reads_output << "\n" << node.log();
    for (const std::string expected : {"verified: welcome v1", "verified: welcome v2", "live_version:     2", "v2 live",
                                       "ok: the audit log verifies", "verified: welcome v3"})
        EXPECT_NE(reads_output.find(expected), std::string::npos) << expected << "\n" << reads_output;
    EXPECT_FALSE(fs::exists(node.data_dir() / "keys"));

    // The big sandbox, read through the API of the node on PostgreSQL.
    HttpClient c(node.base_url());
    auto page = c.get("/v1/tenants/acme/sandboxes/load/campaigns?limit=5", admin);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.json().at("total").as_int64(), static_cast<std::int64_t>(big)) << page.body;

    node.terminate();
    fs::remove_all(tmp);
}
