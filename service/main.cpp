// ferryd: flags, wiring and signals. Everything else lives in the libraries it links.

#include "api/app.hpp"
#include "api/routes.hpp"
#include "bootstrap.hpp"
#include "console/assets.hpp"
#include "delivery/dispatcher.hpp"
#include "http/server.hpp"
#include "keys/key_store.hpp"
#include "migrate/migrate.hpp"
#include "observability/log.hpp"
#include "observability/measured_store.hpp"
#include "observability/metrics.hpp"
#include "openapi_document.hpp"
#include "packager/git_store.hpp"
#include "scheduler/scheduler.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tenancy/auth_throttle.hpp"
#include "workflows/recovery.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <curl/curl.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

namespace {

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:0", "localhost:8080".
bool parse_listen(const std::string& text, ListenAddress& out) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 >= text.size()) return false;
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    if (host.empty()) host = "0.0.0.0";
    unsigned long port = 0;
    try {
        std::size_t used = 0;
        port = std::stoul(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || port > 65535) return false;
    } catch (const std::exception&) {
        return false;
    }
    out.host = host;
    out.port = static_cast<std::uint16_t>(port);
    return true;
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

void print_routes(bool as_json) {
    const auto table = ferry::api::routes(false);
    if (as_json) {
        boost::json::array out;
        for (const auto& r : table)
            out.push_back(boost::json::object{{"method", r.method},
                                              {"path", r.pattern},
                                              {"permission", ferry::to_string(r.permission)},
                                              {"summary", r.summary}});
        std::cout << boost::json::serialize(out) << '\n';
        return;
    }
    for (const auto& r : table) {
        std::printf("%-7s %-52s %-15s %s\n", r.method.c_str(), r.pattern.c_str(),
                    std::string(ferry::to_string(r.permission)).c_str(), r.summary.c_str());
    }
}

// Every flag of ferryd, with its default.
struct Flags {
    std::string listen = "127.0.0.1:8080";
    std::string data_dir = "./ferry-data";
    std::string database;
    std::string database_owner;
    std::size_t database_pool = 16;
    std::string git_remote;
    std::string git_credentials_file;
    std::string keys_dir;
    std::string kek_file;
    std::string previous_kek_file;
    int threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    int workers = 32;
    std::size_t max_body = 1024 * 1024;
    std::size_t max_header = 16 * 1024;
    int max_in_flight = 4096;
    double idle_timeout = 60;
    double read_timeout = 15;
    double drain_timeout = 20;
    std::string log_level = "info";
    std::string tls_cert;
    std::string tls_key;
    bool test_clock = false;
    std::string test_clock_start;
    double scheduler_interval = 1.0;
    bool allow_private_webhooks = false;
    double webhook_retry_base = 2.0;
    double webhook_retry_max = 3600.0;
    double webhook_retention_days = 30;
    std::size_t webhook_workers = 8;
    std::size_t auth_failures = 20;
    std::string console_dir;
    bool no_console = false;
};

void declare_flags(CLI::App& cli, Flags& f) {
    cli.add_option("--listen", f.listen, "address:port to listen on (port 0 picks a free port)")
        ->envname("FERRY_LISTEN")
        ->capture_default_str();
    cli.add_option("--data-dir", f.data_dir,
                   "directory for the database, the tenants' signing keys and package repositories")
        ->envname("FERRY_DATA_DIR")
        ->capture_default_str();
    cli.add_option("--database", f.database,
                   "PostgreSQL connection URL (postgres://user@host:port/db) of the role the service runs as, for "
                   "several ferryd nodes on one database; default: SQLite in --data-dir")
        ->envname("FERRY_DATABASE");
    cli.add_option("--database-owner", f.database_owner,
                   "with --database: connection URL of the role that owns the schema; it migrates at start and grants "
                   "the service's role what it needs (default: the --database role does it)")
        ->envname("FERRY_DATABASE_OWNER");
    cli.add_option("--database-pool", f.database_pool, "with --database: connections for transactions")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
        ->capture_default_str();
    cli.add_option("--git-remote", f.git_remote,
                   "package store shared by several nodes: a directory (or file:// URL) of bare repositories, or the "
                   "http(s):// or ssh:// URL of a directory of them on a git server; each node keeps a mirror in "
                   "--data-dir and moves the remote's refs by compare-and-swap")
        ->envname("FERRY_GIT_REMOTE");
    cli.add_option("--git-credentials-file", f.git_credentials_file,
                   "with a network --git-remote: file of username=, password= (or ssh-key=) lines; default: "
                   "FERRY_GIT_USERNAME and FERRY_GIT_PASSWORD (or FERRY_GIT_SSH_KEY) from the environment")
        ->envname("FERRY_GIT_CREDENTIALS_FILE");
    cli.add_option("--keys-dir", f.keys_dir,
                   "tenants' private signing keys (default: <data-dir>/keys); several nodes must share it")
        ->envname("FERRY_KEYS_DIR");
    cli.add_option("--kek-file", f.kek_file,
                   "key-encryption key (32 bytes: raw, hex or base64; or the key itself in FERRY_KEK): keep the "
                   "tenants' private signing keys in the database, AES-256-GCM-wrapped under it, instead of in "
                   "--keys-dir (whose keys are imported at start)")
        ->envname("FERRY_KEK_FILE");
    cli.add_option("--previous-kek-file", f.previous_kek_file,
                   "during a rotation of the key-encryption key: the old one, still accepted to unwrap keys that "
                   "`ferryd rotate-kek` has not re-wrapped yet")
        ->envname("FERRY_PREVIOUS_KEK_FILE");
    cli.add_option("--threads", f.threads, "I/O threads (default: number of cores)")->check(CLI::Range(1, 256));
    cli.add_option("--workers", f.workers, "threads that run request handlers (they may block on storage)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    cli.add_option("--max-body", f.max_body, "largest request body in bytes (larger: 413)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
        ->capture_default_str();
    cli.add_option("--max-header", f.max_header, "largest request header in bytes (larger: 431)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20))
        ->capture_default_str();
    cli.add_option("--max-in-flight", f.max_in_flight,
                   "requests handled or queued at once; beyond it, 503 overloaded at once instead of queueing")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cli.add_option("--idle-timeout", f.idle_timeout, "seconds a kept-alive connection may wait for its next request")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--read-timeout", f.read_timeout, "seconds a request may take to arrive once it has started")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--drain-timeout", f.drain_timeout, "seconds in-flight requests get to finish on SIGTERM/SIGINT")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--log-level", f.log_level, "debug, info, warn or error")
        ->envname("FERRY_LOG_LEVEL")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
    cli.add_option("--tls-cert", f.tls_cert, "PEM certificate chain: serve HTTPS (TLS 1.2+) with --tls-key");
    cli.add_option("--tls-key", f.tls_key, "PEM private key for --tls-cert");
    cli.add_option("--scheduler-interval", f.scheduler_interval,
                   "seconds between scheduler passes (time-driven campaign transitions)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_flag("--allow-private-webhooks", f.allow_private_webhooks,
                 "let webhooks target loopback and private addresses (refused by default)");
    cli.add_option("--webhook-retry-base", f.webhook_retry_base,
                   "seconds before the first webhook retry (doubles each time)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-retry-max", f.webhook_retry_max, "longest wait between webhook retries, seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-retention", f.webhook_retention_days,
                   "days delivered and dead webhook events and the delivery log are kept (fractions allowed)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-workers", f.webhook_workers,
                   "webhook deliveries at once, in all; one webhook gets at most 2 of them")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
        ->capture_default_str();
    cli.add_option("--console-dir", f.console_dir,
                   "serve the web console from this directory (console/app of a checkout), read at each request, "
                   "instead of the copy compiled into ferryd")
        ->check(CLI::ExistingDirectory);
    cli.add_flag("--no-console", f.no_console, "do not serve the web console at / (the API only)");
    cli.add_option("--auth-failures-per-minute", f.auth_failures,
                   "failed authentications one client address may make in a minute before it gets 429")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    cli.add_flag("--test-clock", f.test_clock,
                 "FOR TESTS: a clock that moves only through the operator's POST /v1/operator/clock; it resumes "
                 "where it was at the last stop");
    cli.add_option("--test-clock-start", f.test_clock_start,
                   "FOR TESTS: with --test-clock, start at this RFC 3339 time");
    cli.footer(
        "Environment: FERRY_OPERATOR_TOKEN sets the operator token (otherwise one is created on first start,\n"
        "printed once and written to <data-dir>/operator-token, mode 0600).\n"
        "FOR TESTS: FERRY_TEST_CRASH_AT=<step> ends the process after that step of a package publish\n"
        "(reserved, packed, branch, tag, recorded), as a power cut would.\n"
        "FERRY_KEK holds the key-encryption key itself (hex or base64), in place of --kek-file.\n"
        "Subcommands: `ferryd routes [--json]` prints the routing table; `ferryd migrate` copies a SQLite\n"
        "deployment into PostgreSQL; `ferryd rotate-kek` re-wraps the signing keys under a new key-encryption key.");
}

// The store the flags name (SQLite in the data directory, or PostgreSQL), timed in `metrics`.
std::unique_ptr<ferry::Store> open_store(const Flags& f, ferry::Metrics& metrics) {
    std::unique_ptr<ferry::Store> store;
    if (f.database.empty()) {
        store = ferry::open_sqlite_store({std::filesystem::path(f.data_dir) / "ferry.db"});
    } else if (ferry::is_postgres_url(f.database)) {
        ferry::PostgresOptions pg;
        pg.url = f.database;
        pg.owner_url = f.database_owner;
        pg.pool_size = f.database_pool;
        pg.warn = [](const std::string& message) { ferry::log::warn(message, {}); };
        store = ferry::open_postgres_store(pg);
    } else {
        throw std::invalid_argument("--database must be a postgres:// or postgresql:// URL");
    }
    // Every transaction is timed from here on, the start-up ones included.
    return std::make_unique<ferry::MeasuredStore>(std::move(store), metrics,
                                                  f.database.empty() ? "sqlite" : "postgres");
}

// The key-encryption keys the flags name: --kek-file, or the key itself in FERRY_KEK (never a
// command-line value, which `ps` would show); nullopt without either.
std::optional<ferry::keys::KekRing> kek_ring(const std::string& kek_file, const std::string& previous_file) {
    std::optional<ferry::keys::Kek> current;
    if (!kek_file.empty()) {
        current = ferry::keys::Kek::from_file(kek_file);
    } else if (const char* env = std::getenv("FERRY_KEK"); env != nullptr && *env != '\0') {
        current = ferry::keys::Kek::parse(env);
    }
    if (!current) {
        if (!previous_file.empty()) throw std::invalid_argument("--previous-kek-file needs --kek-file or FERRY_KEK");
        return std::nullopt;
    }
    ferry::keys::KekRing ring{*current, std::nullopt};
    if (!previous_file.empty()) ring.previous = ferry::keys::Kek::from_file(previous_file);
    return ring;
}

// Where the tenants' private keys are: the keys directory, or with a key-encryption key the
// database (the directory's keys imported into it first, once; the directory still read for a
// key that could not be).
std::unique_ptr<ferry::keys::KeyStore> key_store(const Flags& f, ferry::Store& store) {
    const std::filesystem::path dir =
        f.keys_dir.empty() ? std::filesystem::path(f.data_dir) / "keys" : std::filesystem::path(f.keys_dir);
    auto ring = kek_ring(f.kek_file, f.previous_kek_file);
    if (!ring) return std::make_unique<ferry::keys::FileKeyStore>(dir);
    if (const std::size_t imported = ferry::keys::import_key_files(store, ring->current, dir); imported > 0)
        ferry::log::info("signing keys imported into the database", {{"keys", imported}, {"kek", ring->current.id()}});
    ferry::log::info("signing keys in the database", {{"kek", ring->current.id()}});
    return std::make_unique<ferry::keys::DatabaseKeyStore>(store, std::move(*ring), dir);
}

// `ferryd migrate`: the flags of the copy of a SQLite deployment into PostgreSQL.
struct MigrateFlags {
    std::string from;
    std::string to;
    std::string to_owner;
    std::string git_remote;
    std::string keys_dir;
    std::string kek_file;
};

int run_migrate(const MigrateFlags& m) {
    ferry::migrate::Options options;
    options.from = m.from;
    options.to = m.to;
    options.to_owner = m.to_owner;
    if (!m.git_remote.empty()) options.git_remote = m.git_remote;
    if (!m.keys_dir.empty()) options.keys_dir = m.keys_dir;
    if (auto ring = kek_ring(m.kek_file, {})) options.kek = ring->current;
    options.say = [](const std::string& line) { std::cout << "ferryd migrate: " << line << std::endl; };
    if (!ferry::is_postgres_url(m.to)) throw std::invalid_argument("--to must be a postgres:// or postgresql:// URL");
    const auto report = ferry::migrate::run(options);
    std::printf("%-24s %-24s %10s %10s\n", "table", "tenant", "sqlite", "postgres");
    for (const auto& c : report.counts)
        std::printf("%-24s %-24s %10lld %10lld\n", c.table.c_str(), c.tenant.empty() ? "-" : c.tenant.c_str(),
                    static_cast<long long>(c.source), static_cast<long long>(c.target));
    std::cout << "ferryd migrate: done: " << report.tables.size() << " tables, " << report.rows << " rows, "
              << report.audit_records << " audit records and " << report.versions_verified
              << " package versions verified on the target";
    if (report.keys_left_in_files > 0)
        std::cout << "; " << report.keys_left_in_files
                  << " private signing keys are still only files: give the nodes a shared --keys-dir, or start "
                     "them with --kek-file to import them";
    std::cout << std::endl;
    return 0;
}

// `ferryd rotate-kek`: every wrapped key re-wrapped under the new KEK, in one transaction.
struct RotateFlags {
    std::string old_kek_file;
    std::string new_kek_file;
};

int run_rotate_kek(const Flags& f, const RotateFlags& r) {
    ferry::Metrics metrics(FERRY_VERSION);
    const auto store = open_store(f, metrics);
    const ferry::keys::KekRing ring{ferry::keys::Kek::from_file(r.new_kek_file),
                                    ferry::keys::Kek::from_file(r.old_kek_file)};
    const std::size_t n = ferry::keys::rewrap_keys(*store, ring);
    std::cout << "ferryd rotate-kek: " << n << " signing keys re-wrapped from " << ring.previous->id() << " to "
              << ring.current.id() << std::endl;
    return 0;
}

// The system clock, or under --test-clock a manual one that resumes where it was at the last stop.
class Clocks {
public:
    Clocks(const Flags& f, ferry::Store& store) {
        if (!f.test_clock) return;
        ferry::Timestamp start = system_.now();
        if (auto saved = store.read([](ferry::Tx& tx) { return tx.meta("test_clock_ms"); }))
            start = ferry::from_millis(std::stoll(*saved));
        if (!f.test_clock_start.empty()) {
            const auto parsed = ferry::parse_rfc3339(f.test_clock_start);
            if (!parsed) throw std::invalid_argument("--test-clock-start must be an RFC 3339 date-time");
            start = *parsed;
        }
        manual_ = std::make_unique<ferry::ManualClock>(start);
        store.write([&](ferry::Tx& tx) { tx.set_meta("test_clock_ms", std::to_string(ferry::to_millis(start))); });
        ferry::log::warn("test clock in use", {{"now", ferry::format_rfc3339(start)}});
    }
    const ferry::Clock& clock() const { return manual_ ? static_cast<const ferry::Clock&>(*manual_) : system_; }
    ferry::ManualClock* manual() const { return manual_.get(); }

private:
    ferry::SystemClock system_;
    std::unique_ptr<ferry::ManualClock> manual_;
};

// Crash injection for tests: FERRY_TEST_CRASH_AT=<step> ends the process at once, as a power cut
// would, after that step of a publish (reserved, packed, branch, tag, recorded) or an import.
std::function<void(std::string_view)> crash_hook_from_environment(ferry::packager::GitStore& git) {
    const char* at = std::getenv("FERRY_TEST_CRASH_AT");
    if (at == nullptr || *at == '\0') return {};
    const std::string step_name = at;
    std::function<void(std::string_view)> hook = [step_name](std::string_view step) {
        if (step == step_name) std::_Exit(137);
    };
    git.set_step_hook(hook);
    ferry::log::warn("crash injection armed", {{"step", step_name}});
    return hook;
}

ferry::http::ServerOptions server_options(const Flags& f, const ListenAddress& address) {
    ferry::http::ServerOptions options;
    options.address = address.host;
    options.port = address.port;
    options.io_threads = f.threads;
    options.workers = f.workers;
    options.max_body = f.max_body;
    options.max_header = f.max_header;
    options.max_in_flight = f.max_in_flight;
    options.idle_timeout = seconds_to_ms(f.idle_timeout);
    options.read_timeout = seconds_to_ms(f.read_timeout);
    options.write_timeout = seconds_to_ms(f.read_timeout);
    options.drain_timeout = seconds_to_ms(f.drain_timeout);
    if (!f.tls_cert.empty()) options.tls_cert = f.tls_cert;
    if (!f.tls_key.empty()) options.tls_key = f.tls_key;
    return options;
}

ferry::webhooks::DispatcherOptions dispatcher_options(const Flags& f, ferry::Metrics& metrics) {
    ferry::webhooks::DispatcherOptions dispatch;
    dispatch.allow_private = f.allow_private_webhooks;
    dispatch.node_id = ferry::ensure_node_id(f.data_dir);
    dispatch.retry_base = seconds_to_ms(f.webhook_retry_base);
    dispatch.retry_max = seconds_to_ms(f.webhook_retry_max);
    dispatch.retention = seconds_to_ms(f.webhook_retention_days * 24 * 3600);
    dispatch.workers = f.webhook_workers;
    dispatch.metrics = &metrics;
    return dispatch;
}

// The address a person opens: the console's sign-in page.
void announce_console(const ferry::http::ServerOptions& options, std::uint16_t port) {
    const std::string& bound = options.address;
    const std::string host = bound == "0.0.0.0" || bound == "::" ? "127.0.0.1" : bound;
    std::cout << "ferryd: console at " << (options.tls_cert ? "https" : "http") << "://"
              << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << port << "/" << std::endl;
}

// Builds the service from its parts, settles what a crash left, serves until a signal.
int serve(const Flags& f, const ListenAddress& address) {
    ferry::prepare_data_dir(f.data_dir);
    // Before the store, which it outlives: the store records its transactions in it.
    ferry::Metrics metrics(FERRY_VERSION);
    const std::unique_ptr<ferry::Store> store = open_store(f, metrics);
    const auto operator_token = ferry::ensure_operator_token(*store, f.data_dir, std::getenv("FERRY_OPERATOR_TOKEN"));
    if (!operator_token.created_secret.empty()) {
        // Shown exactly once, on the terminal, never in the log.
        std::cout << "ferryd: operator token (shown once; also in " << f.data_dir
                  << "/operator-token): " << operator_token.created_secret << std::endl;
    }
    const Clocks clocks(f, *store);

    ferry::packager::GitStore git(
        std::filesystem::path(f.data_dir) / "git",
        f.git_remote.empty() ? std::nullopt : std::optional<std::string>(f.git_remote),
        ferry::packager::load_git_credentials(f.git_credentials_file.empty()
                                                  ? std::nullopt
                                                  : std::optional<std::filesystem::path>(f.git_credentials_file)));
    const std::unique_ptr<ferry::keys::KeyStore> keys = key_store(f, *store);
    const auto crash_hook = crash_hook_from_environment(git);
    // A crash may have left a package version half-written: settle it before serving anyone.
    if (const std::size_t settled = ferry::workflows::recover_publishes(*store, git); settled > 0)
        ferry::log::warn("package versions settled after a crash", {{"versions", settled}});

    // Catch up on everything that fell due while ferryd was down, before serving anyone.
    ferry::Scheduler scheduler(*store, clocks.clock(), seconds_to_ms(f.scheduler_interval), &metrics, &git);
    if (const std::size_t caught_up = scheduler.run_once(); caught_up > 0)
        ferry::log::info("scheduler caught up", {{"transitions", caught_up}});

    const ferry::console::Assets console = f.console_dir.empty()
                                               ? ferry::console::Assets::embedded()
                                               : ferry::console::Assets::from_directory(f.console_dir);
    ferry::AuthThrottle auth_throttle(f.auth_failures);
    ferry::http::Server* server_ptr = nullptr;
    ferry::api::Services services{
        .store = *store,
        .clock = clocks.clock(),
        .metrics = metrics,
        .ready = [&server_ptr] { return server_ptr != nullptr && server_ptr->accepting(); },
        .openapi = ferry::openapi_document(),
        .operator_token_hash = operator_token.hash,
        .max_json_depth = 64,
        .test_clock = clocks.manual(),
        .run_scheduler = [&scheduler] { scheduler.run_once(); },
        .allow_private_webhooks = f.allow_private_webhooks,
        .keys = keys.get(),
        .git = &git,
        .crash_hook = crash_hook,
        .console = f.no_console ? nullptr : &console,
        .tls = !f.tls_cert.empty(),
        .auth_throttle = &auth_throttle,
    };
    ferry::api::App app(services, ferry::api::routes(f.test_clock));

    const ferry::http::ServerOptions options = server_options(f, address);
    ferry::http::Server server(
        options, [&app](ferry::http::Request& req) { return app.handle(req); },
        [&app](int status, std::string_view code, std::string_view message) {
            return app.refuse(status, code, message);
        });
    server_ptr = &server;
    ferry::log::info("listening", {{"address", address.host},
                                   {"port", server.port()},
                                   {"tls", options.tls_cert.has_value()},
                                   {"data_dir", f.data_dir},
                                   {"database", f.database.empty() ? std::string("sqlite") : std::string("postgres")},
                                   {"threads", f.threads},
                                   {"console", !f.no_console}});
    if (!f.no_console) announce_console(options, server.port());

    ferry::webhooks::Dispatcher dispatcher(*store, dispatcher_options(f, metrics));
    scheduler.start();
    dispatcher.start();
    server.run();
    server_ptr = nullptr;
    scheduler.stop();
    dispatcher.stop();
    ferry::log::info("stopped", {});
    ferry::log::flush();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{
        "ferryd: campaigns per sandbox, approval gates, signed packages.\n"
        "Serves the ferry HTTP API. Storage: SQLite in --data-dir by default; several nodes share one\n"
        "PostgreSQL (--database) and one package store (--git-remote). See docs/deployment.md."};
    cli.set_version_flag("--version", "ferryd " FERRY_VERSION);
    Flags flags;
    declare_flags(cli, flags);
    auto* routes_cmd = cli.add_subcommand("routes", "print the routing table (method, path, permission) and exit");
    bool routes_json = false;
    routes_cmd->add_flag("--json", routes_json, "as JSON");
    auto* migrate_cmd = cli.add_subcommand(
        "migrate",
        "copy a SQLite deployment (--from its data directory) into an empty PostgreSQL database (--to), and its "
        "packages to --git-remote if given; verifies the copy (rows per table and tenant, audit chains, package "
        "signatures) before committing, so it can be run again after a failure");
    MigrateFlags migrate_flags;
    migrate_cmd->add_option("--from", migrate_flags.from, "the data directory of the SQLite deployment")
        ->required()
        ->check(CLI::ExistingDirectory);
    migrate_cmd->add_option("--to", migrate_flags.to, "postgres:// URL of the target (the service's role)")->required();
    migrate_cmd->add_option("--to-owner", migrate_flags.to_owner,
                            "postgres:// URL of the role owning the schema, as --database-owner");
    migrate_cmd->add_option("--git-remote", migrate_flags.git_remote,
                            "the nodes' shared package store (as ferryd's --git-remote): every tenant's repository "
                            "is pushed there");
    migrate_cmd->add_option("--keys-dir", migrate_flags.keys_dir, "the source's keys (default: <from>/keys)");
    migrate_cmd
        ->add_option("--kek-file", migrate_flags.kek_file,
                     "wrap the source's private signing keys into the target under this key-encryption key "
                     "(or FERRY_KEK)")
        ->envname("FERRY_KEK_FILE");
    auto* rotate_cmd = cli.add_subcommand(
        "rotate-kek",
        "re-wrap every tenant's private signing key under a new key-encryption key, in one transaction, on the "
        "database that --database (or --data-dir) names; see docs/deployment.md for the rolling steps");
    rotate_cmd->fallthrough();  // --database, --data-dir: the main flags, before or after the subcommand
    RotateFlags rotate_flags;
    rotate_cmd->add_option("--old-kek-file", rotate_flags.old_kek_file, "the key-encryption key in use")
        ->required()
        ->check(CLI::ExistingFile);
    rotate_cmd->add_option("--new-kek-file", rotate_flags.new_kek_file, "the key-encryption key to move to")
        ->required()
        ->check(CLI::ExistingFile);

    CLI11_PARSE(cli, argc, argv);

    if (routes_cmd->parsed()) {
        print_routes(routes_json);
        return 0;
    }

    ferry::log::Level level{};
    ferry::log::parse_level(flags.log_level, level);
    ferry::log::set_level(level);
    if (migrate_cmd->parsed() || rotate_cmd->parsed()) {
        try {
            return migrate_cmd->parsed() ? run_migrate(migrate_flags) : run_rotate_kek(flags, rotate_flags);
        } catch (const std::invalid_argument& e) {
            std::cerr << "ferryd: " << e.what() << '\n';
            return 2;
        } catch (const std::exception& e) {
            std::cerr << "ferryd: " << e.what() << '\n';
            return 1;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    // libcurl's global state must be set up once, before any thread uses it (webhook deliveries).
    curl_global_init(CURL_GLOBAL_DEFAULT);

    ListenAddress address;
    if (!parse_listen(flags.listen, address)) {
        std::cerr << "ferryd: --listen must be host:port, got " << flags.listen << '\n';
        return 2;
    }
    try {
        return serve(flags, address);
    } catch (const std::invalid_argument& e) {
        std::cerr << "ferryd: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        ferry::log::error("fatal", {{"error", e.what()}});
        ferry::log::flush();
        return 1;
    }
}
