//! Inbound signals with their raw bytes, and the soft-bounce counts of the bounce policy.

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{SignalId, TenantId};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::signal::{NewSignal, Signal, SignalFinish, SignalStart, SoftBounceCount, Via};
use veto_store::{Page, PageRequest, SignalFilter, StoreError, StoreResult};

use crate::SqliteStore;
use crate::decode::Cols;
use crate::store::{append_events, blob, db_err, limit_of, page, us};

macro_rules! signal_cols {
    () => {
        "id, tenant_id, key, via, content_type, size, message_id, received_by, received_at, kind, \
         outcome, ignored, processed_at, erased"
    };
}

fn signal(row: &SqliteRow) -> StoreResult<Signal> {
    let c = Cols::new(row, "signals");
    let size = c.i64("size")?;
    let ignored: Option<i64> = c.get("ignored")?;
    Ok(Signal {
        id: SignalId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        key: c.text("key")?,
        via: Via::parse(&c.text("via")?),
        content_type: c.text("content_type")?,
        size: u64::try_from(size).unwrap_or_default(),
        message_id: c.opt_text("message_id")?,
        received_by: c.actor("received_by")?,
        received_at: c.ts("received_at")?,
        kind: c.opt_text("kind")?,
        outcome: c.opt_text("outcome")?,
        ignored: ignored.map(|v| v != 0),
        processed_at: c.opt_ts("processed_at")?,
        erased: c.flag("erased")?,
    })
}

impl SqliteStore {
    pub(crate) async fn begin_signal_impl(&self, s: NewSignal) -> StoreResult<SignalStart> {
        let size =
            i64::try_from(s.raw.len()).map_err(|_| StoreError::Other("signal too large".into()))?;
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO signals (tenant_id, id, key, via, content_type, size, raw, \
             message_id, received_by, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(blob(s.tenant_id.0))
        .bind(blob(s.id.0))
        .bind(&s.key)
        .bind(s.via.as_string())
        .bind(&s.content_type)
        .bind(size)
        .bind(&s.raw)
        .bind(&s.message_id)
        .bind(s.received_by.to_string())
        .bind(us(s.received_at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        let row = sqlx::query(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = ? AND key = ?"
        ))
        .bind(blob(s.tenant_id.0))
        .bind(&s.key)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let rec = signal(&row)?;
        if inserted > 0 {
            self.commit(tx).await?;
        } else {
            tx.rollback().await.map_err(db_err)?;
        }
        Ok(if rec.is_processed() {
            SignalStart::Seen(rec)
        } else {
            SignalStart::New(rec)
        })
    }

    pub(crate) async fn finish_signal_impl(
        &self,
        tenant: TenantId,
        id: SignalId,
        f: SignalFinish,
        draft: AuditDraft,
    ) -> StoreResult<Signal> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE signals SET kind = ?, outcome = ?, ignored = ?, processed_at = ? \
             WHERE tenant_id = ? AND id = ?",
        )
        .bind(&f.kind)
        .bind(&f.outcome)
        .bind(i64::from(f.ignored))
        .bind(us(f.at))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("signal"));
        }
        for h in &f.subjects {
            sqlx::query(
                "INSERT OR IGNORE INTO signal_subjects (tenant_id, ident_hash, signal_id) \
                 VALUES (?, ?, ?)",
            )
            .bind(blob(tenant.0))
            .bind(h.0.to_vec())
            .bind(blob(id.0))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append_events(&mut tx, tenant, &[draft]).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let rec = signal(&row)?;
        self.commit(tx).await?;
        Ok(rec)
    }

    pub(crate) async fn get_signal_impl(
        &self,
        tenant: TenantId,
        id: SignalId,
    ) -> StoreResult<Signal> {
        let row = sqlx::query(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("signal"))?;
        signal(&row)
    }

    pub(crate) async fn signal_raw_impl(
        &self,
        tenant: TenantId,
        id: SignalId,
    ) -> StoreResult<Option<Vec<u8>>> {
        let raw: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT raw FROM signals WHERE tenant_id = ? AND id = ?")
                .bind(blob(tenant.0))
                .bind(blob(id.0))
                .fetch_optional(&self.reader)
                .await
                .map_err(db_err)?;
        raw.ok_or(StoreError::NotFound("signal"))
    }

    pub(crate) async fn list_signals_impl(
        &self,
        tenant: TenantId,
        filter: &SignalFilter,
        page_req: PageRequest<SignalId>,
    ) -> StoreResult<Page<Signal, SignalId>> {
        let limit = limit_of(page_req.limit);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        if let Some(ignored) = filter.ignored {
            qb.push(" AND ignored = ").push_bind(i64::from(ignored));
        }
        if let Some(kind) = &filter.kind {
            qb.push(" AND kind = ").push_bind(kind.clone());
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows.iter().map(signal).collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |s: &Signal| s.id))
    }

    pub(crate) async fn count_soft_bounce_impl(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
        at: Timestamp,
    ) -> StoreResult<SoftBounceCount> {
        let mut tx = self.begin().await?;
        let row: (i64, i64, i64) = sqlx::query_as(
            "INSERT INTO soft_bounces (tenant_id, ident_hash, count, first_at, last_at) \
             VALUES (?1, ?2, 1, ?3, ?3) ON CONFLICT (tenant_id, ident_hash) DO UPDATE SET \
             count = count + 1, first_at = min(first_at, ?3), last_at = max(last_at, ?3) \
             RETURNING count, first_at, last_at",
        )
        .bind(blob(tenant.0))
        .bind(hash.0.to_vec())
        .bind(us(at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        self.commit(tx).await?;
        Ok(SoftBounceCount {
            count: u32::try_from(row.0).unwrap_or(u32::MAX),
            first_at: veto_domain::from_micros(row.1),
            last_at: veto_domain::from_micros(row.2),
        })
    }

    pub(crate) async fn reset_soft_bounces_impl(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM soft_bounces WHERE tenant_id = ? AND ident_hash = ?")
            .bind(blob(tenant.0))
            .bind(hash.0.to_vec())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if n > 0 {
            self.commit(tx).await?;
        } else {
            tx.rollback().await.map_err(db_err)?;
        }
        Ok(n > 0)
    }
}

/// Clears the raw bytes and outcomes of the tenant's signals concerning `hashes` (erasure),
/// inside the caller's transaction. Returns how many were cleared.
pub(crate) async fn erase_signals(
    conn: &mut sqlx::SqliteConnection,
    tenant: TenantId,
    hashes: &[IdentHash],
) -> StoreResult<u64> {
    let mut n = 0;
    for h in hashes {
        n += sqlx::query(
            "UPDATE signals SET raw = NULL, outcome = NULL, message_id = NULL, erased = 1 \
             WHERE tenant_id = ?1 AND erased = 0 AND id IN (SELECT signal_id FROM signal_subjects \
             WHERE tenant_id = ?1 AND ident_hash = ?2)",
        )
        .bind(blob(tenant.0))
        .bind(h.0.to_vec())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?
        .rows_affected();
    }
    Ok(n)
}
