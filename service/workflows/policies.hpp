#pragma once
// Use cases on a tenant's approval policies: create, edit (only while inactive), delete,
// activate, deactivate, duplicate. Each writes in the caller's transaction and records through
// the Journal (policy.*); the caller checked the request's If-Match.

#include "approval/policy.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>

namespace ferry::workflows {

// A policy as the API shows it (and as policy.create and policy.update record it).
boost::json::object policy_json(const approval::Policy& policy);

// From a request body: name, scope, conditions and approvers required; required_approvals and
// active optional. 422 naming the field otherwise.
approval::Policy create_policy(Tx& tx, const Actor& actor, const boost::json::object& body);

// The fields present in `body` (not active: that is activate and deactivate). 409 policy_active
// while the policy is active.
approval::Policy edit_policy(Tx& tx, const Actor& actor, approval::Policy policy, const boost::json::object& body);

// 409 policy_active while the policy is active.
void delete_policy(Tx& tx, const Actor& actor, const approval::Policy& policy);

// Activates or deactivates; 409 invalid_transition when it already is.
approval::Policy set_policy_active(Tx& tx, const Actor& actor, approval::Policy policy, bool active);

// An inactive copy named "<name> (copy)", so it can be edited before it applies.
approval::Policy duplicate_policy(Tx& tx, const Actor& actor, const approval::Policy& policy);

}  // namespace ferry::workflows
