//! Recorded imports with their reports, and exports of the entries in force at an instant.

use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{ImportId, TenantId};
use veto_domain::import::ImportRecord;
use veto_domain::suppression::Entry;
use veto_store::{Page, PageRequest, StoreError, StoreResult};

use crate::PostgresStore;
use crate::rows::{self, entry_cols, import_cols};
use crate::store_impl::{json_text, page_limit, paginate};
use crate::tx::{Chain, db, db_conflict};

/// Inserts the import's row (`Conflict` if it is recorded already).
pub(crate) async fn insert_import(
    conn: &mut PgConnection,
    import: &ImportRecord,
) -> StoreResult<()> {
    let file_bytes = i64::try_from(import.file_bytes)
        .map_err(|_| StoreError::Other(format!("file size {} is too large", import.file_bytes)))?;
    let chunks = i32::try_from(import.report_chunks).map_err(|_| {
        StoreError::Other(format!(
            "{} report chunks are too many",
            import.report_chunks
        ))
    })?;
    sqlx::query(concat!(
        "INSERT INTO imports (",
        import_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(import.tenant_id.0)
    .bind(import.id.0)
    .bind(import.kind.as_str())
    .bind(&import.file_name)
    .bind(&import.file_sha256)
    .bind(file_bytes)
    .bind(&import.format)
    .bind(json_text(&import.options, "import options")?)
    .bind(json_text(&import.counts, "import counts")?)
    .bind(import.started_by.to_string())
    .bind(veto_domain::to_micros(import.started_at))
    .bind(import.finished_at.map(veto_domain::to_micros))
    .bind(chunks)
    .execute(conn)
    .await
    .map_err(|e| db_conflict(e, || format!("import {} is recorded already", import.id)))?;
    Ok(())
}

/// Stores one chunk of a report under `key` (the import's id, or a lead import's key until it
/// commits).
pub(crate) async fn insert_chunk(
    conn: &mut PgConnection,
    tenant: TenantId,
    key: Uuid,
    n: u32,
    data: &[u8],
) -> StoreResult<()> {
    let n = i32::try_from(n)
        .map_err(|_| StoreError::Other(format!("report chunk {n} is past the last possible")))?;
    sqlx::query(
        "INSERT INTO import_report (tenant_id, import_id, n, data) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant.0)
    .bind(key)
    .bind(n)
    .bind(data)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Files the report chunks written under `key` under the import's id. The chunks' data, stored
/// out of line, is not copied.
pub(crate) async fn move_report(
    conn: &mut PgConnection,
    tenant: TenantId,
    key: Uuid,
    import: ImportId,
) -> StoreResult<()> {
    sqlx::query("UPDATE import_report SET import_id = $3 WHERE tenant_id = $1 AND import_id = $2")
        .bind(tenant.0)
        .bind(key)
        .bind(import.0)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Entries in force at `$3`, after row `$2`, in row order: those not ended through
/// `entries_in_force`, ended ones through `entries_ended_rows`, both in row order and merged.
/// Each page is an ordered range scan, never a sort of the tenant's history.
const EXPORT_SQL: &str = concat!(
    "SELECT * FROM ((SELECT ",
    entry_cols!(),
    " FROM entries WHERE tenant_id = $1 AND ended_at IS NULL AND row_id > $2 AND valid_from <= $3 \
       AND (expires_at IS NULL OR expires_at > $3) ORDER BY row_id LIMIT $4) \
     UNION ALL (SELECT ",
    entry_cols!(),
    " FROM entries WHERE tenant_id = $1 AND ended_at IS NOT NULL AND ended_at > $3 AND row_id > $2 \
       AND valid_from <= $3 AND (expires_at IS NULL OR expires_at > $3) ORDER BY row_id LIMIT $4)) AS x \
     ORDER BY row_id LIMIT $4"
);

impl PostgresStore {
    pub(crate) async fn record(
        &self,
        import: &ImportRecord,
        report: Vec<Vec<u8>>,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        if report.len() != import.report_chunks as usize {
            return Err(StoreError::Other(format!(
                "import {} counts {} report chunks, {} were given",
                import.id,
                import.report_chunks,
                report.len()
            )));
        }
        let tenant = import.tenant_id;
        let mut tx = self.pool().begin().await.map_err(db)?;
        let mut chain = Chain::lock(&mut tx, tenant).await?;
        insert_import(&mut tx, import).await?;
        for (n, data) in (0u32..).zip(&report) {
            insert_chunk(&mut tx, tenant, import.id.0, n, data).await?;
        }
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    pub(crate) async fn import(&self, tenant: TenantId, id: ImportId) -> StoreResult<ImportRecord> {
        let row = sqlx::query(concat!(
            "SELECT ",
            import_cols!(),
            " FROM imports WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("import"))?;
        rows::import(&row)
    }

    pub(crate) async fn imports_page(
        &self,
        tenant: TenantId,
        page: PageRequest<ImportId>,
    ) -> StoreResult<Page<ImportRecord, ImportId>> {
        let limit = page_limit(page.limit);
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            import_cols!(),
            " FROM imports WHERE tenant_id = "
        ));
        q.push_bind(tenant.0);
        if let Some(after) = page.after {
            q.push(" AND id < ");
            q.push_bind(after.0);
        }
        q.push(" ORDER BY id DESC LIMIT ");
        q.push_bind(limit + 1);
        let items = q
            .build()
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(rows::import)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |i: &ImportRecord| i.id))
    }

    pub(crate) async fn report_chunk(
        &self,
        tenant: TenantId,
        id: ImportId,
        n: u32,
    ) -> StoreResult<Option<Vec<u8>>> {
        let Ok(n) = i32::try_from(n) else {
            return self.import(tenant, id).await.map(|_| None);
        };
        // One query: no row means no such import; a NULL means no such chunk.
        let row = sqlx::query(
            "SELECT (SELECT data FROM import_report WHERE tenant_id = $1 AND import_id = $2 AND n = $3) AS data \
             FROM imports WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id.0)
        .bind(n)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("import"))?;
        rows::get(&row, "data")
    }

    pub(crate) async fn export_page(
        &self,
        tenant: TenantId,
        as_of: Option<Timestamp>,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Entry)>> {
        let t = veto_domain::to_micros(as_of.unwrap_or_else(veto_domain::now));
        sqlx::query(EXPORT_SQL)
            .bind(tenant.0)
            .bind(after_row)
            .bind(t)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(rows::entry)
            .collect()
    }
}
