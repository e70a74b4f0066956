#pragma once
// Use cases of signing in to the console and of access refused: sign-in links, sessions opened
// with a link or a personal token, sessions ended, and the records of failed authentication and
// denied access. The rules (limits, when a session ends) are in tenancy/sessions.hpp; cookies
// and the CSRF check are HTTP's (api/sessions.cpp, api/app.cpp). Each records through the Journal.

#include "store/store.hpp"
#include "tenancy/auth_throttle.hpp"
#include "workflows/actor.hpp"

#include <string>
#include <string_view>

namespace ferry::workflows {

struct IssuedLink {
    SignInLink link;
    std::string code;  // shown only once
};
// A one-time sign-in link for the user (404 when there is no such user), audited as
// user.sign_in_link.
IssuedLink create_sign_in_link(Tx& tx, const Actor& actor, const std::string& user);

struct OpenedSession {
    BrowserSession session;
    User user;
    std::string secret;  // the cookie's value
};
// A session opened with a sign-in link's code or a personal token (401 sign_in_failed when it
// cannot), audited as session.create by the session's user. Sessions of the tenant that ended
// are deleted on the way.
OpenedSession sign_in_with_link(Tx& tx, const Actor& actor, const std::string& code);
OpenedSession sign_in_with_token(Tx& tx, const Actor& actor, const std::string& token);

// Ends a session (signed out, or found ended), audited as session.end with the reason.
void end_session(Tx& tx, const Actor& actor, const std::string& tenant, const std::string& session_id,
                 const std::string& user, std::string_view reason);

// A refused request (auth.failed, authz.denied) in the tenant's log, by the actor as far as it
// was authenticated; nothing when there is no such tenant (nobody's log to write to).
void record_refusal(Tx& tx, const Actor& actor, std::string_view tenant, std::string_view action,
                    std::string_view target, std::string_view reason);

// The failures of one address that were not audited one by one, summed up as one auth.failed
// record ("repeated"); nothing when there is no such tenant.
void record_repeated_failures(Tx& tx, const Actor& actor, const AuthThrottle::Summary& failures);

}  // namespace ferry::workflows
