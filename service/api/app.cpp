#include "api/app.hpp"

#include "console/assets.hpp"
#include "core/crypto.hpp"
#include "core/utf8.hpp"
#include "observability/log.hpp"
#include "packager/signing.hpp"
#include "tenancy/auth_throttle.hpp"
#include "tenancy/sessions.hpp"
#include "tenancy/token_format.hpp"
#include "workflows/sessions.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <cmath>

namespace ferry::api {

namespace json = boost::json;

namespace {

// A client-sent X-Request-Id is kept when it is short and plain, so it can be traced end to end.
std::string request_id_for(const http::Request& req) {
    const std::string_view given = req.header("x-request-id");
    if (!given.empty() && given.size() <= 64) {
        bool plain = true;
        for (const char c : given)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') plain = false;
        if (plain) return std::string(given);
    }
    return crypto::random_hex(8);
}

// Metric labels take a bounded set of values: a client cannot mint new series with odd methods.
std::string_view method_label(std::string_view method) {
    for (const std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        if (method == known) return known;
    return "OTHER";
}

bool has_encoded_slash(std::string_view encoded_path) {
    for (std::size_t i = 0; i + 2 < encoded_path.size(); ++i)
        if (encoded_path[i] == '%' && encoded_path[i + 1] == '2' &&
            (encoded_path[i + 2] == 'F' || encoded_path[i + 2] == 'f'))
            return true;
    return false;
}

Error unauthorized(std::string message) { return Error(ErrorKind::unauthorized, "unauthorized", std::move(message)); }

Error csrf_failed(std::string message) { return Error(ErrorKind::forbidden, "csrf_failed", std::move(message)); }

// Git's smart HTTP routes (api/git.cpp): git clients also authenticate with Basic, the token as
// the password, and are told so on a 401.
constexpr std::string_view git_routes = "/v1/tenants/{tenant}/git/";

bool is_git_route(const Context& ctx) { return ctx.route != nullptr && ctx.route->pattern.starts_with(git_routes); }

bool has_scheme(std::string_view header, std::string_view scheme) {
    if (header.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
    return true;
}

bool changes_state(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

// A browser's request that changes something must come from the console's own pages: its Origin
// (which a page cannot forge) names this server. Browsers send Origin with every such request.
void require_same_origin(const http::Request& request, bool tls) {
    const std::string_view origin = request.header("origin");
    const std::string expected = std::string(tls ? "https://" : "http://") + std::string(request.header("host"));
    if (origin.empty()) throw csrf_failed("a console request that changes something must carry its Origin");
    if (origin != expected) throw csrf_failed("cross-origin request refused");
    const std::string_view site = request.header("sec-fetch-site");
    if (!site.empty() && site != "same-origin" && site != "none") throw csrf_failed("cross-site request refused");
}

}  // namespace

App::App(Services& services, std::vector<http::Route> routes) : services_(services), router_(std::move(routes)) {}

http::Response App::error_response(const Error& error) {
    http::Response res;
    res.status = error.status();
    res.body = error.to_json();
    if (error.kind() == ErrorKind::unauthorized) res.set_header("WWW-Authenticate", "Bearer");
    return res;
}

void App::audit_denial(Context& ctx, std::string_view tenant, std::string_view action, std::string_view reason) {
    if (tenant.empty()) return;
    try {
        // A probe of another tenant is recorded by route pattern: its ids stay out of this tenant's log.
        const bool foreign = ctx.route != nullptr && ctx.param("tenant") != tenant;
        const std::string target = ctx.request.method + " " + (foreign ? ctx.route->pattern : ctx.path);
        const workflows::Actor actor = ctx.acting(ctx.now());
        services_.store.write([&](Tx& tx) { workflows::record_refusal(tx, actor, tenant, action, target, reason); });
    } catch (const std::exception& e) {
        log::error("audit append failed", {{"request_id", ctx.request_id}, {"error", e.what()}});
    }
}

void App::authenticate(Context& ctx) {
    const std::string_view header = ctx.request.header("authorization");
    if (header.empty()) {
        if (const auto cookie = sessions::cookie_value(ctx.request.header("cookie"), sessions::cookie_name)) {
            authenticate_session(ctx, *cookie);
            return;
        }
    }
    constexpr std::string_view scheme = "bearer ";
    std::string basic_password;
    std::string_view token;
    if (is_git_route(ctx) && has_scheme(header, "basic ")) {
        // user:token, the user name ignored (the token says who it is).
        const auto decoded = packager::base64_decode(header.substr(6));
        const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos) throw unauthorized("malformed basic credentials");
        basic_password = decoded->substr(colon + 1);
        token = basic_password;
    } else {
        if (!has_scheme(header, scheme)) throw unauthorized("missing bearer token");
        token = header.substr(scheme.size());
    }
    const std::string hash = token_format::hash(token);

    // The operator token may be set from the environment and need not have ferry's shape.
    if (crypto::constant_time_equal(hash, services_.operator_token_hash)) {
        ctx.caller.is_operator = true;
        return;
    }
    if (!token_format::well_formed(token)) throw unauthorized("malformed token");

    const Timestamp now = ctx.now();
    services_.store.read([&](Tx& tx) {
        const std::optional<Token> stored = tx.token_by_hash(hash);
        if (!stored || !crypto::constant_time_equal(stored->hash, hash)) throw unauthorized("unknown token");
        if (stored->revoked_at) throw unauthorized("token revoked");
        if (stored->expires_at && *stored->expires_at <= now) throw unauthorized("token expired");
        const std::optional<User> user = tx.user(stored->tenant, stored->user);
        if (!user) throw unauthorized("unknown token");
        ctx.caller.tenant = stored->tenant;
        ctx.caller.user = stored->user;
        ctx.caller.token_id = stored->id;
        ctx.caller.roles = user->roles;
    });
}

// A console request: the session cookie stands for its user, with the user's current roles, until
// the session ends; what it changes needs the session's CSRF token and the console's own Origin.
void App::authenticate_session(Context& ctx, std::string_view secret) {
    const std::string hash = sessions::hash(secret);
    const Timestamp now = ctx.now();
    std::optional<BrowserSession> session;
    std::optional<std::string> ended;
    services_.store.read([&](Tx& tx) {
        session = tx.session_by_hash(hash);
        if (!session) return;
        const std::optional<User> user = tx.user(session->tenant, session->user);
        std::optional<Token> token;
        if (!session->token_id.empty()) token = tx.token(session->tenant, session->token_id);
        ended = sessions::end_reason(*session, user, token, now);
        if (ended) return;
        ctx.caller.tenant = session->tenant;
        ctx.caller.user = session->user;
        ctx.caller.token_id = session->token_id;
        ctx.caller.session_id = session->id;
        ctx.caller.roles = user->roles;
    });
    if (!session) throw unauthorized("no session: sign in again");
    if (ended) {
        const workflows::Actor actor = ctx.acting(now);
        services_.store.write(
            [&](Tx& tx) { workflows::end_session(tx, actor, session->tenant, session->id, session->user, *ended); });
        throw unauthorized("session ended: " + *ended);
    }
    if (changes_state(ctx.request.method)) {
        require_same_origin(ctx.request, services_.tls);
        const std::string_view given = ctx.request.header(sessions::csrf_header);
        if (given.empty() || !crypto::constant_time_equal(given, sessions::csrf_token(secret)))
            throw csrf_failed("missing or wrong X-CSRF-Token");
    }
    if (now - session->last_seen_at >= sessions::touch_interval)
        services_.store.write([&](Tx& tx) { tx.touch_session(session->tenant, session->id, now); });
}

void App::authorize(Context& ctx) {
    const std::string_view tenant = ctx.param("tenant");
    const std::string_view sandbox = ctx.param("sandbox");
    switch (ferry::authorize(ctx.caller, ctx.route->permission, tenant, sandbox)) {
        case Decision::allow: return;
        case Decision::not_found:
            // Recorded in the caller's own log: the other tenant learns nothing, and neither does the caller.
            audit_denial(ctx, ctx.caller.tenant, "authz.denied", "not visible to the caller");
            throw Error::not_found("resource");
        case Decision::forbidden:
            if (!ctx.caller.is_operator) audit_denial(ctx, ctx.caller.tenant, "authz.denied", "permission missing");
            throw Error(ErrorKind::forbidden, "forbidden",
                        "this needs the " + std::string(to_string(ctx.route->permission)) + " permission");
    }
}

// Counts the failure against the client's address: audited once per window (the rest summed up
// by audit_repeated_failures), and 429 once the address is past its limit.
void App::failed_authentication(Context& ctx, const Error& e) {
    if (services_.auth_throttle == nullptr) {
        audit_denial(ctx, ctx.param("tenant"), "auth.failed", e.message());
        return;
    }
    const auto f = services_.auth_throttle->fail(address_of(ctx.request.remote), ctx.param("tenant"), ctx.now());
    if (f.audit) audit_denial(ctx, ctx.param("tenant"), "auth.failed", e.message());
    if (f.limited)
        throw Error(ErrorKind::too_many_requests, "too_many_failures",
                    "too many failed authentications from this address; retry after " +
                        std::to_string(f.retry_after.count()) + " s",
                    {{"retry_after", f.retry_after.count()}});
}

void App::audit_repeated_failures() {
    if (services_.auth_throttle == nullptr) return;
    // At most once a second: the sweep looks at every address that failed lately.
    const auto now_tick = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = last_sweep_.load();
    if (now_tick - last < std::chrono::steady_clock::duration(std::chrono::seconds(1)).count()) return;
    if (!last_sweep_.compare_exchange_strong(last, now_tick)) return;
    for (const auto& s : services_.auth_throttle->take_ended(services_.clock.now())) {
        if (s.tenant.empty()) continue;
        try {
            workflows::Actor nobody;  // anonymous, tied to no request
            nobody.at = services_.clock.now();
            services_.store.write([&](Tx& tx) { workflows::record_repeated_failures(tx, nobody, s); });
        } catch (const std::exception& e) {
            log::error("audit append failed", {{"error", e.what()}});
        }
    }
}

http::Response App::handle(http::Request& request) {
    audit_repeated_failures();
    const auto started = std::chrono::steady_clock::now();
    services_.metrics.request_started();
    std::string request_id = request_id_for(request);
    std::string route_name = "unmatched";
    http::Response res;
    std::string tenant_for_log;
    Principal caller;
    std::string error_code;
    try {
        const auto target = boost::urls::parse_origin_form(request.target);
        if (!target) throw Error(ErrorKind::bad_request, "bad_request", "malformed request target");
        // Ids never contain '/': an encoded one would only smuggle a separator past the router.
        if (has_encoded_slash(target->encoded_path()))
            throw Error(ErrorKind::bad_request, "bad_request", "encoded '/' in the request path");
        std::vector<std::pair<std::string, std::string>> query;
        for (const auto& p : target->params()) {
            if (!valid_utf8(p.key) || !valid_utf8(p.value))
                throw Error(ErrorKind::bad_request, "bad_request",
                            "query parameters must be UTF-8 once percent-decoded");
            query.emplace_back(p.key, p.value);
        }
        // Path segments end up in ids, messages and logs, all of them UTF-8.
        if (!valid_utf8(target->path()))
            throw Error(ErrorKind::bad_request, "bad_request", "the request path must be UTF-8 once percent-decoded");
        Context ctx(request, target->path(), std::move(query), services_, request_id);
        ctx.encoded_path = target->encoded_path();
        for (const auto& p : target->encoded_params()) ctx.encoded_query.emplace_back(p.key, p.value);
        try {
            http::Match match = router_.match(request.method, ctx.path);
            if (!match.route && serves_console(request.method, ctx.path)) {
                route_name = "console";
                res = services_.console->serve(ctx.path, request.header("if-none-match"));
            } else if (!match.route) {
                if (match.allowed_methods.empty()) throw Error(ErrorKind::not_found, "not_found", "no such route");
                std::string allow;
                for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
                Error e(ErrorKind::method_not_allowed, "method_not_allowed", request.method + " is not allowed here",
                        {{"allowed", allow}});
                error_code = e.code();
                res = error_response(e);
                res.set_header("Allow", allow);
            } else {
                ctx.route = match.route;
                ctx.params = std::move(match.params);
                route_name = match.route->pattern;
                if (match.route->permission != Permission::public_access) {
                    try {
                        authenticate(ctx);
                    } catch (const Error& e) {
                        if (e.kind() == ErrorKind::unauthorized) failed_authentication(ctx, e);
                        throw;
                    }
                    authorize(ctx);
                }
                ctx.log_tenant = ctx.caller.is_operator ? std::string(ctx.param("tenant")) : ctx.caller.tenant;
                res = match.route->handler(ctx);
            }
        } catch (...) {
            tenant_for_log = ctx.log_tenant.empty() ? ctx.caller.tenant : ctx.log_tenant;
            caller = ctx.caller;
            throw;
        }
        tenant_for_log = ctx.log_tenant;
        caller = ctx.caller;
    } catch (const Error& e) {
        error_code = e.code();
        res = error_response(e);
        if (e.kind() == ErrorKind::too_many_requests)
            if (const auto* after = e.details().if_contains("retry_after"))
                res.set_header("Retry-After", json::serialize(*after));
    } catch (const StoreError& e) {
        log::error("storage failure", {{"request_id", request_id}, {"error", e.what()}});
        error_code = "storage_unavailable";
        res = error_response(Error(ErrorKind::unavailable, error_code, "storage is unavailable; retry later"));
    } catch (const std::exception& e) {
        log::error("unhandled exception", {{"request_id", request_id}, {"error", e.what()}});
        error_code = "internal";
        res = error_response(Error(ErrorKind::internal, error_code, "internal error"));
    }
    res.set_header("X-Request-Id", request_id);
    if (res.status == 401 && route_name.starts_with(git_routes))
        res.set_header("WWW-Authenticate", "Basic realm=\"ferry\"");
    res.head = request.method == "HEAD";
    // The API's answers are data, never a page: not sniffed, never framed, no referrer.
    if (route_name != "console") add_api_headers(res);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    services_.metrics.request_finished();
    record(Answered{request_id, route_name, request.method, res.status, seconds, tenant_for_log, request.remote,
                    std::move(caller), std::move(error_code)});
    return res;
}

bool App::serves_console(std::string_view method, std::string_view path) const {
    if (services_.console == nullptr || (method != "GET" && method != "HEAD")) return false;
    // Paths are exact: one with an empty segment names nothing, not the console's page.
    if (path.find("//") != std::string_view::npos) return false;
    return path != "/v1" && !path.starts_with("/v1/");
}

void App::add_api_headers(http::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    res.set_header("Referrer-Policy", "no-referrer");
}

http::Response App::refuse(int status, std::string_view code, std::string_view message) {
    ErrorKind kind = ErrorKind::bad_request;
    if (status == 413)
        kind = ErrorKind::payload_too_large;
    else if (status == 431)
        kind = ErrorKind::header_too_large;
    else if (status == 503)
        kind = ErrorKind::unavailable;
    http::Response res = error_response(Error(kind, std::string(code), std::string(message)));
    add_api_headers(res);
    const std::string request_id = crypto::random_hex(8);
    res.set_header("X-Request-Id", request_id);
    record(Answered{request_id, "refused", "OTHER", res.status, 0.0, "", "", {}, std::string(code)});
    return res;
}

void App::record(const Answered& a) {
    const std::string label(method_label(a.method));
    services_.metrics.observe(a.route, label, a.status, a.seconds);
    json::object line{{"request_id", a.request_id},
                      {"method", label},
                      {"route", a.route},
                      {"status", a.status},
                      {"duration_ms", std::round(a.seconds * 1e6) / 1e3},
                      {"tenant", a.tenant},
                      {"remote", a.remote}};
    // Who asked, by id (never a secret): the user and the token (or console session) it used.
    if (a.caller.is_operator) line["caller"] = "operator";
    if (!a.caller.user.empty()) line["user"] = a.caller.user;
    if (!a.caller.token_id.empty()) line["token"] = a.caller.token_id;
    if (!a.caller.session_id.empty()) line["session"] = a.caller.session_id;
    if (!a.error.empty()) line["error"] = a.error;
    log::info("request", std::move(line));
}

}  // namespace ferry::api
