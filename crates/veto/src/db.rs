//! Opening the store named by a database URL: the scheme picks the backend, and connecting
//! runs that backend's migrations.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use veto_store::DynStore;

/// The backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which backend `url` is for, or an error naming the URL (password hidden) and the
/// schemes that work.
pub fn backend_of(url: &str) -> anyhow::Result<Backend> {
    let u = url.trim();
    if u.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if u.starts_with("postgres://") || u.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        anyhow::bail!(
            "unsupported database URL '{}': use sqlite:PATH, sqlite://PATH, postgres://… or postgresql://…",
            redact(u)
        )
    }
}

/// Opens (and migrates) the store at `url`.
pub async fn open_store(url: &str) -> anyhow::Result<DynStore> {
    let url = url.trim();
    let shown = redact(url);
    match backend_of(url)? {
        Backend::Sqlite => {
            if let Some(dir) = sqlite_parent_dir(url) {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the directory {} for {shown}", dir.display())
                })?;
            }
            let store = veto_store_sqlite::SqliteStore::connect(url)
                .await
                .with_context(|| format!("cannot open the database {shown}"))?;
            Ok(Arc::new(store))
        }
        Backend::Postgres => {
            let store = veto_store_postgres::PostgresStore::connect(url)
                .await
                .with_context(|| format!("cannot open the database {shown}"))?;
            Ok(Arc::new(store))
        }
    }
}

/// The directory a SQLite file lives in, so a first `veto serve` can create
/// `./veto-data/` itself. `None` for in-memory databases and bare file names.
fn sqlite_parent_dir(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo
                .split_once(':')
                .map(|(u, _)| format!("{u}:***"))
                .unwrap_or_else(|| userinfo.to_string());
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(backend_of("sqlite:veto.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            backend_of("sqlite://./veto-data/veto.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(
            backend_of("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let e = backend_of("mysql://root:hunter2@db/veto")
            .unwrap_err()
            .to_string();
        assert!(e.contains("mysql://root:***@db/veto"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("sqlite:PATH"), "{e}");
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("postgres://veto:s3cret@db:5432/veto?sslmode=disable"),
            "postgres://veto:***@db:5432/veto?sslmode=disable"
        );
        assert_eq!(redact("postgres://veto@db/veto"), "postgres://veto@db/veto");
        assert_eq!(redact("sqlite:./x.db"), "sqlite:./x.db");
        // An '@' in the path is not userinfo.
        assert_eq!(redact("sqlite:///tmp/a@b/x.db"), "sqlite:///tmp/a@b/x.db");
    }

    #[test]
    fn sqlite_dirs() {
        assert_eq!(
            sqlite_parent_dir("sqlite://./veto-data/veto.db"),
            Some(Path::new("./veto-data"))
        );
        assert_eq!(
            sqlite_parent_dir("sqlite:/tmp/x/y.db?mode=rwc"),
            Some(Path::new("/tmp/x"))
        );
        assert_eq!(sqlite_parent_dir("sqlite:veto.db"), None);
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
    }
}
