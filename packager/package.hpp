#pragma once
// A package: named, from one source sandbox, with its root campaigns (or "full": every
// non-archived campaign of the sandbox), and its versions.

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {

// partial: the campaigns added to it; full: every non-archived campaign of its source sandbox.
enum class PackageKind { partial, full };

inline std::string_view to_string(PackageKind k) { return k == PackageKind::full ? "full" : "partial"; }

inline std::optional<PackageKind> parse_package_kind(std::string_view s) {
    if (s == "partial") return PackageKind::partial;
    if (s == "full") return PackageKind::full;
    return std::nullopt;
}

struct Package {
    std::string tenant;
    std::string name;
    std::string source_sandbox;
    PackageKind kind = PackageKind::partial;
    std::string description;
    std::vector<std::string> campaigns;  // root campaign ids (partial)
    bool deleted = false;                // a tombstone keeps the numbering: versions are never reused
    std::int64_t last_version = 0;
    std::string created_by;
    std::string updated_by;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

// A version is first reserved (numbered, not yet in git), then published; recovery settles a
// reservation a crash left behind. Stored and shown as these names.
enum class VersionState { publishing, published };

inline std::string_view to_string(VersionState s) { return s == VersionState::publishing ? "publishing" : "published"; }

inline std::optional<VersionState> parse_version_state(std::string_view s) {
    if (s == "publishing") return VersionState::publishing;
    if (s == "published") return VersionState::published;
    return std::nullopt;
}

struct PackageVersion {
    std::string tenant;
    std::string package;
    std::int64_t version = 0;
    VersionState state = VersionState::publishing;
    std::string commit;
    std::string tag;
    std::string digest;  // "sha256:<hex>" of manifest.json
    std::string created_by;
    Timestamp created_at;
    std::string review_id;  // the package review whose approval published it, or ""
};

struct SigningKeyRecord {
    std::string tenant;
    std::string key_id;
    std::string public_pem;
    bool active = true;
    Timestamp created_at;
    // The private key wrapped under the deployment's key-encryption key (keys/envelope.hpp), kept
    // in the database; empty when the private key is a file in the keys directory.
    std::string wrapped_private;
};

}  // namespace ferry::packager
