#pragma once
// Approval policies and review rules (product.md §4), as pure logic: which policies apply to a
// request, who may approve, and whether the approvals given satisfy every applicable policy.
// No storage, no clock: the service passes in the current state, so eligibility is always
// judged as of the moment of the decision.

#include "core/roles.hpp"
#include "core/time.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::approval {

enum class Scope { campaign, package };
std::string_view to_string(Scope s);
std::optional<Scope> parse_scope(std::string_view s);

// A condition tree: {"all":[...]}, {"any":[...]}, or {"field","op","value"}.
struct Condition {
    enum class Kind { all, any, leaf };
    Kind kind = Kind::all;
    std::vector<Condition> children;
    std::string field;  // sandbox, type, channel, tag, name, requester, requester_role
    std::string op;     // equals, in, matches
    std::vector<std::string> values;
};

// Who may approve: users by id, or whoever holds a role on the subject's sandbox (or on "*").
struct Approvers {
    std::optional<Role> role;
    std::vector<std::string> users;
};

struct Policy {
    std::string tenant;
    std::string id;
    std::string name;
    Scope scope = Scope::campaign;
    Condition conditions;
    Approvers approvers;
    int required = 1;
    bool active = true;
    std::string created_by;
    std::string updated_by;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

// What policies look at when a request for approval is made.
struct Subject {
    std::string sandbox;
    std::string type;
    std::vector<std::string> channels;
    std::vector<std::string> tags;
    std::string name;
    std::string requester;
    std::vector<std::string> requester_roles;  // roles the requester holds on the sandbox or on "*"
};

// Parsing throws ferry::Error (422 with the JSON path).
Condition parse_conditions(const boost::json::value& value, const std::string& path);
boost::json::value to_json(const Condition& c);
Approvers parse_approvers(const boost::json::value& value, const std::string& path);
boost::json::value to_json(const Approvers& a);

bool matches(const Condition& c, const Subject& s);
// "*" any run of characters, "?" one; case-insensitive for ASCII.
bool glob_match(std::string_view pattern, std::string_view text);

// One thing that must be satisfied: a matching policy, or the sandbox's "always".
struct Requirement {
    std::string source;  // the policy id, or "sandbox"
    std::string name;
    Approvers approvers;
    int required = 1;
};

// Every active policy of the scope that matches; with none and sandbox_always, one reviewer.
std::vector<Requirement> requirements_for(const std::vector<Policy>& policies, Scope scope, const Subject& subject,
                                          bool sandbox_always);

struct Approval {
    std::string user;
    std::string digest;  // the content digest the approver saw
    Timestamp at;
    std::string comment;
};

// A user as they are now; nullopt when the user no longer exists.
struct Member {
    std::string user;
    std::vector<RoleGrant> roles;
};
using MemberLookup = std::function<std::optional<Member>(std::string_view user)>;

// Whether the member may approve for these approvers on the sandbox (admins always may).
bool eligible(const Approvers& approvers, std::string_view sandbox, const Member& member);

struct RequirementState {
    Requirement requirement;
    std::vector<std::string> counted;  // distinct eligible approvers whose approval counts
    bool satisfied = false;
};

struct Evaluation {
    std::vector<RequirementState> requirements;
    bool satisfied = false;  // every requirement (and there is at least one)
};

// Counts, for each requirement, the distinct approvers who approved exactly `digest`, are not
// excluded (the submitter and the last editor) and are eligible now.
Evaluation evaluate(const std::vector<Requirement>& requirements, std::string_view sandbox, std::string_view digest,
                    const std::vector<Approval>& approvals, const MemberLookup& member_of,
                    const std::set<std::string>& excluded);

}  // namespace ferry::approval
