#include "config.hpp"

#include "exit_codes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ferry::cli {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string string_field(const json::object& object, const char* name) {
    const auto* value = object.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

[[noreturn]] void fail(const std::string& what) { throw Failure(ExitCode::error, what + ": " + std::strerror(errno)); }

}  // namespace

fs::path config_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg != nullptr && xdg[0] == '/') return fs::path(xdg) / "ferry" / "config.json";
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] == '\0')
        throw Failure(ExitCode::error,
                      "cannot find the configuration directory: neither XDG_CONFIG_HOME nor HOME is set");
    return fs::path(home) / ".config" / "ferry" / "config.json";
}

namespace {

json::object read_object(const fs::path& path, bool& exists) {
    std::ifstream in(path, std::ios::binary);
    exists = static_cast<bool>(in);
    if (!exists) return {};
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    json::value value = json::parse(text.str(), ec);
    if (ec || !value.is_object())
        throw Failure(ExitCode::error, path.string() + " is not a JSON object; run 'ferry login' to write it again");
    return std::move(value.as_object());
}

// Writes text to path through a temporary file renamed over it, mode 0600, in a 0700 directory.
void write_private(const fs::path& path, const std::string& text);

}  // namespace

fs::path credentials_path() { return config_path().parent_path() / "credentials.json"; }

Config load_config() {
    Config config;
    bool exists = false;
    const json::object object = read_object(config_path(), exists);
    if (!exists) return config;
    const auto* contexts = object.if_contains("contexts");
    if (contexts == nullptr) {
        // A profile of a ferry from before contexts: it becomes the context "default".
        if (string_field(object, "server").empty()) return config;
        config.current = "default";
        config.contexts["default"] = ContextEntry{string_field(object, "server"), string_field(object, "tenant"), "",
                                                  string_field(object, "cacert"), ""};
        if (const std::string token = string_field(object, "token"); !token.empty()) {
            config.contexts["default"].token_ref = "default";
            config.tokens["default"] = token;
        }
        try {
            save_config(config);
        } catch (const Failure&) {
            // A read-only home keeps working with the old file; the next login rewrites it.
        }
        return config;
    }
    config.current = string_field(object, "current_context");
    if (contexts->is_object())
        for (const auto& [name, value] : contexts->as_object()) {
            if (!value.is_object()) continue;
            const auto& c = value.as_object();
            config.contexts[std::string(name)] =
                ContextEntry{string_field(c, "server"), string_field(c, "tenant"), string_field(c, "sandbox"),
                             string_field(c, "cacert"), string_field(c, "token_ref")};
        }
    const json::object credentials = read_object(credentials_path(), exists);
    if (const auto* tokens = credentials.if_contains("tokens"); tokens != nullptr && tokens->is_object())
        for (const auto& [ref, token] : tokens->as_object())
            if (token.is_string()) config.tokens[std::string(ref)] = std::string(token.as_string());
    return config;
}

Profile profile_of(const Config& config, const std::string& name) {
    const auto it = config.contexts.find(name);
    if (it == config.contexts.end()) return Profile{};
    const ContextEntry& c = it->second;
    const auto token = config.tokens.find(c.token_ref);
    return Profile{name,     c.server,
                   c.tenant, c.sandbox,
                   c.cacert, c.token_ref.empty() || token == config.tokens.end() ? std::string() : token->second};
}

void save_config(const Config& config) {
    json::object tokens;
    for (const auto& [ref, token] : config.tokens) tokens[ref] = token;
    write_private(credentials_path(), json::serialize(json::object{{"tokens", tokens}}) + "\n");

    json::object contexts;
    for (const auto& [name, c] : config.contexts) {
        json::object entry{{"server", c.server}, {"tenant", c.tenant}};
        if (!c.sandbox.empty()) entry["sandbox"] = c.sandbox;
        if (!c.cacert.empty()) entry["cacert"] = c.cacert;
        if (!c.token_ref.empty()) entry["token_ref"] = c.token_ref;
        contexts[name] = std::move(entry);
    }
    write_private(config_path(),
                  json::serialize(json::object{{"current_context", config.current}, {"contexts", contexts}}) + "\n");
}

namespace {

void write_private(const fs::path& path, const std::string& text) {
    const fs::path dir = path.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Failure(ExitCode::error, "cannot create " + dir.string() + ": " + ec.message());
    // Only the directory ferry owns is tightened; ~/.config is the user's business.
    if (::chmod(dir.c_str(), 0700) != 0) fail("cannot set the mode of " + dir.string());

    const fs::path temporary = dir / (path.filename().string() + ".tmp." + std::to_string(::getpid()));
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot write " + temporary.string());
    // The umask may have narrowed the mode further, never widened it; set it exactly anyway.
    bool written = ::fchmod(fd, 0600) == 0;
    std::size_t done = 0;
    while (written && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        written = n > 0;
        if (written) done += static_cast<std::size_t>(n);
    }
    written = ::fsync(fd) == 0 && written;
    if (::close(fd) != 0 || !written) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        errno = saved;
        fail("cannot write " + temporary.string());
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        errno = saved;
        fail("cannot replace " + path.string());
    }
}

}  // namespace

}  // namespace ferry::cli
