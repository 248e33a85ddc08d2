-- Contacts (leads) and recorded imports with their per-row reports.

-- A contact's identity is its addresses (contact_emails), never an id from its source.
CREATE TABLE contacts (
    tenant_id     BLOB NOT NULL,
    id            BLOB NOT NULL,
    -- JSON array of the normalised addresses, the primary first.
    emails        TEXT NOT NULL,
    phone         TEXT,
    name          TEXT,
    company_id    TEXT,
    company_name  TEXT,
    owner         TEXT,
    source_id     TEXT,
    -- JSON object of the columns without a field of their own.
    custom        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    updated_by    TEXT NOT NULL,
    last_import   BLOB,
    -- Ids are UUIDv7: new contacts append at the end of the key, and id order is newest last.
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- One row per address of a contact: an address belongs to at most one contact of a tenant.
CREATE TABLE contact_emails (
    tenant_id   BLOB NOT NULL,
    email       TEXT NOT NULL,
    contact_id  BLOB NOT NULL,
    PRIMARY KEY (tenant_id, email)
) WITHOUT ROWID;

CREATE TABLE imports (
    tenant_id      BLOB NOT NULL,
    id             BLOB NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT,
    file_sha256    TEXT NOT NULL,
    file_bytes     INTEGER NOT NULL,
    format         TEXT,
    -- JSON: the options the run used, and its row counts.
    options        TEXT NOT NULL,
    counts         TEXT NOT NULL,
    started_by     TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    report_chunks  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- The per-row report of an import, in chunks numbered from 0. A rowid table: chunks are large
-- and live in overflow pages, which WITHOUT ROWID tables handle poorly.
CREATE TABLE import_report (
    tenant_id  BLOB NOT NULL,
    import_id  BLOB NOT NULL,
    n          INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (tenant_id, import_id, n)
);

-- Exports read a tenant's entries in row order as of an instant: those in force through
-- entries_live, ended ones through this index. An entry enters it only when it ends, so bulk
-- loads never maintain it.
CREATE INDEX entries_ended_rows ON entries (tenant_id, row_id) WHERE ended_at IS NOT NULL;
