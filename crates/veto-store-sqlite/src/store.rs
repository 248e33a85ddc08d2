//! The [`Store`] implementation: hand-written SQL, one transaction per use case.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use serde_json::json;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use uuid::Uuid;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, AuditEvent};
use veto_domain::contact::Contact;
use veto_domain::id::{
    ApiKeyId, ContactId, EntryId, ImportId, LiftId, RouteId, SignalId, SourceId, TenantId, UserId,
};
use veto_domain::import::ImportRecord;
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::lift::{LiftRequest, LiftStatus};
use veto_domain::policy::TenantPolicy;
use veto_domain::route::Route;
use veto_domain::signal::{NewSignal, Signal, SignalFinish, SignalStart, SoftBounceCount};
use veto_domain::suppression::{EndKind, Entry, EntryEnd, NewEntry};
use veto_store::events;
use veto_store::{
    AddOutcome, ApiKey, AuditFilter, Change, ChangeOp, EntryFilter, EntryStatus, ErasureReport,
    ImportReport, IndexRow, LeadImportTx, LiftDecision, LiftFilter, Page, PageRequest,
    SignalFilter, Store, StoreError, StoreResult, Tenant, User, UserPatch,
};

use crate::SqliteStore;
use crate::batch::Batched;
use crate::contacts;
use crate::decode::{
    self, entry_cols, event_cols, index_cols, key_cols, lift_cols, tenant_cols, user_cols,
};

pub(crate) type Tx = Transaction<'static, Sqlite>;
pub(crate) type Q<'q> = Query<'q, Sqlite, SqliteArguments>;

/// The actor that ends entries whose expiry passed.
const EXPIRY_ACTOR: &str = "system:expiry";

/// Index rows per query when reading a range.
const INDEX_PAGE: i64 = 100_000;

/// Ids per `json_each` list in one query.
pub(crate) const LIST_CHUNK: usize = 5000;

/// How an actor is written to the columns that repeat it on millions of rows (entries'
/// `created_by`, contacts' `created_by` and `updated_by`): the compact binary form, 33 bytes
/// for an API key's actor against 83 for the text form. Readers accept both forms, so rows
/// written before keep their text.
pub(crate) fn actor_value(a: &Actor) -> Vec<u8> {
    a.to_bytes()
}

pub(crate) fn blob(u: Uuid) -> Vec<u8> {
    u.as_bytes().to_vec()
}

pub(crate) fn us(t: Timestamp) -> i64 {
    veto_domain::to_micros(t)
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound("row"),
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.message().to_string())
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::NotFound("referenced object")
        }
        _ => StoreError::Other(e.to_string()),
    }
}

/// Maps a unique violation to a conflict the caller can show.
pub(crate) fn unique_or(e: sqlx::Error, msg: impl FnOnce() -> String) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(msg()),
        _ => db_err(e),
    }
}

/// Builds a page from up to `limit + 1` fetched items.
pub(crate) fn page<T, C>(mut items: Vec<T>, limit: usize, cursor: impl Fn(&T) -> C) -> Page<T, C> {
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(cursor)
    } else {
        None
    };
    Page { items, next }
}

/// A page's limit: at least one, so an empty first page never claims to be the last.
pub(crate) fn limit_of(limit: u32) -> usize {
    (limit as usize).max(1)
}

fn json_list(items: &[i64]) -> StoreResult<String> {
    serde_json::to_string(items).map_err(StoreError::other)
}

/// A JSON array of the hashes in hex, for `unhex(value) FROM json_each(?)`.
pub(crate) fn hex_list(hashes: &[IdentHash]) -> String {
    let mut s = String::with_capacity(hashes.len() * 67 + 2);
    s.push('[');
    for (i, h) in hashes.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.push_str(&h.to_hex());
        s.push('"');
    }
    s.push(']');
    s
}

/// Selects `cols` of the entries of tenant `?1` keyed on one of the hex hashes of the JSON
/// array `?2`, in force or not. Each half of the union uses one of the two partial indexes on
/// the hash (a query without a condition on `ended_at` could use neither and scan the tenant).
macro_rules! by_hash {
    ($($cols:tt)+) => {
        concat!(
            "SELECT ", $($cols)+, " FROM entries WHERE tenant_id = ?1 AND ended_at IS NULL \
             AND ident_hash IN (SELECT unhex(value) FROM json_each(?2)) \
             UNION ALL SELECT ", $($cols)+, " FROM entries WHERE tenant_id = ?1 AND ended_at IS NOT NULL \
             AND ident_hash IN (SELECT unhex(value) FROM json_each(?2))"
        )
    };
}

fn with_counts(mut data: serde_json::Value, counts: serde_json::Value) -> serde_json::Value {
    if !data.is_object() {
        data = json!({ "details": data });
    }
    if let (Some(obj), serde_json::Value::Object(extra)) = (data.as_object_mut(), counts) {
        obj.extend(extra);
    }
    data
}

const EVENT_HEAD: &str = "INSERT INTO audit_events (tenant_id, seq, id, at, actor, actor_user, action, subject, \
     data, prev_hash, hash) VALUES ";

/// Events go in as multi-row statements: an import may append tens of thousands at once.
static INSERT_EVENTS: LazyLock<Batched> = LazyLock::new(|| {
    Batched::new_or_ignore(EVENT_HEAD, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 11, "")
});

/// Seals `drafts` into the tenant's chain after its recorded head and moves the head, inside
/// the caller's transaction (so the events commit with the change they describe, or not at all).
pub(crate) async fn append_events(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    drafts: &[AuditDraft],
) -> StoreResult<Vec<AuditEvent>> {
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let row = sqlx::query("SELECT audit_seq, audit_head FROM tenants WHERE id = ?")
        .bind(blob(tenant.0))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tenant"))?;
    let c = decode::Cols::new(&row, "tenants");
    let mut seq = c.i64("audit_seq")?;
    let mut prev = c.bytes32("audit_head")?;
    let at = veto_domain::now();
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        let e = AuditEvent::seal(tenant, d, seq + 1, prev, at);
        seq = e.seq;
        prev = e.hash;
        out.push(e);
    }
    let rows: Vec<(&AuditDraft, &AuditEvent)> = drafts.iter().zip(&out).collect();
    INSERT_EVENTS
        .execute_all(&mut *conn, &rows, |q, (d, e)| {
            q.bind(blob(tenant.0))
                .bind(e.seq)
                .bind(blob(e.id.0))
                .bind(us(e.at))
                .bind(e.actor.clone())
                .bind(d.actor.user().map(|u| blob(u.0)))
                .bind(e.action.clone())
                .bind(e.subject.clone())
                .bind(e.data.clone())
                .bind(e.prev_hash.to_vec())
                .bind(e.hash.to_vec())
        }, || {
            StoreError::Conflict(format!(
                "the audit chain of tenant {tenant} already has an event at one of the new positions"
            ))
        })
        .await?;
    sqlx::query("UPDATE tenants SET audit_seq = ?, audit_head = ? WHERE id = ?")
        .bind(seq)
        .bind(prev.to_vec())
        .bind(blob(tenant.0))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(out)
}

pub(crate) async fn append_change(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    op: ChangeOp,
) -> StoreResult<()> {
    let (code, a, b) = op.encode();
    sqlx::query("INSERT INTO changes (tenant_id, op, a, b) VALUES (?, ?, ?, ?)")
        .bind(blob(tenant.0))
        .bind(code)
        .bind(a)
        .bind(b)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) const INSERT_ENTRY_HEAD: &str = "INSERT INTO entries (id, tenant_id, kind, identifier, ident_hash, ident_short, \
     include_subdomains, channel, purposes, reason, source, evidence, role_account, created_by, created_at, valid_from, \
     expires_at) VALUES ";
pub(crate) const ENTRY_PARAMS: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// Entries per multi-row INSERT of an import: a prepared statement with many rows keeps the
/// per-statement round trip to sqlx's worker thread out of the per-row cost, while 17
/// parameters per row stay far below SQLite's limit of bound parameters.
const IMPORT_ROWS_PER_STATEMENT: usize = 500;

/// Duplicates (the same suppression in force, or an entry id seen before) are skipped, not
/// errors: an import may be re-run.
///
/// `OR IGNORE` on the whole statement, not an `ON CONFLICT` clause: a multi-row statement that
/// may abort half way makes SQLite copy every page it first touches into a statement journal
/// (to undo just that statement), which doubled the cost of a bulk load. With `OR IGNORE` no
/// constraint aborts the statement; every column is bound from a non-optional value, so the
/// only rows skipped are the duplicates.
static IMPORT_MANY: LazyLock<String> = LazyLock::new(|| {
    let rows = vec![ENTRY_PARAMS; IMPORT_ROWS_PER_STATEMENT].join(", ");
    format!(
        "{}{rows}",
        INSERT_ENTRY_HEAD.replacen("INSERT", "INSERT OR IGNORE", 1)
    )
});
static IMPORT_ONE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{}{ENTRY_PARAMS}",
        INSERT_ENTRY_HEAD.replacen("INSERT", "INSERT OR IGNORE", 1)
    )
});
static INSERT_ONE: LazyLock<String> =
    LazyLock::new(|| format!("{INSERT_ENTRY_HEAD}{ENTRY_PARAMS}"));

pub(crate) fn bind_entry<'q>(q: Q<'q>, tenant: TenantId, e: &NewEntry) -> Q<'q> {
    q.bind(blob(e.id.0))
        .bind(blob(tenant.0))
        .bind(e.kind.as_str())
        .bind(e.identifier.as_ref().map(|i| i.value().to_string()))
        .bind(e.ident_hash.0.to_vec())
        .bind(e.ident_hash.short_i64())
        .bind(e.include_subdomains)
        .bind(e.channel.as_str())
        .bind(i64::from(e.purposes.bits()))
        .bind(e.reason.as_str())
        .bind(e.source.as_str())
        .bind(e.evidence.clone())
        .bind(e.role_account)
        .bind(actor_value(&e.created_by))
        .bind(us(e.created_at))
        .bind(us(e.valid_from))
        .bind(e.expires_at.map(us))
}

pub(crate) fn entries_of(rows: &[SqliteRow]) -> StoreResult<Vec<(i64, Entry)>> {
    rows.iter().map(decode::entry).collect()
}

/// Ends entries whose expiry passed, as of that expiry, with their change and audit events.
pub(crate) async fn end_expired(
    conn: &mut SqliteConnection,
    due: Vec<(i64, Entry)>,
) -> StoreResult<Vec<Entry>> {
    let mut drafts: BTreeMap<TenantId, Vec<AuditDraft>> = BTreeMap::new();
    let mut out = Vec::with_capacity(due.len());
    for (row_id, mut e) in due {
        let Some(at) = e.expires_at else {
            continue;
        };
        sqlx::query("UPDATE entries SET ended_at = ?, end_kind = ?, ended_by = ? WHERE row_id = ? AND ended_at IS NULL")
            .bind(us(at))
            .bind(EndKind::Expired.as_str())
            .bind(EXPIRY_ACTOR)
            .bind(row_id)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        append_change(
            &mut *conn,
            e.tenant_id,
            ChangeOp::Ended {
                row_id,
                short: e.ident_hash.short_i64(),
            },
        )
        .await?;
        e.ended = Some(EntryEnd {
            kind: EndKind::Expired,
            at,
            by: Actor::system("expiry"),
            lift_id: None,
        });
        drafts
            .entry(e.tenant_id)
            .or_default()
            .push(events::suppression_expired(&e));
        out.push(e);
    }
    for (tenant, drafts) in drafts {
        append_events(&mut *conn, tenant, &drafts).await?;
    }
    Ok(out)
}

async fn insert_user(conn: &mut SqliteConnection, u: &User) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO users (",
        user_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(blob(u.id.0))
    .bind(blob(u.tenant_id.0))
    .bind(u.email.clone())
    .bind(u.name.clone())
    .bind(u.role.as_str())
    .bind(u.team.clone())
    .bind(u.disabled)
    .bind(us(u.created_at))
    .bind(u.created_by.to_string())
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        unique_or(e, || {
            format!("a user with the e-mail {} already exists", u.email)
        })
    })?;
    Ok(())
}

async fn insert_key(conn: &mut SqliteConnection, k: &ApiKey) -> StoreResult<()> {
    let owner = sqlx::query("SELECT 1 FROM users WHERE tenant_id = ? AND id = ?")
        .bind(blob(k.tenant_id.0))
        .bind(blob(k.user_id.0))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    if owner.is_none() {
        return Err(StoreError::NotFound("user"));
    }
    sqlx::query(concat!(
        "INSERT INTO api_keys (",
        key_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(blob(k.id.0))
    .bind(blob(k.tenant_id.0))
    .bind(blob(k.user_id.0))
    .bind(k.name.clone())
    .bind(k.prefix.clone())
    .bind(k.key_hash.to_vec())
    .bind(us(k.created_at))
    .bind(k.created_by.to_string())
    .bind(k.revoked_at.map(us))
    .bind(k.revoked_by.as_ref().map(ToString::to_string))
    .execute(&mut *conn)
    .await
    .map_err(|e| unique_or(e, || "an API key with this secret already exists".into()))?;
    Ok(())
}

async fn entry_in(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: EntryId,
) -> StoreResult<(i64, Entry)> {
    let row = sqlx::query(concat!(
        "SELECT ",
        entry_cols!(),
        " FROM entries WHERE tenant_id = ? AND id = ?"
    ))
    .bind(blob(tenant.0))
    .bind(blob(id.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("entry"))?;
    decode::entry(&row)
}

async fn user_in(conn: &mut SqliteConnection, tenant: TenantId, id: UserId) -> StoreResult<User> {
    let row = sqlx::query(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users WHERE tenant_id = ? AND id = ?"
    ))
    .bind(blob(tenant.0))
    .bind(blob(id.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("user"))?;
    decode::user(&row)
}

async fn key_in(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: ApiKeyId,
) -> StoreResult<ApiKey> {
    let row = sqlx::query(concat!(
        "SELECT ",
        key_cols!(),
        " FROM api_keys WHERE tenant_id = ? AND id = ?"
    ))
    .bind(blob(tenant.0))
    .bind(blob(id.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("API key"))?;
    decode::key(&row)
}

async fn lift_in(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: LiftId,
) -> StoreResult<LiftRequest> {
    let row = sqlx::query(concat!(
        "SELECT ",
        lift_cols!(),
        " FROM lift_requests WHERE tenant_id = ? AND id = ?"
    ))
    .bind(blob(tenant.0))
    .bind(blob(id.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("lift request"))?;
    decode::lift(&row)
}

fn in_force(e: &Entry, now: Timestamp) -> bool {
    e.ended.is_none() && e.expires_at.is_none_or(|x| x > now)
}

/// Index rows come back as one JSON document per page: sqlx materialises every result row
/// with an allocation per column, which would dominate loading millions of rows.
const INDEX_PAGE_SQL: &str = concat!(
    "SELECT json_group_array(json_array(row_id, hex(id), hex(ident_hash), kind, include_subdomains, channel, \
     purposes, reason, source, role_account, valid_from, expires_at)) FROM (SELECT ",
    index_cols!(),
    " FROM entries WHERE tenant_id = ? AND row_id > ? AND row_id <= ? AND ended_at IS NULL ORDER BY row_id LIMIT ?)"
);

impl SqliteStore {
    /// Commits a transaction that appended nothing to the change feed (send records, claims,
    /// enrolments): not counted, so the node's freshness barrier need not read the feed after
    /// it.
    pub(crate) async fn commit_outside_feed(
        &self,
        tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    ) -> StoreResult<()> {
        tx.commit().await.map_err(db_err)
    }

    /// Commits and counts the write (after the commit: a counted write is durable and visible).
    pub(crate) async fn commit(&self, tx: sqlx::Transaction<'_, sqlx::Sqlite>) -> StoreResult<()> {
        tx.commit().await.map_err(db_err)?;
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Entries not ended with `after < row_id <= last`, in row order, at most `limit`.
    async fn index_page(
        &self,
        tenant: TenantId,
        after: i64,
        last: i64,
        limit: i64,
    ) -> StoreResult<Vec<IndexRow>> {
        let text: String = sqlx::query(INDEX_PAGE_SQL)
            .bind(blob(tenant.0))
            .bind(after)
            .bind(last)
            .bind(limit)
            .fetch_one(&self.reader)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        decode::index_rows_json(&text)
    }

    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads first
        // could find the snapshot stale when it tries to write and fail instead of waiting.
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }

    pub(crate) async fn read(&self) -> StoreResult<sqlx::pool::PoolConnection<Sqlite>> {
        self.reader.acquire().await.map_err(db_err)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn local_writes(&self) -> Option<u64> {
        Some(self.writes.load(std::sync::atomic::Ordering::SeqCst))
    }

    // ----- tenants -----

    async fn create_tenant(
        &self,
        tenant: Tenant,
        admin: User,
        key: ApiKey,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<()> {
        let policy = serde_json::to_string(&tenant.policy).map_err(StoreError::other)?;
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO tenants (",
            tenant_cols!(),
            ") VALUES (?, ?, ?, ?, ?)"
        ))
        .bind(blob(tenant.id.0))
        .bind(tenant.name.clone())
        .bind(us(tenant.created_at))
        .bind(policy)
        .bind(tenant.secret.0.to_vec())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("a tenant named {:?} already exists", tenant.name)
            })
        })?;
        insert_user(&mut tx, &admin).await?;
        insert_key(&mut tx, &key).await?;
        append_events(&mut tx, tenant.id, &drafts).await?;
        self.commit(tx).await
    }

    async fn get_tenant(&self, id: TenantId) -> StoreResult<Tenant> {
        let row = sqlx::query(concat!(
            "SELECT ",
            tenant_cols!(),
            " FROM tenants WHERE id = ?"
        ))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tenant"))?;
        decode::tenant(&row)
    }

    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            tenant_cols!(),
            " FROM tenants ORDER BY id"
        ))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(decode::tenant).collect()
    }

    async fn update_policy(
        &self,
        tenant: TenantId,
        policy: &TenantPolicy,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let policy = serde_json::to_string(policy).map_err(StoreError::other)?;
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE tenants SET policy = ? WHERE id = ?")
            .bind(policy)
            .bind(blob(tenant.0))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        append_change(&mut tx, tenant, ChangeOp::Policy).await?;
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await
    }

    // ----- users and keys -----

    async fn create_user(&self, user: User, draft: AuditDraft) -> StoreResult<User> {
        let mut tx = self.begin().await?;
        insert_user(&mut tx, &user).await?;
        append_events(&mut tx, user.tenant_id, &[draft]).await?;
        self.commit(tx).await?;
        Ok(user)
    }

    async fn get_user(&self, tenant: TenantId, id: UserId) -> StoreResult<User> {
        user_in(&mut *self.read().await?, tenant, id).await
    }

    async fn list_users(&self, tenant: TenantId) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(decode::user).collect()
    }

    async fn update_user(
        &self,
        tenant: TenantId,
        id: UserId,
        patch: UserPatch,
        draft: AuditDraft,
    ) -> StoreResult<User> {
        let mut tx = self.begin().await?;
        let mut u = user_in(&mut tx, tenant, id).await?;
        if let Some(role) = patch.role {
            u.role = role;
        }
        if let Some(team) = patch.team {
            u.team = team;
        }
        if let Some(name) = patch.name {
            u.name = name;
        }
        if let Some(disabled) = patch.disabled {
            u.disabled = disabled;
        }
        sqlx::query("UPDATE users SET name = ?, role = ?, team = ?, disabled = ? WHERE tenant_id = ? AND id = ?")
            .bind(u.name.clone())
            .bind(u.role.as_str())
            .bind(u.team.clone())
            .bind(u.disabled)
            .bind(blob(tenant.0))
            .bind(blob(id.0))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        append_change(&mut tx, tenant, ChangeOp::Auth).await?;
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        Ok(u)
    }

    async fn create_key(&self, key: ApiKey, draft: AuditDraft) -> StoreResult<ApiKey> {
        let mut tx = self.begin().await?;
        insert_key(&mut tx, &key).await?;
        append_events(&mut tx, key.tenant_id, &[draft]).await?;
        self.commit(tx).await?;
        Ok(key)
    }

    async fn key_by_hash(&self, key_hash: &[u8; 32]) -> StoreResult<Option<(ApiKey, User)>> {
        let mut conn = self.read().await?;
        let Some(row) = sqlx::query(concat!(
            "SELECT ",
            key_cols!(),
            " FROM api_keys WHERE key_hash = ?"
        ))
        .bind(key_hash.to_vec())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        else {
            return Ok(None);
        };
        let key = decode::key(&row)?;
        let user = match user_in(&mut conn, key.tenant_id, key.user_id).await {
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::Other(format!("API key {} has no user", key.id)));
            }
            r => r?,
        };
        Ok(Some((key, user)))
    }

    async fn list_keys(&self, tenant: TenantId) -> StoreResult<Vec<ApiKey>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            key_cols!(),
            " FROM api_keys WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(decode::key).collect()
    }

    async fn revoke_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<ApiKey> {
        let mut tx = self.begin().await?;
        let mut key = key_in(&mut tx, tenant, id).await?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        sqlx::query(
            "UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE tenant_id = ? AND id = ?",
        )
        .bind(us(at))
        .bind(by.to_string())
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append_change(&mut tx, tenant, ChangeOp::Auth).await?;
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        key.revoked_at = Some(at);
        key.revoked_by = Some(by.clone());
        Ok(key)
    }

    // ----- suppressions -----

    async fn add_suppression(&self, entry: NewEntry) -> StoreResult<AddOutcome> {
        let tenant = entry.tenant_id;
        let mut tx = self.begin().await?;
        // Writer first, then the send fence (see `fence`): sends to this identifier that are
        // under way finish before this entry commits; later ones see it.
        let _fence = self.fence_writes(&[entry.ident_hash]).await;
        let now = veto_domain::now();
        let rows = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = ? AND ident_hash = ? AND kind = ? AND channel = ? AND purposes = ? \
             AND include_subdomains = ? AND ended_at IS NULL"
        ))
        .bind(blob(tenant.0))
        .bind(entry.ident_hash.0.to_vec())
        .bind(entry.kind.as_str())
        .bind(entry.channel.as_str())
        .bind(i64::from(entry.purposes.bits()))
        .bind(entry.include_subdomains)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let (due, current): (Vec<_>, Vec<_>) = entries_of(&rows)?
            .into_iter()
            .partition(|(_, e)| e.expires_at.is_some_and(|x| x <= now));
        end_expired(&mut tx, due).await?;

        if let Some((_, existing)) = current.into_iter().next() {
            append_events(
                &mut tx,
                tenant,
                &[events::suppression_duplicate(&existing, &entry.created_by)],
            )
            .await?;
            self.commit(tx).await?;
            return Ok(AddOutcome::Existing(existing));
        }

        let done = bind_entry(sqlx::query(INSERT_ONE.as_str()), tenant, &entry)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, || "the suppression is already in force".into()))?;
        let row = done.last_insert_rowid();
        append_change(
            &mut tx,
            tenant,
            ChangeOp::Added {
                first_row: row,
                last_row: row,
            },
        )
        .await?;
        crate::sending::cancel_for_entry(&mut tx, &entry, now).await?;
        let created = entry.into_entry();
        append_events(&mut tx, tenant, &[events::suppression_created(&created)]).await?;
        self.commit(tx).await?;
        Ok(AddOutcome::Created(created))
    }

    async fn import_entries(
        &self,
        tenant: TenantId,
        entries: Vec<NewEntry>,
        draft: AuditDraft,
    ) -> StoreResult<ImportReport> {
        if let Some(e) = entries.iter().find(|e| e.tenant_id != tenant) {
            return Err(StoreError::Other(format!(
                "imported entry {} belongs to another tenant",
                e.id
            )));
        }
        // In hash order, consecutive inserts into the in-force index (keyed on random hashes)
        // land on neighbouring pages.
        let mut entries = entries;
        entries.sort_unstable_by_key(|e| e.ident_hash.0);
        let mut tx = self.begin().await?;
        let keys: Vec<IdentHash> = entries.iter().map(|e| e.ident_hash).collect();
        let _fence = self.fence_writes(&keys).await;
        let now = veto_domain::now();

        // An entry past its expiry but not yet ended would otherwise count as "already in
        // force" and block its re-import.
        let due = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries INDEXED BY entries_expiry \
             WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ? AND tenant_id = ?"
        ))
        .bind(us(now))
        .bind(blob(tenant.0))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        end_expired(&mut tx, entries_of(&due)?).await?;

        let before: i64 = sqlx::query("SELECT COALESCE(MAX(row_id), 0) FROM entries")
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;

        let mut inserted = 0u64;
        let mut chunks = entries.chunks_exact(IMPORT_ROWS_PER_STATEMENT);
        for chunk in &mut chunks {
            let mut q = sqlx::query(IMPORT_MANY.as_str());
            for e in chunk {
                q = bind_entry(q, tenant, e);
            }
            inserted += q.execute(&mut *tx).await.map_err(db_err)?.rows_affected();
        }
        for e in chunks.remainder() {
            inserted += bind_entry(sqlx::query(IMPORT_ONE.as_str()), tenant, e)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
        }

        if inserted > 0 {
            let row = sqlx::query("SELECT MIN(row_id), MAX(row_id) FROM entries WHERE row_id > ?")
                .bind(before)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let first_row: i64 = row.try_get(0).map_err(db_err)?;
            let last_row: i64 = row.try_get(1).map_err(db_err)?;
            append_change(
                &mut tx,
                tenant,
                ChangeOp::Added {
                    first_row,
                    last_row,
                },
            )
            .await?;
            if crate::sending::has_pending_enrollments(&mut tx, tenant).await? {
                crate::sending::cancel_for_rows(&mut tx, tenant, first_row, last_row, now).await?;
            }
        }
        let report = ImportReport {
            inserted,
            already_active: (entries.len() as u64).saturating_sub(inserted),
        };
        let draft = AuditDraft {
            data: with_counts(
                draft.data,
                json!({ "inserted": report.inserted, "already_active": report.already_active }),
            ),
            ..draft
        };
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        Ok(report)
    }

    async fn get_entry(&self, tenant: TenantId, id: EntryId) -> StoreResult<Entry> {
        Ok(entry_in(&mut *self.read().await?, tenant, id).await?.1)
    }

    async fn entry_history(&self, tenant: TenantId, id: EntryId) -> StoreResult<Vec<AuditEvent>> {
        let mut conn = self.read().await?;
        entry_in(&mut conn, tenant, id).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            event_cols!(),
            " FROM audit_events WHERE tenant_id = ? AND subject = ? ORDER BY seq"
        ))
        .bind(blob(tenant.0))
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(decode::event).collect()
    }

    async fn list_entries(
        &self,
        tenant: TenantId,
        filter: &EntryFilter,
        page_req: PageRequest<EntryId>,
    ) -> StoreResult<Page<Entry, EntryId>> {
        let limit = limit_of(page_req.limit);
        let now = us(filter.now.unwrap_or_else(veto_domain::now));
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        match filter.status {
            EntryStatus::Active => {
                qb.push(" AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ")
                    .push_bind(now)
                    .push(")");
            }
            EntryStatus::Ended => {
                qb.push(" AND (ended_at IS NOT NULL OR expires_at <= ")
                    .push_bind(now)
                    .push(")");
            }
            EntryStatus::All => {}
        }
        if let Some(k) = filter.kind {
            qb.push(" AND kind = ").push_bind(k.as_str());
        }
        if let Some(r) = filter.reason {
            qb.push(" AND reason = ").push_bind(r.as_str());
        }
        if let Some(s) = filter.source {
            qb.push(" AND source = ").push_bind(s.as_str());
        }
        if let Some(h) = filter.ident_hash {
            qb.push(" AND ident_short = ").push_bind(h.short_i64());
            qb.push(" AND ident_hash = ").push_bind(h.0.to_vec());
        }
        if let Some(t) = filter.created_from {
            qb.push(" AND created_at >= ").push_bind(us(t));
        }
        if let Some(t) = filter.created_before {
            qb.push(" AND created_at < ").push_bind(us(t));
        }
        if let Some(r) = filter.role_account {
            qb.push(" AND role_account = ").push_bind(r);
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = entries_of(&rows)?.into_iter().map(|(_, e)| e).collect();
        Ok(page(items, limit, |e: &Entry| e.id))
    }

    async fn entries_by_hashes(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
    ) -> StoreResult<Vec<Entry>> {
        let mut conn = self.read().await?;
        let mut out = Vec::new();
        for chunk in hashes.chunks(LIST_CHUNK) {
            let rows = sqlx::query(by_hash!(entry_cols!()))
                .bind(blob(tenant.0))
                .bind(hex_list(chunk))
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
            out.extend(entries_of(&rows)?);
        }
        out.sort_unstable_by_key(|(row, _)| *row);
        out.dedup_by_key(|(row, _)| *row);
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    async fn entries_by_rows(
        &self,
        tenant: TenantId,
        rows: &[i64],
    ) -> StoreResult<Vec<(i64, Entry)>> {
        let mut conn = self.read().await?;
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(LIST_CHUNK) {
            // NOT INDEXED: the planner would otherwise walk the tenant's index instead of
            // looking the row ids up directly.
            let found = sqlx::query(concat!(
                "SELECT ",
                entry_cols!(),
                " FROM entries NOT INDEXED WHERE row_id IN (SELECT value FROM json_each(?)) AND tenant_id = ?"
            ))
            .bind(json_list(chunk)?)
            .bind(blob(tenant.0))
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
            out.extend(entries_of(&found)?);
        }
        out.sort_unstable_by_key(|(row, _)| *row);
        out.dedup_by_key(|(row, _)| *row);
        Ok(out)
    }

    // ----- check index feed -----

    async fn index_rows(
        &self,
        tenant: TenantId,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<IndexRow>> {
        self.index_page(tenant, after_row, i64::MAX, i64::from(limit))
            .await
    }

    async fn index_rows_in_range(
        &self,
        tenant: TenantId,
        first: i64,
        last: i64,
    ) -> StoreResult<Vec<IndexRow>> {
        let mut out = Vec::new();
        let mut after = first.saturating_sub(1);
        loop {
            let page = self.index_page(tenant, after, last, INDEX_PAGE).await?;
            let full = page.len() as i64 == INDEX_PAGE;
            match page.last() {
                Some(r) if full => after = r.row_id,
                _ => {
                    out.extend(page);
                    return Ok(out);
                }
            }
            out.extend(page);
        }
    }

    async fn latest_change(&self) -> StoreResult<i64> {
        sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM changes")
            .fetch_one(&self.reader)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)
    }

    async fn changes_after(&self, after: i64, limit: u32) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, tenant_id, op, a, b FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|row| {
                let c = decode::Cols::new(row, "changes");
                let code = c.i64("op")?;
                let (a, b) = (c.i64("a")?, c.i64("b")?);
                let op = i16::try_from(code)
                    .ok()
                    .and_then(|code| ChangeOp::decode(code, a, b))
                    .ok_or_else(|| {
                        decode::corrupt("changes", "op", format!("unknown op {code}"))
                    })?;
                Ok(Change {
                    seq: c.i64("seq")?,
                    tenant_id: TenantId(c.uuid("tenant_id")?),
                    op,
                })
            })
            .collect()
    }

    // ----- lifts -----

    async fn create_lift_request(
        &self,
        lift: LiftRequest,
        actor: &Actor,
    ) -> StoreResult<LiftRequest> {
        let now = veto_domain::now();
        let mut tx = self.begin().await?;
        let (_, entry) = entry_in(&mut tx, lift.tenant_id, lift.entry_id).await?;
        if !in_force(&entry, now) {
            return Err(StoreError::Conflict("the entry is not in force".into()));
        }
        sqlx::query(concat!(
            "INSERT INTO lift_requests (",
            lift_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(blob(lift.id.0))
        .bind(blob(lift.tenant_id.0))
        .bind(blob(lift.entry_id.0))
        .bind(blob(lift.requested_by.0))
        .bind(lift.reason.clone())
        .bind(lift.evidence.clone())
        .bind(lift.status.as_str())
        .bind(us(lift.created_at))
        .bind(lift.decided_by.map(|u| blob(u.0)))
        .bind(lift.decided_at.map(us))
        .bind(lift.decision_note.clone())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                "a lift request for this entry is already pending".into()
            })
        })?;
        append_events(
            &mut tx,
            lift.tenant_id,
            &[events::lift_requested(&lift, actor)],
        )
        .await?;
        self.commit(tx).await?;
        Ok(lift)
    }

    async fn get_lift_request(&self, tenant: TenantId, id: LiftId) -> StoreResult<LiftRequest> {
        lift_in(&mut *self.read().await?, tenant, id).await
    }

    async fn list_lift_requests(
        &self,
        tenant: TenantId,
        filter: &LiftFilter,
        page_req: PageRequest<LiftId>,
    ) -> StoreResult<Page<LiftRequest, LiftId>> {
        let limit = limit_of(page_req.limit);
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            lift_cols!(),
            " FROM lift_requests WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(s) = filter.status {
            qb.push(" AND status = ").push_bind(s.as_str());
        }
        if let Some(e) = filter.entry_id {
            qb.push(" AND entry_id = ").push_bind(blob(e.0));
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows
            .iter()
            .map(decode::lift)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |l: &LiftRequest| l.id))
    }

    async fn decide_lift_request(
        &self,
        tenant: TenantId,
        decision: LiftDecision,
    ) -> StoreResult<LiftRequest> {
        let mut tx = self.begin().await?;
        let mut lift = lift_in(&mut tx, tenant, decision.lift_id).await?;
        if lift.status != LiftStatus::Pending {
            return Err(StoreError::Conflict(format!(
                "the lift request is already {}",
                lift.status.as_str()
            )));
        }
        lift.status = if decision.approve {
            LiftStatus::Approved
        } else {
            LiftStatus::Rejected
        };
        lift.decided_by = Some(decision.decided_by);
        lift.decided_at = Some(decision.at);
        lift.decision_note = decision.note.clone();
        sqlx::query("UPDATE lift_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE tenant_id = ? AND id = ?")
            .bind(lift.status.as_str())
            .bind(blob(decision.decided_by.0))
            .bind(us(decision.at))
            .bind(lift.decision_note.clone())
            .bind(blob(tenant.0))
            .bind(blob(lift.id.0))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;

        let mut drafts = vec![events::lift_decided(&lift, &decision.actor)];
        if decision.approve {
            let (row_id, mut entry) = entry_in(&mut tx, tenant, lift.entry_id).await?;
            if !in_force(&entry, decision.at) {
                return Err(StoreError::Conflict(
                    "the entry is no longer in force".into(),
                ));
            }
            sqlx::query("UPDATE entries SET ended_at = ?, end_kind = ?, ended_by = ?, lift_id = ? WHERE row_id = ?")
                .bind(us(decision.at))
                .bind(EndKind::Lifted.as_str())
                .bind(decision.actor.to_string())
                .bind(blob(lift.id.0))
                .bind(row_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            append_change(
                &mut tx,
                tenant,
                ChangeOp::Ended {
                    row_id,
                    short: entry.ident_hash.short_i64(),
                },
            )
            .await?;
            entry.ended = Some(EntryEnd {
                kind: EndKind::Lifted,
                at: decision.at,
                by: decision.actor.clone(),
                lift_id: Some(lift.id),
            });
            drafts.push(events::suppression_lifted(&entry, &lift, &decision.actor));
        }
        append_events(&mut tx, tenant, &drafts).await?;
        self.commit(tx).await?;
        Ok(lift)
    }

    // ----- expiry and erasure -----

    async fn expire_due(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Entry>> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries INDEXED BY entries_expiry \
             WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?"
        ))
        .bind(us(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let ended = end_expired(&mut tx, entries_of(&rows)?).await?;
        self.commit(tx).await?;
        Ok(ended)
    }

    async fn erase(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
        draft: AuditDraft,
    ) -> StoreResult<ErasureReport> {
        let mut tx = self.begin().await?;
        let mut found = Vec::new();
        for chunk in hashes.chunks(LIST_CHUNK) {
            let rows = sqlx::query(by_hash!("row_id, id"))
                .bind(blob(tenant.0))
                .bind(hex_list(chunk))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            for row in &rows {
                let c = decode::Cols::new(row, "entries");
                found.push((c.i64("row_id")?, c.uuid("id")?));
            }
        }
        found.sort_unstable();
        found.dedup();
        let mut report = ErasureReport::default();
        for (row_id, id) in found {
            sqlx::query(
                "UPDATE entries SET identifier = NULL, evidence = NULL, erased = 1 WHERE row_id = ?",
            )
            .bind(row_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            report.entries += 1;
            report.lift_requests += sqlx::query(
                "UPDATE lift_requests SET reason = '[erased]', evidence = NULL, decision_note = NULL \
                 WHERE tenant_id = ? AND entry_id = ?",
            )
            .bind(blob(tenant.0))
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        }
        report.signals = crate::signals::erase_signals(&mut tx, tenant, hashes).await?;
        report.sends = crate::sending::erase_sends(&mut tx, tenant, hashes).await?;
        let draft = AuditDraft {
            data: with_counts(
                draft.data,
                json!({ "entries": report.entries, "lift_requests": report.lift_requests,
                        "signals": report.signals, "sends": report.sends }),
            ),
            ..draft
        };
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        Ok(report)
    }

    // ----- audit -----

    async fn append_audit(&self, tenant: TenantId, draft: AuditDraft) -> StoreResult<AuditEvent> {
        let mut tx = self.begin().await?;
        let mut events = append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        events
            .pop()
            .ok_or_else(|| StoreError::Other("no audit event was written".into()))
    }

    async fn list_audit(
        &self,
        tenant: TenantId,
        filter: &AuditFilter,
        page_req: PageRequest<i64>,
    ) -> StoreResult<Page<AuditEvent, i64>> {
        let limit = limit_of(page_req.limit);
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            event_cols!(),
            " FROM audit_events WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(a) = &filter.action {
            qb.push(" AND action = ").push_bind(a.clone());
        }
        if let Some(s) = &filter.subject {
            qb.push(" AND subject = ").push_bind(s.clone());
        }
        if let Some(users) = &filter.actor_users {
            if users.is_empty() {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            }
            qb.push(" AND actor_user IN (");
            let mut sep = qb.separated(", ");
            for u in users {
                sep.push_bind(blob(u.0));
            }
            qb.push(")");
        }
        if let Some(t) = filter.from {
            qb.push(" AND at >= ").push_bind(us(t));
        }
        if let Some(t) = filter.before {
            qb.push(" AND at < ").push_bind(us(t));
        }
        if let Some(after) = page_req.after {
            qb.push(" AND seq < ").push_bind(after);
        }
        qb.push(" ORDER BY seq DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows
            .iter()
            .map(decode::event)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |e: &AuditEvent| e.seq))
    }

    async fn audit_chain(
        &self,
        tenant: TenantId,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            event_cols!(),
            " FROM audit_events WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?"
        ))
        .bind(blob(tenant.0))
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(decode::event).collect()
    }

    async fn audit_head(&self, tenant: TenantId) -> StoreResult<(i64, [u8; 32])> {
        let row = sqlx::query("SELECT audit_seq, audit_head FROM tenants WHERE id = ?")
            .bind(blob(tenant.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("tenant"))?;
        let c = decode::Cols::new(&row, "tenants");
        Ok((c.i64("audit_seq")?, c.bytes32("audit_head")?))
    }

    // ----- contacts and imports -----

    async fn begin_lead_import(&self, tenant: TenantId) -> StoreResult<Box<dyn LeadImportTx>> {
        Ok(Box::new(contacts::begin(self, tenant).await?))
    }

    async fn record_import(
        &self,
        import: &ImportRecord,
        report: Vec<Vec<u8>>,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        self.record(import, report, draft).await
    }

    async fn get_import(&self, tenant: TenantId, id: ImportId) -> StoreResult<ImportRecord> {
        self.import(tenant, id).await
    }

    async fn list_imports(
        &self,
        tenant: TenantId,
        page: PageRequest<ImportId>,
    ) -> StoreResult<Page<ImportRecord, ImportId>> {
        self.imports_page(tenant, page).await
    }

    async fn import_report_chunk(
        &self,
        tenant: TenantId,
        id: ImportId,
        n: u32,
    ) -> StoreResult<Option<Vec<u8>>> {
        self.report_chunk(tenant, id, n).await
    }

    async fn get_contact(&self, tenant: TenantId, id: ContactId) -> StoreResult<Contact> {
        self.contact(tenant, id).await
    }

    async fn get_contacts(&self, tenant: TenantId, ids: &[ContactId]) -> StoreResult<Vec<Contact>> {
        self.contacts_by_ids(tenant, ids).await
    }

    async fn contact_by_email(
        &self,
        tenant: TenantId,
        email: &str,
    ) -> StoreResult<Option<Contact>> {
        self.contact_with_email(tenant, email).await
    }

    async fn list_contacts(
        &self,
        tenant: TenantId,
        page: PageRequest<ContactId>,
    ) -> StoreResult<Page<Contact, ContactId>> {
        self.contacts_page(tenant, page).await
    }

    async fn begin_signal(&self, signal: NewSignal) -> StoreResult<SignalStart> {
        self.begin_signal_impl(signal).await
    }

    async fn finish_signal(
        &self,
        tenant: TenantId,
        id: SignalId,
        finish: SignalFinish,
        draft: AuditDraft,
    ) -> StoreResult<Signal> {
        self.finish_signal_impl(tenant, id, finish, draft).await
    }

    async fn get_signal(&self, tenant: TenantId, id: SignalId) -> StoreResult<Signal> {
        self.get_signal_impl(tenant, id).await
    }

    async fn signal_raw(&self, tenant: TenantId, id: SignalId) -> StoreResult<Option<Vec<u8>>> {
        self.signal_raw_impl(tenant, id).await
    }

    async fn list_signals(
        &self,
        tenant: TenantId,
        filter: &SignalFilter,
        page: PageRequest<SignalId>,
    ) -> StoreResult<Page<Signal, SignalId>> {
        self.list_signals_impl(tenant, filter, page).await
    }

    async fn count_soft_bounce(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
        at: Timestamp,
    ) -> StoreResult<SoftBounceCount> {
        self.count_soft_bounce_impl(tenant, hash, at).await
    }

    async fn reset_soft_bounces(&self, tenant: TenantId, hash: &IdentHash) -> StoreResult<bool> {
        self.reset_soft_bounces_impl(tenant, hash).await
    }

    async fn create_source(&self, source: &InboundSource, draft: AuditDraft) -> StoreResult<()> {
        self.create_source_impl(source, draft).await
    }

    async fn get_source(&self, tenant: TenantId, id: SourceId) -> StoreResult<InboundSource> {
        self.get_source_impl(tenant, id).await
    }

    async fn list_sources(&self, tenant: TenantId) -> StoreResult<Vec<InboundSource>> {
        self.list_sources_impl(tenant).await
    }

    async fn enabled_sources(&self, kind: SourceKind) -> StoreResult<Vec<InboundSource>> {
        self.enabled_sources_impl(kind).await
    }

    async fn record_source_run(
        &self,
        tenant: TenantId,
        id: SourceId,
        state: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> StoreResult<()> {
        self.record_source_run_impl(tenant, id, state, at, error)
            .await
    }

    async fn disable_source(
        &self,
        tenant: TenantId,
        id: SourceId,
        draft: AuditDraft,
    ) -> StoreResult<InboundSource> {
        self.disable_source_impl(tenant, id, draft).await
    }

    async fn create_route(&self, route: &Route, draft: AuditDraft) -> StoreResult<Route> {
        self.create_route_impl(route, draft).await
    }

    async fn get_route(&self, tenant: TenantId, id: RouteId) -> StoreResult<Route> {
        self.get_route_impl(tenant, id).await
    }

    async fn list_routes(&self, tenant: TenantId) -> StoreResult<Vec<Route>> {
        self.list_routes_impl(tenant).await
    }

    async fn export_entries(
        &self,
        tenant: TenantId,
        as_of: Option<Timestamp>,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Entry)>> {
        self.export_page(tenant, as_of, after_row, limit).await
    }
}
