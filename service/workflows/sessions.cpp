#include "workflows/sessions.hpp"

#include "core/error.hpp"
#include "tenancy/sessions.hpp"
#include "tenancy/token_format.hpp"
#include "workflows/journal.hpp"

namespace ferry::workflows {

namespace {

Error sign_in_failed(std::string message) {
    return Error(ErrorKind::unauthorized, "sign_in_failed", std::move(message));
}

// A session of `user`, not yet stored, opened by `actor` (whose time and request it takes).
OpenedSession new_session(const Actor& actor, const User& user) {
    OpenedSession o;
    o.secret = sessions::new_session_secret();
    o.session.id = sessions::new_session_id();
    o.session.hash = sessions::hash(o.secret);
    o.session.created_at = o.session.last_seen_at = actor.at;
    o.session.expires_at = actor.at + sessions::lifetime;
    o.session.tenant = user.tenant;
    o.session.user = user.id;
    o.session.roles = user.roles;
    o.user = user;
    return o;
}

// Stores the session and records it, by the session's user from now on.
void open(Tx& tx, const Actor& actor, OpenedSession& o, std::string_view with) {
    const Timestamp now = actor.at;
    tx.delete_ended_sessions(o.session.tenant, now, now - sessions::idle_limit);
    tx.insert_session(o.session);
    Principal p;
    p.tenant = o.session.tenant;
    p.user = o.session.user;
    p.token_id = o.session.token_id;
    p.session_id = o.session.id;
    Journal(tx, Actor::of(p, now, actor.request_id))
        .record(o.session.tenant, "session.create", "users/" + o.session.user,
                {{"with", with}, {"expires_at", format_rfc3339(o.session.expires_at)}});
}

}  // namespace

IssuedLink create_sign_in_link(Tx& tx, const Actor& actor, const std::string& user) {
    IssuedLink issued;
    SignInLink& link = issued.link;
    issued.code = sessions::new_link_code();
    link.hash = sessions::hash(issued.code);
    link.tenant = actor.tenant;
    link.user = user;
    link.created_by = actor.name();
    link.created_at = actor.at;
    link.expires_at = link.created_at + sessions::link_lifetime;
    if (!tx.user(link.tenant, link.user)) throw Error::not_found("user");
    tx.insert_sign_in_link(link);
    Journal(tx, actor).record(link.tenant, "user.sign_in_link", "users/" + link.user,
                              {{"expires_at", format_rfc3339(link.expires_at)}});
    return issued;
}

OpenedSession sign_in_with_link(Tx& tx, const Actor& actor, const std::string& code) {
    const std::string hash = sessions::hash(code);
    const auto link = tx.sign_in_link_by_hash(hash);
    if (!link) throw sign_in_failed("this sign-in link is not valid; ask an admin for a new one");
    if (auto refusal = sessions::link_refusal(*link, actor.at))
        throw sign_in_failed(*refusal + "; ask an admin for a new one");
    const auto user = tx.user(link->tenant, link->user);
    if (!user) throw sign_in_failed("this sign-in link's user no longer exists");
    if (!tx.use_sign_in_link(link->tenant, hash, actor.at)) throw sign_in_failed("the sign-in link was used already");
    OpenedSession o = new_session(actor, *user);
    open(tx, actor, o, "link");
    return o;
}

OpenedSession sign_in_with_token(Tx& tx, const Actor& actor, const std::string& token) {
    if (!token_format::well_formed(token)) throw sign_in_failed("this is not a ferry token");
    const auto stored = tx.token_by_hash(token_format::hash(token));
    if (!stored || stored->revoked_at || (stored->expires_at && *stored->expires_at <= actor.at))
        throw sign_in_failed("this token is unknown, revoked or expired");
    const auto user = tx.user(stored->tenant, stored->user);
    if (!user) throw sign_in_failed("this token is unknown, revoked or expired");
    OpenedSession o = new_session(actor, *user);
    o.session.token_id = stored->id;
    // A session opened with a token ends with it.
    if (stored->expires_at && *stored->expires_at < o.session.expires_at) o.session.expires_at = *stored->expires_at;
    open(tx, actor, o, "token");
    return o;
}

void end_session(Tx& tx, const Actor& actor, const std::string& tenant, const std::string& session_id,
                 const std::string& user, std::string_view reason) {
    tx.delete_session(tenant, session_id);
    Journal(tx, actor).record(tenant, "session.end", "users/" + user, {{"reason", reason}});
}

void record_refusal(Tx& tx, const Actor& actor, std::string_view tenant, std::string_view action,
                    std::string_view target, std::string_view reason) {
    if (!tx.tenant(tenant)) return;
    Journal(tx, actor).record(tenant, action, target, {{"reason", reason}});
}

void record_repeated_failures(Tx& tx, const Actor& actor, const AuthThrottle::Summary& s) {
    if (!tx.tenant(s.tenant)) return;
    Journal(tx, actor).record(s.tenant, "auth.failed", "repeated",
                              {{"reason", "repeated failed authentication"},
                               {"count", s.count},
                               {"address", s.address},
                               {"since", format_rfc3339(s.since)},
                               {"until", format_rfc3339(s.until)}});
}

}  // namespace ferry::workflows
