#pragma once
// Who does something, and when: a person (a browser session) or an API token acting for a user,
// the operator, or ferryd itself (the scheduler, crash recovery, a sync) possibly on someone's
// behalf. Every use case takes one; the audit log and the webhooks name it the same way.

#include "core/time.hpp"
#include "tenancy/model.hpp"
#include "tenancy/permissions.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::workflows {

struct Actor {
    enum class Kind { person, token, operator_, anonymous, scheduler, recovery, sync };

    Kind kind = Kind::anonymous;
    std::string tenant;
    std::string user;              // person and token: the user id
    std::vector<RoleGrant> roles;  // the user's roles as authenticated
    std::string token_id;          // token: which one
    std::string session_id;        // person: the browser session
    Timestamp at;                  // "now" for everything this actor does
    std::string on_behalf_of;      // ferryd acting for a user (a sync, a scheduled apply); else empty
    std::string request_id;        // what the audit log ties each record to

    // The caller of an HTTP request (or of a session), as authenticated.
    static Actor of(const Principal& caller, Timestamp at, std::string request_id);
    static Actor scheduler(Timestamp at);
    static Actor recovery(Timestamp at);

    // The name the audit log, the webhooks and the records (updated_by, decided_by) show:
    // the user id, or "operator", "anonymous", "scheduler", "recovery", "sync".
    std::string name() const;
    bool is_tenant_admin() const;
    bool sees(std::string_view sandbox) const;

private:
    Principal principal() const;
};

}  // namespace ferry::workflows
