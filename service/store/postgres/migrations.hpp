#pragma once
// The PostgreSQL schema, as an ordered list of migrations: the SQLite schema (store/sqlite/
// migrations.hpp) translated, then row-level security. A migration is never edited once released:
// changes come as a new entry at the end. Applied at start, each in its own transaction.

#include <span>
#include <string_view>

namespace ferry::postgres {

struct Migration {
    int version;
    std::string_view description;
    std::string_view sql;
};

std::span<const Migration> migrations();

}  // namespace ferry::postgres
