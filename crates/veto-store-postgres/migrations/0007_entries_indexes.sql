-- Fewer indexes on entries, as on SQLite: a bulk load of suppressions pays for every index
-- of every row, and two of the six duplicated others.
--
-- * entries_short (tenant_id, ident_short) was a second index in random (hash) order beside
--   entries_active_unique. Entries in force are now found by hash through
--   entries_active_unique, ended ones through entries_ended_hash, which an entry enters only
--   when it ends; a lookup of both reads the two (a BitmapOr). The cancellation join from
--   enrollment_keys matches entries in force on the full hash through entries_active_unique.
-- * The UNIQUE (id) constraint duplicated entries_tenant_id (tenant_id, id): every lookup by id
--   goes through its tenant, so that index, now unique, makes ids unique, and lift requests
--   refer to their entry through it.
CREATE INDEX entries_ended_hash ON entries (tenant_id, ident_hash) WHERE ended_at IS NOT NULL;
DROP INDEX entries_short;

ALTER TABLE lift_requests DROP CONSTRAINT lift_requests_entry_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_id_key;
DROP INDEX entries_tenant_id;
CREATE UNIQUE INDEX entries_tenant_id ON entries (tenant_id, id);
ALTER TABLE lift_requests
    ADD CONSTRAINT lift_requests_entry_fkey FOREIGN KEY (tenant_id, entry_id) REFERENCES entries (tenant_id, id);
