//! Sending: domains and DKIM keys, mailboxes, relay credentials, sequences, enrolments, the
//! scheduler's claims and send attempts; the send fence on advisory locks; and the
//! cancellation of pending enrolments that every writer of entries runs in its own
//! transaction.
//!
//! # The fence
//! A sender opens a transaction and takes, in shared mode, the tenant's fence lock and then
//! one lock per recipient key (ascending), then reads the entries in force on that connection.
//! A writer of one suppression takes its key's lock in exclusive mode; a bulk writer takes the
//! tenant's fence lock in exclusive mode. Writers take these first of all their locks (before
//! the feed lock), and senders take nothing else, so waiting never forms a cycle; the locks
//! are transaction-level, so a crashed node's are released with its connection.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, Transaction};
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::AuditDraft;
use veto_domain::email::EmailAddress;
use veto_domain::id::{
    ContactId, CredentialId, EnrollmentId, MailboxId, RouteId, SendId, SendingDomainId, SequenceId,
    TenantId,
};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::mailbox::{DkimAlgorithm, DkimKeyRecord, Mailbox, SendingDomain};
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence, Step};
use veto_domain::smtp_credential::SmtpCredential;
use veto_domain::suppression::{Channel, Entry, NewEntry, Purpose, Purposes};
use veto_domain::to_micros;
use veto_store::{
    ClaimedStep, EnrollOutcome, EnrollmentChange, EnrollmentFilter, MailboxPatch, NewEnrollment,
    Page, PageRequest, SendFence, SendFilter, SendingStore, StepOutcome, StepResult, StoreError,
    StoreResult,
};

use crate::PostgresStore;
use crate::rows::{self, entry_cols};
use crate::store_impl::hash_list;
use crate::tx::{Chain, db, db_conflict};

// ----- the fence -----

/// Above this many keys a writer takes the tenant's fence lock instead (bulk loads).
const TENANT_LOCK_ABOVE: usize = 256;

/// The tenant's fence lock key (in the one-key space; a fold of the tenant id with a class
/// constant, "VETOFENC").
fn tenant_key(tenant: TenantId) -> i64 {
    let v = tenant.0.as_u128();
    ((v ^ (v >> 64)) as u64 ^ 0x5645_544f_4645_4e43) as i64
}

fn sorted_keys(hashes: &[IdentHash]) -> Vec<i64> {
    let mut k: Vec<i64> = hashes.iter().map(IdentHash::short_i64).collect();
    k.sort_unstable();
    k.dedup();
    k
}

/// Holds suppressions of `hashes` back from senders until the transaction ends: a writer's
/// first lock.
pub(crate) async fn fence_exclusive(
    conn: &mut PgConnection,
    tenant: TenantId,
    hashes: &[IdentHash],
) -> StoreResult<()> {
    if hashes.is_empty() {
        return Ok(());
    }
    if hashes.len() > TENANT_LOCK_ABOVE {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(tenant_key(tenant))
            .execute(conn)
            .await
            .map_err(db)?;
        return Ok(());
    }
    // A sorted subquery feeds the aggregate in order: the locks are taken ascending.
    sqlx::query(
        "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::int8[]) AS k ORDER BY k) s",
    )
    .bind(sorted_keys(hashes))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

struct PgFence {
    tx: Transaction<'static, Postgres>,
    tenant: TenantId,
    keys: Vec<IdentHash>,
}

#[async_trait]
impl SendFence for PgFence {
    async fn entries(&mut self) -> StoreResult<Vec<Entry>> {
        if self.keys.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(concat!(
            "SELECT ",
            entry_cols!(),
            " FROM entries WHERE tenant_id = $1 AND ident_hash = ANY($2) AND ended_at IS NULL"
        ))
        .bind(self.tenant.0)
        .bind(hash_list(&self.keys))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db)?
        .iter()
        .map(|r| rows::entry(r).map(|(_, e)| e))
        .collect()
    }

    async fn release(self: Box<Self>) -> StoreResult<()> {
        self.tx.rollback().await.map_err(db)
    }
}

// ----- decoding -----

fn corrupt(col: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("corrupt value in column {col}: {what}"))
}

fn parsed<T>(
    row: &PgRow,
    col: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> StoreResult<T> {
    let s: String = rows::get(row, col)?;
    parse(&s).ok_or_else(|| corrupt(col, format!("unknown value '{s}'")))
}

fn ts(row: &PgRow, col: &'static str) -> StoreResult<Timestamp> {
    Ok(veto_domain::from_micros(rows::get::<i64>(row, col)?))
}

fn opt_ts(row: &PgRow, col: &'static str) -> StoreResult<Option<Timestamp>> {
    Ok(rows::get::<Option<i64>>(row, col)?.map(veto_domain::from_micros))
}

fn actor(row: &PgRow, col: &'static str) -> StoreResult<Actor> {
    parsed(row, col, Actor::parse)
}

fn email(row: &PgRow, col: &'static str) -> StoreResult<EmailAddress> {
    parsed(row, col, |s| EmailAddress::parse(s).ok())
}

macro_rules! domain_cols {
    () => {
        "tenant_id, id, domain, dkim_selector, dkim_algorithm, dkim_private, dkim_public, \
         dkim_created_by, dkim_created_at, created_by, created_at"
    };
}

fn sending_domain(row: &PgRow) -> StoreResult<SendingDomain> {
    let dkim = match rows::get::<Option<String>>(row, "dkim_selector")? {
        Some(selector) => Some(DkimKeyRecord {
            selector,
            algorithm: parsed(row, "dkim_algorithm", DkimAlgorithm::parse)?,
            private_sealed: rows::get(row, "dkim_private")?,
            public_b64: rows::get(row, "dkim_public")?,
            created_by: actor(row, "dkim_created_by")?,
            created_at: ts(row, "dkim_created_at")?,
        }),
        None => None,
    };
    Ok(SendingDomain {
        id: SendingDomainId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        domain: rows::get(row, "domain")?,
        dkim,
        created_by: actor(row, "created_by")?,
        created_at: ts(row, "created_at")?,
    })
}

macro_rules! mailbox_cols {
    () => {
        "tenant_id, id, address, display_name, route_id, paused, created_by, created_at"
    };
}

fn mailbox(row: &PgRow) -> StoreResult<Mailbox> {
    Ok(Mailbox {
        id: MailboxId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        address: email(row, "address")?,
        display_name: rows::get(row, "display_name")?,
        route_id: rows::get::<Option<uuid::Uuid>>(row, "route_id")?.map(RouteId),
        paused: rows::get(row, "paused")?,
        created_by: actor(row, "created_by")?,
        created_at: ts(row, "created_at")?,
    })
}

macro_rules! credential_cols {
    () => {
        "tenant_id, id, name, username, secret_hash, purpose, created_by, created_at, \
         revoked_at, revoked_by"
    };
}

fn credential(row: &PgRow) -> StoreResult<SmtpCredential> {
    Ok(SmtpCredential {
        id: CredentialId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        name: rows::get(row, "name")?,
        username: rows::get(row, "username")?,
        secret_hash: rows::bytes32(row, "secret_hash")?,
        purpose: parsed(row, "purpose", Purpose::parse)?,
        created_by: actor(row, "created_by")?,
        created_at: ts(row, "created_at")?,
        revoked_at: opt_ts(row, "revoked_at")?,
        revoked_by: rows::get::<Option<String>>(row, "revoked_by")?
            .map(|s| Actor::parse(&s).ok_or_else(|| corrupt("revoked_by", s)))
            .transpose()?,
    })
}

macro_rules! sequence_cols {
    () => {
        "tenant_id, id, name, purpose, steps, created_by, created_at"
    };
}

fn sequence(row: &PgRow) -> StoreResult<Sequence> {
    let text: String = rows::get(row, "steps")?;
    let steps: Vec<Step> = serde_json::from_str(&text).map_err(|e| corrupt("steps", e))?;
    Ok(Sequence {
        id: SequenceId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        name: rows::get(row, "name")?,
        purpose: parsed(row, "purpose", Purpose::parse)?,
        steps,
        created_by: actor(row, "created_by")?,
        created_at: ts(row, "created_at")?,
    })
}

macro_rules! enrollment_cols {
    () => {
        "tenant_id, id, sequence_id, contact_id, email, mailbox_id, purpose, state, \
         state_reason, next_step, next_due_at, thread_message_id, created_by, created_at, \
         updated_at"
    };
}

fn enrollment(row: &PgRow) -> StoreResult<Enrollment> {
    let next_step: i32 = rows::get(row, "next_step")?;
    Ok(Enrollment {
        id: EnrollmentId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        sequence_id: SequenceId(rows::get(row, "sequence_id")?),
        contact_id: ContactId(rows::get(row, "contact_id")?),
        email: email(row, "email")?,
        mailbox_id: MailboxId(rows::get(row, "mailbox_id")?),
        purpose: parsed(row, "purpose", Purpose::parse)?,
        state: parsed(row, "state", EnrollmentState::parse)?,
        state_reason: rows::get(row, "state_reason")?,
        next_step: u32::try_from(next_step).map_err(|e| corrupt("next_step", e))?,
        next_due_at: opt_ts(row, "next_due_at")?,
        thread_message_id: rows::get(row, "thread_message_id")?,
        created_by: actor(row, "created_by")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

macro_rules! send_cols {
    () => {
        "tenant_id, id, at, via, sequence_id, enrollment_id, step, relay_session, \
         credential_id, mailbox_id, route_id, sender, recipient, recipient_hash, contact_id, \
         message_id, outcome, detail, verdict"
    };
}

fn send(row: &PgRow) -> StoreResult<SendRecord> {
    let via_kind: String = rows::get(row, "via")?;
    let via = match via_kind.as_str() {
        "sequence" => {
            let step: Option<i32> = rows::get(row, "step")?;
            let step = step.ok_or_else(|| corrupt("step", "missing"))?;
            SendVia::Sequence {
                sequence_id: SequenceId(
                    rows::get::<Option<uuid::Uuid>>(row, "sequence_id")?
                        .ok_or_else(|| corrupt("sequence_id", "missing"))?,
                ),
                enrollment_id: EnrollmentId(
                    rows::get::<Option<uuid::Uuid>>(row, "enrollment_id")?
                        .ok_or_else(|| corrupt("enrollment_id", "missing"))?,
                ),
                step: u32::try_from(step).map_err(|e| corrupt("step", e))?,
            }
        }
        "relay" => SendVia::Relay {
            session: rows::get::<Option<String>>(row, "relay_session")?
                .ok_or_else(|| corrupt("relay_session", "missing"))?,
            credential_id: CredentialId(
                rows::get::<Option<uuid::Uuid>>(row, "credential_id")?
                    .ok_or_else(|| corrupt("credential_id", "missing"))?,
            ),
        },
        other => return Err(corrupt("via", other)),
    };
    let verdict: String = rows::get(row, "verdict")?;
    Ok(SendRecord {
        id: SendId(rows::get(row, "id")?),
        tenant_id: TenantId(rows::get(row, "tenant_id")?),
        at: ts(row, "at")?,
        via,
        mailbox_id: rows::get::<Option<uuid::Uuid>>(row, "mailbox_id")?.map(MailboxId),
        route_id: rows::get::<Option<uuid::Uuid>>(row, "route_id")?.map(RouteId),
        from: rows::get(row, "sender")?,
        recipient: rows::get(row, "recipient")?,
        recipient_hash: IdentHash(rows::bytes32(row, "recipient_hash")?),
        contact_id: rows::get::<Option<uuid::Uuid>>(row, "contact_id")?.map(ContactId),
        message_id: rows::get(row, "message_id")?,
        outcome: parsed(row, "outcome", SendOutcome::parse)?,
        detail: rows::get(row, "detail")?,
        verdict: serde_json::from_str(&verdict).map_err(|e| corrupt("verdict", e))?,
    })
}

fn json<T: serde::Serialize>(v: &T, what: &str) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(format!("cannot serialise {what}: {e}")))
}

/// Removes the clear recipient of the tenant's send records keyed on `hashes` (an erasure).
pub(crate) async fn erase_sends(
    conn: &mut PgConnection,
    tenant: TenantId,
    hashes: &[IdentHash],
) -> StoreResult<u64> {
    let list: Vec<Vec<u8>> = hashes.iter().map(|h| h.0.to_vec()).collect();
    Ok(sqlx::query(
        "UPDATE sends SET recipient = NULL WHERE tenant_id = $1 AND recipient IS NOT NULL \
         AND recipient_hash = ANY($2)",
    )
    .bind(tenant.0)
    .bind(list)
    .execute(&mut *conn)
    .await
    .map_err(db)?
    .rows_affected())
}

fn purpose_bit(p: Purpose) -> i16 {
    i16::from(Purposes::of(p).bits())
}

// ----- cancellation by new entries -----

/// Cancels the pending enrolments `entry` applies to (inside the transaction that writes it).
pub(crate) async fn cancel_for_entry(
    conn: &mut PgConnection,
    entry: &NewEntry,
    now: Timestamp,
) -> StoreResult<u64> {
    if !entry.channel.blocks(Channel::Email) || entry.valid_from > now {
        return Ok(0);
    }
    let reason = format!("suppressed: {} (entry {})", entry.reason.phrase(), entry.id);
    let done = sqlx::query(
        "UPDATE enrollments SET state = 'cancelled', state_reason = $1, updated_at = $2, \
         next_due_at = NULL, lease_until = NULL \
         WHERE tenant_id = $3 AND state IN ('active', 'paused') AND (purpose_bit & $4) != 0 \
         AND id IN (SELECT enrollment_id FROM enrollment_keys WHERE tenant_id = $3 \
                    AND key_hash = $5 AND (NOT via_parent OR $6))",
    )
    .bind(reason)
    .bind(to_micros(now))
    .bind(entry.tenant_id.0)
    .bind(i16::from(entry.purposes.bits()))
    .bind(entry.ident_hash.0.as_slice())
    .bind(entry.include_subdomains)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

/// Cancels the pending enrolments that entries with row ids in `first..=last` apply to.
pub(crate) async fn cancel_for_rows(
    conn: &mut PgConnection,
    tenant: TenantId,
    first: i64,
    last: i64,
    now: Timestamp,
) -> StoreResult<u64> {
    let pending: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM enrollments WHERE tenant_id = $1 AND state IN ('active', 'paused') LIMIT 1",
    )
    .bind(tenant.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if pending.is_none() {
        return Ok(0);
    }
    let done = sqlx::query(
        "UPDATE enrollments en SET state = 'cancelled', \
         state_reason = 'suppressed (bulk import of suppressions)', updated_at = $2, \
         next_due_at = NULL, lease_until = NULL \
         WHERE en.tenant_id = $1 AND en.state IN ('active', 'paused') AND EXISTS ( \
           SELECT 1 FROM enrollment_keys k JOIN entries e \
             ON e.tenant_id = k.tenant_id AND e.ident_hash = k.key_hash AND e.ended_at IS NULL \
           WHERE k.tenant_id = $1 AND k.enrollment_id = en.id \
             AND e.row_id >= $3 AND e.row_id <= $4 \
             AND (NOT k.via_parent OR e.include_subdomains) \
             AND e.channel <> 'phone' AND (e.purposes & en.purpose_bit) <> 0 \
             AND e.valid_from <= $2)",
    )
    .bind(tenant.0)
    .bind(to_micros(now))
    .bind(first)
    .bind(last)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

async fn insert_send(conn: &mut PgConnection, s: &SendRecord) -> StoreResult<()> {
    let (via, sequence_id, enrollment_id, step, session, credential) = match &s.via {
        SendVia::Sequence {
            sequence_id,
            enrollment_id,
            step,
        } => (
            "sequence",
            Some(sequence_id.0),
            Some(enrollment_id.0),
            Some(i32::try_from(*step).unwrap_or(i32::MAX)),
            None,
            None,
        ),
        SendVia::Relay {
            session,
            credential_id,
        } => (
            "relay",
            None,
            None,
            None,
            Some(session.clone()),
            Some(credential_id.0),
        ),
    };
    sqlx::query(concat!(
        "INSERT INTO sends (",
        send_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ))
    .bind(s.tenant_id.0)
    .bind(s.id.0)
    .bind(to_micros(s.at))
    .bind(via)
    .bind(sequence_id)
    .bind(enrollment_id)
    .bind(step)
    .bind(session)
    .bind(credential)
    .bind(s.mailbox_id.map(|m| m.0))
    .bind(s.route_id.map(|r| r.0))
    .bind(&s.from)
    .bind(&s.recipient)
    .bind(s.recipient_hash.0.as_slice())
    .bind(s.contact_id.map(|c| c.0))
    .bind(&s.message_id)
    .bind(s.outcome.as_str())
    .bind(&s.detail)
    .bind(json(&s.verdict, "a verdict")?)
    .execute(&mut *conn)
    .await
    .map_err(|e| db_conflict(e, || format!("send {} is recorded already", s.id)))?;
    Ok(())
}

async fn enrollment_in(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: EnrollmentId,
    lock: bool,
) -> StoreResult<Enrollment> {
    let sql = if lock {
        concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = $1 AND id = $2 FOR UPDATE"
        )
    } else {
        concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = $1 AND id = $2"
        )
    };
    let row = sqlx::query(sql)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("enrollment"))?;
    enrollment(&row)
}

/// Appends drafts per tenant, locking the tenants' chains in id order (the documented lock
/// order) before anything else of the transaction.
async fn lock_chains(
    conn: &mut PgConnection,
    tenants: impl IntoIterator<Item = TenantId>,
) -> StoreResult<BTreeMap<TenantId, Chain>> {
    let mut ids: Vec<TenantId> = tenants.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = BTreeMap::new();
    for t in ids {
        out.insert(t, Chain::lock(&mut *conn, t).await?);
    }
    Ok(out)
}

impl PostgresStore {
    async fn simple_write<F>(
        &self,
        tenant: TenantId,
        draft: AuditDraft,
        write: F,
    ) -> StoreResult<()>
    where
        F: for<'c> FnOnce(
                &'c mut PgConnection,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = StoreResult<()>> + Send + 'c>,
            > + Send,
    {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        write(&mut tx).await?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)
    }
}

#[async_trait]
impl SendingStore for PostgresStore {
    async fn fence_send(
        &self,
        tenant: TenantId,
        keys: &[IdentHash],
    ) -> StoreResult<Box<dyn SendFence>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("SELECT pg_advisory_xact_lock_shared($1)")
            .bind(tenant_key(tenant))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "SELECT count(pg_advisory_xact_lock_shared(k)) \
             FROM (SELECT unnest($1::int8[]) AS k ORDER BY k) s",
        )
        .bind(sorted_keys(keys))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        Ok(Box::new(PgFence {
            tx,
            tenant,
            keys: keys.to_vec(),
        }))
    }

    async fn create_sending_domain(&self, d: &SendingDomain, draft: AuditDraft) -> StoreResult<()> {
        let d = d.clone();
        self.simple_write(d.tenant_id, draft, move |conn| {
            Box::pin(async move {
                sqlx::query(concat!(
                    "INSERT INTO sending_domains (",
                    domain_cols!(),
                    ") VALUES ($1, $2, $3, NULL, NULL, NULL, NULL, NULL, NULL, $4, $5)"
                ))
                .bind(d.tenant_id.0)
                .bind(d.id.0)
                .bind(&d.domain)
                .bind(d.created_by.to_string())
                .bind(to_micros(d.created_at))
                .execute(conn)
                .await
                .map_err(|e| {
                    db_conflict(e, || {
                        format!("the sending domain {} exists already", d.domain)
                    })
                })?;
                Ok(())
            })
        })
        .await
    }

    async fn set_dkim_key(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
        key: &DkimKeyRecord,
        draft: AuditDraft,
    ) -> StoreResult<SendingDomain> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "UPDATE sending_domains SET dkim_selector = $1, dkim_algorithm = $2, dkim_private = $3, \
             dkim_public = $4, dkim_created_by = $5, dkim_created_at = $6 \
             WHERE tenant_id = $7 AND id = $8 RETURNING ",
            domain_cols!()
        ))
        .bind(&key.selector)
        .bind(key.algorithm.as_str())
        .bind(&key.private_sealed)
        .bind(&key.public_b64)
        .bind(key.created_by.to_string())
        .bind(to_micros(key.created_at))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("sending domain"))?;
        let d = sending_domain(&row)?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(d)
    }

    async fn get_sending_domain(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
    ) -> StoreResult<SendingDomain> {
        let row = sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("sending domain"))?;
        sending_domain(&row)
    }

    async fn sending_domain_by_name(
        &self,
        tenant: TenantId,
        domain: &str,
    ) -> StoreResult<Option<SendingDomain>> {
        sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = $1 AND domain = $2"
        ))
        .bind(tenant.0)
        .bind(domain)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(sending_domain)
        .transpose()
    }

    async fn list_sending_domains(&self, tenant: TenantId) -> StoreResult<Vec<SendingDomain>> {
        sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(sending_domain)
        .collect()
    }

    async fn create_mailbox(&self, m: &Mailbox, draft: AuditDraft) -> StoreResult<()> {
        let m = m.clone();
        self.simple_write(m.tenant_id, draft, move |conn| {
            Box::pin(async move {
                sqlx::query(concat!(
                    "INSERT INTO mailboxes (",
                    mailbox_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .bind(m.tenant_id.0)
                .bind(m.id.0)
                .bind(m.address.as_str())
                .bind(&m.display_name)
                .bind(m.route_id.map(|r| r.0))
                .bind(m.paused)
                .bind(m.created_by.to_string())
                .bind(to_micros(m.created_at))
                .execute(conn)
                .await
                .map_err(|e| {
                    db_conflict(e, || format!("the mailbox {} exists already", m.address))
                })?;
                Ok(())
            })
        })
        .await
    }

    async fn get_mailbox(&self, tenant: TenantId, id: MailboxId) -> StoreResult<Mailbox> {
        let row = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("mailbox"))?;
        mailbox(&row)
    }

    async fn mailbox_by_address(
        &self,
        tenant: TenantId,
        address: &str,
    ) -> StoreResult<Option<Mailbox>> {
        sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = $1 AND address = $2"
        ))
        .bind(tenant.0)
        .bind(address)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(mailbox)
        .transpose()
    }

    async fn list_mailboxes(&self, tenant: TenantId) -> StoreResult<Vec<Mailbox>> {
        sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(mailbox)
        .collect()
    }

    async fn update_mailbox(
        &self,
        tenant: TenantId,
        id: MailboxId,
        patch: &MailboxPatch,
        draft: AuditDraft,
    ) -> StoreResult<Mailbox> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = $1 AND id = $2 FOR UPDATE"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("mailbox"))?;
        let mut m = mailbox(&row)?;
        if let Some(p) = patch.paused {
            m.paused = p;
        }
        if let Some(n) = &patch.display_name {
            m.display_name = n.clone();
        }
        sqlx::query(
            "UPDATE mailboxes SET paused = $1, display_name = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(m.paused)
        .bind(&m.display_name)
        .bind(tenant.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(m)
    }

    async fn create_smtp_credential(
        &self,
        c: &SmtpCredential,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let c = c.clone();
        self.simple_write(c.tenant_id, draft, move |conn| {
            Box::pin(async move {
                sqlx::query(concat!(
                    "INSERT INTO smtp_credentials (",
                    credential_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)"
                ))
                .bind(c.tenant_id.0)
                .bind(c.id.0)
                .bind(&c.name)
                .bind(&c.username)
                .bind(c.secret_hash.as_slice())
                .bind(c.purpose.as_str())
                .bind(c.created_by.to_string())
                .bind(to_micros(c.created_at))
                .execute(conn)
                .await
                .map_err(|e| {
                    db_conflict(e, || {
                        format!("relay credentials named '{}' exist already", c.name)
                    })
                })?;
                Ok(())
            })
        })
        .await
    }

    async fn smtp_credential_by_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<SmtpCredential>> {
        sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(credential)
        .transpose()
    }

    async fn list_smtp_credentials(&self, tenant: TenantId) -> StoreResult<Vec<SmtpCredential>> {
        sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(credential)
        .collect()
    }

    async fn revoke_smtp_credential(
        &self,
        tenant: TenantId,
        id: CredentialId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<SmtpCredential> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE tenant_id = $1 AND id = $2 FOR UPDATE"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("smtp credential"))?;
        let mut c = credential(&row)?;
        if c.revoked_at.is_some() {
            return Ok(c);
        }
        sqlx::query(
            "UPDATE smtp_credentials SET revoked_at = $1, revoked_by = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(to_micros(at))
        .bind(by.to_string())
        .bind(tenant.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        c.revoked_at = Some(at);
        c.revoked_by = Some(by.clone());
        Ok(c)
    }

    async fn create_sequence(&self, s: &Sequence, draft: AuditDraft) -> StoreResult<()> {
        let s = s.clone();
        let steps = json(&s.steps, "sequence steps")?;
        self.simple_write(s.tenant_id, draft, move |conn| {
            Box::pin(async move {
                sqlx::query(concat!(
                    "INSERT INTO sequences (",
                    sequence_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind(s.tenant_id.0)
                .bind(s.id.0)
                .bind(&s.name)
                .bind(s.purpose.as_str())
                .bind(steps)
                .bind(s.created_by.to_string())
                .bind(to_micros(s.created_at))
                .execute(conn)
                .await
                .map_err(|e| {
                    db_conflict(e, || {
                        format!("a sequence named '{}' exists already", s.name)
                    })
                })?;
                Ok(())
            })
        })
        .await
    }

    async fn get_sequence(&self, tenant: TenantId, id: SequenceId) -> StoreResult<Sequence> {
        let row = sqlx::query(concat!(
            "SELECT ",
            sequence_cols!(),
            " FROM sequences WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("sequence"))?;
        sequence(&row)
    }

    async fn list_sequences(&self, tenant: TenantId) -> StoreResult<Vec<Sequence>> {
        sqlx::query(concat!(
            "SELECT ",
            sequence_cols!(),
            " FROM sequences WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(sequence)
        .collect()
    }

    async fn enroll(
        &self,
        tenant: TenantId,
        enrollments: Vec<NewEnrollment>,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<Vec<EnrollOutcome>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The chain lock also serialises the tenant's enrolments: the pending check below
        // cannot race another node's insert.
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let mut out = Vec::with_capacity(enrollments.len());
        for ne in enrollments {
            let e = &ne.enrollment;
            if e.tenant_id != tenant {
                return Err(StoreError::Other(format!(
                    "enrolment {} belongs to another tenant",
                    e.id
                )));
            }
            let existing = sqlx::query(concat!(
                "SELECT ",
                enrollment_cols!(),
                " FROM enrollments WHERE tenant_id = $1 AND sequence_id = $2 AND contact_id = $3 \
                 AND state IN ('active', 'paused')"
            ))
            .bind(tenant.0)
            .bind(e.sequence_id.0)
            .bind(e.contact_id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            if let Some(row) = existing {
                out.push(EnrollOutcome::Existing(enrollment(&row)?));
                continue;
            }
            sqlx::query(
                "INSERT INTO enrollments (tenant_id, id, sequence_id, contact_id, email, mailbox_id, \
                 purpose, purpose_bit, state, state_reason, next_step, next_due_at, \
                 thread_message_id, lease_until, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $15, $16)",
            )
            .bind(tenant.0)
            .bind(e.id.0)
            .bind(e.sequence_id.0)
            .bind(e.contact_id.0)
            .bind(e.email.as_str())
            .bind(e.mailbox_id.0)
            .bind(e.purpose.as_str())
            .bind(purpose_bit(e.purpose))
            .bind(e.state.as_str())
            .bind(&e.state_reason)
            .bind(i32::try_from(e.next_step).unwrap_or(i32::MAX))
            .bind(e.next_due_at.map(to_micros))
            .bind(&e.thread_message_id)
            .bind(e.created_by.to_string())
            .bind(to_micros(e.created_at))
            .bind(to_micros(e.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let hashes: Vec<Vec<u8>> = ne.keys.iter().map(|k| k.hash.0.to_vec()).collect();
            let shorts: Vec<i64> = ne.keys.iter().map(|k| k.hash.short_i64()).collect();
            let parents: Vec<bool> = ne.keys.iter().map(|k| k.via_parent).collect();
            sqlx::query(
                "INSERT INTO enrollment_keys (tenant_id, key_hash, key_short, enrollment_id, via_parent) \
                 SELECT $1, u.h, u.s, $2, u.p FROM UNNEST($3::bytea[], $4::int8[], $5::bool[]) AS u(h, s, p) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(e.id.0)
            .bind(hashes)
            .bind(shorts)
            .bind(parents)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            out.push(EnrollOutcome::Created(ne.enrollment));
        }
        chain.append_many(&mut tx, &drafts).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(out)
    }

    async fn get_enrollment(&self, tenant: TenantId, id: EnrollmentId) -> StoreResult<Enrollment> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        enrollment_in(&mut conn, tenant, id, false).await
    }

    async fn list_enrollments(
        &self,
        tenant: TenantId,
        filter: &EnrollmentFilter,
        page_req: PageRequest<EnrollmentId>,
    ) -> StoreResult<Page<Enrollment, EnrollmentId>> {
        let limit = (page_req.limit as usize).max(1);
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = "
        ));
        qb.push_bind(tenant.0);
        if let Some(s) = filter.sequence_id {
            qb.push(" AND sequence_id = ").push_bind(s.0);
        }
        if let Some(c) = filter.contact_id {
            qb.push(" AND contact_id = ").push_bind(c.0);
        }
        if let Some(s) = filter.state {
            qb.push(" AND state = ").push_bind(s.as_str());
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(after.0);
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let mut items = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(enrollment)
            .collect::<StoreResult<Vec<_>>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|e| e.id)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    async fn pending_enrollments_of(
        &self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> StoreResult<Vec<Enrollment>> {
        let ids: Vec<uuid::Uuid> = contacts.iter().map(|c| c.0).collect();
        sqlx::query(concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = $1 AND state IN ('active', 'paused') \
             AND contact_id = ANY($2) ORDER BY id"
        ))
        .bind(tenant.0)
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(enrollment)
        .collect()
    }

    async fn pending_enrollments_by_key(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
    ) -> StoreResult<Vec<Enrollment>> {
        sqlx::query(concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = $1 AND state IN ('active', 'paused') \
             AND id IN (SELECT enrollment_id FROM enrollment_keys WHERE tenant_id = $1 \
                        AND key_hash = $2 AND NOT via_parent) ORDER BY id"
        ))
        .bind(tenant.0)
        .bind(hash.0.as_slice())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(enrollment)
        .collect()
    }

    async fn change_enrollment(
        &self,
        tenant: TenantId,
        id: EnrollmentId,
        change: &EnrollmentChange,
        draft: AuditDraft,
    ) -> StoreResult<Enrollment> {
        let now = veto_domain::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let current = enrollment_in(&mut tx, tenant, id, true).await?;
        if !current.state.is_pending() {
            return Err(StoreError::Conflict(format!(
                "enrolment {id} is {} and can no longer change",
                current.state
            )));
        }
        let due = if change.state.is_pending() {
            change.next_due_at.or(current.next_due_at)
        } else {
            None
        };
        let row = sqlx::query(concat!(
            "UPDATE enrollments SET state = $1, state_reason = $2, next_due_at = $3, updated_at = $4, \
             lease_until = NULL WHERE tenant_id = $5 AND id = $6 RETURNING ",
            enrollment_cols!()
        ))
        .bind(change.state.as_str())
        .bind(&change.reason)
        .bind(due.map(to_micros))
        .bind(to_micros(now))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let e = enrollment(&row)?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(e)
    }

    async fn claim_due_steps(
        &self,
        now: Timestamp,
        lease_secs: u32,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedStep>> {
        let lease_until = now + time::Duration::seconds(i64::from(lease_secs));
        let rows = sqlx::query(
            "UPDATE enrollments e SET lease_until = $1 \
             FROM (SELECT tenant_id, id FROM enrollments \
                   WHERE state = 'active' AND next_due_at <= $2 \
                     AND (lease_until IS NULL OR lease_until <= $2) \
                   ORDER BY next_due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) d \
             WHERE e.tenant_id = d.tenant_id AND e.id = d.id \
             RETURNING e.tenant_id, e.id, e.sequence_id, e.contact_id, e.email, e.mailbox_id, \
               e.purpose, e.state, e.state_reason, e.next_step, e.next_due_at, \
               e.thread_message_id, e.created_by, e.created_at, e.updated_at",
        )
        .bind(to_micros(lease_until))
        .bind(to_micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut out = rows
            .iter()
            .map(|r| {
                enrollment(r).map(|e| ClaimedStep {
                    step: e.next_step,
                    enrollment: e,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by_key(|c| (c.enrollment.next_due_at, c.enrollment.id));
        Ok(out)
    }

    async fn finish_steps(&self, outcomes: Vec<StepOutcome>) -> StoreResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = veto_domain::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chains = lock_chains(
            &mut tx,
            outcomes
                .iter()
                .filter(|o| !o.drafts.is_empty())
                .map(|o| o.tenant_id),
        )
        .await?;
        let mut drafts: BTreeMap<TenantId, Vec<AuditDraft>> = BTreeMap::new();
        for o in outcomes {
            if let Some(s) = &o.send {
                insert_send(&mut tx, s).await?;
            }
            let step = i32::try_from(o.step).unwrap_or(i32::MAX);
            let (state, reason, next, due, thread): (
                &str,
                Option<String>,
                i32,
                Option<Timestamp>,
                Option<String>,
            ) = match &o.result {
                StepResult::Sent {
                    next_due_at,
                    thread_message_id,
                } => (
                    if next_due_at.is_some() {
                        "active"
                    } else {
                        "completed"
                    },
                    None,
                    step.saturating_add(1),
                    *next_due_at,
                    thread_message_id.clone(),
                ),
                StepResult::Blocked { reason } | StepResult::Failed { reason } => {
                    ("cancelled", Some(reason.clone()), step, None, None)
                }
                StepResult::Deferred { retry_at } => ("active", None, step, Some(*retry_at), None),
            };
            sqlx::query(
                "UPDATE enrollments SET state = $1, state_reason = COALESCE($2, state_reason), \
                 next_step = $3, next_due_at = $4, \
                 thread_message_id = COALESCE(thread_message_id, $5), lease_until = NULL, \
                 updated_at = $6 \
                 WHERE tenant_id = $7 AND id = $8 AND state = 'active' AND next_step = $9",
            )
            .bind(state)
            .bind(reason)
            .bind(next)
            .bind(due.map(to_micros))
            .bind(thread)
            .bind(to_micros(now))
            .bind(o.tenant_id.0)
            .bind(o.enrollment_id.0)
            .bind(step)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            if !o.drafts.is_empty() {
                drafts.entry(o.tenant_id).or_default().extend(o.drafts);
            }
        }
        for (tenant, ds) in drafts {
            if let Some(chain) = chains.get_mut(&tenant) {
                chain.append_many(&mut tx, &ds).await?;
            }
        }
        for (_, chain) in chains {
            chain.save(&mut tx).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn record_sends(
        &self,
        sends: Vec<SendRecord>,
        drafts: Vec<(TenantId, AuditDraft)>,
    ) -> StoreResult<()> {
        if sends.is_empty() && drafts.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chains = lock_chains(&mut tx, drafts.iter().map(|(t, _)| *t)).await?;
        for s in &sends {
            insert_send(&mut tx, s).await?;
        }
        let mut per: BTreeMap<TenantId, Vec<AuditDraft>> = BTreeMap::new();
        for (t, d) in drafts {
            per.entry(t).or_default().push(d);
        }
        for (tenant, ds) in per {
            if let Some(chain) = chains.get_mut(&tenant) {
                chain.append_many(&mut tx, &ds).await?;
            }
        }
        for (_, chain) in chains {
            chain.save(&mut tx).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn get_send(&self, tenant: TenantId, id: SendId) -> StoreResult<SendRecord> {
        let row = sqlx::query(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("send"))?;
        send(&row)
    }

    async fn list_sends(
        &self,
        tenant: TenantId,
        filter: &SendFilter,
        page_req: PageRequest<SendId>,
    ) -> StoreResult<Page<SendRecord, SendId>> {
        let limit = (page_req.limit as usize).max(1);
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = "
        ));
        qb.push_bind(tenant.0);
        if let Some(h) = &filter.recipient_hash {
            qb.push(" AND recipient_hash = ").push_bind(h.0.to_vec());
        }
        if let Some(o) = filter.outcome {
            qb.push(" AND outcome = ").push_bind(o.as_str());
        }
        if let Some(e) = filter.enrollment_id {
            qb.push(" AND enrollment_id = ").push_bind(e.0);
        }
        if let Some(m) = filter.mailbox_id {
            qb.push(" AND mailbox_id = ").push_bind(m.0);
        }
        if let Some(t) = filter.since {
            qb.push(" AND at >= ").push_bind(to_micros(t));
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(after.0);
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let mut items = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(send)
            .collect::<StoreResult<Vec<_>>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|s| s.id)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    async fn sends_by_message_ids(
        &self,
        tenant: TenantId,
        message_ids: &[String],
    ) -> StoreResult<Vec<SendRecord>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = $1 AND message_id = ANY($2) ORDER BY id"
        ))
        .bind(tenant.0)
        .bind(message_ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(send)
        .collect()
    }

    async fn count_sent_since(
        &self,
        tenant: TenantId,
        recipients: &[IdentHash],
        since: Timestamp,
    ) -> StoreResult<u64> {
        if recipients.is_empty() {
            return Ok(0);
        }
        let hashes: Vec<Vec<u8>> = recipients.iter().map(|h| h.0.to_vec()).collect();
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sends WHERE tenant_id = $1 AND outcome = 'sent' AND at >= $3 \
             AND recipient_hash = ANY($2)",
        )
        .bind(tenant.0)
        .bind(hashes)
        .bind(to_micros(since))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
