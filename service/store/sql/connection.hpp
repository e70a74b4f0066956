#pragma once
// What the row mappers and the shared transaction code see of a database connection: prepared
// statements with positional `?` parameters, bound and read by index. SQLite and PostgreSQL
// implement it; the few places where their SQL differs ask for the dialect.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::sql {

enum class Dialect { sqlite, postgres };

// One prepared statement of a connection, cached by its SQL text and reused.
class Cursor {
public:
    virtual ~Cursor() = default;
    virtual void bind_text(int index, std::string_view value) = 0;
    virtual void bind_int(int index, std::int64_t value) = 0;
    virtual void bind_null(int index) = 0;
    // Advances; true while a row is available. Throws StoreError.
    virtual bool step() = 0;
    virtual bool is_null(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual std::int64_t integer(int column) const = 0;
    // Ready for the next use: bindings cleared, results dropped.
    virtual void reset() noexcept = 0;
};

// A statement in use: a handle on a cached cursor, reset when the handle goes.
class Statement {
public:
    explicit Statement(Cursor& cursor) : cursor_(&cursor) {}
    ~Statement() { cursor_->reset(); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view value) {
        cursor_->bind_text(index, value);
        return *this;
    }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, std::int64_t value) {
        cursor_->bind_int(index, value);
        return *this;
    }
    Statement& bind(int index, const std::optional<std::int64_t>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    Statement& bind(int index, const std::optional<std::string>& value) {
        return value ? bind(index, std::string_view(*value)) : bind_null(index);
    }
    Statement& bind_null(int index) {
        cursor_->bind_null(index);
        return *this;
    }

    bool step() { return cursor_->step(); }
    // Runs a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }

    std::string text(int column) const { return cursor_->text(column); }
    std::int64_t integer(int column) const { return cursor_->integer(column); }
    std::optional<std::int64_t> optional_integer(int column) const {
        if (cursor_->is_null(column)) return std::nullopt;
        return cursor_->integer(column);
    }
    std::optional<std::string> optional_text(int column) const {
        if (cursor_->is_null(column)) return std::nullopt;
        return cursor_->text(column);
    }

private:
    Cursor* cursor_;
};

class Connection {
public:
    virtual ~Connection() = default;
    // A cached prepared statement, ready for this use. `?` marks parameters, numbered in order.
    virtual Statement prepare(std::string_view sql) = 0;
    // Runs statements that take no parameters and return no rows.
    virtual void exec(const char* sql) = 0;
    virtual Dialect dialect() const = 0;
};

}  // namespace ferry::sql
