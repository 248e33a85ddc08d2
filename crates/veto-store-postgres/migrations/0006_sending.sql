-- Sending: domains with DKIM keys, mailboxes, relay credentials, sequences, enrolments and
-- send attempts.

CREATE TABLE sending_domains (
    tenant_id       UUID NOT NULL,
    id              UUID NOT NULL,
    domain          TEXT NOT NULL,
    dkim_selector   TEXT,
    dkim_algorithm  TEXT,
    -- PKCS#8 DER sealed under the node's secrets key.
    dkim_private    BYTEA,
    dkim_public     TEXT,
    dkim_created_by TEXT,
    dkim_created_at BIGINT,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sending_domains_name ON sending_domains (tenant_id, domain);

CREATE TABLE mailboxes (
    tenant_id     UUID NOT NULL,
    id            UUID NOT NULL,
    address       TEXT NOT NULL,
    display_name  TEXT,
    route_id      UUID,
    paused        BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX mailboxes_address ON mailboxes (tenant_id, address);

CREATE TABLE smtp_credentials (
    tenant_id    UUID NOT NULL,
    id           UUID NOT NULL,
    name         TEXT NOT NULL,
    username     TEXT NOT NULL UNIQUE,
    secret_hash  BYTEA NOT NULL,
    purpose      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    revoked_by   TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX smtp_credentials_name ON smtp_credentials (tenant_id, name);

CREATE TABLE sequences (
    tenant_id   UUID NOT NULL,
    id          UUID NOT NULL,
    name        TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    -- The steps as JSON (delay, mailbox, templates): a sequence is read whole.
    steps       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sequences_name ON sequences (tenant_id, name);

CREATE TABLE enrollments (
    tenant_id          UUID NOT NULL,
    id                 UUID NOT NULL,
    sequence_id        UUID NOT NULL,
    contact_id         UUID NOT NULL,
    email              TEXT NOT NULL,
    mailbox_id         UUID NOT NULL,
    purpose            TEXT NOT NULL,
    -- The purpose as the bit entries' `purposes` use, for the cancellation join.
    purpose_bit        SMALLINT NOT NULL,
    state              TEXT NOT NULL,
    state_reason       TEXT,
    next_step          INTEGER NOT NULL,
    next_due_at        BIGINT,
    thread_message_id  TEXT,
    lease_until        BIGINT,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX enrollments_pending ON enrollments (tenant_id, sequence_id, contact_id)
    WHERE state IN ('active', 'paused');
CREATE INDEX enrollments_contact ON enrollments (tenant_id, contact_id);
-- The scheduler's work list, earliest first (ties in enrolment order).
CREATE INDEX enrollments_due ON enrollments (next_due_at, id) WHERE state = 'active';

-- The keyed hashes a check of an enrolment's recipient probes: a suppression written on one
-- of them cancels the enrolment in the same transaction. `key_short` is the hash's leading
-- 64 bits, as entries keep it, for the join through `entries_short`.
CREATE TABLE enrollment_keys (
    tenant_id      UUID NOT NULL,
    key_hash       BYTEA NOT NULL,
    key_short      BIGINT NOT NULL,
    enrollment_id  UUID NOT NULL,
    via_parent     BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, key_hash, enrollment_id)
);
CREATE INDEX enrollment_keys_enrollment ON enrollment_keys (tenant_id, enrollment_id);

CREATE TABLE sends (
    tenant_id       UUID NOT NULL,
    id              UUID NOT NULL,
    at              BIGINT NOT NULL,
    via             TEXT NOT NULL,
    sequence_id     UUID,
    enrollment_id   UUID,
    step            INTEGER,
    relay_session   TEXT,
    credential_id   UUID,
    mailbox_id      UUID,
    route_id        UUID,
    sender          TEXT NOT NULL,
    recipient       TEXT,
    recipient_hash  BYTEA NOT NULL,
    contact_id      UUID,
    message_id      TEXT,
    outcome         TEXT NOT NULL,
    detail          TEXT,
    verdict         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sends_recipient ON sends (tenant_id, recipient_hash, at);
CREATE INDEX sends_message_id ON sends (tenant_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX sends_enrollment ON sends (tenant_id, enrollment_id) WHERE enrollment_id IS NOT NULL;
