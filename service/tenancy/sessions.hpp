#pragma once
// The rules of console sessions, pure: how long a session and a sign-in link live, when a session
// has ended, the CSRF token bound to a session, and reading the session cookie. The handlers
// (api/sessions.cpp) and the authentication of cookie requests (api/app.cpp) apply them.

#include "core/time.hpp"
#include "tenancy/model.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::sessions {

inline constexpr std::string_view cookie_name = "ferry_session";
inline constexpr std::string_view csrf_header = "x-csrf-token";

inline constexpr std::chrono::hours idle_limit{8};
inline constexpr std::chrono::hours lifetime{7 * 24};
inline constexpr std::chrono::minutes link_lifetime{15};
// A session's last use is written at most this often: a busy console does not write per request.
inline constexpr std::chrono::seconds touch_interval{60};

// A new secret for a cookie or a sign-in link code (about 256 bits, base62, with a prefix that
// tells which it is).
std::string new_session_secret();
std::string new_link_code();
std::string new_session_id();

// What the store keeps of a secret.
std::string hash(std::string_view secret);

// The CSRF token of the session whose cookie holds `secret`: derived, so it is never stored, and
// useless without the cookie (which the page's script cannot read).
std::string csrf_token(std::string_view secret);

// Why a session has ended, or nothing while it is alive. `user` and `token` are what the store
// holds now (the token only for a session opened with one).
std::optional<std::string> end_reason(const BrowserSession& session, const std::optional<User>& user,
                                      const std::optional<Token>& token, Timestamp now);

// Why a sign-in link cannot open a session now, or nothing when it can.
std::optional<std::string> link_refusal(const SignInLink& link, Timestamp now);

// The value of the named cookie in a Cookie header ("a=1; b=2"); nothing when absent.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

// The Set-Cookie value that gives the browser its session, and the one that takes it away.
std::string set_cookie(std::string_view secret, bool secure);
std::string clear_cookie(bool secure);

}  // namespace ferry::sessions
