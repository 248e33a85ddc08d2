-- Sending: domains with DKIM keys, mailboxes, relay credentials, sequences, enrolments and
-- send attempts.

CREATE TABLE sending_domains (
    tenant_id       BLOB NOT NULL,
    id              BLOB NOT NULL,
    domain          TEXT NOT NULL,
    dkim_selector   TEXT,
    dkim_algorithm  TEXT,
    -- PKCS#8 DER sealed under the node's secrets key.
    dkim_private    BLOB,
    dkim_public     TEXT,
    dkim_created_by TEXT,
    dkim_created_at INTEGER,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sending_domains_name ON sending_domains (tenant_id, domain);

CREATE TABLE mailboxes (
    tenant_id     BLOB NOT NULL,
    id            BLOB NOT NULL,
    address       TEXT NOT NULL,
    display_name  TEXT,
    route_id      BLOB,
    paused        INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX mailboxes_address ON mailboxes (tenant_id, address);

CREATE TABLE smtp_credentials (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    name         TEXT NOT NULL,
    username     TEXT NOT NULL UNIQUE,
    secret_hash  BLOB NOT NULL,
    purpose      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    revoked_by   TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX smtp_credentials_name ON smtp_credentials (tenant_id, name);

CREATE TABLE sequences (
    tenant_id   BLOB NOT NULL,
    id          BLOB NOT NULL,
    name        TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    -- The steps as JSON (delay, mailbox, templates): a sequence is read whole.
    steps       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sequences_name ON sequences (tenant_id, name);

CREATE TABLE enrollments (
    tenant_id          BLOB NOT NULL,
    id                 BLOB NOT NULL,
    sequence_id        BLOB NOT NULL,
    contact_id         BLOB NOT NULL,
    email              TEXT NOT NULL,
    mailbox_id         BLOB NOT NULL,
    purpose            TEXT NOT NULL,
    -- The purpose as the bit entries' `purposes` use, for the cancellation join.
    purpose_bit        INTEGER NOT NULL,
    state              TEXT NOT NULL,
    state_reason       TEXT,
    next_step          INTEGER NOT NULL,
    next_due_at        INTEGER,
    thread_message_id  TEXT,
    lease_until        INTEGER,
    created_by         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- One pending enrolment per contact and sequence.
CREATE UNIQUE INDEX enrollments_pending ON enrollments (tenant_id, sequence_id, contact_id)
    WHERE state IN ('active', 'paused');
CREATE INDEX enrollments_contact ON enrollments (tenant_id, contact_id);
-- The scheduler's work list, earliest first (ties in enrolment order).
CREATE INDEX enrollments_due ON enrollments (next_due_at, id) WHERE state = 'active';

-- The keyed hashes a check of an enrolment's recipient probes: a suppression written on one
-- of them cancels the enrolment in the same transaction.
CREATE TABLE enrollment_keys (
    tenant_id      BLOB NOT NULL,
    key_hash       BLOB NOT NULL,
    enrollment_id  BLOB NOT NULL,
    via_parent     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key_hash, enrollment_id)
) WITHOUT ROWID;

CREATE TABLE sends (
    tenant_id       BLOB NOT NULL,
    id              BLOB NOT NULL,
    at              INTEGER NOT NULL,
    via             TEXT NOT NULL,
    sequence_id     BLOB,
    enrollment_id   BLOB,
    step            INTEGER,
    relay_session   TEXT,
    credential_id   BLOB,
    mailbox_id      BLOB,
    route_id        BLOB,
    sender          TEXT NOT NULL,
    recipient       TEXT,
    recipient_hash  BLOB NOT NULL,
    contact_id      BLOB,
    message_id      TEXT,
    outcome         TEXT NOT NULL,
    detail          TEXT,
    verdict         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sends_recipient ON sends (tenant_id, recipient_hash, at);
CREATE INDEX sends_message_id ON sends (tenant_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX sends_enrollment ON sends (tenant_id, enrollment_id) WHERE enrollment_id IS NOT NULL;
