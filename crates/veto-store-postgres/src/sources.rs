//! Configured inbound sources (mailboxes, provider webhooks).

use sqlx::postgres::PgRow;
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{SourceId, TenantId};
use veto_domain::inbound::InboundSource;
use veto_domain::inbound::SourceKind;
use veto_domain::to_micros;
use veto_store::{StoreError, StoreResult};

use crate::PostgresStore;
use crate::rows;
use crate::tx::{Chain, db, db_conflict};

macro_rules! source_cols {
    () => {
        "tenant_id, id, kind, name, config, secret, state, enabled, created_by, created_at, \
         last_run_at, last_error"
    };
}

fn source(row: &PgRow) -> StoreResult<InboundSource> {
    rows::source(row)
}

impl PostgresStore {
    pub(crate) async fn create_source_impl(
        &self,
        s: &InboundSource,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, s.tenant_id).await?;
        sqlx::query(concat!(
            "INSERT INTO inbound_sources (",
            source_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(s.tenant_id.0)
        .bind(s.id.0)
        .bind(s.kind.as_str())
        .bind(&s.name)
        .bind(&s.config)
        .bind(&s.secret)
        .bind(&s.state)
        .bind(s.enabled)
        .bind(s.created_by.to_string())
        .bind(to_micros(s.created_at))
        .bind(s.last_run_at.map(to_micros))
        .bind(&s.last_error)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_conflict(e, || format!("source {} exists already", s.id)))?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    pub(crate) async fn get_source_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
    ) -> StoreResult<InboundSource> {
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("inbound source"))?;
        source(&row)
    }

    pub(crate) async fn list_sources_impl(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<InboundSource>> {
        let found = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found.iter().map(source).collect()
    }

    pub(crate) async fn enabled_sources_impl(
        &self,
        kind: SourceKind,
    ) -> StoreResult<Vec<InboundSource>> {
        let found = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE kind = $1 AND enabled ORDER BY tenant_id, id"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found.iter().map(source).collect()
    }

    pub(crate) async fn record_source_run_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
        state: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> StoreResult<()> {
        let n = sqlx::query(
            "UPDATE inbound_sources SET state = $3, last_run_at = $4, last_error = $5 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id.0)
        .bind(state)
        .bind(to_micros(at))
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("inbound source"));
        }
        Ok(())
    }

    pub(crate) async fn disable_source_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
        draft: AuditDraft,
    ) -> StoreResult<InboundSource> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        let n = sqlx::query(
            "UPDATE inbound_sources SET enabled = false WHERE tenant_id = $1 AND id = $2 AND enabled",
        )
        .bind(tenant.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("inbound source"))?;
        let s = source(&row)?;
        if n > 0 {
            chain.append(&mut tx, &draft).await?;
            chain.save(&mut tx).await?;
            tx.commit().await.map_err(db)?;
        } else {
            tx.rollback().await.map_err(db)?;
        }
        Ok(s)
    }
}
