#pragma once
// Lookups shared by the handlers of objects that live in a sandbox.

#include "api/context.hpp"
#include "core/error.hpp"

namespace ferry::api {

// The path's sandbox; 404 when it does not exist (visibility was checked before the handler).
inline Sandbox path_sandbox(Tx& tx, const Context& ctx) {
    return or_not_found(tx.sandbox(ctx.caller.tenant, ctx.param("sandbox")), "sandbox");
}

// ?include_archived=true|false
bool include_archived(const Context& ctx);

}  // namespace ferry::api
