// The ferry CLI as a user or a CI job runs it: the real binary, as a subprocess, against a real
// ferryd, with its settings in the environment and a home directory of its own.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs a program (ferry, or a shell that runs it) with exactly the given environment (nothing
// inherited, so no stray FERRY_* variable of the machine running the tests leaks in), the given
// stdin, and stdout and stderr captured apart.
Outcome run_ferry_as(const std::string& program, const std::vector<std::string>& args,
                     const std::vector<std::string>& env, const std::string& input = "") {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> argv_text{program};
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
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    // Inputs are a line or two: they fit in the pipe, so writing them first cannot block.
    if (!input.empty() && ::write(in[1], input.data(), input.size()) < 0) ADD_FAILURE() << "write to stdin failed";
    ::close(in[1]);

    Outcome run;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&run.out, &run.err};
    int open = 2;
    while (open > 0) {
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

Outcome run_ferry(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::string& input = "") {
    return run_ferry_as(FERRY_CLI_PATH, args, env, input);
}

// An HTTP server that answers its requests with scripted statuses (then `final_status` with
// `final_body` for good) and records each request's Idempotency-Key and body: a server that fails
// for a while, as seen by a retrying client, or one that answers what a server to come will.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<int> statuses, int final_status = 201,
                            std::string final_body =
                                R"({"id":"imp_scripted","status":"applied","package":"spring","version":1,"items":[]})")
        : statuses_(std::move(statuses)), final_status_(final_status), final_body_(std::move(final_body)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 16) != 0)
            throw std::runtime_error("scripted server cannot listen");
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        running_ = false;
        thread_.join();
        ::close(listener_);
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<std::string> keys() const {
        std::lock_guard lock(mutex_);
        return keys_;
    }
    std::vector<std::string> bodies() const {
        std::lock_guard lock(mutex_);
        return bodies_;
    }

private:
    void serve() {
        while (running_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            std::string request;
            char buf[4096];
            // The request's head, then as many body bytes as Content-Length says.
            for (std::size_t end = std::string::npos, need = 0;;) {
                if (end != std::string::npos && request.size() >= end + 4 + need) break;
                pollfd q{fd, POLLIN, 0};
                if (::poll(&q, 1, 2000) <= 0) break;
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                request.append(buf, static_cast<std::size_t>(n));
                if (end == std::string::npos && (end = request.find("\r\n\r\n")) != std::string::npos) {
                    std::smatch m;
                    const std::string head = request.substr(0, end);
                    if (std::regex_search(head, m, std::regex(R"(\r\nContent-Length: *(\d+))", std::regex::icase)))
                        need = std::stoul(m[1]);
                }
            }
            std::smatch m;
            std::string key;
            if (std::regex_search(request, m, std::regex(R"(\r\nIdempotency-Key: *([^\r]*))", std::regex::icase)))
                key = m[1];
            int status = final_status_;
            {
                std::lock_guard lock(mutex_);
                if (keys_.size() < statuses_.size()) status = statuses_[keys_.size()];
                keys_.push_back(key);
                const auto head_end = request.find("\r\n\r\n");
                bodies_.push_back(head_end == std::string::npos ? "" : request.substr(head_end + 4));
            }
            const std::string body =
                status == final_status_
                    ? final_body_
                    : R"({"error":{"code":"storage_unavailable","message":"try again","details":{}}})";
            const std::string response =
                "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0) ADD_FAILURE() << "scripted send failed";
            ::close(fd);
        }
    }

    std::vector<int> statuses_;
    int final_status_;
    std::string final_body_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> running_{true};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> keys_;
    std::vector<std::string> bodies_;
};

std::string describe(const Outcome& r) {
    return "exit " + std::to_string(r.status) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>();
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        editor = acme.token_of.at("editor");
        std::string templ = (fs::temp_directory_path() / "ferry-cli-home-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        home = templ;
    }

    void TearDown() override {
        std::error_code ec;
        fs::remove_all(home, ec);
    }

    // The environment of a user with no profile: HOME and XDG_CONFIG_HOME inside the test's
    // temporary home, NO_COLOR so that nothing depends on a terminal.
    std::vector<std::string> bare_env() const {
        return {"PATH=/usr/bin:/bin", "HOME=" + home.string(), "XDG_CONFIG_HOME=" + (home / "config").string(),
                "NO_COLOR=1"};
    }

    std::vector<std::string> env_for(const std::string& token) const {
        auto env = bare_env();
        env.push_back("FERRY_SERVER=" + server->base_url());
        env.push_back("FERRY_TENANT=acme");
        env.push_back("FERRY_TOKEN=" + token);
        return env;
    }

    Outcome ferry(const std::vector<std::string>& args) const { return run_ferry(args, env_for(editor)); }

    std::string create_campaign(const std::string& key) {
        const std::string base = "/v1/tenants/acme/sandboxes/dev/";
        if (segment.empty()) {
            auto seg = c->post(base + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor);
            EXPECT_EQ(seg.status, 201) << seg.body;
            segment = std::string(seg.json().at("id").as_string());
        }
        auto res = c->post(base + "campaigns",
                           R"({"key":")" + key + R"(","name":"Campaign )" + key +
                               R"(","type":"action","channels":["email"],"tags":["spring"],"audience":{"segment":")" +
                               segment + R"("},"content":{"email":{"subject":"Hello","body":"Spring is here."}}})",
                           editor);
        EXPECT_EQ(res.status, 201) << res.body;
        return std::string(res.json().at("id").as_string());
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string editor;
    std::string segment;
    fs::path home;
};

// The subcommands a --help lists (CLI11's "Subcommands:" section: two spaces, the name, its text).
std::vector<std::string> subcommands_in_help(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream in(help);
    std::string line;
    bool inside = false;
    const std::regex entry(R"re(^  ([a-z0-9-]+)( .*)?$)re");
    while (std::getline(in, line)) {
        if (line == "Subcommands:")
            inside = true;
        else if (line.empty())
            inside = false;
        else if (std::smatch m; inside && std::regex_match(line, m, entry))
            names.push_back(m[1]);
    }
    return names;
}

// Every error message about a request ends with " (request id ...)"; the id is random hex, so
// checks for what must not appear in a message look at the message without it.
std::string without_request_ids(const std::string& text) {
    return std::regex_replace(text, std::regex(R"( \(request id [A-Za-z0-9._-]+\))"), "");
}

std::vector<std::string> split_words(const std::string& path) {
    std::vector<std::string> words;
    std::istringstream in(path);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

TEST_F(Cli, EveryCommandAnswersHelp) {
    // The tree as --help shows it, command by command; no server is configured here.
    std::vector<std::string> paths;
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        const std::string path = pending.back();
        pending.pop_back();
        auto args = split_words(path);
        args.push_back("--help");
        const Outcome help = run_ferry(args, bare_env());
        ASSERT_EQ(help.status, 0) << path << "\n" << describe(help);
        for (const auto& sub : subcommands_in_help(help.out)) {
            const std::string child = path.empty() ? sub : path + " " + sub;
            paths.push_back(child);
            pending.push_back(child);
        }
    }
    const std::set<std::string> found(paths.begin(), paths.end());
    EXPECT_EQ(found.count("__complete"), 0U) << "the completion helper is hidden";
    const std::vector<std::string> expected = {"login",
                                               "logout",
                                               "config show",
                                               "config get-contexts",
                                               "config current-context",
                                               "config use-context",
                                               "config set-context",
                                               "tenants create",
                                               "sandboxes create",
                                               "sandboxes ls",
                                               "sandboxes get",
                                               "users create",
                                               "users ls",
                                               "users grant",
                                               "users sign-in-link",
                                               "tokens create",
                                               "tokens ls",
                                               "tokens revoke",
                                               "campaigns ls",
                                               "campaigns get",
                                               "campaigns create",
                                               "campaigns edit",
                                               "campaigns submit",
                                               "campaigns withdraw",
                                               "campaigns activate",
                                               "campaigns pause",
                                               "campaigns resume",
                                               "campaigns stop",
                                               "campaigns close",
                                               "campaigns archive",
                                               "campaigns unarchive",
                                               "campaigns duplicate",
                                               "campaigns submit-draft",
                                               "campaigns activate-draft",
                                               "campaigns discard-draft",
                                               "campaigns draft get",
                                               "campaigns draft put",
                                               "campaigns draft discard",
                                               "reviews ls",
                                               "reviews show",
                                               "reviews approve",
                                               "reviews request-changes",
                                               "reviews withdraw",
                                               "policies ls",
                                               "policies create",
                                               "policies activate",
                                               "policies deactivate",
                                               "packages create",
                                               "packages add",
                                               "packages publish",
                                               "packages versions",
                                               "packages diff",
                                               "packages export",
                                               "import plan",
                                               "import apply",
                                               "import status",
                                               "import ls",
                                               "import rollback",
                                               "pipelines create",
                                               "pipelines get",
                                               "pipelines list",
                                               "pipelines matrix",
                                               "promote",
                                               "promotions list",
                                               "promotions get",
                                               "promotions cancel",
                                               "promotions retry",
                                               "freeze add",
                                               "freeze list",
                                               "freeze remove",
                                               "wait review",
                                               "wait import",
                                               "wait promotion",
                                               "tenant signing-key",
                                               "verify",
                                               "audit ls",
                                               "audit verify",
                                               "completion"};
    for (const auto& command : expected)
        EXPECT_EQ(found.count(command), 1U) << "missing from the command tree: " << command;

    const Outcome top = run_ferry({"--help"}, bare_env());
    EXPECT_EQ(top.status, 0) << describe(top);
    EXPECT_NE(top.out.find("Exit codes:"), std::string::npos) << top.out;
    for (const std::string code :
         {"  0  ok", "  1  error", "  2  usage", "  3  ", "  4  waiting on approval", "'promote --wait': still waiting",
          "  5  verification failed", "  6  no answer", "  7  authentication failed"})
        EXPECT_NE(top.out.find(code), std::string::npos) << code;

    for (const auto& path : paths) {
        auto args = split_words(path);
        args.push_back("--help");
        const Outcome help = run_ferry(args, bare_env());
        EXPECT_EQ(help.status, 0) << path << "\n" << describe(help);
        EXPECT_NE(help.out.find("Usage: ferry " + path), std::string::npos) << path << "\n" << help.out;
        EXPECT_TRUE(help.err.empty()) << path << "\n" << help.err;
    }
}

// An admin hands a user a console sign-in link: the URL alone on stdout, on this server; it signs
// in once.
TEST_F(Cli, UsersSignInLinkPrintsAOneTimeConsoleLink) {
    const Outcome made = run_ferry({"users", "sign-in-link", "editor"}, env_for(acme.admin_token));
    ASSERT_EQ(made.status, 0) << describe(made);
    const std::string prefix = server->base_url() + "/sign-in?code=fyl_";
    ASSERT_EQ(made.out.rfind(prefix, 0), 0U) << made.out;
    ASSERT_EQ(made.out.back(), '\n');
    EXPECT_NE(made.err.find("once"), std::string::npos) << made.err;
    const std::string code = made.out.substr(made.out.find("code=") + 5, made.out.size() - made.out.find("code=") - 6);
    const std::string body = R"({"code":")" + code + "\"}";
    EXPECT_EQ(c->post("/v1/sessions", body).status, 201);
    EXPECT_EQ(c->post("/v1/sessions", body).status, 401);
    // An editor may not make one, nor anyone for a user who does not exist: the server refuses (exit 1).
    const Outcome refused = ferry({"users", "sign-in-link", "editor"});
    EXPECT_EQ(refused.status, 1);
    EXPECT_NE(refused.err.find("forbidden"), std::string::npos) << refused.err;
    EXPECT_EQ(run_ferry({"users", "sign-in-link", "nobody"}, env_for(acme.admin_token)).status, 1);
}

TEST_F(Cli, BadFlagsAreUsageErrorsWithTheCommandsUsageLine) {
    const Outcome bogus = ferry({"sandboxes", "ls", "--bogus"});
    EXPECT_EQ(bogus.status, 2) << describe(bogus);
    EXPECT_TRUE(bogus.out.empty()) << bogus.out;
    EXPECT_NE(bogus.err.find("--bogus"), std::string::npos) << bogus.err;
    EXPECT_NE(bogus.err.find("Usage: ferry sandboxes ls"), std::string::npos) << bogus.err;
    EXPECT_NE(bogus.err.find("Run 'ferry sandboxes ls --help'"), std::string::npos) << bogus.err;

    const Outcome missing = ferry({"campaigns", "get", "cmp_x"});  // no --sandbox
    EXPECT_EQ(missing.status, 2) << describe(missing);
    EXPECT_NE(missing.err.find("--sandbox"), std::string::npos) << missing.err;
    EXPECT_NE(missing.err.find("Run 'ferry campaigns get --help'"), std::string::npos) << missing.err;

    EXPECT_EQ(ferry({"campaigns"}).status, 2);
    EXPECT_EQ(ferry({"sandboxes", "create", "qa", "--type", "staging"}).status, 2);
    const Outcome neither = ferry({"campaigns", "edit", "cmp_x", "--sandbox", "dev"});  // neither --set nor --file
    EXPECT_EQ(neither.status, 2) << describe(neither);
    EXPECT_NE(neither.err.find("Usage: ferry campaigns edit"), std::string::npos) << neither.err;
    // Caught before any request: the campaign does not even exist.
    const Outcome malformed = ferry({"campaigns", "edit", "cmp_x", "--sandbox", "dev", "--set", "no-equals-sign"});
    EXPECT_EQ(malformed.status, 2) << describe(malformed);
}

TEST_F(Cli, EditSetsFieldsWithoutTheUserHandlingETags) {
    const std::string id = create_campaign("welcome");
    const Outcome edit = ferry({"campaigns", "edit", id, "--sandbox", "dev", "--set", "name=2026", "--set",
                                "content.email.subject=Spring sale", "--set", "tags=spring,promo"});
    ASSERT_EQ(edit.status, 0) << describe(edit);
    EXPECT_NE(edit.out.find("key:"), std::string::npos) << edit.out;

    const auto campaign = c->get("/v1/tenants/acme/sandboxes/dev/campaigns/" + id, editor).json();
    EXPECT_EQ(campaign.at("name"), "2026");  // text, because the field holds text
    EXPECT_EQ(campaign.at("content").at("email").at("subject"), "Spring sale");
    EXPECT_EQ(campaign.at("content").at("email").at("body"), "Spring is here.");  // the rest of content kept
    EXPECT_EQ(json::serialize(campaign.at("tags")), R"(["spring","promo"])");
}

TEST_F(Cli, AStaleIfMatchGivesAClearMessageAndExit1) {
    const std::string id = create_campaign("welcome");
    const std::string path = "/v1/tenants/acme/sandboxes/dev/campaigns/" + id;
    const std::string read_etag = c->get(path, editor).header("etag");
    ASSERT_FALSE(read_etag.empty());
    // Someone else changes the campaign after the script read it.
    ASSERT_EQ(c->patch(path, R"({"description":"changed by the admin"})", acme.admin_token, read_etag).status, 200);

    const fs::path patch = home / "patch.json";
    std::ofstream(patch) << R"({"description":"the script's change"})";
    const Outcome edit =
        ferry({"campaigns", "edit", id, "--sandbox", "dev", "--file", patch.string(), "--if-match", read_etag});
    EXPECT_EQ(edit.status, 1) << describe(edit);
    EXPECT_NE(edit.err.find("campaign welcome changed since you read it (by admin); re-run to edit the new version"),
              std::string::npos)
        << edit.err;
    EXPECT_NE(edit.err.find("(request id "), std::string::npos) << edit.err;
    for (const std::string internal : {"412", "HTTP", "If-Match", "precondition", "{"})
        EXPECT_EQ(without_request_ids(edit.err).find(internal), std::string::npos) << internal << " in\n" << edit.err;
    EXPECT_EQ(c->get(path, editor).json().at("description"), "changed by the admin");

    // Without --if-match the CLI reads the current ETag itself, and the same file applies.
    const Outcome fresh = ferry({"campaigns", "edit", id, "--sandbox", "dev", "--file", patch.string()});
    EXPECT_EQ(fresh.status, 0) << describe(fresh);
    EXPECT_EQ(c->get(path, editor).json().at("description"), "the script's change");
}

TEST_F(Cli, VerifyPassesOnAnExportAndNamesTheObjectWhoseByteChanged) {
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "--sandbox", "dev", "--campaign", id}).status, 0);
    const Outcome publish = ferry({"packages", "publish", "spring"});
    ASSERT_EQ(publish.status, 0) << describe(publish);
    EXPECT_NE(publish.out.find("packages/spring/v1"), std::string::npos) << publish.out;

    const fs::path exported = home / "spring-v1.json";
    const fs::path key = home / "acme.pub.pem";
    const Outcome exp = ferry({"packages", "export", "spring", "--version", "1", "--output", exported.string()});
    ASSERT_EQ(exp.status, 0) << describe(exp);
    ASSERT_EQ(ferry({"tenant", "signing-key", "--output", key.string()}).status, 0);

    // Offline: no server, tenant or token in the environment.
    const Outcome ok = run_ferry({"verify", exported.string(), "--key", key.string()}, bare_env());
    EXPECT_EQ(ok.status, 0) << describe(ok);
    EXPECT_NE(ok.out.find("verified"), std::string::npos) << ok.out;

    // One byte of one object changed, the file otherwise as exported.
    json::value doc = json::parse(read_file(exported));
    auto& files = doc.at("files").as_object();
    ASSERT_TRUE(files.contains("campaigns/welcome.json"));
    std::string bytes(files.at("campaigns/welcome.json").as_string());
    const auto at = bytes.find("Spring is here.");
    ASSERT_NE(at, std::string::npos) << bytes;
    bytes[at] = 's';
    files["campaigns/welcome.json"] = bytes;
    const fs::path tampered = home / "tampered.json";
    std::ofstream(tampered) << json::serialize(doc);
    const Outcome bad = run_ferry({"verify", tampered.string(), "--key", key.string()}, bare_env());
    EXPECT_EQ(bad.status, 5) << describe(bad);
    EXPECT_NE(bad.err.find("campaigns/welcome.json"), std::string::npos) << bad.err;

    // The right bytes with another tenant's key: refused as well.
    HttpClient op(server->base_url());
    const TenantFixture other = make_tenant(op, server->operator_token(), "other", {"dev"});
    const auto other_key = c->get("/v1/tenants/other/signing-key", other.admin_token).json();
    std::ofstream(home / "other.pub.pem") << std::string(other_key.at("public_key_pem").as_string());
    const Outcome wrong_key =
        run_ferry({"verify", exported.string(), "--key", (home / "other.pub.pem").string()}, bare_env());
    EXPECT_EQ(wrong_key.status, 5) << describe(wrong_key);
}

TEST_F(Cli, PublishingThatNeedsAReviewExits4WithTheReview) {
    const std::string id = create_campaign("welcome");
    const std::string policy = R"({"name":"Packages","scope":"package","approvers":{"role":"reviewer"},)"
                               R"("conditions":{"all":[{"field":"sandbox","op":"equals","value":"dev"}]}})";
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies", policy, acme.admin_token).status, 201);
    ASSERT_EQ(ferry({"packages", "create", "spring", "--sandbox", "dev", "--campaign", id}).status, 0);
    const Outcome publish = ferry({"packages", "publish", "spring"});
    EXPECT_EQ(publish.status, 4) << describe(publish);
    EXPECT_NE(publish.out.find("rev_"), std::string::npos) << publish.out;
    const Outcome versions = ferry({"--json", "packages", "versions", "spring"});
    ASSERT_EQ(versions.status, 0);
    EXPECT_TRUE(json::parse(versions.out).at("items").as_array().empty());
}

TEST_F(Cli, LoginWritesAPrivateProfileAndFlagsBeatEnvBeatProfile) {
    // The token on stdin, server and tenant as flags, nothing in the environment.
    const Outcome login =
        run_ferry({"login", "--server", server->base_url(), "--tenant", "acme"}, bare_env(), editor + "\n");
    ASSERT_EQ(login.status, 0) << describe(login);
    const fs::path profile = home / "config" / "ferry" / "config.json";
    struct stat file_stat {};
    struct stat dir_stat {};
    ASSERT_EQ(::stat(profile.c_str(), &file_stat), 0) << profile;
    ASSERT_EQ(::stat(profile.parent_path().c_str(), &dir_stat), 0);
    EXPECT_EQ(file_stat.st_mode & 0777, 0600U);
    EXPECT_EQ(dir_stat.st_mode & 0777, 0700U);
    // The context "default" in config.json; its token apart, in credentials.json, mode 0600 too.
    const auto stored = json::parse(read_file(profile));
    EXPECT_EQ(stored.at("current_context"), "default");
    EXPECT_EQ(stored.at("contexts").at("default").at("server"), json::value(server->base_url()));
    EXPECT_EQ(stored.at("contexts").at("default").at("tenant"), "acme");
    EXPECT_EQ(read_file(profile).find(editor), std::string::npos) << "no token in config.json";
    const fs::path credentials = profile.parent_path() / "credentials.json";
    struct stat credentials_stat {};
    ASSERT_EQ(::stat(credentials.c_str(), &credentials_stat), 0);
    EXPECT_EQ(credentials_stat.st_mode & 0777, 0600U);
    const std::string ref(stored.at("contexts").at("default").at("token_ref").as_string());
    EXPECT_EQ(json::parse(read_file(credentials)).at("tokens").at(ref), json::value(editor));

    // A token that does not authenticate is not stored (exit 7: authentication failed).
    auto with_bad_token = bare_env();
    with_bad_token.push_back("FERRY_TOKEN=fry_notavalidtoken");
    EXPECT_EQ(run_ferry({"login", "--server", server->base_url(), "--tenant", "acme"}, with_bad_token).status, 7);
    EXPECT_EQ(json::parse(read_file(credentials)).at("tokens").at(ref), json::value(editor));

    // The profile alone is enough.
    const Outcome from_profile = run_ferry({"sandboxes", "ls"}, bare_env());
    EXPECT_EQ(from_profile.status, 0) << describe(from_profile);
    EXPECT_NE(from_profile.out.find("dev"), std::string::npos) << from_profile.out;

    // The environment beats the profile, the flag beats the environment: tenant...
    auto ghost_tenant = bare_env();
    ghost_tenant.push_back("FERRY_TENANT=ghost");
    const Outcome env_tenant = run_ferry({"sandboxes", "ls"}, ghost_tenant);
    EXPECT_EQ(env_tenant.status, 1) << describe(env_tenant);
    EXPECT_NE(env_tenant.err.find("not_found"), std::string::npos) << env_tenant.err;
    EXPECT_EQ(run_ferry({"sandboxes", "ls", "--tenant", "acme"}, ghost_tenant).status, 0);
    const Outcome shown = run_ferry({"config", "show", "--tenant", "acme"}, ghost_tenant);
    EXPECT_NE(shown.out.find("acme  (flag)"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("(profile)"), std::string::npos) << shown.out;

    // ...server...
    auto dead_server = bare_env();
    dead_server.push_back("FERRY_SERVER=http://127.0.0.1:1");
    dead_server.push_back("FERRY_TOKEN=" + editor);
    const Outcome unreachable = run_ferry({"sandboxes", "ls"}, dead_server);
    EXPECT_EQ(unreachable.status, 6) << describe(unreachable);
    EXPECT_EQ(unreachable.err.rfind("ferry: cannot reach http://127.0.0.1:1: ", 0), 0U) << unreachable.err;
    EXPECT_EQ(run_ferry({"sandboxes", "ls", "--server", server->base_url()}, dead_server).status, 0);

    // ...and token.
    auto viewer_env = bare_env();
    viewer_env.push_back("FERRY_TOKEN=" + acme.token_of.at("viewer"));
    const Outcome as_viewer = run_ferry({"whoami"}, viewer_env);
    EXPECT_NE(as_viewer.out.find("viewer"), std::string::npos) << describe(as_viewer);
    const Outcome as_flag = run_ferry({"whoami", "--token", acme.admin_token}, viewer_env);
    EXPECT_NE(as_flag.out.find("user:       admin"), std::string::npos) << describe(as_flag);

    // The profile's token is only ever sent to the profile's server.
    auto other_server = bare_env();
    other_server.push_back("FERRY_SERVER=http://127.0.0.1:1");
    const Outcome no_token = run_ferry({"sandboxes", "ls"}, other_server);
    EXPECT_EQ(no_token.status, 2) << describe(no_token);
    EXPECT_NE(no_token.err.find("no token"), std::string::npos) << no_token.err;
}

TEST_F(Cli, ServerErrorsPrintTheirCodeAndMessageOnStderr) {
    const Outcome missing = ferry({"sandboxes", "get", "nope"});
    EXPECT_EQ(missing.status, 1) << describe(missing);
    EXPECT_TRUE(missing.out.empty()) << missing.out;
    EXPECT_EQ(missing.err.rfind("ferry: not_found: ", 0), 0U) << missing.err;
    for (const std::string internal : {"HTTP/", "404", "{"})
        EXPECT_EQ(without_request_ids(missing.err).find(internal), std::string::npos) << missing.err;

    // The admin-only user list, for an editor: the server's code and message as they are.
    const Outcome forbidden = ferry({"users", "ls"});
    EXPECT_EQ(forbidden.status, 1) << describe(forbidden);
    EXPECT_NE(forbidden.err.find("ferry: forbidden: this needs the tenant_admin permission"), std::string::npos)
        << forbidden.err;

    // With --json a script also gets the error body on stdout, to parse.
    const Outcome as_json = ferry({"--json", "sandboxes", "get", "nope"});
    EXPECT_EQ(as_json.status, 1);
    EXPECT_EQ(json::parse(as_json.out).at("error").at("code"), "not_found");
}

TEST_F(Cli, JsonPrintsTheServersBodyAsReceived) {
    const auto direct = c->get("/v1/tenants/acme/sandboxes/dev", editor);
    const Outcome shown = ferry({"sandboxes", "get", "dev", "--json"});
    ASSERT_EQ(shown.status, 0) << describe(shown);
    EXPECT_EQ(shown.out, direct.body + (direct.body.back() == '\n' ? "" : "\n"));
    const Outcome table = ferry({"sandboxes", "ls"});
    EXPECT_EQ(table.out.rfind("ID ", 0), 0U) << table.out;  // people get a table with a header row
}

TEST_F(Cli, ImportApplyIsIdempotentAndConflictsExit3) {
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "--sandbox", "dev", "--campaign", id}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    const auto admin = env_for(acme.admin_token);

    const Outcome plan = run_ferry({"import", "plan", "-s", "prod", "-p", "spring", "--version", "1"}, admin);
    EXPECT_EQ(plan.status, 0) << describe(plan);
    EXPECT_NE(plan.out.find("create"), std::string::npos) << plan.out;
    const Outcome apply = run_ferry({"import", "apply", "-s", "prod", "-p", "spring", "--version", "1"}, admin);
    EXPECT_EQ(apply.status, 0) << describe(apply);
    EXPECT_NE(apply.out.find("applied"), std::string::npos) << apply.out;
    // The CI job runs again: nothing is applied twice, and that is a success.
    const Outcome again = run_ferry({"import", "apply", "-s", "prod", "-p", "spring", "--version", "1"}, admin);
    EXPECT_EQ(again.status, 0) << describe(again);
    EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
    const auto in_prod = c->get("/v1/tenants/acme/sandboxes/prod/campaigns", acme.admin_token).json();
    ASSERT_EQ(in_prod.at("items").as_array().size(), 1U) << json::serialize(in_prod);

    // Prod's copy edited by hand, then a new version: the import now conflicts.
    const std::string prod_id(in_prod.at("items").as_array()[0].at("id").as_string());
    ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/prod/campaigns/" + prod_id, R"({"description":"edited in prod"})",
                       acme.admin_token, "*")
                  .status,
              200);
    // Dev edits the same field differently: the merge cannot decide it.
    ASSERT_EQ(ferry({"campaigns", "edit", id, "-s", "dev", "--set", "description=edited in dev"}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    const Outcome conflicted = run_ferry({"import", "plan", "-s", "prod", "-p", "spring", "--version", "2"}, admin);
    EXPECT_EQ(conflicted.status, 3) << describe(conflicted);
    const Outcome refused =
        run_ferry({"--json", "import", "apply", "-s", "prod", "-p", "spring", "--version", "2"}, admin);
    EXPECT_EQ(refused.status, 3) << describe(refused);
    const auto error = json::parse(refused.out).at("error");
    EXPECT_EQ(error.at("code"), "conflicts");
    EXPECT_EQ(error.at("details").at("conflicts").as_array()[0].at("key"), "welcome");
    EXPECT_NE(refused.err.find("campaign/welcome"), std::string::npos) << refused.err;
}

TEST_F(Cli, ImportApplyRetriesWithOneIdempotencyKeyPerInvocation) {
    ScriptedServer flaky({503, 502});
    auto env = bare_env();
    env.push_back("FERRY_SERVER=" + flaky.url());
    env.push_back("FERRY_TENANT=acme");
    env.push_back("FERRY_TOKEN=" + editor);
    const std::vector<std::string> apply{"import", "apply", "-s", "prod", "-p", "spring", "--version", "1"};
    const Outcome first = run_ferry(apply, env);
    EXPECT_EQ(first.status, 0) << describe(first);
    const auto keys = flaky.keys();
    ASSERT_EQ(keys.size(), 3U);
    EXPECT_FALSE(keys[0].empty());
    EXPECT_EQ(keys[1], keys[0]);
    EXPECT_EQ(keys[2], keys[0]);

    // Another invocation is another operation: a new key.
    EXPECT_EQ(run_ferry(apply, env).status, 0);
    ASSERT_EQ(flaky.keys().size(), 4U);
    EXPECT_NE(flaky.keys()[3], keys[0]);
}

// Several named contexts, one current: `use-context` switches, `--context` picks one for a
// command, and a context's default sandbox makes -s optional.
TEST_F(Cli, ContextsSwitchAndCarryADefaultSandbox) {
    const std::string id = create_campaign("welcome");  // in dev
    const Outcome dev = run_ferry(
        {"login", "--context", "dev-editor", "--server", server->base_url(), "--tenant", "acme", "--sandbox", "dev"},
        bare_env(), editor + "\n");
    ASSERT_EQ(dev.status, 0) << describe(dev);
    const Outcome prod =
        run_ferry({"login", "--context", "prod-admin", "--server", server->base_url(), "--sandbox", "prod"}, bare_env(),
                  acme.admin_token + "\n");
    ASSERT_EQ(prod.status, 0) << describe(prod);

    // The last login is current.
    const Outcome listed = run_ferry({"config", "get-contexts"}, bare_env());
    ASSERT_EQ(listed.status, 0) << describe(listed);
    EXPECT_NE(listed.out.find("CURRENT"), std::string::npos) << listed.out;
    EXPECT_TRUE(std::regex_search(listed.out, std::regex(R"(\n\*\s+prod-admin\s)"))) << listed.out;
    EXPECT_TRUE(std::regex_search(listed.out, std::regex(R"(\n\s+dev-editor\s+http\S+\s+acme\s+dev\s)"))) << listed.out;
    EXPECT_EQ(listed.out.find(editor), std::string::npos) << "tokens are never shown";
    EXPECT_EQ(run_ferry({"config", "current-context"}, bare_env()).out, "prod-admin\n");
    EXPECT_EQ(run_ferry({"config", "show", "--jq", ".sandbox"}, bare_env()).out,
              R"({"value":"prod","source":"profile"})"
              "\n");

    // No -s: the current context's sandbox (prod, where nothing is yet).
    const Outcome in_prod = run_ferry({"campaigns", "ls", "-o", "json"}, bare_env());
    ASSERT_EQ(in_prod.status, 0) << describe(in_prod);
    EXPECT_TRUE(json::parse(in_prod.out).at("items").as_array().empty()) << in_prod.out;
    // --context picks another for one command, with its own token and sandbox.
    const Outcome in_dev = run_ferry({"campaigns", "ls", "--context", "dev-editor", "-o", "name"}, bare_env());
    ASSERT_EQ(in_dev.status, 0) << describe(in_dev);
    EXPECT_EQ(in_dev.out, id + "\n");
    EXPECT_NE(run_ferry({"whoami", "--context", "dev-editor"}, bare_env()).out.find("editor"), std::string::npos);

    // use-context makes it current; -s still wins over the default.
    const Outcome used = run_ferry({"config", "use-context", "dev-editor"}, bare_env());
    ASSERT_EQ(used.status, 0) << describe(used);
    EXPECT_EQ(run_ferry({"campaigns", "get", id, "-o", "name"}, bare_env()).out, id + "\n");
    EXPECT_EQ(run_ferry({"campaigns", "ls", "-s", "prod", "-o", "name"}, bare_env()).status, 1);  // no role on prod

    // set-context changes one field of a context: the default sandbox.
    ASSERT_EQ(run_ferry({"config", "set-context", "prod-admin", "--sandbox", "dev"}, bare_env()).status, 0);
    EXPECT_EQ(run_ferry({"campaigns", "ls", "--context", "prod-admin", "-o", "name"}, bare_env()).out, id + "\n");
    // FERRY_SANDBOX beats the context's default.
    auto env = bare_env();
    env.push_back("FERRY_SANDBOX=prod");
    EXPECT_EQ(run_ferry({"campaigns", "ls", "--context", "prod-admin", "-o", "name"}, env).out, "");

    // An unknown context, or no sandbox anywhere, is a usage error.
    const Outcome unknown = run_ferry({"sandboxes", "ls", "--context", "nope"}, bare_env());
    EXPECT_EQ(unknown.status, 2) << describe(unknown);
    EXPECT_NE(unknown.err.find("no context 'nope'"), std::string::npos) << unknown.err;
    EXPECT_EQ(run_ferry({"config", "use-context", "nope"}, bare_env()).status, 1);
    auto no_context = env_for(editor);
    no_context[2] = "XDG_CONFIG_HOME=" + (home / "elsewhere").string();
    const Outcome no_sandbox = run_ferry({"campaigns", "ls"}, no_context);
    EXPECT_EQ(no_sandbox.status, 2) << describe(no_sandbox);
    EXPECT_NE(no_sandbox.err.find("-s/--sandbox"), std::string::npos) << no_sandbox.err;

    // Both files private.
    for (const char* name : {"config.json", "credentials.json"}) {
        struct stat st {};
        ASSERT_EQ(::stat((home / "config" / "ferry" / name).c_str(), &st), 0) << name;
        EXPECT_EQ(st.st_mode & 0777, 0600U) << name;
    }
}

// A profile written by the ferry of before contexts keeps working, and is migrated on read.
TEST_F(Cli, AProfileFromBeforeContextsIsMigratedOnRead) {
    const fs::path dir = home / "config" / "ferry";
    fs::create_directories(dir);
    const fs::path profile = dir / "config.json";
    std::ofstream(profile) << json::serialize(
        json::object{{"server", server->base_url()}, {"tenant", "acme"}, {"token", editor}});
    ::chmod(profile.c_str(), 0600);

    const Outcome listed = run_ferry({"sandboxes", "ls", "-o", "name"}, bare_env());
    ASSERT_EQ(listed.status, 0) << describe(listed);
    EXPECT_EQ(listed.out, "dev\n");  // the editor sees dev only

    const auto migrated = json::parse(read_file(profile));
    EXPECT_EQ(migrated.at("current_context"), "default");
    EXPECT_EQ(migrated.at("contexts").at("default").at("server"), json::value(server->base_url()));
    EXPECT_EQ(read_file(profile).find(editor), std::string::npos);
    const fs::path credentials = dir / "credentials.json";
    EXPECT_EQ(json::parse(read_file(credentials)).at("tokens").at("default"), json::value(editor));
    struct stat st {};
    ASSERT_EQ(::stat(credentials.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(run_ferry({"sandboxes", "ls", "-o", "name"}, bare_env()).out, "dev\n");  // and again, migrated
}

TEST_F(Cli, LogoutForgetsTheContextsToken) {
    ASSERT_EQ(run_ferry({"login", "--server", server->base_url()}, bare_env(), editor + "\n").status, 0);
    ASSERT_EQ(run_ferry({"whoami"}, bare_env()).status, 0);
    const Outcome out = run_ferry({"logout"}, bare_env());
    ASSERT_EQ(out.status, 0) << describe(out);
    EXPECT_NE(out.out.find("logged out of context default"), std::string::npos) << out.out;
    EXPECT_EQ(read_file(home / "config" / "ferry" / "credentials.json").find(editor), std::string::npos);
    const Outcome after = run_ferry({"whoami"}, bare_env());
    EXPECT_EQ(after.status, 2) << describe(after);
    EXPECT_NE(after.err.find("no token"), std::string::npos) << after.err;
    // The context itself stays: server and tenant, to log in again.
    EXPECT_NE(run_ferry({"config", "get-contexts"}, bare_env()).out.find("default"), std::string::npos);
    EXPECT_EQ(run_ferry({"logout"}, bare_env()).status, 0);  // nothing left to forget
}

TEST_F(Cli, OutputFormatsAndJq) {
    const auto admin = env_for(acme.admin_token);
    const auto direct = c->get("/v1/tenants/acme/sandboxes", acme.admin_token).json();

    const Outcome as_json = run_ferry({"sandboxes", "ls", "-o", "json"}, admin);
    ASSERT_EQ(as_json.status, 0) << describe(as_json);
    EXPECT_EQ(json::parse(as_json.out).at("items"), direct.at("items"));

    const Outcome names = run_ferry({"sandboxes", "ls", "-o", "name"}, admin);
    EXPECT_EQ(names.out, "dev\nprod\n") << describe(names);

    const Outcome yaml = run_ferry({"sandboxes", "get", "dev", "-o", "yaml"}, admin);
    ASSERT_EQ(yaml.status, 0) << describe(yaml);
    EXPECT_NE(yaml.out.find("id: dev\n"), std::string::npos) << yaml.out;
    EXPECT_NE(yaml.out.find("type: development\n"), std::string::npos) << yaml.out;
    // Timestamps are quoted: a YAML reader would otherwise take them for dates.
    EXPECT_TRUE(std::regex_search(yaml.out, std::regex(R"(created_at: "20\d\d-)"))) << yaml.out;
    const Outcome list_yaml = run_ferry({"sandboxes", "ls", "-o", "yaml"}, admin);
    EXPECT_NE(list_yaml.out.find("items:\n  - "), std::string::npos) << list_yaml.out;
    // Text YAML reads as something else is quoted; a list of objects is a sequence of mappings.
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(
        ferry({"campaigns", "edit", id, "-s", "dev", "--set", "name=yes: 10% #1", "--set", "description=true"}).status,
        0);
    const Outcome campaign = ferry({"campaigns", "get", id, "-s", "dev", "-o", "yaml"});
    EXPECT_NE(campaign.out.find("name: \"yes: 10% #1\"\n"), std::string::npos) << campaign.out;
    EXPECT_NE(campaign.out.find("description: \"true\"\n"), std::string::npos) << campaign.out;
    EXPECT_NE(campaign.out.find("channels:\n  - email\n"), std::string::npos) << campaign.out;
    EXPECT_NE(campaign.out.find("\n    subject: Hello\n"), std::string::npos) << campaign.out;

    const Outcome wide = run_ferry({"sandboxes", "ls", "-o", "wide"}, admin);
    EXPECT_EQ(wide.out.rfind("ID ", 0), 0U) << wide.out;
    EXPECT_NE(wide.out.find("CREATED"), std::string::npos) << wide.out;
    EXPECT_EQ(run_ferry({"sandboxes", "ls"}, admin).out.find("CREATED"), std::string::npos);

    // --jq as gh: strings bare, anything else compact JSON, one result a line.
    const Outcome ids = run_ferry({"sandboxes", "ls", "--jq", ".items[].id"}, admin);
    EXPECT_EQ(ids.out, "dev\nprod\n") << describe(ids);
    const Outcome object = run_ferry({"sandboxes", "get", "dev", "--jq", "{id, type}"}, admin);
    EXPECT_EQ(object.out, R"({"id":"dev","type":"development"})"
                          "\n")
        << describe(object);
    const Outcome bad = run_ferry({"sandboxes", "ls", "--jq", ".items[."}, admin);
    EXPECT_EQ(bad.status, 2) << describe(bad);
    EXPECT_NE(bad.err.find("--jq"), std::string::npos) << bad.err;
    EXPECT_EQ(run_ferry({"sandboxes", "ls", "-o", "xml"}, admin).status, 2);
}

// ferry campaigns ls marks campaigns with alerts ('!') and a draft version ('D'); get lists the alerts.
TEST_F(Cli, CampaignsShowAlertAndDraftVersionMarkers) {
    const std::string base = "/v1/tenants/acme/sandboxes/dev/campaigns/";
    const std::string plain = create_campaign("plain");
    const std::string alerted = create_campaign("alerted");
    const std::string drafted = create_campaign("drafted");
    for (const auto& id : {alerted, drafted})
        ASSERT_EQ(c->post(base + id + "/actions/activate", "{}", editor).status, 200);
    ASSERT_EQ(
        c->post(base + alerted + "/execution-events", R"({"type":"warning","reason":"bounces at 4%"})", editor).status,
        200);
    ASSERT_EQ(c->patch(base + drafted, R"({"name":"Next"})", editor, "*").status, 200);

    const Outcome ls = ferry({"campaigns", "ls", "-s", "dev"});
    ASSERT_EQ(ls.status, 0) << describe(ls);
    auto row_of = [&](const std::string& id) {
        std::istringstream in(ls.out);
        for (std::string line; std::getline(in, line);)
            if (line.rfind(id, 0) == 0) return split_words(line);
        return std::vector<std::string>{};
    };
    EXPECT_EQ(split_words(ls.out.substr(0, ls.out.find('\n')))[4], "MARKS") << ls.out;
    EXPECT_EQ(row_of(plain).at(5), "-") << ls.out;  // ID KEY NAME(2 words) STATUS MARKS
    EXPECT_EQ(row_of(alerted).at(5), "!") << ls.out;
    EXPECT_EQ(row_of(drafted).at(5), "D") << ls.out;

    const Outcome get = ferry({"campaigns", "get", alerted, "-s", "dev"});
    ASSERT_EQ(get.status, 0) << describe(get);
    EXPECT_NE(get.out.find("warning: bounces at 4%"), std::string::npos) << get.out;
    EXPECT_NE(ferry({"campaigns", "get", plain, "-s", "dev"}).out.find("none"), std::string::npos);
}

// Paged lists are read page after page; --limit stops early, with the cursor of the rest.
TEST_F(Cli, ListsPageByThemselvesUntilLimit) {
    std::set<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.insert(create_campaign("c" + std::to_string(i)));

    const Outcome all = ferry({"campaigns", "ls", "-s", "dev", "--page-size", "2", "-o", "json", "--verbose"});
    ASSERT_EQ(all.status, 0) << describe(all);
    const auto body = json::parse(all.out);
    std::set<std::string> seen;
    for (const auto& item : body.at("items").as_array()) seen.insert(std::string(item.at("id").as_string()));
    EXPECT_EQ(seen, ids);
    EXPECT_TRUE(body.at("next_cursor").is_null());
    const std::regex request(R"(ferry: GET /v1/tenants/acme/sandboxes/dev/campaigns -> 200 \(request id [^)]+\))");
    const auto count = std::distance(std::sregex_iterator(all.err.begin(), all.err.end(), request), {});
    EXPECT_EQ(count, 3) << all.err;  // 2 + 2 + 1

    const Outcome limited = ferry({"campaigns", "ls", "-s", "dev", "--page-size", "2", "--limit", "3"});
    ASSERT_EQ(limited.status, 0) << describe(limited);
    EXPECT_EQ(std::count(limited.out.begin(), limited.out.end(), '\n'), 4) << limited.out;  // header + 3
    EXPECT_NE(limited.err.find("3 of 5 shown; the rest: --cursor "), std::string::npos) << limited.err;
    const Outcome names = ferry({"campaigns", "ls", "-s", "dev", "--limit", "2", "-o", "name"});
    EXPECT_EQ(std::count(names.out.begin(), names.out.end(), '\n'), 2) << names.out;
    // Lists the server does not page stop at --limit as well.
    EXPECT_EQ(run_ferry({"sandboxes", "ls", "--limit", "1", "-o", "name"}, env_for(acme.admin_token)).out, "dev\n");
}

TEST_F(Cli, VerboseLinesAndErrorsEndWithTheRequestId) {
    const Outcome shown = ferry({"sandboxes", "get", "dev", "-v"});
    ASSERT_EQ(shown.status, 0) << describe(shown);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        shown.err, m,
        std::regex(R"(ferry: GET /v1/tenants/acme/sandboxes/dev -> 200 \(request id ([A-Za-z0-9._-]+)\)\n)")))
        << shown.err;

    const Outcome missing = ferry({"sandboxes", "get", "nope", "--verbose"});
    EXPECT_EQ(missing.status, 1) << describe(missing);
    ASSERT_TRUE(std::regex_search(missing.err, m, std::regex(R"(-> 404 \(request id ([A-Za-z0-9._-]+)\))")))
        << missing.err;
    const std::string id = m[1];
    EXPECT_NE(missing.err.find("ferry: not_found: "), std::string::npos) << missing.err;
    EXPECT_TRUE(std::regex_search(missing.err, std::regex("ferry: not_found: .*\\(request id " + id + "\\)\n")))
        << missing.err;
    // The id is the one ferryd logged and answered with.
    EXPECT_EQ(c->get("/v1/tenants/acme/sandboxes/nope", editor).status, 404);

    // A refusal reported by the command itself ends with the id too.
    const Outcome forbidden = ferry({"users", "ls"});
    EXPECT_TRUE(std::regex_search(forbidden.err, std::regex(R"(tenant_admin permission.* \(request id [^)]+\)\n)")))
        << forbidden.err;
}

TEST_F(Cli, Exit6WhenTheServerCannotBeReached) {
    ASSERT_EQ(ferry({"sandboxes", "ls"}).status, 0);
    server->terminate();
    const Outcome gone = ferry({"sandboxes", "ls"});
    EXPECT_EQ(gone.status, 6) << describe(gone);
    EXPECT_EQ(gone.err.rfind("ferry: cannot reach " + server->base_url() + ": ", 0), 0U) << gone.err;
    EXPECT_TRUE(std::regex_search(gone.err, std::regex(R"(\(request id ferry-[0-9a-f]+\)\n$)"))) << gone.err;
}

TEST_F(Cli, Exit7WithARevokedToken) {
    const auto made = c->post("/v1/tenants/acme/users/editor/tokens", R"({"name":"short-lived"})", acme.admin_token);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string token(made.json().at("token").as_string());
    const std::string token_id(made.json().at("id").as_string());
    EXPECT_EQ(run_ferry({"sandboxes", "ls"}, env_for(token)).status, 0);
    ASSERT_EQ(c->del("/v1/tenants/acme/users/editor/tokens/" + token_id, acme.admin_token).status, 204);
    const Outcome revoked = run_ferry({"sandboxes", "ls"}, env_for(token));
    EXPECT_EQ(revoked.status, 7) << describe(revoked);
    EXPECT_TRUE(std::regex_search(revoked.err, std::regex(R"(^ferry: \S+: .*\(request id [^)]+\)\n)"))) << revoked.err;
}

TEST_F(Cli, PackagesDiffExitCodeSaysWhetherVersionsDiffer) {
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "-s", "dev", "--campaign", id}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    ASSERT_EQ(ferry({"campaigns", "edit", id, "-s", "dev", "--set", "description=now described"}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);

    const Outcome differ = ferry({"packages", "diff", "spring", "--from", "1", "--to", "2", "--exit-code"});
    EXPECT_EQ(differ.status, 1) << describe(differ);
    EXPECT_NE(differ.out.find("~ campaigns/welcome.json"), std::string::npos) << differ.out;
    EXPECT_NE(differ.out.find("spec.description: \"\" -> \"now described\""), std::string::npos) << differ.out;
    EXPECT_EQ(ferry({"packages", "diff", "spring", "--from", "1", "--to", "2", "--exit-code", "-o", "json"}).status, 1);
    const Outcome same = ferry({"packages", "diff", "spring", "--from", "2", "--to", "2", "--exit-code"});
    EXPECT_EQ(same.status, 0) << describe(same);
    EXPECT_NE(same.out.find("no changes"), std::string::npos) << same.out;
    // As `diff`, without any flag.
    EXPECT_EQ(ferry({"packages", "diff", "spring", "--from", "1", "--to", "2"}).status, 1);
    EXPECT_EQ(ferry({"packages", "diff", "spring", "--from", "1", "--to", "1"}).status, 0);
}

TEST_F(Cli, ImportPlanShowsFieldLevelChangesPerObject) {
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "-s", "dev", "--campaign", id}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    const auto admin = env_for(acme.admin_token);
    const Outcome first = run_ferry({"import", "plan", "-s", "prod", "-p", "spring", "--version", "1"}, admin);
    ASSERT_EQ(first.status, 0) << describe(first);
    EXPECT_NE(first.out.find("+ campaign/welcome"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("+ segment/vip"), std::string::npos) << first.out;
    ASSERT_EQ(run_ferry({"import", "apply", "-s", "prod", "-p", "spring", "--version", "1"}, admin).status, 0);

    ASSERT_EQ(ferry({"campaigns", "edit", id, "-s", "dev", "--set", "content.email.subject=Version 2", "--set",
                     "tags=spring,promo"})
                  .status,
              0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    const Outcome plan = run_ferry({"import", "plan", "-s", "prod", "-p", "spring", "--version", "2"}, admin);
    ASSERT_EQ(plan.status, 0) << describe(plan);
    EXPECT_TRUE(std::regex_search(plan.out, std::regex(R"(~ campaign/welcome  \(update, cmp_)"))) << plan.out;
    EXPECT_NE(plan.out.find("    spec.content.email.subject: \"Hello\" -> \"Version 2\"\n"), std::string::npos)
        << plan.out;
    EXPECT_NE(plan.out.find("    tags: [\"spring\"] -> [\"spring\",\"promo\"]\n"), std::string::npos) << plan.out;
    // The segment is identical: skipped, not listed as a change; the plan still ends with its verdict.
    EXPECT_EQ(plan.out.find("segment/vip  ("), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find("ready: "), std::string::npos) << plan.out;
}

TEST_F(Cli, ReviewsShowRendersTheContentAsRecipientsGetIt) {
    const std::string base = "/v1/tenants/acme/sandboxes/dev/";
    const auto tpl =
        c->post(base + "templates",
                R"({"key":"hello-mail","name":"Hello mail","channel":"email",)"
                R"("subject":"Hi {{first_name}}","body":"<p>Spring is here, {{first_name}}.</p>\nSee you"})",
                editor);
    ASSERT_EQ(tpl.status, 201) << tpl.body;
    const std::string tpl_id(tpl.json().at("id").as_string());
    const std::string id = create_campaign("welcome");  // makes the segment vip
    ASSERT_EQ(
        c->patch(base + "campaigns/" + id, R"({"content":{"email":{"template":")" + tpl_id + R"("}}})", editor, "*")
            .status,
        200);
    const std::string policy = R"({"name":"Dev email","scope":"campaign","approvers":{"role":"reviewer"},)"
                               R"("conditions":{"all":[{"field":"sandbox","op":"equals","value":"dev"}]}})";
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies", policy, acme.admin_token).status, 201);
    ASSERT_EQ(ferry({"campaigns", "submit", id, "-s", "dev"}).status, 0);

    const auto reviewer = env_for(acme.token_of.at("reviewer"));
    const Outcome queue = run_ferry({"reviews", "ls", "--mine", "-o", "name"}, reviewer);
    ASSERT_EQ(queue.status, 0) << describe(queue);
    const std::string review = queue.out.substr(0, queue.out.find('\n'));
    ASSERT_EQ(review.rfind("rev_", 0), 0U) << queue.out;

    const Outcome shown = run_ferry({"reviews", "show", review}, reviewer);
    ASSERT_EQ(shown.status, 0) << describe(shown);
    EXPECT_NE(shown.out.find("email  (template hello-mail, Hello mail)"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("  Subject: Hi {{first_name}}\n"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("\n  <p>Spring is here, {{first_name}}.</p>\n  See you\n"), std::string::npos)
        << shown.out;
    EXPECT_NE(shown.out.find("VIP (segment vip)"), std::string::npos) << shown.out;
    EXPECT_EQ(shown.out.find(tpl_id), std::string::npos) << "the template by its content, not its id\n" << shown.out;
    EXPECT_EQ(shown.out.find(segment), std::string::npos) << "the audience by its name, not its id\n" << shown.out;
}

TEST_F(Cli, CompletionScriptsForThreeShellsCompleteIdsFromTheServer) {
    for (const std::string shell : {"bash", "zsh", "fish"}) {
        const Outcome script = run_ferry({"completion", shell}, bare_env());
        ASSERT_EQ(script.status, 0) << describe(script);
        EXPECT_NE(script.out.find("ferry __complete --"), std::string::npos) << script.out;
        const fs::path file = home / ("ferry." + shell);
        std::ofstream(file) << script.out;
        const std::string checker = shell == "bash" ? "/bin/bash" : "/usr/bin/" + shell;
        if (!fs::exists(checker)) {
            std::cerr << "no " << checker << ": the " << shell << " script is generated but not parsed\n";
            continue;
        }
        const std::string command =
            shell == "fish" ? checker + " --no-execute " + file.string() : checker + " -n " + file.string();
        EXPECT_EQ(std::system((command + " 2>&1").c_str()), 0) << command << "\n" << script.out;
    }

    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "-s", "dev", "--campaign", id}).status, 0);
    const auto complete = [this](std::vector<std::string> words) {
        words.insert(words.begin(), {"__complete", "--"});
        const Outcome r = ferry(words);
        EXPECT_EQ(r.status, 0) << describe(r);
        return r.out;
    };
    EXPECT_EQ(complete({"camp"}), "campaigns\n");
    EXPECT_NE(complete({"campaigns", ""}).find("activate-draft\n"), std::string::npos);
    EXPECT_EQ(complete({"campaigns", "ls", "-s", ""}), "dev\n");  // the sandboxes the editor sees
    EXPECT_EQ(complete({"campaigns", "get", "-s", "dev", ""}), id + "\n");
    EXPECT_EQ(complete({"campaigns", "pause", "--sandbox=dev", "cmp"}), id + "\n");
    EXPECT_EQ(complete({"packages", "publish", ""}), "spring\n");
    EXPECT_EQ(complete({"import", "plan", "-p", "sp"}), "spring\n");
    EXPECT_EQ(complete({"-o", ""}), "table\nwide\njson\nyaml\nname\n");
    EXPECT_NE(complete({"campaigns", "ls", "--"}).find("--sandbox\n"), std::string::npos);
    EXPECT_EQ(complete({"completion", "f"}), "fish\n");

    // bash, end to end: the script sourced, a completion asked for as bash would.
    const fs::path script = home / "ferry.bash";
    const std::string bin_dir = fs::path(FERRY_CLI_PATH).parent_path().string();
    const std::string program = "source " + script.string() +
                                "; COMP_WORDS=(ferry campaigns get -s dev ''); COMP_CWORD=5; _ferry; "
                                "printf '%s\\n' \"${COMPREPLY[@]}\"";
    auto env = env_for(editor);
    env[0] = "PATH=" + bin_dir + ":/usr/bin:/bin";
    const Outcome bash = [&] {
        std::vector<std::string> args{"-c", program};
        return run_ferry_as("/bin/bash", args, env);
    }();
    EXPECT_EQ(bash.out, id + "\n") << describe(bash);

    // fish, end to end, where installed: its own `complete -C` asks the script.
    if (fs::exists("/usr/bin/fish")) {
        const std::vector<std::string> args{
            "--no-config", "-c",
            "source " + (home / "ferry.fish").string() + "; complete -C 'ferry campaigns get -s dev '"};
        const Outcome fish = run_ferry_as("/usr/bin/fish", args, env);
        EXPECT_EQ(fish.out, id + "\n") << describe(fish);
    }
}

// Against ferryd: publishing content identical to the latest version makes none (exit 0, and
// says so); --allow-empty makes one.
TEST_F(Cli, PublishingUnchangedContentMakesNoVersionThroughFerryd) {
    const std::string id = create_campaign("welcome");
    ASSERT_EQ(ferry({"packages", "create", "spring", "-s", "dev", "--campaign", id}).status, 0);
    ASSERT_EQ(ferry({"packages", "publish", "spring"}).status, 0);
    const Outcome again = ferry({"packages", "publish", "spring"});
    EXPECT_EQ(again.status, 0) << describe(again);
    EXPECT_NE(again.out.find("unchanged: spring is the same as its latest version, v1"), std::string::npos)
        << again.out;
    const Outcome forced = ferry({"packages", "publish", "spring", "--allow-empty"});
    EXPECT_EQ(forced.status, 0) << describe(forced);
    const auto versions = c->get("/v1/tenants/acme/packages/spring/versions", editor).json().at("items").as_array();
    EXPECT_EQ(versions.size(), 2U);
}

// The same, against a server scripted to answer as ferryd does: the request bodies sent.
TEST_F(Cli, PublishingUnchangedContentSaysSoAndAllowEmptyAsksForAVersion) {
    ScriptedServer latest({}, 200, R"({"version":3,"tag":"packages/spring/v3","digest":"sha256:ab","unchanged":true})");
    auto env = bare_env();
    env.push_back("FERRY_SERVER=" + latest.url());
    env.push_back("FERRY_TENANT=acme");
    env.push_back("FERRY_TOKEN=" + editor);
    const Outcome unchanged = run_ferry({"packages", "publish", "spring"}, env);
    EXPECT_EQ(unchanged.status, 0) << describe(unchanged);
    EXPECT_NE(unchanged.out.find("unchanged: spring is the same as its latest version, v3 (packages/spring/v3)"),
              std::string::npos)
        << unchanged.out;
    EXPECT_EQ(run_ferry({"packages", "publish", "spring", "--allow-empty"}, env).status, 0);
    const auto bodies = latest.bodies();
    ASSERT_EQ(bodies.size(), 2U);
    EXPECT_EQ(json::parse(bodies[0]), json::parse("{}"));
    EXPECT_EQ(json::parse(bodies[1]), json::parse(R"({"allow_empty":true})"));
}

// `ferry in-app-priority get|set`: the order as a table, set by listing the ids first to last
// (the ETag round trip done for the user), refusals with the server's message.
TEST_F(Cli, InAppPriorityGetAndSet) {
    const std::string base = "/v1/tenants/acme/sandboxes/dev/campaigns";
    const auto live = [&](const std::string& key, const std::string& priority) {
        auto res = c->post(
            base,
            R"({"key":")" + key + R"(","name":"Banner )" + key +
                R"(","type":"api_triggered","channels":["in_app"],"content":{"in_app":{"body":"Hi","priority":")" +
                priority + R"("}}})",
            editor);
        EXPECT_EQ(res.status, 201) << res.body;
        const std::string id(res.json().at("id").as_string());
        EXPECT_EQ(c->post(base + "/" + id + "/actions/activate", "{}", editor).status, 200);
        return id;
    };
    const std::string first = live("first", "medium");
    const std::string second = live("second", "medium");
    const std::string low = live("bottom", "low");
    const auto order_in = [](const std::string& out) {
        std::vector<std::string> keys;
        std::istringstream in(out);
        std::string line;
        std::getline(in, line);
        EXPECT_EQ(split_words(line),
                  (std::vector<std::string>{"RANK", "LEVEL", "ID", "KEY", "NAME", "STATUS", "DRAFT"}));
        while (std::getline(in, line)) keys.push_back(split_words(line).at(3));
        return keys;
    };

    const Outcome got = ferry({"in-app-priority", "get", "-s", "dev"});
    ASSERT_EQ(got.status, 0) << describe(got);
    EXPECT_EQ(order_in(got.out), (std::vector<std::string>{"first", "second", "bottom"})) << got.out;

    const Outcome set = ferry({"in-app-priority", "set", second, first, low, "-s", "dev"});
    ASSERT_EQ(set.status, 0) << describe(set);
    EXPECT_EQ(order_in(set.out), (std::vector<std::string>{"second", "first", "bottom"})) << set.out;
    const auto json_order = json::parse(ferry({"in-app-priority", "get", "-s", "dev", "-o", "json"}).out);
    EXPECT_EQ(json_order.at("items").as_array()[0].at("id"), json::value(second));

    // Refused: the server's code and message, exit 1, nothing changed.
    const Outcome crossing = ferry({"in-app-priority", "set", low, second, first, "-s", "dev"});
    EXPECT_EQ(crossing.status, 1) << describe(crossing);
    EXPECT_NE(crossing.err.find("invalid_field"), std::string::npos) << crossing.err;
    EXPECT_NE(crossing.err.find("cannot win after"), std::string::npos) << crossing.err;
    const Outcome missing = ferry({"in-app-priority", "set", second, first, "-s", "dev"});
    EXPECT_EQ(missing.status, 1) << describe(missing);
    EXPECT_NE(missing.err.find("left out"), std::string::npos) << missing.err;
    // A script's list based on an order that has changed since: exit 1, with what to do.
    const std::string read = c->get("/v1/tenants/acme/sandboxes/dev/in-app-priority", editor).header("etag");
    live("newcomer", "high");
    const Outcome stale = ferry({"in-app-priority", "set", second, first, low, "-s", "dev", "--if-match", read});
    EXPECT_EQ(stale.status, 1) << describe(stale);
    EXPECT_NE(stale.err.find("changed since it was read"), std::string::npos) << stale.err;
    EXPECT_EQ(order_in(ferry({"in-app-priority", "get", "-s", "dev"}).out),
              (std::vector<std::string>{"newcomer", "second", "first", "bottom"}));
    // A viewer reads it but cannot set it.
    const auto viewer = env_for(acme.token_of.at("viewer"));
    EXPECT_EQ(run_ferry({"in-app-priority", "get", "-s", "dev"}, viewer).status, 0);
    const Outcome refused = run_ferry({"in-app-priority", "set", second, first, low, "-s", "dev"}, viewer);
    EXPECT_EQ(refused.status, 1) << describe(refused);
    EXPECT_NE(refused.err.find("forbidden"), std::string::npos) << refused.err;
}
