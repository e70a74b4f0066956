#pragma once
// What every command works with: the global options resolved (flag, then environment, then the
// login profile), a client for the server, paths under the tenant, and one way of turning an
// error answer into a message and an exit code.

#include "client.hpp"
#include "config.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/App.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::cli {

// The global flags as parsed; empty means "not given".
struct GlobalOptions {
    std::string server;
    std::string tenant;
    std::string token;
    std::string cacert;
    std::string context;  // --context NAME
    double timeout = 0;   // seconds; 0 = not given
    bool json = false;    // --json, the same as -o json
    std::string output;   // -o table|wide|json|yaml|name
    std::string jq;       // --jq EXPR
    bool verbose = false;
};

// How answers are printed: tables and fields for people (wide: with more columns), or the answer
// itself for programs.
enum class OutputFormat { table, wide, json, yaml, name };

// How many items a list command reads: every page (the default), or up to `limit`, starting at a
// cursor.
struct Paging {
    int limit = 0;      // 0: no limit
    int page_size = 0;  // items per request of a paged list; 0: the server's largest page
    std::string cursor;
};

// A resolved setting and where it came from: "flag", "env", "profile", "default" or "" (unset).
struct Setting {
    std::string value;
    std::string source;
};

class Context {
public:
    explicit Context(const GlobalOptions& options);

    OutputFormat format() const;
    // The server's JSON as it arrived is printed (-o json without --jq).
    bool json() const { return format() == OutputFormat::json && options_.jq.empty(); }
    // The answer is printed for a program (json, yaml, name or --jq), not for people.
    bool machine_output() const;
    bool wide() const { return format() == OutputFormat::wide; }
    const Style& out_style() const { return out_style_; }

    Setting context_name() const;  // --context, FERRY_CONTEXT, or the current context
    Setting server() const;
    Setting tenant() const;
    Setting token() const;
    Setting cacert() const;
    Setting timeout() const;          // seconds, as text
    Setting default_sandbox() const;  // FERRY_SANDBOX, or the context's sandbox

    // The contexts and tokens on disk, as read at the first use.
    const Config& config() const;
    // Login may name a context that does not exist yet.
    void allow_new_context() { allow_new_context_ = true; }

    // Caps how long one request may take, unless --timeout or FERRY_TIMEOUT says; before client().
    void limit_timeout(double seconds);

    // Replaces the token as if given with --token (login reads it from stdin); before client().
    void use_token(std::string token) { options_.token = std::move(token); }

    // The client for the resolved server and token; UsageError when there is no server or token.
    Client& client();

    // The tenant to work in; UsageError when none is set anywhere.
    std::string tenant_id() const;
    // "/v1/tenants/<tenant><suffix>"
    std::string tenant_path(std::string_view suffix = "") const;
    // The sandbox given with -s, or else the default one; UsageError when there is neither.
    std::string sandbox(const std::string& given) const;
    // "/v1/tenants/<tenant>/sandboxes/<sandbox><suffix>", the sandbox as sandbox(given) says.
    std::string sandbox_path(const std::string& given, std::string_view suffix = "") const;

    // One request; a transport error becomes Failure "cannot reach <server>: ...".
    Response send(const Request& request);
    Response get(const std::string& target) { return send({"GET", target, std::nullopt, {}}); }
    Response post(const std::string& target, const boost::json::value& body = boost::json::object());
    Response del(const std::string& target, const std::string& if_match = "");

    // Returns the response when it is a success; otherwise reports it and throws Failure.
    Response expect_ok(Response response);

    // A list read whole: every page of a cursor-paged list (merged into one {"items": [...]},
    // with next_cursor where --limit stopped it early), and at most paging.limit items of any list.
    // `page_size_max` is the server's largest page; 0 for a list the server does not page.
    boost::json::value list(const std::string& target, const Paging& paging, int page_size_max = 0);

    // For a program (-o json|yaml|name, --jq), prints the answer and returns true; otherwise
    // returns false and the command prints for people. -o json prints the body as received.
    bool print_json(const Response& response) const;
    bool print_json(const boost::json::value& value) const;
    // The error body on stdout for -o json, so that a script can parse it.
    void print_error_body(const Response& response) const;

    // The X-Request-Id of the last request sent (answered or not); empty before the first.
    std::string last_request_id() const;

private:
    const Profile& profile() const;
    bool print_text(const std::string& body, const boost::json::value* parsed) const;

    GlobalOptions options_;
    mutable std::optional<Config> config_;
    mutable std::optional<Profile> profile_;  // read on first use: an empty Profile when there is none
    bool allow_new_context_ = false;
    std::unique_ptr<Client> client_;
    Style out_style_;
};

// " (request id X)" for the last request of the context, "" before the first: the end of every
// error message about a request.
std::string request_id_suffix(const Context& context);

// Prints the server's error (code, message, details, request id) on stderr, and with -o json also
// the body on stdout, then throws Failure(code) with nothing left to print. A 401 is always exit
// 7 (the token is not accepted).
[[noreturn]] void fail_with(const Context& context, const Response& response, ExitCode code = ExitCode::error);

// target + "?name=value&..." for the parameters whose value is not empty, values escaped.
std::string with_query(std::string target, const std::vector<std::pair<std::string, std::string>>& parameters);

// The error code of an error body ("" when the body is not a ferry error).
std::string error_code(const Response& response);

// The bytes of a file, or of stdin for "-"; Failure when unreadable.
std::string read_input(const std::string& path);
// A file's JSON object; Failure when unreadable or not an object.
boost::json::object read_json_object(const std::string& path);
// Writes bytes to a file, or stdout for "-"; Failure when that fails.
void write_output(const std::string& path, const std::string& bytes);

// -s/--sandbox on a command; optional, the default sandbox of the context standing in.
void add_sandbox_option(CLI::App* app, std::string& sandbox, const std::string& description = "sandbox id");
// --limit of a list command; for a list the server pages, --cursor and --page-size too.
void add_paging_options(CLI::App* app, Paging& paging, bool paged);

// Leaf commands run after parsing succeeded; groups only hold subcommands.
using Handler = std::function<int(Context&)>;

class Commands {
public:
    // A group of subcommands: `ferry campaigns` alone is a usage error.
    CLI::App* group(CLI::App& parent, const std::string& name, const std::string& description);
    // A command that does something: its handler returns the exit code.
    CLI::App* leaf(CLI::App& parent, const std::string& name, const std::string& description, Handler handler);
    const Handler* handler_of(const CLI::App* app) const;

private:
    std::map<const CLI::App*, Handler> handlers_;
};

// The command's full name, "ferry campaigns edit".
std::string command_path(const CLI::App* app);

// One registration function per area, each in its own commands_*.cpp.
void add_admin_commands(CLI::App& root, Commands& commands);
void add_campaign_commands(CLI::App& root, Commands& commands);
void add_in_app_priority_commands(CLI::App& root, Commands& commands);
// After add_campaign_commands: adds `campaigns report` and the `reports` group.
void add_report_commands(CLI::App& root, Commands& commands);
void add_object_commands(CLI::App& root, Commands& commands);
void add_review_commands(CLI::App& root, Commands& commands);
void add_package_commands(CLI::App& root, Commands& commands);
void add_import_commands(CLI::App& root, Commands& commands);
void add_pipeline_commands(CLI::App& root, Commands& commands);
void add_sync_commands(CLI::App& root, Commands& commands);
void add_sample_commands(CLI::App& root, Commands& commands);
void add_completion_command(CLI::App& root, Commands& commands);

}  // namespace ferry::cli
