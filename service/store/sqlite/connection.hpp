#pragma once
// Thin RAII over the SQLite C API: a connection that caches prepared statements, and a
// statement cursor with typed bind/column helpers. Every return code is checked.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::sqlite {

class Connection;

class Statement {
public:
    Statement(Connection& conn, sqlite3_stmt* stmt);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind_null(int index);

    // Advances; true while a row is available.
    bool step();
    // Runs a statement that returns no rows.
    void run();

    std::string text(int column) const;
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;
    std::optional<std::string> optional_text(int column) const;

private:
    Connection& conn_;
    sqlite3_stmt* stmt_;
};

class Connection {
public:
    Connection(const std::string& path, bool read_only);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void exec(const char* sql);
    // A cached prepared statement, reset and unbound, ready for this use.
    Statement prepare(std::string_view sql);
    [[noreturn]] void fail(int rc, std::string_view what) const;

    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace ferry::sqlite
