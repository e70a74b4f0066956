#include "workflows/actor.hpp"

namespace ferry::workflows {

Actor Actor::of(const Principal& caller, Timestamp at, std::string request_id) {
    Actor a;
    if (caller.is_operator)
        a.kind = Kind::operator_;
    else if (!caller.session_id.empty())
        a.kind = Kind::person;
    else if (!caller.token_id.empty())
        a.kind = Kind::token;
    else if (!caller.user.empty())
        a.kind = Kind::person;
    a.tenant = caller.tenant;
    a.user = caller.user;
    a.roles = caller.roles;
    a.token_id = caller.token_id;
    a.session_id = caller.session_id;
    a.at = at;
    a.request_id = std::move(request_id);
    return a;
}

Actor Actor::scheduler(Timestamp at) {
    Actor a;
    a.kind = Kind::scheduler;
    a.at = at;
    a.request_id = "scheduler";
    return a;
}

Actor Actor::recovery(Timestamp at) {
    Actor a;
    a.kind = Kind::recovery;
    a.at = at;
    a.request_id = "recovery";
    return a;
}

std::string Actor::name() const {
    switch (kind) {
        case Kind::person:
        case Kind::token: return user.empty() ? "anonymous" : user;
        case Kind::operator_: return "operator";
        case Kind::anonymous: return "anonymous";
        case Kind::scheduler: return "scheduler";
        case Kind::recovery: return "recovery";
        case Kind::sync: return "sync";
    }
    return "anonymous";
}

Principal Actor::principal() const {
    Principal p;
    p.is_operator = kind == Kind::operator_;
    p.tenant = tenant;
    p.user = user;
    p.token_id = token_id;
    p.session_id = session_id;
    p.roles = roles;
    return p;
}

bool Actor::is_tenant_admin() const { return ferry::is_tenant_admin(principal()); }

bool Actor::sees(std::string_view sandbox) const { return can_see_sandbox(principal(), sandbox); }

}  // namespace ferry::workflows
