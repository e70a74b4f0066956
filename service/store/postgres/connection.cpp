#include "store/postgres/connection.hpp"

#include <charconv>

namespace ferry::postgres {

std::string number_placeholders(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    char quote = 0;
    for (const char ch : sql) {
        if (quote != 0) {
            // A doubled quote inside quoted text closes and reopens it: the result is the same.
            if (ch == quote) quote = 0;
            out.push_back(ch);
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
            out.push_back(ch);
        } else if (ch == '?') {
            out += '$' + std::to_string(++count);
        } else {
            out.push_back(ch);
        }
    }
    return out;
}

std::string redact(std::string_view url) {
    std::string out(url);
    // postgres://user:secret@host -> postgres://user:***@host
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto at = out.find('@', scheme + 3);
        const auto colon = out.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at)
            out.replace(colon + 1, at - colon - 1, "***");
    }
    // conninfo form: password=secret
    if (const auto p = out.find("password="); p != std::string::npos) {
        const auto end = out.find(' ', p);
        out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
    }
    return out;
}

std::optional<std::string>& Cursor::param(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > params_.size())
        throw StoreError("postgres bind: parameter " + std::to_string(index) + " out of range");
    return params_[static_cast<std::size_t>(index - 1)];
}

void Cursor::bind_text(int index, std::string_view value) { param(index) = std::string(value); }
void Cursor::bind_int(int index, std::int64_t value) { param(index) = std::to_string(value); }
void Cursor::bind_null(int index) { param(index).reset(); }

bool Cursor::step() {
    if (result_ == nullptr) {
        std::vector<const char*> values;
        values.reserve(params_.size());
        for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
        PGresult* result = PQexecPrepared(db_.handle(), name_.c_str(), static_cast<int>(values.size()), values.data(),
                                          nullptr, nullptr, 0);
        db_.check(result, "statement");
        result_ = result;
        row_ = 0;
        rows_ = PQntuples(result_);
    } else if (row_ < rows_) {
        ++row_;
    }
    return row_ < rows_;
}

bool Cursor::is_null(int column) const { return PQgetisnull(result_, row_, column) != 0; }

std::string Cursor::text(int column) const {
    return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

std::int64_t Cursor::integer(int column) const {
    const char* begin = PQgetvalue(result_, row_, column);
    const char* end = begin + PQgetlength(result_, row_, column);
    if (end - begin == 1 && (*begin == 't' || *begin == 'f')) return *begin == 't' ? 1 : 0;  // boolean
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end)
        throw StoreError("postgres: column " + std::to_string(column) + " is not an integer");
    return value;
}

void Cursor::reset() noexcept {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = rows_ = 0;
    for (auto& p : params_) p.reset();
}

Database::Database(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        const std::string message = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
        PQfinish(conn_);
        conn_ = nullptr;
        throw StoreError("cannot connect to PostgreSQL at " + redact(url) + ": " + message);
    }
    // Notices (e.g. "relation already exists, skipping") are not errors and not worth a log line.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
}

Database::~Database() {
    cache_.clear();
    PQfinish(conn_);
}

void Database::check(PGresult* result, std::string_view what) const {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    const std::string code = state != nullptr ? state : "";
    PQclear(result);
    const std::string text =
        "postgres " + std::string(what) + " failed" + (code.empty() ? "" : " (" + code + ")") + ": " + message;
    // 40001 serialization failure, 40P01 deadlock: the transaction may simply be run again.
    if (code == "40001" || code == "40P01") throw RetryableError(text);
    throw StoreError(text);
}

void Database::exec(const char* sql) {
    PGresult* result = PQexec(conn_, sql);
    check(result, "exec");
    PQclear(result);
}

sql::Statement Database::prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
        int count = 0;
        const std::string text = number_placeholders(sql, count);
        const std::string name = "f" + std::to_string(cache_.size() + 1);
        PGresult* result = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
        check(result, "prepare");
        PQclear(result);
        it = cache_.emplace(std::string(sql), std::make_unique<Cursor>(*this, name, count)).first;
    }
    return sql::Statement(*it->second);
}

std::string Database::quote_identifier(std::string_view name) const {
    char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
    if (quoted == nullptr) throw StoreError(std::string("postgres: cannot quote identifier: ") + PQerrorMessage(conn_));
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

}  // namespace ferry::postgres
