#pragma once
// Thin RAII over the SQLite C API: a database connection that implements sql::Connection and
// caches its prepared statements. Every return code is checked.

#include "store/sql/connection.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::sqlite {

class Database;

class Cursor final : public sql::Cursor {
public:
    Cursor(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Cursor() override;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;

    void bind_text(int index, std::string_view value) override;
    void bind_int(int index, std::int64_t value) override;
    void bind_null(int index) override;
    bool step() override;
    bool is_null(int column) const override;
    std::string text(int column) const override;
    std::int64_t integer(int column) const override;
    void reset() noexcept override;

private:
    Database& db_;
    sqlite3_stmt* stmt_;
};

class Database final : public sql::Connection {
public:
    Database(const std::string& path, bool read_only);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql) override;
    sql::Statement prepare(std::string_view sql) override;
    sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
    [[noreturn]] void fail(int rc, std::string_view what) const;

    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_ = nullptr;
    // Cursors are destroyed (finalized) before the connection closes.
    std::unordered_map<std::string, std::unique_ptr<Cursor>> cache_;
};

}  // namespace ferry::sqlite
