-- Inbound signals as received (raw message or provider event), what processing did with
-- them, and the soft-bounce count the bounce policy keeps per address. Same logical schema as
-- the SQLite backend.

CREATE TABLE signals (
    tenant_id     UUID NOT NULL,
    id            UUID NOT NULL,
    -- Unique per tenant: the SHA-256 of a raw message, or the provider's event id.
    key           TEXT NOT NULL,
    via           TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    -- NULL after an erasure.
    raw           BYTEA,
    message_id    TEXT,
    received_by   TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    kind          TEXT,
    -- JSON: what was done per address.
    outcome       TEXT,
    ignored       BOOLEAN,
    processed_at  BIGINT,
    erased        BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX signals_key ON signals (tenant_id, key);

-- The addresses a signal concerns, by keyed hash: an erasure finds the signals to clear.
CREATE TABLE signal_subjects (
    tenant_id   UUID NOT NULL,
    ident_hash  BYTEA NOT NULL,
    signal_id   UUID NOT NULL,
    PRIMARY KEY (tenant_id, ident_hash, signal_id)
);

-- Consecutive soft bounces per address since its last delivery, reply or block.
CREATE TABLE soft_bounces (
    tenant_id   UUID NOT NULL,
    ident_hash  BYTEA NOT NULL,
    count       INTEGER NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, ident_hash)
);
