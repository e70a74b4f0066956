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

std::optional<Profile> load_profile() {
    const fs::path path = config_path();
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const json::value value = json::parse(text.str(), ec);
    if (ec || !value.is_object())
        throw Failure(ExitCode::error, path.string() + " is not a JSON object; run 'ferry login' to write it again");
    const auto& object = value.as_object();
    return Profile{string_field(object, "server"), string_field(object, "tenant"), string_field(object, "token"),
                   string_field(object, "cacert")};
}

void save_profile(const Profile& profile) {
    const fs::path path = config_path();
    const fs::path dir = path.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Failure(ExitCode::error, "cannot create " + dir.string() + ": " + ec.message());
    // Only the directory ferry owns is tightened; ~/.config is the user's business.
    if (::chmod(dir.c_str(), 0700) != 0) fail("cannot set the mode of " + dir.string());

    json::object object{{"server", profile.server}, {"tenant", profile.tenant}, {"token", profile.token}};
    if (!profile.cacert.empty()) object["cacert"] = profile.cacert;
    const std::string text = json::serialize(object) + "\n";

    const fs::path temporary = dir / ("config.json.tmp." + std::to_string(::getpid()));
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

}  // namespace ferry::cli
