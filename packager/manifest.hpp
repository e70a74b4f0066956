#pragma once
// manifest.json of a package version, and the verification a reader performs before trusting a
// version: the signature over the manifest's exact bytes, then each object's size and SHA-256.

#include "core/object_kind.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {

struct ManifestObject {
    ObjectKind kind = ObjectKind::campaign;
    std::string key;
    std::string name;
    std::string path;    // "campaigns/<key>.json"
    std::string sha256;  // lower-case hex of the file's bytes (what sha256sum prints)
    std::uint64_t size = 0;
};

struct ManifestApproval {
    std::string user;
    std::string digest;
    std::string at;
};

struct Manifest {
    std::string package;
    std::int64_t version = 0;
    std::string tenant;
    std::string source_sandbox;
    std::string created_at;
    std::string created_by;
    std::vector<ManifestObject> objects;
    boost::json::array dependencies;
    std::vector<ManifestApproval> approvals;
    std::string previous;  // "sha256:<hex>" of the previous version's manifest.json, "" for version 1
    std::string key_id;
};

boost::json::object to_json(const Manifest& m);
// Throws ferry::Error (422) naming the bad field (an object of an unknown kind included).
Manifest parse_manifest(const boost::json::value& value);

// The exact bytes of manifest.json (canonical file format).
std::string manifest_file(const Manifest& m);

// A file's entry, computed from its bytes.
ManifestObject describe(ObjectKind kind, std::string key, std::string name, std::string path, std::string_view bytes);

struct Problem {
    std::string path;  // the object (or "manifest.json" / "manifest.sig")
    std::string reason;
};

// nullopt when the signature verifies with the public key and every object's bytes (read through
// read_file; nullopt = missing) match the manifest; otherwise the first problem found.
std::optional<Problem> verify_package(
    const std::string& manifest_bytes, const std::string& signature_base64, const std::string& public_pem,
    const std::function<std::optional<std::string>(std::string_view path)>& read_file);

}  // namespace ferry::packager
