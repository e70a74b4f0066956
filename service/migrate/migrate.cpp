#include "migrate/migrate.hpp"

#include "audit/chain.hpp"
#include "keys/key_store.hpp"
#include "packager/git_copy.hpp"
#include "packager/git_store.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sql/sql_tx.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <boost/json/parse.hpp>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>

namespace ferry::migrate {

namespace {

namespace fs = std::filesystem;

// Bookkeeping of each database's own migrations: the target keeps its own.
const std::set<std::string, std::less<>> not_copied = {"schema_migrations"};
// Global rows the target may already hold (ferryd wrote them when it first started there); the
// source's win.
constexpr std::string_view merged_table = "meta";

struct Column {
    std::string name;
    std::string type;  // "INTEGER" or "TEXT"
};

struct Table {
    std::string name;
    std::vector<Column> columns;
    std::string tenant_column;  // "tenant", "id" for tenants, "" for none
};

std::vector<std::string> column_list(const std::vector<std::string>& names, postgres::Database* pg) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(pg ? pg->quote_identifier(n) : "\"" + n + "\"");
    return out;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::vector<Table> source_tables(sqlite::Database& db) {
    std::vector<Table> out;
    auto st = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    std::vector<std::string> names;
    while (st.step()) names.push_back(st.text(0));
    for (const auto& name : names) {
        if (not_copied.contains(name)) continue;
        Table t{name, {}, {}};
        auto cols = db.prepare("SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid");
        cols.bind(1, name);
        while (cols.step()) {
            Column c{cols.text(0), cols.text(1)};
            if (c.type != "INTEGER" && c.type != "TEXT")
                throw std::runtime_error("table " + name + ", column " + c.name + ": type " + c.type +
                                         " has no known PostgreSQL counterpart; the migration does not guess");
            if (c.name == "tenant") t.tenant_column = "tenant";
            t.columns.push_back(std::move(c));
        }
        if (name == "tenants") t.tenant_column = "id";
        out.push_back(std::move(t));
    }
    return out;
}

// The target's tables, each with its columns and their types.
std::map<std::string, std::map<std::string, std::string>> target_tables(postgres::Database& pg) {
    std::map<std::string, std::map<std::string, std::string>> out;
    auto st = pg.prepare(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'");
    while (st.step()) out[st.text(0)][st.text(1)] = st.text(2);
    return out;
}

// Every source table and column must have its counterpart, of a matching type.
void check_coverage(const std::vector<Table>& tables,
                    const std::map<std::string, std::map<std::string, std::string>>& target) {
    for (const auto& t : tables) {
        const auto it = target.find(t.name);
        if (it == target.end())
            throw std::runtime_error("table " + t.name +
                                     " of the SQLite database has no counterpart in PostgreSQL: is this ferryd older "
                                     "than the data directory?");
        for (const auto& c : t.columns) {
            const auto col = it->second.find(c.name);
            if (col == it->second.end())
                throw std::runtime_error("column " + t.name + "." + c.name + " has no counterpart in PostgreSQL");
            const std::string expected = c.type == "INTEGER" ? "bigint" : "text";
            if (col->second != expected)
                throw std::runtime_error("column " + t.name + "." + c.name + " is " + col->second +
                                         " in PostgreSQL, expected " + expected);
        }
    }
}

// Parents before children, as the target's foreign keys require; otherwise by name.
std::vector<Table> in_foreign_key_order(std::vector<Table> tables, postgres::Database& pg) {
    std::map<std::string, std::set<std::string>> parents;
    auto st = pg.prepare(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace");
    while (st.step()) {
        auto child = st.text(0);
        auto parent = st.text(1);
        if (child != parent) parents[child].insert(parent);
    }
    std::vector<Table> out;
    std::set<std::string> placed;
    while (!tables.empty()) {
        const auto before = tables.size();
        for (auto it = tables.begin(); it != tables.end();) {
            const auto& deps = parents[it->name];
            const bool ready = std::all_of(deps.begin(), deps.end(), [&](const std::string& p) {
                return placed.contains(p) ||
                       std::none_of(tables.begin(), tables.end(), [&](const Table& t) { return t.name == p; });
            });
            if (ready) {
                placed.insert(it->name);
                out.push_back(std::move(*it));
                it = tables.erase(it);
            } else {
                ++it;
            }
        }
        if (tables.size() == before) throw std::runtime_error("the target's foreign keys form a cycle");
    }
    return out;
}

void refuse_non_empty(postgres::Database& pg, const std::map<std::string, std::map<std::string, std::string>>& target) {
    for (const auto& [name, columns] : target) {
        if (name == merged_table || not_copied.contains(name)) continue;
        auto st = pg.prepare("SELECT EXISTS (SELECT 1 FROM " + pg.quote_identifier(name) + ")");
        if (st.step() && st.text(0) == "t")
            throw std::runtime_error("the target database is not empty: table " + name +
                                     " has rows; migrate into a database that ferryd has only migrated");
    }
}

// COPY's text format: backslash escapes, \N for NULL.
void append_copy_field(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out += "\\N";
        return;
    }
    for (const char ch : *value) {
        switch (ch) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: out += ch;
        }
    }
}

void put_copy(postgres::Database& pg, const std::string& data) {
    if (PQputCopyData(pg.handle(), data.data(), static_cast<int>(data.size())) != 1)
        throw StoreError(std::string("postgres COPY: ") + PQerrorMessage(pg.handle()));
}

std::int64_t copy_table(sqlite::Database& src, postgres::Database& pg, const Table& t) {
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    auto rows = src.prepare("SELECT " + joined(column_list(names, nullptr)) + " FROM \"" + t.name + "\"");
    const auto width = static_cast<int>(names.size());
    if (t.name == merged_table) {
        // Upserted row by row: the target may hold some of its keys already.
        std::int64_t n = 0;
        while (rows.step()) {
            std::vector<std::string> placeholders(names.size(), "?");
            std::string sets;
            for (std::size_t i = 1; i < names.size(); ++i)
                sets += (sets.empty() ? "" : ", ") + pg.quote_identifier(names[i]) + " = excluded." +
                        pg.quote_identifier(names[i]);
            auto up = pg.prepare("INSERT INTO " + pg.quote_identifier(t.name) + " (" + joined(column_list(names, &pg)) +
                                 ") VALUES (" + joined(placeholders) + ") ON CONFLICT (" +
                                 pg.quote_identifier(names[0]) + ") DO UPDATE SET " + sets);
            for (int i = 0; i < width; ++i) up.bind(i + 1, rows.optional_text(i));
            up.run();
            ++n;
        }
        return n;
    }
    const std::string copy =
        "COPY " + pg.quote_identifier(t.name) + " (" + joined(column_list(names, &pg)) + ") FROM STDIN";
    PGresult* started = PQexec(pg.handle(), copy.c_str());
    const bool copying = PQresultStatus(started) == PGRES_COPY_IN;
    const std::string start_error = PQresultErrorMessage(started);
    PQclear(started);
    if (!copying) throw StoreError("postgres " + copy + ": " + start_error);
    std::int64_t n = 0;
    std::string buffer;
    while (rows.step()) {
        for (int i = 0; i < width; ++i) {
            if (i > 0) buffer += '\t';
            append_copy_field(buffer, rows.optional_text(i));
        }
        buffer += '\n';
        ++n;
        if (buffer.size() > (1U << 20)) {
            put_copy(pg, buffer);
            buffer.clear();
        }
    }
    if (!buffer.empty()) put_copy(pg, buffer);
    if (PQputCopyEnd(pg.handle(), nullptr) != 1)
        throw StoreError(std::string("postgres COPY: ") + PQerrorMessage(pg.handle()));
    bool failed = false;
    std::string error;
    while (PGresult* r = PQgetResult(pg.handle())) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            failed = true;
            error = PQresultErrorMessage(r);
        }
        PQclear(r);
    }
    if (failed) throw StoreError("postgres COPY into " + t.name + ": " + error);
    return n;
}

// Identity and serial columns continue after the copied rows (outbox.seq).
void advance_sequences(postgres::Database& pg, const Table& t) {
    auto st = pg.prepare(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')");
    st.bind(1, t.name);
    std::vector<std::string> columns;
    while (st.step()) columns.push_back(st.text(0));
    for (const auto& c : columns) {
        const std::string col = pg.quote_identifier(c);
        pg.prepare("SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(" + col + ") FROM " +
                   pg.quote_identifier(t.name) + "), 0) + 1, false)")
            .bind(1, pg.quote_identifier(t.name))
            .bind(2, c)
            .run();
    }
}

template <class Db>
std::map<std::string, std::int64_t> counts_by_tenant(Db& db, const Table& t, const std::string& quoted) {
    std::map<std::string, std::int64_t> out;
    const std::string key = t.tenant_column.empty() ? "''" : "\"" + t.tenant_column + "\"";
    auto st = db.prepare("SELECT " + key + ", COUNT(*) FROM " + quoted + " GROUP BY 1");
    while (st.step()) out[st.text(0)] = st.integer(1);
    return out;
}

void verify_counts(sqlite::Database& src, postgres::Database& pg, const std::vector<Table>& tables, Report& report) {
    std::vector<std::string> wrong;
    for (const auto& t : tables) {
        const auto before = counts_by_tenant(src, t, "\"" + t.name + "\"");
        const auto after = counts_by_tenant(pg, t, pg.quote_identifier(t.name));
        std::set<std::string> tenants;
        for (const auto& [k, v] : before) tenants.insert(k);
        for (const auto& [k, v] : after) tenants.insert(k);
        if (tenants.empty()) tenants.insert("");  // an empty table is reported too
        for (const auto& tenant : tenants) {
            TableCount c{t.name, tenant, before.contains(tenant) ? before.at(tenant) : 0,
                         after.contains(tenant) ? after.at(tenant) : 0};
            // The merged table may hold rows of its own besides the source's.
            const bool ok = t.name == merged_table ? c.target >= c.source : c.target == c.source;
            if (!ok)
                wrong.push_back(t.name + (tenant.empty() ? "" : " (tenant " + tenant + ")") + ": " +
                                std::to_string(c.source) + " rows in SQLite, " + std::to_string(c.target) +
                                " in PostgreSQL");
            report.counts.push_back(std::move(c));
        }
    }
    if (!wrong.empty()) throw std::runtime_error("row counts differ after the copy: " + wrong.front());
}

void verify_audit(Tx& source, Tx& target, Report& report) {
    for (const auto& tenant : target.tenants()) {
        audit_chain::Verifier verifier;
        std::int64_t after = 0;
        std::string last_hash;
        for (;;) {
            const auto page = target.audit_page(tenant.id, after, 1000);
            if (page.empty()) break;
            for (const auto& r : page) {
                if (!verifier.feed(r))
                    throw std::runtime_error("the audit chain of tenant " + tenant.id + " breaks at seq " +
                                             std::to_string(verifier.first_break()->seq) +
                                             " on the target: " + verifier.first_break()->reason);
                last_hash = r.hash;
                after = r.seq;
            }
        }
        const auto last = source.last_audit(tenant.id);
        if ((last ? last->hash : std::string()) != last_hash)
            throw std::runtime_error("the audit chain of tenant " + tenant.id +
                                     " does not end where the source's does");
        report.audit_records += verifier.checked();
    }
}

void verify_versions(Tx& target, postgres::Database& pg, packager::GitStore& git, Report& report) {
    std::vector<std::tuple<std::string, std::string, std::int64_t>> versions;
    {
        auto st = pg.prepare(
            "SELECT tenant, package, version FROM package_versions WHERE state = 'published' "
            "ORDER BY tenant, package, version");
        while (st.step()) versions.emplace_back(st.text(0), st.text(1), st.integer(2));
    }
    std::map<std::string, std::vector<packager::SigningKeyRecord>> keys;
    for (const auto& [tenant, package, version] : versions) {
        const std::string what = tenant + "/" + package + " version " + std::to_string(version);
        const auto files = git.read_version(tenant, package, version);
        const auto manifest = files.find("manifest.json");
        const auto signature = files.find("manifest.sig");
        if (manifest == files.end() || signature == files.end())
            throw std::runtime_error(what + " has no signed manifest in the package store");
        const auto parsed = boost::json::parse(manifest->second);
        const std::string key_id(parsed.at("key_id").as_string());
        if (!keys.contains(tenant)) keys[tenant] = target.signing_keys(tenant);
        std::string public_pem;
        for (const auto& k : keys[tenant])
            if (k.key_id == key_id) public_pem = k.public_pem;
        if (public_pem.empty()) throw std::runtime_error(what + " was signed by " + key_id + ", unknown to the target");
        const auto problem = packager::verify_package(manifest->second, signature->second, public_pem,
                                                      [&](std::string_view path) -> std::optional<std::string> {
                                                          auto it = files.find(std::string(path));
                                                          if (it == files.end()) return std::nullopt;
                                                          return it->second;
                                                      });
        if (problem) throw std::runtime_error(what + " does not verify: " + problem->path + ": " + problem->reason);
        ++report.versions_verified;
    }
}

// Every wrapped key of the target unwraps under the KEK to the private half of its public key.
std::size_t check_keys(Tx& target, const std::optional<keys::Kek>& kek) {
    std::size_t unwrapped_missing = 0;
    for (const auto& tenant : target.tenants()) {
        for (const auto& k : target.signing_keys(tenant.id)) {
            if (k.wrapped_private.empty()) {
                ++unwrapped_missing;
                continue;
            }
            if (!kek) continue;
            const keys::KekRing ring{*kek, std::nullopt};
            const std::string pem = keys::unwrap(ring, tenant.id, k.key_id, k.wrapped_private);
            const std::string probe = "ferry migrate " + k.key_id;
            if (!packager::verify(k.public_pem, probe, packager::sign(pem, probe)))
                throw std::runtime_error("the wrapped key " + k.key_id + " is not the private half of its public key");
        }
    }
    return unwrapped_missing;
}

// COPY refuses tables whose row-level security applies to the role: the owner lifts FORCE for
// the copy, inside the transaction, and puts it back before committing (a rollback does too).
std::vector<std::string> lift_forced_row_security(postgres::Database& pg) {
    std::vector<std::string> tables;
    {
        auto st = pg.prepare(
            "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relkind = 'r' "
            "AND relnamespace = current_schema()::regnamespace ORDER BY relname");
        while (st.step()) tables.push_back(st.text(0));
    }
    for (const auto& t : tables)
        pg.exec(("ALTER TABLE " + pg.quote_identifier(t) + " NO FORCE ROW LEVEL SECURITY").c_str());
    return tables;
}

void force_row_security(postgres::Database& pg, const std::vector<std::string>& tables) {
    for (const auto& t : tables)
        pg.exec(("ALTER TABLE " + pg.quote_identifier(t) + " FORCE ROW LEVEL SECURITY").c_str());
}

void rollback_quietly(postgres::Database& pg) { PQclear(PQexec(pg.handle(), "ROLLBACK")); }

}  // namespace

Report run(const Options& o) {
    const auto say = [&](const std::string& line) {
        if (o.say) o.say(line);
    };
    const fs::path db_path = o.from / "ferry.db";
    if (!fs::exists(db_path)) throw std::invalid_argument("no ferry.db in " + o.from.string());
    // Brings the source's schema up to this ferryd's, as starting it would.
    open_sqlite_store({db_path}).reset();
    {
        // Makes the target's schema (and the grants to the service's role), as a node would.
        PostgresOptions pg_options;
        pg_options.url = o.to;
        pg_options.owner_url = o.to_owner;
        pg_options.pool_size = 1;
        open_postgres_store(pg_options).reset();
    }

    Report report;
    sqlite::Database src(db_path.string(), true);
    src.exec("BEGIN");  // one snapshot of the source
    auto source_tx = sql::make_tx(src);
    postgres::Database pg(o.to_owner.empty() ? o.to : o.to_owner);
    pg.exec("BEGIN");
    try {
        // The owner is subject to row-level security too: every tenant's rows, for this transaction.
        pg.exec("SET LOCAL ferry.tenant = '*'");
        const auto target = target_tables(pg);
        const auto tables = in_foreign_key_order(source_tables(src), pg);
        check_coverage(tables, target);
        refuse_non_empty(pg, target);
        const auto forced = lift_forced_row_security(pg);
        for (const auto& t : tables) {
            const std::int64_t n = copy_table(src, pg, t);
            advance_sequences(pg, t);
            report.tables.push_back(t.name);
            report.rows += n;
            say("copied " + t.name + ": " + std::to_string(n) + " rows");
        }
        force_row_security(pg, forced);
        auto target_tx = sql::make_tx(pg);
        if (o.kek) {
            report.keys_wrapped = keys::import_key_files(*target_tx, *o.kek, o.keys_dir.value_or(o.from / "keys"));
            say("signing keys wrapped under the key-encryption key " + o.kek->id() + ": " +
                std::to_string(report.keys_wrapped));
        }

        const fs::path local_git = o.from / "git";
        std::optional<fs::path> mirror;
        std::unique_ptr<packager::GitStore> reader;
        if (o.git_remote) {
            packager::GitStore remote_view(o.from / "git", o.git_remote);
            for (const auto& tenant : source_tx->tenants()) {
                const fs::path repo = local_git / (tenant.id + ".git");
                if (!fs::exists(repo / "HEAD")) continue;
                report.git_refs += packager::copy_refs(repo, remote_view.remote_repository_path(tenant.id));
            }
            say("package store copied to " + *o.git_remote + ": " + std::to_string(report.git_refs) + " refs");
            // Read back through a fresh mirror, as a new node would.
            mirror = fs::temp_directory_path() / ("ferry-migrate-" + std::to_string(::getpid()));
            fs::remove_all(*mirror);
            reader = std::make_unique<packager::GitStore>(*mirror, o.git_remote);
        } else {
            reader = std::make_unique<packager::GitStore>(local_git);
        }

        verify_counts(src, pg, tables, report);
        say("row counts per table and tenant: equal");
        verify_audit(*source_tx, *target_tx, report);
        say("audit chains verified on the target: " + std::to_string(report.audit_records) + " records");
        try {
            verify_versions(*target_tx, pg, *reader, report);
        } catch (...) {
            if (mirror) fs::remove_all(*mirror);
            throw;
        }
        if (mirror) fs::remove_all(*mirror);
        say("package versions read back and verified: " + std::to_string(report.versions_verified));
        report.keys_left_in_files = check_keys(*target_tx, o.kek);
        target_tx.reset();
        pg.exec("COMMIT");
    } catch (...) {
        rollback_quietly(pg);
        src.exec("ROLLBACK");
        throw;
    }
    source_tx.reset();
    src.exec("ROLLBACK");
    return report;
}

}  // namespace ferry::migrate
