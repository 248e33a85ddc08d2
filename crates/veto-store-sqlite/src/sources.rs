//! Configured inbound sources (mailboxes, provider webhooks).

use sqlx::sqlite::SqliteRow;
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{SourceId, TenantId};
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_store::{StoreError, StoreResult};

use crate::SqliteStore;
use crate::decode::Cols;
use crate::store::{append_events, blob, db_err, unique_or, us};

macro_rules! source_cols {
    () => {
        "tenant_id, id, kind, name, config, secret, state, enabled, created_by, created_at, \
         last_run_at, last_error"
    };
}

fn source(row: &SqliteRow) -> StoreResult<InboundSource> {
    let c = Cols::new(row, "inbound_sources");
    Ok(InboundSource {
        id: SourceId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        kind: c.parse("kind", SourceKind::parse)?,
        name: c.text("name")?,
        config: c.text("config")?,
        secret: c.get("secret")?,
        state: c.text("state")?,
        enabled: c.flag("enabled")?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
        last_run_at: c.opt_ts("last_run_at")?,
        last_error: c.opt_text("last_error")?,
    })
}

impl SqliteStore {
    pub(crate) async fn create_source_impl(
        &self,
        s: &InboundSource,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO inbound_sources (",
            source_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(blob(s.tenant_id.0))
        .bind(blob(s.id.0))
        .bind(s.kind.as_str())
        .bind(&s.name)
        .bind(&s.config)
        .bind(&s.secret)
        .bind(&s.state)
        .bind(i64::from(s.enabled))
        .bind(s.created_by.to_string())
        .bind(us(s.created_at))
        .bind(s.last_run_at.map(us))
        .bind(&s.last_error)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("source {} exists already", s.id)))?;
        append_events(&mut tx, s.tenant_id, &[draft]).await?;
        self.commit(tx).await
    }

    pub(crate) async fn get_source_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
    ) -> StoreResult<InboundSource> {
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("inbound source"))?;
        source(&row)
    }

    pub(crate) async fn list_sources_impl(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<InboundSource>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(source).collect()
    }

    pub(crate) async fn enabled_sources_impl(
        &self,
        kind: SourceKind,
    ) -> StoreResult<Vec<InboundSource>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE kind = ? AND enabled = 1 ORDER BY tenant_id, id"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(source).collect()
    }

    pub(crate) async fn record_source_run_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
        state: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE inbound_sources SET state = ?, last_run_at = ?, last_error = ? \
             WHERE tenant_id = ? AND id = ?",
        )
        .bind(state)
        .bind(us(at))
        .bind(error)
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("inbound source"));
        }
        self.commit(tx).await
    }

    pub(crate) async fn disable_source_impl(
        &self,
        tenant: TenantId,
        id: SourceId,
        draft: AuditDraft,
    ) -> StoreResult<InboundSource> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE inbound_sources SET enabled = 0 WHERE tenant_id = ? AND id = ? AND enabled = 1",
        )
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM inbound_sources WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("inbound source"))?;
        let s = source(&row)?;
        if n > 0 {
            append_events(&mut tx, tenant, &[draft]).await?;
            self.commit(tx).await?;
        } else {
            tx.rollback().await.map_err(db_err)?;
        }
        Ok(s)
    }
}
