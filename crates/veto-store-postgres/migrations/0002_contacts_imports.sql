-- Contacts (leads) and recorded imports with their per-row reports. Same logical schema as
-- the SQLite backend; timestamps are BIGINT microseconds, JSON is kept as TEXT.

-- A contact's identity is its addresses (contact_emails), never an id from its source.
CREATE TABLE contacts (
    tenant_id     UUID NOT NULL,
    id            UUID NOT NULL,
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
    created_at    BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT NOT NULL,
    last_import   UUID,
    PRIMARY KEY (tenant_id, id)
);

-- One row per address of a contact: an address belongs to at most one contact of a tenant.
-- Addresses are normalised, so byte order ("C") is exact, and much cheaper than a locale's.
CREATE TABLE contact_emails (
    tenant_id   UUID NOT NULL,
    email       TEXT COLLATE "C" NOT NULL,
    contact_id  UUID NOT NULL,
    PRIMARY KEY (tenant_id, email)
);

CREATE TABLE imports (
    tenant_id      UUID NOT NULL,
    id             UUID NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT,
    file_sha256    TEXT NOT NULL,
    file_bytes     BIGINT NOT NULL,
    format         TEXT,
    -- JSON: the options the run used, and its row counts.
    options        TEXT NOT NULL,
    counts         TEXT NOT NULL,
    started_by     TEXT NOT NULL,
    started_at     BIGINT NOT NULL,
    finished_at    BIGINT,
    report_chunks  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- The per-row report of an import, in chunks numbered from 0.
CREATE TABLE import_report (
    tenant_id  UUID NOT NULL,
    import_id  UUID NOT NULL,
    n          INTEGER NOT NULL,
    data       BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, import_id, n)
);
-- Chunks arrive compressed: stored out of line as they are, without a second compression.
ALTER TABLE import_report ALTER COLUMN data SET STORAGE EXTERNAL;

-- Exports read a tenant's entries in row order as of an instant: those in force through
-- entries_in_force, ended ones through this index. An entry enters it only when it ends, so
-- bulk loads never maintain it.
CREATE INDEX entries_ended_rows ON entries (tenant_id, row_id) WHERE ended_at IS NOT NULL;
