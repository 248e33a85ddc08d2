//! `veto sequence`, `veto enroll`, `veto enrollment`: multi-step sequences and the contacts
//! in them. Every enrolment is checked against the registry first: `veto enroll` exits 1 when
//! any contact was blocked, and prints why.

use std::path::PathBuf;

use anyhow::Context;
use serde_json::{Value, json};

use super::{Global, fetch_list, list_document, more_hint, parse_rfc3339};
use crate::output::{Outcome, Table, field, print_json, time_field};

/// Contacts per bulk request (the server takes up to 10,000).
const BATCH: usize = 5000;

#[derive(Debug, Clone, clap::Subcommand)]
pub enum SequenceCmd {
    /// Create a sequence from a JSON file: {"name", "purpose"?, "steps": [{"delay": "3d",
    /// "mailbox_id"?, "subject", "body", "html"?, "same_thread"?}, …]}. Templates use contact
    /// fields: {{ first_name }}, {{ company_name | default("your team") }}, {{ custom.x }}.
    Create {
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
    },
    /// List sequences.
    List,
    /// Show a sequence and its steps.
    Show { id: String },
}

#[derive(Debug, Clone, clap::Args)]
pub struct EnrollArgs {
    /// The sequence.
    pub sequence: String,
    /// A contact's address (repeatable).
    #[arg(long = "email", value_name = "ADDRESS")]
    pub emails: Vec<String>,
    /// A contact id (repeatable).
    #[arg(long = "contact", value_name = "ID")]
    pub contacts: Vec<String>,
    /// A CSV file of contacts' addresses (one column; see --column).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// The CSV column with the addresses (default: email, e-mail, …).
    #[arg(long)]
    pub column: Option<String>,
    /// The mailbox the steps go out from (default: the first step's mailbox).
    #[arg(long, value_name = "ID")]
    pub mailbox: Option<String>,
    /// When the first step is due (RFC 3339; default: now plus its delay).
    #[arg(long, value_parser = parse_rfc3339)]
    pub start_at: Option<String>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum EnrollmentCmd {
    /// List enrolments.
    List {
        #[arg(long, value_name = "ID")]
        sequence: Option<String>,
        /// active | paused | completed | replied | cancelled | stopped
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        all_pages: bool,
        #[arg(long)]
        cursor: Option<String>,
    },
    /// Pause an enrolment.
    Pause {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resume a paused enrolment.
    Resume {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Stop an enrolment for good.
    Stop {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

pub async fn run(g: &Global, cmd: &SequenceCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        SequenceCmd::Create { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let body: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let reply = client
                .post(client.url(&["v1", "sequences"], &[]), &body)
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!(
                    "created sequence {} ({}) with {} steps",
                    field(&reply.body, "name"),
                    field(&reply.body, "id"),
                    reply.body["steps"].as_array().map_or(0, Vec::len)
                )?;
            }
        }
        SequenceCmd::List => {
            let all = client.get(client.url(&["v1", "sequences"], &[])).await?;
            if g.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(["ID", "NAME", "PURPOSE", "STEPS", "CREATED"]);
                for s in all.as_array().into_iter().flatten() {
                    t.row([
                        field(s, "id"),
                        field(s, "name"),
                        field(s, "purpose"),
                        s["steps"].as_array().map_or(0, Vec::len).to_string(),
                        time_field(s, "created_at"),
                    ]);
                }
                t.print()?;
            }
        }
        SequenceCmd::Show { id } => {
            let s = client
                .get(client.url(&["v1", "sequences", id.trim()], &[]))
                .await?;
            if g.json {
                print_json(&s)?;
            } else {
                crate::outln!(
                    "{} ({}), purpose {}",
                    field(&s, "name"),
                    field(&s, "id"),
                    field(&s, "purpose")
                )?;
                let mut t = Table::new(["STEP", "DELAY (s)", "MAILBOX", "SUBJECT"]);
                for (i, st) in s["steps"].as_array().into_iter().flatten().enumerate() {
                    t.row([
                        (i + 1).to_string(),
                        field(st, "delay_secs"),
                        field(st, "mailbox_id"),
                        field(st, "subject"),
                    ]);
                }
                t.print()?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The addresses of a CSV file's column.
fn read_column(path: &PathBuf, column: Option<&str>) -> anyhow::Result<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers: Vec<String> = r
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = crate::csv_input::select_column(&headers, column, None)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: data row {}", path.display(), i + 1))?;
        if let Some(v) = rec.get(col).map(str::trim).filter(|v| !v.is_empty()) {
            out.push(v.to_string());
        }
    }
    Ok(out)
}

pub async fn enroll(g: &Global, a: &EnrollArgs) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let mut contacts: Vec<Value> = a.emails.iter().map(|e| json!({ "email": e })).collect();
    contacts.extend(a.contacts.iter().map(|c| json!({ "contact_id": c })));
    if let Some(f) = &a.file {
        contacts.extend(
            read_column(f, a.column.as_deref())?
                .into_iter()
                .map(|e| json!({ "email": e })),
        );
    }
    if contacts.is_empty() {
        anyhow::bail!("nothing to enrol: give --email, --contact or --file");
    }
    let mut results: Vec<Value> = Vec::with_capacity(contacts.len());
    for chunk in contacts.chunks(BATCH) {
        let reply = client
            .post(
                client.url(
                    &["v1", "sequences", a.sequence.trim(), "enrollments", "bulk"],
                    &[],
                ),
                &json!({ "contacts": chunk, "mailbox_id": a.mailbox, "start_at": a.start_at }),
            )
            .await?;
        results.extend(
            reply.body["results"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    let count = |o: &str| results.iter().filter(|r| r["outcome"] == o).count();
    let summary = json!({
        "enrolled": count("enrolled"), "already_enrolled": count("already_enrolled"),
        "blocked": count("blocked"), "invalid": count("invalid"), "not_found": count("not_found"),
    });
    if g.json {
        print_json(&json!({ "results": results, "summary": summary }))?;
    } else {
        let mut t = Table::new(["OUTCOME", "EMAIL", "ENROLMENT", "WHY"]);
        for r in &results {
            t.row([
                field(r, "outcome"),
                field(r, "email"),
                field(&r["enrollment"], "id"),
                field(r, "message"),
            ]);
        }
        t.print()?;
        crate::outln!(
            "enrolled {}, already enrolled {}, blocked {}, invalid {}, not found {}",
            summary["enrolled"],
            summary["already_enrolled"],
            summary["blocked"],
            summary["invalid"],
            summary["not_found"]
        )?;
    }
    Ok(Outcome::of_counts(
        count("blocked") as u64,
        (count("invalid") + count("not_found")) as u64,
    ))
}

pub async fn enrollments(g: &Global, cmd: &EnrollmentCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let (id, action, reason) = match cmd {
        EnrollmentCmd::List {
            sequence,
            state,
            all_pages,
            cursor,
        } => {
            let (items, next) = fetch_list(
                &client,
                &["v1", "enrollments"],
                &[
                    ("sequence_id", sequence.clone()),
                    ("state", state.clone()),
                    ("cursor", cursor.clone()),
                ],
                *all_pages,
            )
            .await?;
            if g.json {
                print_json(&list_document(items, next))?;
            } else {
                let mut t = Table::new([
                    "ID", "SEQUENCE", "EMAIL", "STATE", "SENT", "NEXT DUE", "WHY",
                ]);
                for e in &items {
                    t.row([
                        field(e, "id"),
                        field(e, "sequence_id"),
                        field(e, "email"),
                        field(e, "state"),
                        field(e, "steps_sent"),
                        time_field(e, "next_due_at"),
                        field(e, "state_reason"),
                    ]);
                }
                t.print()?;
                more_hint(&next)?;
            }
            return Ok(Outcome::Clean);
        }
        EnrollmentCmd::Pause { id, reason } => (id, "pause", reason),
        EnrollmentCmd::Resume { id, reason } => (id, "resume", reason),
        EnrollmentCmd::Stop { id, reason } => (id, "stop", reason),
    };
    let reply = client
        .post(
            client.url(&["v1", "enrollments", id.trim(), action], &[]),
            &json!({ "reason": reason }),
        )
        .await?;
    if g.json {
        print_json(&reply.body)?;
    } else {
        crate::outln!(
            "enrolment {} is {}",
            field(&reply.body, "id"),
            field(&reply.body, "state")
        )?;
    }
    Ok(Outcome::Clean)
}
