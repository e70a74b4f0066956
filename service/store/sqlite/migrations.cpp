#include "store/sqlite/migrations.hpp"

#include <array>

namespace ferry::sqlite {

namespace {

// Timestamps are integer milliseconds since the Unix epoch (UTC).
constexpr std::array<Migration, 16> all{{
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
    {2, "segments, templates, campaigns and their versions", R"sql(
CREATE TABLE segments (
    tenant      TEXT NOT NULL,
    sandbox     TEXT NOT NULL,
    id          TEXT NOT NULL,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    rule        TEXT NOT NULL,
    archived    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX segments_by_key ON segments(tenant, sandbox, key);

CREATE TABLE templates (
    tenant      TEXT NOT NULL,
    sandbox     TEXT NOT NULL,
    id          TEXT NOT NULL,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    archived    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX templates_by_key ON templates(tenant, sandbox, key);

-- spec, draft, tags, alerts and provenance are JSON; the columns after them are derived from
-- the row on every write, for filters, sorting, the scheduler and the calendar.
CREATE TABLE campaigns (
    tenant                TEXT NOT NULL,
    sandbox               TEXT NOT NULL,
    id                    TEXT NOT NULL,
    key                   TEXT NOT NULL,
    type                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    status_before_archive TEXT,
    spec                  TEXT NOT NULL,
    draft                 TEXT,
    tags                  TEXT NOT NULL,
    alerts                TEXT NOT NULL,
    provenance            TEXT NOT NULL,
    live_version          INTEGER NOT NULL,
    activated_at          INTEGER,
    submitted_by          TEXT NOT NULL,
    status_changed_at     INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    created_by            TEXT NOT NULL,
    updated_at            INTEGER NOT NULL,
    updated_by            TEXT NOT NULL,
    revision              INTEGER NOT NULL,
    name                  TEXT NOT NULL,
    next_due_at           INTEGER,
    window_start          INTEGER,
    window_end            INTEGER,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX campaigns_by_key ON campaigns(tenant, sandbox, key);
CREATE INDEX campaigns_recent ON campaigns(tenant, sandbox, updated_at DESC, id DESC);
CREATE INDEX campaigns_by_status ON campaigns(tenant, sandbox, status, updated_at DESC, id DESC);
CREATE INDEX campaigns_due ON campaigns(next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE campaign_tags (
    tenant TEXT NOT NULL, sandbox TEXT NOT NULL, tag TEXT NOT NULL, campaign_id TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, tag, campaign_id)
) WITHOUT ROWID;
CREATE TABLE campaign_channels (
    tenant TEXT NOT NULL, sandbox TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, channel, campaign_id)
) WITHOUT ROWID;
-- Segments and templates used by a campaign's live spec or its draft version.
CREATE TABLE campaign_refs (
    tenant TEXT NOT NULL, sandbox TEXT NOT NULL, kind TEXT NOT NULL, ref_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, kind, ref_id, campaign_id)
) WITHOUT ROWID;
CREATE INDEX campaign_refs_by_campaign ON campaign_refs(tenant, sandbox, campaign_id);

CREATE TABLE campaign_versions (
    tenant       TEXT NOT NULL,
    sandbox      TEXT NOT NULL,
    campaign_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    spec         TEXT NOT NULL,
    activated_at INTEGER NOT NULL,
    activated_by TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, campaign_id, version)
) WITHOUT ROWID;
)sql"},
    {3, "approval policies, reviews and their approvals; break-glass", R"sql(
ALTER TABLE users ADD COLUMN permissions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE campaigns ADD COLUMN spec_edited_by TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN bypass TEXT NOT NULL DEFAULT 'null';

CREATE TABLE approval_policies (
    tenant     TEXT NOT NULL REFERENCES tenants(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    conditions TEXT NOT NULL,
    approvers  TEXT NOT NULL,
    required   INTEGER NOT NULL,
    active     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE reviews (
    tenant       TEXT NOT NULL REFERENCES tenants(id),
    id           TEXT NOT NULL,
    scope        TEXT NOT NULL,
    sandbox      TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    digest       TEXT NOT NULL,
    state        TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    last_editor  TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   TEXT NOT NULL,
    comment      TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX reviews_by_state ON reviews(tenant, state, requested_at);
CREATE INDEX reviews_by_subject ON reviews(tenant, sandbox, subject_id, state);

CREATE TABLE review_approvals (
    tenant    TEXT NOT NULL,
    review_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    digest    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    comment   TEXT NOT NULL,
    PRIMARY KEY (tenant, review_id, user_id)
) WITHOUT ROWID;
)sql"},
    {4, "webhooks, their outbox and delivery log", R"sql(
CREATE TABLE webhooks (
    tenant     TEXT NOT NULL REFERENCES tenants(id),
    id         TEXT NOT NULL,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant          TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    state           TEXT NOT NULL,
    last_error      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';

CREATE TABLE webhook_deliveries (
    tenant      TEXT NOT NULL,
    webhook_id  TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant, webhook_id, event_id, attempt)
) WITHOUT ROWID;
CREATE INDEX deliveries_recent ON webhook_deliveries(tenant, webhook_id, at DESC);
)sql"},
    {5, "signing keys, packages and their versions", R"sql(
CREATE TABLE signing_keys (
    tenant     TEXT NOT NULL REFERENCES tenants(id),
    key_id     TEXT NOT NULL,
    public_pem TEXT NOT NULL,
    active     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, key_id)
) WITHOUT ROWID;

-- A deleted package stays as a tombstone: re-creating the name continues its numbering.
CREATE TABLE packages (
    tenant         TEXT NOT NULL REFERENCES tenants(id),
    name           TEXT NOT NULL,
    source_sandbox TEXT NOT NULL,
    kind           TEXT NOT NULL,
    description    TEXT NOT NULL,
    campaigns      TEXT NOT NULL,
    deleted        INTEGER NOT NULL,
    last_version   INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     INTEGER NOT NULL,
    updated_by     TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;

CREATE TABLE package_versions (
    tenant     TEXT NOT NULL,
    package    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    state      TEXT NOT NULL,
    commit_id  TEXT NOT NULL,
    tag        TEXT NOT NULL,
    digest     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant, package, version)
) WITHOUT ROWID;
CREATE INDEX package_versions_unfinished ON package_versions(state) WHERE state = 'publishing';
)sql"},
    {6, "imports: records, touched objects, origins, idempotent results, plans", R"sql(
CREATE TABLE imports (
    tenant          TEXT NOT NULL REFERENCES tenants(id),
    sandbox         TEXT NOT NULL,
    id              TEXT NOT NULL,
    package         TEXT NOT NULL,
    version         INTEGER NOT NULL,
    version_digest  TEXT NOT NULL,
    options_digest  TEXT NOT NULL,
    plan_digest     TEXT NOT NULL,
    status          TEXT NOT NULL,
    items           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    rolled_back_at  INTEGER,
    rolled_back_by  TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX imports_by_sandbox ON imports(tenant, sandbox, created_at DESC, id DESC);
CREATE INDEX imports_by_package ON imports(tenant, sandbox, package, status, created_at DESC);

-- The state before the import of every object it touched: what its rollback puts back.
CREATE TABLE import_touches (
    tenant          TEXT NOT NULL,
    import_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    created         INTEGER NOT NULL,
    before          TEXT NOT NULL,
    previous_origin TEXT NOT NULL,
    revision_after  INTEGER NOT NULL,
    PRIMARY KEY (tenant, import_id, kind, object_id)
) WITHOUT ROWID;

CREATE TABLE import_origins (
    tenant         TEXT NOT NULL,
    sandbox        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    package        TEXT NOT NULL,
    source_key     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    content_digest TEXT NOT NULL,
    import_id      TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, kind, object_id)
) WITHOUT ROWID;

CREATE TABLE idempotent_results (
    tenant         TEXT NOT NULL,
    token          TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    status         INTEGER NOT NULL,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant, token, key)
) WITHOUT ROWID;

CREATE TABLE import_plans (
    tenant     TEXT NOT NULL,
    sandbox    TEXT NOT NULL,
    digest     TEXT NOT NULL,
    request    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, sandbox, digest)
) WITHOUT ROWID;
CREATE INDEX import_plans_by_age ON import_plans(created_at);
)sql"},
    {7, "campaign tags and channels found by campaign", R"sql(
-- Rewriting a campaign replaces its tag and channel rows; without these, each rewrite scanned
-- every row of its sandbox's tag or channel (quadratic imports, slow edits at 100k campaigns).
CREATE INDEX campaign_tags_by_campaign ON campaign_tags(tenant, sandbox, campaign_id);
CREATE INDEX campaign_channels_by_campaign ON campaign_channels(tenant, sandbox, campaign_id);
)sql"},
    {8, "outbox claims name the node that holds them", R"sql(
-- Set while a node delivers the event, cleared by the attempt's outcome; a node that restarts
-- makes the events it had claimed due again at once.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
)sql"},
    {9, "console sessions and one-time sign-in links", R"sql(
-- Secrets are never stored: a session and a link are found by the SHA-256 of the secret the
-- browser holds (the cookie) or the link carries (the code).
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    tenant       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    token_id     TEXT NOT NULL,
    roles        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(tenant, user_id);

CREATE TABLE sign_in_links (
    hash       TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX sign_in_links_by_user ON sign_in_links(tenant, user_id);
)sql"},
    {10, "delivered and dead webhook events say when, so that old ones are pruned", R"sql(
ALTER TABLE outbox ADD COLUMN finished_at INTEGER;
CREATE INDEX outbox_finished ON outbox(finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX deliveries_by_age ON webhook_deliveries(at);
)sql"},
    {11, "each tenant's secret key for review digests", R"sql(
-- A review digest covers a write-only secret (a webhook channel's auth_header) only through an
-- HMAC under this key, so a viewer who sees the digest cannot test guesses at the secret.
CREATE TABLE tenant_keys (
    tenant     TEXT PRIMARY KEY,
    review_key TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO tenant_keys(tenant, review_key) SELECT id, lower(hex(randomblob(32))) FROM tenants;
)sql"},
    {12, "campaign names as search compares them, case and accents folded", R"sql(
-- Name search ignores case and accents in any language (« été » finds « Été »): ferryd writes the
-- name folded by ICU (core/search_text.cpp) beside it. Rows from before this migration are NULL
-- until ferryd fills them, at start, right after migrating (sql::fill_folded_names); the partial
-- index finds them without a scan.
ALTER TABLE campaigns ADD COLUMN name_folded TEXT;
CREATE INDEX campaigns_unfolded ON campaigns(tenant) WHERE name_folded IS NULL;
)sql"},
    {13, "a package version names the review whose approval published it", R"sql(
-- The approval that completes a package review reserves the version in the same transaction;
-- recovery reads this to finish or undo that approval with the version ('' for none).
ALTER TABLE package_versions ADD COLUMN review_id TEXT NOT NULL DEFAULT '';
)sql"},
    {14, "the exact order of each sandbox's live in-app campaigns", R"sql(
-- One row per campaign in its sandbox's in-app order (live, with the in_app channel in its live
-- spec), written with the campaign (sql::write_campaign): `level` is the level it was ranked at,
-- `rank` its place within that level (smaller wins). Not content: no spec, digest or package
-- holds it. Live in-app campaigns from before priorities existed are all medium; they enter in
-- the order they last changed status.
CREATE TABLE in_app_ranks (
    tenant      TEXT NOT NULL,
    sandbox     TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    level       TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    PRIMARY KEY (tenant, sandbox, campaign_id)
) WITHOUT ROWID;
INSERT INTO in_app_ranks(tenant, sandbox, campaign_id, level, rank)
    SELECT c.tenant, c.sandbox, c.id, 'medium',
           ROW_NUMBER() OVER (PARTITION BY c.tenant, c.sandbox ORDER BY c.status_changed_at, c.id)
    FROM campaigns c
    JOIN campaign_channels ch ON ch.tenant = c.tenant AND ch.sandbox = c.sandbox AND ch.campaign_id = c.id
    WHERE ch.channel = 'in_app' AND c.status IN ('scheduled', 'active', 'paused');
)sql"},
    {15, "promotion pipelines, promotions and freeze windows", R"sql(
-- Each row keeps the object's JSON form (pipelines/json.hpp) beside the columns queries use.
CREATE TABLE pipelines (
    tenant   TEXT NOT NULL,
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;
-- A sandbox belongs to at most one pipeline.
CREATE TABLE pipeline_stages (
    tenant   TEXT NOT NULL,
    sandbox  TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (tenant, sandbox)
) WITHOUT ROWID;
CREATE INDEX pipeline_stages_by_pipeline ON pipeline_stages(tenant, pipeline);
CREATE TABLE promotions (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    pipeline   TEXT NOT NULL,
    package    TEXT NOT NULL,
    stage      TEXT NOT NULL,
    status     TEXT NOT NULL,
    due_at     INTEGER,
    created_at INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX promotions_due ON promotions(due_at) WHERE due_at IS NOT NULL;
CREATE INDEX promotions_newest ON promotions(tenant, created_at);
CREATE TABLE freeze_windows (
    tenant     TEXT NOT NULL,
    sandbox    TEXT NOT NULL,
    id         TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, id)
) WITHOUT ROWID;
)sql"},
    {16, "sync: what an import wrote, drift marks, subscriptions", R"sql(
-- What the import wrote when it differs from the package's file (a merge): drift compares with it.
ALTER TABLE import_origins ADD COLUMN written TEXT NOT NULL DEFAULT '';
-- Per imported object: the drifted content last announced, and the content adopted as accepted.
CREATE TABLE drift_marks (
    tenant         TEXT NOT NULL,
    sandbox        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    seen_digest    TEXT NOT NULL,
    detected_at    INTEGER NOT NULL,
    adopted_digest TEXT NOT NULL,
    adopted_by     TEXT NOT NULL,
    adopted_at     INTEGER,
    PRIMARY KEY (tenant, sandbox, kind, object_id)
) WITHOUT ROWID;
-- Each row keeps the subscription's JSON form beside the columns queries use.
CREATE TABLE sync_subscriptions (
    tenant   TEXT NOT NULL,
    id       TEXT NOT NULL,
    sandbox  TEXT NOT NULL,
    package  TEXT NOT NULL,
    paused   INTEGER NOT NULL,
    body     TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE (tenant, sandbox, package)
) WITHOUT ROWID;
CREATE INDEX sync_subscriptions_active ON sync_subscriptions(paused, tenant);
)sql"},
}};

}  // namespace

std::span<const Migration> migrations() { return all; }

}  // namespace ferry::sqlite
