//! Turning rows back into models. Nothing read from the database is trusted: a value that
//! does not decode is a `StoreError::Other` naming its table and column, never a panic.

use std::fmt::Display;

use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, Row, Sqlite, Type, TypeInfo, ValueRef};
use uuid::Uuid;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::AuditEvent;
use veto_domain::contact::Contact;
use veto_domain::id::{ApiKeyId, ContactId, EntryId, EventId, ImportId, LiftId, TenantId, UserId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::import::{ImportKind, ImportRecord};
use veto_domain::keyed_hash::{IdentHash, TenantSecret};
use veto_domain::lift::{LiftRequest, LiftStatus};
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_domain::suppression::{
    Channel, EndKind, Entry, EntryEnd, Purposes, Reason, SourceChannel,
};
use veto_store::{ApiKey, IndexRow, StoreError, StoreResult, Tenant, User};

/// The columns [`entry`] reads, in a literal so queries can be `concat!`-ed at compile time.
macro_rules! entry_cols {
    () => {
        "row_id, id, tenant_id, kind, identifier, ident_hash, include_subdomains, channel, \
         purposes, reason, source, evidence, role_account, created_by, created_at, valid_from, \
         expires_at, ended_at, end_kind, ended_by, lift_id, erased"
    };
}
pub(crate) use entry_cols;

macro_rules! tenant_cols {
    () => {
        "id, name, created_at, policy, secret"
    };
}
pub(crate) use tenant_cols;

macro_rules! user_cols {
    () => {
        "id, tenant_id, email, name, role, team, disabled, created_at, created_by"
    };
}
pub(crate) use user_cols;

macro_rules! key_cols {
    () => {
        "id, tenant_id, user_id, name, prefix, key_hash, created_at, created_by, revoked_at, revoked_by"
    };
}
pub(crate) use key_cols;

macro_rules! lift_cols {
    () => {
        "id, tenant_id, entry_id, requested_by, reason, evidence, status, created_at, decided_by, \
         decided_at, decision_note"
    };
}
pub(crate) use lift_cols;

macro_rules! event_cols {
    () => {
        "tenant_id, seq, id, at, actor, action, subject, data, prev_hash, hash"
    };
}
pub(crate) use event_cols;

/// A row of one table, read column by column with errors that say where the bad value is.
pub(crate) struct Cols<'r> {
    row: &'r SqliteRow,
    table: &'static str,
}

pub(crate) fn corrupt(table: &str, col: &str, detail: impl Display) -> StoreError {
    StoreError::Other(format!("corrupt value in {table}.{col}: {detail}"))
}

impl<'r> Cols<'r> {
    pub(crate) fn new(row: &'r SqliteRow, table: &'static str) -> Self {
        Self { row, table }
    }

    fn bad(&self, col: &str, detail: impl Display) -> StoreError {
        corrupt(self.table, col, detail)
    }

    pub(crate) fn get<T>(&self, col: &'static str) -> StoreResult<T>
    where
        T: Decode<'r, Sqlite> + Type<Sqlite>,
    {
        self.row.try_get(col).map_err(|e| self.bad(col, e))
    }

    pub(crate) fn i64(&self, col: &'static str) -> StoreResult<i64> {
        self.get(col)
    }

    pub(crate) fn flag(&self, col: &'static str) -> StoreResult<bool> {
        Ok(self.i64(col)? != 0)
    }

    pub(crate) fn text(&self, col: &'static str) -> StoreResult<String> {
        self.get(col)
    }

    pub(crate) fn opt_text(&self, col: &'static str) -> StoreResult<Option<String>> {
        self.get(col)
    }

    fn uuid_of(&self, col: &'static str, b: &[u8]) -> StoreResult<Uuid> {
        Uuid::from_slice(b).map_err(|e| self.bad(col, e))
    }

    pub(crate) fn uuid(&self, col: &'static str) -> StoreResult<Uuid> {
        let b: Vec<u8> = self.get(col)?;
        self.uuid_of(col, &b)
    }

    pub(crate) fn opt_uuid(&self, col: &'static str) -> StoreResult<Option<Uuid>> {
        let b: Option<Vec<u8>> = self.get(col)?;
        b.map(|b| self.uuid_of(col, &b)).transpose()
    }

    pub(crate) fn ts(&self, col: &'static str) -> StoreResult<Timestamp> {
        Ok(veto_domain::from_micros(self.i64(col)?))
    }

    pub(crate) fn opt_ts(&self, col: &'static str) -> StoreResult<Option<Timestamp>> {
        let v: Option<i64> = self.get(col)?;
        Ok(v.map(veto_domain::from_micros))
    }

    pub(crate) fn bytes32(&self, col: &'static str) -> StoreResult<[u8; 32]> {
        let b: Vec<u8> = self.get(col)?;
        <[u8; 32]>::try_from(b.as_slice())
            .map_err(|_| self.bad(col, format!("expected 32 bytes, found {}", b.len())))
    }

    fn actor_of(&self, col: &'static str, s: &str) -> StoreResult<Actor> {
        Actor::parse(s).ok_or_else(|| self.bad(col, format!("not an actor: {s:?}")))
    }

    /// An actor column: the text form, or the compact binary form ([`Actor::to_bytes`]) that
    /// the writers of entries and contacts use (`store::actor_value`).
    pub(crate) fn actor(&self, col: &'static str) -> StoreResult<Actor> {
        self.opt_actor(col)?
            .ok_or_else(|| self.bad(col, "NULL where an actor is required"))
    }

    pub(crate) fn opt_actor(&self, col: &'static str) -> StoreResult<Option<Actor>> {
        let raw = self.row.try_get_raw(col).map_err(|e| self.bad(col, e))?;
        if raw.is_null() {
            return Ok(None);
        }
        if raw.type_info().name() == "BLOB" {
            let b: Vec<u8> = self.get(col)?;
            return Actor::from_bytes(&b)
                .map(Some)
                .ok_or_else(|| self.bad(col, format!("not an actor: {} bytes", b.len())));
        }
        let s = self.text(col)?;
        self.actor_of(col, &s).map(Some)
    }

    /// A closed-vocabulary text column.
    pub(crate) fn parse<T>(
        &self,
        col: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> StoreResult<T> {
        let s = self.text(col)?;
        parse(&s).ok_or_else(|| self.bad(col, format!("unknown value {s:?}")))
    }
}

pub(crate) fn tenant(row: &SqliteRow) -> StoreResult<Tenant> {
    let c = Cols::new(row, "tenants");
    let policy_text = c.text("policy")?;
    let policy: TenantPolicy =
        serde_json::from_str(&policy_text).map_err(|e| c.bad("policy", e))?;
    Ok(Tenant {
        id: TenantId(c.uuid("id")?),
        name: c.text("name")?,
        created_at: c.ts("created_at")?,
        policy,
        secret: TenantSecret(c.bytes32("secret")?),
    })
}

pub(crate) fn user(row: &SqliteRow) -> StoreResult<User> {
    let c = Cols::new(row, "users");
    Ok(User {
        id: UserId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        email: c.text("email")?,
        name: c.opt_text("name")?,
        role: c.parse("role", Role::parse)?,
        team: c.opt_text("team")?,
        disabled: c.flag("disabled")?,
        created_at: c.ts("created_at")?,
        created_by: c.actor("created_by")?,
    })
}

pub(crate) fn key(row: &SqliteRow) -> StoreResult<ApiKey> {
    let c = Cols::new(row, "api_keys");
    Ok(ApiKey {
        id: ApiKeyId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        user_id: UserId(c.uuid("user_id")?),
        name: c.opt_text("name")?,
        prefix: c.text("prefix")?,
        key_hash: c.bytes32("key_hash")?,
        created_at: c.ts("created_at")?,
        created_by: c.actor("created_by")?,
        revoked_at: c.opt_ts("revoked_at")?,
        revoked_by: c.opt_actor("revoked_by")?,
    })
}

/// An entry and its row id.
pub(crate) fn entry(row: &SqliteRow) -> StoreResult<(i64, Entry)> {
    let c = Cols::new(row, "entries");
    let kind = c.parse("kind", IdentifierKind::parse)?;
    let identifier = c
        .opt_text("identifier")?
        .map(|v| Identifier::parse(kind, &v).map_err(|e| c.bad("identifier", e)))
        .transpose()?;
    let purposes = purposes(&c)?;
    let ended = match c.opt_ts("ended_at")? {
        None => None,
        Some(at) => Some(EntryEnd {
            kind: c.parse("end_kind", EndKind::parse)?,
            at,
            by: c.actor("ended_by")?,
            lift_id: c.opt_uuid("lift_id")?.map(LiftId),
        }),
    };
    let e = Entry {
        id: EntryId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        kind,
        identifier,
        ident_hash: IdentHash(c.bytes32("ident_hash")?),
        include_subdomains: c.flag("include_subdomains")?,
        channel: c.parse("channel", Channel::parse)?,
        purposes,
        reason: c.parse("reason", Reason::parse)?,
        source: c.parse("source", SourceChannel::parse)?,
        evidence: c.opt_text("evidence")?,
        role_account: c.flag("role_account")?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
        valid_from: c.ts("valid_from")?,
        expires_at: c.opt_ts("expires_at")?,
        ended,
        erased: c.flag("erased")?,
    };
    Ok((c.i64("row_id")?, e))
}

/// The columns [`index_row`] reads.
macro_rules! index_cols {
    () => {
        "row_id, id, ident_hash, kind, include_subdomains, channel, purposes, reason, source, role_account, \
         valid_from, expires_at"
    };
}
pub(crate) use index_cols;

fn purposes(c: &Cols<'_>) -> StoreResult<Purposes> {
    let bits = c.i64("purposes")?;
    u8::try_from(bits)
        .ok()
        .and_then(Purposes::from_bits)
        .ok_or_else(|| c.bad("purposes", format!("not a purpose set: {bits}")))
}

/// One index row as [`crate::store`] selects it into JSON: ids and hashes in hex.
type IndexTuple<'a> = (
    i64,
    &'a str,
    &'a str,
    &'a str,
    i64,
    &'a str,
    i64,
    &'a str,
    &'a str,
    i64,
    i64,
    Option<i64>,
);

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `N` bytes from SQLite's `hex()` of a blob, without allocating (ids and hashes of every
/// exported entry go through here).
fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, p) in out.iter_mut().zip(b.chunks_exact(2)) {
        *o = hex_digit(p[0])? << 4 | hex_digit(p[1])?;
    }
    Some(out)
}

/// The bytes of SQLite's `hex()` of a blob of any length; `None` for anything else.
fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| Some(hex_digit(p[0])? << 4 | hex_digit(p[1])?))
        .collect()
}

/// An actor column as an export page's JSON carries it (see `entry_json!` in `imports.rs`):
/// the text form, or `~` and the hex of the compact binary form.
fn actor_json(s: &str) -> Option<Actor> {
    match s.strip_prefix('~') {
        Some(hex) => Actor::from_bytes(&unhex_vec(hex)?),
        None => Actor::parse(s),
    }
}

/// Index rows from the JSON array of arrays the index query builds.
pub(crate) fn index_rows_json(text: &str) -> StoreResult<Vec<IndexRow>> {
    let tuples: Vec<IndexTuple<'_>> =
        serde_json::from_str(text).map_err(|e| corrupt("entries", "(index rows)", e))?;
    let bad = |col: &str, v: &dyn Display| corrupt("entries", col, format!("unexpected value {v}"));
    tuples
        .into_iter()
        .map(|t| {
            let (row_id, id, hash, kind, sub, channel, purposes, reason, source, role, from, exp) =
                t;
            Ok(IndexRow {
                row_id,
                entry_id: EntryId(Uuid::from_bytes(unhex(id).ok_or_else(|| bad("id", &id))?)),
                hash: IdentHash(unhex(hash).ok_or_else(|| bad("ident_hash", &hash))?),
                kind: IdentifierKind::parse(kind).ok_or_else(|| bad("kind", &kind))?,
                include_subdomains: sub != 0,
                channel: Channel::parse(channel).ok_or_else(|| bad("channel", &channel))?,
                purposes: u8::try_from(purposes)
                    .ok()
                    .and_then(Purposes::from_bits)
                    .ok_or_else(|| bad("purposes", &purposes))?,
                reason: Reason::parse(reason).ok_or_else(|| bad("reason", &reason))?,
                source: SourceChannel::parse(source).ok_or_else(|| bad("source", &source))?,
                role_account: role != 0,
                valid_from: veto_domain::from_micros(from),
                expires_at: exp.map(veto_domain::from_micros),
            })
        })
        .collect()
}

pub(crate) fn lift(row: &SqliteRow) -> StoreResult<LiftRequest> {
    let c = Cols::new(row, "lift_requests");
    Ok(LiftRequest {
        id: LiftId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        entry_id: EntryId(c.uuid("entry_id")?),
        requested_by: UserId(c.uuid("requested_by")?),
        reason: c.text("reason")?,
        evidence: c.opt_text("evidence")?,
        status: c.parse("status", LiftStatus::parse)?,
        created_at: c.ts("created_at")?,
        decided_by: c.opt_uuid("decided_by")?.map(UserId),
        decided_at: c.opt_ts("decided_at")?,
        decision_note: c.opt_text("decision_note")?,
    })
}

pub(crate) fn event(row: &SqliteRow) -> StoreResult<AuditEvent> {
    let c = Cols::new(row, "audit_events");
    Ok(AuditEvent {
        tenant_id: TenantId(c.uuid("tenant_id")?),
        seq: c.i64("seq")?,
        id: EventId(c.uuid("id")?),
        at: c.ts("at")?,
        actor: c.text("actor")?,
        action: c.text("action")?,
        subject: c.opt_text("subject")?,
        data: c.text("data")?,
        prev_hash: c.bytes32("prev_hash")?,
        hash: c.bytes32("hash")?,
    })
}

macro_rules! contact_cols {
    () => {
        "tenant_id, id, emails, phone, name, company_id, company_name, owner, source_id, custom, \
         created_at, created_by, updated_at, updated_by, last_import"
    };
}
pub(crate) use contact_cols;

macro_rules! import_cols {
    () => {
        "tenant_id, id, kind, file_name, file_sha256, file_bytes, format, options, counts, \
         started_by, started_at, finished_at, report_chunks"
    };
}
pub(crate) use import_cols;

impl Cols<'_> {
    /// A JSON text column.
    pub(crate) fn json_text(&self, col: &'static str) -> StoreResult<(String, &'static str)> {
        Ok((self.text(col)?, col))
    }

    pub(crate) fn json_error(&self, col: &str, e: serde_json::Error) -> StoreError {
        self.bad(col, e)
    }
}

/// Decodes a JSON text column of `Cols` into the type the context expects.
macro_rules! json_col {
    ($c:expr, $col:literal) => {{
        let (text, col) = $c.json_text($col)?;
        serde_json::from_str(&text).map_err(|e| $c.json_error(col, e))
    }};
}
pub(crate) use json_col;

/// Serialises a value into a JSON text column.
macro_rules! to_json {
    ($v:expr, $what:literal) => {
        serde_json::to_string($v)
            .map_err(|e| veto_store::StoreError::Other(format!("cannot serialise {}: {e}", $what)))
    };
}
pub(crate) use to_json;

pub(crate) fn contact(row: &SqliteRow) -> StoreResult<Contact> {
    let c = Cols::new(row, "contacts");
    Ok(Contact {
        id: ContactId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        emails: json_col!(c, "emails")?,
        phone: c.opt_text("phone")?,
        name: c.opt_text("name")?,
        company_id: c.opt_text("company_id")?,
        company_name: c.opt_text("company_name")?,
        owner: c.opt_text("owner")?,
        source_id: c.opt_text("source_id")?,
        custom: json_col!(c, "custom")?,
        created_at: c.ts("created_at")?,
        created_by: c.actor("created_by")?,
        updated_at: c.ts("updated_at")?,
        updated_by: c.actor("updated_by")?,
        last_import: c.opt_uuid("last_import")?.map(ImportId),
    })
}

pub(crate) fn import(row: &SqliteRow) -> StoreResult<ImportRecord> {
    let c = Cols::new(row, "imports");
    let file_bytes = c.i64("file_bytes")?;
    let chunks = c.i64("report_chunks")?;
    Ok(ImportRecord {
        id: ImportId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        kind: c.parse("kind", ImportKind::parse)?,
        file_name: c.opt_text("file_name")?,
        file_sha256: c.text("file_sha256")?,
        file_bytes: u64::try_from(file_bytes).map_err(|e| c.bad("file_bytes", e))?,
        format: c.opt_text("format")?,
        options: json_col!(c, "options")?,
        counts: json_col!(c, "counts")?,
        started_by: c.actor("started_by")?,
        started_at: c.ts("started_at")?,
        finished_at: c.opt_ts("finished_at")?,
        report_chunks: u32::try_from(chunks).map_err(|e| c.bad("report_chunks", e))?,
    })
}

/// The JSON form of one entry in an export page (see `crate::imports`): two arrays, as serde
/// reads tuples of at most 16 elements.
type EntryJson<'a> = (
    (
        i64,
        &'a str,
        &'a str,
        Option<String>,
        &'a str,
        i64,
        &'a str,
        i64,
        &'a str,
        &'a str,
        Option<String>,
    ),
    (
        i64,
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    ),
);

/// Entries (with their row ids) of `tenant` from the JSON array of arrays an export page
/// query builds.
pub(crate) fn entries_json(tenant: TenantId, text: &str) -> StoreResult<Vec<(i64, Entry)>> {
    let rows: Vec<EntryJson<'_>> =
        serde_json::from_str(text).map_err(|e| corrupt("entries", "(export rows)", e))?;
    let bad = |col: &str, v: &dyn Display| corrupt("entries", col, format!("unexpected value {v}"));
    let uuid = |col: &str, s: &str| {
        unhex::<16>(s)
            .map(Uuid::from_bytes)
            .ok_or_else(|| bad(col, &s))
    };
    let actor = |col: &str, s: &str| actor_json(s).ok_or_else(|| bad(col, &s));
    rows.into_iter()
        .map(|(first, second)| {
            let (row_id, id, kind, identifier, ident_hash, include_subdomains, channel, purposes) =
                (first.0, first.1, first.2, first.3, first.4, first.5, first.6, first.7);
            let (reason, source, evidence) = (first.8, first.9, first.10);
            let (role_account, created_by, created_at, valid_from, expires_at, ended_at) = (
                second.0, second.1, second.2, second.3, second.4, second.5,
            );
            let (end_kind, ended_by, lift_id, erased) = (second.6, second.7, second.8, second.9);
            let kind = IdentifierKind::parse(kind).ok_or_else(|| bad("kind", &kind))?;
            let identifier = identifier
                .map(|v| {
                    Identifier::parse(kind, &v).map_err(|e| corrupt("entries", "identifier", e))
                })
                .transpose()?;
            let ended = match ended_at {
                None => None,
                Some(at) => {
                    let end_kind = end_kind.as_deref().unwrap_or_default();
                    Some(EntryEnd {
                        kind: EndKind::parse(end_kind).ok_or_else(|| bad("end_kind", &end_kind))?,
                        at: veto_domain::from_micros(at),
                        by: actor("ended_by", ended_by.as_deref().unwrap_or_default())?,
                        lift_id: lift_id
                            .map(|l| uuid("lift_id", &l))
                            .transpose()?
                            .map(LiftId),
                    })
                }
            };
            let e = Entry {
                id: EntryId(uuid("id", id)?),
                tenant_id: tenant,
                kind,
                identifier,
                ident_hash: IdentHash(
                    unhex(ident_hash).ok_or_else(|| bad("ident_hash", &ident_hash))?,
                ),
                include_subdomains: include_subdomains != 0,
                channel: Channel::parse(channel).ok_or_else(|| bad("channel", &channel))?,
                purposes: u8::try_from(purposes)
                    .ok()
                    .and_then(Purposes::from_bits)
                    .ok_or_else(|| bad("purposes", &purposes))?,
                reason: Reason::parse(reason).ok_or_else(|| bad("reason", &reason))?,
                source: SourceChannel::parse(source).ok_or_else(|| bad("source", &source))?,
                evidence,
                role_account: role_account != 0,
                created_by: actor("created_by", &created_by)?,
                created_at: veto_domain::from_micros(created_at),
                valid_from: veto_domain::from_micros(valid_from),
                expires_at: expires_at.map(veto_domain::from_micros),
                ended,
                erased: erased != 0,
            };
            Ok((row_id, e))
        })
        .collect()
}
