#pragma once
// Where ferry keeps its contexts: named profiles (server, tenant, default sandbox, CA bundle, and
// a reference to a token), one of them current. They live in $XDG_CONFIG_HOME/ferry/config.json
// (by default ~/.config/ferry/config.json); the tokens they refer to live apart, in
// credentials.json next to it, so that the contexts can be shown and shared without a secret.
// The directory is mode 0700 and both files 0600.
//
// A profile written before contexts existed ({"server", "tenant", "token", "cacert"} at the top
// level of config.json) is read as the context "default" and rewritten in the new form.

#include <filesystem>
#include <map>
#include <string>

namespace ferry::cli {

struct ContextEntry {
    std::string server;
    std::string tenant;
    std::string sandbox;    // the default for -s/--sandbox; empty for none
    std::string cacert;     // the --cacert used at login, if any
    std::string token_ref;  // the name of its token in the credentials file; empty for none
};

struct Config {
    std::string current;  // the current context's name; empty for none
    std::map<std::string, ContextEntry> contexts;
    std::map<std::string, std::string> tokens;  // token_ref -> bearer token
};

// A context with its token looked up: what the settings fall back to.
struct Profile {
    std::string name;
    std::string server;
    std::string tenant;
    std::string sandbox;
    std::string cacert;
    std::string token;
};

std::filesystem::path config_path();
std::filesystem::path credentials_path();

// An empty Config when there is none; throws Failure when a file exists but cannot be read.
// Migrates a profile from before contexts (best effort: unwritable files are left as they are).
Config load_config();

// Replaces the credentials file, then the config file, each atomically (a temporary file renamed
// over it), mode 0600.
void save_config(const Config& config);

// The context's fields with its token; an empty Profile when there is no such context.
Profile profile_of(const Config& config, const std::string& name);

}  // namespace ferry::cli
