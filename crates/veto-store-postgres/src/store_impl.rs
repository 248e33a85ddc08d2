//! The [`Store`] trait on PostgreSQL, method by method. Semantics are documented on the trait;
//! comments here are about how PostgreSQL is made to give them.

use async_trait::async_trait;
use serde_json::json;
use sqlx::{PgConnection, Postgres, QueryBuilder};
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

use crate::PostgresStore;
use crate::leads;
use crate::rows::{
    self, audit_cols, entry_cols, index_cols, key_cols, lift_cols, tenant_cols, user_cols,
};
use crate::tx::{Chain, db, db_conflict, extend_draft, lock_feed, push_change};

/// Rows per INSERT of an import: large statements amortise round trips, and this bound keeps
/// one statement's arrays to a few megabytes whatever a caller passes.
pub(crate) const IMPORT_CHUNK: usize = 50_000;

pub(crate) fn json_text(v: &impl serde::Serialize, what: &str) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(format!("cannot serialise {what}: {e}")))
}

/// Pages are at least one item long, so a page always makes progress.
pub(crate) fn page_limit(limit: u32) -> i64 {
    i64::from(limit.max(1))
}

/// Keeps `limit` items of `limit + 1` fetched; the extra one says a next page exists.
pub(crate) fn paginate<T, C>(
    mut items: Vec<T>,
    limit: i64,
    cursor: impl Fn(&T) -> C,
) -> Page<T, C> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(cursor)
    } else {
        None
    };
    Page { items, next }
}

/// Hashes as a `bytea[]` parameter.
pub(crate) fn hash_list(hashes: &[IdentHash]) -> Vec<Vec<u8>> {
    hashes.iter().map(|h| h.0.to_vec()).collect()
}

/// Entries of any state whose hash is in `$2`: those in force through
/// `entries_active_unique`, ended ones through `entries_ended_hash` (a BitmapOr of the two
/// partial indexes; neither holds every entry).
macro_rules! any_state_hash_in_2 {
    () => {
        "((ended_at IS NULL AND ident_hash = ANY($2)) OR (ended_at IS NOT NULL AND ident_hash = ANY($2)))"
    };
}

async fn load_user(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: UserId,
    lock: bool,
) -> StoreResult<User> {
    let sql = if lock {
        concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE"
        )
    } else {
        concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE id = $1 AND tenant_id = $2"
        )
    };
    let row = sqlx::query(sql)
        .bind(id.0)
        .bind(tenant.0)
        .fetch_optional(conn)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("user"))?;
    rows::user(&row)
}

async fn load_entry_for_update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: EntryId,
) -> StoreResult<(i64, Entry)> {
    let row = sqlx::query(concat!(
        "SELECT ",
        entry_cols!(),
        " FROM entries WHERE tenant_id = $1 AND id = $2 FOR UPDATE"
    ))
    .bind(tenant.0)
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .map_err(db)?
    .ok_or(StoreError::NotFound("entry"))?;
    rows::entry(&row)
}

/// Ends a not-ended entry as expired at its expiry time, with its change and event.
async fn end_expired(
    conn: &mut PgConnection,
    chain: &mut Chain,
    row_id: i64,
    e: Entry,
) -> StoreResult<Entry> {
    let id = e.id;
    let e = end_expired_row(conn, row_id, e)
        .await?
        .ok_or_else(|| StoreError::Other(format!("entry {id} was ended meanwhile")))?;
    chain.append(conn, &events::suppression_expired(&e)).await?;
    Ok(e)
}

/// Ends an entry as expired at its expiry time and appends its `Ended` change (the caller
/// holds the feed lock); `None`, writing nothing, when the entry is ended already.
pub(crate) async fn end_expired_row(
    conn: &mut PgConnection,
    row_id: i64,
    mut e: Entry,
) -> StoreResult<Option<Entry>> {
    let Some(at) = e.expires_at else {
        return Err(StoreError::Other(format!(
            "entry {} has no expiry to end at",
            e.id
        )));
    };
    let by = Actor::system("expiry");
    let done = sqlx::query(
        "UPDATE entries SET ended_at = $2, end_kind = 'expired', ended_by = $3 \
         WHERE row_id = $1 AND ended_at IS NULL",
    )
    .bind(row_id)
    .bind(veto_domain::to_micros(at))
    .bind(by.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    e.ended = Some(EntryEnd {
        kind: EndKind::Expired,
        at,
        by,
        lift_id: None,
    });
    push_change(
        conn,
        e.tenant_id,
        ChangeOp::Ended {
            row_id,
            short: e.ident_hash.short_i64(),
        },
    )
    .await?;
    Ok(Some(e))
}

/// Entry columns of an import, one array per column, for a single `INSERT … SELECT FROM
/// UNNEST(…)`: one statement and one round trip per chunk instead of one per row.
#[derive(Default)]
pub(crate) struct EntryColumns {
    id: Vec<uuid::Uuid>,
    kind: Vec<&'static str>,
    identifier: Vec<Option<String>>,
    ident_hash: Vec<Vec<u8>>,
    ident_short: Vec<i64>,
    include_subdomains: Vec<bool>,
    channel: Vec<&'static str>,
    purposes: Vec<i16>,
    reason: Vec<&'static str>,
    source: Vec<&'static str>,
    evidence: Vec<Option<String>>,
    role_account: Vec<bool>,
    created_by: Vec<String>,
    created_at: Vec<i64>,
    valid_from: Vec<i64>,
    expires_at: Vec<Option<i64>>,
}

impl EntryColumns {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            id: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            identifier: Vec::with_capacity(n),
            ident_hash: Vec::with_capacity(n),
            ident_short: Vec::with_capacity(n),
            include_subdomains: Vec::with_capacity(n),
            channel: Vec::with_capacity(n),
            purposes: Vec::with_capacity(n),
            reason: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            evidence: Vec::with_capacity(n),
            role_account: Vec::with_capacity(n),
            created_by: Vec::with_capacity(n),
            created_at: Vec::with_capacity(n),
            valid_from: Vec::with_capacity(n),
            expires_at: Vec::with_capacity(n),
        }
    }

    pub(crate) fn push(&mut self, e: NewEntry) {
        self.id.push(e.id.0);
        self.kind.push(e.kind.as_str());
        self.identifier
            .push(e.identifier.map(|i| i.value().to_string()));
        self.ident_hash.push(e.ident_hash.0.to_vec());
        self.ident_short.push(e.ident_hash.short_i64());
        self.include_subdomains.push(e.include_subdomains);
        self.channel.push(e.channel.as_str());
        self.purposes.push(i16::from(e.purposes.bits()));
        self.reason.push(e.reason.as_str());
        self.source.push(e.source.as_str());
        self.evidence.push(e.evidence);
        self.role_account.push(e.role_account);
        self.created_by.push(e.created_by.to_string());
        self.created_at.push(veto_domain::to_micros(e.created_at));
        self.valid_from.push(veto_domain::to_micros(e.valid_from));
        self.expires_at
            .push(e.expires_at.map(veto_domain::to_micros));
    }

    /// Inserts the rows not already in force; returns (inserted, first row id, last row id).
    pub(crate) async fn insert(
        self,
        conn: &mut PgConnection,
        tenant: TenantId,
    ) -> StoreResult<(i64, Option<i64>, Option<i64>)> {
        let row = sqlx::query(
            "WITH ins AS ( \
               INSERT INTO entries (id, tenant_id, kind, identifier, ident_hash, ident_short, include_subdomains, \
                                    channel, purposes, reason, source, evidence, role_account, created_by, \
                                    created_at, valid_from, expires_at) \
               SELECT u.id, $1, u.kind, u.identifier, u.ident_hash, u.ident_short, u.include_subdomains, \
                      u.channel, u.purposes, u.reason, u.source, u.evidence, u.role_account, u.created_by, \
                      u.created_at, u.valid_from, u.expires_at \
               FROM UNNEST($2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::int8[], $7::bool[], $8::text[], \
                           $9::int2[], $10::text[], $11::text[], $12::text[], $13::bool[], $14::text[], \
                           $15::int8[], $16::int8[], $17::int8[]) \
                    AS u(id, kind, identifier, ident_hash, ident_short, include_subdomains, channel, purposes, \
                         reason, source, evidence, role_account, created_by, created_at, valid_from, expires_at) \
               ON CONFLICT (tenant_id, ident_hash, kind, channel, purposes, include_subdomains) \
                 WHERE ended_at IS NULL DO NOTHING \
               RETURNING row_id) \
             SELECT count(*) AS n, min(row_id) AS first, max(row_id) AS last FROM ins",
        )
        .bind(tenant.0)
        .bind(self.id)
        .bind(self.kind)
        .bind(self.identifier)
        .bind(self.ident_hash)
        .bind(self.ident_short)
        .bind(self.include_subdomains)
        .bind(self.channel)
        .bind(self.purposes)
        .bind(self.reason)
        .bind(self.source)
        .bind(self.evidence)
        .bind(self.role_account)
        .bind(self.created_by)
        .bind(self.created_at)
        .bind(self.valid_from)
        .bind(self.expires_at)
        .fetch_one(conn)
        .await
        .map_err(db)?;
        Ok((
            rows::get(&row, "n")?,
            rows::get(&row, "first")?,
            rows::get(&row, "last")?,
        ))
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    // ----- tenants -----

    async fn create_tenant(
        &self,
        tenant: Tenant,
        admin: User,
        key: ApiKey,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<()> {
        let policy = json_text(&tenant.policy, "the tenant policy")?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("INSERT INTO tenants (id, name, created_at, policy, secret) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant.id.0)
            .bind(&tenant.name)
            .bind(veto_domain::to_micros(tenant.created_at))
            .bind(policy)
            .bind(tenant.secret.0.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_conflict(e, || format!("a tenant named '{}' already exists", tenant.name)))?;
        insert_user(&mut tx, &admin).await?;
        insert_key(&mut tx, &key).await?;
        let mut chain = Chain::lock(&mut tx, tenant.id).await?;
        for d in &drafts {
            chain.append(&mut tx, d).await?;
        }
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    async fn get_tenant(&self, id: TenantId) -> StoreResult<Tenant> {
        let row = sqlx::query(concat!(
            "SELECT ",
            tenant_cols!(),
            " FROM tenants WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("tenant"))?;
        rows::tenant(&row)
    }

    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        sqlx::query(concat!(
            "SELECT ",
            tenant_cols!(),
            " FROM tenants ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::tenant)
        .collect()
    }

    async fn update_policy(
        &self,
        tenant: TenantId,
        policy: &TenantPolicy,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let policy = json_text(policy, "the tenant policy")?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        sqlx::query("UPDATE tenants SET policy = $2 WHERE id = $1")
            .bind(tenant.0)
            .bind(policy)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        push_change(&mut tx, tenant, ChangeOp::Policy).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    // ----- users and keys -----

    async fn create_user(&self, user: User, draft: AuditDraft) -> StoreResult<User> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, user.tenant_id).await?;
        insert_user(&mut tx, &user).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(user)
    }

    async fn get_user(&self, tenant: TenantId, id: UserId) -> StoreResult<User> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        load_user(&mut conn, tenant, id, false).await
    }

    async fn list_users(&self, tenant: TenantId) -> StoreResult<Vec<User>> {
        sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users WHERE tenant_id = $1 ORDER BY created_at, id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::user)
        .collect()
    }

    async fn update_user(
        &self,
        tenant: TenantId,
        id: UserId,
        patch: UserPatch,
        draft: AuditDraft,
    ) -> StoreResult<User> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let mut user = load_user(&mut tx, tenant, id, true).await?;
        if let Some(r) = patch.role {
            user.role = r;
        }
        if let Some(t) = patch.team {
            user.team = t;
        }
        if let Some(n) = patch.name {
            user.name = n;
        }
        if let Some(d) = patch.disabled {
            user.disabled = d;
        }
        sqlx::query(
            "UPDATE users SET role = $2, team = $3, name = $4, disabled = $5 WHERE id = $1",
        )
        .bind(user.id.0)
        .bind(user.role.as_str())
        .bind(&user.team)
        .bind(&user.name)
        .bind(user.disabled)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        push_change(&mut tx, tenant, ChangeOp::Auth).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(user)
    }

    async fn create_key(&self, key: ApiKey, draft: AuditDraft) -> StoreResult<ApiKey> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, key.tenant_id).await?;
        load_user(&mut tx, key.tenant_id, key.user_id, false).await?;
        insert_key(&mut tx, &key).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(key)
    }

    async fn key_by_hash(&self, key_hash: &[u8; 32]) -> StoreResult<Option<(ApiKey, User)>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let Some(row) = sqlx::query(concat!(
            "SELECT ",
            key_cols!(),
            " FROM api_keys WHERE key_hash = $1"
        ))
        .bind(key_hash.as_slice())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let key = rows::api_key(&row)?;
        let user = match load_user(&mut conn, key.tenant_id, key.user_id, false).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::Other(format!(
                    "api key {} refers to a missing user",
                    key.id
                )));
            }
            Err(e) => return Err(e),
        };
        Ok(Some((key, user)))
    }

    async fn list_keys(&self, tenant: TenantId) -> StoreResult<Vec<ApiKey>> {
        sqlx::query(concat!(
            "SELECT ",
            key_cols!(),
            " FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::api_key)
        .collect()
    }

    async fn revoke_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<ApiKey> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            key_cols!(),
            " FROM api_keys WHERE id = $1 AND tenant_id = $2 FOR UPDATE"
        ))
        .bind(id.0)
        .bind(tenant.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("api key"))?;
        let mut key = rows::api_key(&row)?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        let at = veto_domain::truncate_micros(at);
        sqlx::query("UPDATE api_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1")
            .bind(id.0)
            .bind(veto_domain::to_micros(at))
            .bind(by.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        key.revoked_at = Some(at);
        key.revoked_by = Some(by.clone());
        push_change(&mut tx, tenant, ChangeOp::Auth).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(key)
    }

    // ----- suppressions -----

    async fn add_suppression(&self, entry: NewEntry) -> StoreResult<AddOutcome> {
        let tenant = entry.tenant_id;
        let now = veto_domain::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The send fence first of all locks: sends to this identifier under way finish before
        // this entry commits; later ones see it.
        crate::sending::fence_exclusive(&mut tx, tenant, &[entry.ident_hash]).await?;
        // Taken before the duplicate check too: it serialises adds of the same suppression,
        // so the check cannot race another node's insert.
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let same = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = $1 AND ident_hash = $2 AND kind = $3 \
              AND channel = $4 AND purposes = $5 AND include_subdomains = $6 AND ended_at IS NULL \
             ORDER BY row_id FOR UPDATE"
        ))
        .bind(tenant.0)
        .bind(entry.ident_hash.0.as_slice())
        .bind(entry.kind.as_str())
        .bind(entry.channel.as_str())
        .bind(i16::from(entry.purposes.bits()))
        .bind(entry.include_subdomains)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut existing = None;
        for row in &same {
            let (row_id, e) = rows::entry(row)?;
            if e.expires_at.is_some_and(|x| x <= now) {
                end_expired(&mut tx, &mut chain, row_id, e).await?;
            } else if existing.is_none() {
                existing = Some(e);
            }
        }
        if let Some(existing) = existing {
            chain
                .append(
                    &mut tx,
                    &events::suppression_duplicate(&existing, &entry.created_by),
                )
                .await?;
            chain.save(&mut tx).await?;
            tx.commit().await.map_err(db)?;
            return Ok(AddOutcome::Existing(existing));
        }
        let row = sqlx::query(
            "INSERT INTO entries (id, tenant_id, kind, identifier, ident_hash, ident_short, include_subdomains, \
                                  channel, purposes, reason, source, evidence, role_account, created_by, \
                                  created_at, valid_from, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             RETURNING row_id",
        )
        .bind(entry.id.0)
        .bind(tenant.0)
        .bind(entry.kind.as_str())
        .bind(entry.identifier.as_ref().map(|i| i.value()))
        .bind(entry.ident_hash.0.as_slice())
        .bind(entry.ident_hash.short_i64())
        .bind(entry.include_subdomains)
        .bind(entry.channel.as_str())
        .bind(i16::from(entry.purposes.bits()))
        .bind(entry.reason.as_str())
        .bind(entry.source.as_str())
        .bind(entry.evidence.as_deref())
        .bind(entry.role_account)
        .bind(entry.created_by.to_string())
        .bind(veto_domain::to_micros(entry.created_at))
        .bind(veto_domain::to_micros(entry.valid_from))
        .bind(entry.expires_at.map(veto_domain::to_micros))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| db_conflict(e, || format!("entry {} already exists", entry.id)))?;
        let row_id: i64 = rows::get(&row, "row_id")?;
        crate::sending::cancel_for_entry(&mut tx, &entry, now).await?;
        let e = entry.into_entry();
        push_change(
            &mut tx,
            tenant,
            ChangeOp::Added {
                first_row: row_id,
                last_row: row_id,
            },
        )
        .await?;
        chain
            .append(&mut tx, &events::suppression_created(&e))
            .await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(AddOutcome::Created(e))
    }

    async fn import_entries(
        &self,
        tenant: TenantId,
        entries: Vec<NewEntry>,
        draft: AuditDraft,
    ) -> StoreResult<ImportReport> {
        if let Some(e) = entries.iter().find(|e| e.tenant_id != tenant) {
            return Err(StoreError::Other(format!(
                "import into tenant {tenant} holds entry {} of tenant {}",
                e.id, e.tenant_id
            )));
        }
        let total = entries.len() as u64;
        let mut tx = self.pool.begin().await.map_err(db)?;
        let keys: Vec<IdentHash> = entries.iter().map(|e| e.ident_hash).collect();
        crate::sending::fence_exclusive(&mut tx, tenant, &keys).await?;
        drop(keys);
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        // Every writer of entries holds the feed lock, so what is in force now stays so until
        // this transaction ends: the rows not yet in force can go in by `COPY`, which has no
        // `ON CONFLICT` but writes a heap page per WAL record instead of a row.
        let fresh = crate::copy_entries::not_in_force(&mut tx, tenant, entries).await?;
        let inserted = fresh.len() as u64;
        let (first, last) = crate::copy_entries::copy(&mut tx, tenant, &fresh).await?;
        drop(fresh);
        if let (Some(first_row), Some(last_row)) = (first, last) {
            push_change(
                &mut tx,
                tenant,
                ChangeOp::Added {
                    first_row,
                    last_row,
                },
            )
            .await?;
            crate::sending::cancel_for_rows(
                &mut tx,
                tenant,
                first_row,
                last_row,
                veto_domain::now(),
            )
            .await?;
        }
        let report = ImportReport {
            inserted,
            already_active: total.saturating_sub(inserted),
        };
        let draft = extend_draft(
            draft,
            &[
                ("inserted", json!(report.inserted)),
                ("already_active", json!(report.already_active)),
            ],
        );
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(report)
    }

    async fn get_entry(&self, tenant: TenantId, id: EntryId) -> StoreResult<Entry> {
        let row = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("entry"))?;
        Ok(rows::entry(&row)?.1)
    }

    async fn entry_history(&self, tenant: TenantId, id: EntryId) -> StoreResult<Vec<AuditEvent>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM entries WHERE tenant_id = $1 AND id = $2)",
        )
        .bind(tenant.0)
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
        if !exists {
            return Err(StoreError::NotFound("entry"));
        }
        sqlx::query(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_events WHERE tenant_id = $1 AND subject = $2 ORDER BY seq"
        ))
        .bind(tenant.0)
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(rows::audit_event)
        .collect()
    }

    async fn list_entries(
        &self,
        tenant: TenantId,
        filter: &EntryFilter,
        page: PageRequest<EntryId>,
    ) -> StoreResult<Page<Entry, EntryId>> {
        let now = veto_domain::to_micros(filter.now.unwrap_or_else(veto_domain::now));
        let limit = page_limit(page.limit);
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = "
        ));
        q.push_bind(tenant.0);
        match filter.status {
            EntryStatus::Active => {
                q.push(" AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ");
                q.push_bind(now);
                q.push(")");
            }
            EntryStatus::Ended => {
                q.push(" AND (ended_at IS NOT NULL OR expires_at <= ");
                q.push_bind(now);
                q.push(")");
            }
            EntryStatus::All => {}
        }
        if let Some(k) = filter.kind {
            q.push(" AND kind = ");
            q.push_bind(k.as_str());
        }
        if let Some(r) = filter.reason {
            q.push(" AND reason = ");
            q.push_bind(r.as_str());
        }
        if let Some(s) = filter.source {
            q.push(" AND source = ");
            q.push_bind(s.as_str());
        }
        if let Some(h) = &filter.ident_hash {
            // In force or ended: one arm per partial index (see `any_state_hash_in_2`).
            q.push(" AND ((ended_at IS NULL AND ident_hash = ");
            q.push_bind(h.0.to_vec());
            q.push(") OR (ended_at IS NOT NULL AND ident_hash = ");
            q.push_bind(h.0.to_vec());
            q.push("))");
        }
        if let Some(t) = filter.created_from {
            q.push(" AND created_at >= ");
            q.push_bind(veto_domain::to_micros(t));
        }
        if let Some(t) = filter.created_before {
            q.push(" AND created_at < ");
            q.push_bind(veto_domain::to_micros(t));
        }
        if let Some(r) = filter.role_account {
            q.push(" AND role_account = ");
            q.push_bind(r);
        }
        if let Some(after) = page.after {
            q.push(" AND id < ");
            q.push_bind(after.0);
        }
        q.push(" ORDER BY id DESC LIMIT ");
        q.push_bind(limit + 1);
        let items = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| rows::entry(r).map(|(_, e)| e))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |e: &Entry| e.id))
    }

    async fn entries_by_hashes(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
    ) -> StoreResult<Vec<Entry>> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = $1 AND ",
            any_state_hash_in_2!(),
            " ORDER BY row_id"
        ))
        .bind(tenant.0)
        .bind(hash_list(hashes))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(|r| rows::entry(r).map(|(_, e)| e))
        .collect()
    }

    async fn entries_by_rows(
        &self,
        tenant: TenantId,
        rows_ids: &[i64],
    ) -> StoreResult<Vec<(i64, Entry)>> {
        if rows_ids.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = $1 AND row_id = ANY($2) ORDER BY row_id"
        ))
        .bind(tenant.0)
        .bind(rows_ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::entry)
        .collect()
    }

    // ----- check index feed -----

    async fn index_rows(
        &self,
        tenant: TenantId,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<IndexRow>> {
        sqlx::query(concat!(
            "SELECT ",
            index_cols!(),
            " FROM entries WHERE tenant_id = $1 AND row_id > $2 AND ended_at IS NULL ORDER BY row_id LIMIT $3"
        ))
        .bind(tenant.0)
        .bind(after_row)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::index_row)
        .collect()
    }

    async fn index_rows_in_range(
        &self,
        tenant: TenantId,
        first: i64,
        last: i64,
    ) -> StoreResult<Vec<IndexRow>> {
        sqlx::query(concat!(
            "SELECT ",
            index_cols!(),
            " FROM entries WHERE tenant_id = $1 AND row_id BETWEEN $2 AND $3 AND ended_at IS NULL ORDER BY row_id"
        ))
        .bind(tenant.0)
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::index_row)
        .collect()
    }

    async fn latest_change(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0)::int8 FROM changes")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn changes_after(&self, after: i64, limit: u32) -> StoreResult<Vec<Change>> {
        sqlx::query(
            "SELECT seq, tenant_id, op, a, b FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::change)
        .collect()
    }

    // ----- lifts -----

    async fn create_lift_request(
        &self,
        lift: LiftRequest,
        actor: &Actor,
    ) -> StoreResult<LiftRequest> {
        let tenant = lift.tenant_id;
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let (_, entry) = load_entry_for_update(&mut tx, tenant, lift.entry_id).await?;
        let now = veto_domain::now();
        if entry.ended.is_some() || entry.expires_at.is_some_and(|x| x <= now) {
            return Err(StoreError::Conflict(format!(
                "entry {} is no longer in force",
                entry.id
            )));
        }
        let pending: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM lift_requests WHERE entry_id = $1 AND status = 'pending')")
            .bind(lift.entry_id.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        if pending {
            return Err(StoreError::Conflict(format!(
                "entry {} already has a pending lift request",
                entry.id
            )));
        }
        sqlx::query(
            "INSERT INTO lift_requests (id, tenant_id, entry_id, requested_by, reason, evidence, status, created_at, \
                                        decided_by, decided_at, decision_note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(lift.id.0)
        .bind(tenant.0)
        .bind(lift.entry_id.0)
        .bind(lift.requested_by.0)
        .bind(&lift.reason)
        .bind(&lift.evidence)
        .bind(lift.status.as_str())
        .bind(veto_domain::to_micros(lift.created_at))
        .bind(lift.decided_by.map(|u| u.0))
        .bind(lift.decided_at.map(veto_domain::to_micros))
        .bind(&lift.decision_note)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_conflict(e, || format!("entry {} already has a pending lift request", lift.entry_id)))?;
        chain
            .append(&mut tx, &events::lift_requested(&lift, actor))
            .await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(lift)
    }

    async fn get_lift_request(&self, tenant: TenantId, id: LiftId) -> StoreResult<LiftRequest> {
        let row = sqlx::query(concat!(
            "SELECT ",
            lift_cols!(),
            " FROM lift_requests WHERE id = $1 AND tenant_id = $2"
        ))
        .bind(id.0)
        .bind(tenant.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("lift request"))?;
        rows::lift(&row)
    }

    async fn list_lift_requests(
        &self,
        tenant: TenantId,
        filter: &LiftFilter,
        page: PageRequest<LiftId>,
    ) -> StoreResult<Page<LiftRequest, LiftId>> {
        let limit = page_limit(page.limit);
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            lift_cols!(),
            " FROM lift_requests WHERE tenant_id = "
        ));
        q.push_bind(tenant.0);
        if let Some(s) = filter.status {
            q.push(" AND status = ");
            q.push_bind(s.as_str());
        }
        if let Some(e) = filter.entry_id {
            q.push(" AND entry_id = ");
            q.push_bind(e.0);
        }
        if let Some(after) = page.after {
            q.push(" AND id < ");
            q.push_bind(after.0);
        }
        q.push(" ORDER BY id DESC LIMIT ");
        q.push_bind(limit + 1);
        let items = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(rows::lift)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |l: &LiftRequest| l.id))
    }

    async fn decide_lift_request(
        &self,
        tenant: TenantId,
        decision: LiftDecision,
    ) -> StoreResult<LiftRequest> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Only approvals append a change, but which it is is known only after reading the
        // request; the feed lock must come before the tenant lock, so take it up front.
        lock_feed(&mut tx).await?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            lift_cols!(),
            " FROM lift_requests WHERE id = $1 AND tenant_id = $2 FOR UPDATE"
        ))
        .bind(decision.lift_id.0)
        .bind(tenant.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("lift request"))?;
        let mut lift = rows::lift(&row)?;
        if lift.status != LiftStatus::Pending {
            return Err(StoreError::Conflict(format!(
                "the lift request is already {}",
                lift.status.as_str()
            )));
        }
        let at = veto_domain::truncate_micros(decision.at);
        lift.status = if decision.approve {
            LiftStatus::Approved
        } else {
            LiftStatus::Rejected
        };
        lift.decided_by = Some(decision.decided_by);
        lift.decided_at = Some(at);
        lift.decision_note = decision.note.clone();
        let ended = if decision.approve {
            let (row_id, mut entry) = load_entry_for_update(&mut tx, tenant, lift.entry_id).await?;
            if entry.ended.is_some() || entry.expires_at.is_some_and(|x| x <= at) {
                return Err(StoreError::Conflict(format!(
                    "entry {} is no longer in force",
                    entry.id
                )));
            }
            sqlx::query("UPDATE entries SET ended_at = $2, end_kind = 'lifted', ended_by = $3, lift_id = $4 WHERE row_id = $1")
                .bind(row_id)
                .bind(veto_domain::to_micros(at))
                .bind(decision.actor.to_string())
                .bind(lift.id.0)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            entry.ended = Some(EntryEnd {
                kind: EndKind::Lifted,
                at,
                by: decision.actor.clone(),
                lift_id: Some(lift.id),
            });
            push_change(
                &mut tx,
                tenant,
                ChangeOp::Ended {
                    row_id,
                    short: entry.ident_hash.short_i64(),
                },
            )
            .await?;
            Some(entry)
        } else {
            None
        };
        sqlx::query("UPDATE lift_requests SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1")
            .bind(lift.id.0)
            .bind(lift.status.as_str())
            .bind(decision.decided_by.0)
            .bind(veto_domain::to_micros(at))
            .bind(&lift.decision_note)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        chain
            .append(&mut tx, &events::lift_decided(&lift, &decision.actor))
            .await?;
        if let Some(entry) = &ended {
            chain
                .append(
                    &mut tx,
                    &events::suppression_lifted(entry, &lift, &decision.actor),
                )
                .await?;
        }
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(lift)
    }

    // ----- expiry and erasure -----

    async fn expire_due(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Entry>> {
        let now = veto_domain::to_micros(now);
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_feed(&mut tx).await?;
        // Candidates first, without row locks: tenant rows must be locked before entry rows.
        let due: Vec<(i64, uuid::Uuid)> = sqlx::query_as(
            "SELECT row_id, tenant_id FROM entries WHERE ended_at IS NULL AND expires_at <= $1 \
             ORDER BY expires_at, row_id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let mut tenants: Vec<uuid::Uuid> = due.iter().map(|(_, t)| *t).collect();
        tenants.sort_unstable();
        tenants.dedup();
        let mut chains = Vec::with_capacity(tenants.len());
        for t in &tenants {
            match Chain::lock(&mut tx, TenantId(*t)).await {
                Ok(c) => chains.push(Some(c)),
                // An entry of a tenant that does not exist cannot be audited; leave it.
                Err(StoreError::NotFound(_)) => chains.push(None),
                Err(e) => return Err(e),
            }
        }
        let row_ids: Vec<i64> = due.iter().map(|(r, _)| *r).collect();
        let rows = sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE row_id = ANY($1) AND ended_at IS NULL AND expires_at <= $2 ORDER BY expires_at, row_id FOR UPDATE"
        ))
        .bind(&row_ids)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let (row_id, e) = rows::entry(row)?;
            let Ok(i) = tenants.binary_search(&e.tenant_id.0) else {
                continue;
            };
            let Some(chain) = chains.get_mut(i).and_then(Option::as_mut) else {
                continue;
            };
            out.push(end_expired(&mut tx, chain, row_id, e).await?);
        }
        for chain in chains.into_iter().flatten() {
            chain.save(&mut tx).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(out)
    }

    async fn erase(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
        draft: AuditDraft,
    ) -> StoreResult<ErasureReport> {
        let fulls = hash_list(hashes);
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let ids: Vec<uuid::Uuid> = sqlx::query_scalar(concat!(
            "UPDATE entries SET identifier = NULL, evidence = NULL, erased = true WHERE tenant_id = $1 AND ",
            any_state_hash_in_2!(),
            " RETURNING id"
        ))
        .bind(tenant.0)
        .bind(&fulls)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let lifts = if ids.is_empty() {
            0
        } else {
            sqlx::query(
                "UPDATE lift_requests SET reason = '[erased]', evidence = NULL, decision_note = NULL \
                 WHERE tenant_id = $1 AND entry_id = ANY($2)",
            )
            .bind(tenant.0)
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected()
        };
        let signals = crate::signals::erase_signals(&mut tx, tenant, hashes).await?;
        let sends = crate::sending::erase_sends(&mut tx, tenant, hashes).await?;
        let report = ErasureReport {
            entries: ids.len() as u64,
            lift_requests: lifts,
            signals,
            sends,
        };
        let draft = extend_draft(
            draft,
            &[
                ("entries", json!(report.entries)),
                ("lift_requests", json!(report.lift_requests)),
                ("signals", json!(report.signals)),
                ("sends", json!(report.sends)),
            ],
        );
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(report)
    }

    // ----- audit -----

    async fn append_audit(&self, tenant: TenantId, draft: AuditDraft) -> StoreResult<AuditEvent> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let e = chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(e)
    }

    async fn list_audit(
        &self,
        tenant: TenantId,
        filter: &AuditFilter,
        page: PageRequest<i64>,
    ) -> StoreResult<Page<AuditEvent, i64>> {
        let limit = page_limit(page.limit);
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_events WHERE tenant_id = "
        ));
        q.push_bind(tenant.0);
        if let Some(a) = &filter.action {
            q.push(" AND action = ");
            q.push_bind(a.clone());
        }
        if let Some(s) = &filter.subject {
            q.push(" AND subject = ");
            q.push_bind(s.clone());
        }
        if let Some(users) = &filter.actor_users {
            q.push(" AND actor_user = ANY(");
            q.push_bind(users.iter().map(|u| u.0).collect::<Vec<_>>());
            q.push(")");
        }
        if let Some(t) = filter.from {
            q.push(" AND at >= ");
            q.push_bind(veto_domain::to_micros(t));
        }
        if let Some(t) = filter.before {
            q.push(" AND at < ");
            q.push_bind(veto_domain::to_micros(t));
        }
        if let Some(after) = page.after {
            q.push(" AND seq < ");
            q.push_bind(after);
        }
        q.push(" ORDER BY seq DESC LIMIT ");
        q.push_bind(limit + 1);
        let items = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(rows::audit_event)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |e: &AuditEvent| e.seq))
    }

    async fn audit_chain(
        &self,
        tenant: TenantId,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>> {
        sqlx::query(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .bind(tenant.0)
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(rows::audit_event)
        .collect()
    }

    async fn audit_head(&self, tenant: TenantId) -> StoreResult<(i64, [u8; 32])> {
        let row = sqlx::query("SELECT audit_seq, audit_head FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound("tenant"))?;
        Ok((
            rows::get(&row, "audit_seq")?,
            rows::bytes32(&row, "audit_head")?,
        ))
    }

    // ----- contacts and imports -----

    async fn begin_lead_import(&self, tenant: TenantId) -> StoreResult<Box<dyn LeadImportTx>> {
        Ok(Box::new(leads::begin(self, tenant).await?))
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

async fn insert_user(conn: &mut PgConnection, u: &User) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, tenant_id, email, name, role, team, disabled, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(u.id.0)
    .bind(u.tenant_id.0)
    .bind(&u.email)
    .bind(&u.name)
    .bind(u.role.as_str())
    .bind(&u.team)
    .bind(u.disabled)
    .bind(veto_domain::to_micros(u.created_at))
    .bind(u.created_by.to_string())
    .execute(conn)
    .await
    .map_err(|e| db_conflict(e, || format!("a user with e-mail {} already exists", u.email)))?;
    Ok(())
}

async fn insert_key(conn: &mut PgConnection, k: &ApiKey) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, key_hash, created_at, created_by, revoked_at, revoked_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(k.id.0)
    .bind(k.tenant_id.0)
    .bind(k.user_id.0)
    .bind(&k.name)
    .bind(&k.prefix)
    .bind(k.key_hash.as_slice())
    .bind(veto_domain::to_micros(k.created_at))
    .bind(k.created_by.to_string())
    .bind(k.revoked_at.map(veto_domain::to_micros))
    .bind(k.revoked_by.as_ref().map(|a| a.to_string()))
    .execute(conn)
    .await
    .map_err(|e| db_conflict(e, || format!("api key {} already exists", k.id)))?;
    Ok(())
}
