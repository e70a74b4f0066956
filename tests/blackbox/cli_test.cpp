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

// Runs ferry with exactly the given environment (nothing inherited, so no stray FERRY_*
// variable of the machine running the tests leaks in), the given stdin, and stdout and stderr
// captured apart.
Outcome run_ferry(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::string& input = "") {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
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

// An HTTP server that answers its requests with scripted statuses (then 201 for good) and records
// each request's Idempotency-Key: a server that fails for a while, as seen by a retrying client.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
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
            int status = 201;
            {
                std::lock_guard lock(mutex_);
                if (keys_.size() < statuses_.size()) status = statuses_[keys_.size()];
                keys_.push_back(key);
            }
            const std::string body =
                status == 201 ? R"({"id":"imp_scripted","status":"applied","package":"spring","version":1,"items":[]})"
                              : R"({"error":{"code":"storage_unavailable","message":"try again","details":{}}})";
            const std::string response =
                "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nContent-Type: application/json\r\n" +
                "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0) ADD_FAILURE() << "scripted send failed";
            ::close(fd);
        }
    }

    std::vector<int> statuses_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> running_{true};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> keys_;
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

// The command paths listed in the generated bash completion script.
std::vector<std::string> command_paths(const std::string& script) {
    std::vector<std::string> paths;
    std::istringstream in(script);
    std::string line;
    bool inside = false;
    const std::regex entry(R"re(^  "([a-z0-9 -]+)"$)re");
    while (std::getline(in, line)) {
        if (line == "_ferry_commands=(")
            inside = true;
        else if (line == ")")
            inside = false;
        else if (std::smatch m; inside && std::regex_match(line, m, entry))
            paths.push_back(m[1]);
    }
    return paths;
}

std::vector<std::string> split_words(const std::string& path) {
    std::vector<std::string> words;
    std::istringstream in(path);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

TEST_F(Cli, EveryCommandAnswersHelp) {
    // The tree comes from the completion script, which is generated from the parser itself, and
    // needs no server: none is configured here.
    const Outcome completion = run_ferry({"completion", "bash"}, bare_env());
    ASSERT_EQ(completion.status, 0) << describe(completion);
    const auto paths = command_paths(completion.out);
    const std::set<std::string> found(paths.begin(), paths.end());
    const std::vector<std::string> expected = {"login",
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
         {"  0  ok", "  1  error", "  2  usage", "  3  ", "  4  waiting on approval", "  5  verification failed"})
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
    for (const std::string internal : {"412", "HTTP", "If-Match", "precondition", "{"})
        EXPECT_EQ(edit.err.find(internal), std::string::npos) << internal << " in\n" << edit.err;
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
    const auto stored = json::parse(read_file(profile));
    EXPECT_EQ(stored.at("server"), json::value(server->base_url()));
    EXPECT_EQ(stored.at("tenant"), "acme");
    EXPECT_EQ(stored.at("token"), json::value(editor));

    // A token that does not authenticate is not stored.
    auto with_bad_token = bare_env();
    with_bad_token.push_back("FERRY_TOKEN=fry_notavalidtoken");
    EXPECT_EQ(run_ferry({"login", "--server", server->base_url(), "--tenant", "acme"}, with_bad_token).status, 1);
    EXPECT_EQ(json::parse(read_file(profile)).at("token"), json::value(editor));

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
    EXPECT_EQ(unreachable.status, 1) << describe(unreachable);
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
        EXPECT_EQ(missing.err.find(internal), std::string::npos) << missing.err;

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
    ASSERT_EQ(ferry({"campaigns", "edit", id, "-s", "dev", "--set", "content.email.subject=Version 2"}).status, 0);
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
