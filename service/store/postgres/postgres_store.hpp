#pragma once
// The scale-out backend: PostgreSQL through libpq, for several stateless ferryd nodes.
//
// Reads run in REPEATABLE READ READ ONLY transactions (one snapshot). Writes run in READ COMMITTED
// transactions that take a per-tenant transaction-scoped advisory lock before touching a tenant:
// the writes of one tenant are serialized across all nodes, as with SQLite's single writer, while
// different tenants write in parallel. A deadlock or serialization failure runs the transaction
// again. Every transaction sets `ferry.tenant`, which the row-level security policies check.

#include "store/store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ferry {

struct PostgresOptions {
    std::string url;             // the application role: not the tables' owner
    std::string owner_url;       // creates and migrates the schema, grants to the application role; empty: url
    std::size_t pool_size = 16;  // transaction connections; locks use their own
    std::function<void(const std::string&)> warn;  // start-up warnings (unsafe role settings)
};

bool is_postgres_url(std::string_view url);

std::unique_ptr<Store> open_postgres_store(const PostgresOptions& options);

}  // namespace ferry
