//! Veto's PostgreSQL store: [`PostgresStore`] implements [`veto_store::Store`] with
//! hand-written SQL over a connection pool, for several `veto serve` nodes sharing one
//! database.
//!
//! Connecting applies the migrations in `migrations/`. A `schema=NAME` query parameter in the
//! URL puts every table (and sqlx's migration table) in that schema, creating it if needed;
//! tests use a fresh schema per run.
//!
//! Layout:
//! - [`PostgresStore::connect`] — URL handling, schema, pool, migrations.
//! - `store_impl` — the trait, method by method.
//! - `tx` — the feed lock, change appends and the tenant's audit chain.
//! - `copy`, `copy_entries` — binary `COPY` and the bulk insert of imported entries.
//! - `leads` — contacts and the lead-import transaction; `imports` — import records, their
//!   reports, exports.
//! - `rows` — decoding rows into models.
//! - `sending` — mailboxes, credentials, sequences, enrolments, send attempts, the send fence.
//! - [`testing`] (feature `testing`) — a throwaway database for tests.
#![forbid(unsafe_code)]

mod copy;
mod copy_entries;
mod imports;
mod leads;
mod routes;
mod rows;
mod sending;
mod signals;
mod sources;
mod store_impl;
mod tx;

#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use veto_store::StoreError;

/// Connections per store: enough for a node's concurrent requests plus the feed follower,
/// few enough that several nodes stay well under PostgreSQL's default of 100.
const POOL_SIZE: u32 = 16;

/// A [`veto_store::Store`] on PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    schema: Option<String>,
}

impl PostgresStore {
    /// Connects to a `postgres://` or `postgresql://` URL and applies pending migrations.
    /// A `schema=NAME` query parameter selects (and creates) the schema to work in.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let (base, schema) = split_schema(url)?;
        Self::connect_with_schema(&base, schema.as_deref()).await
    }

    /// Like [`PostgresStore::connect`], with the schema given apart from the URL (it wins over
    /// one in the URL).
    pub async fn connect_with_schema(
        url: &str,
        schema: Option<&str>,
    ) -> Result<PostgresStore, StoreError> {
        let (base, url_schema) = split_schema(url)?;
        let schema = match schema {
            Some(s) => Some(s.to_string()),
            None => url_schema,
        };
        if let Some(s) = &schema {
            check_schema_name(s)?;
        }
        let mut opts = PgConnectOptions::from_str(&base)
            .map_err(|e| StoreError::Other(format!("bad PostgreSQL URL: {e}")))?
            .application_name("veto");
        if let Some(s) = &schema {
            create_schema(&opts, s).await?;
            // A startup parameter rather than a SET after connecting: it holds for every
            // connection the pool ever opens, including ones it reopens later.
            opts = opts.options([("search_path", s.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Other(format!("cannot connect to PostgreSQL: {e}")))?;
        migrate(&pool).await?;
        tracing::debug!(
            schema = schema.as_deref().unwrap_or("(search_path)"),
            "PostgreSQL store ready"
        );
        Ok(PostgresStore { pool, schema })
    }

    /// The pool, for maintenance and tests (never needed to use the store).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema the store works in, if one was chosen.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Applies the embedded migrations. sqlx takes a database-wide advisory lock while migrating,
/// so nodes starting together apply each migration once.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .map_err(|e| StoreError::Other(format!("migrating the PostgreSQL schema failed: {e}")))
}

async fn create_schema(opts: &PgConnectOptions, schema: &str) -> Result<(), StoreError> {
    let mut conn = opts
        .connect()
        .await
        .map_err(|e| StoreError::Other(format!("cannot connect to PostgreSQL: {e}")))?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
            .bind(schema)
            .fetch_one(&mut conn)
            .await
            .map_err(tx::db)?;
    if !exists {
        // The name was checked to be a plain lower-case identifier, so it needs no quoting.
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&mut conn)
        .await;
        // Two nodes creating the schema at once: one of them loses the race on the catalog's
        // unique index even with IF NOT EXISTS, and the schema is there all the same.
        if let Err(e) = r {
            let raced = matches!(&e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23505") || d.code().as_deref() == Some("42P06"));
            if !raced {
                return Err(StoreError::Other(format!(
                    "cannot create schema {schema}: {e}"
                )));
            }
        }
    }
    let _ = conn.close().await;
    Ok(())
}

/// Schema names are limited to what needs no quoting anywhere (search_path, DDL, URLs).
fn check_schema_name(s: &str) -> Result<(), StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with("pg_");
    if ok {
        Ok(())
    } else {
        Err(StoreError::Other(format!(
            "bad schema name '{s}': use lower-case letters, digits and _ (at most 63, not starting with pg_)"
        )))
    }
}

/// Splits a `schema=NAME` parameter off the URL's query; the rest is for the driver, which
/// would only warn about a parameter it does not know.
fn split_schema(url: &str) -> Result<(String, Option<String>), StoreError> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(StoreError::Other(
            "a PostgreSQL URL starts with postgres:// or postgresql://".to_string(),
        ));
    }
    let Some((head, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut schema = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("schema=") {
            Some(v) => schema = Some(v.to_string()),
            None => rest.push(pair),
        }
    }
    let mut base = head.to_string();
    if !rest.is_empty() {
        base.push('?');
        base.push_str(&rest.join("&"));
    }
    if let Some(f) = fragment {
        base.push('#');
        base.push_str(f);
    }
    Ok((base, schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_parameter_is_split_off() {
        let (b, s) = split_schema("postgres://u@h:5/db?schema=veto_x&sslmode=disable").unwrap();
        assert_eq!(b, "postgres://u@h:5/db?sslmode=disable");
        assert_eq!(s.as_deref(), Some("veto_x"));
        let (b, s) = split_schema("postgresql://u@h/db").unwrap();
        assert_eq!((b.as_str(), s), ("postgresql://u@h/db", None));
        let (b, s) = split_schema("postgres://u@h/db?schema=a").unwrap();
        assert_eq!((b.as_str(), s.as_deref()), ("postgres://u@h/db", Some("a")));
        assert!(split_schema("sqlite://x.db").is_err());
    }

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_schema_name("veto_test_0123abc").is_ok());
        for bad in [
            "",
            "Veto",
            "a-b",
            "a;drop",
            "pg_catalog",
            "1abc",
            &"x".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
