#include "store/sqlite/connection.hpp"

#include "store/store.hpp"

namespace ferry::sqlite {

Cursor::~Cursor() { sqlite3_finalize(stmt_); }

void Cursor::bind_text(int index, std::string_view value) {
    const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_.fail(rc, "bind");
}

void Cursor::bind_int(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_.fail(rc, "bind");
}

void Cursor::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_.fail(rc, "bind");
}

bool Cursor::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail(rc, "step");
}

bool Cursor::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::string Cursor::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::int64_t Cursor::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

void Cursor::reset() noexcept {
    // Cached statements are only reset, so that the next use skips the parse.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Database::Database(const std::string& path, bool read_only) {
    const int flags =
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw StoreError("cannot open database " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    // A reader may briefly wait for a checkpoint; the writer is the only writer, so waits are short.
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    cache_.clear();
    sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        const std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StoreError(std::string("sqlite exec failed: ") + message);
    }
}

sql::Statement Database::prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &stmt, nullptr);
        if (rc != SQLITE_OK) fail(rc, "prepare");
        it = cache_.emplace(std::string(sql), std::make_unique<Cursor>(*this, stmt)).first;
    }
    return sql::Statement(*it->second);
}

void Database::fail(int rc, std::string_view what) const {
    throw StoreError("sqlite " + std::string(what) + " failed (" + std::to_string(rc) + "): " + sqlite3_errmsg(db_));
}

}  // namespace ferry::sqlite
