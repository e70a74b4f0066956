#pragma once
// Use cases of a tenant's administration: the tenant itself, its sandboxes, users, API tokens,
// signing key and webhooks. Each writes in the caller's transaction, records through the Journal
// (tenant.create, sandbox.*, user.*, token.*, signing_key.rotate, webhook.*) and returns plain
// values or throws ferry::Error. The caller checked the request's If-Match and the caller's
// permissions.

#include "keys/key_store.hpp"
#include "packager/package.hpp"
#include "store/store.hpp"
#include "webhooks/model.hpp"
#include "workflows/actor.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ferry::workflows {

// A new tenant with its administrator ("admin", admin on "*") and one token for it ("bootstrap");
// returns the token's secret, shown only once. 409 already_exists. `key` is the tenant's signing
// key, its private half already kept by the key store.
std::string create_tenant(Tx& tx, const Actor& actor, Tenant tenant,
                          const std::optional<packager::SigningKeyRecord>& key);

// The tenant's new signing key: signs from now on; the old public keys stay, so older versions
// still verify.
packager::SigningKeyRecord rotate_signing_key(Tx& tx, const Actor& actor, const keys::KeyStore& keys);

// A sandbox's type and approval requirement as the API names them; 422 on the field otherwise.
SandboxType sandbox_type(const std::string& text);
ApprovalRequirement approval_requirement(const std::string& text);

// 409 already_exists.
Sandbox create_sandbox(Tx& tx, const Actor& actor, Sandbox sandbox);

struct SandboxEdit {
    std::optional<std::string> id;    // may only repeat the sandbox's id
    std::optional<std::string> type;  // may only repeat the sandbox's type
    std::optional<std::string> require_approval;
    std::optional<std::string> description;
};
Sandbox edit_sandbox(Tx& tx, const Actor& actor, Sandbox sandbox, const SandboxEdit& edit);

// 409 sandbox_not_empty while it holds campaigns, segments or templates. The roles on it are
// removed from every user.
void delete_sandbox(Tx& tx, const Actor& actor, const Sandbox& sandbox);

// The permissions beyond roles an administrator can grant: bypass_approval and bypass_pipeline.
std::vector<std::string> user_permissions(const boost::json::array& array);

// `draft` holds the id, name and permissions; `roles` ([{"sandbox","role"}]) name existing
// sandboxes. 409 already_exists.
User create_user(Tx& tx, const Actor& actor, User draft, const boost::json::array* roles);

struct UserEdit {
    std::optional<std::string> id;  // may only repeat the user's id
    std::optional<std::string> name;
    const boost::json::array* roles = nullptr;
    const boost::json::array* permissions = nullptr;
};
// A tenant keeps at least one administrator (409 last_admin).
User edit_user(Tx& tx, const Actor& actor, User user, const UserEdit& edit);
void delete_user(Tx& tx, const Actor& actor, const User& user);

struct IssuedToken {
    Token token;
    std::string secret;  // shown only once
};
// A new API token of the user (404 when there is no such user); `expires_at` must be in the future.
IssuedToken create_token(Tx& tx, const Actor& actor, const std::string& user, const std::string& name,
                         std::optional<Timestamp> expires_at);
// 404 unless the user has this token; revoking twice changes nothing (and records nothing).
void revoke_token(Tx& tx, const Actor& actor, const std::string& user, const std::string& token_id);

// `webhook` holds its url (its destination checked by the caller), events and secret; it gets
// its id, tenant and creator here.
Webhook create_webhook(Tx& tx, const Actor& actor, Webhook webhook);
void delete_webhook(Tx& tx, const Actor& actor, const Webhook& webhook);

}  // namespace ferry::workflows
