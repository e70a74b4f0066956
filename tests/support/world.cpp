#include "world.hpp"

#include <stdexcept>

namespace ferry::test {

namespace {

HttpResponse expect(HttpResponse res, long status, const std::string& what) {
    if (res.status != status)
        throw std::runtime_error(what + ": expected " + std::to_string(status) + ", got " + std::to_string(res.status) +
                                 " " + res.body);
    return res;
}

}  // namespace

std::string make_user(HttpClient& client, const TenantFixture& tenant, const std::string& user,
                      const std::string& roles_json) {
    const std::string base = "/v1/tenants/" + tenant.id;
    expect(
        client.post(base + "/users", R"({"id":")" + user + R"(","name":")" + user + R"(","roles":)" + roles_json + "}",
                    tenant.admin_token),
        201, "create user " + user);
    auto token = expect(client.post(base + "/users/" + user + "/tokens", R"({"name":"test"})", tenant.admin_token), 201,
                        "create token for " + user);
    return std::string(token.json().at("token").as_string());
}

TenantFixture make_tenant(HttpClient& client, const std::string& operator_token, const std::string& id,
                          const std::vector<std::string>& sandboxes, const std::string& user_prefix) {
    TenantFixture t;
    t.id = id;
    t.sandboxes = sandboxes;
    auto created =
        expect(client.post("/v1/tenants", R"({"id":")" + id + R"(","name":"Tenant )" + id + "\"}", operator_token), 201,
               "create tenant " + id);
    t.admin_token = std::string(created.json().at("admin_token").as_string());
    t.user_of["admin"] = "admin";
    t.token_of["admin"] = t.admin_token;
    for (const auto& s : sandboxes) {
        const std::string type = s.find("prod") != std::string::npos ? "production" : "development";
        expect(client.post("/v1/tenants/" + id + "/sandboxes", R"({"id":")" + s + R"(","type":")" + type + "\"}",
                           t.admin_token),
               201, "create sandbox " + s);
    }
    for (const std::string role : {"editor", "reviewer", "viewer", "importer"}) {
        const std::string user = user_prefix + role;
        t.user_of[role] = user;
        t.token_of[role] =
            make_user(client, t, user, R"([{"sandbox":")" + sandboxes.front() + R"(","role":")" + role + "\"}]");
    }
    return t;
}

}  // namespace ferry::test
