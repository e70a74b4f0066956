#pragma once
// How imports, the objects they touched, origins, idempotent results and stored plans map to
// SQL rows and back (SQLite and PostgreSQL).

#include "imports/model.hpp"
#include "store/sql/connection.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ferry::sql {

std::optional<ImportRecord> find_import(Connection& db, std::string_view tenant, std::string_view id);
std::vector<ImportRecord> list_imports(Connection& db, std::string_view tenant, std::string_view sandbox,
                                       std::size_t limit);
std::optional<ImportRecord> last_applied_import(Connection& db, std::string_view tenant, std::string_view sandbox,
                                                std::string_view package);
void write_import(Connection& db, const ImportRecord& r);

void insert_touch(Connection& db, std::string_view tenant, std::string_view import_id, const ImportTouch& t);
std::vector<ImportTouch> list_touches(Connection& db, std::string_view tenant, std::string_view import_id);

std::vector<ImportOrigin> list_origins(Connection& db, std::string_view tenant, std::string_view sandbox);
std::optional<ImportOrigin> find_origin(Connection& db, std::string_view tenant, std::string_view sandbox,
                                        ObjectKind kind, std::string_view object_id);
void write_origin(Connection& db, const ImportOrigin& o);
std::vector<DriftMark> list_drift_marks(Connection& db, std::string_view tenant, std::string_view sandbox);
void write_drift_mark(Connection& db, const DriftMark& mark);
std::vector<std::pair<std::string, std::string>> list_sandboxes_with_origins(Connection& db, std::size_t limit);
void delete_origin(Connection& db, std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                   std::string_view object_id);

std::optional<IdempotentResult> find_idempotent(Connection& db, std::string_view tenant, std::string_view token,
                                                std::string_view key);
void insert_idempotent(Connection& db, const IdempotentResult& r);

std::optional<StoredPlan> find_plan(Connection& db, std::string_view tenant, std::string_view sandbox,
                                    std::string_view digest);
void write_plan(Connection& db, const StoredPlan& p, Timestamp forget_before);

}  // namespace ferry::sql
