-- Configured ways in for signals: inbound mailboxes (IMAP) and provider webhooks. The secret
-- is sealed under the node's secrets key, never stored in the clear.
CREATE TABLE inbound_sources (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    config       TEXT NOT NULL,
    secret       BLOB,
    state        TEXT NOT NULL,
    enabled      INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_run_at  INTEGER,
    last_error   TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX inbound_sources_kind ON inbound_sources (kind) WHERE enabled = 1;
