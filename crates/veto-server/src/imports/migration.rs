//! Suppression lists in and out: another provider's export (or our own) becomes entries of
//! the registry with their original dates and reasons, and the registry goes out again in
//! any supported format, as of any moment.
//!
//! Importing the same export twice changes nothing: an entry is skipped when the same
//! suppression is already in force, and records whose expiry (by the tenant's policy, from
//! their original date) has already passed are not brought in at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::{EntryId, ImportId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::import::{ImportCounts, ImportKind, ImportRecord, ReportRow, RowOutcome};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::NewEntry;
use veto_formats::{Format, Record, RecordError};

use super::buckets::{self, Buckets, Template};
use super::report::{ROWS_PER_CHUNK, encode_chunk};
use super::spool::Spooled;
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};

/// Entries written per store transaction, about: a larger file is split into hash buckets of
/// this size.
pub const CHUNK: usize = 1_000_000;

/// Records normalised in parallel at a time.
const READ_BATCH: usize = 16_384;

/// Progress of a migration, sent twice a second.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    /// Rows read and normalised so far.
    pub rows: u64,
    pub lines: u64,
    pub inserted: u64,
    pub invalid: u64,
}

enum Item {
    Entry(NewEntry),
    Problem(ReportRow),
    Expired,
}

/// What the reader thread sends: chunks of entries in hash order, then the rest of the count.
enum Msg {
    Chunk(Vec<NewEntry>),
    Done(Summary),
    Failed(String),
}

#[derive(Default)]
struct Summary {
    rows: u64,
    problems: Vec<ReportRow>,
    expired: u64,
}

/// Where the reader puts entries: in memory for a file of one chunk, else hash buckets on disk.
enum Sink {
    Memory(Vec<NewEntry>),
    Disk(Buckets),
}

impl Sink {
    fn new(n_buckets: usize) -> std::io::Result<Self> {
        Ok(if n_buckets <= 1 {
            Sink::Memory(Vec::new())
        } else {
            Sink::Disk(Buckets::new(n_buckets)?)
        })
    }

    fn push(&mut self, e: NewEntry) -> std::io::Result<()> {
        match self {
            Sink::Memory(v) => {
                v.push(e);
                Ok(())
            }
            Sink::Disk(b) => b.push(&e),
        }
    }
}

/// Files a normalised batch: entries to the sink, the rest to the summary.
fn push_items(sink: &mut Sink, summary: &mut Summary, items: Vec<Item>) -> std::io::Result<()> {
    summary.rows += items.len() as u64;
    for item in items {
        match item {
            Item::Entry(e) => sink.push(e)?,
            Item::Problem(p) => summary.problems.push(p),
            Item::Expired => summary.expired += 1,
        }
    }
    Ok(())
}

/// Reads the buckets back in order and sends each as a chunk; false when it stopped early.
fn send_buckets(b: Buckets, template: &Template, tx: &mpsc::Sender<Msg>) -> bool {
    let buckets = match b.finish() {
        Ok(b) => b,
        Err(e) => {
            let _ = tx.blocking_send(Msg::Failed(e.to_string()));
            return false;
        }
    };
    for bucket in buckets {
        let msg = match bucket.read(template) {
            Ok(entries) if entries.is_empty() => continue,
            Ok(entries) => Msg::Chunk(entries),
            Err(e) => Msg::Failed(e.to_string()),
        };
        let failed = matches!(msg, Msg::Failed(_));
        if tx.blocking_send(msg).is_err() || failed {
            return false;
        }
    }
    true
}

/// Imports a suppression list.
pub async fn run(
    state: &AppState,
    ctx: Arc<TenantCtx>,
    actor: Actor,
    spooled: Spooled,
    format: Format,
    file_name: Option<String>,
    progress: Option<mpsc::Sender<Progress>>,
) -> Result<ImportRecord, ApiError> {
    let label = file_name.clone().unwrap_or_else(|| "the file".into());
    let started_at = veto_domain::now();
    let import_id = ImportId::new();
    let sha = spooled.sha256_hex();
    let (bytes, lines) = (spooled.bytes, spooled.newlines);

    // The file is read and normalised on its own thread. A file of more than one chunk is
    // partitioned by hash on disk first (see `buckets`); chunks come back in hash order.
    let (open_tx, open_rx) = tokio::sync::oneshot::channel::<Result<(), String>>();
    let (chunk_tx, mut chunk_rx) = mpsc::channel::<Msg>(1);
    let worker_ctx = ctx.clone();
    let worker_actor = actor.clone();
    let worker_label = label.clone();
    let read = Arc::new(AtomicU64::new(0));
    let worker_read = read.clone();
    let n_buckets = usize::try_from(lines / state.migration_chunk() as u64 + 1).unwrap_or(1);
    std::thread::Builder::new()
        .name("veto-migration-reader".into())
        .spawn(move || {
            let reader = match veto_formats::reader(
                format,
                std::io::BufReader::with_capacity(1 << 20, spooled.file),
            ) {
                Ok(r) => r,
                Err(e) => {
                    let _ = open_tx.send(Err(e.to_string()));
                    return;
                }
            };
            if open_tx.send(Ok(())).is_err() {
                return;
            }
            let template = Template {
                tenant_id: worker_ctx.tenant.id,
                created_by: worker_actor.clone(),
            };
            let now = veto_domain::now();
            let read_started = std::time::Instant::now();
            let mut summary = Summary::default();
            let mut sink = match Sink::new(n_buckets) {
                Ok(s) => s,
                Err(e) => {
                    let _ = chunk_tx.blocking_send(Msg::Failed(e.to_string()));
                    return;
                }
            };
            // Records are parsed in file order and normalised and hashed in parallel, a batch
            // at a time, in a pipeline: while one batch is normalised, the next is parsed
            // (CSV parsing is sequential) and the one before goes to the buckets (sequential
            // writes). Done one after another, the sequential stages left a core idle.
            let mut reader = reader;
            let mut parsed: Vec<_> = reader.by_ref().take(READ_BATCH).collect();
            let mut normalised: Vec<Item> = Vec::new();
            loop {
                let batch = std::mem::take(&mut parsed);
                let done = std::mem::take(&mut normalised);
                let last = batch.is_empty();
                let (items, (next, pushed)) = rayon::join(
                    || {
                        batch
                            .into_par_iter()
                            .map(|r| {
                                to_item(
                                    &worker_ctx,
                                    &worker_actor,
                                    &worker_label,
                                    import_id,
                                    r,
                                    now,
                                )
                            })
                            .collect::<Vec<Item>>()
                    },
                    || {
                        let next: Vec<_> = if last {
                            Vec::new()
                        } else {
                            reader.by_ref().take(READ_BATCH).collect()
                        };
                        (next, push_items(&mut sink, &mut summary, done))
                    },
                );
                if let Err(e) = pushed {
                    let _ = chunk_tx.blocking_send(Msg::Failed(e.to_string()));
                    return;
                }
                worker_read.fetch_add(items.len() as u64, Ordering::Relaxed);
                if last {
                    break;
                }
                normalised = items;
                parsed = next;
            }
            tracing::info!(
                import = %import_id,
                rows = summary.rows,
                buckets = n_buckets,
                elapsed_s = read_started.elapsed().as_secs_f64(),
                "migration file read"
            );
            let sent = match sink {
                Sink::Memory(mut entries) => {
                    buckets::sort_and_number(&mut entries);
                    entries.is_empty() || chunk_tx.blocking_send(Msg::Chunk(entries)).is_ok()
                }
                Sink::Disk(b) => send_buckets(b, &template, &chunk_tx),
            };
            if sent {
                let _ = chunk_tx.blocking_send(Msg::Done(summary));
            }
        })
        .map_err(ApiError::internal)?;
    open_rx
        .await
        .map_err(|_| ApiError::internal("the migration reader stopped"))?
        .map_err(|e| ApiError::invalid("file", format!("{label}: {e}")))?;

    // Progress twice a second while the file is read and written (a chunk takes seconds).
    let inserted = Arc::new(AtomicU64::new(0));
    let invalid = Arc::new(AtomicU64::new(0));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Some(p) = progress.clone() {
        let (read, inserted, invalid, done) = (
            read.clone(),
            inserted.clone(),
            invalid.clone(),
            done.clone(),
        );
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
            while !done.load(Ordering::Relaxed) {
                tick.tick().await;
                let _ = p.try_send(Progress {
                    rows: read.load(Ordering::Relaxed),
                    lines,
                    inserted: inserted.load(Ordering::Relaxed),
                    invalid: invalid.load(Ordering::Relaxed),
                });
            }
        });
    }
    let _stop = StopOnDrop(done);
    let mut counts = ImportCounts::default();
    let mut summary = None;
    while let Some(msg) = chunk_rx.recv().await {
        let entries = match msg {
            Msg::Chunk(entries) => entries,
            Msg::Done(s) => {
                summary = Some(s);
                break;
            }
            Msg::Failed(e) => {
                return Err(ApiError::internal(format!(
                    "{label}: the migration's temporary files failed: {e}"
                )));
            }
        };
        let draft = AuditDraft::new(
            &actor,
            actions::SUPPRESSIONS_IMPORTED,
            Some(import_id.to_string()),
            json!({"import_id": import_id.to_string(), "format": format.name(), "rows": entries.len()}),
        );
        let (n, t) = (entries.len(), std::time::Instant::now());
        let r = state
            .store()
            .import_entries(ctx.tenant.id, entries, draft)
            .await?;
        tracing::info!(import = %import_id, entries = n, elapsed_s = t.elapsed().as_secs_f64(), "migration chunk written");
        counts.suppressions_added += r.inserted;
        counts.already_active += r.already_active;
        inserted.store(counts.suppressions_added, Ordering::Relaxed);
    }
    let Some(Summary {
        rows,
        problems: report,
        expired,
    }) = summary
    else {
        return Err(ApiError::internal("the migration reader stopped"));
    };
    counts.rows = rows;
    counts.invalid = report.len() as u64;
    invalid.store(counts.invalid, Ordering::Relaxed);
    let mut chunks = Vec::new();
    for rows in report.chunks(ROWS_PER_CHUNK) {
        chunks.push(encode_chunk(rows).map_err(ApiError::internal)?);
    }
    let record = ImportRecord {
        id: import_id,
        tenant_id: ctx.tenant.id,
        kind: ImportKind::Suppressions,
        file_name,
        file_sha256: sha,
        file_bytes: bytes,
        format: Some(format.name().to_string()),
        options: json!({"expired_skipped": expired}),
        counts,
        started_by: actor.clone(),
        started_at,
        finished_at: Some(veto_domain::now()),
        report_chunks: chunks.len() as u32,
    };
    let draft = AuditDraft::new(
        &actor,
        actions::MIGRATION_IMPORTED,
        Some(import_id.to_string()),
        json!({
            "import_id": import_id.to_string(),
            "format": format.name(),
            "file_name": record.file_name,
            "file_sha256": record.file_sha256,
            "counts": counts,
            "expired_skipped": expired,
        }),
    );
    state.store().record_import(&record, chunks, draft).await?;
    metrics::counter!("veto_import_rows_total", "kind" => "suppressions").increment(counts.rows);
    Ok(record)
}

/// Stops the progress ticker when the import ends, however it ends.
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn problem(line: u64, field: Option<String>, value: Option<String>, message: String) -> Item {
    Item::Problem(ReportRow {
        line,
        outcome: RowOutcome::Invalid,
        email: value,
        contact_id: None,
        entry_id: None,
        reason: None,
        since: None,
        message: Some(message),
        field,
        flags: Vec::new(),
        unchanged: false,
    })
}

fn to_item(
    ctx: &TenantCtx,
    actor: &Actor,
    label: &str,
    import_id: ImportId,
    r: Result<Record, RecordError>,
    now: Timestamp,
) -> Item {
    let rec = match r {
        Ok(r) => r,
        Err(e) => return problem(e.line, e.field.clone(), None, e.message.clone()),
    };
    let policy = &ctx.tenant.policy;
    let kind = rec.kind.unwrap_or(IdentifierKind::Email);
    // A record without a clear identifier (a hashed-only export of this registry) keys on
    // its hash; hashes are keyed per tenant, so it only means something in this tenant.
    let (identifier, ident_hash) = if rec.identifier.trim().is_empty() {
        let Some(h) = rec.ident_hash.as_deref().and_then(parse_hash) else {
            return problem(
                rec.line,
                Some("identifier".into()),
                None,
                "the record has neither an identifier nor a keyed hash".into(),
            );
        };
        (None, h)
    } else {
        match Identifier::parse(kind, &rec.identifier) {
            Ok(id) => {
                let h = ctx.hasher.hash(&id);
                (Some(id), h)
            }
            Err(e) => {
                return problem(
                    rec.line,
                    Some(kind.as_str().into()),
                    Some(rec.identifier.clone()),
                    e.to_string(),
                );
            }
        }
    };
    if rec.ended.is_some() {
        // An entry that had already ended where it came from is history, not a suppression.
        return Item::Expired;
    }
    let valid_from = rec
        .valid_from
        .or(rec.created_at)
        .map(veto_domain::truncate_micros)
        .unwrap_or(now);
    let created_at = rec
        .created_at
        .map(veto_domain::truncate_micros)
        .unwrap_or(now)
        .min(now);
    let expires_at = rec
        .expires_at
        .map(veto_domain::truncate_micros)
        .or_else(|| policy.expiry_for(rec.reason, valid_from));
    if expires_at.is_some_and(|x| x <= now) {
        return Item::Expired;
    }
    let role_account = match (&identifier, rec.role_account) {
        (_, Some(r)) => r,
        (Some(Identifier::Email(e)), None) => {
            is_role_account(e.local_part(), &policy.role_local_parts)
        }
        _ => false,
    };
    let evidence = match rec.evidence {
        Some(ev) => Some(ev),
        None => Some(format!(
            "migrated from {label} (import {import_id}, line {})",
            rec.line
        )),
    };
    Item::Entry(NewEntry {
        // Ids are given once the entries are in hash order (`buckets::sort_and_number`).
        id: EntryId(uuid::Uuid::nil()),
        tenant_id: ctx.tenant.id,
        kind,
        identifier: if policy.hashed_only { None } else { identifier },
        ident_hash,
        include_subdomains: rec.include_subdomains,
        channel: rec.channel,
        purposes: rec.purposes,
        reason: rec.reason,
        source: rec.source,
        evidence,
        role_account,
        created_by: actor.clone(),
        created_at,
        valid_from,
        expires_at,
    })
}

fn parse_hash(hex: &str) -> Option<IdentHash> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut b = [0u8; 32];
    for (i, out) in b.iter_mut().enumerate() {
        *out = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()?;
    }
    IdentHash::from_slice(&b)
}

/// Rows read from the store per page of an export.
const EXPORT_PAGE: u32 = 10_000;

/// A `Write` that hands filled buffers to an HTTP response body.
struct BodyWriter {
    tx: mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 256 << 10 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = axum::body::Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Drop for BodyWriter {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// Streams the tenant's suppressions in force at `as_of` (now when `None`) in `format` into
/// `tx`. Audits the export first: who took the list out, in which format, as of when.
pub async fn export(
    state: AppState,
    ctx: Arc<TenantCtx>,
    actor: Actor,
    format: Format,
    as_of: Option<Timestamp>,
    tx: mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
) -> Result<(), ApiError> {
    let tenant = ctx.tenant.id;
    let draft = AuditDraft::new(
        &actor,
        actions::SUPPRESSIONS_EXPORTED,
        None,
        json!({"format": format.name(), "as_of": as_of.map(veto_domain::rfc3339)}),
    );
    state.store().append_audit(tenant, draft).await?;
    let store = state.store().clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || -> Result<(), String> {
        let out = BodyWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(300 << 10),
        };
        let mut w = veto_formats::writer(format, out).map_err(|e| e.to_string())?;
        let mut after = 0i64;
        loop {
            let page = handle
                .block_on(store.export_entries(tenant, as_of, after, EXPORT_PAGE))
                .map_err(|e| e.to_string())?;
            for (_, e) in &page {
                w.write(e).map_err(|e| e.to_string())?;
            }
            match page.last() {
                Some((row, _)) if page.len() == EXPORT_PAGE as usize => after = *row,
                _ => break,
            }
        }
        // Finishing drops the body writer, which sends what is left.
        w.finish().map_err(|e| e.to_string())?;
        Ok(())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}
