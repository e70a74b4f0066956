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
    double timeout = 0;  // seconds; 0 = not given
    bool json = false;
};

// A resolved setting and where it came from: "flag", "env", "profile", "default" or "" (unset).
struct Setting {
    std::string value;
    std::string source;
};

class Context {
public:
    explicit Context(const GlobalOptions& options);

    bool json() const { return options_.json; }
    const Style& out_style() const { return out_style_; }

    Setting server() const;
    Setting tenant() const;
    Setting token() const;
    Setting cacert() const;
    Setting timeout() const;  // seconds, as text

    // Replaces the token as if given with --token (login reads it from stdin); before client().
    void use_token(std::string token) { options_.token = std::move(token); }

    // The client for the resolved server and token; UsageError when there is no server or token.
    Client& client();

    // The tenant to work in; UsageError when none is set anywhere.
    std::string tenant_id() const;
    // "/v1/tenants/<tenant><suffix>"
    std::string tenant_path(std::string_view suffix = "") const;
    // "/v1/tenants/<tenant>/sandboxes/<sandbox><suffix>"
    std::string sandbox_path(const std::string& sandbox, std::string_view suffix = "") const;

    // One request; a transport error becomes Failure "cannot reach <server>: ...".
    Response send(const Request& request);
    Response get(const std::string& target) { return send({"GET", target, std::nullopt, {}}); }
    Response post(const std::string& target, const boost::json::value& body = boost::json::object());
    Response del(const std::string& target, const std::string& if_match = "");

    // Returns the response when it is a success; otherwise reports it and throws Failure.
    Response expect_ok(Response response);

    // With --json, prints the body as received and returns true; otherwise returns false and
    // the command prints for people.
    bool print_json(const Response& response) const;

private:
    const Profile& profile() const;

    GlobalOptions options_;
    mutable std::optional<Profile> profile_;  // read on first use: an empty Profile when there is none
    std::unique_ptr<Client> client_;
    Style out_style_;
};

// Prints the server's error (code, message, details) on stderr, and with --json also the body on
// stdout, then throws Failure(code) with nothing left to print.
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
void add_object_commands(CLI::App& root, Commands& commands);
void add_review_commands(CLI::App& root, Commands& commands);
void add_package_commands(CLI::App& root, Commands& commands);
void add_import_commands(CLI::App& root, Commands& commands);
void add_sample_commands(CLI::App& root, Commands& commands);
void add_completion_command(CLI::App& root, Commands& commands);

}  // namespace ferry::cli
