#include "context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace ferry::cli {

namespace json = boost::json;

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

// Flag, then environment variable, then profile.
Setting pick(const std::string& flag, const char* env_name, const std::string& from_profile) {
    if (!flag.empty()) return {flag, "flag"};
    if (std::string value = env(env_name); !value.empty()) return {value, "env"};
    if (!from_profile.empty()) return {from_profile, "profile"};
    return {};
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

}  // namespace

Context::Context(const GlobalOptions& options) : options_(options), out_style_(Style::for_stdout()) {}

const Profile& Context::profile() const {
    if (!profile_) profile_ = load_profile().value_or(Profile{});
    return *profile_;
}

Setting Context::server() const {
    Setting s = pick(options_.server, "FERRY_SERVER", profile().server);
    s.value = without_trailing_slash(s.value);
    return s;
}

Setting Context::tenant() const { return pick(options_.tenant, "FERRY_TENANT", profile().tenant); }

Setting Context::token() const {
    // The profile's token belongs to the profile's server: it is never sent anywhere else.
    const bool same_server = without_trailing_slash(profile().server) == server().value;
    return pick(options_.token, "FERRY_TOKEN", same_server ? profile().token : std::string());
}

Setting Context::cacert() const { return pick(options_.cacert, "FERRY_CACERT", profile().cacert); }

Setting Context::timeout() const {
    if (options_.timeout > 0) return {std::to_string(options_.timeout), "flag"};
    if (std::string value = env("FERRY_TIMEOUT"); !value.empty()) return {value, "env"};
    return {"30", "default"};
}

Client& Context::client() {
    if (client_) return *client_;
    const Setting url = server();
    if (url.value.empty()) throw UsageError("no server: pass --server, set FERRY_SERVER, or run 'ferry login'");
    if (url.value.rfind("http://", 0) != 0 && url.value.rfind("https://", 0) != 0)
        throw UsageError("the server must be an http:// or https:// URL, not '" + url.value + "'");
    const Setting bearer = token();
    if (bearer.value.empty()) throw UsageError("no token: set FERRY_TOKEN (or pass --token), or run 'ferry login'");
    double seconds = 0;
    try {
        seconds = std::stod(timeout().value);
    } catch (const std::exception&) {
        throw UsageError("FERRY_TIMEOUT must be a number of seconds, not '" + timeout().value + "'");
    }
    if (!(seconds > 0)) throw UsageError("the timeout must be a positive number of seconds");
    client_ = std::make_unique<Client>(
        ClientSettings{url.value, bearer.value, cacert().value,
                       std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)))});
    return *client_;
}

std::string Context::tenant_id() const {
    const Setting t = tenant();
    if (t.value.empty()) throw UsageError("no tenant: pass --tenant, set FERRY_TENANT, or run 'ferry login'");
    return t.value;
}

std::string Context::tenant_path(std::string_view suffix) const {
    return "/v1/tenants/" + url_escape(tenant_id()) + std::string(suffix);
}

std::string Context::sandbox_path(const std::string& sandbox, std::string_view suffix) const {
    return tenant_path("/sandboxes/" + url_escape(sandbox)) + std::string(suffix);
}

Response Context::send(const Request& request) {
    Client& c = client();
    try {
        return c.send(request);
    } catch (const TransportError& e) {
        throw Failure(ExitCode::error, "cannot reach " + c.server() + ": " + e.what());
    }
}

Response Context::post(const std::string& target, const json::value& body) {
    return send({"POST", target, json::serialize(body), {}});
}

Response Context::del(const std::string& target, const std::string& if_match) {
    Request request{"DELETE", target, std::nullopt, {}};
    if (!if_match.empty()) request.headers.emplace_back("If-Match", if_match);
    return send(request);
}

Response Context::expect_ok(Response response) {
    if (!response.ok()) fail_with(*this, response);
    return response;
}

bool Context::print_json(const Response& response) const {
    if (!options_.json) return false;
    if (!response.body.empty()) print_body(std::cout, response.body);
    return true;
}

std::string with_query(std::string target, const std::vector<std::pair<std::string, std::string>>& parameters) {
    char separator = '?';
    for (const auto& [name, value] : parameters) {
        if (value.empty()) continue;
        target += separator + name + "=" + url_escape(value);
        separator = '&';
    }
    return target;
}

std::string error_code(const Response& response) {
    boost::system::error_code ec;
    const json::value body = json::parse(response.body, ec);
    if (ec || !body.is_object()) return "";
    const auto* error = body.as_object().if_contains("error");
    if (error == nullptr || !error->is_object()) return "";
    const auto* code = error->as_object().if_contains("code");
    return code != nullptr && code->is_string() ? std::string(code->as_string()) : "";
}

void fail_with(const Context& context, const Response& response, ExitCode code) {
    // In --json mode a script gets the error body on stdout as well, to parse it.
    context.print_json(response);
    const Style style = Style::for_stderr();
    boost::system::error_code ec;
    const json::value body = json::parse(response.body, ec);
    const json::object* error = nullptr;
    if (!ec && body.is_object())
        if (const auto* e = body.as_object().if_contains("error"); e != nullptr && e->is_object())
            error = &e->as_object();
    if (error == nullptr) {
        std::cerr << "ferry: " << style.paint("error", Colour::red) << ": the server answered HTTP " << response.status
                  << " without an error description\n";
        throw Failure(code, "");
    }
    std::cerr << "ferry: " << style.paint(text_of(*error, "code"), Colour::red) << ": " << text_of(*error, "message")
              << '\n';
    if (const auto* details = error->if_contains("details"); details != nullptr && details->is_object())
        for (const auto& [name, value] : details->as_object())
            std::cerr << "  " << std::string(name) << ": " << text_of(value) << '\n';
    throw Failure(code, "");
}

std::string read_input(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure(ExitCode::error, "cannot read " + path + ": " + std::strerror(errno));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

json::object read_json_object(const std::string& path) {
    const std::string text = read_input(path);
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    const std::string name = path == "-" ? "stdin" : path;
    if (ec) throw Failure(ExitCode::error, name + " is not valid JSON: " + ec.message());
    if (!value.is_object()) throw Failure(ExitCode::error, name + " must hold a JSON object");
    return std::move(value.as_object());
}

void write_output(const std::string& path, const std::string& bytes) {
    if (path == "-") {
        std::cout << bytes;
        std::cout.flush();
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.close();
    if (!out) throw Failure(ExitCode::error, "cannot write " + path + ": " + std::strerror(errno));
}

CLI::App* Commands::group(CLI::App& parent, const std::string& name, const std::string& description) {
    CLI::App* app = parent.add_subcommand(name, description);
    app->require_subcommand(1);
    return app;
}

CLI::App* Commands::leaf(CLI::App& parent, const std::string& name, const std::string& description, Handler handler) {
    CLI::App* app = parent.add_subcommand(name, description);
    handlers_.emplace(app, std::move(handler));
    return app;
}

const Handler* Commands::handler_of(const CLI::App* app) const {
    const auto it = handlers_.find(app);
    return it == handlers_.end() ? nullptr : &it->second;
}

std::string command_path(const CLI::App* app) {
    std::string path;
    for (const CLI::App* a = app; a != nullptr; a = a->get_parent())
        path = a->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

}  // namespace ferry::cli
