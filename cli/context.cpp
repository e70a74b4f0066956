#include "context.hpp"

#include "jq_filter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
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

OutputFormat Context::format() const {
    const std::string& o = options_.output;
    if (o == "wide") return OutputFormat::wide;
    if (o == "json" || (o.empty() && options_.json)) return OutputFormat::json;
    if (o == "yaml") return OutputFormat::yaml;
    if (o == "name") return OutputFormat::name;
    return OutputFormat::table;
}

bool Context::machine_output() const {
    const OutputFormat f = format();
    return !options_.jq.empty() || f == OutputFormat::json || f == OutputFormat::yaml || f == OutputFormat::name;
}

const Config& Context::config() const {
    if (!config_) config_ = load_config();
    return *config_;
}

Setting Context::context_name() const {
    if (!options_.context.empty()) return {options_.context, "flag"};
    if (std::string value = env("FERRY_CONTEXT"); !value.empty()) return {value, "env"};
    if (!config().current.empty()) return {config().current, "config"};
    return {};
}

const Profile& Context::profile() const {
    if (profile_) return *profile_;
    const Setting name = context_name();
    if (!name.value.empty() && config().contexts.count(name.value) == 0 && !allow_new_context_ &&
        name.source != "config")
        throw UsageError("no context '" + name.value + "' (" + (name.source == "flag" ? "--context" : "FERRY_CONTEXT") +
                         "); 'ferry config get-contexts' lists them");
    profile_ = profile_of(config(), name.value);
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

Setting Context::default_sandbox() const {
    if (std::string value = env("FERRY_SANDBOX"); !value.empty()) return {value, "env"};
    if (!profile().sandbox.empty()) return {profile().sandbox, "profile"};
    return {};
}

void Context::limit_timeout(double seconds) {
    if (options_.timeout <= 0 && env("FERRY_TIMEOUT").empty()) options_.timeout = seconds;
}

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
    client_ = std::make_unique<Client>(ClientSettings{
        url.value, bearer.value, cacert().value,
        std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000))), options_.verbose});
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

std::string Context::sandbox(const std::string& given) const {
    if (!given.empty()) return given;
    const Setting fallback = default_sandbox();
    if (fallback.value.empty())
        throw UsageError(
            "no sandbox: pass -s/--sandbox, set FERRY_SANDBOX, or give the context a default sandbox "
            "('ferry config set-context NAME --sandbox S')");
    return fallback.value;
}

std::string Context::sandbox_path(const std::string& given, std::string_view suffix) const {
    return tenant_path("/sandboxes/" + url_escape(sandbox(given))) + std::string(suffix);
}

std::string Context::last_request_id() const { return client_ ? client_->last_request_id() : std::string(); }

std::string request_id_suffix(const Context& context) {
    const std::string id = context.last_request_id();
    return id.empty() ? "" : " (request id " + id + ")";
}

Response Context::send(const Request& request) {
    Client& c = client();
    try {
        return c.send(request);
    } catch (const TransportError& e) {
        // main ends the message with the request id.
        throw Failure(ExitCode::unreachable, "cannot reach " + c.server() + ": " + e.what());
    }
}

json::value Context::list(const std::string& target, const Paging& paging, int page_size_max) {
    const auto with_parameter = [](std::string url, const std::string& name, const std::string& value) {
        if (value.empty()) return url;
        return url + (url.find('?') == std::string::npos ? '?' : '&') + name + "=" + url_escape(value);
    };
    json::array items;
    json::value next = nullptr;
    json::object first;
    std::string cursor = paging.cursor;
    for (bool first_page = true;; first_page = false) {
        std::string page = target;
        if (page_size_max > 0) {
            // Ask for no more than is still wanted, so that --limit 5 reads 5 rows, not a page.
            const int size = paging.page_size > 0 ? std::min(paging.page_size, page_size_max) : page_size_max;
            const int left = paging.limit > 0 ? paging.limit - static_cast<int>(items.size()) : size;
            page =
                with_parameter(with_parameter(page, "limit", std::to_string(std::min(left, size))), "cursor", cursor);
        }
        const Response r = expect_ok(get(page));
        json::value body = r.json();
        if (!body.is_object()) return body;
        if (first_page) first = body.as_object();
        for (auto& item : items_of(body)) items.push_back(std::move(item));
        const auto* n = body.as_object().if_contains("next_cursor");
        next = n != nullptr ? *n : json::value(nullptr);
        const bool enough = paging.limit > 0 && static_cast<int>(items.size()) >= paging.limit;
        if (page_size_max == 0 || !next.is_string() || enough) break;
        cursor = std::string(next.as_string());
    }
    // A list the server does not page is cut here; the rest is reachable only with a larger --limit.
    if (paging.limit > 0 && static_cast<int>(items.size()) > paging.limit)
        items.resize(static_cast<std::size_t>(paging.limit));
    first["items"] = std::move(items);
    if (page_size_max > 0) first["next_cursor"] = next;
    return first;
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

bool Context::print_text(const std::string& body, const json::value* parsed) const {
    if (!machine_output()) return false;
    if (body.empty() && parsed == nullptr) return true;  // 204: nothing to print
    if (!options_.jq.empty()) {
        for (const auto& line : run_jq(options_.jq, parsed != nullptr ? json::serialize(*parsed) : body))
            std::cout << line << '\n';
        return true;
    }
    if (format() == OutputFormat::json) {
        print_body(std::cout, parsed != nullptr ? json::serialize(*parsed) : body);
        return true;
    }
    json::value value;
    if (parsed != nullptr) {
        value = *parsed;
    } else {
        boost::system::error_code ec;
        value = json::parse(body, ec);
        if (ec) throw Failure(ExitCode::error, "the server's answer is not JSON");
    }
    if (format() == OutputFormat::yaml)
        std::cout << to_yaml(value);
    else
        for (const auto& name : names_of(value)) std::cout << name << '\n';
    return true;
}

bool Context::print_json(const Response& response) const { return print_text(response.body, nullptr); }

bool Context::print_json(const json::value& value) const { return print_text("", &value); }

void Context::print_error_body(const Response& response) const {
    if (json() && !response.body.empty()) print_body(std::cout, response.body);
}

void add_sandbox_option(CLI::App* app, std::string& sandbox, const std::string& description) {
    app->add_option("-s,--sandbox", sandbox, description + " (default: the context's sandbox, or FERRY_SANDBOX)");
}

void add_paging_options(CLI::App* app, Paging& paging, bool paged) {
    app->add_option("--limit", paging.limit, "stop after N items (default: all of them, page after page)")
        ->check(CLI::Range(1, 1000000));
    if (!paged) return;
    app->add_option("--cursor", paging.cursor, "start at this cursor (a next_cursor printed before)");
    app->add_option("--page-size", paging.page_size, "items per request (default: the server's largest page)")
        ->check(CLI::Range(1, 1000));
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
    context.print_error_body(response);
    if (response.status == 401) code = ExitCode::unauthenticated;
    const std::string id = request_id_suffix(context);
    const Style style = Style::for_stderr();
    boost::system::error_code ec;
    const json::value body = json::parse(response.body, ec);
    const json::object* error = nullptr;
    if (!ec && body.is_object())
        if (const auto* e = body.as_object().if_contains("error"); e != nullptr && e->is_object())
            error = &e->as_object();
    if (error == nullptr) {
        std::cerr << "ferry: " << style.paint("error", Colour::red) << ": the server answered HTTP " << response.status
                  << " without an error description" << id << "\n";
        throw Failure(code, "");
    }
    std::cerr << "ferry: " << style.paint(text_of(*error, "code"), Colour::red) << ": " << text_of(*error, "message")
              << id << '\n';
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
