#pragma once
// One entry of a tenant's append-only, hash-chained audit log.

#include "core/time.hpp"

#include <cstdint>
#include <string>

namespace ferry {

struct AuditRecord {
    std::string tenant;
    std::int64_t seq = 0;  // 1, 2, 3... per tenant, no gaps
    Timestamp at;
    std::string actor;   // "operator", "anonymous", or the user id
    std::string action;  // "sandbox.create", "auth.failed", ...
    std::string target;  // what the action was on, e.g. "sandboxes/dev"
    std::string request_id;
    std::string details;    // a JSON object, serialized
    std::string prev_hash;  // hash of seq - 1 ("" for seq 1)
    std::string hash;       // chain::link_hash of this record
};

}  // namespace ferry
