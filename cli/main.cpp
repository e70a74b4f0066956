// ferry: global flags, the command tree, and the mapping of every failure to an exit code. The
// commands themselves live in commands_*.cpp.

#include "context.hpp"
#include "exit_codes.hpp"

#include <CLI/CLI.hpp>
#include <curl/curl.h>

#include <iostream>

namespace {

using namespace ferry::cli;

constexpr const char* exit_codes_footer = R"(Exit codes:
  0  ok (an import already applied is ok too)
  1  error: the server refused (its error code and message are printed), a file cannot be read
     or written; 'packages diff --exit-code': the versions differ
  2  usage: bad flags or arguments, or no server/tenant/token/sandbox configured
  3  an import plan or apply (also 'drift resync') has conflicts or is blocked; 'wait' and
     'promote --wait': refused, failed, cancelled or in conflict
  4  waiting on approval: publishing opened a review instead of publishing; 'wait' and
     'promote --wait': still waiting at the timeout
  5  verification failed: a package export or the audit log does not verify
  6  no answer: the server cannot be reached or the request timed out (retry later)
  7  authentication failed: the server does not accept the token (401)
Error messages about a request end with its X-Request-Id: (request id ...).

Settings: a flag wins over its environment variable (FERRY_SERVER, FERRY_TENANT, FERRY_TOKEN,
FERRY_SANDBOX, FERRY_CONTEXT, FERRY_CACERT, FERRY_TIMEOUT), which wins over the context (a named
profile written by 'ferry login'; 'ferry config get-contexts' lists them). Prefer FERRY_TOKEN to
--token: flags are visible to other users in the process list.
Run 'ferry COMMAND --help' for a command's flags; docs/cli.md has the details.)";

constexpr const char* subcommand_footer =
    "Global flags (--context, --server, --tenant, --token, -o/--output, --jq, --json, --verbose, --cacert, "
    "--timeout) go anywhere on the line; see 'ferry --help'.";

// The deepest command the parser reached: where a usage error belongs.
CLI::App* selected_command(CLI::App& root) {
    CLI::App* app = &root;
    for (auto chosen = app->get_subcommands(); !chosen.empty(); chosen = app->get_subcommands()) app = chosen.front();
    return app;
}

int usage_error(const CLI::App* app, const std::string& message) {
    std::string usage = CLI::Formatter().make_usage(app, command_path(app));
    while (!usage.empty() && usage.back() == '\n') usage.pop_back();
    std::cerr << "ferry: " << message << '\n'
              << usage << '\n'
              << "Run '" << command_path(app) << " --help' for more information.\n";
    return to_int(ExitCode::usage);
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("--context", options.context, "the context (named profile) to use (env FERRY_CONTEXT)");
    app.add_option("--server", options.server, "ferryd base URL, e.g. https://ferry.example.com (env FERRY_SERVER)");
    app.add_option("--tenant", options.tenant, "tenant id (env FERRY_TENANT)");
    app.add_option("--token", options.token, "bearer token; prefer the FERRY_TOKEN environment variable");
    app.add_option("-o,--output", options.output,
                   "table (default), wide (more columns), json (the server's JSON as received), yaml, "
                   "name (identifiers, one a line)")
        ->check(CLI::IsMember({"table", "wide", "json", "yaml", "name"}));
    app.add_option("--jq", options.jq, "filter the JSON answer with a jq expression, e.g. '.items[].id'");
    app.add_flag("--json", options.json, "the same as -o json");
    app.add_flag("-v,--verbose", options.verbose,
                 "print each request's method, path, status and X-Request-Id on stderr");
    app.add_option("--cacert", options.cacert, "PEM file of the CA to trust for https (env FERRY_CACERT)");
    app.add_option("--timeout", options.timeout, "seconds one request may take, default 30 (env FERRY_TIMEOUT)")
        ->check([](const std::string& text) {
            try {
                if (std::stod(text) > 0) return std::string();
            } catch (const std::exception&) {
            }
            return "must be a positive number of seconds, not '" + text + "'";
        });
}

}  // namespace

int main(int argc, char** argv) {
    curl_global_init(CURL_GLOBAL_DEFAULT);

    CLI::App app{
        "ferry: the command-line client of ferryd (campaigns, approvals, packages, imports, promotions, drift, sync "
        "subscriptions).",
        "ferry"};
    app.set_version_flag("--version", "ferry " FERRY_VERSION);
    app.require_subcommand(1);
    // Global flags may follow the subcommand: `ferry campaigns ls --sandbox dev --json`.
    app.fallthrough();
    app.footer(subcommand_footer);

    GlobalOptions options;
    add_global_options(app, options);
    Commands commands;
    add_admin_commands(app, commands);
    add_campaign_commands(app, commands);
    add_report_commands(app, commands);
    add_in_app_priority_commands(app, commands);
    add_object_commands(app, commands);
    add_review_commands(app, commands);
    add_package_commands(app, commands);
    add_import_commands(app, commands);
    add_pipeline_commands(app, commands);
    add_sync_commands(app, commands);
    add_sample_commands(app, commands);
    add_completion_command(app, commands);
    // Set last: subcommands copy their parent's footer when they are created.
    app.footer(exit_codes_footer);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --help-all, --version
        return usage_error(selected_command(app), e.what());
    }

    CLI::App* selected = selected_command(app);
    const Handler* handler = commands.handler_of(selected);
    if (handler == nullptr) return usage_error(selected, "a subcommand is required");

    int code = to_int(ExitCode::error);
    Context context(options);
    try {
        code = (*handler)(context);
    } catch (const UsageError& e) {
        code = usage_error(selected, e.what());
    } catch (const Failure& e) {
        // A message about a request ends with its id, to find it in ferryd's log.
        const std::string message = e.what();
        if (!message.empty())
            std::cerr << "ferry: " << message
                      << (message.find("(request id ") == std::string::npos ? request_id_suffix(context) : "") << '\n';
        code = to_int(e.code());
    } catch (const std::exception& e) {
        std::cerr << "ferry: " << e.what() << request_id_suffix(context) << '\n';
    }
    std::cout.flush();
    curl_global_cleanup();
    return code;
}
