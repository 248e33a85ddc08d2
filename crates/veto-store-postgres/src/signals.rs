//! Inbound signals with their raw bytes, and the soft-bounce counts of the bounce policy.

use sqlx::{PgConnection, Postgres, QueryBuilder};
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{SignalId, TenantId};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::signal::{NewSignal, Signal, SignalFinish, SignalStart, SoftBounceCount};
use veto_domain::to_micros;
use veto_store::{Page, PageRequest, SignalFilter, StoreError, StoreResult};

use crate::PostgresStore;
use crate::rows::{self, signal_cols};
use crate::store_impl::{page_limit, paginate};
use crate::tx::{Chain, db};

impl PostgresStore {
    pub(crate) async fn begin_signal_impl(&self, s: NewSignal) -> StoreResult<SignalStart> {
        let size =
            i64::try_from(s.raw.len()).map_err(|_| StoreError::Other("signal too large".into()))?;
        // Insert, or read the row of the same key: one statement either way, so two nodes
        // receiving the same event at once agree on one row.
        sqlx::query(
            "INSERT INTO signals (tenant_id, id, key, via, content_type, size, raw, message_id, \
             received_by, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (tenant_id, key) DO NOTHING",
        )
        .bind(s.tenant_id.0)
        .bind(s.id.0)
        .bind(&s.key)
        .bind(s.via.as_string())
        .bind(&s.content_type)
        .bind(size)
        .bind(&s.raw)
        .bind(&s.message_id)
        .bind(s.received_by.to_string())
        .bind(to_micros(s.received_at))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        let row = sqlx::query(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = $1 AND key = $2"
        ))
        .bind(s.tenant_id.0)
        .bind(&s.key)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let rec = rows::signal(&row)?;
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
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let row = sqlx::query(concat!(
            "UPDATE signals SET kind = $3, outcome = $4, ignored = $5, processed_at = $6 \
             WHERE tenant_id = $1 AND id = $2 RETURNING ",
            signal_cols!()
        ))
        .bind(tenant.0)
        .bind(id.0)
        .bind(&f.kind)
        .bind(&f.outcome)
        .bind(f.ignored)
        .bind(to_micros(f.at))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("signal"))?;
        let rec = rows::signal(&row)?;
        if !f.subjects.is_empty() {
            let hashes: Vec<Vec<u8>> = f.subjects.iter().map(|h| h.0.to_vec()).collect();
            sqlx::query(
                "INSERT INTO signal_subjects (tenant_id, ident_hash, signal_id) \
                 SELECT $1, h, $2 FROM unnest($3::bytea[]) AS h ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&hashes)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
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
            " FROM signals WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("signal"))?;
        rows::signal(&row)
    }

    pub(crate) async fn signal_raw_impl(
        &self,
        tenant: TenantId,
        id: SignalId,
    ) -> StoreResult<Option<Vec<u8>>> {
        let raw: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT raw FROM signals WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        raw.ok_or(StoreError::NotFound("signal"))
    }

    pub(crate) async fn list_signals_impl(
        &self,
        tenant: TenantId,
        filter: &SignalFilter,
        page_req: PageRequest<SignalId>,
    ) -> StoreResult<Page<Signal, SignalId>> {
        let limit = page_limit(page_req.limit);
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            signal_cols!(),
            " FROM signals WHERE tenant_id = "
        ));
        qb.push_bind(tenant.0);
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(after.0);
        }
        if let Some(ignored) = filter.ignored {
            qb.push(" AND ignored = ").push_bind(ignored);
        }
        if let Some(kind) = &filter.kind {
            qb.push(" AND kind = ").push_bind(kind.clone());
        }
        qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit + 1);
        let found = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        let items = found
            .iter()
            .map(rows::signal)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |s: &Signal| s.id))
    }

    pub(crate) async fn count_soft_bounce_impl(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
        at: Timestamp,
    ) -> StoreResult<SoftBounceCount> {
        let row: (i32, i64, i64) = sqlx::query_as(
            "INSERT INTO soft_bounces AS s (tenant_id, ident_hash, count, first_at, last_at) \
             VALUES ($1, $2, 1, $3, $3) ON CONFLICT (tenant_id, ident_hash) DO UPDATE SET \
             count = s.count + 1, first_at = least(s.first_at, $3), \
             last_at = greatest(s.last_at, $3) RETURNING count, first_at, last_at",
        )
        .bind(tenant.0)
        .bind(hash.0.to_vec())
        .bind(to_micros(at))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(SoftBounceCount {
            count: u32::try_from(row.0).unwrap_or_default(),
            first_at: veto_domain::from_micros(row.1),
            last_at: veto_domain::from_micros(row.2),
        })
    }

    pub(crate) async fn reset_soft_bounces_impl(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
    ) -> StoreResult<bool> {
        let n = sqlx::query("DELETE FROM soft_bounces WHERE tenant_id = $1 AND ident_hash = $2")
            .bind(tenant.0)
            .bind(hash.0.to_vec())
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        Ok(n > 0)
    }
}

/// Clears the raw bytes and outcomes of the tenant's signals concerning `hashes` (erasure),
/// inside the caller's transaction. Returns how many were cleared.
pub(crate) async fn erase_signals(
    conn: &mut PgConnection,
    tenant: TenantId,
    hashes: &[IdentHash],
) -> StoreResult<u64> {
    let hashes: Vec<Vec<u8>> = hashes.iter().map(|h| h.0.to_vec()).collect();
    let n = sqlx::query(
        "UPDATE signals SET raw = NULL, outcome = NULL, message_id = NULL, erased = true \
         WHERE tenant_id = $1 AND NOT erased AND id IN (SELECT signal_id FROM signal_subjects \
         WHERE tenant_id = $1 AND ident_hash = ANY($2))",
    )
    .bind(tenant.0)
    .bind(&hashes)
    .execute(conn)
    .await
    .map_err(db)?
    .rows_affected();
    Ok(n)
}
