// Console sessions: one-time sign-in links made by an admin, signing in with a link or a personal
// token (a cookie, never a token in the page), the current session, and signing out. The rules
// (limits, when a session ends, the CSRF token) are in tenancy/sessions.hpp; cookie requests are
// authenticated in api/app.cpp.

#include "tenancy/sessions.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "tenancy/token_format.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

Error sign_in_failed(std::string message) {
    return Error(ErrorKind::unauthorized, "sign_in_failed", std::move(message));
}

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
    const std::string code = sessions::new_link_code();
    SignInLink link;
    link.hash = sessions::hash(code);
    link.tenant = ctx.caller.tenant;
    link.user = std::string(ctx.param("user"));
    link.created_by = ctx.actor();
    link.created_at = ctx.now();
    link.expires_at = link.created_at + sessions::link_lifetime;
    ctx.store().write([&](Tx& tx) {
        if (!tx.user(link.tenant, link.user)) throw Error::not_found("user");
        tx.insert_sign_in_link(link);
        append_audit(tx, ctx.audit(link.tenant, "user.sign_in_link", "users/" + link.user,
                                   {{"expires_at", format_rfc3339(link.expires_at)}}));
    });
    return json_response(201, json::object{{"user", link.user},
                                           {"code", code},
                                           {"path", "/sign-in?code=" + code},
                                           {"expires_at", format_rfc3339(link.expires_at)}});
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

    const Timestamp now = ctx.now();
    const std::string secret = sessions::new_session_secret();
    BrowserSession session;
    session.id = sessions::new_session_id();
    session.hash = sessions::hash(secret);
    session.created_at = session.last_seen_at = now;
    session.expires_at = now + sessions::lifetime;

    User user;
    if (code) {
        const std::string hash = sessions::hash(*code);
        const auto link = ctx.store().read([&](Tx& tx) { return tx.sign_in_link_by_hash(hash); });
        if (!link) throw sign_in_failed("this sign-in link is not valid; ask an admin for a new one");
        if (auto refusal = sessions::link_refusal(*link, now))
            throw sign_in_failed(*refusal + "; ask an admin for a new one");
        session.tenant = link->tenant;
        session.user = link->user;
        ctx.store().write([&](Tx& tx) {
            const auto found = tx.user(link->tenant, link->user);
            if (!found) throw sign_in_failed("this sign-in link's user no longer exists");
            if (!tx.use_sign_in_link(link->tenant, hash, now))
                throw sign_in_failed("the sign-in link was used already");
            user = *found;
            session.roles = user.roles;
            tx.delete_ended_sessions(session.tenant, now, now - sessions::idle_limit);
            tx.insert_session(session);
            ctx.caller.tenant = session.tenant;
            ctx.caller.user = session.user;
            ctx.caller.session_id = session.id;
            append_audit(tx, ctx.audit(session.tenant, "session.create", "users/" + session.user,
                                       {{"with", "link"}, {"expires_at", format_rfc3339(session.expires_at)}}));
        });
    } else {
        if (!token_format::well_formed(*token)) throw sign_in_failed("this is not a ferry token");
        const std::string hash = token_format::hash(*token);
        ctx.store().write([&](Tx& tx) {
            const auto stored = tx.token_by_hash(hash);
            if (!stored || stored->revoked_at || (stored->expires_at && *stored->expires_at <= now))
                throw sign_in_failed("this token is unknown, revoked or expired");
            const auto found = tx.user(stored->tenant, stored->user);
            if (!found) throw sign_in_failed("this token is unknown, revoked or expired");
            user = *found;
            session.tenant = stored->tenant;
            session.user = stored->user;
            session.token_id = stored->id;
            session.roles = user.roles;
            // A session opened with a token ends with it.
            if (stored->expires_at && *stored->expires_at < session.expires_at)
                session.expires_at = *stored->expires_at;
            tx.delete_ended_sessions(session.tenant, now, now - sessions::idle_limit);
            tx.insert_session(session);
            ctx.caller.tenant = session.tenant;
            ctx.caller.user = session.user;
            ctx.caller.token_id = stored->id;
            ctx.caller.session_id = session.id;
            append_audit(tx, ctx.audit(session.tenant, "session.create", "users/" + session.user,
                                       {{"with", "token"}, {"expires_at", format_rfc3339(session.expires_at)}}));
        });
    }
    ctx.log_tenant = session.tenant;
    http::Response res = json_response(201, session_json(session, user, secret));
    res.set_header("Set-Cookie", sessions::set_cookie(secret, ctx.services.tls));
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
    ctx.store().write([&](Tx& tx) {
        tx.delete_session(ctx.caller.tenant, ctx.caller.session_id);
        append_audit(
            tx, ctx.audit(ctx.caller.tenant, "session.end", "users/" + ctx.caller.user, {{"reason", "signed out"}}));
    });
    http::Response res = no_content();
    res.set_header("Set-Cookie", sessions::clear_cookie(ctx.services.tls));
    return res;
}

}  // namespace ferry::api
