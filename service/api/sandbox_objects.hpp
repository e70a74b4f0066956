#pragma once
// Lookups shared by the handlers of objects that live in a sandbox.

#include "api/context.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"

namespace ferry::api {

// The path's sandbox; 404 when it does not exist (visibility was checked before the handler).
inline Sandbox path_sandbox(Tx& tx, const Context& ctx) {
    return or_not_found(tx.sandbox(ctx.caller.tenant, ctx.param("sandbox")), "sandbox");
}

// Server-made ids: a prefix and 20 base62 characters (about 119 bits), unguessable.
inline std::string new_object_id(std::string_view prefix) { return std::string(prefix) + crypto::random_base62(20); }

// ?include_archived=true|false
bool include_archived(const Context& ctx);

}  // namespace ferry::api
