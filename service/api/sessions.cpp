// Console sessions: one-time sign-in links made by an admin, signing in with a link or a personal
// token (a cookie, never a token in the page), the current session, and signing out. The rules
// (limits, when a session ends, the CSRF token) are in tenancy/sessions.hpp; cookie requests are
// authenticated in api/app.cpp.

#include "tenancy/sessions.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "workflows/sessions.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

json::object session_json(const BrowserSession& s, const User& user, std::string_view secret) {
    json::array roles;
    for (const RoleGrant& g : user.roles) roles.push_back(to_json(g));
    return json::object{
        {"id", s.id},
        {"tenant", s.tenant},
        {"user", s.user},
        {"name", user.name},
        {"roles", std::move(roles)},
        {"signed_in_with", s.token_id.empty() ? json::value("link") : json::value("token")},
        {"csrf_token", sessions::csrf_token(secret)},
        {"created_at", format_rfc3339(s.created_at)},
        {"expires_at", format_rfc3339(s.expires_at)},
        {"idle_timeout_seconds", std::chrono::duration_cast<std::chrono::seconds>(sessions::idle_limit).count()},
    };
}

}  // namespace

http::Response create_sign_in_link(Context& ctx) {
    const json::object body = ctx.body();
    Fields(body).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto issued = ctx.store().write(
        [&](Tx& tx) { return workflows::create_sign_in_link(tx, actor, std::string(ctx.param("user"))); });
    return json_response(201, json::object{{"user", issued.link.user},
                                           {"code", issued.code},
                                           {"path", "/sign-in?code=" + issued.code},
                                           {"expires_at", format_rfc3339(issued.link.expires_at)}});
}

http::Response create_session(Context& ctx) {
    // A page of another site cannot sign the browser in to an account of its choosing.
    const std::string_view origin = ctx.request.header("origin");
    const std::string own =
        std::string(ctx.services.tls ? "https://" : "http://") + std::string(ctx.request.header("host"));
    if (!origin.empty() && origin != own)
        throw Error(ErrorKind::forbidden, "csrf_failed", "cross-origin sign-in refused");
    const json::object body = ctx.body();
    Fields fields(body);
    const auto code = fields.optional_string("code", 128);
    const auto token = fields.optional_string("token", 128);
    fields.finish();
    if (code.has_value() == token.has_value())
        throw Error::invalid_field(code ? "token" : "code", "give either a sign-in link's code or a personal token");
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto opened = ctx.store().write([&](Tx& tx) {
        return code ? workflows::sign_in_with_link(tx, actor, *code) : workflows::sign_in_with_token(tx, actor, *token);
    });
    ctx.caller.tenant = opened.session.tenant;
    ctx.caller.user = opened.session.user;
    ctx.caller.token_id = opened.session.token_id;
    ctx.caller.session_id = opened.session.id;
    ctx.log_tenant = opened.session.tenant;
    http::Response res = json_response(201, session_json(opened.session, opened.user, opened.secret));
    res.set_header("Set-Cookie", sessions::set_cookie(opened.secret, ctx.services.tls));
    res.set_header("Cache-Control", "no-store");
    return res;
}

http::Response get_session(Context& ctx) {
    if (ctx.caller.session_id.empty()) throw Error::not_found("session");
    const auto secret = sessions::cookie_value(ctx.request.header("cookie"), sessions::cookie_name);
    return ctx.store().read([&](Tx& tx) {
        const auto session = tx.session_by_hash(sessions::hash(secret.value_or("")));
        const auto user = tx.user(ctx.caller.tenant, ctx.caller.user);
        if (!session || !user) throw Error::not_found("session");
        http::Response res = json_response(200, session_json(*session, *user, secret.value_or("")));
        res.set_header("Cache-Control", "no-store");
        return res;
    });
}

http::Response delete_session(Context& ctx) {
    if (ctx.caller.session_id.empty()) throw Error::not_found("session");
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        workflows::end_session(tx, actor, ctx.caller.tenant, ctx.caller.session_id, ctx.caller.user, "signed out");
    });
    http::Response res = no_content();
    res.set_header("Set-Cookie", sessions::clear_cookie(ctx.services.tls));
    return res;
}

}  // namespace ferry::api
