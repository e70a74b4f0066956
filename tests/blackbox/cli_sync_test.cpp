// Keeping sandboxes in step with the ferry CLI (docs/sync.md, docs/cli.md), the story of issue 22
// as people type it: the real binary against a real ferryd. A campaign imported into prod from v1;
// prod's editor changes its email subject, dev changes its SMS text and publishes v2: `ferry import
// plan` merges (prod's subject kept, the new SMS taken) and apply lands both as the draft version
// of the live campaign. Then both sides change the subject: the plan shows the conflict with the
// three values, `--resolve ...=keep_target` decides it. `ferry drift` shows a prod edit field by
// field, `drift adopt` accepts it, `drift resync` plans v1's content back. `ferry sync` creates,
// lists, pauses, resumes and deletes a subscription.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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

// The line of `text` that contains `needle` ("" when none): to check a table row as a whole.
std::string line_with(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    if (at == std::string::npos) return "";
    const auto start = text.rfind('\n', at);
    const auto end = text.find('\n', at);
    return text.substr(
        start == std::string::npos ? 0 : start + 1,
        end == std::string::npos ? std::string::npos : end - (start == std::string::npos ? 0 : start + 1));
}

// The row of an indented table (merges, drift) whose first cell is `path` ("" when none).
std::string row_of(const std::string& text, const std::string& path) {
    const auto at = text.find("\n  " + path + " ");
    if (at == std::string::npos) return "";
    const auto end = text.find('\n', at + 1);
    return text.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

bool contains_all(const std::string& text, const std::vector<std::string>& parts) {
    for (const auto& p : parts)
        if (text.find(p) == std::string::npos) return false;
    return true;
}

const std::string dev = "/v1/tenants/acme/sandboxes/dev/";
const std::string prod = "/v1/tenants/acme/sandboxes/prod/";
const std::string subject_path = "/spec/content/email/subject";
const std::string sms_path = "/spec/content/sms/body";

class CliSync : public ::testing::Test {
protected:
    void SetUp() override {
        // The test clock: a second advanced is a scheduler pass (subscriptions sync then).
        server = std::make_unique<FerrydProcess>(
            FerrydOptions{{"--test-clock", "--test-clock-start", "2026-12-07T10:00:00Z"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev"});
        admin = acme.admin_token;
        editor = acme.token_of.at("editor");  // editor on dev
        auto made = c->post("/v1/tenants/acme/sandboxes", R"({"id":"prod","type":"production"})", admin);
        if (made.status != 201) throw std::runtime_error("create prod: " + made.body);
        // An importer of prod who reads dev, where the package comes from (plans show field changes).
        importer =
            make_user(*c, acme, "ivan", R"([{"sandbox":"prod","role":"importer"},{"sandbox":"dev","role":"viewer"}])");
        prod_editor = make_user(*c, acme, "pat", R"([{"sandbox":"prod","role":"editor"}])");
        prod_viewer = make_user(*c, acme, "vera", R"([{"sandbox":"prod","role":"viewer"}])");
        home = fs::temp_directory_path() / ("ferry-cli-sync-" + std::to_string(::getpid()));
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

    // dev: the campaign "promo" (email subject "Hello", SMS "A") in package "promo", v1 published.
    void publish_v1() {
        auto made = c->post(dev + "campaigns",
                            R"({"key":"promo","name":"Promo","type":"api_triggered","channels":["email","sms"],)"
                            R"("content":{"email":{"subject":"Hello","body":"<p>Hello</p>"},"sms":{"body":"A"}}})",
                            editor);
        ASSERT_EQ(made.status, 201) << made.body;
        dev_campaign = str(made.json().at("id"));
        auto created = c->post(
            "/v1/tenants/acme/packages",
            R"({"name":"promo","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + dev_campaign + R"("}]})",
            editor);
        ASSERT_EQ(created.status, 201) << created.body;
        publish();
    }

    void publish() {
        auto published = c->post("/v1/tenants/acme/packages/promo/versions", "{}", editor);
        ASSERT_EQ(published.status, 201) << published.body;
    }

    // Changes fields of a campaign's content as an editor does (PATCH with its ETag); on a live
    // campaign this makes (or, with PUT .../draft, replaces) its draft version.
    void edit_content(const std::string& sandbox_path, const std::string& id, const std::string& token,
                      const std::string& channel, const std::string& field, const std::string& value) {
        auto current = c->get(sandbox_path + "campaigns/" + id, token);
        ASSERT_EQ(current.status, 200) << current.body;
        json::object campaign = current.json().as_object();
        const json::value* draft = campaign.if_contains("draft_version");
        if (draft != nullptr && draft->is_object()) {
            json::object spec;
            for (const char* name : {"name", "description", "channels", "schedule", "audience", "content"})
                if (const auto* v = draft->as_object().if_contains(name)) spec[name] = *v;
            spec["content"].as_object()[channel].as_object()[field] = value;
            const std::string body = json::serialize(spec);
            auto put = c->request("PUT", sandbox_path + "campaigns/" + id + "/draft", token, &body);
            ASSERT_EQ(put.status, 200) << put.body;
            return;
        }
        json::object content = campaign.at("content").as_object();
        content[channel].as_object()[field] = value;
        auto patched = c->patch(sandbox_path + "campaigns/" + id, json::serialize(json::object{{"content", content}}),
                                token, current.header("etag"));
        ASSERT_EQ(patched.status, 200) << patched.body;
    }

    // The prod campaign with key promo ("" when there is none).
    std::string prod_campaign() {
        const auto list = c->get(prod + "campaigns?limit=200", admin).json();
        for (const auto& item : list.at("items").as_array())
            if (item.at("key") == "promo") return str(item.at("id"));
        return "";
    }

    json::value prod_object(const std::string& id) {
        auto got = c->get(prod + "campaigns/" + id, admin);
        if (got.status != 200) throw std::runtime_error("get " + id + ": " + got.body);
        return got.json();
    }

    void scheduler_pass() {
        ASSERT_EQ(c->post("/v1/operator/clock", R"({"advance_seconds":1})", server->operator_token()).status, 200);
    }

    std::vector<std::string> plan_args(int version) const {
        return {"import", "plan", "-s", "prod", "-p", "promo", "--version", std::to_string(version)};
    }
    std::vector<std::string> apply_args(int version) const {
        return {"import", "apply", "-s", "prod", "-p", "promo", "--version", std::to_string(version)};
    }
    static std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, editor, importer, prod_editor, prod_viewer, dev_campaign;
    fs::path home;
};

}  // namespace

// Caught before any request: exit 2 with the command's usage line.
TEST_F(CliSync, MalformedResolveModeAndMissingSandboxAreUsageErrors) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             with(plan_args(2), {"--resolve", "campaign/promo=keep_target"}),
             with(plan_args(2), {"--resolve", "promo:/spec/name=keep_target"}),
             with(plan_args(2), {"--resolve", "campaign/promo:/spec/name=mine"}),
             with(plan_args(2), {"--resolve", "campaign/promo:/spec/name=value:{not json"}),
             with(plan_args(2), {"--policy", "theirs"}),
             with(apply_args(2), {"--resolve", "campaign/promo:/spec/name"}),
             {"drift"},
             {"drift", "adopt", "prod", "campaign"},
             {"sync", "create", "prod", "promo", "--mode", "sometimes"},
             {"sync", "create", "prod"},
             {"sync", "pause"}}) {
        const Outcome r = ferry(admin, args);
        std::string line;
        for (const auto& a : args) line += " " + a;
        EXPECT_EQ(r.status, 2) << line << "\n" << describe(r);
        EXPECT_NE(r.err.find("Run 'ferry "), std::string::npos) << describe(r);
    }
}

// The issue's story, merge by merge, as an importer types it.
TEST_F(CliSync, ImportPlanMergesKeepsTheTargetsEditsAndResolvesAConflict) {
    publish_v1();
    const Outcome first = ferry(importer, apply_args(1));
    ASSERT_EQ(first.status, 0) << describe(first);
    const std::string id = prod_campaign();
    ASSERT_FALSE(id.empty());
    // Live in prod (no approval needed there), then prod's editor changes the subject: a draft version.
    ASSERT_EQ(c->post(prod + "campaigns/" + id + "/actions/activate", "{}", admin).status, 200);
    edit_content(prod, id, prod_editor, "email", "subject", "Bonjour");
    // dev changes the SMS text and publishes v2.
    edit_content(dev, dev_campaign, editor, "sms", "body", "B");
    publish();

    // The plan merges: prod's subject kept, the new SMS taken; --policy merge is the default anyway.
    const Outcome plan = ferry(importer, with(plan_args(2), {"--policy", "merge"}));
    ASSERT_EQ(plan.status, 0) << describe(plan);
    // The item's row (the first line naming the target) says merge.
    EXPECT_TRUE(contains_all(line_with(plan.out, id), {"campaign", "promo", "merge"})) << plan.out;
    EXPECT_TRUE(contains_all(plan.out, {"Merges", "~ campaign/promo", "(merge, " + id, "base version 1"})) << plan.out;
    const std::string sms_row = row_of(plan.out, sms_path);
    EXPECT_TRUE(contains_all(sms_row, {"\"A\"", "\"B\""})) << plan.out;
    EXPECT_EQ(row_of(plan.out, subject_path), "") << "prod's subject is not a change of the merge\n" << plan.out;
    EXPECT_NE(plan.out.find("ready"), std::string::npos) << plan.out;

    // The JSON is the server's: the merge item with its changes.
    const Outcome plan_json = ferry(importer, with(plan_args(2), {"--json"}));
    ASSERT_EQ(plan_json.status, 0) << describe(plan_json);
    const json::value body = json::parse(plan_json.out);
    const json::value& merge_item = body.at("items").as_array().at(0);
    EXPECT_EQ(merge_item.at("action"), "merge") << plan_json.out;
    EXPECT_EQ(merge_item.at("merge").at("merged").at("spec").at("content").at("email").at("subject"), "Bonjour");

    // Applied: the live campaign runs on; its draft version holds both edits.
    const Outcome applied = ferry(importer, apply_args(2));
    ASSERT_EQ(applied.status, 0) << describe(applied);
    json::value campaign = prod_object(id);
    EXPECT_EQ(campaign.at("status"), "active") << campaign;
    EXPECT_EQ(campaign.at("content").at("email").at("subject"), "Hello") << campaign;
    const json::value& draft = campaign.at("draft_version");
    ASSERT_TRUE(draft.is_object()) << campaign;
    EXPECT_EQ(draft.at("content").at("email").at("subject"), "Bonjour") << campaign;
    EXPECT_EQ(draft.at("content").at("sms").at("body"), "B") << campaign;

    // Both sides change the subject, differently: a conflict with its three values.
    edit_content(dev, dev_campaign, editor, "email", "subject", "Hi there");
    publish();
    edit_content(prod, id, prod_editor, "email", "subject", "Salut");
    const Outcome conflicted = ferry(importer, plan_args(3));
    EXPECT_EQ(conflicted.status, 3) << describe(conflicted);
    const std::string conflict_row = row_of(conflicted.out, subject_path);
    // The base is what v2 brought (its file: the subject "Hello").
    EXPECT_TRUE(contains_all(conflict_row, {"\"Hello\"", "\"Hi there\"", "\"Salut\"", "undecided"})) << conflicted.out;
    EXPECT_NE(conflicted.out.find("--resolve campaign/promo:PATH"), std::string::npos) << conflicted.out;
    // Applying without deciding is refused (3), naming the path on stderr.
    const Outcome refused = ferry(importer, apply_args(3));
    EXPECT_EQ(refused.status, 3) << describe(refused);
    EXPECT_NE(refused.err.find("campaign/promo"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(subject_path + ": both sides changed it"), std::string::npos) << refused.err;

    // A path that is not a conflict is refused by the server (422, exit 1), naming it.
    const Outcome wrong = ferry(importer, with(plan_args(3), {"--resolve", "campaign/promo:/spec/name=take_source"}));
    EXPECT_EQ(wrong.status, 1) << describe(wrong);
    EXPECT_NE(wrong.err.find("invalid_field"), std::string::npos) << wrong.err;

    // Decided: keep prod's subject.
    const std::vector<std::string> keep{"--resolve", "campaign/promo:" + subject_path + "=keep_target"};
    const Outcome resolved = ferry(importer, with(plan_args(3), keep));
    ASSERT_EQ(resolved.status, 0) << describe(resolved);
    EXPECT_TRUE(contains_all(row_of(resolved.out, subject_path), {"keep_target", "\"Salut\""})) << resolved.out;
    const Outcome done = ferry(importer, with(apply_args(3), keep));
    ASSERT_EQ(done.status, 0) << describe(done);
    campaign = prod_object(id);
    EXPECT_EQ(campaign.at("draft_version").at("content").at("email").at("subject"), "Salut") << campaign;
    EXPECT_EQ(campaign.at("draft_version").at("content").at("sms").at("body"), "B") << campaign;
}

// Drift: a prod edit shown field by field, adopted, made again and re-synced from v1.
TEST_F(CliSync, DriftListsAdoptsAndResyncs) {
    publish_v1();
    ASSERT_EQ(ferry(importer, apply_args(1)).status, 0);
    const std::string id = prod_campaign();
    ASSERT_FALSE(id.empty());
    const Outcome clean = ferry(prod_viewer, {"drift", "prod"});
    EXPECT_EQ(clean.status, 0) << describe(clean);
    EXPECT_NE(clean.out.find("no drift in prod"), std::string::npos) << clean.out;

    edit_content(prod, id, prod_editor, "email", "subject", "Bonjour");
    const Outcome drifted = ferry(prod_viewer, {"drift", "prod"});
    ASSERT_EQ(drifted.status, 0) << describe(drifted);
    EXPECT_TRUE(contains_all(line_with(drifted.out, id), {"campaign", "promo", "1"})) << drifted.out;
    EXPECT_TRUE(contains_all(row_of(drifted.out, subject_path), {"\"Hello\"", "\"Bonjour\""})) << drifted.out;
    const Outcome drift_json = ferry(prod_viewer, {"drift", "prod", "--json"});
    ASSERT_EQ(drift_json.status, 0) << describe(drift_json);
    const json::value report = json::parse(drift_json.out);
    ASSERT_EQ(report.at("items").as_array().size(), 1U) << drift_json.out;
    EXPECT_EQ(report.at("items").as_array()[0].at("id"), json::value(id));

    // A viewer may not adopt (403, exit 1); an importer may.
    EXPECT_EQ(ferry(prod_viewer, {"drift", "adopt", "prod", "campaign", id}).status, 1);
    const Outcome adopted = ferry(importer, {"drift", "adopt", "prod", "campaign", id});
    ASSERT_EQ(adopted.status, 0) << describe(adopted);
    EXPECT_NE(adopted.out.find("adopted"), std::string::npos) << adopted.out;
    EXPECT_NE(ferry(importer, {"drift", "prod"}).out.find("no drift in prod"), std::string::npos);
    EXPECT_EQ(ferry(importer, {"drift", "adopt", "prod", "campaign", id}).status, 1);  // not drifted: 404

    // Edited again: drifted again; the re-sync plan brings v1's subject back.
    edit_content(prod, id, prod_editor, "email", "subject", "Salut");
    const Outcome again = ferry(importer, {"drift", "prod"});
    EXPECT_TRUE(contains_all(row_of(again.out, subject_path), {"\"Hello\"", "\"Salut\""})) << again.out;
    const Outcome resync = ferry(importer, {"drift", "resync", "prod", "campaign", id});
    ASSERT_EQ(resync.status, 0) << describe(resync);
    EXPECT_TRUE(contains_all(line_with(resync.out, id), {"campaign", "promo", "update"})) << resync.out;
    EXPECT_TRUE(contains_all(resync.out, {"\"Salut\" -> \"Hello\"", "ready"})) << resync.out;
    const Outcome resynced = ferry(importer, {"drift", "resync", "prod", "campaign", id, "--apply"});
    ASSERT_EQ(resynced.status, 0) << describe(resynced);
    EXPECT_EQ(prod_object(id).at("content").at("email").at("subject"), "Hello");
    EXPECT_NE(ferry(importer, {"drift", "prod"}).out.find("no drift in prod"), std::string::npos);
    EXPECT_EQ(ferry(importer, {"drift", "resync", "prod", "campaign", id}).status, 1);  // not drifted any more
}

// Subscriptions: create, list (filtered), get, pause, resume, delete, with the server's refusals.
TEST_F(CliSync, SyncSubscriptionsRoundTrip) {
    publish_v1();
    const Outcome made = ferry(importer, {"sync", "create", "prod", "promo", "--mode", "manual", "--json"});
    ASSERT_EQ(made.status, 0) << describe(made);
    const json::value sub = json::parse(made.out);
    const std::string id = str(sub.at("id"));
    EXPECT_EQ(sub.at("mode"), "manual");
    EXPECT_EQ(sub.at("paused"), false);
    EXPECT_EQ(sub.at("conflict_policy"), "merge");
    // The same package and sandbox again: 409 subscription_exists, exit 1.
    const Outcome twice = ferry(importer, {"sync", "create", "prod", "promo"});
    EXPECT_EQ(twice.status, 1) << describe(twice);
    EXPECT_NE(twice.err.find("subscription_exists"), std::string::npos) << twice.err;
    EXPECT_EQ(ferry(prod_viewer, {"sync", "create", "prod", "promo"}).status, 1);  // a viewer: 403
    EXPECT_EQ(ferry(importer, {"sync", "create", "prod", "nope"}).status, 1);      // unknown package: 404

    const Outcome listed = ferry(prod_viewer, {"sync", "list"});
    ASSERT_EQ(listed.status, 0) << describe(listed);
    EXPECT_TRUE(contains_all(line_with(listed.out, id), {"prod", "promo", "manual", "merge"})) << listed.out;
    EXPECT_NE(line_with(listed.out, "ID").find("LAST VERSION"), std::string::npos) << listed.out;
    EXPECT_EQ(ferry(admin, {"sync", "list", "--sandbox", "prod", "-o", "name"}).out, id + "\n");
    EXPECT_EQ(ferry(admin, {"sync", "list", "--package", "other"}).out, "no subscription\n");
    const Outcome got = ferry(prod_viewer, {"sync", "get", id});
    EXPECT_EQ(got.status, 0) << describe(got);
    EXPECT_TRUE(contains_all(got.out, {id, "manual", "promo"})) << got.out;

    EXPECT_EQ(ferry(prod_viewer, {"sync", "pause", id}).status, 1);  // a viewer: 403
    const Outcome paused = ferry(importer, {"sync", "pause", id});
    ASSERT_EQ(paused.status, 0) << describe(paused);
    EXPECT_NE(paused.out.find("paused"), std::string::npos) << paused.out;
    EXPECT_NE(line_with(ferry(importer, {"sync", "list"}).out, id).find("manual, paused"), std::string::npos);
    const Outcome resumed = ferry(importer, {"sync", "resume", id, "--json"});
    ASSERT_EQ(resumed.status, 0) << describe(resumed);
    EXPECT_EQ(json::parse(resumed.out).at("paused"), false);

    const Outcome deleted = ferry(importer, {"sync", "delete", id});
    ASSERT_EQ(deleted.status, 0) << describe(deleted);
    EXPECT_NE(deleted.out.find("deleted"), std::string::npos) << deleted.out;
    EXPECT_EQ(ferry(importer, {"sync", "list"}).out, "no subscription\n");
    EXPECT_EQ(ferry(importer, {"sync", "get", id}).status, 1);  // 404
}

// A subscription's sync waits on a conflict: `promotions get` names the path with its three values,
// and `promotions retry --resolve` decides it.
TEST_F(CliSync, ASyncWaitingOnAConflictIsDecidedWithPromotionsRetryResolve) {
    publish_v1();
    ASSERT_EQ(ferry(importer, apply_args(1)).status, 0);
    const std::string id = prod_campaign();
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(c->post(prod + "campaigns/" + id + "/actions/activate", "{}", admin).status, 200);
    const Outcome made = ferry(importer, {"sync", "create", "prod", "promo", "-o", "name"});
    ASSERT_EQ(made.status, 0) << describe(made);
    const std::string sub = made.out.substr(0, made.out.find('\n'));

    edit_content(prod, id, prod_editor, "email", "subject", "Salut");
    edit_content(dev, dev_campaign, editor, "email", "subject", "Hi there");
    publish();  // v2
    scheduler_pass();
    const Outcome got = ferry(importer, {"sync", "get", sub, "--json"});
    ASSERT_EQ(got.status, 0) << describe(got);
    const json::value s = json::parse(got.out);
    EXPECT_EQ(s.at("last_version"), 2) << got.out;
    ASSERT_TRUE(s.at("promotion").is_string()) << got.out;
    const std::string promotion = str(s.at("promotion"));
    EXPECT_NE(line_with(ferry(importer, {"sync", "list"}).out, sub).find(promotion), std::string::npos);

    const Outcome waiting = ferry(importer, {"promotions", "get", promotion});
    ASSERT_EQ(waiting.status, 0) << describe(waiting);
    EXPECT_TRUE(contains_all(waiting.out, {"conflicts", "campaign/promo",
                                           subject_path + ": base \"Hello\", source \"Hi there\", target \"Salut\""}))
        << waiting.out;
    EXPECT_EQ(ferry(importer, {"promotions", "retry", promotion}).status, 3);
    const Outcome retried = ferry(
        importer, {"promotions", "retry", promotion, "--resolve", "campaign/promo:" + subject_path + "=take_source"});
    EXPECT_EQ(retried.status, 0) << describe(retried);
    EXPECT_EQ(prod_object(id).at("draft_version").at("content").at("email").at("subject"), "Hi there");
}
