//! Recorded imports with their reports, and exports of the entries in force at an instant.

use sqlx::sqlite::SqliteConnection;
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;
use veto_domain::Timestamp;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{ImportId, TenantId};
use veto_domain::import::ImportRecord;
use veto_domain::suppression::Entry;
use veto_store::{Page, PageRequest, StoreError, StoreResult};

use crate::SqliteStore;
use crate::decode::{self, entry_cols, import_cols, to_json};
use crate::store::{append_events, blob, db_err, limit_of, page, unique_or, us};

/// Inserts the import's row (`Conflict` if it is recorded already).
pub(crate) async fn insert_import(
    conn: &mut SqliteConnection,
    import: &ImportRecord,
) -> StoreResult<()> {
    let file_bytes = i64::try_from(import.file_bytes)
        .map_err(|_| StoreError::Other(format!("file size {} is too large", import.file_bytes)))?;
    sqlx::query(concat!(
        "INSERT INTO imports (",
        import_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(blob(import.tenant_id.0))
    .bind(blob(import.id.0))
    .bind(import.kind.as_str())
    .bind(import.file_name.clone())
    .bind(import.file_sha256.clone())
    .bind(file_bytes)
    .bind(import.format.clone())
    .bind(to_json!(&import.options, "import options")?)
    .bind(to_json!(&import.counts, "import counts")?)
    .bind(import.started_by.to_string())
    .bind(us(import.started_at))
    .bind(import.finished_at.map(us))
    .bind(i64::from(import.report_chunks))
    .execute(&mut *conn)
    .await
    .map_err(|e| unique_or(e, || format!("import {} is recorded already", import.id)))?;
    Ok(())
}

/// Stores one chunk of a report under `key` (the import's id, or a lead import's key until
/// it commits).
pub(crate) async fn insert_chunk(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    key: Uuid,
    n: u32,
    data: Vec<u8>,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO import_report (tenant_id, import_id, n, data) VALUES (?, ?, ?, ?)")
        .bind(blob(tenant.0))
        .bind(blob(key))
        .bind(i64::from(n))
        .bind(data)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Files the report chunks written under `key` under the import's id.
pub(crate) async fn move_report(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    key: Uuid,
    import: ImportId,
) -> StoreResult<()> {
    sqlx::query("UPDATE import_report SET import_id = ? WHERE tenant_id = ? AND import_id = ?")
        .bind(blob(import.0))
        .bind(blob(tenant.0))
        .bind(blob(key))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The columns of an entry as JSON, in `decode::EntryJson` order (ids and hashes in
/// hex; an actor in its compact binary form as `~` and hex, since JSON holds no blobs).
macro_rules! entry_json {
    () => {
        "json_array(json_array(row_id, hex(id), kind, identifier, hex(ident_hash), include_subdomains, \
         channel, purposes, reason, source, evidence), json_array(role_account, \
         iif(typeof(created_by) = 'blob', '~' || hex(created_by), created_by), created_at, \
         valid_from, expires_at, ended_at, end_kind, \
         iif(typeof(ended_by) = 'blob', '~' || hex(ended_by), ended_by), \
         iif(lift_id IS NULL, NULL, hex(lift_id)), erased))"
    };
}

/// Entries of tenant `?1` in force at `?3`, after row `?2`, in row order, at most `?4`: those
/// not ended through `entries_live`, ended ones through `entries_ended_rows`, so a page is two
/// ordered range scans whatever else the database holds. One JSON document per page: sqlx
/// materialises every result row with an allocation per column, which would dominate an export
/// of millions of rows.
const EXPORT_SQL: &str = concat!(
    "SELECT json_group_array(",
    entry_json!(),
    ") FROM (SELECT * FROM (SELECT ",
    entry_cols!(),
    " FROM entries INDEXED BY entries_live WHERE tenant_id = ?1 AND ended_at IS NULL AND row_id > ?2 \
       AND valid_from <= ?3 AND (expires_at IS NULL OR expires_at > ?3) ORDER BY row_id LIMIT ?4) \
     UNION ALL SELECT * FROM (SELECT ",
    entry_cols!(),
    " FROM entries INDEXED BY entries_ended_rows WHERE tenant_id = ?1 AND ended_at IS NOT NULL \
       AND ended_at > ?3 AND row_id > ?2 AND valid_from <= ?3 \
       AND (expires_at IS NULL OR expires_at > ?3) ORDER BY row_id LIMIT ?4) \
     ORDER BY row_id LIMIT ?4)"
);

impl SqliteStore {
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
        let mut tx = self.begin().await?;
        insert_import(&mut tx, import).await?;
        for (n, data) in (0u32..).zip(report) {
            insert_chunk(&mut tx, tenant, import.id.0, n, data).await?;
        }
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await
    }

    pub(crate) async fn import(&self, tenant: TenantId, id: ImportId) -> StoreResult<ImportRecord> {
        let row = sqlx::query(concat!(
            "SELECT ",
            import_cols!(),
            " FROM imports WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("import"))?;
        decode::import(&row)
    }

    pub(crate) async fn imports_page(
        &self,
        tenant: TenantId,
        page_req: PageRequest<ImportId>,
    ) -> StoreResult<Page<ImportRecord, ImportId>> {
        let limit = limit_of(page_req.limit);
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            import_cols!(),
            " FROM imports WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows
            .iter()
            .map(decode::import)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |i: &ImportRecord| i.id))
    }

    pub(crate) async fn report_chunk(
        &self,
        tenant: TenantId,
        id: ImportId,
        n: u32,
    ) -> StoreResult<Option<Vec<u8>>> {
        // One query: no row means no such import; a NULL means no such chunk.
        let row = sqlx::query(
            "SELECT (SELECT data FROM import_report WHERE tenant_id = ?1 AND import_id = ?2 AND n = ?3) AS data \
             FROM imports WHERE tenant_id = ?1 AND id = ?2",
        )
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .bind(i64::from(n))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("import"))?;
        decode::Cols::new(&row, "import_report").get("data")
    }

    pub(crate) async fn export_page(
        &self,
        tenant: TenantId,
        as_of: Option<Timestamp>,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Entry)>> {
        let t = us(as_of.unwrap_or_else(veto_domain::now));
        let text: String = sqlx::query(EXPORT_SQL)
            .bind(blob(tenant.0))
            .bind(after_row)
            .bind(t)
            .bind(i64::from(limit))
            .fetch_one(&self.reader)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        let mut page = decode::entries_json(tenant, &text)?;
        // The aggregate follows the subquery's order; this keeps the promise regardless.
        page.sort_unstable_by_key(|(row, _)| *row);
        Ok(page)
    }
}
