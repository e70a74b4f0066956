#include "tenancy/sessions.hpp"

#include "core/crypto.hpp"

#include <algorithm>

namespace ferry::sessions {

std::string new_session_secret() { return "fys_" + crypto::random_base62(43); }
std::string new_link_code() { return "fyl_" + crypto::random_base62(43); }
std::string new_session_id() { return "ses_" + crypto::random_base62(16); }

std::string hash(std::string_view secret) { return crypto::sha256_hex(secret); }

std::string csrf_token(std::string_view secret) { return crypto::sha256_hex("ferry csrf\n" + std::string(secret)); }

std::optional<std::string> end_reason(const BrowserSession& session, const std::optional<User>& user,
                                      const std::optional<Token>& token, Timestamp now) {
    if (now >= session.expires_at) return "the session reached its 7-day limit";
    if (now - session.last_seen_at >= idle_limit) return "the session was idle for 8 hours";
    if (!user) return "the session's user was removed";
    if (!session.token_id.empty()) {
        if (!token) return "the token the session was opened with was removed";
        if (token->revoked_at) return "the token the session was opened with was revoked";
        if (token->expires_at && *token->expires_at <= now) return "the token the session was opened with expired";
    }
    for (const RoleGrant& held : session.roles)
        if (std::find(user->roles.begin(), user->roles.end(), held) == user->roles.end())
            return "a role the session was opened with was removed";
    return std::nullopt;
}

std::optional<std::string> link_refusal(const SignInLink& link, Timestamp now) {
    if (link.used_at) return "the sign-in link was used already";
    if (now >= link.expires_at) return "the sign-in link expired";
    return std::nullopt;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const std::size_t end = std::min(header.find(';'), header.size());
        std::string_view pair = header.substr(0, end);
        header.remove_prefix(std::min(end + 1, header.size()));
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        std::string_view value = pair.substr(eq + 1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return value;
    }
    return std::nullopt;
}

std::string set_cookie(std::string_view secret, bool secure) {
    const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(lifetime).count();
    return std::string(cookie_name) + "=" + std::string(secret) + "; Path=/; Max-Age=" + std::to_string(max_age) +
           "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string clear_cookie(bool secure) {
    return std::string(cookie_name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

}  // namespace ferry::sessions
