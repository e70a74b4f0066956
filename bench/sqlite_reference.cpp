// The references for ferry's writes: SQLite in WAL mode with synchronous=FULL, as ferryd opens it.
//   single: one small row per transaction (BEGIN, INSERT, COMMIT): bounds any acknowledged write;
//   bulk:   N rows in one transaction, each row the size of a stored campaign: bounds imports.
// Each run writes a fresh database in DIR. Each row has a unique text id and a unique key, as a
// campaign has: a row costs the table insert and two index inserts. The table is an ordinary rowid
// table: for rows of a campaign's size (1 to 2 KB) that is SQLite's fast layout (a WITHOUT ROWID
// table stores the whole row in its primary-key B-tree, and measured about 3 times slower here).
//
// usage: bench_sqlite_reference DIR single|bulk ROWS [ROW_BYTES]
// Prints one JSON line: {"mode":..,"rows":..,"row_bytes":..,"seconds":..,"rows_per_s":..}

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void exec(sqlite3* db, const char* sql) { check(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr), sql); }

// Varied printable bytes, so that no page is trivially alike.
std::string payload(std::size_t bytes, long seed) {
    std::string out(bytes, 'x');
    unsigned long state = static_cast<unsigned long>(seed) * 2654435761UL + 1;
    for (char& c : out) {
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        c = static_cast<char>('a' + (state >> 59) % 26);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s DIR single|bulk ROWS [ROW_BYTES]\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const std::string mode = argv[2];
    const long rows = std::atol(argv[3]);
    const bool single = mode == "single";
    if ((!single && mode != "bulk") || rows < 1) {
        std::fprintf(stderr, "mode must be single or bulk, rows at least 1\n");
        return 2;
    }
    const auto row_bytes = static_cast<std::size_t>(argc > 4 ? std::atol(argv[4]) : (single ? 200 : 1500));

    std::filesystem::create_directories(dir);
    const std::string path = (dir / ("reference-" + mode + ".db")).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        std::fprintf(stderr, "cannot open %s\n", path.c_str());
        return 1;
    }
    try {
        exec(db, "PRAGMA journal_mode=WAL");
        exec(db, "PRAGMA synchronous=FULL");
        exec(db,
             "CREATE TABLE rows (tenant TEXT NOT NULL, sandbox TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL, "
             "body TEXT NOT NULL)");
        exec(db, "CREATE UNIQUE INDEX rows_id ON rows(tenant, sandbox, id)");
        exec(db, "CREATE UNIQUE INDEX rows_key ON rows(tenant, sandbox, key)");

        sqlite3_stmt* insert = nullptr;
        check(db,
              sqlite3_prepare_v2(db, "INSERT INTO rows(tenant, sandbox, id, key, body) VALUES('bench', 'ref', ?, ?, ?)",
                                 -1, &insert, nullptr),
              "prepare");
        // Bodies are made before the clock starts: only SQLite is timed.
        const std::string body = payload(row_bytes, rows);
        const auto start = std::chrono::steady_clock::now();
        if (!single) exec(db, "BEGIN IMMEDIATE");
        for (long i = 0; i < rows; ++i) {
            if (single) exec(db, "BEGIN IMMEDIATE");
            const std::string id = "cmp_" + std::to_string(1000000000L + i * 7919 % 1000003);
            const std::string key = "reference-" + std::to_string(i);
            sqlite3_bind_text(insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(insert, 2, key.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(insert, 3, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
            check(db, sqlite3_step(insert), "insert");
            sqlite3_reset(insert);
            if (single) exec(db, "COMMIT");
        }
        if (!single) exec(db, "COMMIT");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        sqlite3_finalize(insert);
        std::printf("{\"mode\":\"%s\",\"rows\":%ld,\"row_bytes\":%zu,\"seconds\":%.6f,\"rows_per_s\":%.1f}\n",
                    mode.c_str(), rows, row_bytes, seconds, static_cast<double>(rows) / seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        sqlite3_close(db);
        return 1;
    }
    sqlite3_close(db);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return 0;
}
