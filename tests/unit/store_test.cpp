// The storage interface on the backend the suite runs on: SQLite, or PostgreSQL under
// FERRY_TEST_BACKEND=postgres (a fresh database per test).

#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <tuple>

using namespace ferry;

namespace {

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (std::filesystem::temp_directory_path() / "ferry-store-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir_ = templ;
        if (test::postgres_backend()) database_ = std::make_unique<test::TestDatabase>();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<Store> open() {
        if (database_) {
            PostgresOptions options;
            options.url = database_->app_url();
            options.owner_url = database_->owner_url();
            options.pool_size = 8;
            return open_postgres_store(options);
        }
        return open_sqlite_store({dir_ / "ferry.db"});
    }

    static Tenant tenant(std::string id) { return Tenant{std::move(id), "Name", from_millis(1000)}; }

    std::filesystem::path dir_;
    std::unique_ptr<test::TestDatabase> database_;
};

}  // namespace

TEST_F(StoreTest, WritesSurviveReopenAndMigrationsRunOnce) {
    {
        auto store = open();
        store->write([](Tx& tx) { tx.insert_tenant(tenant("acme")); });
    }
    auto store = open();
    const auto t = store->read([](Tx& tx) { return tx.tenant("acme"); });
    ASSERT_TRUE(t);
    EXPECT_EQ(t->name, "Name");
}

TEST_F(StoreTest, AFailingWriteLeavesNothingAndReachesItsCaller) {
    auto store = open();
    EXPECT_THROW(store->write([](Tx& tx) {
        tx.insert_tenant(tenant("half"));
        throw std::runtime_error("validation failed after the insert");
    }),
                 std::runtime_error);
    EXPECT_FALSE(store->read([](Tx& tx) { return tx.tenant("half"); }));
}

TEST_F(StoreTest, ConcurrentWritersAreEachAllOrNothingInSharedCommits) {
    auto store = open();
    constexpr int threads = 32;
    constexpr int per_thread = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
                try {
                    store->write([&](Tx& tx) {
                        tx.insert_tenant(tenant(id));
                        // Every fifth write fails after writing: it must vanish without harming its batch.
                        if (i % 5 == 4) throw std::runtime_error("rejected");
                    });
                } catch (const std::runtime_error&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(failures.load(), threads * per_thread / 5);
    const auto all = store->read([](Tx& tx) { return tx.tenants(); });
    EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread * 4 / 5));
    for (const Tenant& t : all) EXPECT_NE(t.id.back(), '4') << t.id;  // i == 4, 9, 14, 19 all end in 4 or 9
    for (const Tenant& t : all) EXPECT_NE(t.id.back(), '9') << t.id;
}

TEST_F(StoreTest, AuditPagesFollowSequenceOrder) {
    auto store = open();
    store->write([](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        for (std::int64_t seq : {3, 1, 2}) {
            AuditRecord r;
            r.tenant = "acme";
            r.seq = seq;
            r.details = "{}";
            tx.insert_audit(r);
        }
    });
    const auto page = store->read([](Tx& tx) { return tx.audit_page("acme", 1, 10); });
    ASSERT_EQ(page.size(), 2U);
    EXPECT_EQ(page[0].seq, 2);
    EXPECT_EQ(page[1].seq, 3);
    EXPECT_EQ(store->read([](Tx& tx) { return tx.last_audit("acme"); })->seq, 3);
    EXPECT_TRUE(store->read([](Tx& tx) { return tx.audit_page("other", 0, 10); }).empty());
}

TEST_F(StoreTest, UsersCarryTheirRolesAndDeletingASandboxDropsItsGrants) {
    auto store = open();
    store->write([](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        Sandbox s;
        s.tenant = "acme";
        s.id = "dev";
        tx.insert_sandbox(s);
        User u;
        u.tenant = "acme";
        u.id = "alice";
        u.name = "Alice";
        u.roles = {{"dev", Role::editor}, {"*", Role::viewer}};
        tx.insert_user(u);
    });
    auto alice = store->read([](Tx& tx) { return tx.user("acme", "alice"); });
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->roles.size(), 2U);
    const auto affected = store->write([](Tx& tx) { return tx.delete_sandbox("acme", "dev"); });
    EXPECT_EQ(affected, (std::vector<std::string>{"alice"}));
    const auto revision_before = alice->revision;
    alice = store->read([](Tx& tx) { return tx.user("acme", "alice"); });
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->roles, (std::vector<RoleGrant>{{"*", Role::viewer}}));
    EXPECT_EQ(alice->revision, revision_before + 1);
}

TEST_F(StoreTest, ListTotalsStopCountingAtTheCap) {
    auto store = open();
    store->write([](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        Sandbox s;
        s.tenant = "acme";
        s.id = "dev";
        tx.insert_sandbox(s);
        for (int i = 0; i < 5; ++i) {
            Campaign c;
            c.tenant = "acme";
            c.sandbox = "dev";
            c.id = "cmp_" + std::to_string(i);
            c.key = "c" + std::to_string(i);
            c.spec.name = "C" + std::to_string(i);
            c.tags = {"summer"};
            tx.insert_campaign(c);
        }
    });
    CampaignQuery q;
    q.tenant = "acme";
    q.sandbox = "dev";
    q.limit = 2;
    q.count_cap = 3;
    auto page = store->read([&](Tx& tx) { return tx.campaigns(q); });
    EXPECT_EQ(page.items.size(), 2U);
    EXPECT_EQ(page.total, 3);
    EXPECT_TRUE(page.total_capped);
    q.count_cap = 5;
    q.tag = "summer";
    page = store->read([&](Tx& tx) { return tx.campaigns(q); });
    EXPECT_EQ(page.total, 5);
    EXPECT_FALSE(page.total_capped);
}

TEST_F(StoreTest, OutboxClaimsHideItemsFromOtherNodesUntilTheAttemptOrARestartEndsThem) {
    auto store = open();
    store->write([](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        OutboxItem o;
        o.tenant = "acme";
        o.webhook_id = "wh_1";
        o.event_type = "campaign.status_changed";
        o.payload = "{}";
        o.created_at = o.next_attempt_at = from_millis(1000);
        for (const char* id : {"evt_1", "evt_2"}) {
            o.event_id = id;
            tx.insert_outbox(o);
        }
    });
    const Timestamp now = from_millis(2000);
    const Timestamp hold = from_millis(900'000);
    const auto a = store->write([&](Tx& tx) { return tx.claim_outbox(now, 1, hold, "node-a"); });
    auto b = store->write([&](Tx& tx) { return tx.claim_outbox(now, 10, hold, "node-b"); });
    ASSERT_EQ(a.size(), 1U);
    ASSERT_EQ(b.size(), 1U) << "node b claims only what node a did not";
    EXPECT_NE(a[0].event_id, b[0].event_id);
    EXPECT_TRUE(store->read([&](Tx& tx) { return tx.due_outbox(now, 10); }).empty());

    // Node a restarts: what it held is due again at once, not after the hold.
    EXPECT_EQ(store->write([&](Tx& tx) { return tx.release_outbox_claims("node-a", now); }), 1U);
    const auto due = store->read([&](Tx& tx) { return tx.due_outbox(now, 10); });
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].event_id, a[0].event_id);

    // An attempt's outcome ends node b's claim: nothing is left to release.
    b[0].attempts = 1;
    b[0].next_attempt_at = from_millis(5000);
    store->write([&](Tx& tx) { tx.update_outbox(b[0]); });
    EXPECT_EQ(store->write([&](Tx& tx) { return tx.release_outbox_claims("node-b", now); }), 0U);
    EXPECT_EQ(store->read([&](Tx& tx) { return tx.due_outbox(from_millis(5000), 10); }).size(), 2U);
}

// Campaign names written before search folded them (the column NULL, as after the migration that
// added it) are folded when ferryd next starts, and found by a search ignoring case and accents.
TEST_F(StoreTest, NamesWrittenBeforeSearchFoldedThemAreFoldedAtTheNextStart) {
    auto make = [](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        Sandbox s;
        s.tenant = "acme";
        s.id = "dev";
        tx.insert_sandbox(s);
        for (const auto& [id, name] : {std::pair{"cmp_1", "Soldes d'\u00c9t\u00e9"}, {"cmp_2", "Winter"}}) {
            Campaign c;
            c.tenant = "acme";
            c.sandbox = "dev";
            c.id = id;
            c.key = id;
            c.spec.name = name;
            tx.insert_campaign(c);
        }
    };
    const std::string unfold = "UPDATE campaigns SET name_folded = NULL";
    {
        auto store = open();
        store->write(make);
    }
    if (database_) {
        // The owner is subject to row-level security too: it names every tenant.
        const auto [ok, error] = database_->exec_as_owner("SET ferry.tenant = '*'; " + unfold);
        ASSERT_TRUE(ok) << error;
    } else {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((dir_ / "ferry.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, unfold.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = open();
    CampaignQuery q;
    q.tenant = "acme";
    q.sandbox = "dev";
    q.name_contains = "ETE";
    const auto page = store->read([&](Tx& tx) { return tx.campaigns(q); });
    ASSERT_EQ(page.items.size(), 1U);
    EXPECT_EQ(page.items[0].id, "cmp_1");
}

// Live in-app campaigns written before priorities existed enter their sandbox's order when the
// migration that adds it runs (all medium, in the order they last changed status); others do not.
TEST_F(StoreTest, LiveInAppCampaignsFromBeforePrioritiesEnterTheOrderWhenTheSchemaMigrates) {
    auto make = [](Tx& tx) {
        tx.insert_tenant(tenant("acme"));
        Sandbox s;
        s.tenant = "acme";
        s.id = "dev";
        tx.insert_sandbox(s);
        const std::tuple<const char*, CampaignStatus, Channel, std::int64_t> rows[] = {
            {"cmp_late", CampaignStatus::active, Channel::in_app, 3000},
            {"cmp_early", CampaignStatus::paused, Channel::in_app, 2000},
            {"cmp_draft", CampaignStatus::draft, Channel::in_app, 1000},
            {"cmp_email", CampaignStatus::active, Channel::email, 1000},
        };
        for (const auto& [id, status, channel, changed] : rows) {
            Campaign c;
            c.tenant = "acme";
            c.sandbox = "dev";
            c.id = id;
            c.key = id;
            c.spec.name = id;
            c.spec.channels = {channel};
            c.spec.content[to_string(channel)] = boost::json::object{{"body", "hi"}};
            c.status = status;
            c.status_changed_at = from_millis(changed);
            tx.insert_campaign(c);
        }
    };
    // Back to the schema before the in-app order: that migration and the ones after it undone.
    const auto version = database_ ? "15" : "14";
    const std::string undo =
        "DROP TABLE in_app_ranks; DROP TABLE pipelines; DROP TABLE pipeline_stages; DROP TABLE promotions; "
        "DROP TABLE freeze_windows; ALTER TABLE signing_keys DROP COLUMN wrapped_private; "
        "DELETE FROM schema_migrations WHERE version >= " +
        std::string(version);
    {
        auto store = open();
        store->write(make);
    }
    if (database_) {
        const auto [ok, error] = database_->exec_as_owner(undo);
        ASSERT_TRUE(ok) << error;
    } else {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((dir_ / "ferry.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, undo.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = open();
    const auto order = in_app_order(store->read([](Tx& tx) { return tx.in_app_entries("acme", "dev"); }));
    ASSERT_EQ(order.size(), 2U);
    EXPECT_EQ(order[0].campaign.id, "cmp_early");
    EXPECT_EQ(order[1].campaign.id, "cmp_late");
    EXPECT_LT(order[0].rank, order[1].rank);
}

TEST(PostgresConnection, PlaceholdersAreNumberedOutsideQuotedText) {
    int count = 0;
    EXPECT_EQ(postgres::number_placeholders(
                  "SELECT a FROM t WHERE b = ? AND c LIKE ? ESCAPE '\\' AND d = '?' AND e = ?", count),
              "SELECT a FROM t WHERE b = $1 AND c LIKE $2 ESCAPE '\\' AND d = '?' AND e = $3");
    EXPECT_EQ(count, 3);
    EXPECT_EQ(postgres::number_placeholders(R"(SELECT "odd?name", 'it''s ?' FROM t WHERE x = ?)", count),
              R"(SELECT "odd?name", 'it''s ?' FROM t WHERE x = $1)");
    EXPECT_EQ(count, 1);
}

TEST(PostgresConnection, PasswordsStayOutOfMessages) {
    EXPECT_EQ(postgres::redact("postgres://ferry:s3cret@db:5432/ferry"), "postgres://ferry:***@db:5432/ferry");
    EXPECT_EQ(postgres::redact("postgres://ferry@db/ferry"), "postgres://ferry@db/ferry");
    EXPECT_EQ(postgres::redact("host=db password=s3cret dbname=ferry"), "host=db password=*** dbname=ferry");
}

TEST(Kinds, ImportStatusesRoundTripThroughTheirStoredNames) {
    for (const ImportStatus s : {ImportStatus::applied, ImportStatus::rolled_back})
        EXPECT_EQ(parse_import_status(to_string(s)), s);
    EXPECT_EQ(to_string(ImportStatus::applied), "applied");
    EXPECT_EQ(to_string(ImportStatus::rolled_back), "rolled_back");
    for (const std::string_view unknown : {"", "Applied", "rolled back", "already_applied", "conflict"})
        EXPECT_FALSE(parse_import_status(unknown)) << unknown;
}
