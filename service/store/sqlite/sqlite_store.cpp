#include "store/sqlite/sqlite_store.hpp"

#include "store/local_locks.hpp"
#include "store/sql/campaign_rows.hpp"
#include "store/sql/sql_tx.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

namespace ferry {

namespace {

using sqlite::Database;

void configure_writer(Database& conn) {
    conn.exec("PRAGMA journal_mode=WAL");
    // FULL: a commit is on disk before it is acknowledged; WAL keeps that to one fsync per commit.
    conn.exec("PRAGMA synchronous=FULL");
    conn.exec("PRAGMA foreign_keys=ON");
}

void apply_migrations(Database& conn) {
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    std::int64_t current = 0;
    {
        auto st = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        if (st.step()) current = st.integer(0);
    }
    for (const auto& m : sqlite::migrations()) {
        if (m.version <= current) continue;
        conn.exec("BEGIN IMMEDIATE");
        try {
            conn.exec(std::string(m.sql).c_str());
            conn.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES(?, strftime('%s','now') * 1000)")
                .bind(1, static_cast<std::int64_t>(m.version))
                .run();
            conn.exec("COMMIT");
        } catch (...) {
            conn.exec("ROLLBACK");
            throw;
        }
    }
    // Names written before search folded them (migration 12): folded now, before serving.
    conn.exec("BEGIN IMMEDIATE");
    try {
        sql::fill_folded_names(conn);
        conn.exec("COMMIT");
    } catch (...) {
        conn.exec("ROLLBACK");
        throw;
    }
}

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const SqliteOptions& options) : path_(options.path.string()), max_batch_(options.max_batch) {
        writer_conn_ = std::make_unique<Database>(path_, false);
        configure_writer(*writer_conn_);
        apply_migrations(*writer_conn_);
        writer_ = std::thread([this] { writer_loop(); });
    }

    ~SqliteStore() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        writer_.join();
    }

    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    void read_tx(const std::function<void(Tx&)>& fn) override {
        std::unique_ptr<Database> conn = acquire_reader();
        try {
            conn->prepare("BEGIN").run();  // prepared once: exec would parse it on every read
            const auto tx = sql::make_tx(*conn);
            fn(*tx);
            conn->prepare("COMMIT").run();
        } catch (...) {
            // A failed read leaves nothing behind; the connection goes back clean.
            sqlite3_exec(conn->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
            release_reader(std::move(conn));
            throw;
        }
        release_reader(std::move(conn));
    }

    void write_tx(const std::function<void(Tx&)>& fn) override {
        Job job{fn, {}, {}};
        std::future<void> done = job.done.get_future();
        {
            std::lock_guard lock(mutex_);
            if (stopping_) throw StoreError("store is shutting down");
            queue_.push_back(&job);
        }
        wake_.notify_one();
        done.get();
    }

    // One node: the locks live in this process.
    std::unique_ptr<Lease> lock(std::string_view name) override { return locks_.lock(name); }
    std::unique_ptr<Lease> try_lock(std::string_view name) override { return locks_.try_lock(name); }

    bool healthy() override {
        try {
            read_tx([](Tx& tx) { tx.meta("schema"); });
            return true;
        } catch (const StoreError&) {
            return false;
        }
    }

private:
    struct Job {
        const std::function<void(Tx&)>& fn;
        std::promise<void> done;
        std::exception_ptr error;
    };

    std::unique_ptr<Database> acquire_reader() {
        {
            std::lock_guard lock(readers_mutex_);
            if (!readers_.empty()) {
                auto conn = std::move(readers_.back());
                readers_.pop_back();
                return conn;
            }
        }
        auto conn = std::make_unique<Database>(path_, true);
        conn->exec("PRAGMA query_only=1");
        return conn;
    }

    void release_reader(std::unique_ptr<Database> conn) {
        std::lock_guard lock(readers_mutex_);
        readers_.push_back(std::move(conn));
    }

    void writer_loop() {
        std::vector<Job*> batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;  // stopping, and every queued write has been served
                while (!queue_.empty() && batch.size() < max_batch_) {
                    batch.push_back(queue_.front());
                    queue_.pop_front();
                }
            }
            commit_batch(batch);
            batch.clear();
        }
    }

    void commit_batch(const std::vector<Job*>& batch) {
        Database& conn = *writer_conn_;
        std::exception_ptr batch_error;
        try {
            conn.exec("BEGIN IMMEDIATE");
            const auto tx = sql::make_tx(conn);
            for (Job* job : batch) {
                conn.exec("SAVEPOINT job");
                try {
                    job->fn(*tx);
                    conn.exec("RELEASE job");
                } catch (...) {
                    job->error = std::current_exception();
                    conn.exec("ROLLBACK TO job");
                    conn.exec("RELEASE job");
                }
            }
            conn.exec("COMMIT");
        } catch (...) {
            // The commit (or a rollback to a savepoint) failed: nothing of this batch is durable,
            // so no job of it may be acknowledged.
            batch_error = std::current_exception();
            sqlite3_exec(conn.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
        for (Job* job : batch) {
            if (batch_error && !job->error) job->error = batch_error;
            if (job->error)
                job->done.set_exception(job->error);
            else
                job->done.set_value();
        }
    }

    std::string path_;
    std::size_t max_batch_;
    std::unique_ptr<Database> writer_conn_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job*> queue_;
    bool stopping_ = false;
    std::thread writer_;

    LocalLocks locks_;

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Database>> readers_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
    return std::make_unique<SqliteStore>(options);
}

}  // namespace ferry
