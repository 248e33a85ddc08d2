//! The import gate for lead files. Every row gets exactly one outcome — created, updated,
//! blocked, duplicate in file, invalid — and nothing of a file is committed until its last row
//! has been decided: the whole import is one store transaction.
//!
//! The file is read on its own thread ([`veto_leads::LeadReader`]) and handed over in batches;
//! each batch is verified (syntax, mail domain, role, disposable), matched against the live
//! check index (every address, the phone and the company id of the row), and only then are
//! contacts read and written. A blocked row never creates or changes a contact; a DNC column
//! only ever adds suppressions.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::contact::{Contact, ContactData};
use veto_domain::email::EmailAddress;
use veto_domain::id::{ContactId, EntryId, ImportId};
use veto_domain::identifier::Identifier;
use veto_domain::import::{ImportCounts, ImportKind, ImportRecord, ReportRow, RowOutcome};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::{Channel, NewEntry, Purpose, Purposes, Reason, SourceChannel};
use veto_domain::verdict::{Match, Verdict, explain};
use veto_leads::{FatalError, LeadReader, LeadRow, ReadOptions, RowProblem, RowResult};
use veto_store::{AddOutcome, LeadImportTx};
use veto_verify::{Verdict as Deliverability, Verifier};

use super::report::{ROWS_PER_CHUNK, encode_chunk};
use super::spool::Spooled;
use crate::check::{CheckOptions, matches_live};
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};

/// Rows decided together (one read of contacts, one write).
const BATCH: usize = 10_000;

/// What the caller asked for besides the file.
#[derive(Debug, Clone, Default)]
pub struct LeadImportRequest {
    pub file_name: Option<String>,
    pub read: ReadOptions,
    /// The reason given to suppressions of the DNC column.
    pub dnc_reason: Option<Reason>,
}

/// Progress of a running import, sent after each batch.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub rows: u64,
    /// Lines in the file (an upper bound of the rows).
    pub lines: u64,
    pub blocked: u64,
    pub invalid: u64,
}

/// Runs a lead import to its end and commits it.
pub async fn run(
    state: &AppState,
    ctx: Arc<TenantCtx>,
    actor: Actor,
    spooled: Spooled,
    req: LeadImportRequest,
    progress: Option<mpsc::Sender<Progress>>,
) -> Result<ImportRecord, ApiError> {
    let file_label = req.file_name.clone().unwrap_or_else(|| "the file".into());
    let started_at = veto_domain::now();
    let import_id = ImportId::new();
    let sha = spooled.sha256_hex();
    let (bytes, lines) = (spooled.bytes, spooled.newlines);

    // Opening the reader decides everything that is fatal (encoding, header, mapping)
    // before anything is written.
    let (info_tx, info_rx) = tokio::sync::oneshot::channel();
    let (batch_tx, mut batch_rx) = mpsc::channel::<Vec<RowResult>>(2);
    let read_opts = req.read.clone();
    std::thread::Builder::new()
        .name("veto-lead-reader".into())
        .spawn(move || read_file(spooled, read_opts, info_tx, batch_tx))
        .map_err(ApiError::internal)?;
    let info = info_rx
        .await
        .map_err(|_| ApiError::internal("the lead reader stopped"))?
        .map_err(|e| ApiError::invalid("file", format!("{file_label}: {e}")))?;

    let policy = ctx.tenant.policy.clone();
    let verifier = state.verifier(&policy);
    let mut run = Run {
        ctx: ctx.clone(),
        actor: actor.clone(),
        import_id,
        file_label: file_label.clone(),
        dnc_reason: req.dnc_reason.unwrap_or(Reason::Unsubscribe),
        counts: ImportCounts::default(),
        report: Vec::with_capacity(ROWS_PER_CHUNK),
        chunks: 0,
        blocked_seen: HashMap::new(),
        dnc_added: HashMap::new(),
        stages: Stages::default(),
    };
    let mut tx = state.store().begin_lead_import(ctx.tenant.id).await?;
    // Two stages overlap: while the store reads and writes the contacts of one batch, the
    // next batch is received, verified and matched against the index (CPU work of this
    // process; the store's work runs in its own threads or server).
    let stage = Prepare {
        state,
        ctx: ctx.clone(),
        verifier,
    };
    let waited = std::time::Instant::now();
    let mut prepared = match batch_rx.recv().await {
        Some(batch) => Some(stage.run(batch).await?),
        None => None,
    };
    run.stages.reading += waited.elapsed();
    while let Some(current) = prepared.take() {
        let next = async {
            let waited = std::time::Instant::now();
            let batch = batch_rx.recv().await;
            let read = waited.elapsed();
            match batch {
                Some(b) => stage.run(b).await.map(|p| (Some(p), read)),
                None => Ok((None, read)),
            }
        };
        let (done, next) = tokio::join!(run.batch(tx.as_mut(), current), next);
        done?;
        let (next, read) = next?;
        run.stages.reading += read;
        prepared = next;
        if let Some(p) = &progress {
            let _ = p.try_send(Progress {
                rows: run.counts.rows,
                lines,
                blocked: run.counts.blocked,
                invalid: run.counts.invalid,
            });
        }
    }
    let read_error = info.reader_error.lock().map(|e| e.clone()).unwrap_or(None);
    if let Some(e) = read_error {
        return Err(ApiError::invalid("file", format!("{file_label}: {e}")));
    }
    run.flush_report(tx.as_mut(), true).await?;

    let record = ImportRecord {
        id: import_id,
        tenant_id: ctx.tenant.id,
        kind: ImportKind::Leads,
        file_name: req.file_name.clone(),
        file_sha256: sha,
        file_bytes: bytes,
        format: Some("csv".into()),
        options: json!({
            "encoding": info.encoding,
            "delimiter": info.delimiter,
            "mapping": info.mapping,
            "custom_columns": info.custom_columns,
            "notes": info.notes,
            "dnc_reason": run.dnc_reason.as_str(),
        }),
        counts: run.counts,
        started_by: actor.clone(),
        started_at,
        finished_at: Some(veto_domain::now()),
        report_chunks: run.chunks,
    };
    let draft = AuditDraft::new(
        &actor,
        actions::LEADS_IMPORTED,
        Some(import_id.to_string()),
        json!({
            "import_id": import_id.to_string(),
            "file_name": record.file_name,
            "file_sha256": record.file_sha256,
            "file_bytes": bytes,
            "counts": record.counts,
        }),
    );
    let t = std::time::Instant::now();
    tx.commit(&record, draft).await?;
    run.stages.commit += t.elapsed();
    tracing::info!(import = %import_id, rows = record.counts.rows, stages = ?run.stages, "lead import committed");
    metrics::counter!("veto_import_rows_total", "kind" => "leads").increment(record.counts.rows);
    Ok(record)
}

/// What the reader thread reports once the file is open.
struct OpenedInfo {
    encoding: String,
    delimiter: String,
    mapping: Vec<serde_json::Value>,
    custom_columns: Vec<String>,
    notes: Vec<String>,
    /// An I/O error after opening (the file could not be read to its end).
    reader_error: Arc<std::sync::Mutex<Option<String>>>,
}

fn read_file(
    spooled: Spooled,
    opts: ReadOptions,
    info_tx: tokio::sync::oneshot::Sender<Result<OpenedInfo, FatalError>>,
    batch_tx: mpsc::Sender<Vec<RowResult>>,
) {
    let input = std::io::BufReader::with_capacity(1 << 20, spooled.file);
    let reader = match LeadReader::open(input, opts) {
        Ok(r) => r,
        Err(e) => {
            let _ = info_tx.send(Err(e));
            return;
        }
    };
    let fi = reader.info();
    let reader_error = Arc::new(std::sync::Mutex::new(None));
    let info = OpenedInfo {
        encoding: fi.encoding_name().to_string(),
        delimiter: match fi.delimiter {
            b'\t' => "tab".to_string(),
            d => (d as char).to_string(),
        },
        mapping: fi
            .columns
            .iter()
            .map(|c| json!({"column": c.index + 1, "header": c.header, "field": c.field.as_str()}))
            .collect(),
        custom_columns: fi.custom_columns().map(str::to_string).collect(),
        notes: fi.notes.clone(),
        reader_error: reader_error.clone(),
    };
    if info_tx.send(Ok(info)).is_err() {
        return;
    }
    let mut batch = Vec::with_capacity(BATCH);
    for row in reader {
        match row {
            Ok(r) => batch.push(r),
            Err(e) => {
                if let Ok(mut slot) = reader_error.lock() {
                    *slot = Some(format!(
                        "reading stopped after line {}: {}",
                        e.line, e.source
                    ));
                }
                // Dropping the sender ends the import, which then reports the error.
                return;
            }
        }
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if batch_tx.blocking_send(full).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = batch_tx.blocking_send(batch);
    }
}

struct Run {
    ctx: Arc<TenantCtx>,
    actor: Actor,
    import_id: ImportId,
    file_label: String,
    dnc_reason: Reason,
    counts: ImportCounts,
    report: Vec<ReportRow>,
    chunks: u32,
    /// Keyed hashes of the addresses of blocked rows, with their line: a later row of the
    /// same person is a duplicate, not a second attempt. Grows with blocked rows only.
    blocked_seen: HashMap<IdentHash, u64>,
    /// Suppressions this import's DNC column added (the index sees them only after commit).
    dnc_added: HashMap<IdentHash, (EntryId, Timestamp)>,
    stages: Stages,
}

/// Where an import's time went (logged when it commits).
#[derive(Debug, Default)]
struct Stages {
    /// Waiting for the reader thread.
    reading: std::time::Duration,
    verifying: std::time::Duration,
    matching: std::time::Duration,
    suppressing: std::time::Duration,
    contacts_read: std::time::Duration,
    contacts_write: std::time::Duration,
    report: std::time::Duration,
    commit: std::time::Duration,
}

/// A row that passed reading and verification, on its way to a decision.
struct Candidate {
    row: LeadRow,
    flags: Vec<String>,
    hashes: Vec<IdentHash>,
    blocked_by: Vec<Match>,
}

/// A batch verified and matched against the index, on its way to the store.
struct Prepared {
    now: Timestamp,
    candidates: Vec<Candidate>,
    decided: Vec<(u64, ReportRow)>,
    verifying: std::time::Duration,
    matching: std::time::Duration,
}

/// The first stage of a batch: verification (each distinct domain looked up once) and
/// matching against the live index. It reads no store and writes nothing, so it runs while
/// the previous batch is in the store.
struct Prepare<'a> {
    state: &'a AppState,
    ctx: Arc<TenantCtx>,
    verifier: Arc<Verifier>,
}

impl Prepare<'_> {
    async fn run(&self, batch: Vec<RowResult>) -> Result<Prepared, ApiError> {
        let now = veto_domain::now();
        let started = std::time::Instant::now();
        // 1. Reading problems and verification (each distinct domain looked up once).
        let mut candidates: Vec<Candidate> = Vec::with_capacity(batch.len());
        let mut decided: Vec<(u64, ReportRow)> = Vec::new();
        let mut rows = Vec::with_capacity(batch.len());
        for r in batch {
            match r {
                RowResult::Invalid(p) => decided.push((p.line, invalid_row(&p))),
                RowResult::Lead(row) => rows.push(row),
            }
        }
        let primaries: Vec<EmailAddress> = rows.iter().map(|r| r.email.clone()).collect();
        let verifications = self.verifier.verify_many(&primaries).await;
        for (row, v) in rows.into_iter().zip(verifications) {
            let codes = || v.reasons.iter().map(|f| f.code.as_str().to_string());
            match v.verdict {
                Deliverability::Undeliverable => {
                    let message = v
                        .reasons
                        .iter()
                        .map(|f| f.message.to_string())
                        .collect::<Vec<_>>()
                        .join("; ");
                    decided.push((
                        row.line,
                        ReportRow {
                            email: Some(primary(&row)),
                            field: Some("email".into()),
                            message: Some(message),
                            flags: codes().collect(),
                            ..empty_row(row.line)
                        },
                    ));
                }
                Deliverability::Risky | Deliverability::Deliverable => {
                    let mut flags: Vec<String> =
                        row.warnings.iter().map(|w| w.to_string()).collect();
                    flags.extend(codes());
                    candidates.push(Candidate {
                        row,
                        flags,
                        hashes: Vec::new(),
                        blocked_by: Vec::new(),
                    });
                }
            }
        }
        let verifying = started.elapsed();
        // 2. Matching against the registry: every address, the phone and the company id.
        let opts = CheckOptions {
            purpose: Purpose::Sales,
            channel: None,
            as_of: None,
        };
        if let Some(ix) = self.state.index(self.ctx.tenant.id) {
            let ix = ix
                .read()
                .map_err(|_| ApiError::internal("check index lock poisoned"))?;
            for c in &mut candidates {
                let ids = identifiers(&c.row);
                c.blocked_by = matches_live(&self.ctx, &ix, &ids, &opts, now);
                c.hashes = c
                    .row
                    .emails()
                    .map(|e| {
                        self.ctx
                            .hasher
                            .hash_value(veto_domain::identifier::IdentifierKind::Email, e.as_str())
                    })
                    .collect();
            }
        }
        Ok(Prepared {
            now,
            candidates,
            decided,
            verifying,
            matching: started.elapsed() - verifying,
        })
    }
}

impl Run {
    async fn batch(
        &mut self,
        tx: &mut dyn LeadImportTx,
        prepared: Prepared,
    ) -> Result<(), ApiError> {
        let Prepared {
            now,
            mut candidates,
            mut decided,
            verifying,
            matching,
        } = prepared;
        self.stages.verifying += verifying;
        self.stages.matching += matching;
        let mut t = std::time::Instant::now();
        let mut lap = |slot: &mut std::time::Duration| {
            let n = std::time::Instant::now();
            *slot += n - t;
            t = n;
        };
        // Suppressions this import's DNC column added earlier (the index sees them only after
        // commit).
        for c in &mut candidates {
            for h in &c.hashes {
                if let Some((entry_id, since)) = self.dnc_added.get(h)
                    && !c.blocked_by.iter().any(|m| m.entry_id == *entry_id)
                {
                    c.blocked_by.push(dnc_match(
                        *entry_id,
                        *since,
                        self.dnc_reason,
                        &primary(&c.row),
                    ));
                }
            }
        }

        lap(&mut self.stages.matching);
        // 3. The DNC column: every address of such a row is suppressed (an existing
        // suppression of the same kind is kept as it is).
        let mut dnc_entries = Vec::new();
        let mut dnc_owner = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            if !c.row.dnc {
                continue;
            }
            for e in c.row.emails() {
                dnc_entries.push(self.dnc_entry(e, c.row.line, now));
                dnc_owner.push(i);
            }
        }
        if !dnc_entries.is_empty() {
            let outcomes = tx.add_entries(dnc_entries).await?;
            for (o, i) in outcomes.into_iter().zip(dnc_owner) {
                let e = o.entry();
                if matches!(o, AddOutcome::Created(_)) {
                    self.counts.suppressions_added += 1;
                }
                self.dnc_added.insert(e.ident_hash, (e.id, e.valid_from));
                let c = &mut candidates[i];
                if !c.blocked_by.iter().any(|m| m.entry_id == e.id) {
                    c.blocked_by.push(Match::of(e, false));
                }
            }
        }

        // 4. Blocked rows (and later rows of a person already blocked in this file).
        let mut blocked_events = Vec::new();
        let mut open: Vec<Candidate> = Vec::with_capacity(candidates.len());
        for c in candidates {
            let earlier = c
                .hashes
                .iter()
                .find_map(|h| self.blocked_seen.get(h))
                .copied();
            if let Some(first_line) = earlier {
                decided.push((c.row.line, duplicate_row(&c, first_line)));
                continue;
            }
            if c.blocked_by.is_empty() {
                open.push(c);
                continue;
            }
            for h in &c.hashes {
                self.blocked_seen.insert(*h, c.row.line);
            }
            let mut matches = c.blocked_by.clone();
            matches.sort_by_key(|m| (m.since, m.entry_id));
            let sentence = explain(Verdict::Block, &matches, Purpose::Sales, None, None);
            let first = &matches[0];
            blocked_events.push(AuditDraft::new(
                &self.actor,
                actions::ATTEMPT_BLOCKED,
                Some(first.entry_id.to_string()),
                json!({
                    "attempt": "import",
                    "import_id": self.import_id.to_string(),
                    "line": c.row.line,
                    "entry_ids": matches.iter().map(|m| m.entry_id.to_string()).collect::<Vec<_>>(),
                    "reason": first.reason.as_str(),
                }),
            ));
            decided.push((
                c.row.line,
                ReportRow {
                    line: c.row.line,
                    outcome: RowOutcome::Blocked,
                    email: Some(primary(&c.row)),
                    entry_id: Some(first.entry_id),
                    reason: Some(first.reason),
                    since: Some(first.since),
                    message: Some(sentence),
                    flags: c.flags.clone(),
                    ..empty_row(c.row.line)
                },
            ));
        }
        if !blocked_events.is_empty() {
            tx.append_audit(blocked_events).await?;
        }

        lap(&mut self.stages.suppressing);
        // 5. Contacts: identity is the normalised address.
        let emails: Vec<String> = open
            .iter()
            .flat_map(|c| c.row.emails().map(|e| e.as_str().to_string()))
            .collect();
        let mut stored: HashMap<ContactId, Contact> = HashMap::new();
        // Which contact each address belongs to, and the line of this batch that wrote it.
        let mut owner: HashMap<String, (ContactId, u64)> = HashMap::new();
        if !emails.is_empty() {
            for (email, contact) in tx.contacts_by_emails(&emails).await? {
                owner.insert(email, (contact.id, 0));
                stored.insert(contact.id, contact);
            }
        }
        lap(&mut self.stages.contacts_read);
        // Contacts written by this batch, by id, and which id each address belongs to now.
        let mut pending: Vec<(Contact, bool)> = Vec::new();
        let mut pending_by_id: HashMap<ContactId, usize> = HashMap::new();
        let mut batch_lines: HashMap<ContactId, u64> = HashMap::new();
        for c in open {
            let line = c.row.line;
            let primary = primary(&c.row);
            // Which contact is this person? The first of the row's addresses that has one.
            let found = c
                .row
                .emails()
                .find_map(|e| owner.get(e.as_str()).map(|o| o.0));
            let mut flags = c.flags.clone();
            match found {
                Some(id) => {
                    if let Some(first_line) = batch_lines.get(&id) {
                        decided.push((line, duplicate_row(&c, *first_line)));
                        continue;
                    }
                    let idx = match pending_by_id.get(&id) {
                        Some(i) => *i,
                        None => {
                            let Some(existing) = stored.remove(&id) else {
                                return Err(ApiError::internal("contact vanished during import"));
                            };
                            if existing.last_import == Some(self.import_id) {
                                decided.push((line, duplicate_row(&c, 0)));
                                continue;
                            }
                            pending.push((existing, false));
                            pending_by_id.insert(id, pending.len() - 1);
                            pending.len() - 1
                        }
                    };
                    let mut data = contact_data(&c.row);
                    // Addresses that belong to another contact stay with it.
                    data.emails.retain(|e| match owner.get(e.as_str()) {
                        Some((other, _)) if *other != id => {
                            flags.push(format!("address {e} belongs to another contact ({other})"));
                            false
                        }
                        _ => true,
                    });
                    let contact = &mut pending[idx].0;
                    let changed = contact.merge(&data, &self.actor, now, Some(self.import_id));
                    for e in &contact.emails {
                        owner.insert(e.as_str().to_string(), (id, line));
                    }
                    batch_lines.insert(id, line);
                    decided.push((
                        line,
                        ReportRow {
                            line,
                            outcome: RowOutcome::Updated,
                            email: Some(primary),
                            contact_id: Some(id),
                            flags,
                            unchanged: !changed,
                            ..empty_row(line)
                        },
                    ));
                }
                None => {
                    let contact = Contact::create(
                        self.ctx.tenant.id,
                        contact_data(&c.row),
                        &self.actor,
                        now,
                        Some(self.import_id),
                    );
                    let id = contact.id;
                    for e in &contact.emails {
                        owner.insert(e.as_str().to_string(), (id, line));
                    }
                    batch_lines.insert(id, line);
                    pending.push((contact, true));
                    pending_by_id.insert(id, pending.len() - 1);
                    decided.push((
                        line,
                        ReportRow {
                            line,
                            outcome: RowOutcome::Created,
                            email: Some(primary),
                            contact_id: Some(id),
                            flags,
                            ..empty_row(line)
                        },
                    ));
                }
            }
        }
        let (created, updated): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, new)| *new);
        let created: Vec<Contact> = created.into_iter().map(|(c, _)| c).collect();
        let updated: Vec<Contact> = updated.into_iter().map(|(c, _)| c).collect();
        if !created.is_empty() || !updated.is_empty() {
            tx.write_contacts(&created, &updated).await?;
        }
        lap(&mut self.stages.contacts_write);

        // 6. The report, in file order.
        decided.sort_by_key(|(line, _)| *line);
        for (_, r) in decided {
            self.counts.count(r.outcome);
            if r.outcome != RowOutcome::Invalid && !r.flags.is_empty() {
                self.counts.flagged += 1;
            }
            self.report.push(r);
        }
        self.flush_report(tx, false).await?;
        lap(&mut self.stages.report);
        Ok(())
    }

    async fn flush_report(
        &mut self,
        tx: &mut dyn LeadImportTx,
        last: bool,
    ) -> Result<(), ApiError> {
        while self.report.len() >= ROWS_PER_CHUNK || (last && !self.report.is_empty()) {
            let n = self.report.len().min(ROWS_PER_CHUNK);
            let rows: Vec<ReportRow> = self.report.drain(..n).collect();
            let data = encode_chunk(&rows).map_err(ApiError::internal)?;
            tx.write_report_chunk(self.chunks, data).await?;
            self.chunks += 1;
        }
        Ok(())
    }

    fn dnc_entry(&self, e: &EmailAddress, line: u64, now: Timestamp) -> NewEntry {
        let policy = &self.ctx.tenant.policy;
        let id = Identifier::Email(e.clone());
        NewEntry {
            id: EntryId::new(),
            tenant_id: self.ctx.tenant.id,
            kind: id.kind(),
            ident_hash: self.ctx.hasher.hash(&id),
            role_account: is_role_account(e.local_part(), &policy.role_local_parts),
            identifier: (!policy.hashed_only).then_some(id),
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason: self.dnc_reason,
            source: SourceChannel::Import,
            evidence: Some(format!(
                "marked do-not-contact in {} (import {}, line {line})",
                self.file_label, self.import_id
            )),
            created_by: self.actor.clone(),
            created_at: now,
            valid_from: now,
            expires_at: policy.expiry_for(self.dnc_reason, now),
        }
    }
}

fn identifiers(row: &LeadRow) -> Vec<Identifier> {
    let mut ids: Vec<Identifier> = row.emails().cloned().map(Identifier::Email).collect();
    ids.extend(row.phones.iter().cloned().map(Identifier::Phone));
    if let Some(c) = &row.company_id
        && let Ok(id) = Identifier::parse(veto_domain::identifier::IdentifierKind::CompanyId, c)
    {
        ids.push(id);
    }
    ids
}

/// The row's primary address.
fn primary(row: &LeadRow) -> String {
    row.email.to_string()
}

fn contact_data(row: &LeadRow) -> ContactData {
    ContactData {
        emails: row.emails().cloned().collect(),
        phone: row.phone().map(|p| p.as_str().to_string()),
        name: row.name.clone(),
        company_id: row.company_id.clone(),
        company_name: row.company_name.clone(),
        owner: row.owner.clone(),
        source_id: row.source_id.clone(),
        custom: row
            .custom
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn dnc_match(entry_id: EntryId, since: Timestamp, reason: Reason, email: &str) -> Match {
    Match {
        entry_id,
        scope: veto_domain::identifier::Scope::Address,
        kind: veto_domain::identifier::IdentifierKind::Email,
        identifier: Some(email.to_string()),
        reason,
        source: SourceChannel::Import,
        channel: Channel::Email,
        purposes: Purposes::DEFAULT,
        role_account: false,
        since,
        via_parent_domain: false,
    }
}

fn empty_row(line: u64) -> ReportRow {
    ReportRow {
        line,
        outcome: RowOutcome::Invalid,
        email: None,
        contact_id: None,
        entry_id: None,
        reason: None,
        since: None,
        message: None,
        field: None,
        flags: Vec::new(),
        unchanged: false,
    }
}

fn invalid_row(p: &RowProblem) -> ReportRow {
    ReportRow {
        line: p.line,
        outcome: RowOutcome::Invalid,
        email: p.value.clone().filter(|_| p.field == "email"),
        field: Some(p.field.to_string()),
        message: Some(p.message.clone()),
        ..empty_row(p.line)
    }
}

fn duplicate_row(c: &Candidate, first_line: u64) -> ReportRow {
    let message = if first_line > 0 {
        format!("the same person as line {first_line}, which decided")
    } else {
        "the same person as an earlier row of this file, which decided".to_string()
    };
    ReportRow {
        line: c.row.line,
        outcome: RowOutcome::DuplicateInFile,
        email: Some(primary(&c.row)),
        message: Some(message),
        flags: c.flags.clone(),
        ..empty_row(c.row.line)
    }
}
