//! A PostgreSQL database for tests: each [`test_database`] call gets a fresh schema, so tests
//! (and test binaries) running in parallel never see each other's rows.
//!
//! Where the server comes from, first found wins:
//! 1. `VETO_TEST_POSTGRES_URL` (a `postgres://` URL);
//! 2. `postgres://postgres@127.0.0.1:5432/test` (trust auth, as CI has it), unless
//!    `VETO_TEST_POSTGRES_SKIP_LOCAL=1`;
//! 3. a throwaway cluster started once per test process with `initdb`/`pg_ctl` from PATH or
//!    `/usr/lib/postgresql/*/bin`, in a temporary directory on a free loopback port, stopped
//!    and removed when the process exits;
//! 4. none: a loud "PostgreSQL tests SKIPPED" on stderr and `None`, or a panic when
//!    `VETO_REQUIRE_POSTGRES=1` (CI), so a missing database can never pass as green.
//!
//! A schema is dropped when its [`TestDb`] is dropped (`VETO_TEST_KEEP_SCHEMA=1` keeps it for
//! a post-mortem); schemas left behind by killed runs are swept after a day.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::sync::OnceCell;

use crate::PostgresStore;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const SCHEMA_PREFIX: &str = "veto_test_";
/// Schemas older than this are left over from killed runs.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The server every test of this process uses, resolved once.
static SERVER: OnceCell<Result<String, String>> = OnceCell::const_new();

/// A fresh schema on a test server.
#[derive(Debug)]
pub struct TestDb {
    base: String,
    schema: String,
    url: String,
}

impl TestDb {
    /// A URL selecting this database's schema, for [`PostgresStore::connect`] and for a
    /// separate `veto serve --db URL` process alike.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// A store on this schema (migrated). Each call opens its own pool, like another node.
    pub async fn store(&self) -> PostgresStore {
        match PostgresStore::connect(&self.url).await {
            Ok(s) => s,
            Err(e) => panic!("cannot open the test store on {}: {e}", self.url),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if env_flag("VETO_TEST_KEEP_SCHEMA") {
            loud(&format!(
                "keeping PostgreSQL test schema {} ({})",
                self.schema, self.url
            ));
            return;
        }
        let base = self.base.clone();
        let schema = self.schema.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on from within; a
        // thread with its own small runtime can.
        let t = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = connect(&base).await {
                    drop_schema(&mut conn, &schema).await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = t.join();
    }
}

/// A fresh schema on the test server, or `None` (after a loud message) when there is no
/// server and `VETO_REQUIRE_POSTGRES` is not set.
pub async fn test_database() -> Option<TestDb> {
    let server = SERVER.get_or_init(resolve_server).await;
    let base = match server {
        Ok(url) => url.clone(),
        Err(why) => {
            if env_flag("VETO_REQUIRE_POSTGRES") {
                panic!("VETO_REQUIRE_POSTGRES is set but no PostgreSQL server is available: {why}");
            }
            if !SKIP_TOLD.swap(true, Ordering::Relaxed) {
                loud(&format!(
                    "\n========================================================================\n\
                     PostgreSQL tests SKIPPED: {why}\n\
                     Set VETO_TEST_POSTGRES_URL, run PostgreSQL on 127.0.0.1:5432 (database test,\n\
                     user postgres, trust auth), or install the server binaries (initdb, pg_ctl).\n\
                     ========================================================================"
                ));
            } else {
                loud("PostgreSQL test SKIPPED (no server, see above)");
            }
            return None;
        }
    };
    let schema = format!("{SCHEMA_PREFIX}{}", uuid::Uuid::now_v7().simple());
    let mut conn = match connect(&base).await {
        Ok(c) => c,
        Err(e) => panic!("the PostgreSQL test server at {base} stopped answering: {e}"),
    };
    if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
    {
        panic!("cannot create test schema {schema}: {e}");
    }
    let _ = conn.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    Some(TestDb { base, schema, url })
}

/// The skip notice is printed in full once per process.
static SKIP_TOLD: AtomicBool = AtomicBool::new(false);

/// Writes to the real stderr: the test harness captures `eprintln!` of passing tests, and a
/// skip must not pass unnoticed.
fn loud(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

async fn connect(url: &str) -> Result<PgConnection, String> {
    let opts = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    match tokio::time::timeout(Duration::from_secs(10), opts.connect()).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("timed out connecting".to_string()),
    }
}

async fn drop_schema(conn: &mut PgConnection, schema: &str) {
    // The test is over, but its pools may still hold a connection inside a transaction: sqlx
    // rolls a dropped transaction back from a task of the test's runtime, and that runtime is
    // blocked in `TestDb::drop`. Such a connection keeps its locks (the change feed's advisory
    // lock stalls every other test on the database), so end it.
    let _ = sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM (SELECT DISTINCT l.pid FROM pg_locks l \
           JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace \
          WHERE n.nspname = $1 AND l.pid <> pg_backend_pid()) holders",
    )
    .bind(schema)
    .execute(&mut *conn)
    .await;
    // Anything else in the way would block the drop forever; leaving the schema to the stale
    // sweep is better than hanging a test run.
    let _ = sqlx::query("SET lock_timeout = '10s'")
        .execute(&mut *conn)
        .await;
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut *conn)
    .await;
    if let Err(e) = r {
        loud(&format!(
            "could not drop PostgreSQL test schema {schema} (left for the stale sweep): {e}"
        ));
    }
}

async fn resolve_server() -> Result<String, String> {
    let url = if let Ok(url) = std::env::var("VETO_TEST_POSTGRES_URL") {
        // Asked for by name: an unusable one is an error, not a reason to look elsewhere.
        usable(&url)
            .await
            .map_err(|e| format!("VETO_TEST_POSTGRES_URL={url} is not usable: {e}"))?;
        url
    } else {
        let mut why = Vec::new();
        let mut found = None;
        if env_flag("VETO_TEST_POSTGRES_SKIP_LOCAL") {
            why.push(format!(
                "{DEFAULT_URL} skipped (VETO_TEST_POSTGRES_SKIP_LOCAL)"
            ));
        } else {
            match usable(DEFAULT_URL).await {
                Ok(()) => found = Some(DEFAULT_URL.to_string()),
                Err(e) => why.push(format!("{DEFAULT_URL}: {e}")),
            }
        }
        if found.is_none() {
            match tokio::task::spawn_blocking(start_cluster).await {
                Ok(Ok(url)) => match usable(&url).await {
                    Ok(()) => {
                        loud(&format!(
                            "PostgreSQL tests use a throwaway cluster at {url}"
                        ));
                        found = Some(url)
                    }
                    Err(e) => why.push(format!("throwaway cluster at {url}: {e}")),
                },
                Ok(Err(e)) => why.push(format!("throwaway cluster: {e}")),
                Err(e) => why.push(format!("throwaway cluster: {e}")),
            }
        }
        found.ok_or_else(|| why.join("; "))?
    };
    sweep_stale_schemas(&url).await;
    Ok(url)
}

/// Can we connect and create schemas there?
async fn usable(url: &str) -> Result<(), String> {
    let mut conn = connect(url).await?;
    let can: bool =
        sqlx::query_scalar("SELECT has_database_privilege(current_database(), 'CREATE')")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
    let _ = conn.close().await;
    if can {
        Ok(())
    } else {
        Err("the user may not create schemas in that database".to_string())
    }
}

/// Drops test schemas whose (time-ordered) name says they are over a day old.
async fn sweep_stale_schemas(url: &str) {
    let Ok(mut conn) = connect(url).await else {
        return;
    };
    let names: Vec<String> =
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)")
            .bind(SCHEMA_PREFIX)
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    let now = std::time::SystemTime::now();
    for name in names {
        let Some(created) = name
            .strip_prefix(SCHEMA_PREFIX)
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .and_then(|u| u.get_timestamp())
        else {
            continue;
        };
        let (secs, nanos) = created.to_unix();
        let created = std::time::UNIX_EPOCH + Duration::new(secs, nanos);
        if now
            .duration_since(created)
            .is_ok_and(|age| age > STALE_AFTER)
        {
            drop_schema(&mut conn, &name).await;
        }
    }
    let _ = conn.close().await;
}

// ----- throwaway cluster -----

fn pg_bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    // Debian keeps the server binaries off PATH, one directory per major version.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|d| {
            let v = d.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = d.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// (uid, gid) of the `postgres` system user.
fn postgres_user() -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A command run as the current user, or as `postgres` when we are root (initdb refuses
/// to run as root).
fn command(bin: &Path, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Starts a cluster for this process and a watcher that stops and removes it once the
/// process is gone (test harnesses have no reliable exit hook).
fn start_cluster() -> Result<String, String> {
    let bin = pg_bin_dir().ok_or("no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin")?;
    let as_postgres = is_root();
    let owner = if as_postgres {
        Some(
            postgres_user()
                .ok_or("running as root and there is no postgres user to run the server as")?,
        )
    } else {
        None
    };
    let dir = std::env::temp_dir().join(format!(
        "veto-pg-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
            .map_err(|e| format!("cannot chown {}: {e}", dir.display()))?;
    }
    let data = dir.join("data");
    let port = free_port()?;

    let mut c = command(&bin.join("initdb"), as_postgres);
    c.arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    if let Err(e) = run(c, "initdb") {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    // Durability is pointless for a throwaway cluster, and costs test time.
    let server_opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        dir.display()
    );
    let mut c = command(&bin.join("pg_ctl"), as_postgres);
    c.arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-w", "-t", "60", "-o", &server_opts, "start"]);
    if let Err(e) = run(c, "pg_ctl start") {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }

    let stop = if as_postgres {
        format!(
            "runuser -u postgres -- '{}' -D '{}' -m immediate stop",
            bin.join("pg_ctl").display(),
            data.display()
        )
    } else {
        format!(
            "'{}' -D '{}' -m immediate stop",
            bin.join("pg_ctl").display(),
            data.display()
        )
    };
    let watcher = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &watcher])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster's watcher: {e}"))?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}
