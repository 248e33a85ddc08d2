//! `veto-bench load`: provision a tenant and bulk-load a file of addresses into it through
//! `Store::import_entries`, parsing and hashing the next chunk while the store writes the
//! current one.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use rayon::prelude::*;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::email::EmailAddress;
use veto_domain::id::{EntryId, TenantId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::keyed_hash::IdentifierHasher;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_store::DynStore;
use veto_store_postgres::PostgresStore;
use veto_store_sqlite::SqliteStore;

/// What `load` needs.
#[derive(Debug, Clone)]
pub struct LoadArgs {
    pub db: String,
    pub file: PathBuf,
    pub tenant_name: String,
    pub admin_email: String,
    pub chunk: usize,
}

/// An open store of either backend (kept concrete so it can be closed cleanly).
enum Opened {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl Opened {
    async fn open(url: &str) -> anyhow::Result<Self> {
        let u = url.trim();
        if u.starts_with("sqlite:") {
            let s = SqliteStore::connect(u)
                .await
                .with_context(|| format!("cannot open the database {u}"))?;
            Ok(Self::Sqlite(Arc::new(s)))
        } else if u.starts_with("postgres://") || u.starts_with("postgresql://") {
            let s = PostgresStore::connect(u)
                .await
                .context("cannot open the PostgreSQL database")?;
            Ok(Self::Postgres(Arc::new(s)))
        } else {
            bail!(
                "unsupported database URL: use sqlite:PATH, sqlite://PATH, postgres://… or postgresql://…"
            )
        }
    }

    fn store(&self) -> DynStore {
        match self {
            Self::Sqlite(s) => s.clone(),
            Self::Postgres(s) => s.clone(),
        }
    }

    async fn close(&self) {
        match self {
            Self::Sqlite(s) => s.close().await,
            Self::Postgres(s) => s.close().await,
        }
    }
}

/// A parsed chunk: entries and the count of input lines it covers.
type Chunk = anyhow::Result<Vec<NewEntry>>;

/// Everything the producer thread needs to turn lines into entries.
#[derive(Clone)]
struct EntryMaker {
    tenant: TenantId,
    hasher: IdentifierHasher,
    roles: Arc<Vec<String>>,
    hashed_only: bool,
    actor: Actor,
}

impl EntryMaker {
    fn make(
        &self,
        line_no: u64,
        raw: &str,
        now: veto_domain::Timestamp,
    ) -> anyhow::Result<NewEntry> {
        let email = EmailAddress::parse(raw)
            .map_err(|e| anyhow!("line {line_no}: {raw:?} is not an e-mail address: {e}"))?;
        let ident_hash = self
            .hasher
            .hash_value(IdentifierKind::Email, email.as_str());
        let role_account = is_role_account(email.local_part(), &self.roles);
        Ok(NewEntry {
            id: EntryId::new(),
            tenant_id: self.tenant,
            kind: IdentifierKind::Email,
            identifier: (!self.hashed_only).then_some(Identifier::Email(email)),
            ident_hash,
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason: Reason::StopRequest,
            source: SourceChannel::Import,
            evidence: None,
            role_account,
            created_by: self.actor.clone(),
            created_at: now,
            valid_from: now,
            expires_at: None,
        })
    }
}

/// Reads `path` in chunks of `chunk` non-empty lines, builds the entries of each chunk in
/// parallel and sends them; stops at the first error (which it sends).
fn produce(path: &Path, chunk: usize, maker: &EntryMaker, tx: &tokio::sync::mpsc::Sender<Chunk>) {
    let send = |c: Chunk| tx.blocking_send(c).is_ok();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            send(Err(anyhow!("cannot open {}: {e}", path.display())));
            return;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line_no = 0u64;
    let mut done = false;
    while !done {
        let mut lines: Vec<(u64, String)> = Vec::with_capacity(chunk);
        while lines.len() < chunk {
            let mut s = String::new();
            match reader.read_line(&mut s) {
                Ok(0) => {
                    done = true;
                    break;
                }
                Ok(_) => {
                    line_no += 1;
                    if !s.trim().is_empty() {
                        lines.push((line_no, s));
                    }
                }
                Err(e) => {
                    send(Err(anyhow!(
                        "reading {} after line {line_no}: {e}",
                        path.display()
                    )));
                    return;
                }
            }
        }
        if lines.is_empty() {
            break;
        }
        let now = veto_domain::now();
        let entries: anyhow::Result<Vec<NewEntry>> = lines
            .par_iter()
            .with_min_len(1024)
            .map(|(n, l)| maker.make(*n, l, now))
            .collect();
        let failed = entries.is_err();
        if !send(entries) || failed {
            return;
        }
    }
}

/// Runs the load; prints the provisioned tenant first, then a final JSON line, to stdout.
pub async fn run(args: LoadArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.chunk > 0, "--chunk must be at least 1");
    anyhow::ensure!(args.file.is_file(), "{} is not a file", args.file.display());
    let opened = Opened::open(&args.db).await?;
    let store = opened.store();
    let provisioned =
        veto_server::provision::create_tenant(&*store, &args.tenant_name, &args.admin_email)
            .await
            .with_context(|| format!("cannot create tenant {:?}", args.tenant_name))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string(&provisioned)?)?;
        out.flush()?;
    }
    let tenant = store.get_tenant(provisioned.tenant_id).await?;
    let maker = EntryMaker {
        tenant: tenant.id,
        hasher: IdentifierHasher::new(&tenant.secret),
        roles: Arc::new(tenant.policy.role_local_parts.clone()),
        hashed_only: tenant.policy.hashed_only,
        actor: Actor::system("bench"),
    };

    let started = Instant::now();
    // One chunk waits while the store writes another: parsing and hashing overlap the writes.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(1);
    let (path, chunk, maker2) = (args.file.clone(), args.chunk, maker.clone());
    let producer = std::thread::Builder::new()
        .name("bench-parse".into())
        .spawn(move || produce(&path, chunk, &maker2, &tx))
        .context("cannot start the parsing thread")?;

    let (mut rows, mut inserted, mut already, mut chunks) = (0u64, 0u64, 0u64, 0u64);
    let mut last_report = Instant::now();
    while let Some(batch) = rx.recv().await {
        let batch = batch?;
        let n = batch.len() as u64;
        let draft = AuditDraft::new(
            &maker.actor,
            actions::SUPPRESSIONS_IMPORTED,
            None,
            serde_json::json!({"source": "bench"}),
        );
        let report = store
            .import_entries(tenant.id, batch, draft)
            .await
            .with_context(|| format!("importing rows {}..{}", rows + 1, rows + n))?;
        rows += n;
        inserted += report.inserted;
        already += report.already_active;
        chunks += 1;
        if last_report.elapsed().as_secs_f64() >= 2.0 {
            let t = started.elapsed().as_secs_f64();
            eprintln!(
                "loaded {rows} rows in {t:.1}s: {:.0} rows/s",
                rows as f64 / t
            );
            last_report = Instant::now();
        }
    }
    producer
        .join()
        .map_err(|_| anyhow!("the parsing thread panicked"))?;
    let import_s = started.elapsed().as_secs_f64();
    opened.close().await;
    let elapsed_s = started.elapsed().as_secs_f64();
    eprintln!(
        "loaded {rows} rows in {elapsed_s:.1}s: {:.0} rows/s",
        rows as f64 / elapsed_s
    );
    let out = serde_json::json!({
        "backend": store.backend(),
        "rows": rows,
        "inserted": inserted,
        "already_active": already,
        "chunks": chunks,
        "import_s": import_s,
        "elapsed_s": elapsed_s,
        "rows_per_s": rows as f64 / elapsed_s.max(1e-9),
    });
    println!("{out}");
    Ok(())
}
