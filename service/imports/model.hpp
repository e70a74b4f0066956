#pragma once
// What ferryd keeps about imports (product.md §6): each applied import with its items, the state
// of every object it touched as it was before (for rollback), where each imported object came
// from (provenance, and the content it had when imported), the results of idempotent requests,
// and the requests of recent plans (so that a plan can be applied by its digest).

#include "core/object_kind.hpp"
#include "core/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// An import is applied until it is rolled back. Stored and shown as these names.
enum class ImportStatus { applied, rolled_back };

inline std::string_view to_string(ImportStatus s) { return s == ImportStatus::rolled_back ? "rolled_back" : "applied"; }

inline std::optional<ImportStatus> parse_import_status(std::string_view s) {
    if (s == "applied") return ImportStatus::applied;
    if (s == "rolled_back") return ImportStatus::rolled_back;
    return std::nullopt;
}

struct ImportRecord {
    std::string tenant;
    std::string sandbox;
    std::string id;
    std::string package;
    std::int64_t version = 0;
    std::string version_digest;  // the version's manifest digest
    std::string options_digest;  // conflict policy, overrides and bindings: "the same options"
    std::string plan_digest;
    ImportStatus status = ImportStatus::applied;
    boost::json::array items;  // the plan's items, with the ids of what was created
    std::string created_by;
    Timestamp created_at;
    std::string rolled_back_by;
    std::optional<Timestamp> rolled_back_at;
};

// An object an import created or changed, and what it was before.
struct ImportTouch {
    ObjectKind kind = ObjectKind::campaign;
    std::string object_id;
    bool created = false;
    boost::json::value before;           // the fields the import replaced (null when created)
    boost::json::value previous_origin;  // its ImportOrigin before, as JSON (null: none)
    std::int64_t revision_after = 0;     // its revision right after the import
};

// Where an object of a sandbox was imported from, and its content digest at that moment: a
// later import compares it with the object's current digest to tell edits from untouched copies.
struct ImportOrigin {
    std::string tenant;
    std::string sandbox;
    ObjectKind kind = ObjectKind::campaign;
    std::string object_id;
    std::string package;
    std::string source_key;  // its key in the package (it may differ in the target: create_new)
    std::int64_t version = 0;
    std::string content_digest;
    std::string import_id;
    std::string written;  // what the import wrote, as JSON, when it is not the package's file (a merge)
};

// Drift bookkeeping of one imported object (docs/sync.md): the drifted content last announced
// as drift.detected, and the content a person adopted as accepted ("" for none).
struct DriftMark {
    std::string tenant;
    std::string sandbox;
    ObjectKind kind = ObjectKind::campaign;
    std::string object_id;
    std::string seen_digest;
    Timestamp detected_at;
    std::string adopted_digest;
    std::string adopted_by;
    std::optional<Timestamp> adopted_at;
};

// The first response to a request carrying an Idempotency-Key, scoped to tenant and token.
struct IdempotentResult {
    std::string tenant;
    std::string token;
    std::string key;
    std::string request_digest;
    int status = 0;
    std::string body;
    Timestamp created_at;
};

// A plan's request, kept so that POST .../imports {"plan_digest"} can repeat it exactly.
struct StoredPlan {
    std::string tenant;
    std::string sandbox;
    std::string digest;
    boost::json::object request;
    Timestamp created_at;
};

}  // namespace ferry
