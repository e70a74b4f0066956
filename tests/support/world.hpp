#pragma once
// A populated deployment for black-box tests: tenants with sandboxes and one user per role.

#include "http_client.hpp"

#include <map>
#include <string>
#include <vector>

namespace ferry::test {

struct TenantFixture {
    std::string id;
    std::string admin_token;                      // user "admin", admin on "*"
    std::vector<std::string> sandboxes;           // the first one carries the role users' grants
    std::map<std::string, std::string> user_of;   // role -> user id
    std::map<std::string, std::string> token_of;  // role -> token ("admin" is the tenant admin)
};

// Creates the tenant through the operator token, its sandboxes, and for each of editor, reviewer,
// viewer, importer a user "<prefix><role>" with that role on the first sandbox.
TenantFixture make_tenant(HttpClient& client, const std::string& operator_token, const std::string& id,
                          const std::vector<std::string>& sandboxes, const std::string& user_prefix = "");

// Creates a user with the given roles ([{sandbox, role}]) and returns a token for it.
std::string make_user(HttpClient& client, const TenantFixture& tenant, const std::string& user,
                      const std::string& roles_json);

}  // namespace ferry::test
