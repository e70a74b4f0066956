// Console sessions through the real ferryd: one-time sign-in links, signing in with a personal
// token, the cookie's flags, CSRF and Origin checks on what a cookie request changes, every way a
// session ends (sign-out, idle, 7 days, revoked token, removed user or role), and the console's
// pages with their security headers.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace ferry::test;
namespace json = boost::json;

namespace {

class Sessions : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(FerrydOptions{
            {"--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z", "--scheduler-interval", "3600"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        ed_token =
            make_user(*c, acme, "ed", R"([{"sandbox":"dev","role":"editor"},{"sandbox":"prod","role":"viewer"}])");
        origin = "Origin: " + server->base_url();
    }

    void advance(long seconds) {
        auto res = c->post("/v1/operator/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}",
                           server->operator_token());
        ASSERT_EQ(res.status, 200) << res.body;
    }

    std::string link_code(const std::string& user = "ed") {
        auto res = c->post("/v1/tenants/acme/users/" + user + "/sign-in-links", "{}", acme.admin_token);
        if (res.status != 201) throw std::runtime_error("sign-in link: " + res.body);
        const std::string path(res.json().at("path").as_string());
        EXPECT_EQ(path, "/sign-in?code=" + std::string(res.json().at("code").as_string()));
        return std::string(res.json().at("code").as_string());
    }

    struct Browser {
        std::string cookie;  // "ferry_session=..."
        std::string csrf;
    };

    HttpResponse sign_in(const std::string& body) { return c->request("POST", "/v1/sessions", "", &body, {origin}); }

    Browser browser_of(const HttpResponse& res) {
        EXPECT_EQ(res.status, 201) << res.body;
        const std::string set_cookie = res.header("set-cookie");
        Browser b;
        b.cookie = set_cookie.substr(0, set_cookie.find(';'));
        b.csrf = std::string(res.json().at("csrf_token").as_string());
        return b;
    }

    Browser signed_in(const std::string& user = "ed") {
        return browser_of(sign_in(R"({"code":")" + link_code(user) + "\"}"));
    }

    HttpResponse as(const Browser& b, const std::string& method, const std::string& path, const std::string& body = "",
                    std::vector<std::string> headers = {}) {
        headers.push_back("Cookie: " + b.cookie);
        return c->request(method, path, "", method == "GET" ? nullptr : &body, headers);
    }

    // A request the console's own page makes: the CSRF token and its Origin.
    HttpResponse from_console(const Browser& b, const std::string& method, const std::string& path,
                              const std::string& body = "{}") {
        return as(b, method, path, body, {"X-CSRF-Token: " + b.csrf, origin});
    }

    std::string create_segment(const Browser& b, const std::string& name) {
        return std::to_string(from_console(b, "POST", "/v1/tenants/acme/sandboxes/dev/segments",
                                           R"({"name":")" + name + R"(","rule":{}})")
                                  .status);
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string ed_token;
    std::string origin;
};

}  // namespace

TEST_F(Sessions, ASignInLinkOpensOneSessionOnceAndNeverAgain) {
    const std::string code = link_code();
    const auto first = sign_in(R"({"code":")" + code + "\"}");
    ASSERT_EQ(first.status, 201) << first.body;
    const auto body = first.json();
    EXPECT_EQ(body.at("user"), "ed");
    EXPECT_EQ(body.at("tenant"), "acme");
    EXPECT_EQ(body.at("signed_in_with"), "link");
    EXPECT_EQ(body.at("idle_timeout_seconds"), 8 * 3600);
    // The cookie: HttpOnly (no script reads it), SameSite=Strict, the whole site, 7 days.
    const std::string set_cookie = first.header("set-cookie");
    EXPECT_EQ(set_cookie.rfind("ferry_session=fys_", 0), 0U) << set_cookie;
    EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos);
    EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos);
    EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos);
    EXPECT_NE(set_cookie.find("; Max-Age=604800"), std::string::npos);
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);  // plain HTTP here
    // The answer holds no secret but the CSRF token: the cookie's value is not in the body.
    EXPECT_EQ(first.body.find(set_cookie.substr(14, set_cookie.find(';') - 14)), std::string::npos);

    const auto again = sign_in(R"({"code":")" + code + "\"}");
    EXPECT_EQ(again.status, 401);
    EXPECT_EQ(again.error_code(), "sign_in_failed");
    EXPECT_NE(again.json().at("error").at("message").as_string().find("used already"), std::string::npos);
    EXPECT_EQ(sign_in(R"({"code":"fyl_nothing"})").error_code(), "sign_in_failed");

    // The session acts as ed.
    const Browser b = browser_of(first);
    const auto me = as(b, "GET", "/v1/me");
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json().at("user"), "ed");
    EXPECT_TRUE(me.json().at("token").is_null());
    const auto session = as(b, "GET", "/v1/session");
    ASSERT_EQ(session.status, 200);
    EXPECT_EQ(session.json().at("csrf_token").as_string(), b.csrf);
    EXPECT_EQ(session.header("cache-control"), "no-store");
}

TEST_F(Sessions, ALinkExpiresAfterFifteenMinutes) {
    const std::string late = link_code();
    const std::string in_time = link_code();
    advance(14 * 60);
    EXPECT_EQ(sign_in(R"({"code":")" + in_time + "\"}").status, 201);
    advance(61);
    const auto res = sign_in(R"({"code":")" + late + "\"}");
    EXPECT_EQ(res.status, 401);
    EXPECT_NE(res.json().at("error").at("message").as_string().find("expired"), std::string::npos);
}

TEST_F(Sessions, OnlyATenantAdminMakesLinksAndOnlyForItsOwnUsers) {
    EXPECT_EQ(c->post("/v1/tenants/acme/users/ed/sign-in-links", "{}", ed_token).status, 403);
    EXPECT_EQ(c->post("/v1/tenants/acme/users/nobody/sign-in-links", "{}", acme.admin_token).status, 404);
    const auto globex = make_tenant(*c, server->operator_token(), "globex", {"dev"}, "g-");
    EXPECT_EQ(c->post("/v1/tenants/acme/users/ed/sign-in-links", "{}", globex.admin_token).status, 404);
    EXPECT_EQ(c->post("/v1/tenants/acme/users/ed/sign-in-links", R"({"user":"admin"})", acme.admin_token).status, 422);
    // Making a link is audited, without its code.
    link_code();
    const auto audit = c->get("/v1/tenants/acme/audit", acme.admin_token);
    EXPECT_NE(audit.body.find("user.sign_in_link"), std::string::npos);
    EXPECT_EQ(audit.body.find("fyl_"), std::string::npos);
}

TEST_F(Sessions, APersonalTokenSignsInAndItsRevocationEndsTheSession) {
    const auto res = sign_in(R"({"token":")" + ed_token + "\"}");
    ASSERT_EQ(res.status, 201) << res.body;
    EXPECT_EQ(res.json().at("signed_in_with"), "token");
    const Browser b = browser_of(res);
    EXPECT_EQ(as(b, "GET", "/v1/tenants/acme/sandboxes/dev/campaigns").status, 200);
    EXPECT_EQ(sign_in(R"({"token":"fry_not_a_token"})").error_code(), "sign_in_failed");
    EXPECT_EQ(sign_in(R"({"token":"x","code":"y"})").status, 422);
    EXPECT_EQ(sign_in("{}").status, 422);

    const auto tokens = c->get("/v1/tenants/acme/users/ed/tokens", acme.admin_token).json();
    const std::string token_id(tokens.at("items").as_array()[0].at("id").as_string());
    ASSERT_EQ(c->del("/v1/tenants/acme/users/ed/tokens/" + token_id, acme.admin_token).status, 204);
    const auto after = as(b, "GET", "/v1/tenants/acme/sandboxes/dev/campaigns");
    EXPECT_EQ(after.status, 401);
    EXPECT_NE(after.json().at("error").at("message").as_string().find("revoked"), std::string::npos);
    // Ended for good, whatever happens to the token later.
    EXPECT_EQ(as(b, "GET", "/v1/me").status, 401);
    EXPECT_EQ(sign_in(R"({"token":")" + ed_token + "\"}").status, 401);
}

TEST_F(Sessions, SignOutEndsTheSessionAndClearsTheCookie) {
    const Browser b = signed_in();
    const auto out = from_console(b, "DELETE", "/v1/session", "");
    ASSERT_EQ(out.status, 204) << out.body;
    EXPECT_NE(out.header("set-cookie").find("ferry_session=; Path=/; Max-Age=0"), std::string::npos);
    EXPECT_EQ(as(b, "GET", "/v1/me").status, 401);
    EXPECT_EQ(create_segment(b, "After sign-out"), "401");
    // Signing out is audited.
    EXPECT_NE(c->get("/v1/tenants/acme/audit", acme.admin_token).body.find("session.end"), std::string::npos);
}

TEST_F(Sessions, EightHoursIdleEndTheSessionAndUseKeepsItAlive) {
    const Browser idle = signed_in();
    const Browser busy = signed_in();
    for (int hour = 0; hour < 10; ++hour) {
        advance(3600);
        ASSERT_EQ(as(busy, "GET", "/v1/me").status, 200) << "hour " << hour;
    }
    const auto res = as(idle, "GET", "/v1/me");
    EXPECT_EQ(res.status, 401);
    EXPECT_NE(res.json().at("error").at("message").as_string().find("idle"), std::string::npos);
}

TEST_F(Sessions, SevenDaysEndEvenABusySession) {
    const Browser b = signed_in();
    for (int step = 0; step < 7 * 24 / 6 - 1; ++step) {
        advance(6 * 3600);
        ASSERT_EQ(as(b, "GET", "/v1/me").status, 200) << "step " << step;
    }
    advance(6 * 3600);
    const auto res = as(b, "GET", "/v1/me");
    EXPECT_EQ(res.status, 401);
    EXPECT_NE(res.json().at("error").at("message").as_string().find("7-day"), std::string::npos);
}

TEST_F(Sessions, RemovingTheUserOrARoleEndsTheSession) {
    make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"},{"sandbox":"dev","role":"viewer"}])");
    const Browser rita = signed_in("rita");
    const Browser ed = signed_in("ed");
    // Adding a role keeps the session, which can do at once what the user now may.
    const std::string etag = c->get("/v1/tenants/acme/users/ed", acme.admin_token).header("etag");
    ASSERT_EQ(
        c->patch(
             "/v1/tenants/acme/users/ed",
             R"({"roles":[{"sandbox":"dev","role":"editor"},{"sandbox":"prod","role":"editor"},{"sandbox":"prod","role":"viewer"}]})",
             acme.admin_token, etag)
            .status,
        200);
    EXPECT_EQ(
        from_console(ed, "POST", "/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"New role","rule":{}})").status,
        201);
    // Taking one away ends it.
    const std::string etag2 = c->get("/v1/tenants/acme/users/ed", acme.admin_token).header("etag");
    ASSERT_EQ(c->patch("/v1/tenants/acme/users/ed", R"({"roles":[{"sandbox":"dev","role":"editor"}]})",
                       acme.admin_token, etag2)
                  .status,
              200);
    const auto ended = as(ed, "GET", "/v1/me");
    EXPECT_EQ(ended.status, 401);
    EXPECT_NE(ended.json().at("error").at("message").as_string().find("role"), std::string::npos);

    ASSERT_EQ(as(rita, "GET", "/v1/me").status, 200);
    const std::string rita_etag = c->get("/v1/tenants/acme/users/rita", acme.admin_token).header("etag");
    ASSERT_EQ(c->del("/v1/tenants/acme/users/rita", acme.admin_token, rita_etag).status, 204);
    EXPECT_EQ(as(rita, "GET", "/v1/me").status, 401);
}

TEST_F(Sessions, WhatACookieRequestChangesNeedsTheCsrfTokenAndTheConsolesOrigin) {
    const Browser b = signed_in();
    const std::string path = "/v1/tenants/acme/sandboxes/dev/segments";
    const std::string body = R"({"name":"VIP","rule":{}})";
    auto refused = [&](const HttpResponse& res) {
        EXPECT_EQ(res.status, 403) << res.body;
        EXPECT_EQ(res.error_code(), "csrf_failed");
    };
    refused(as(b, "POST", path, body));                                  // nothing
    refused(as(b, "POST", path, body, {origin}));                        // no token
    refused(as(b, "POST", path, body, {"X-CSRF-Token: " + b.csrf}));     // no Origin
    refused(as(b, "POST", path, body, {"X-CSRF-Token: nope", origin}));  // wrong token
    refused(as(b, "POST", path, body, {"X-CSRF-Token: " + b.csrf, "Origin: http://evil.example"}));
    refused(as(b, "POST", path, body, {"X-CSRF-Token: " + b.csrf, origin, "Sec-Fetch-Site: cross-site"}));
    // Another session's token does not do either.
    const Browser other = signed_in();
    refused(as(b, "POST", path, body, {"X-CSRF-Token: " + other.csrf, origin}));
    refused(as(b, "DELETE", "/v1/session", "", {origin}));
    // Nothing was created by the refused requests.
    EXPECT_TRUE(c->get(path, ed_token).json().at("items").as_array().empty());

    const auto ok = as(b, "POST", path, body, {"X-CSRF-Token: " + b.csrf, origin, "Sec-Fetch-Site: same-origin"});
    EXPECT_EQ(ok.status, 201) << ok.body;
    // Reads need neither; bearer tokens are unchanged (no CSRF token, no Origin).
    EXPECT_EQ(as(b, "GET", path).status, 200);
    EXPECT_EQ(c->post(path, R"({"name":"By token","rule":{}})", ed_token).status, 201);
    // A form of another site cannot sign the browser in either.
    const std::string code_body = R"({"code":")" + link_code() + "\"}";
    const auto cross = c->request("POST", "/v1/sessions", "", &code_body, {"Origin: http://evil.example"});
    EXPECT_EQ(cross.status, 403);
    EXPECT_EQ(cross.error_code(), "csrf_failed");
}

TEST_F(Sessions, ASessionDoesExactlyWhatItsUserMay) {
    const Browser b = signed_in();
    // ed is a viewer on prod: reading works, editing is 403; another tenant does not exist.
    EXPECT_EQ(as(b, "GET", "/v1/tenants/acme/sandboxes/prod/campaigns").status, 200);
    EXPECT_EQ(from_console(b, "POST", "/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"x","rule":{}})").status,
              403);
    EXPECT_EQ(from_console(b, "POST", "/v1/tenants/acme/users/ed/sign-in-links").status, 403);
    make_tenant(*c, server->operator_token(), "globex", {"dev"}, "g-");
    EXPECT_EQ(as(b, "GET", "/v1/tenants/globex/sandboxes/dev/campaigns").status, 404);
    // What it does is audited as ed, naming the session.
    ASSERT_EQ(create_segment(b, "Audited"), "201");
    const auto audit = c->get("/v1/tenants/acme/audit", acme.admin_token).json();
    bool found = false;
    for (const auto& r : audit.at("items").as_array())
        if (r.at("action") == "segment.create" && r.at("actor") == "ed")
            found = r.at("details").as_object().contains("session_id");
    EXPECT_TRUE(found) << json::serialize(audit);
}

TEST(Console, ServedAtTheRootWithStrictHeaders) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    EXPECT_NE(server.stdout_text().find("console at http://127.0.0.1:" + std::to_string(server.port()) + "/"),
              std::string::npos)
        << server.stdout_text();
    for (const std::string path : {"/", "/sign-in", "/t/acme/s/prod/campaigns/cmp_x"}) {
        const auto page = c.get(path);
        ASSERT_EQ(page.status, 200) << path;
        EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8") << path;
        EXPECT_NE(page.body.find("<script type=\"module\""), std::string::npos) << path;
        const std::string csp = page.header("content-security-policy");
        EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
        EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
        EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
    }
    const auto script = c.get("/console/main.js");
    ASSERT_EQ(script.status, 200);
    EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
    const auto cached = c.request("GET", "/console/main.js", "", nullptr, {"If-None-Match: " + script.header("etag")});
    EXPECT_EQ(cached.status, 304);
    EXPECT_TRUE(cached.body.empty());
    EXPECT_EQ(c.get("/console/nothing.js").status, 404);
    EXPECT_EQ(c.get("/console/.hidden").status, 404);
    EXPECT_EQ(c.get("/console/%2e%2e/CMakeLists.txt").status, 404);
    EXPECT_EQ(c.get("/favicon.ico").status, 404);
    // The API keeps its JSON 404s, with the same protective headers.
    const auto api = c.get("/v1/nothing");
    EXPECT_EQ(api.status, 404);
    EXPECT_EQ(api.error_code(), "not_found");
    EXPECT_EQ(api.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(c.request("POST", "/", "", nullptr).status, 404);
}

TEST(Console, NoConsoleFlagServesTheApiOnly) {
    FerrydProcess server(FerrydOptions{{"--no-console"}, {}});
    HttpClient c(server.base_url());
    const auto res = c.get("/");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.error_code(), "not_found");
    EXPECT_EQ(server.stdout_text().find("console at"), std::string::npos);
}
