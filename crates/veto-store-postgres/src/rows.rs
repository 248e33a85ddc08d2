//! Decoding rows into models. Nothing read from the database is trusted: a value that does
//! not decode is a `StoreError::Other` naming its column, never a panic.

use sqlx::postgres::{PgRow, Postgres};
use sqlx::{Decode, Row, Type};
use uuid::Uuid;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::AuditEvent;
use veto_domain::contact::Contact;
use veto_domain::email::EmailAddress;
use veto_domain::id::{ApiKeyId, ContactId, EntryId, EventId, ImportId, LiftId, TenantId, UserId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::import::{ImportCounts, ImportKind, ImportRecord};
use veto_domain::keyed_hash::{IdentHash, TenantSecret};
use veto_domain::lift::{LiftRequest, LiftStatus};
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_domain::suppression::{
    Channel, EndKind, Entry, EntryEnd, Purposes, Reason, SourceChannel,
};
use veto_store::{ApiKey, Change, ChangeOp, IndexRow, StoreError, StoreResult, Tenant, User};

/// Columns of `entries` in the order [`entry`] reads them by name.
macro_rules! entry_cols {
    () => {
        "row_id, id, tenant_id, kind, identifier, ident_hash, include_subdomains, channel, \
         purposes, reason, source, evidence, role_account, created_by, created_at, valid_from, \
         expires_at, ended_at, end_kind, ended_by, lift_id, erased"
    };
}
pub(crate) use entry_cols;

/// Columns of `entries` that [`index_row`] reads: only what the check index holds, since a
/// node loads every active row of a tenant at start.
macro_rules! index_cols {
    () => {
        "row_id, id, ident_hash, kind, include_subdomains, channel, purposes, reason, source, \
         role_account, valid_from, expires_at"
    };
}
pub(crate) use index_cols;

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

macro_rules! audit_cols {
    () => {
        "tenant_id, seq, id, at, actor, action, subject, data, prev_hash, hash"
    };
}
pub(crate) use audit_cols;

fn corrupt(col: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("corrupt value in column {col}: {what}"))
}

pub(crate) fn get<'r, T>(row: &'r PgRow, col: &'static str) -> StoreResult<T>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(col).map_err(|e| corrupt(col, e))
}

fn ts(row: &PgRow, col: &'static str) -> StoreResult<Timestamp> {
    Ok(veto_domain::from_micros(get::<i64>(row, col)?))
}

fn opt_ts(row: &PgRow, col: &'static str) -> StoreResult<Option<Timestamp>> {
    Ok(get::<Option<i64>>(row, col)?.map(veto_domain::from_micros))
}

pub(crate) fn bytes32(row: &PgRow, col: &'static str) -> StoreResult<[u8; 32]> {
    let v: Vec<u8> = get(row, col)?;
    <[u8; 32]>::try_from(v.as_slice())
        .map_err(|_| corrupt(col, format!("expected 32 bytes, found {}", v.len())))
}

fn parsed<T>(
    row: &PgRow,
    col: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> StoreResult<T> {
    let s: String = get(row, col)?;
    parse(&s).ok_or_else(|| corrupt(col, format!("unknown value '{s}'")))
}

fn opt_parsed<T>(
    row: &PgRow,
    col: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    match get::<Option<String>>(row, col)? {
        None => Ok(None),
        Some(s) => parse(&s)
            .map(Some)
            .ok_or_else(|| corrupt(col, format!("unknown value '{s}'"))),
    }
}

fn uuid(row: &PgRow, col: &'static str) -> StoreResult<Uuid> {
    get(row, col)
}

fn opt_uuid(row: &PgRow, col: &'static str) -> StoreResult<Option<Uuid>> {
    get(row, col)
}

/// Reads a row's columns one after another, by position: cheaper than a lookup by name per
/// column, which is measurable when millions of rows are read. Debug builds check each name.
struct Seq<'r> {
    row: &'r PgRow,
    i: usize,
}

impl<'r> Seq<'r> {
    fn new(row: &'r PgRow) -> Self {
        Self { row, i: 0 }
    }

    fn next<T: Decode<'r, Postgres> + Type<Postgres>>(
        &mut self,
        col: &'static str,
    ) -> StoreResult<T> {
        debug_assert_eq!(
            self.row.columns().get(self.i).map(sqlx::Column::name),
            Some(col),
            "column {} is not {col}",
            self.i
        );
        let v = self.row.try_get(self.i).map_err(|e| corrupt(col, e));
        self.i += 1;
        v
    }

    fn parsed<T>(
        &mut self,
        col: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> StoreResult<T> {
        let s: &str = self.next(col)?;
        parse(s).ok_or_else(|| corrupt(col, format!("unknown value '{s}'")))
    }

    fn ts(&mut self, col: &'static str) -> StoreResult<Timestamp> {
        Ok(veto_domain::from_micros(self.next::<i64>(col)?))
    }

    fn opt_ts(&mut self, col: &'static str) -> StoreResult<Option<Timestamp>> {
        Ok(self.next::<Option<i64>>(col)?.map(veto_domain::from_micros))
    }
}

/// An entry and its row id, from the columns of `entry_cols!` in that order (every query of
/// entries selects exactly those).
pub(crate) fn entry(row: &PgRow) -> StoreResult<(i64, Entry)> {
    let mut c = Seq::new(row);
    let row_id: i64 = c.next("row_id")?;
    let id = EntryId(c.next("id")?);
    let tenant_id = TenantId(c.next("tenant_id")?);
    let kind = c.parsed("kind", IdentifierKind::parse)?;
    let identifier = match c.next::<Option<&str>>("identifier")? {
        None => None,
        Some(v) => Some(Identifier::parse(kind, v).map_err(|e| corrupt("identifier", e))?),
    };
    let hash: &[u8] = c.next("ident_hash")?;
    let ident_hash = IdentHash::from_slice(hash).ok_or_else(|| {
        corrupt(
            "ident_hash",
            format!("expected 32 bytes, found {}", hash.len()),
        )
    })?;
    let include_subdomains = c.next("include_subdomains")?;
    let channel = c.parsed("channel", Channel::parse)?;
    let bits: i16 = c.next("purposes")?;
    let purposes = u8::try_from(bits)
        .ok()
        .and_then(Purposes::from_bits)
        .ok_or_else(|| corrupt("purposes", format!("not a purpose set: {bits}")))?;
    let reason = c.parsed("reason", Reason::parse)?;
    let source = c.parsed("source", SourceChannel::parse)?;
    let evidence = c.next("evidence")?;
    let role_account = c.next("role_account")?;
    let created_by = c.parsed("created_by", Actor::parse)?;
    let created_at = c.ts("created_at")?;
    let valid_from = c.ts("valid_from")?;
    let expires_at = c.opt_ts("expires_at")?;
    let ended_at = c.opt_ts("ended_at")?;
    let end_kind: Option<&str> = c.next("end_kind")?;
    let ended_by: Option<&str> = c.next("ended_by")?;
    let lift_id: Option<Uuid> = c.next("lift_id")?;
    let ended = match ended_at {
        None => None,
        Some(at) => Some(EntryEnd {
            kind: end_kind
                .map(|k| {
                    EndKind::parse(k)
                        .ok_or_else(|| corrupt("end_kind", format!("unknown value '{k}'")))
                })
                .transpose()?
                .ok_or_else(|| corrupt("end_kind", "missing on an ended entry"))?,
            at,
            by: ended_by
                .map(|a| {
                    Actor::parse(a)
                        .ok_or_else(|| corrupt("ended_by", format!("unknown value '{a}'")))
                })
                .transpose()?
                .ok_or_else(|| corrupt("ended_by", "missing on an ended entry"))?,
            lift_id: lift_id.map(LiftId),
        }),
    };
    let e = Entry {
        id,
        tenant_id,
        kind,
        identifier,
        ident_hash,
        include_subdomains,
        channel,
        purposes,
        reason,
        source,
        evidence,
        role_account,
        created_by,
        created_at,
        valid_from,
        expires_at,
        ended,
        erased: c.next("erased")?,
    };
    Ok((row_id, e))
}

/// Reads columns by position (in `index_cols!` order): a node start decodes every active row
/// of a tenant, and a lookup by name per column is measurable at ten million rows.
pub(crate) fn index_row(row: &PgRow) -> StoreResult<IndexRow> {
    fn at<'r, T: Decode<'r, Postgres> + Type<Postgres>>(
        row: &'r PgRow,
        i: usize,
        col: &'static str,
    ) -> StoreResult<T> {
        row.try_get(i).map_err(|e| corrupt(col, e))
    }
    fn text<T>(
        row: &PgRow,
        i: usize,
        col: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> StoreResult<T> {
        let s: &str = at(row, i, col)?;
        parse(s).ok_or_else(|| corrupt(col, format!("unknown value '{s}'")))
    }
    let hash: &[u8] = at(row, 2, "ident_hash")?;
    let purposes: i16 = at(row, 6, "purposes")?;
    Ok(IndexRow {
        row_id: at(row, 0, "row_id")?,
        entry_id: EntryId(at(row, 1, "id")?),
        hash: IdentHash::from_slice(hash).ok_or_else(|| {
            corrupt(
                "ident_hash",
                format!("expected 32 bytes, found {}", hash.len()),
            )
        })?,
        kind: text(row, 3, "kind", IdentifierKind::parse)?,
        include_subdomains: at(row, 4, "include_subdomains")?,
        channel: text(row, 5, "channel", Channel::parse)?,
        purposes: u8::try_from(purposes)
            .ok()
            .and_then(Purposes::from_bits)
            .ok_or_else(|| corrupt("purposes", format!("not a purpose set: {purposes}")))?,
        reason: text(row, 7, "reason", Reason::parse)?,
        source: text(row, 8, "source", SourceChannel::parse)?,
        role_account: at(row, 9, "role_account")?,
        valid_from: veto_domain::from_micros(at(row, 10, "valid_from")?),
        expires_at: at::<Option<i64>>(row, 11, "expires_at")?.map(veto_domain::from_micros),
    })
}

pub(crate) fn tenant(row: &PgRow) -> StoreResult<Tenant> {
    let policy: String = get(row, "policy")?;
    Ok(Tenant {
        id: TenantId(uuid(row, "id")?),
        name: get(row, "name")?,
        created_at: ts(row, "created_at")?,
        policy: serde_json::from_str::<TenantPolicy>(&policy).map_err(|e| corrupt("policy", e))?,
        secret: TenantSecret(bytes32(row, "secret")?),
    })
}

pub(crate) fn user(row: &PgRow) -> StoreResult<User> {
    Ok(User {
        id: UserId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: parsed(row, "role", Role::parse)?,
        team: get(row, "team")?,
        disabled: get(row, "disabled")?,
        created_at: ts(row, "created_at")?,
        created_by: parsed(row, "created_by", Actor::parse)?,
    })
}

pub(crate) fn api_key(row: &PgRow) -> StoreResult<ApiKey> {
    Ok(ApiKey {
        id: ApiKeyId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        user_id: UserId(uuid(row, "user_id")?),
        name: get(row, "name")?,
        prefix: get(row, "prefix")?,
        key_hash: bytes32(row, "key_hash")?,
        created_at: ts(row, "created_at")?,
        created_by: parsed(row, "created_by", Actor::parse)?,
        revoked_at: opt_ts(row, "revoked_at")?,
        revoked_by: opt_parsed(row, "revoked_by", Actor::parse)?,
    })
}

pub(crate) fn lift(row: &PgRow) -> StoreResult<LiftRequest> {
    Ok(LiftRequest {
        id: LiftId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        entry_id: EntryId(uuid(row, "entry_id")?),
        requested_by: UserId(uuid(row, "requested_by")?),
        reason: get(row, "reason")?,
        evidence: get(row, "evidence")?,
        status: parsed(row, "status", LiftStatus::parse)?,
        created_at: ts(row, "created_at")?,
        decided_by: opt_uuid(row, "decided_by")?.map(UserId),
        decided_at: opt_ts(row, "decided_at")?,
        decision_note: get(row, "decision_note")?,
    })
}

pub(crate) fn audit_event(row: &PgRow) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        seq: get(row, "seq")?,
        id: EventId(uuid(row, "id")?),
        at: ts(row, "at")?,
        actor: get(row, "actor")?,
        action: get(row, "action")?,
        subject: get(row, "subject")?,
        data: get(row, "data")?,
        prev_hash: bytes32(row, "prev_hash")?,
        hash: bytes32(row, "hash")?,
    })
}

pub(crate) fn change(row: &PgRow) -> StoreResult<Change> {
    let op: i16 = get(row, "op")?;
    let a: i64 = get(row, "a")?;
    let b: i64 = get(row, "b")?;
    Ok(Change {
        seq: get(row, "seq")?,
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        op: ChangeOp::decode(op, a, b)
            .ok_or_else(|| corrupt("op", format!("unknown change op {op}")))?,
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

/// A JSON text column.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &PgRow,
    col: &'static str,
) -> StoreResult<T> {
    let s: &str = get(row, col)?;
    serde_json::from_str(s).map_err(|e| corrupt(col, e))
}

pub(crate) fn contact(row: &PgRow) -> StoreResult<Contact> {
    Ok(Contact {
        id: ContactId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        emails: json::<Vec<EmailAddress>>(row, "emails")?,
        phone: get(row, "phone")?,
        name: get(row, "name")?,
        company_id: get(row, "company_id")?,
        company_name: get(row, "company_name")?,
        owner: get(row, "owner")?,
        source_id: get(row, "source_id")?,
        custom: json(row, "custom")?,
        created_at: ts(row, "created_at")?,
        created_by: parsed(row, "created_by", Actor::parse)?,
        updated_at: ts(row, "updated_at")?,
        updated_by: parsed(row, "updated_by", Actor::parse)?,
        last_import: opt_uuid(row, "last_import")?.map(ImportId),
    })
}

pub(crate) fn import(row: &PgRow) -> StoreResult<ImportRecord> {
    let file_bytes: i64 = get(row, "file_bytes")?;
    let chunks: i32 = get(row, "report_chunks")?;
    Ok(ImportRecord {
        id: ImportId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        kind: parsed(row, "kind", ImportKind::parse)?,
        file_name: get(row, "file_name")?,
        file_sha256: get(row, "file_sha256")?,
        file_bytes: u64::try_from(file_bytes).map_err(|e| corrupt("file_bytes", e))?,
        format: get(row, "format")?,
        options: json(row, "options")?,
        counts: json::<ImportCounts>(row, "counts")?,
        started_by: parsed(row, "started_by", Actor::parse)?,
        started_at: ts(row, "started_at")?,
        finished_at: opt_ts(row, "finished_at")?,
        report_chunks: u32::try_from(chunks).map_err(|e| corrupt("report_chunks", e))?,
    })
}

macro_rules! signal_cols {
    () => {
        "id, tenant_id, key, via, content_type, size, message_id, received_by, received_at, kind, \
         outcome, ignored, processed_at, erased"
    };
}
pub(crate) use signal_cols;

pub(crate) fn signal(row: &PgRow) -> StoreResult<veto_domain::signal::Signal> {
    let size: i64 = get(row, "size")?;
    Ok(veto_domain::signal::Signal {
        id: veto_domain::id::SignalId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        key: get(row, "key")?,
        via: veto_domain::signal::Via::parse(&get::<String>(row, "via")?),
        content_type: get(row, "content_type")?,
        size: u64::try_from(size).map_err(|e| corrupt("size", e))?,
        message_id: get(row, "message_id")?,
        received_by: parsed(row, "received_by", Actor::parse)?,
        received_at: ts(row, "received_at")?,
        kind: get(row, "kind")?,
        outcome: get(row, "outcome")?,
        ignored: get(row, "ignored")?,
        processed_at: opt_ts(row, "processed_at")?,
        erased: get(row, "erased")?,
    })
}

pub(crate) fn source(row: &PgRow) -> StoreResult<veto_domain::inbound::InboundSource> {
    Ok(veto_domain::inbound::InboundSource {
        id: veto_domain::id::SourceId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        kind: parsed(row, "kind", veto_domain::inbound::SourceKind::parse)?,
        name: get(row, "name")?,
        config: get(row, "config")?,
        secret: get(row, "secret")?,
        state: get(row, "state")?,
        enabled: get(row, "enabled")?,
        created_by: parsed(row, "created_by", Actor::parse)?,
        created_at: ts(row, "created_at")?,
        last_run_at: opt_ts(row, "last_run_at")?,
        last_error: get(row, "last_error")?,
    })
}

pub(crate) fn route(row: &PgRow) -> StoreResult<veto_domain::route::Route> {
    let port: i32 = get(row, "port")?;
    Ok(veto_domain::route::Route {
        id: veto_domain::id::RouteId(uuid(row, "id")?),
        tenant_id: TenantId(uuid(row, "tenant_id")?),
        name: get(row, "name")?,
        host: get(row, "host")?,
        port: u16::try_from(port).map_err(|e| corrupt("port", e))?,
        tls: parsed(row, "tls", veto_domain::route::RouteTls::parse)?,
        username: get(row, "username")?,
        password: get(row, "password")?,
        is_default: get(row, "is_default")?,
        created_by: parsed(row, "created_by", Actor::parse)?,
        created_at: ts(row, "created_at")?,
    })
}
