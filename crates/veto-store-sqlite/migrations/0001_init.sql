-- Veto's SQLite schema.
--
-- Ids are UUIDv7 stored as 16-byte big-endian BLOBs: byte order is time order, so keyset
-- pagination on id is newest-first by creation. Timestamps are INTEGER microseconds since the
-- Unix epoch (both stores keep microsecond precision).

CREATE TABLE tenants (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    policy      TEXT NOT NULL,
    secret      BLOB NOT NULL,
    -- The head of the tenant's audit chain, updated in every transaction that appends events:
    -- it is what reveals deletion of the newest events.
    audit_seq   INTEGER NOT NULL DEFAULT 0,
    audit_head  BLOB NOT NULL DEFAULT (zeroblob(32))
);

CREATE TABLE users (
    id          BLOB PRIMARY KEY NOT NULL,
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    email       TEXT NOT NULL,
    name        TEXT,
    role        TEXT NOT NULL,
    team        TEXT,
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);

CREATE TABLE api_keys (
    id          BLOB PRIMARY KEY NOT NULL,
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    user_id     BLOB NOT NULL REFERENCES users (id),
    name        TEXT,
    prefix      TEXT NOT NULL,
    key_hash    BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  INTEGER,
    revoked_by  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

-- row_id is the check index's handle on an entry and the change feed's unit; AUTOINCREMENT
-- guarantees a row id is never reused, so an `Added` range never names an older entry.
CREATE TABLE entries (
    row_id              INTEGER PRIMARY KEY AUTOINCREMENT,
    id                  BLOB NOT NULL,
    -- No foreign key: every insert of entries also appends to the tenant's audit chain, which
    -- reads the tenant in the same transaction, and bulk loads skip a lookup per row.
    tenant_id           BLOB NOT NULL,
    kind                TEXT NOT NULL,
    identifier          TEXT,
    ident_hash          BLOB NOT NULL,
    ident_short         INTEGER NOT NULL,
    include_subdomains  INTEGER NOT NULL,
    channel             TEXT NOT NULL,
    purposes            INTEGER NOT NULL,
    reason              TEXT NOT NULL,
    source              TEXT NOT NULL,
    evidence            TEXT,
    role_account        INTEGER NOT NULL,
    created_by          TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    valid_from          INTEGER NOT NULL,
    expires_at          INTEGER,
    ended_at            INTEGER,
    end_kind            TEXT,
    ended_by            TEXT,
    lift_id             BLOB,
    erased              INTEGER NOT NULL DEFAULT 0
);
-- Lookup and listing by id always go through the tenant, so this one index also makes ids
-- unique (they are UUIDv7) without a second index on tens of millions of rows.
CREATE UNIQUE INDEX entries_tenant_id ON entries (tenant_id, id);
-- At most one entry of a suppression is in force; bulk import relies on it to skip duplicates.
CREATE UNIQUE INDEX entries_in_force ON entries
    (tenant_id, ident_hash, kind, channel, purposes, include_subdomains)
    WHERE ended_at IS NULL;
-- The check index loads and follows entries in force in row order: this small index finds them
-- and the table rows are then read sequentially by row id.
CREATE INDEX entries_live ON entries (tenant_id, row_id) WHERE ended_at IS NULL;
-- Lookups by identifier hash (as-of checks, erasure) read entries in force through
-- entries_in_force and ended ones through this index. Ended entries are few, and an entry
-- enters this index only when it ends, so bulk loads maintain one random-order index, not two.
CREATE INDEX entries_ended_hash ON entries (tenant_id, ident_hash) WHERE ended_at IS NOT NULL;
CREATE INDEX entries_expiry ON entries (expires_at)
    WHERE ended_at IS NULL AND expires_at IS NOT NULL;

CREATE TABLE lift_requests (
    id             BLOB PRIMARY KEY NOT NULL,
    tenant_id      BLOB NOT NULL REFERENCES tenants (id),
    entry_id       BLOB NOT NULL,
    requested_by   BLOB NOT NULL,
    reason         TEXT NOT NULL,
    evidence       TEXT,
    status         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    decided_by     BLOB,
    decided_at     INTEGER,
    decision_note  TEXT
);
CREATE INDEX lift_requests_tenant ON lift_requests (tenant_id, id);
CREATE INDEX lift_requests_entry ON lift_requests (entry_id);
CREATE UNIQUE INDEX lift_requests_one_pending ON lift_requests (entry_id) WHERE status = 'pending';

CREATE TABLE audit_events (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    seq         INTEGER NOT NULL,
    id          BLOB NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    actor_user  BLOB,
    action      TEXT NOT NULL,
    subject     TEXT,
    data        TEXT NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject);

CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  BLOB NOT NULL,
    op         INTEGER NOT NULL,
    a          INTEGER NOT NULL,
    b          INTEGER NOT NULL
);
