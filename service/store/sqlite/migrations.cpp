#include "store/sqlite/migrations.hpp"

#include <array>

namespace ferry::sqlite {

namespace {

// Timestamps are integer milliseconds since the Unix epoch (UTC).
constexpr std::array<Migration, 1> all{{
    {1, "tenants, sandboxes, users, tokens, audit", R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sandboxes (
    tenant           TEXT NOT NULL REFERENCES tenants(id),
    id               TEXT NOT NULL,
    type             TEXT NOT NULL,
    require_approval TEXT NOT NULL,
    description      TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    revision         INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE users (
    tenant     TEXT NOT NULL REFERENCES tenants(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revision   INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE user_roles (
    tenant  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sandbox TEXT NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (tenant, user_id, sandbox, role),
    FOREIGN KEY (tenant, user_id) REFERENCES users(tenant, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    FOREIGN KEY (tenant, user_id) REFERENCES users(tenant, id) ON DELETE CASCADE
);
CREATE INDEX tokens_by_user ON tokens(tenant, user_id);

CREATE TABLE audit (
    tenant     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    request_id TEXT NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
) WITHOUT ROWID;

-- The audit log is append-only through ferry; the hash chain catches whoever bypasses this.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql"},
}};

}  // namespace

std::span<const Migration> migrations() { return all; }

}  // namespace ferry::sqlite
