// Whole requests through ferry::api::App::handle, the application behind the HTTP server
// (routing, authentication, authorization, handlers, error mapping), against a real SQLite
// store, git package store and key store in a temporary directory. No Beast: App takes the plain
// http::Request.
//
// A world is built once through the API itself (tenants acme and globex, sandboxes dev and prod,
// one user per role, a segment, a template, campaigns, an approval policy, a review, a published
// package version, an import, a webhook) and kept as a template directory; every input runs on a
// fresh copy of it, so an input's effect does not depend on the inputs before it.
//
// Input: sections (see fuzz_support.hpp), one request each, at most 12:
//   --- <as> <METHOD> <request-target>
//   if-match: *                 header lines ("name: value"), up to the first line that is not one
//   {"name":"x"}                the body (content-type application/json unless a header says else)
// <as>: operator, admin, editor, reviewer, viewer, importer (acme's users), other (globex's admin),
// none (no Authorization header; an authorization header line still counts).
// Placeholders {tenant} {other_tenant} {sandbox} {prod} {segment} {template} {campaign}
// {live_campaign} {prod_campaign} {policy} {package} {version} {import} {review} {webhook} {user}
// {token} {new} (the "id" of this input's last 2xx answer) are replaced in the target, the header
// values and the body.
//
// Methods that are not RFC 9110 tokens are skipped: the HTTP server refuses them before App.
//
// Properties: App::handle answers every request with a known status, never 5xx (500 is an
// unhandled exception, 503 a storage error: both are bugs here); JSON answers parse (as UTF-8,
// which RFC 8259 requires between systems); a request
// without credentials succeeds only on public routes; a tenant's user never gets a 2xx on another
// tenant's path.

#include "api/app.hpp"
#include "api/routes.hpp"
#include "core/time.hpp"
#include "fuzz_support.hpp"
#include "keys/key_store.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "packager/git_store.hpp"
#include "scheduler/scheduler.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tenancy/token_format.hpp"

#include <boost/url/parse.hpp>
#include <dlfcn.h>
#include <netdb.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

using namespace ferry;
namespace fs = std::filesystem;
namespace json = boost::json;

// Webhook destinations are checked with getaddrinfo. A fuzzer must not send DNS queries for the
// host names it invents: in this executable, names resolve only when they are numeric addresses
// (and "localhost"), never through the network. Linking this definition interposes libc's.
extern "C" int getaddrinfo(const char* __restrict node, const char* __restrict service,
                           const struct addrinfo* __restrict hints, struct addrinfo** __restrict res) {
    using Real = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
    static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "getaddrinfo"));
    if (real == nullptr) return EAI_FAIL;
    addrinfo numeric = hints != nullptr ? *hints : addrinfo{};
    numeric.ai_flags |= AI_NUMERICHOST;
    if (node != nullptr && std::string_view(node) == "localhost") node = "127.0.0.1";
    return real(node, service, &numeric, res);
}

namespace {

constexpr std::string_view operator_secret = "fuzz-operator-token";

struct Env {
    explicit Env(const fs::path& dir)
        : store(open_sqlite_store({dir / "ferry.db"})),
          clock(*parse_rfc3339("2026-01-05T10:00:00Z")),
          git(dir / "git"),
          keys(dir / "keys"),
          scheduler(*store, clock, std::chrono::milliseconds(1000)),
          services{.store = *store,
                   .clock = clock,
                   .metrics = metrics,
                   .ready = [] { return true; },
                   .openapi = "{}",
                   .operator_token_hash = token_format::hash(operator_secret),
                   .max_json_depth = 64,
                   .test_clock = &clock,
                   .run_scheduler = [this] { scheduler.run_once(); },
                   .allow_private_webhooks = false,
                   .keys = &keys,
                   .git = &git,
                   .crash_hook = {}},
          app(services, api::routes(true)) {}

    std::unique_ptr<Store> store;
    ManualClock clock;
    Metrics metrics{"fuzz"};
    packager::GitStore git;
    keys::FileKeyStore keys;
    Scheduler scheduler;  // run by POST /v1/operator/clock, never on its own thread
    api::Services services;
    api::App app;
};

struct World {
    fs::path root;                              // owned temporary directory
    fs::path templ;                             // the built world, never touched after
    fs::path work;                              // the copy an input runs on
    std::map<std::string, std::string> tokens;  // as -> bearer secret
    std::map<std::string, std::string> ids;     // placeholder -> value
};

http::Response call(api::App& app, const std::string& token, const std::string& method, const std::string& target,
                    const std::string& body = "", std::vector<http::Header> headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    if (!token.empty()) req.headers.push_back({"authorization", "Bearer " + token});
    if (!body.empty()) req.headers.push_back({"content-type", "application/json"});
    for (auto& h : headers) req.headers.push_back(std::move(h));
    req.body = body;
    req.remote = "fuzz";
    return app.handle(req);
}

std::optional<json::object> answer_object(const http::Response& res) {
    auto v = fuzz::parse_json(res.body);
    if (v && v->is_object()) return std::move(v->get_object());
    return std::nullopt;
}

std::string field(const http::Response& res, std::string_view name) {
    const auto o = answer_object(res);
    if (!o) return {};
    const auto* v = o->if_contains(name);
    if (v == nullptr) return {};
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64()) return std::to_string(v->get_int64());
    return {};
}

bool verbose() {
    static const bool v = std::getenv("FERRY_FUZZ_VERBOSE") != nullptr;
    return v;
}

// One setup request; `required` ones end the run when they fail (the world would be meaningless).
http::Response step(api::App& app, const std::string& token, const std::string& method, const std::string& target,
                    const std::string& body, bool required) {
    http::Response res = call(app, token, method, target, body);
    if (verbose() || (res.status >= 300 && required))
        std::fprintf(stderr, "world: %s %s -> %d %s\n", method.c_str(), target.c_str(), res.status,
                     res.body.substr(0, 300).c_str());
    if (res.status >= 300 && required)
        fuzz::fail("building the world failed", method + " " + target + " -> " + res.body);
    return res;
}

// The world lives in <base>/ferry-fuzz-app-<pid>-XXXXXX, removed at exit. A crash (the point of
// fuzzing) skips that, so directories of processes that no longer exist are removed at start.
fs::path temp_root() {
    std::string base;
    if (const char* dir = std::getenv("FERRY_FUZZ_TMPDIR"); dir != nullptr && *dir != '\0')
        base = dir;
    else if (::access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";  // fsync is free on tmpfs
    else
        base = fs::temp_directory_path().string();
    constexpr std::string_view prefix = "ferry-fuzz-app-";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix)) continue;
        const std::string rest = name.substr(prefix.size());
        const std::size_t dash = rest.find('-');
        if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789") != dash) continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
    }
    std::string templ = base + "/" + std::string(prefix) + std::to_string(::getpid()) + "-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) fuzz::fail("mkdtemp failed", templ);
    return templ;
}

World* the_world = nullptr;

void remove_world() {
    if (the_world != nullptr) {
        std::error_code ec;
        fs::remove_all(the_world->root, ec);
    }
}

World& world() {
    static World w = [] {
        log::set_level(log::Level::error);
        World built;
        built.root = temp_root();
        built.templ = built.root / "template";
        built.work = built.root / "work";
        fs::create_directories(built.templ);
        {
            Env env(built.templ);
            api::App& app = env.app;
            const std::string op(operator_secret);
            built.tokens["operator"] = op;
            const std::string t = "/v1/tenants/acme";
            const std::string dev = t + "/sandboxes/dev";
            const std::string prod = t + "/sandboxes/prod";
            built.tokens["admin"] =
                field(step(app, op, "POST", "/v1/tenants", R"({"id":"acme","name":"Acme"})", true), "admin_token");
            built.tokens["other"] =
                field(step(app, op, "POST", "/v1/tenants", R"({"id":"globex","name":"Globex"})", true), "admin_token");
            const std::string admin = built.tokens["admin"];
            step(app, admin, "POST", t + "/sandboxes", R"({"id":"dev","type":"development"})", true);
            step(app, admin, "POST", t + "/sandboxes", R"({"id":"prod","type":"production"})", true);
            const std::map<std::string, std::string> users{
                {"editor", R"([{"sandbox":"dev","role":"editor"},{"sandbox":"prod","role":"editor"}])"},
                {"reviewer", R"([{"sandbox":"dev","role":"reviewer"},{"sandbox":"prod","role":"reviewer"}])"},
                {"viewer", R"([{"sandbox":"dev","role":"viewer"}])"},
                {"importer", R"([{"sandbox":"prod","role":"importer"},{"sandbox":"dev","role":"viewer"}])"}};
            for (const auto& [user, roles] : users) {
                step(app, admin, "POST", t + "/users",
                     R"({"id":")" + user + R"(","name":")" + user + R"(","roles":)" + roles + "}", true);
                const auto token =
                    step(app, admin, "POST", t + "/users/" + user + "/tokens", R"({"name":"fuzz"})", true);
                built.tokens[user] = field(token, "token");
                if (user == "editor") built.ids["token"] = field(token, "id");
            }
            const std::string editor = built.tokens["editor"];
            const std::string seg = field(step(app, editor, "POST", dev + "/segments",
                                               R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", true),
                                          "id");
            const std::string tpl =
                field(step(app, editor, "POST", dev + "/templates",
                           R"({"key":"hello","name":"Hello","channel":"email","subject":"Hi","body":"Hello {{name}}"})",
                           true),
                      "id");
            const auto campaign_body = [&](const std::string& key) {
                return R"({"key":")" + key + R"(","name":"Campaign )" + key +
                       R"(","type":"action","channels":["email"],"audience":{"segment":")" + seg +
                       R"("},"content":{"email":{"template":")" + tpl + R"("}}})";
            };
            const std::string cmp =
                field(step(app, editor, "POST", dev + "/campaigns", campaign_body("welcome"), true), "id");
            const std::string live =
                field(step(app, editor, "POST", dev + "/campaigns", campaign_body("promo"), true), "id");
            step(app, editor, "POST", dev + "/campaigns/" + live + "/actions/activate", "", false);
            step(app, editor, "POST", t + "/packages",
                 R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + cmp + R"("}]})",
                 true);
            step(app, editor, "POST", t + "/packages/welcome/versions", "{}", true);
            const std::string imp = field(step(app, built.tokens["importer"], "POST", prod + "/imports",
                                               R"({"package":"welcome","version":1})", false),
                                          "id");
            const std::string pol = field(
                step(
                    app, admin, "POST", t + "/approval-policies",
                    R"({"name":"Prod gate","scope":"campaign","conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                    true),
                "id");
            std::string prod_campaign;
            if (const auto list = answer_object(step(app, admin, "GET", prod + "/campaigns", "", false)))
                if (const auto* items = list->if_contains("items");
                    items && items->is_array() && !items->get_array().empty())
                    prod_campaign = std::string(items->get_array()[0].at("id").as_string());
            if (!prod_campaign.empty())
                step(app, editor, "POST", prod + "/campaigns/" + prod_campaign + "/actions/submit", "", false);
            std::string review;
            if (const auto list = answer_object(step(app, admin, "GET", t + "/reviews", "", false)))
                if (const auto* items = list->if_contains("items");
                    items && items->is_array() && !items->get_array().empty())
                    review = std::string(items->get_array()[0].at("id").as_string());
            const std::string hook = field(
                step(
                    app, admin, "POST", t + "/webhooks",
                    R"({"url":"https://93.184.216.34/hook","events":["campaign.status_changed"],"secret":"0123456789abcdef"})",
                    false),
                "id");
            built.ids = {{"tenant", "acme"},
                         {"other_tenant", "globex"},
                         {"sandbox", "dev"},
                         {"prod", "prod"},
                         {"segment", seg},
                         {"template", tpl},
                         {"campaign", cmp},
                         {"live_campaign", live},
                         {"prod_campaign", prod_campaign.empty() ? cmp : prod_campaign},
                         {"policy", pol},
                         {"package", "welcome"},
                         {"version", "1"},
                         {"import", imp.empty() ? "imp_none" : imp},
                         {"review", review.empty() ? "rev_none" : review},
                         {"webhook", hook.empty() ? "whk_none" : hook},
                         {"user", "editor"},
                         {"token", built.ids["token"]}};
            if (verbose())
                for (const auto& [k, v] : built.ids) std::fprintf(stderr, "world: {%s} = %s\n", k.c_str(), v.c_str());
        }
        return built;
    }();
    if (the_world == nullptr) {
        the_world = &w;
        std::atexit(remove_world);
    }
    return w;
}

std::string substitute(std::string_view text, const std::map<std::string, std::string>& ids) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find('{', pos);
        if (open == std::string_view::npos) break;
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) break;
        const auto it = ids.find(std::string(text.substr(open + 1, close - open - 1)));
        out += text.substr(pos, open - pos);
        if (it != ids.end()) {
            out += it->second;
            pos = close + 1;
        } else {
            out += '{';
            pos = open + 1;
        }
    }
    out += text.substr(pos);
    return out;
}

bool header_line(std::string_view line) {
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    for (const char c : line.substr(0, colon))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

bool is_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

const std::set<int> known_statuses{200, 201, 204, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 431};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    const auto sections = fuzz::split_sections(std::string_view(reinterpret_cast<const char*>(data), size));
    if (sections.empty()) return 0;

    std::error_code ec;
    fs::remove_all(w.work, ec);
    fs::copy(w.templ, w.work, fs::copy_options::recursive, ec);
    if (ec) fuzz::fail("copying the world failed", ec.message());
    Env env(w.work);
    std::map<std::string, std::string> ids = w.ids;
    ids["new"] = "none";  // until an answer of this input carries an id
    const std::map<std::string, std::string> tenant_of{{"admin", "acme"},  {"editor", "acme"},   {"reviewer", "acme"},
                                                       {"viewer", "acme"}, {"importer", "acme"}, {"other", "globex"}};

    std::size_t count = 0;
    for (const auto& s : sections) {
        if (++count > 12) break;
        const std::size_t sp1 = s.header.find(' ');
        if (sp1 == std::string_view::npos) continue;
        const std::size_t sp2 = s.header.find(' ', sp1 + 1);
        if (sp2 == std::string_view::npos) continue;
        const std::string as(s.header.substr(0, sp1));
        http::Request req;
        req.method = std::string(s.header.substr(sp1 + 1, sp2 - sp1 - 1));
        req.target = substitute(s.header.substr(sp2 + 1), ids);
        // The HTTP server (Beast) refuses a method that is not an RFC 9110 token before App sees it.
        if (req.method.empty() || !std::all_of(req.method.begin(), req.method.end(), is_tchar)) continue;
        req.remote = "fuzz";

        std::string_view rest = s.body;
        bool has_content_type = false, has_authorization = false;
        while (!rest.empty()) {
            const std::size_t nl = rest.find('\n');
            const std::string_view line = rest.substr(0, nl);
            if (line.empty()) {
                rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
                break;
            }
            if (!header_line(line)) break;
            const std::size_t colon = line.find(':');
            std::string name(line.substr(0, colon));
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            has_content_type = has_content_type || name == "content-type";
            has_authorization = has_authorization || name == "authorization";
            req.headers.push_back(http::Header{name, substitute(value, ids)});
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        }
        req.body = substitute(rest, ids);
        const auto token = w.tokens.find(as);
        if (!has_authorization && token != w.tokens.end())
            req.headers.push_back(http::Header{"authorization", "Bearer " + token->second});
        if (!has_content_type && !req.body.empty())
            req.headers.push_back(http::Header{"content-type", "application/json"});
        const bool credentials = has_authorization || token != w.tokens.end();

        const std::string shown_request = as + " " + req.method + " " + req.target + "\n" + req.body;
        const http::Response res = env.app.handle(req);
        const std::string shown = shown_request + "\n=> " + std::to_string(res.status) + " " + res.body;
        if (verbose())
            std::fprintf(stderr, "%s %s %s => %d %s\n", as.c_str(), req.method.c_str(), req.target.c_str(), res.status,
                         res.body.substr(0, 160).c_str());

        fuzz::check(res.status < 500, "a 5xx answer (unhandled exception or storage error)", shown);
        fuzz::check(known_statuses.count(res.status) == 1, "an unexpected status", shown);
        if (!res.body.empty() && res.content_type == "application/json")
            fuzz::check(fuzz::parse_json(res.body, 1000).has_value(), "a JSON answer that does not parse", shown);

        if (res.status >= 200 && res.status < 300) {
            const auto target = boost::urls::parse_origin_form(req.target);
            fuzz::check(target.has_value(), "a 2xx for a malformed target", shown);
            const http::Match m = env.app.router().match(req.method, target->path());
            fuzz::check(m.route != nullptr, "a 2xx without a route", shown);
            if (!credentials)
                fuzz::check(m.route->permission == Permission::public_access,
                            "a 2xx without credentials on a non-public route", shown);
            if (const auto tenant = tenant_of.find(as); tenant != tenant_of.end() && !has_authorization)
                for (const auto& [name, value] : m.params)
                    if (name == "tenant")
                        fuzz::check(value == tenant->second, "a 2xx for one tenant's user on another tenant's path",
                                    shown);
            if (const std::string id = field(res, "id"); !id.empty()) ids["new"] = id;
        }
    }
    return 0;
}
