// The pipeline commands of the ferry CLI (docs/pipelines.md, docs/cli.md) as a CI job runs
// them: the real binary against a real ferryd, `ferry promote --wait` and `ferry wait` judged by
// their exit codes (0 done, 4 still waiting at the timeout, 3 refused or in conflict).

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>

using namespace ferry::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

std::string describe(const Outcome& r) {
    return "exit " + std::to_string(r.status) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

// Runs the built ferry with exactly the given environment, stdout and stderr captured apart.
Outcome run_ferry(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv_text{FERRY_CLI_PATH};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = env;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    Outcome run;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&run.out, &run.err};
    for (int open = 2; open > 0;) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buf[4096];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

const std::string dev = "/v1/tenants/acme/sandboxes/dev/";
const std::string prod = "/v1/tenants/acme/sandboxes/prod/";

class CliPipelines : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", "2026-12-07T10:00:00Z"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev"});
        admin = acme.admin_token;
        editor = acme.token_of.at("editor");  // editor on dev
        // prod: every activation needs one approval by a reviewer of prod.
        auto made = c->post("/v1/tenants/acme/sandboxes",
                            R"({"id":"prod","type":"production","require_approval":"always"})", admin);
        if (made.status != 201) throw std::runtime_error("create prod: " + made.body);
        importer = make_user(*c, acme, "ivan", R"([{"sandbox":"prod","role":"importer"}])");
        prod_editor = make_user(*c, acme, "pat", R"([{"sandbox":"prod","role":"editor"}])");
        reviewer = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        home = fs::temp_directory_path() / ("ferry-cli-pipelines-" + std::to_string(::getpid()));
        fs::create_directories(home);
    }

    void TearDown() override {
        std::error_code ec;
        fs::remove_all(home, ec);
    }

    std::vector<std::string> env_for(const std::string& token) const {
        return {"PATH=/usr/bin:/bin",
                "HOME=" + home.string(),
                "XDG_CONFIG_HOME=" + (home / "config").string(),
                "NO_COLOR=1",
                "FERRY_SERVER=" + server->base_url(),
                "FERRY_TENANT=acme",
                "FERRY_TOKEN=" + token};
    }

    Outcome ferry(const std::string& token, const std::vector<std::string>& args) const {
        return run_ferry(args, env_for(token));
    }

    static std::string id_of(const HttpResponse& res) {
        if (res.status != 201) throw std::runtime_error("expected 201: " + res.body);
        return str(res.json().at("id"));
    }

    // dev: segment vip, template hello and campaigns with the given keys, in package `name`, v1 published.
    void publish_package(const std::string& name, const std::vector<std::string>& keys) {
        if (segment.empty()) {
            segment = id_of(c->post(dev + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor));
            tmpl = id_of(c->post(
                dev + "templates",
                R"({"key":"hello","name":"Hello","channel":"email","subject":"Hi","body":"Hello {{name}}"})", editor));
        }
        std::string objects;
        for (const auto& key : keys) {
            const std::string cid = id_of(c->post(dev + "campaigns", campaign_body(key), editor));
            objects += (objects.empty() ? "" : ",") + std::string(R"({"kind":"campaign","id":")") + cid + "\"}";
        }
        auto created =
            c->post("/v1/tenants/acme/packages",
                    R"({"name":")" + name + R"(","source_sandbox":"dev","objects":[)" + objects + "]}", editor);
        ASSERT_EQ(created.status, 201) << created.body;
        auto published = c->post("/v1/tenants/acme/packages/" + name + "/versions", "{}", editor);
        ASSERT_EQ(published.status, 201) << published.body;
    }

    std::string campaign_body(const std::string& key) const {
        return R"({"key":")" + key + R"(","name":"Campaign )" + key +
               R"(","type":"action","channels":["email"],"audience":{"segment":")" + segment +
               R"("},"content":{"email":{"template":")" + tmpl + R"("}}})";
    }

    // The prod campaign with this key ("" when there is none).
    std::string prod_campaign(const std::string& key) {
        const auto list = c->get(prod + "campaigns?limit=200", admin).json();
        for (const auto& item : list.at("items").as_array())
            if (item.at("key") == json::value(key)) return str(item.at("id"));
        return "";
    }

    // The pending review of a campaign ("" when there is none).
    std::string review_of(const std::string& campaign) {
        const auto list = c->get("/v1/tenants/acme/reviews?state=all", admin).json();
        for (const auto& r : list.at("items").as_array())
            if (r.at("subject").at("campaign") == json::value(campaign) && r.at("state") == "pending")
                return str(r.at("id"));
        return "";
    }

    void advance(int seconds) {
        auto res = c->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}",
                           server->operator_token());
        ASSERT_EQ(res.status, 200) << res.body;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, editor, importer, prod_editor, reviewer, segment, tmpl;
    fs::path home;
};

}  // namespace

// Usage errors are caught before any request: exit 2, with the command's usage line.
TEST_F(CliPipelines, BadDurationsStagesAndWindowsAreUsageErrors) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"wait", "promotion", "prm_x", "--timeout", "soon"},
             {"wait", "review", "rev_x", "--timeout", "1h30"},
             {"promote", "welcome", "one", "--to", "prod"},
             {"promote", "welcome", "1"},
             {"pipelines", "create", "main", "--stage", "dev", "--stage", "prod:soak=forever"},
             {"pipelines", "create", "main", "--stage", "dev", "--stage", "prod:healthy"},
             {"freeze", "add", "prod", "--weekly", "fri 18:00", "--until", "mon 06:00"},
             {"freeze", "add", "prod", "--weekly", "someday 18:00", "--until", "mon 06:00", "--tz", "UTC"},
             {"freeze", "add", "prod", "--from", "2026-11-27T00:00:00Z"}}) {
        const Outcome r = ferry(admin, args);
        EXPECT_EQ(r.status, 2) << args[0] << " " << args[1] << "\n" << describe(r);
        EXPECT_NE(r.err.find("Run 'ferry "), std::string::npos) << describe(r);
    }
}

// The issue's script: promote --wait times out (4) while prod's reviewer has not approved; the
// review is waited on (4 pending, 0 approved), then the promotion (0 live). A review sent back is
// 3, and so is a promotion in conflict, with or without --wait.
TEST_F(CliPipelines, PromoteWaitAndWaitInAScriptWithTheirExitCodes) {
    publish_package("welcome", {"welcome"});
    const Outcome pipeline = ferry(admin, {"pipelines", "create", "main", "--stage", "dev", "--stage", "prod"});
    ASSERT_EQ(pipeline.status, 0) << describe(pipeline);
    EXPECT_NE(pipeline.out.find("dev -> prod"), std::string::npos) << pipeline.out;

    // Applied in prod, but its campaign waits for prod's gate: still waiting at the timeout.
    const auto started = std::chrono::steady_clock::now();
    const Outcome promoted =
        ferry(importer, {"promote", "welcome", "1", "--to", "prod", "--wait", "--timeout", "2s", "-o", "json"});
    EXPECT_EQ(promoted.status, 4) << describe(promoted);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_NE(promoted.err.find("still waiting after 2s"), std::string::npos) << promoted.err;
    const json::value promotion = json::parse(promoted.out);
    const std::string id = str(promotion.at("id"));
    EXPECT_EQ(promotion.at("status"), "applied") << promoted.out;
    EXPECT_EQ(ferry(importer, {"wait", "promotion", id, "--timeout", "1s"}).status, 4);

    // Prod's editor submits the imported draft; its review is pending, then approved.
    const std::string campaign = prod_campaign("welcome");
    ASSERT_FALSE(campaign.empty());
    ASSERT_EQ(c->post(prod + "campaigns/" + campaign + "/actions/submit", "{}", prod_editor).status, 200);
    const std::string review = review_of(campaign);
    ASSERT_FALSE(review.empty());
    const Outcome pending = ferry(prod_editor, {"wait", "review", review, "--timeout", "1s"});
    EXPECT_EQ(pending.status, 4) << describe(pending);
    EXPECT_NE(pending.out.find("pending"), std::string::npos) << pending.out;
    const Outcome approved = ferry(reviewer, {"reviews", "approve", review});
    ASSERT_EQ(approved.status, 0) << describe(approved);
    const Outcome done = ferry(prod_editor, {"wait", "review", review, "--timeout", "5s"});
    EXPECT_EQ(done.status, 0) << describe(done);
    EXPECT_NE(done.out.find("approved"), std::string::npos) << done.out;

    // The scheduler notices that everything it brought is live.
    advance(1);
    const Outcome live = ferry(importer, {"wait", "promotion", id, "--timeout", "30s"});
    EXPECT_EQ(live.status, 0) << describe(live);
    EXPECT_NE(live.out.find("live"), std::string::npos) << live.out;
    const Outcome shown = ferry(importer, {"promotions", "get", id});
    EXPECT_EQ(shown.status, 0) << describe(shown);
    for (const std::string text : {"live", "welcome", "History", "applied"})
        EXPECT_NE(shown.out.find(text), std::string::npos) << text << "\n" << shown.out;
    const Outcome matrix = ferry(admin, {"pipelines", "matrix", "main"});
    EXPECT_EQ(matrix.status, 0) << describe(matrix);
    EXPECT_NE(matrix.out.find("v1 live"), std::string::npos) << matrix.out;
    const Outcome listed = ferry(admin, {"promotions", "list", "--status", "live", "-o", "name"});
    EXPECT_EQ(listed.status, 0) << describe(listed);
    EXPECT_EQ(listed.out, id + "\n");

    // A review sent back to its author: 3. The campaign targets the segment the promotion brought.
    std::string prod_segment;
    const json::value prod_segments = c->get(prod + "segments", admin).json();
    for (const auto& s : prod_segments.at("items").as_array())
        if (s.at("key") == "vip") prod_segment = str(s.at("id"));
    ASSERT_FALSE(prod_segment.empty());
    const std::string direct = id_of(
        c->post(prod + "campaigns",
                R"({"key":"direct","name":"Direct","type":"action","channels":["email"],"audience":{"segment":")" +
                    prod_segment + R"("},"content":{"email":{"subject":"Hi","body":"Hello"}}})",
                prod_editor));
    ASSERT_EQ(c->post(prod + "campaigns/" + direct + "/actions/submit", "{}", prod_editor).status, 200);
    const std::string sent_back = review_of(direct);
    ASSERT_FALSE(sent_back.empty());
    ASSERT_EQ(ferry(reviewer, {"reviews", "request-changes", sent_back, "-m", "not yet"}).status, 0);
    const Outcome refused = ferry(prod_editor, {"wait", "review", sent_back, "--timeout", "5s"});
    EXPECT_EQ(refused.status, 3) << describe(refused);
    EXPECT_NE(refused.out.find("changes requested"), std::string::npos) << refused.out;

    // A version whose campaign "direct" is already in prod: the promotion waits on conflicts, 3
    // at once, with --wait or without, and for `ferry wait`.
    publish_package("direct", {"direct"});
    const Outcome conflicted = ferry(importer, {"promote", "direct", "v1", "--to", "prod", "--wait", "--json"});
    EXPECT_EQ(conflicted.status, 3) << describe(conflicted);
    const json::value waiting = json::parse(conflicted.out);
    EXPECT_EQ(waiting.at("status"), "waiting");
    EXPECT_EQ(waiting.at("waiting").at("reason"), "conflicts");
    const std::string conflicted_id = str(waiting.at("id"));
    EXPECT_EQ(ferry(importer, {"wait", "promotion", conflicted_id}).status, 3);
    const Outcome retried = ferry(importer, {"promotions", "retry", conflicted_id});
    EXPECT_EQ(retried.status, 3) << describe(retried);
    EXPECT_NE(retried.out.find("campaign/direct"), std::string::npos) << retried.out;
    const Outcome cancelled = ferry(importer, {"promotions", "cancel", conflicted_id});
    EXPECT_EQ(cancelled.status, 0) << describe(cancelled);
    EXPECT_NE(cancelled.out.find("cancelled"), std::string::npos) << cancelled.out;
    EXPECT_EQ(ferry(importer, {"wait", "promotion", conflicted_id}).status, 3);
}

// Pipelines and freeze windows through the CLI: create, get, list; a weekly window added,
// listed (with the one in force), refused to a non-admin, removed.
TEST_F(CliPipelines, PipelinesAndFreezeWindows) {
    const Outcome made = ferry(admin, {"pipelines", "create", "main", "--stage", "dev", "--stage",
                                       "prod:soak=24h:health", "--description", "the path to prod"});
    ASSERT_EQ(made.status, 0) << describe(made);
    const Outcome got = ferry(editor, {"pipelines", "get", "main", "--json"});
    ASSERT_EQ(got.status, 0) << describe(got);
    const json::value p = json::parse(got.out);
    EXPECT_EQ(p.at("stages").as_array()[1].at("soak_seconds").to_number<std::int64_t>(), 86400);
    EXPECT_EQ(p.at("stages").as_array()[1].at("health_gate"), true);
    const Outcome shown = ferry(editor, {"pipelines", "get", "main"});
    EXPECT_NE(shown.out.find("1d"), std::string::npos) << shown.out;
    const Outcome listed = ferry(editor, {"pipelines", "list"});
    EXPECT_EQ(listed.status, 0) << describe(listed);
    EXPECT_NE(listed.out.find("dev -> prod"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("the path to prod"), std::string::npos) << listed.out;
    EXPECT_EQ(ferry(editor, {"pipelines", "create", "other", "--stage", "dev"}).status, 1);  // not a tenant admin

    // Every Friday 18:00 to Monday 06:00 in Paris; 2026-12-07 is a Monday, 10:00 UTC: not frozen.
    const Outcome added = ferry(admin, {"freeze", "add", "prod", "--weekly", "fri 18:00", "--until", "Mon 6:00", "--tz",
                                        "Europe/Paris", "--reason", "weekend", "--json"});
    ASSERT_EQ(added.status, 0) << describe(added);
    const json::value window = json::parse(added.out);
    EXPECT_EQ(window.at("from").at("day"), "friday");
    EXPECT_EQ(window.at("to").at("day"), "monday");
    EXPECT_EQ(window.at("to").at("time"), "06:00");
    const std::string window_id = str(window.at("id"));
    const Outcome windows = ferry(importer, {"freeze", "list", "prod"});
    EXPECT_EQ(windows.status, 0) << describe(windows);
    for (const std::string& text :
         std::vector<std::string>{window_id, "friday 18:00 -> monday 06:00 Europe/Paris", "weekend", "not frozen now"})
        EXPECT_NE(windows.out.find(text), std::string::npos) << text << "\n" << windows.out;
    // A one-off window around now: in force.
    const Outcome once = ferry(admin, {"freeze", "add", "prod", "--from", "2026-12-07T00:00:00Z", "--to",
                                       "2026-12-08T00:00:00Z", "--reason", "release day"});
    ASSERT_EQ(once.status, 0) << describe(once);
    const Outcome frozen = ferry(importer, {"freeze", "list", "prod"});
    EXPECT_NE(frozen.out.find("frozen now"), std::string::npos) << frozen.out;
    EXPECT_NE(frozen.out.find("2026-12-08T00:00:00"), std::string::npos) << frozen.out;
    EXPECT_EQ(ferry(importer, {"freeze", "remove", "prod", window_id}).status, 1);  // not a tenant admin
    const Outcome removed = ferry(admin, {"freeze", "remove", "prod", window_id});
    EXPECT_EQ(removed.status, 0) << describe(removed);
    EXPECT_EQ(ferry(importer, {"freeze", "list", "prod"}).out.find(window_id), std::string::npos);
}
