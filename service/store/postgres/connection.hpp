#pragma once
// Thin RAII over libpq: a connection that implements sql::Connection. Statements are prepared
// once per connection (server-side, named) and cached by their SQL text; `?` parameters are
// rewritten to PostgreSQL's `$n`. Values travel as text, and the server infers their types from
// the statement.

#include "store/sql/connection.hpp"
#include "store/store.hpp"

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ferry::postgres {

// The transaction lost to a concurrent one (serialization failure or deadlock): running it again
// from the start is safe and will succeed.
class RetryableError : public StoreError {
public:
    using StoreError::StoreError;
};

// Rewrites `?` placeholders outside quoted text to `$1`, `$2`, ... and counts them.
std::string number_placeholders(std::string_view sql, int& count);

class Database;

class Cursor final : public sql::Cursor {
public:
    Cursor(Database& db, std::string name, int params)
        : db_(db), name_(std::move(name)), params_(static_cast<std::size_t>(params)) {}
    ~Cursor() override { reset(); }
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
    std::optional<std::string>& param(int index);

    Database& db_;
    std::string name_;
    std::vector<std::optional<std::string>> params_;
    PGresult* result_ = nullptr;
    int row_ = 0;
    int rows_ = 0;
};

class Database final : public sql::Connection {
public:
    explicit Database(const std::string& url);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql) override;
    sql::Statement prepare(std::string_view sql) override;
    sql::Dialect dialect() const override { return sql::Dialect::postgres; }

    // Checks a result: a success stays the caller's to clear; a failure is cleared and thrown as
    // RetryableError or StoreError.
    void check(PGresult* result, std::string_view what) const;
    bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
    PGconn* handle() const { return conn_; }
    std::string quote_identifier(std::string_view name) const;

private:
    PGconn* conn_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Cursor>> cache_;
};

// A URL or conninfo string with any password replaced, for logs and errors.
std::string redact(std::string_view url);

}  // namespace ferry::postgres
