#pragma once
// ferryd migrate: a single node's deployment (SQLite in its data directory, package repositories
// under <data-dir>/git, signing keys under <data-dir>/keys) copied into an empty PostgreSQL
// database and, if given, a git remote, then verified there. docs/deployment.md says when.
//
// The table list is the source's: every table of the SQLite database is copied, column by
// column, into the PostgreSQL table of the same name (made by ferryd's PostgreSQL migrations,
// run first); a table or column the target lacks, or a column type other than INTEGER or TEXT,
// stops the migration before anything is written. All the PostgreSQL writes are one transaction,
// verified before it commits: a failure leaves the target as empty as it was, and the command
// can simply be run again.

#include "keys/envelope.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ferry::migrate {

struct Options {
    std::filesystem::path from;  // the data directory (ferry.db, git/, keys/)
    std::string to;              // postgres:// URL of the service's role
    std::string to_owner;        // of the schema's owner, if another role (--database-owner)
    std::optional<std::string> git_remote;
    std::optional<std::filesystem::path> keys_dir;  // default <from>/keys
    // With a KEK, the private keys of the keys directory are wrapped into the target (as a node
    // started with --kek-file would), so nodes need no shared keys directory.
    std::optional<keys::Kek> kek;
    std::function<void(const std::string&)> say;  // progress, one line at a time
};

struct TableCount {
    std::string table;
    std::string tenant;  // "" for a table without tenants (meta)
    std::int64_t source = 0;
    std::int64_t target = 0;
};

struct Report {
    std::vector<std::string> tables;  // copied, in the order they were
    std::vector<TableCount> counts;   // per table and tenant
    std::int64_t rows = 0;
    std::size_t git_refs = 0;            // pushed to the remote
    std::size_t keys_wrapped = 0;        // from key files, under the KEK
    std::size_t keys_left_in_files = 0;  // private keys the target has no wrapped copy of
    std::int64_t audit_records = 0;      // verified on the target, every tenant's chain
    std::size_t versions_verified = 0;   // package versions read back and their signatures checked
};

// Throws std::runtime_error (or StoreError, GitError) with what went wrong; nothing is committed then.
Report run(const Options& options);

}  // namespace ferry::migrate
