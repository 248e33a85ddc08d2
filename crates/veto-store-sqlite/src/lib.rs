//! Veto's SQLite store: one database file in WAL mode, written through a single connection
//! and read through a small pool of read-only ones.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction on the writer connection, so writers queue
//! in the pool instead of failing on lock upgrades, and readers never block them. The change
//! feed's sequence is assigned inside those transactions and is therefore in commit order.
#![forbid(unsafe_code)]

mod batch;
mod contacts;
mod decode;
mod fence;
mod imports;
mod routes;
mod sending;
mod signals;
mod sources;
mod store;

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, SqlSafeStr};
use veto_store::{StoreError, StoreResult};

/// A [`veto_store::Store`] on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Write transactions committed through this store and its clones (see
    /// `Store::local_writes`).
    writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The send fence (see `fence`), shared by clones.
    fence: std::sync::Arc<fence::Stripes>,
    /// A private in-memory database: one connection for everything, which is then also the
    /// send fence (see `fence`).
    in_memory: bool,
}

/// The schema, embedded at compile time. Built by hand rather than with `sqlx::migrate!` so
/// the workspace does not need sqlx's proc-macro feature.
fn migrator() -> Migrator {
    const MIGRATIONS: &[(i64, &str, &str)] = &[
        (1, "init", include_str!("../migrations/0001_init.sql")),
        (
            2,
            "contacts imports",
            include_str!("../migrations/0002_contacts_imports.sql"),
        ),
        (3, "signals", include_str!("../migrations/0003_signals.sql")),
        (
            4,
            "inbound sources",
            include_str!("../migrations/0004_inbound_sources.sql"),
        ),
        (5, "routes", include_str!("../migrations/0005_routes.sql")),
        (6, "sending", include_str!("../migrations/0006_sending.sql")),
    ];
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

const READERS: u32 = 4;
/// No memory map: mapped pages count towards the node's resident memory, which must stay
/// bounded (the check index of 10M entries already takes ~600 MB). Reads go through SQLite's
/// own page caches, whose sizes are fixed below.
const MMAP_SIZE: &str = "0";
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` — `sqlite:PATH`, `sqlite://PATH` or
    /// `sqlite::memory:` — and brings its schema up to date.
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        // sqlx takes anything else for a file name, so a mistyped URL would quietly create one.
        if !url.starts_with("sqlite:") {
            return Err(StoreError::Other(format!(
                "not a sqlite url: {url:?} (use sqlite:PATH or sqlite::memory:)"
            )));
        }
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("bad sqlite url {url:?}: {e}")))?
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);

        if is_in_memory(url) {
            // Each connection to a private in-memory database is its own database, and it
            // vanishes with its last connection: one connection, kept open forever.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(base)
                .await
                .map_err(|e| StoreError::Other(format!("cannot open {url}: {e}")))?;
            migrate(&pool).await?;
            return Ok(SqliteStore {
                writer: pool.clone(),
                reader: pool,
                writes: Default::default(),
                fence: Default::default(),
                in_memory: true,
            });
        }

        let path = base.get_filename().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Other(format!("cannot create directory {}: {e}", dir.display()))
            })?;
        }

        let writer_opts = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an acknowledged suppression survives a power
            // loss, which NORMAL does not promise.
            .synchronous(SqliteSynchronous::Full)
            // Bulk imports insert into an index keyed on random hashes; a larger page cache
            // keeps most of it in memory.
            .pragma("cache_size", "-65536")
            // Statement journals (multi-row INSERT OR IGNORE inside a transaction) stay in
            // memory instead of going through a temporary file page by page.
            .pragma("temp_store", "memory")
            .pragma("mmap_size", MMAP_SIZE);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // A lead import holds the one writer for its whole transaction (about 20 s per
            // million rows): a suppression arriving meanwhile waits for it rather than failing.
            .acquire_timeout(std::time::Duration::from_secs(300))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(writer_opts)
            .await
            .map_err(|e| StoreError::Other(format!("cannot open {}: {e}", path.display())))?;
        migrate(&writer).await?;

        // Opened after the writer so the file exists and is in WAL mode already.
        let reader_opts = base
            .read_only(true)
            .pragma("cache_size", "-16384")
            .pragma("mmap_size", MMAP_SIZE);
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(reader_opts)
            .await
            .map_err(|e| {
                StoreError::Other(format!("cannot open {} for reading: {e}", path.display()))
            })?;
        tracing::debug!(path = %path.display(), "sqlite store open");
        Ok(SqliteStore {
            writer,
            reader,
            writes: Default::default(),
            fence: Default::default(),
            in_memory: false,
        })
    }

    /// Closes both pools, checkpointing the WAL into the database file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    migrator()
        .run(pool)
        .await
        .map_err(|e| StoreError::Other(format!("sqlite migration failed: {e}")))
}
