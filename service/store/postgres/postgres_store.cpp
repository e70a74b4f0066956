#include "store/postgres/postgres_store.hpp"

#include "store/postgres/connection.hpp"
#include "store/postgres/migrations.hpp"
#include "store/sql/campaign_rows.hpp"
#include "store/sql/sql_tx.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace ferry {

namespace {

using postgres::Database;

// How long a request waits for a free connection before it fails (503 through StoreError).
constexpr std::chrono::seconds pool_wait{30};
constexpr int max_attempts = 8;
// Connections holding named locks: one per publish, Idempotency-Key import or scheduler pass in
// progress on this node, so bounded by the worker threads; beyond this, a lock waits.
constexpr std::size_t max_leases = 64;

class Pool {
public:
    Pool(std::string url, std::size_t max) : url_(std::move(url)), max_(max) {}

    std::unique_ptr<Database> acquire() {
        std::unique_lock guard(mutex_);
        if (!freed_.wait_for(guard, pool_wait, [&] { return !idle_.empty() || open_ < max_; }))
            throw StoreError("no database connection free after " + std::to_string(pool_wait.count()) + " s");
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return db;
        }
        ++open_;
        guard.unlock();
        try {
            return std::make_unique<Database>(url_);
        } catch (...) {
            guard.lock();
            --open_;
            freed_.notify_one();
            throw;
        }
    }

    void release(std::unique_ptr<Database> db) {
        {
            std::lock_guard guard(mutex_);
            if (db->broken())
                --open_;  // dropped: the next acquire connects afresh
            else
                idle_.push_back(std::move(db));
        }
        freed_.notify_one();
    }

private:
    std::string url_;
    std::size_t max_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Database>> idle_;
    std::size_t open_ = 0;
};

// The storage interface over SQL, with the tenant of every call made known to PostgreSQL first:
// `ferry.tenant` for row-level security and, in write transactions, the tenant's lock.
class PgTx final : public Tx {
public:
    PgTx(Database& db, bool writing) : db_(db), inner_(sql::make_tx(db)), writing_(writing) {}

#include "store/postgres/scoped_methods.inc"

private:
    void scope(std::string_view tenant) {
        if (tenant == current_) return;
        if (writing_ && tenant != "*" && locked_.insert(std::string(tenant)).second)
            db_.prepare("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
                .bind(1, "tenant\n" + std::string(tenant))
                .run();
        db_.prepare("SELECT set_config('ferry.tenant', ?, true)").bind(1, tenant).run();
        current_ = std::string(tenant);
    }

    Database& db_;
    std::unique_ptr<Tx> inner_;
    bool writing_;
    std::string current_;
    std::set<std::string, std::less<>> locked_;
};

class PgLease final : public Lease {
public:
    PgLease(Pool& pool, std::unique_ptr<Database> db, std::string name)
        : pool_(pool), db_(std::move(db)), name_(std::move(name)) {}
    ~PgLease() override {
        try {
            db_->prepare("SELECT pg_advisory_unlock(hashtextextended(?, 0))").bind(1, name_).run();
        } catch (const StoreError&) {
            // The connection is gone, and the server released the lock with it.
        }
        pool_.release(std::move(db_));
    }
    PgLease(const PgLease&) = delete;
    PgLease& operator=(const PgLease&) = delete;

private:
    Pool& pool_;
    std::unique_ptr<Database> db_;
    std::string name_;
};

std::string single_text(Database& db, const char* sql) {
    auto st = db.prepare(sql);
    if (!st.step()) throw StoreError(std::string("postgres: no row from ") + sql);
    return st.text(0);
}

void rollback_quietly(Database& db) {
    PGresult* r = PQexec(db.handle(), "ROLLBACK");
    PQclear(r);
}

// Applies the migrations not yet applied, each in its own transaction, under a lock so that nodes
// starting together migrate once; then grants the application role what it needs and no more.
void migrate(Database& owner, const std::string& app_role) {
    owner.exec("SELECT pg_advisory_lock(hashtextextended('ferry schema', 0))");
    try {
        owner.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
        const std::int64_t current =
            std::stoll(single_text(owner, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
        for (const auto& m : postgres::migrations()) {
            if (m.version <= current) continue;
            owner.exec("BEGIN");
            try {
                owner.exec(std::string(m.sql).c_str());
                owner
                    .prepare(
                        "INSERT INTO schema_migrations(version, applied_at) VALUES(?, "
                        "(extract(epoch from clock_timestamp()) * 1000)::bigint)")
                    .bind(1, static_cast<std::int64_t>(m.version))
                    .run();
                owner.exec("COMMIT");
            } catch (...) {
                rollback_quietly(owner);
                throw;
            }
        }
        // Names written before search folded them (migration 13): folded now, before serving,
        // across tenants (the owner is subject to row-level security too).
        owner.exec("BEGIN");
        try {
            owner.exec("SET LOCAL ferry.tenant = '*'");
            sql::fill_folded_names(owner);
            owner.exec("COMMIT");
        } catch (...) {
            rollback_quietly(owner);
            throw;
        }
        if (app_role != single_text(owner, "SELECT current_user")) {
            const std::string role = owner.quote_identifier(app_role);
            // The audit log is append-only for the service by privilege too, not only by trigger.
            owner.exec(("GRANT USAGE ON SCHEMA public TO " + role +
                        ";"
                        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " +
                        role +
                        ";"
                        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " +
                        role +
                        ";"
                        "REVOKE UPDATE, DELETE ON audit FROM " +
                        role +
                        ";"
                        "REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM " +
                        role + ";")
                           .c_str());
        }
    } catch (...) {
        PQclear(PQexec(owner.handle(), "SELECT pg_advisory_unlock(hashtextextended('ferry schema', 0))"));
        throw;
    }
    owner.exec("SELECT pg_advisory_unlock(hashtextextended('ferry schema', 0))");
}

class PostgresStore final : public Store {
public:
    explicit PostgresStore(const PostgresOptions& options)
        : pool_(options.url, std::max<std::size_t>(1, options.pool_size)), leases_(options.url, max_leases) {
        auto app = pool_.acquire();
        const std::string role = single_text(*app, "SELECT current_user");
        {
            Database owner(options.owner_url.empty() ? options.url : options.owner_url);
            migrate(owner, role);
        }
        if (options.warn) {
            if (single_text(*app, "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user") == "t")
                options.warn("the database role " + role +
                             " is a superuser or has BYPASSRLS: row-level security does not apply to it");
            if (single_text(*app,
                            "SELECT COALESCE(bool_or(tableowner = current_user), false) FROM pg_tables "
                            "WHERE schemaname = 'public' AND tablename = 'campaigns'") == "t")
                options.warn("the service connects as the tables' owner (" + role +
                             "); give the schema to another role with --database-owner");
        }
        pool_.release(std::move(app));
    }

    std::unique_ptr<Lease> lock(std::string_view name) override {
        auto db = leases_.acquire();
        try {
            db->prepare("SELECT pg_advisory_lock(hashtextextended(?, 0))").bind(1, name).run();
        } catch (...) {
            leases_.release(std::move(db));
            throw;
        }
        return std::make_unique<PgLease>(leases_, std::move(db), std::string(name));
    }

    std::unique_ptr<Lease> try_lock(std::string_view name) override {
        auto db = leases_.acquire();
        bool taken = false;
        try {
            auto st = db->prepare("SELECT pg_try_advisory_lock(hashtextextended(?, 0))");
            st.bind(1, name);
            taken = st.step() && st.integer(0) == 1;
        } catch (...) {
            leases_.release(std::move(db));
            throw;
        }
        if (!taken) {
            leases_.release(std::move(db));
            return nullptr;
        }
        return std::make_unique<PgLease>(leases_, std::move(db), std::string(name));
    }

    void read_tx(const std::function<void(Tx&)>& fn) override {
        run(fn, false, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }

    void write_tx(const std::function<void(Tx&)>& fn) override { run(fn, true, "BEGIN"); }

    bool healthy() override {
        try {
            read_tx([](Tx& tx) { tx.meta("schema"); });
            return true;
        } catch (const StoreError&) {
            return false;
        }
    }

private:
    void run(const std::function<void(Tx&)>& fn, bool writing, const char* begin) {
        static thread_local std::mt19937 rng{std::random_device{}()};
        for (int attempt = 1;; ++attempt) {
            auto db = pool_.acquire();
            try {
                db->exec(begin);
                {
                    PgTx tx(*db, writing);
                    fn(tx);
                }
                db->exec("COMMIT");
                pool_.release(std::move(db));
                return;
            } catch (const postgres::RetryableError&) {
                rollback_quietly(*db);
                pool_.release(std::move(db));
                if (attempt == max_attempts) throw;
                // Lost to a concurrent transaction: back off a little, at random, and run it again.
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 10 * attempt)(rng)));
            } catch (...) {
                rollback_quietly(*db);
                pool_.release(std::move(db));
                throw;
            }
        }
    }

    Pool pool_;
    Pool leases_;
};

}  // namespace

bool is_postgres_url(std::string_view url) {
    return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::unique_ptr<Store> open_postgres_store(const PostgresOptions& options) {
    return std::make_unique<PostgresStore>(options);
}

}  // namespace ferry
