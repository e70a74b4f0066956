#pragma once
// A package: named, from one source sandbox, with its root campaigns (or "full": every
// non-archived campaign of the sandbox), and its versions.

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ferry::packager {

struct Package {
    std::string tenant;
    std::string name;
    std::string source_sandbox;
    std::string kind = "partial";  // partial, full
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

struct PackageVersion {
    std::string tenant;
    std::string package;
    std::int64_t version = 0;
    std::string state;   // publishing (reserved, not yet in git), published
    std::string commit;
    std::string tag;
    std::string digest;  // "sha256:<hex>" of manifest.json
    std::string created_by;
    Timestamp created_at;
};

struct SigningKeyRecord {
    std::string tenant;
    std::string key_id;
    std::string public_pem;
    bool active = true;
    Timestamp created_at;
};

}  // namespace ferry::packager
