#include "store/postgres/migrations.hpp"

#include <array>

namespace ferry::postgres {

namespace {

// Timestamps are integer milliseconds since the Unix epoch (UTC).
//
// Migrations 1 to 7 are the SQLite ones (store/sqlite/migrations.cpp) translated one for one: the
// same tables, columns in the same order, primary keys, foreign keys, unique and partial indexes,
// index names, defaults and descriptions, so that the row code is shared. What differs, and why:
// - Every TEXT column is TEXT COLLATE "C": SQLite compares text byte by byte and folds only ASCII
//   case (LIKE, lower()); "C" gives the same order and, under ILIKE and lower(), the same
//   ASCII-only folding, whatever the collation the database was created with.
// - INTEGER is BIGINT, SQLite's integers being 64-bit. Flags (archived, active, deleted, created)
//   stay 0/1 integers rather than booleans, as in SQLite.
// - outbox.seq, AUTOINCREMENT in SQLite, is an identity column. Unlike SQLite's counter, its
//   sequence is not transactional: a rolled-back insert leaves a gap, and concurrent transactions
//   may commit their numbers out of order.
// - WITHOUT ROWID has no equivalent and is dropped (PostgreSQL tables are heaps with the primary
//   key as a separate index).
// - The append-only audit triggers call a plpgsql function; a statement trigger also refuses
//   TRUNCATE, which fires no row trigger (SQLite has no TRUNCATE).
// - tokens.id is NOT NULL, as every PostgreSQL primary key; SQLite lets a rowid table hold NULL in
//   a non-integer primary key (a legacy quirk ferry never relied on).
// - TEXT holds valid UTF-8 without NUL bytes only; SQLite stores any bytes.
// Migration 8, row-level security, has no SQLite counterpart: SQLite serves one process, while
// here the database is shared and every tenant's rows are fenced off in the database as well.
// No GRANT here: the store grants to the application role at start-up, its name being known only
// then; nor schema_migrations, which the store creates before applying these.
constexpr std::array<Migration, 19> all{{
    {1, "tenants, sandboxes, users, tokens, audit", R"sql(
CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE tenants (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sandboxes (
    tenant           TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    id               TEXT COLLATE "C" NOT NULL,
    type             TEXT COLLATE "C" NOT NULL,
    require_approval TEXT COLLATE "C" NOT NULL,
    description      TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    revision         BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE users (
    tenant     TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    id         TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision   BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE user_roles (
    tenant  TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    sandbox TEXT COLLATE "C" NOT NULL,
    role    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, user_id, sandbox, role),
    FOREIGN KEY (tenant, user_id) REFERENCES users(tenant, id) ON DELETE CASCADE
);

CREATE TABLE tokens (
    id         TEXT COLLATE "C" PRIMARY KEY,
    tenant     TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    FOREIGN KEY (tenant, user_id) REFERENCES users(tenant, id) ON DELETE CASCADE
);
CREATE INDEX tokens_by_user ON tokens(tenant, user_id);

CREATE TABLE audit (
    tenant     TEXT COLLATE "C" NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    target     TEXT COLLATE "C" NOT NULL,
    request_id TEXT COLLATE "C" NOT NULL,
    details    TEXT COLLATE "C" NOT NULL,
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, seq)
);

-- The audit log is append-only through ferry; the hash chain catches whoever bypasses this.
-- TRUNCATE fires no row trigger, hence the statement trigger.
CREATE FUNCTION ferry_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
FOR EACH ROW EXECUTE FUNCTION ferry_audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION ferry_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
FOR EACH STATEMENT EXECUTE FUNCTION ferry_audit_append_only();
)sql"},
    {2, "segments, templates, campaigns and their versions", R"sql(
CREATE TABLE segments (
    tenant      TEXT COLLATE "C" NOT NULL,
    sandbox     TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL,
    rule        TEXT COLLATE "C" NOT NULL,
    archived    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    revision    BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
);
CREATE UNIQUE INDEX segments_by_key ON segments(tenant, sandbox, key);

CREATE TABLE templates (
    tenant      TEXT COLLATE "C" NOT NULL,
    sandbox     TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    subject     TEXT COLLATE "C",
    body        TEXT COLLATE "C" NOT NULL,
    archived    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    revision    BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
);
CREATE UNIQUE INDEX templates_by_key ON templates(tenant, sandbox, key);

-- spec, draft, tags, alerts and provenance are JSON; the columns after them are derived from
-- the row on every write, for filters, sorting, the scheduler and the calendar.
CREATE TABLE campaigns (
    tenant                TEXT COLLATE "C" NOT NULL,
    sandbox               TEXT COLLATE "C" NOT NULL,
    id                    TEXT COLLATE "C" NOT NULL,
    key                   TEXT COLLATE "C" NOT NULL,
    type                  TEXT COLLATE "C" NOT NULL,
    status                TEXT COLLATE "C" NOT NULL,
    status_before_archive TEXT COLLATE "C",
    spec                  TEXT COLLATE "C" NOT NULL,
    draft                 TEXT COLLATE "C",
    tags                  TEXT COLLATE "C" NOT NULL,
    alerts                TEXT COLLATE "C" NOT NULL,
    provenance            TEXT COLLATE "C" NOT NULL,
    live_version          BIGINT NOT NULL,
    activated_at          BIGINT,
    submitted_by          TEXT COLLATE "C" NOT NULL,
    status_changed_at     BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    created_by            TEXT COLLATE "C" NOT NULL,
    updated_at            BIGINT NOT NULL,
    updated_by            TEXT COLLATE "C" NOT NULL,
    revision              BIGINT NOT NULL,
    name                  TEXT COLLATE "C" NOT NULL,
    next_due_at           BIGINT,
    window_start          BIGINT,
    window_end            BIGINT,
    PRIMARY KEY (tenant, sandbox, id),
    FOREIGN KEY (tenant, sandbox) REFERENCES sandboxes(tenant, id)
);
CREATE UNIQUE INDEX campaigns_by_key ON campaigns(tenant, sandbox, key);
CREATE INDEX campaigns_recent ON campaigns(tenant, sandbox, updated_at DESC, id DESC);
CREATE INDEX campaigns_by_status ON campaigns(tenant, sandbox, status, updated_at DESC, id DESC);
CREATE INDEX campaigns_due ON campaigns(next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE campaign_tags (
    tenant TEXT COLLATE "C" NOT NULL, sandbox TEXT COLLATE "C" NOT NULL, tag TEXT COLLATE "C" NOT NULL, campaign_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, sandbox, tag, campaign_id)
);
CREATE TABLE campaign_channels (
    tenant TEXT COLLATE "C" NOT NULL, sandbox TEXT COLLATE "C" NOT NULL, channel TEXT COLLATE "C" NOT NULL, campaign_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, sandbox, channel, campaign_id)
);
-- Segments and templates used by a campaign's live spec or its draft version.
CREATE TABLE campaign_refs (
    tenant TEXT COLLATE "C" NOT NULL, sandbox TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, ref_id TEXT COLLATE "C" NOT NULL, campaign_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, sandbox, kind, ref_id, campaign_id)
);
CREATE INDEX campaign_refs_by_campaign ON campaign_refs(tenant, sandbox, campaign_id);

CREATE TABLE campaign_versions (
    tenant       TEXT COLLATE "C" NOT NULL,
    sandbox      TEXT COLLATE "C" NOT NULL,
    campaign_id  TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
    spec         TEXT COLLATE "C" NOT NULL,
    activated_at BIGINT NOT NULL,
    activated_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, sandbox, campaign_id, version)
);
)sql"},
    {3, "approval policies, reviews and their approvals; break-glass", R"sql(
ALTER TABLE users ADD COLUMN permissions TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE campaigns ADD COLUMN spec_edited_by TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN bypass TEXT COLLATE "C" NOT NULL DEFAULT 'null';

CREATE TABLE approval_policies (
    tenant     TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    id         TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    scope      TEXT COLLATE "C" NOT NULL,
    conditions TEXT COLLATE "C" NOT NULL,
    approvers  TEXT COLLATE "C" NOT NULL,
    required   BIGINT NOT NULL,
    active     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    revision   BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE reviews (
    tenant       TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    id           TEXT COLLATE "C" NOT NULL,
    scope        TEXT COLLATE "C" NOT NULL,
    sandbox      TEXT COLLATE "C" NOT NULL,
    subject_kind TEXT COLLATE "C" NOT NULL,
    subject_id   TEXT COLLATE "C" NOT NULL,
    subject_name TEXT COLLATE "C" NOT NULL,
    digest       TEXT COLLATE "C" NOT NULL,
    state        TEXT COLLATE "C" NOT NULL,
    requested_by TEXT COLLATE "C" NOT NULL,
    last_editor  TEXT COLLATE "C" NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT COLLATE "C" NOT NULL,
    comment      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX reviews_by_state ON reviews(tenant, state, requested_at);
CREATE INDEX reviews_by_subject ON reviews(tenant, sandbox, subject_id, state);

CREATE TABLE review_approvals (
    tenant    TEXT COLLATE "C" NOT NULL,
    review_id TEXT COLLATE "C" NOT NULL,
    user_id   TEXT COLLATE "C" NOT NULL,
    digest    TEXT COLLATE "C" NOT NULL,
    at        BIGINT NOT NULL,
    comment   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, review_id, user_id)
);
)sql"},
    {4, "webhooks, their outbox and delivery log", R"sql(
CREATE TABLE webhooks (
    tenant     TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    id         TEXT COLLATE "C" NOT NULL,
    url        TEXT COLLATE "C" NOT NULL,
    events     TEXT COLLATE "C" NOT NULL,
    secret     TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE outbox (
    seq             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant          TEXT COLLATE "C" NOT NULL,
    webhook_id      TEXT COLLATE "C" NOT NULL,
    event_id        TEXT COLLATE "C" NOT NULL,
    event_type      TEXT COLLATE "C" NOT NULL,
    payload         TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    last_error      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';

CREATE TABLE webhook_deliveries (
    tenant      TEXT COLLATE "C" NOT NULL,
    webhook_id  TEXT COLLATE "C" NOT NULL,
    event_id    TEXT COLLATE "C" NOT NULL,
    event_type  TEXT COLLATE "C" NOT NULL,
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    status_code BIGINT NOT NULL,
    error       TEXT COLLATE "C" NOT NULL,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant, webhook_id, event_id, attempt)
);
CREATE INDEX deliveries_recent ON webhook_deliveries(tenant, webhook_id, at DESC);
)sql"},
    {5, "signing keys, packages and their versions", R"sql(
CREATE TABLE signing_keys (
    tenant     TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    key_id     TEXT COLLATE "C" NOT NULL,
    public_pem TEXT COLLATE "C" NOT NULL,
    active     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, key_id)
);

-- A deleted package stays as a tombstone: re-creating the name continues its numbering.
CREATE TABLE packages (
    tenant         TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    name           TEXT COLLATE "C" NOT NULL,
    source_sandbox TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL,
    description    TEXT COLLATE "C" NOT NULL,
    campaigns      TEXT COLLATE "C" NOT NULL,
    deleted        BIGINT NOT NULL,
    last_version   BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     TEXT COLLATE "C" NOT NULL,
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT COLLATE "C" NOT NULL,
    revision       BIGINT NOT NULL,
    PRIMARY KEY (tenant, name)
);

CREATE TABLE package_versions (
    tenant     TEXT COLLATE "C" NOT NULL,
    package    TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    state      TEXT COLLATE "C" NOT NULL,
    commit_id  TEXT COLLATE "C" NOT NULL,
    tag        TEXT COLLATE "C" NOT NULL,
    digest     TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, package, version)
);
CREATE INDEX package_versions_unfinished ON package_versions(state) WHERE state = 'publishing';
)sql"},
    {6, "imports: records, touched objects, origins, idempotent results, plans", R"sql(
CREATE TABLE imports (
    tenant          TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    sandbox         TEXT COLLATE "C" NOT NULL,
    id              TEXT COLLATE "C" NOT NULL,
    package         TEXT COLLATE "C" NOT NULL,
    version         BIGINT NOT NULL,
    version_digest  TEXT COLLATE "C" NOT NULL,
    options_digest  TEXT COLLATE "C" NOT NULL,
    plan_digest     TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    items           TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT COLLATE "C" NOT NULL,
    rolled_back_at  BIGINT,
    rolled_back_by  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX imports_by_sandbox ON imports(tenant, sandbox, created_at DESC, id DESC);
CREATE INDEX imports_by_package ON imports(tenant, sandbox, package, status, created_at DESC);

-- The state before the import of every object it touched: what its rollback puts back.
CREATE TABLE import_touches (
    tenant          TEXT COLLATE "C" NOT NULL,
    import_id       TEXT COLLATE "C" NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL,
    object_id       TEXT COLLATE "C" NOT NULL,
    created         BIGINT NOT NULL,
    before          TEXT COLLATE "C" NOT NULL,
    previous_origin TEXT COLLATE "C" NOT NULL,
    revision_after  BIGINT NOT NULL,
    PRIMARY KEY (tenant, import_id, kind, object_id)
);

CREATE TABLE import_origins (
    tenant         TEXT COLLATE "C" NOT NULL,
    sandbox        TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL,
    object_id      TEXT COLLATE "C" NOT NULL,
    package        TEXT COLLATE "C" NOT NULL,
    source_key     TEXT COLLATE "C" NOT NULL,
    version        BIGINT NOT NULL,
    content_digest TEXT COLLATE "C" NOT NULL,
    import_id      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, sandbox, kind, object_id)
);

CREATE TABLE idempotent_results (
    tenant         TEXT COLLATE "C" NOT NULL,
    token          TEXT COLLATE "C" NOT NULL,
    key            TEXT COLLATE "C" NOT NULL,
    request_digest TEXT COLLATE "C" NOT NULL,
    status         BIGINT NOT NULL,
    body           TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (tenant, token, key)
);

CREATE TABLE import_plans (
    tenant     TEXT COLLATE "C" NOT NULL,
    sandbox    TEXT COLLATE "C" NOT NULL,
    digest     TEXT COLLATE "C" NOT NULL,
    request    TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, digest)
);
CREATE INDEX import_plans_by_age ON import_plans(created_at);
)sql"},
    {7, "campaign tags and channels found by campaign", R"sql(
-- Rewriting a campaign replaces its tag and channel rows; without these, each rewrite scanned
-- every row of its sandbox's tag or channel (quadratic imports, slow edits at 100k campaigns).
CREATE INDEX campaign_tags_by_campaign ON campaign_tags(tenant, sandbox, campaign_id);
CREATE INDEX campaign_channels_by_campaign ON campaign_channels(tenant, sandbox, campaign_id);
)sql"},
    {8, "row-level security on every tenant table", R"sql(
-- Every table but meta (global) shows and accepts only the rows of the tenant named by the setting
-- ferry.tenant, which the service sets per transaction with set_config('ferry.tenant', $1, true).
-- '*' is only for the few cross-tenant system queries (scheduler, outbox, token lookup).
-- A connection that has not set ferry.tenant sees no rows: current_setting('ferry.tenant', true)
-- is then NULL, or '' once an earlier transaction set it locally, and tenant ids are non-empty
-- slugs (never '' nor '*').
-- FORCE subjects the tables' owner too; only superusers and BYPASSRLS roles escape the policies.
-- Primary keys, unique indexes and foreign keys are still checked across all tenants.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (id = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE sandboxes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sandboxes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sandboxes
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_roles
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tokens
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE segments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON segments
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON templates
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaigns
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE campaign_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_tags
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE campaign_channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_channels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_channels
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE campaign_refs ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_refs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_refs
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE campaign_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_versions
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE approval_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON approval_policies
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reviews
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE review_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_approvals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON review_approvals
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhooks
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE signing_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signing_keys
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE packages ENABLE ROW LEVEL SECURITY;
ALTER TABLE packages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON packages
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE package_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE package_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON package_versions
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE import_touches ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_touches FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_touches
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE import_origins ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_origins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_origins
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE idempotent_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotent_results FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotent_results
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE import_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_plans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_plans
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {9, "outbox claims name the node that holds them", R"sql(
-- Set while a node delivers the event, cleared by the attempt's outcome; a node that restarts
-- makes the events it had claimed due again at once.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql"},
    {10, "console sessions and one-time sign-in links", R"sql(
-- Secrets are never stored: a session and a link are found by the SHA-256 of the secret the
-- browser holds (the cookie) or the link carries (the code). Looked up across tenants ('*'), like
-- tokens; fenced by tenant like every other table.
CREATE TABLE sessions (
    id           TEXT COLLATE "C" PRIMARY KEY,
    tenant       TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL,
    hash         TEXT COLLATE "C" NOT NULL UNIQUE,
    token_id     TEXT COLLATE "C" NOT NULL,
    roles        TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(tenant, user_id);

CREATE TABLE sign_in_links (
    hash       TEXT COLLATE "C" PRIMARY KEY,
    tenant     TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX sign_in_links_by_user ON sign_in_links(tenant, user_id);

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sessions
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');

ALTER TABLE sign_in_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sign_in_links
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {11, "delivered and dead webhook events say when, so that old ones are pruned", R"sql(
ALTER TABLE outbox ADD COLUMN finished_at BIGINT;
CREATE INDEX outbox_finished ON outbox(finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX deliveries_by_age ON webhook_deliveries(at);
)sql"},
    {12, "each tenant's secret key for review digests", R"sql(
-- A review digest covers a write-only secret (a webhook channel's auth_header) only through an
-- HMAC under this key, so a viewer who sees the digest cannot test guesses at the secret.
-- Existing tenants get 244 random bits from two version-4 UUIDs (gen_random_uuid is built in
-- and draws from the strong random source); new ones get 256 from ferryd.
CREATE TABLE tenant_keys (
    tenant     TEXT COLLATE "C" PRIMARY KEY,
    review_key TEXT COLLATE "C" NOT NULL
);
INSERT INTO tenant_keys(tenant, review_key)
    SELECT id, replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '') FROM tenants;

ALTER TABLE tenant_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_keys
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {13, "campaign names as search compares them, case and accents folded", R"sql(
-- Name search ignores case and accents in any language (« été » finds « Été »): ferryd writes the
-- name folded by ICU (core/search_text.cpp) beside it, compared with LIKE byte for byte. Rows
-- from before this migration are NULL until ferryd fills them, at start, right after migrating
-- (sql::fill_folded_names); the partial index finds them without a scan.
ALTER TABLE campaigns ADD COLUMN name_folded TEXT COLLATE "C";
CREATE INDEX campaigns_unfolded ON campaigns(tenant) WHERE name_folded IS NULL;
)sql"},
    {14, "a package version names the review whose approval published it", R"sql(
-- The approval that completes a package review reserves the version in the same transaction;
-- recovery reads this to finish or undo that approval with the version ('' for none).
ALTER TABLE package_versions ADD COLUMN review_id TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql"},
    {15, "the exact order of each sandbox's live in-app campaigns", R"sql(
-- SQLite's migration 14: one row per campaign in its sandbox's in-app order, written with the
-- campaign; `rank` orders it within `level`. Not content. Live in-app campaigns from before
-- priorities existed are all medium, entered in the order they last changed status.
CREATE TABLE in_app_ranks (
    tenant      TEXT COLLATE "C" NOT NULL,
    sandbox     TEXT COLLATE "C" NOT NULL,
    campaign_id TEXT COLLATE "C" NOT NULL,
    level       TEXT COLLATE "C" NOT NULL,
    rank        BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, campaign_id)
);
-- The owner is subject to row-level security too: the existing rows of every tenant are read
-- and written as '*', for this transaction only.
SET LOCAL ferry.tenant = '*';
INSERT INTO in_app_ranks(tenant, sandbox, campaign_id, level, rank)
    SELECT c.tenant, c.sandbox, c.id, 'medium',
           ROW_NUMBER() OVER (PARTITION BY c.tenant, c.sandbox ORDER BY c.status_changed_at, c.id)
    FROM campaigns c
    JOIN campaign_channels ch ON ch.tenant = c.tenant AND ch.sandbox = c.sandbox AND ch.campaign_id = c.id
    WHERE ch.channel = 'in_app' AND c.status IN ('scheduled', 'active', 'paused');

ALTER TABLE in_app_ranks ENABLE ROW LEVEL SECURITY;
ALTER TABLE in_app_ranks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON in_app_ranks
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {16, "promotion pipelines, promotions and freeze windows", R"sql(
-- Each row keeps the object's JSON form (pipelines/json.hpp) beside the columns queries use.
CREATE TABLE pipelines (
    tenant   TEXT COLLATE "C" NOT NULL,
    name     TEXT COLLATE "C" NOT NULL,
    body     TEXT NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (tenant, name)
);
-- A sandbox belongs to at most one pipeline.
CREATE TABLE pipeline_stages (
    tenant   TEXT COLLATE "C" NOT NULL,
    sandbox  TEXT COLLATE "C" NOT NULL,
    pipeline TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox)
);
CREATE INDEX pipeline_stages_by_pipeline ON pipeline_stages(tenant, pipeline);
CREATE TABLE promotions (
    tenant     TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    pipeline   TEXT COLLATE "C" NOT NULL,
    package    TEXT COLLATE "C" NOT NULL,
    stage      TEXT COLLATE "C" NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    due_at     BIGINT,
    created_at BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX promotions_due ON promotions(due_at) WHERE due_at IS NOT NULL;
CREATE INDEX promotions_newest ON promotions(tenant, created_at);
CREATE TABLE freeze_windows (
    tenant     TEXT COLLATE "C" NOT NULL,
    sandbox    TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant, sandbox, id)
);

ALTER TABLE pipelines ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipelines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON pipelines
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
ALTER TABLE pipeline_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipeline_stages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON pipeline_stages
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
ALTER TABLE promotions ENABLE ROW LEVEL SECURITY;
ALTER TABLE promotions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON promotions
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
ALTER TABLE freeze_windows ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeze_windows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON freeze_windows
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {17, "sync: what an import wrote, drift marks, subscriptions", R"sql(
-- What the import wrote when it differs from the package's file (a merge): drift compares with it.
ALTER TABLE import_origins ADD COLUMN written TEXT NOT NULL DEFAULT '';
-- Per imported object: the drifted content last announced, and the content adopted as accepted.
CREATE TABLE drift_marks (
    tenant         TEXT COLLATE "C" NOT NULL,
    sandbox        TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL,
    object_id      TEXT COLLATE "C" NOT NULL,
    seen_digest    TEXT NOT NULL,
    detected_at    BIGINT NOT NULL,
    adopted_digest TEXT NOT NULL,
    adopted_by     TEXT NOT NULL,
    adopted_at     BIGINT,
    PRIMARY KEY (tenant, sandbox, kind, object_id)
);
-- Each row keeps the subscription's JSON form beside the columns queries use.
CREATE TABLE sync_subscriptions (
    tenant   TEXT COLLATE "C" NOT NULL,
    id       TEXT COLLATE "C" NOT NULL,
    sandbox  TEXT COLLATE "C" NOT NULL,
    package  TEXT COLLATE "C" NOT NULL,
    paused   BIGINT NOT NULL,
    body     TEXT NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE (tenant, sandbox, package)
);
CREATE INDEX sync_subscriptions_active ON sync_subscriptions(paused, tenant);

ALTER TABLE drift_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE drift_marks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON drift_marks
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
ALTER TABLE sync_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sync_subscriptions
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
    {18, "tenants' private signing keys in the database, wrapped under the key-encryption key", R"sql(
-- SQLite's migration 17: each private key encrypted with AES-256-GCM under the deployment's
-- key-encryption key (keys/envelope.hpp), never the key itself; '' for keys kept as files.
-- signing_keys already has its row-level security policy (migration 8).
ALTER TABLE signing_keys ADD COLUMN wrapped_private TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql"},
    {19, "delivery figures per campaign, channel, live version and hour (days after 30 days); figure batches", R"sql(
-- One row per bucket: hourly, rolled up into one daily row per day once older than 30 days
-- (docs/reports.md). Batches add into buckets; reports read buckets, never batches.
CREATE TABLE campaign_figures (
    tenant       TEXT COLLATE "C" NOT NULL,
    sandbox      TEXT COLLATE "C" NOT NULL,
    campaign     TEXT COLLATE "C" NOT NULL,
    start        BIGINT NOT NULL,
    grain        TEXT COLLATE "C" NOT NULL,
    channel      TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
    currency     TEXT COLLATE "C" NOT NULL,
    targeted     BIGINT NOT NULL,
    sent         BIGINT NOT NULL,
    delivered    BIGINT NOT NULL,
    bounced      BIGINT NOT NULL,
    opened       BIGINT NOT NULL,
    clicked      BIGINT NOT NULL,
    converted    BIGINT NOT NULL,
    unsubscribed BIGINT NOT NULL,
    failed       BIGINT NOT NULL,
    revenue      BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, campaign, start, grain, channel, version, currency)
);
CREATE INDEX campaign_figures_by_sandbox ON campaign_figures(tenant, sandbox, start);
CREATE INDEX campaign_figures_hourly ON campaign_figures(grain, start);
-- A batch's id makes the engine's retries idempotent: its digest and the answer given.
CREATE TABLE figure_batches (
    tenant     TEXT COLLATE "C" NOT NULL,
    sandbox    TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    digest     TEXT NOT NULL,
    status     BIGINT NOT NULL,
    response   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, sandbox, id)
);

ALTER TABLE campaign_figures ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_figures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_figures
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
ALTER TABLE figure_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE figure_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON figure_batches
    USING (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*')
    WITH CHECK (tenant = current_setting('ferry.tenant', true) OR current_setting('ferry.tenant', true) = '*');
)sql"},
}};

}  // namespace

std::span<const Migration> migrations() { return all; }

}  // namespace ferry::postgres
