-- Inbound signals as received (raw message or provider event), what processing did with
-- them, and the soft-bounce count the bounce policy keeps per address.

CREATE TABLE signals (
    tenant_id     BLOB NOT NULL,
    id            BLOB NOT NULL,
    -- Unique per tenant: the SHA-256 of a raw message, or the provider's event id.
    key           TEXT NOT NULL,
    via           TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    -- NULL after an erasure.
    raw           BLOB,
    message_id    TEXT,
    received_by   TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    kind          TEXT,
    -- JSON: what was done per address.
    outcome       TEXT,
    ignored       INTEGER,
    processed_at  INTEGER,
    erased        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX signals_key ON signals (tenant_id, key);

-- The addresses a signal concerns, by keyed hash: an erasure finds the signals to clear.
CREATE TABLE signal_subjects (
    tenant_id   BLOB NOT NULL,
    ident_hash  BLOB NOT NULL,
    signal_id   BLOB NOT NULL,
    PRIMARY KEY (tenant_id, ident_hash, signal_id)
) WITHOUT ROWID;

-- Consecutive soft bounces per address since its last delivery, reply or block.
CREATE TABLE soft_bounces (
    tenant_id   BLOB NOT NULL,
    ident_hash  BLOB NOT NULL,
    count       INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, ident_hash)
) WITHOUT ROWID;
