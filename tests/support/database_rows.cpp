#include "database_rows.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdexcept>

namespace ferry::test {

namespace {

std::vector<Cell> sqlite_cells(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + file.string());
    }
    std::vector<std::string> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    std::vector<Cell> out;
    for (const auto& table : tables) {
        const std::string sql = "SELECT * FROM \"" + table + "\"";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) continue;
        const int columns = sqlite3_column_count(st);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < columns; ++i) {
                const auto* data = static_cast<const char*>(sqlite3_column_blob(st, i));
                const int size = sqlite3_column_bytes(st, i);
                out.push_back({table, sqlite3_column_name(st, i),
                               data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(size))});
            }
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

std::vector<Cell> postgres_cells(const std::string& url) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("connect: " + message);
    }
    // The owner is subject to row-level security: every tenant's rows.
    PQclear(PQexec(conn, "SET ferry.tenant = '*'"));
    PGresult* r = PQexec(conn,
                         "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                         "AND table_type = 'BASE TABLE'");
    std::vector<std::string> tables;
    for (int i = 0; i < PQntuples(r); ++i) tables.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    std::vector<Cell> out;
    for (const auto& table : tables) {
        r = PQexec(conn, ("SELECT * FROM \"" + table + "\"").c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            const std::string message = PQresultErrorMessage(r);
            PQclear(r);
            PQfinish(conn);
            throw std::runtime_error("read " + table + ": " + message);
        }
        for (int row = 0; row < PQntuples(r); ++row)
            for (int col = 0; col < PQnfields(r); ++col)
                out.push_back(
                    {table, PQfname(r, col),
                     std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)))});
        PQclear(r);
    }
    PQfinish(conn);
    return out;
}

}  // namespace

std::vector<Cell> every_cell(const FerrydProcess& server) {
    if (server.database() != nullptr) return postgres_cells(server.database()->owner_url());
    return sqlite_cells(server.data_dir() / "ferry.db");
}

}  // namespace ferry::test
