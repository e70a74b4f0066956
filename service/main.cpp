// ferryd: flags, wiring and signals. Everything else lives in the libraries it links.

#include "api/app.hpp"
#include "api/routes.hpp"
#include "bootstrap.hpp"
#include "console/assets.hpp"
#include "tenancy/auth_throttle.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"
#include "observability/measured_store.hpp"
#include "observability/metrics.hpp"
#include "openapi_document.hpp"
#include "packager/git_store.hpp"
#include "packages/keys.hpp"
#include "workflows/recovery.hpp"
#include "scheduler/scheduler.hpp"
#include "delivery/dispatcher.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

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

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"ferryd: campaigns per sandbox, approval gates, signed packages.\n"
                 "Serves the ferry HTTP API. Storage: SQLite in --data-dir by default; several nodes share one\n"
                 "PostgreSQL (--database) and one package store (--git-remote). See docs/deployment.md."};
    cli.set_version_flag("--version", "ferryd " FERRY_VERSION);

    std::string listen = "127.0.0.1:8080";
    std::string data_dir = "./ferry-data";
    std::string database;
    std::string database_owner;
    std::size_t database_pool = 16;
    std::string git_remote;
    std::string keys_dir;
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

    cli.add_option("--listen", listen, "address:port to listen on (port 0 picks a free port)")
        ->envname("FERRY_LISTEN")
        ->capture_default_str();
    cli.add_option("--data-dir", data_dir, "directory for the database, the tenants' signing keys and package repositories")
        ->envname("FERRY_DATA_DIR")
        ->capture_default_str();
    cli.add_option("--database", database,
                   "PostgreSQL connection URL (postgres://user@host:port/db) of the role the service runs as, for "
                   "several ferryd nodes on one database; default: SQLite in --data-dir")
        ->envname("FERRY_DATABASE");
    cli.add_option("--database-owner", database_owner,
                   "with --database: connection URL of the role that owns the schema; it migrates at start and grants "
                   "the service's role what it needs (default: the --database role does it)")
        ->envname("FERRY_DATABASE_OWNER");
    cli.add_option("--database-pool", database_pool, "with --database: connections for transactions")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
        ->capture_default_str();
    cli.add_option("--git-remote", git_remote,
                   "package store shared by several nodes: a directory (or file:// URL) of bare repositories; each "
                   "node keeps a mirror in --data-dir and moves the remote's refs by compare-and-swap")
        ->envname("FERRY_GIT_REMOTE");
    cli.add_option("--keys-dir", keys_dir,
                   "tenants' private signing keys (default: <data-dir>/keys); several nodes must share it")
        ->envname("FERRY_KEYS_DIR");
    cli.add_option("--threads", threads, "I/O threads (default: number of cores)")->check(CLI::Range(1, 256));
    cli.add_option("--workers", workers, "threads that run request handlers (they may block on storage)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    cli.add_option("--max-body", max_body, "largest request body in bytes (larger: 413)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
        ->capture_default_str();
    cli.add_option("--max-header", max_header, "largest request header in bytes (larger: 431)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20))
        ->capture_default_str();
    cli.add_option("--max-in-flight", max_in_flight,
                   "requests handled or queued at once; beyond it, 503 overloaded at once instead of queueing")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cli.add_option("--idle-timeout", idle_timeout, "seconds a kept-alive connection may wait for its next request")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--read-timeout", read_timeout, "seconds a request may take to arrive once it has started")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--drain-timeout", drain_timeout, "seconds in-flight requests get to finish on SIGTERM/SIGINT")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--log-level", log_level, "debug, info, warn or error")
        ->envname("FERRY_LOG_LEVEL")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
    cli.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS (TLS 1.2+) with --tls-key");
    cli.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
    cli.add_option("--scheduler-interval", scheduler_interval,
                   "seconds between scheduler passes (time-driven campaign transitions)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_flag("--allow-private-webhooks", allow_private_webhooks,
                 "let webhooks target loopback and private addresses (refused by default)");
    cli.add_option("--webhook-retry-base", webhook_retry_base, "seconds before the first webhook retry (doubles each time)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-retry-max", webhook_retry_max, "longest wait between webhook retries, seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-retention", webhook_retention_days,
                   "days delivered and dead webhook events and the delivery log are kept (fractions allowed)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--webhook-workers", webhook_workers,
                   "webhook deliveries at once, in all; one webhook gets at most 2 of them")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
        ->capture_default_str();
    cli.add_option("--console-dir", console_dir,
                   "serve the web console from this directory (console/app of a checkout), read at each request, "
                   "instead of the copy compiled into ferryd")
        ->check(CLI::ExistingDirectory);
    cli.add_flag("--no-console", no_console, "do not serve the web console at / (the API only)");
    cli.add_option("--auth-failures-per-minute", auth_failures,
                   "failed authentications one client address may make in a minute before it gets 429")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    cli.add_flag("--test-clock", test_clock,
                 "FOR TESTS: a clock that moves only through the operator's POST /v1/operator/clock; it resumes "
                 "where it was at the last stop");
    cli.add_option("--test-clock-start", test_clock_start, "FOR TESTS: with --test-clock, start at this RFC 3339 time");
    cli.footer(
        "Environment: FERRY_OPERATOR_TOKEN sets the operator token (otherwise one is created on first start,\n"
        "printed once and written to <data-dir>/operator-token, mode 0600).\n"
        "FOR TESTS: FERRY_TEST_CRASH_AT=<step> ends the process after that step of a package publish\n"
        "(reserved, packed, branch, tag, recorded), as a power cut would.\n"
        "Subcommands: `ferryd routes [--json]` prints the routing table.");

    auto* routes_cmd = cli.add_subcommand("routes", "print the routing table (method, path, permission) and exit");
    bool routes_json = false;
    routes_cmd->add_flag("--json", routes_json, "as JSON");

    CLI11_PARSE(cli, argc, argv);

    if (routes_cmd->parsed()) {
        print_routes(routes_json);
        return 0;
    }

    ferry::log::Level level{};
    ferry::log::parse_level(log_level, level);
    ferry::log::set_level(level);
    std::signal(SIGPIPE, SIG_IGN);
    // libcurl's global state must be set up once, before any thread uses it (webhook deliveries).
    curl_global_init(CURL_GLOBAL_DEFAULT);

    ListenAddress address;
    if (!parse_listen(listen, address)) {
        std::cerr << "ferryd: --listen must be host:port, got " << listen << '\n';
        return 2;
    }

    try {
        ferry::prepare_data_dir(data_dir);
        // Before the store, which it outlives: the store records its transactions in it.
        ferry::Metrics metrics(FERRY_VERSION);
        std::unique_ptr<ferry::Store> store;
        if (database.empty()) {
            store = ferry::open_sqlite_store({std::filesystem::path(data_dir) / "ferry.db"});
        } else if (ferry::is_postgres_url(database)) {
            ferry::PostgresOptions pg;
            pg.url = database;
            pg.owner_url = database_owner;
            pg.pool_size = database_pool;
            pg.warn = [](const std::string& message) { ferry::log::warn(message, {}); };
            store = ferry::open_postgres_store(pg);
        } else {
            std::cerr << "ferryd: --database must be a postgres:// or postgresql:// URL\n";
            return 2;
        }
        // Every transaction is timed from here on, the start-up ones included.
        store = std::make_unique<ferry::MeasuredStore>(std::move(store), metrics, database.empty() ? "sqlite" : "postgres");
        const auto operator_token =
            ferry::ensure_operator_token(*store, data_dir, std::getenv("FERRY_OPERATOR_TOKEN"));
        if (!operator_token.created_secret.empty()) {
            // Shown exactly once, on the terminal, never in the log.
            std::cout << "ferryd: operator token (shown once; also in " << data_dir
                      << "/operator-token): " << operator_token.created_secret << std::endl;
        }

        ferry::SystemClock system_clock;
        std::unique_ptr<ferry::ManualClock> manual_clock;
        if (test_clock) {
            // Resume where the test clock was, unless told where to start.
            ferry::Timestamp start = system_clock.now();
            if (auto saved = store->read([](ferry::Tx& tx) { return tx.meta("test_clock_ms"); }))
                start = ferry::from_millis(std::stoll(*saved));
            if (!test_clock_start.empty()) {
                const auto parsed = ferry::parse_rfc3339(test_clock_start);
                if (!parsed) throw std::runtime_error("--test-clock-start must be an RFC 3339 date-time");
                start = *parsed;
            }
            manual_clock = std::make_unique<ferry::ManualClock>(start);
            store->write([&](ferry::Tx& tx) { tx.set_meta("test_clock_ms", std::to_string(ferry::to_millis(start))); });
            ferry::log::warn("test clock in use", {{"now", ferry::format_rfc3339(start)}});
        }
        const ferry::Clock& clock = manual_clock ? static_cast<const ferry::Clock&>(*manual_clock) : system_clock;

        // A crash may have left a package version half-written: settle it before serving anyone.
        ferry::packager::GitStore git(std::filesystem::path(data_dir) / "git",
                                      git_remote.empty() ? std::nullopt : std::optional<std::string>(git_remote));
        ferry::packages::KeyStore keys(keys_dir.empty() ? std::filesystem::path(data_dir) / "keys"
                                                        : std::filesystem::path(keys_dir));
        // Crash injection for tests: FERRY_TEST_CRASH_AT=<step> ends the process at once, as a
        // power cut would, after that step of a publish (reserved, packed, branch, tag, recorded).
        std::function<void(std::string_view)> crash_hook;
        if (const char* at = std::getenv("FERRY_TEST_CRASH_AT"); at != nullptr && *at != '\0') {
            const std::string step_name = at;
            crash_hook = [step_name](std::string_view step) {
                if (step == step_name) std::_Exit(137);
            };
            git.set_step_hook(crash_hook);
            ferry::log::warn("crash injection armed", {{"step", step_name}});
        }
        if (const std::size_t settled = ferry::packages::recover(*store, git); settled > 0)
            ferry::log::warn("package versions settled after a crash", {{"versions", settled}});

        // Catch up on everything that fell due while ferryd was down, before serving anyone.
        ferry::Scheduler scheduler(*store, clock, seconds_to_ms(scheduler_interval), &metrics);
        const std::size_t caught_up = scheduler.run_once();
        if (caught_up > 0) ferry::log::info("scheduler caught up", {{"transitions", caught_up}});

        ferry::http::Server* server_ptr = nullptr;
        ferry::api::Services services{*store, clock, metrics,
                                      [&server_ptr] { return server_ptr != nullptr && server_ptr->accepting(); },
                                      ferry::openapi_document(), operator_token.hash, 64, manual_clock.get(),
                                      [&scheduler] { scheduler.run_once(); }, allow_private_webhooks,
                                      &keys, &git, crash_hook};
        const ferry::console::Assets console = console_dir.empty() ? ferry::console::Assets::embedded()
                                                                   : ferry::console::Assets::from_directory(console_dir);
        if (!no_console) services.console = &console;
        services.tls = !tls_cert.empty();
        ferry::AuthThrottle auth_throttle(auth_failures);
        services.auth_throttle = &auth_throttle;
        ferry::api::App app(services, ferry::api::routes(test_clock));

        ferry::http::ServerOptions options;
        options.address = address.host;
        options.port = address.port;
        options.io_threads = threads;
        options.workers = workers;
        options.max_body = max_body;
        options.max_header = max_header;
        options.max_in_flight = max_in_flight;
        options.idle_timeout = seconds_to_ms(idle_timeout);
        options.read_timeout = seconds_to_ms(read_timeout);
        options.write_timeout = seconds_to_ms(read_timeout);
        options.drain_timeout = seconds_to_ms(drain_timeout);
        if (!tls_cert.empty()) options.tls_cert = tls_cert;
        if (!tls_key.empty()) options.tls_key = tls_key;

        ferry::http::Server server(
            options, [&app](ferry::http::Request& req) { return app.handle(req); },
            [&app](int status, std::string_view code, std::string_view message) {
                return app.refuse(status, code, message);
            });
        server_ptr = &server;
        ferry::log::info("listening", {{"address", address.host},
                                       {"port", server.port()},
                                       {"tls", options.tls_cert.has_value()},
                                       {"data_dir", data_dir},
                                       {"database", database.empty() ? std::string("sqlite") : std::string("postgres")},
                                       {"threads", threads},
                                       {"console", !no_console}});
        if (!no_console) {
            // The address a person opens: the console's sign-in page.
            const std::string host = address.host == "0.0.0.0" || address.host == "::" ? "127.0.0.1" : address.host;
            std::cout << "ferryd: console at " << (options.tls_cert ? "https" : "http") << "://"
                      << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << server.port() << "/"
                      << std::endl;
        }
        ferry::webhooks::DispatcherOptions dispatch;
        dispatch.allow_private = allow_private_webhooks;
        dispatch.node_id = ferry::ensure_node_id(data_dir);
        dispatch.retry_base = seconds_to_ms(webhook_retry_base);
        dispatch.retry_max = seconds_to_ms(webhook_retry_max);
        dispatch.retention = seconds_to_ms(webhook_retention_days * 24 * 3600);
        dispatch.workers = webhook_workers;
        dispatch.metrics = &metrics;
        ferry::webhooks::Dispatcher dispatcher(*store, dispatch);
        scheduler.start();
        dispatcher.start();
        server.run();
        server_ptr = nullptr;
        scheduler.stop();
        dispatcher.stop();
        ferry::log::info("stopped", {});
        ferry::log::flush();
        return 0;
    } catch (const std::exception& e) {
        ferry::log::error("fatal", {{"error", e.what()}});
        ferry::log::flush();
        return 1;
    }
}
