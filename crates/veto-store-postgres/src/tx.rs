//! Helpers every mutating transaction uses: the change-feed lock, change appends, the
//! tenant's audit chain, and the mapping of driver errors.
//!
//! Lock order, everywhere: the feed's advisory lock first (if the transaction appends to the
//! change feed), then tenant rows (in id order when several), then entry and other rows. A
//! single order means concurrent writers on several nodes can wait on each other but never
//! deadlock.
//!
//! A lead import runs for as long as its file takes, so it holds none of those until it
//! commits: it takes only its tenant's lead-import lock (which nothing else takes) at the
//! start, writes contacts and report chunks that no other writer touches, keeps its audit
//! events and suppressions in memory, and at commit takes the feed lock and the tenant row in
//! the usual order before writing them.

use sqlx::PgConnection;
use uuid::Uuid;
use veto_domain::audit::{AuditDraft, AuditEvent};
use veto_domain::id::TenantId;
use veto_store::{ChangeOp, StoreError, StoreResult};

use crate::rows;

/// Maps a driver error: unique violations are conflicts, a missing row is `NotFound`.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound("row"),
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23505") => {
            StoreError::Conflict(match d.constraint() {
                Some(c) => format!("{} ({c})", d.message()),
                None => d.message().to_string(),
            })
        }
        _ => StoreError::Other(e.to_string()),
    }
}

/// `db`, but a unique violation gets a message a caller can show.
pub(crate) fn db_conflict(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match db(e) {
        StoreError::Conflict(_) => StoreError::Conflict(what()),
        other => other,
    }
}

/// Serialises every writer of the change feed (and of entry row ids) across all nodes until
/// the transaction ends. A BIGSERIAL hands out numbers at insert time, not commit time; without
/// this lock a reader could see seq 11 committed while seq 10 is still in flight, move its
/// cursor past 10 and never see it.
pub(crate) async fn lock_feed(conn: &mut PgConnection) -> StoreResult<()> {
    // The key is arbitrary but fixed: "veto" feed, shared by every node on the database.
    sqlx::query("SELECT pg_advisory_xact_lock(5641847101632684033)")
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Serialises the lead imports of one tenant (on every node) until the transaction ends: they
/// read and write the same contacts. Only lead imports take it, first of all their locks.
pub(crate) async fn lock_lead_imports(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> StoreResult<()> {
    // The two-key form has its own key space: it never meets the feed's lock. The class is
    // "veto" in ASCII; tenants whose ids fold to the same key merely wait for each other.
    const CLASS: i32 = 0x7665_746f;
    let v = tenant.0.as_u128();
    let folded = (v ^ (v >> 64)) as u64;
    let key = (folded ^ (folded >> 32)) as u32 as i32;
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(CLASS)
        .bind(key)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn push_change(
    conn: &mut PgConnection,
    tenant: TenantId,
    op: ChangeOp,
) -> StoreResult<()> {
    let (code, a, b) = op.encode();
    sqlx::query("INSERT INTO changes (tenant_id, op, a, b) VALUES ($1, $2, $3, $4)")
        .bind(tenant.0)
        .bind(code)
        .bind(a)
        .bind(b)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Events per statement of [`Chain::append_many`].
const AUDIT_CHUNK: usize = 5000;

/// A tenant's audit chain, locked for the rest of the transaction. Events appended through it
/// are sealed onto the head read under the lock; [`Chain::save`] records the new head.
pub(crate) struct Chain {
    tenant: TenantId,
    seq: i64,
    head: [u8; 32],
    appended: bool,
}

impl Chain {
    /// Locks the tenant row (`NotFound` if there is no such tenant).
    pub(crate) async fn lock(conn: &mut PgConnection, tenant: TenantId) -> StoreResult<Self> {
        let row = sqlx::query("SELECT audit_seq, audit_head FROM tenants WHERE id = $1 FOR UPDATE")
            .bind(tenant.0)
            .fetch_optional(conn)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound("tenant"))?;
        Ok(Self {
            tenant,
            seq: rows::get(&row, "audit_seq")?,
            head: rows::bytes32(&row, "audit_head")?,
            appended: false,
        })
    }

    pub(crate) async fn append(
        &mut self,
        conn: &mut PgConnection,
        draft: &AuditDraft,
    ) -> StoreResult<AuditEvent> {
        let e = AuditEvent::seal(
            self.tenant,
            draft,
            self.seq + 1,
            self.head,
            veto_domain::now(),
        );
        sqlx::query(
            "INSERT INTO audit_events (tenant_id, seq, id, at, actor, actor_user, action, subject, data, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.tenant_id.0)
        .bind(e.seq)
        .bind(e.id.0)
        .bind(veto_domain::to_micros(e.at))
        .bind(&e.actor)
        .bind(draft.actor.user().map(|u| u.0))
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.data)
        .bind(e.prev_hash.as_slice())
        .bind(e.hash.as_slice())
        .execute(conn)
        .await
        .map_err(db)?;
        self.seq = e.seq;
        self.head = e.hash;
        self.appended = true;
        Ok(e)
    }

    /// Appends many events, in order, a few thousand per statement.
    pub(crate) async fn append_many(
        &mut self,
        conn: &mut PgConnection,
        drafts: &[AuditDraft],
    ) -> StoreResult<()> {
        for chunk in drafts.chunks(AUDIT_CHUNK) {
            let at = veto_domain::now();
            let n = chunk.len();
            let (mut seq, mut id, mut actor, mut user) = (
                Vec::with_capacity(n),
                Vec::<Uuid>::with_capacity(n),
                Vec::with_capacity(n),
                Vec::<Option<Uuid>>::with_capacity(n),
            );
            let (mut action, mut subject, mut data, mut prev, mut hash) = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            let (mut next_seq, mut head) = (self.seq, self.head);
            for d in chunk {
                let e = AuditEvent::seal(self.tenant, d, next_seq + 1, head, at);
                next_seq = e.seq;
                head = e.hash;
                seq.push(e.seq);
                id.push(e.id.0);
                actor.push(e.actor);
                user.push(d.actor.user().map(|u| u.0));
                action.push(e.action);
                subject.push(e.subject);
                data.push(e.data);
                prev.push(e.prev_hash.to_vec());
                hash.push(e.hash.to_vec());
            }
            sqlx::query(
                "INSERT INTO audit_events (tenant_id, seq, id, at, actor, actor_user, action, subject, data, prev_hash, hash) \
                 SELECT $1, u.seq, u.id, $2, u.actor, u.actor_user, u.action, u.subject, u.data, u.prev_hash, u.hash \
                 FROM UNNEST($3::int8[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], \
                             $10::bytea[], $11::bytea[]) \
                      AS u(seq, id, actor, actor_user, action, subject, data, prev_hash, hash)",
            )
            .bind(self.tenant.0)
            .bind(veto_domain::to_micros(at))
            .bind(seq)
            .bind(id)
            .bind(actor)
            .bind(user)
            .bind(action)
            .bind(subject)
            .bind(data)
            .bind(prev)
            .bind(hash)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            self.seq = next_seq;
            self.head = head;
            self.appended = true;
        }
        Ok(())
    }

    /// Records the new head; a no-op when nothing was appended.
    pub(crate) async fn save(self, conn: &mut PgConnection) -> StoreResult<()> {
        if !self.appended {
            return Ok(());
        }
        sqlx::query("UPDATE tenants SET audit_seq = $2, audit_head = $3 WHERE id = $1")
            .bind(self.tenant.0)
            .bind(self.seq)
            .bind(self.head.as_slice())
            .execute(conn)
            .await
            .map_err(db)?;
        Ok(())
    }
}

/// The draft's data with extra fields (counts of a bulk operation). Non-object data is kept
/// under "data" so nothing the caller gave is lost.
pub(crate) fn extend_draft(
    mut draft: AuditDraft,
    extra: &[(&str, serde_json::Value)],
) -> AuditDraft {
    if !draft.data.is_object() {
        let old = std::mem::take(&mut draft.data);
        let mut m = serde_json::Map::new();
        if !old.is_null() {
            m.insert("data".to_string(), old);
        }
        draft.data = serde_json::Value::Object(m);
    }
    if let serde_json::Value::Object(m) = &mut draft.data {
        for (k, v) in extra {
            m.insert((*k).to_string(), v.clone());
        }
    }
    draft
}
