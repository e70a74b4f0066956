#pragma once
// The profile `ferry login` writes: which server, tenant and token to use when neither a flag nor
// an environment variable says. It lives in $XDG_CONFIG_HOME/ferry/config.json (by default
// ~/.config/ferry/config.json), the directory mode 0700 and the file mode 0600, since it holds a
// bearer token.

#include <filesystem>
#include <optional>
#include <string>

namespace ferry::cli {

struct Profile {
    std::string server;
    std::string tenant;
    std::string token;
    std::string cacert;  // the --cacert used at login, if any
};

std::filesystem::path config_path();

// nullopt when there is no profile; throws Failure when the file exists but cannot be read.
std::optional<Profile> load_profile();

// Replaces the file atomically (a temporary file renamed over it), mode 0600.
void save_profile(const Profile& profile);

}  // namespace ferry::cli
