-- Configured ways in for signals: inbound mailboxes (IMAP) and provider webhooks. The secret
-- is sealed under the node's secrets key, never stored in the clear.
CREATE TABLE inbound_sources (
    tenant_id    UUID NOT NULL,
    id           UUID NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    config       TEXT NOT NULL,
    secret       BYTEA,
    state        TEXT NOT NULL,
    enabled      BOOLEAN NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_run_at  BIGINT,
    last_error   TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX inbound_sources_kind ON inbound_sources (kind) WHERE enabled;
