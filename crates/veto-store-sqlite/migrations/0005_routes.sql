-- Outbound SMTP routes per tenant; the password is sealed under the node's secrets key.
CREATE TABLE routes (
    tenant_id   BLOB NOT NULL,
    id          BLOB NOT NULL,
    name        TEXT NOT NULL,
    host        TEXT NOT NULL,
    port        INTEGER NOT NULL,
    tls         TEXT NOT NULL,
    username    TEXT,
    password    BLOB,
    is_default  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX routes_name ON routes (tenant_id, name);
-- At most one default route per tenant.
CREATE UNIQUE INDEX routes_default ON routes (tenant_id) WHERE is_default = 1;
