// The pure rules of console sessions: when a session has ended, sign-in links, the CSRF token and
// reading the cookie.

#include "tenancy/sessions.hpp"

#include <gtest/gtest.h>

using namespace ferry;
using namespace std::chrono_literals;

namespace {

const Timestamp t0 = from_millis(1'795'000'000'000);

BrowserSession session_at(Timestamp start) {
    BrowserSession s;
    s.id = "ses_1";
    s.tenant = "acme";
    s.user = "ed";
    s.roles = {RoleGrant{"dev", Role::editor}, RoleGrant{"prod", Role::viewer}};
    s.created_at = s.last_seen_at = start;
    s.expires_at = start + sessions::lifetime;
    return s;
}

User ed() {
    User u;
    u.tenant = "acme";
    u.id = "ed";
    u.roles = {RoleGrant{"dev", Role::editor}, RoleGrant{"prod", Role::viewer}};
    return u;
}

}  // namespace

TEST(SessionRules, ASessionEndsForEachReasonAndOnlyThen) {
    const BrowserSession s = session_at(t0);
    EXPECT_FALSE(sessions::end_reason(s, ed(), std::nullopt, t0 + 8h - 1ms));
    EXPECT_TRUE(sessions::end_reason(s, ed(), std::nullopt, t0 + 8h));

    BrowserSession busy = s;
    busy.last_seen_at = t0 + sessions::lifetime - 1h;
    EXPECT_FALSE(sessions::end_reason(busy, ed(), std::nullopt, t0 + sessions::lifetime - 1ms));
    EXPECT_EQ(*sessions::end_reason(busy, ed(), std::nullopt, t0 + sessions::lifetime),
              "the session reached its 7-day limit");

    EXPECT_EQ(*sessions::end_reason(s, std::nullopt, std::nullopt, t0), "the session's user was removed");

    User more = ed();
    more.roles.push_back(RoleGrant{"prod", Role::editor});
    EXPECT_FALSE(sessions::end_reason(s, more, std::nullopt, t0)) << "a role added keeps the session";
    User less = ed();
    less.roles.pop_back();
    EXPECT_EQ(*sessions::end_reason(s, less, std::nullopt, t0), "a role the session was opened with was removed");

    BrowserSession with_token = s;
    with_token.token_id = "tok_1";
    Token token;
    token.id = "tok_1";
    EXPECT_FALSE(sessions::end_reason(with_token, ed(), token, t0));
    EXPECT_TRUE(sessions::end_reason(with_token, ed(), std::nullopt, t0));
    Token revoked = token;
    revoked.revoked_at = t0;
    EXPECT_EQ(*sessions::end_reason(with_token, ed(), revoked, t0),
              "the token the session was opened with was revoked");
    Token expiring = token;
    expiring.expires_at = t0 + 1h;
    EXPECT_FALSE(sessions::end_reason(with_token, ed(), expiring, t0 + 1h - 1ms));
    EXPECT_TRUE(sessions::end_reason(with_token, ed(), expiring, t0 + 1h));
}

TEST(SessionRules, ALinkOpensOneSessionWithinFifteenMinutes) {
    SignInLink link;
    link.created_at = t0;
    link.expires_at = t0 + sessions::link_lifetime;
    EXPECT_FALSE(sessions::link_refusal(link, t0 + 15min - 1ms));
    EXPECT_EQ(*sessions::link_refusal(link, t0 + 15min), "the sign-in link expired");
    link.used_at = t0;
    EXPECT_EQ(*sessions::link_refusal(link, t0), "the sign-in link was used already");
}

TEST(SessionRules, SecretsAreFreshAndTheCsrfTokenIsBoundToTheSecret) {
    const std::string a = sessions::new_session_secret();
    const std::string b = sessions::new_session_secret();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("fys_", 0), 0U);
    EXPECT_EQ(a.size(), 47U);
    EXPECT_EQ(sessions::new_link_code().rfind("fyl_", 0), 0U);
    EXPECT_EQ(sessions::csrf_token(a), sessions::csrf_token(a));
    EXPECT_NE(sessions::csrf_token(a), sessions::csrf_token(b));
    EXPECT_NE(sessions::csrf_token(a), sessions::hash(a)) << "the CSRF token must not be what the store keeps";
    EXPECT_EQ(sessions::csrf_token(a).size(), 64U);
}

TEST(SessionRules, TheCookieIsReadFromAnyPlaceInTheHeader) {
    using sessions::cookie_value;
    EXPECT_EQ(cookie_value("ferry_session=abc", "ferry_session"), "abc");
    EXPECT_EQ(cookie_value("a=1; ferry_session=abc; b=2", "ferry_session"), "abc");
    EXPECT_EQ(cookie_value("a=1;ferry_session=\"abc\"", "ferry_session"), "abc");
    EXPECT_EQ(cookie_value("xferry_session=abc; ferry_sessionx=d", "ferry_session"), std::nullopt);
    EXPECT_EQ(cookie_value("", "ferry_session"), std::nullopt);
    EXPECT_EQ(cookie_value("ferry_session=", "ferry_session"), "");
    EXPECT_EQ(sessions::set_cookie("s", true),
              "ferry_session=s; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict; Secure");
    EXPECT_EQ(sessions::clear_cookie(false), "ferry_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}
