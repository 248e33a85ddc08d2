-- Veto's PostgreSQL schema: the same logical schema as the SQLite backend.
-- Timestamps are BIGINT microseconds since the Unix epoch (veto_domain::to_micros), so both
-- backends store exactly what the domain computed. Ids are UUIDv7, whose byte order is their
-- creation order, so "newest first by id" is an index scan.

CREATE TABLE tenants (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    -- serde_json of TenantPolicy.
    policy      TEXT NOT NULL,
    secret      BYTEA NOT NULL,
    -- Head of the tenant's audit chain; appenders lock this row (FOR UPDATE) to extend it.
    audit_seq   BIGINT NOT NULL DEFAULT 0,
    audit_head  BYTEA NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
);

CREATE TABLE users (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    email       TEXT NOT NULL,
    name        TEXT,
    role        TEXT NOT NULL,
    team        TEXT,
    disabled    BOOLEAN NOT NULL DEFAULT false,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    user_id     UUID NOT NULL REFERENCES users (id),
    name        TEXT,
    prefix      TEXT NOT NULL,
    key_hash    BYTEA NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  BIGINT,
    revoked_by  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- No foreign key to tenants here: entries are bulk-loaded by the million and the check is
-- paid per row; every writer goes through a tenant-row lock that already proves the tenant.
CREATE TABLE entries (
    -- Assigned under the change-feed lock, so row ids grow in commit order; the check index
    -- and Added changes refer to entries by row id.
    row_id              BIGSERIAL PRIMARY KEY,
    id                  UUID NOT NULL UNIQUE,
    tenant_id           UUID NOT NULL,
    kind                TEXT NOT NULL,
    -- Normalised clear value; NULL when the tenant stores hashes only, or after erasure.
    identifier          TEXT,
    ident_hash          BYTEA NOT NULL,
    -- First 64 bits of ident_hash (IdentHash::short_i64), the check index key.
    ident_short         BIGINT NOT NULL,
    include_subdomains  BOOLEAN NOT NULL,
    channel             TEXT NOT NULL,
    purposes            SMALLINT NOT NULL,
    reason              TEXT NOT NULL,
    source              TEXT NOT NULL,
    evidence            TEXT,
    role_account        BOOLEAN NOT NULL,
    created_by          TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    valid_from          BIGINT NOT NULL,
    expires_at          BIGINT,
    ended_at            BIGINT,
    end_kind            TEXT,
    ended_by            TEXT,
    lift_id             UUID,
    erased              BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX entries_short ON entries (tenant_id, ident_short);
-- One suppression in force per identifier, scope, channel and purposes; import relies on it
-- (ON CONFLICT ... DO NOTHING).
CREATE UNIQUE INDEX entries_active_unique
    ON entries (tenant_id, ident_hash, kind, channel, purposes, include_subdomains)
    WHERE ended_at IS NULL;
CREATE INDEX entries_expiry ON entries (expires_at)
    WHERE ended_at IS NULL AND expires_at IS NOT NULL;
CREATE INDEX entries_tenant_id ON entries (tenant_id, id);
-- The check index loads a tenant's entries in force in row order, 100k at a time: an ordered
-- range scan here, whatever the planner's statistics say about the tenant's size.
CREATE INDEX entries_in_force ON entries (tenant_id, row_id) WHERE ended_at IS NULL;

CREATE TABLE lift_requests (
    id             UUID PRIMARY KEY,
    tenant_id      UUID NOT NULL REFERENCES tenants (id),
    entry_id       UUID NOT NULL REFERENCES entries (id),
    requested_by   UUID NOT NULL,
    reason         TEXT NOT NULL,
    evidence       TEXT,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    decided_by     UUID,
    decided_at     BIGINT,
    decision_note  TEXT
);
CREATE UNIQUE INDEX lift_requests_one_pending ON lift_requests (entry_id) WHERE status = 'pending';
CREATE INDEX lift_requests_tenant ON lift_requests (tenant_id, id);
CREATE INDEX lift_requests_entry ON lift_requests (entry_id);

CREATE TABLE audit_events (
    tenant_id   UUID NOT NULL,
    seq         BIGINT NOT NULL,
    id          UUID NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    actor_user  UUID,
    action      TEXT NOT NULL,
    subject     TEXT,
    -- TEXT, not JSONB: the chain hash covers these exact bytes.
    data        TEXT NOT NULL,
    prev_hash   BYTEA NOT NULL,
    hash        BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject);

-- Appended only under pg_advisory_xact_lock, so seq order is commit order.
CREATE TABLE changes (
    seq        BIGSERIAL PRIMARY KEY,
    tenant_id  UUID NOT NULL,
    op         SMALLINT NOT NULL,
    a          BIGINT NOT NULL,
    b          BIGINT NOT NULL
);
