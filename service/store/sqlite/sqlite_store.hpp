#pragma once
// The embedded backend: one SQLite database in WAL mode with synchronous=FULL.
//
// Writes go through a single writer thread that runs queued write transactions back to back
// inside one SQLite transaction, each in its own SAVEPOINT, and commits them together: many
// acknowledged writes share one fsync (group commit). Reads use a pool of read-only connections
// and never wait for the writer.

#include "store/store.hpp"

#include <filesystem>
#include <memory>

namespace ferry {

struct SqliteOptions {
    std::filesystem::path path;
    std::size_t max_batch = 128;  // write transactions folded into one commit at most
};

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace ferry
