#pragma once
// What the import commands share with the commands that build an import request themselves
// (`ferry drift resync` plans and applies the request the drift report gives): the plan shown as
// `ferry import plan` shows it, an apply as `ferry import apply` does it, and --resolve.

#include "context.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace ferry::cli {

// Plans the request in the sandbox and prints it as `ferry import plan` does (items, merges field
// by field, changes, verdict); exit 3 when it has conflicts or is blocked, 0 otherwise.
int show_import_plan(Context& ctx, const std::string& sandbox, const boost::json::object& request);

// Applies the request as `ferry import apply` does (one idempotency key, retries, "already
// applied" is 0, conflicts 3). `what` names it in progress messages.
int apply_import(Context& ctx, const std::string& sandbox, const boost::json::object& request, const std::string& what);

// --resolve KIND/KEY:/PATH=take_source|keep_target|value:JSON, repeatable -> the `resolutions` of
// an import request ({"campaign/promo": {"/spec/...": "keep_target"}}); UsageError when malformed.
boost::json::object resolutions_of(const std::vector<std::string>& specs);

// The help of --resolve, the same wherever it is offered.
extern const char* const resolve_help;

}  // namespace ferry::cli
