#include "store/sql/import_rows.hpp"

#include "store/sql/values.hpp"

#include <boost/json/serialize.hpp>

namespace ferry::sql {

namespace json = boost::json;

namespace {

constexpr std::string_view import_columns =
    "SELECT tenant, sandbox, id, package, version, version_digest, options_digest, plan_digest, status, items, "
    "created_at, created_by, rolled_back_at, rolled_back_by FROM imports";

ImportRecord read_import(const Statement& st) {
    ImportRecord r;
    r.tenant = st.text(0);
    r.sandbox = st.text(1);
    r.id = st.text(2);
    r.package = st.text(3);
    r.version = st.integer(4);
    r.version_digest = st.text(5);
    r.options_digest = st.text(6);
    r.plan_digest = st.text(7);
    r.status = parse_stored(parse_import_status(st.text(8)), "import status");
    json::value items = parse_json(st.text(9));
    if (!items.is_array()) throw StoreError("unreadable import items in database");
    r.items = std::move(items.get_array());
    r.created_at = from_millis(st.integer(10));
    r.created_by = st.text(11);
    r.rolled_back_at = time_or_null(st.optional_integer(12));
    r.rolled_back_by = st.text(13);
    return r;
}

constexpr std::string_view origin_columns =
    "SELECT tenant, sandbox, kind, object_id, package, source_key, version, content_digest, import_id, written "
    "FROM import_origins";

ObjectKind read_kind(const Statement& st, int column) {
    return parse_stored(parse_object_kind(st.text(column)), "import object kind");
}

ImportOrigin read_origin(const Statement& st) {
    return ImportOrigin{st.text(0), st.text(1),    read_kind(st, 2), st.text(3), st.text(4),
                        st.text(5), st.integer(6), st.text(7),       st.text(8), st.text(9)};
}

}  // namespace

std::optional<ImportRecord> find_import(Connection& db, std::string_view tenant, std::string_view id) {
    auto st = db.prepare(std::string(import_columns) + " WHERE tenant = ? AND id = ?");
    st.bind(1, tenant).bind(2, id);
    if (!st.step()) return std::nullopt;
    return read_import(st);
}

std::vector<ImportRecord> list_imports(Connection& db, std::string_view tenant, std::string_view sandbox,
                                       std::size_t limit) {
    auto st = db.prepare(std::string(import_columns) +
                         " WHERE tenant = ? AND sandbox = ? ORDER BY created_at DESC, id DESC LIMIT ?");
    st.bind(1, tenant).bind(2, sandbox).bind(3, static_cast<std::int64_t>(limit));
    std::vector<ImportRecord> out;
    while (st.step()) out.push_back(read_import(st));
    return out;
}

std::optional<ImportRecord> last_applied_import(Connection& db, std::string_view tenant, std::string_view sandbox,
                                                std::string_view package) {
    auto st = db.prepare(std::string(import_columns) +
                         " WHERE tenant = ? AND sandbox = ? AND package = ? AND status = ? "
                         "ORDER BY created_at DESC, id DESC LIMIT 1");
    st.bind(1, tenant).bind(2, sandbox).bind(3, package).bind(4, to_string(ImportStatus::applied));
    if (!st.step()) return std::nullopt;
    return read_import(st);
}

void write_import(Connection& db, const ImportRecord& r) {
    db.prepare(
          "INSERT INTO imports(tenant, sandbox, id, package, version, version_digest, options_digest, "
          "plan_digest, status, items, created_at, created_by, rolled_back_at, rolled_back_by) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(tenant, id) DO UPDATE SET sandbox = excluded.sandbox, package = excluded.package, version = "
          "excluded.version, version_digest = excluded.version_digest, options_digest = excluded.options_digest, "
          "plan_digest = excluded.plan_digest, status = excluded.status, items = excluded.items, created_at = "
          "excluded.created_at, created_by = excluded.created_by, rolled_back_at = excluded.rolled_back_at, "
          "rolled_back_by = excluded.rolled_back_by")
        .bind(1, r.tenant)
        .bind(2, r.sandbox)
        .bind(3, r.id)
        .bind(4, r.package)
        .bind(5, r.version)
        .bind(6, r.version_digest)
        .bind(7, r.options_digest)
        .bind(8, r.plan_digest)
        .bind(9, to_string(r.status))
        .bind(10, json::serialize(r.items))
        .bind(11, to_millis(r.created_at))
        .bind(12, r.created_by)
        .bind(13, millis_or_null(r.rolled_back_at))
        .bind(14, r.rolled_back_by)
        .run();
}

void insert_touch(Connection& db, std::string_view tenant, std::string_view import_id, const ImportTouch& t) {
    db.prepare(
          "INSERT INTO import_touches(tenant, import_id, kind, object_id, created, before, previous_origin, "
          "revision_after) VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, tenant)
        .bind(2, import_id)
        .bind(3, to_string(t.kind))
        .bind(4, t.object_id)
        .bind(5, std::int64_t{t.created ? 1 : 0})
        .bind(6, json::serialize(t.before))
        .bind(7, json::serialize(t.previous_origin))
        .bind(8, t.revision_after)
        .run();
}

std::vector<ImportTouch> list_touches(Connection& db, std::string_view tenant, std::string_view import_id) {
    auto st = db.prepare(
        "SELECT kind, object_id, created, before, previous_origin, revision_after FROM import_touches "
        "WHERE tenant = ? AND import_id = ? ORDER BY kind, object_id");
    st.bind(1, tenant).bind(2, import_id);
    std::vector<ImportTouch> out;
    while (st.step())
        out.push_back(ImportTouch{read_kind(st, 0), st.text(1), st.integer(2) != 0, parse_json(st.text(3)),
                                  parse_json(st.text(4)), st.integer(5)});
    return out;
}

std::vector<ImportOrigin> list_origins(Connection& db, std::string_view tenant, std::string_view sandbox) {
    auto st = db.prepare(std::string(origin_columns) + " WHERE tenant = ? AND sandbox = ?");
    st.bind(1, tenant).bind(2, sandbox);
    std::vector<ImportOrigin> out;
    while (st.step()) out.push_back(read_origin(st));
    return out;
}

std::optional<ImportOrigin> find_origin(Connection& db, std::string_view tenant, std::string_view sandbox,
                                        ObjectKind kind, std::string_view object_id) {
    auto st =
        db.prepare(std::string(origin_columns) + " WHERE tenant = ? AND sandbox = ? AND kind = ? AND object_id = ?");
    st.bind(1, tenant).bind(2, sandbox).bind(3, to_string(kind)).bind(4, object_id);
    if (!st.step()) return std::nullopt;
    return read_origin(st);
}

void write_origin(Connection& db, const ImportOrigin& o) {
    db.prepare(
          "INSERT INTO import_origins(tenant, sandbox, kind, object_id, package, source_key, version, "
          "content_digest, import_id, written) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(tenant, sandbox, kind, object_id) DO UPDATE SET package = excluded.package, source_key = "
          "excluded.source_key, version = excluded.version, content_digest = excluded.content_digest, import_id = "
          "excluded.import_id, written = excluded.written")
        .bind(1, o.tenant)
        .bind(2, o.sandbox)
        .bind(3, to_string(o.kind))
        .bind(4, o.object_id)
        .bind(5, o.package)
        .bind(6, o.source_key)
        .bind(7, o.version)
        .bind(8, o.content_digest)
        .bind(9, o.import_id)
        .bind(10, o.written)
        .run();
}

std::vector<DriftMark> list_drift_marks(Connection& db, std::string_view tenant, std::string_view sandbox) {
    auto st = db.prepare(
        "SELECT kind, object_id, seen_digest, detected_at, adopted_digest, adopted_by, adopted_at FROM drift_marks "
        "WHERE tenant = ? AND sandbox = ?");
    st.bind(1, tenant).bind(2, sandbox);
    std::vector<DriftMark> out;
    while (st.step()) {
        DriftMark m;
        m.tenant = std::string(tenant);
        m.sandbox = std::string(sandbox);
        m.kind = read_kind(st, 0);
        m.object_id = st.text(1);
        m.seen_digest = st.text(2);
        m.detected_at = from_millis(st.integer(3));
        m.adopted_digest = st.text(4);
        m.adopted_by = st.text(5);
        m.adopted_at = time_or_null(st.optional_integer(6));
        out.push_back(std::move(m));
    }
    return out;
}

void write_drift_mark(Connection& db, const DriftMark& m) {
    db.prepare(
          "INSERT INTO drift_marks(tenant, sandbox, kind, object_id, seen_digest, detected_at, adopted_digest, "
          "adopted_by, adopted_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tenant, sandbox, kind, object_id) "
          "DO UPDATE SET seen_digest = excluded.seen_digest, detected_at = excluded.detected_at, adopted_digest = "
          "excluded.adopted_digest, adopted_by = excluded.adopted_by, adopted_at = excluded.adopted_at")
        .bind(1, m.tenant)
        .bind(2, m.sandbox)
        .bind(3, to_string(m.kind))
        .bind(4, m.object_id)
        .bind(5, m.seen_digest)
        .bind(6, to_millis(m.detected_at))
        .bind(7, m.adopted_digest)
        .bind(8, m.adopted_by)
        .bind(9, millis_or_null(m.adopted_at))
        .run();
}

std::vector<std::pair<std::string, std::string>> list_sandboxes_with_origins(Connection& db, std::size_t limit) {
    auto st = db.prepare("SELECT DISTINCT tenant, sandbox FROM import_origins ORDER BY tenant, sandbox LIMIT ?");
    st.bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.text(0), st.text(1));
    return out;
}

void delete_origin(Connection& db, std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                   std::string_view object_id) {
    db.prepare("DELETE FROM import_origins WHERE tenant = ? AND sandbox = ? AND kind = ? AND object_id = ?")
        .bind(1, tenant)
        .bind(2, sandbox)
        .bind(3, to_string(kind))
        .bind(4, object_id)
        .run();
}

std::optional<IdempotentResult> find_idempotent(Connection& db, std::string_view tenant, std::string_view token,
                                                std::string_view key) {
    auto st = db.prepare(
        "SELECT tenant, token, key, request_digest, status, body, created_at FROM idempotent_results "
        "WHERE tenant = ? AND token = ? AND key = ?");
    st.bind(1, tenant).bind(2, token).bind(3, key);
    if (!st.step()) return std::nullopt;
    return IdempotentResult{st.text(0),
                            st.text(1),
                            st.text(2),
                            st.text(3),
                            static_cast<int>(st.integer(4)),
                            st.text(5),
                            from_millis(st.integer(6))};
}

void insert_idempotent(Connection& db, const IdempotentResult& r) {
    db.prepare(
          "INSERT INTO idempotent_results(tenant, token, key, request_digest, status, body, created_at) "
          "VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.tenant)
        .bind(2, r.token)
        .bind(3, r.key)
        .bind(4, r.request_digest)
        .bind(5, static_cast<std::int64_t>(r.status))
        .bind(6, r.body)
        .bind(7, to_millis(r.created_at))
        .run();
}

std::optional<StoredPlan> find_plan(Connection& db, std::string_view tenant, std::string_view sandbox,
                                    std::string_view digest) {
    auto st =
        db.prepare("SELECT request, created_at FROM import_plans WHERE tenant = ? AND sandbox = ? AND digest = ?");
    st.bind(1, tenant).bind(2, sandbox).bind(3, digest);
    if (!st.step()) return std::nullopt;
    json::value request = parse_json(st.text(0));
    if (!request.is_object()) throw StoreError("unreadable import plan in database");
    return StoredPlan{std::string(tenant), std::string(sandbox), std::string(digest), std::move(request.get_object()),
                      from_millis(st.integer(1))};
}

void write_plan(Connection& db, const StoredPlan& p, Timestamp forget_before) {
    db.prepare("DELETE FROM import_plans WHERE created_at < ?").bind(1, to_millis(forget_before)).run();
    db.prepare(
          "INSERT INTO import_plans(tenant, sandbox, digest, request, created_at) VALUES(?, ?, ?, ?, ?) "
          "ON CONFLICT(tenant, sandbox, digest) DO UPDATE SET request = excluded.request, created_at = "
          "excluded.created_at")
        .bind(1, p.tenant)
        .bind(2, p.sandbox)
        .bind(3, p.digest)
        .bind(4, json::serialize(p.request))
        .bind(5, to_millis(p.created_at))
        .run();
}

}  // namespace ferry::sql
