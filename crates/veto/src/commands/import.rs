//! `veto import leads|suppressions FILE`, `veto import list|show|report`: files go to the
//! server as they are read (never whole in memory); a progress bar shows the upload, then
//! the rows as the server decides them (rows/s, ETA); a summary table ends the run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde_json::Value;
use tokio::io::AsyncBufReadExt;

use super::Global;
use crate::client::ApiClient;
use crate::outln;
use crate::output::{self, Outcome, Table, field, time_field};

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Run a lead file (CSV) through the import gate: every row is created, updated,
    /// blocked, a duplicate in the file, or invalid (exit 1 if any row was blocked).
    Leads(LeadArgs),
    /// Bring another provider's suppression list in (or our own export).
    Suppressions(SuppressionArgs),
    /// Recorded imports, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// One import with its counts.
    Show { id: String },
    /// Download the per-row report of an import.
    Report {
        id: String,
        /// csv | json | ndjson (default: from the --output extension, else csv).
        #[arg(long)]
        format: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct LeadArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// utf-8, windows-1252, latin-1, utf-16le, utf-16be (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// `,` `;` `tab` or `|` (default: detected).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Map a field to a column: `email=Work Mail`, `dnc=Opt-Out`, `phone=3`; repeatable.
    /// Fields: email, email2, phone, name, first_name, last_name, company_id, company_name,
    /// owner, source_id, dnc, ignore.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Values of the DNC column that mean "do not contact", comma-separated
    /// (default: true, yes, y, 1, x, …).
    #[arg(long, value_name = "LIST")]
    pub dnc_values: Option<String>,
    /// The reason recorded for suppressions of the DNC column (default unsubscribe).
    #[arg(long, value_name = "REASON")]
    pub dnc_reason: Option<String>,
    /// Region of phone numbers written without a country code (e.g. DE, US).
    #[arg(long, value_name = "CC")]
    pub phone_region: Option<String>,
    /// Also save the per-row report here (.csv, .json or .ndjson).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SuppressionArgs {
    /// The export file.
    pub file: PathBuf,
    /// veto-csv, veto-jsonl, ses, sendgrid[-bounces|-spam-reports|-global-unsubscribes|
    /// -group-unsubscribes], mailgun[-bounces|-complaints|-unsubscribes], postmark,
    /// mailchimp[-unsubscribed|-cleaned], listmonk.
    #[arg(long)]
    pub format: String,
    /// Also save the per-row report (rows that could not be imported) here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub async fn run(g: &Global, cmd: &ImportCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        ImportCmd::Leads(a) => leads(g, &client, a).await,
        ImportCmd::Suppressions(a) => suppressions(g, &client, a).await,
        ImportCmd::List { limit } => {
            let page = client
                .get(client.url(&["v1", "imports"], &[("limit", Some(limit.to_string()))]))
                .await?;
            if g.json {
                output::print_json(&page)?;
                return Ok(Outcome::Clean);
            }
            let mut t = Table::new([
                "id", "kind", "file", "started", "rows", "created", "updated", "blocked",
                "invalid", "added",
            ]);
            for i in page
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let c = |k: &str| count(i, k).to_string();
                t.row([
                    field(i, "id"),
                    field(i, "kind"),
                    field(i, "file_name"),
                    time_field(i, "started_at"),
                    c("rows"),
                    c("created"),
                    c("updated"),
                    c("blocked"),
                    c("invalid"),
                    c("suppressions_added"),
                ]);
            }
            t.print()?;
            Ok(Outcome::Clean)
        }
        ImportCmd::Show { id } => {
            let v = client.get(client.url(&["v1", "imports", id], &[])).await?;
            if g.json {
                output::print_json(&v)?;
            } else {
                print_summary(&v)?;
            }
            Ok(Outcome::Clean)
        }
        ImportCmd::Report { id, format, output } => {
            let format = report_format(format.as_deref(), output.as_deref());
            let url = client.url(
                &["v1", "imports", id, "report"],
                &[("format", Some(format))],
            );
            download(&client, url, output.as_deref()).await?;
            Ok(Outcome::Clean)
        }
    }
}

fn report_format(explicit: Option<&str>, path: Option<&Path>) -> String {
    if let Some(f) = explicit {
        return f.to_string();
    }
    match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
        Some("json") => "json".into(),
        Some("ndjson" | "jsonl") => "ndjson".into(),
        _ => "csv".into(),
    }
}

/// Streams a GET answer to a file or stdout.
pub async fn download(
    client: &ApiClient,
    url: reqwest::Url,
    to: Option<&Path>,
) -> anyhow::Result<()> {
    let resp = client.get_stream(url).await?;
    let mut out: Box<dyn Write> = match to {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream
        .try_next()
        .await
        .context("the server's answer broke off")?
    {
        out.write_all(&chunk)?;
    }
    out.flush()?;
    Ok(())
}

async fn leads(g: &Global, client: &ApiClient, a: &LeadArgs) -> anyhow::Result<Outcome> {
    let mut query: Vec<(&str, Option<String>)> = vec![
        ("file_name", file_name(&a.file)),
        ("encoding", a.encoding.clone()),
        ("delimiter", a.delimiter.clone()),
        ("dnc_values", a.dnc_values.clone()),
        ("dnc_reason", a.dnc_reason.clone()),
        ("phone_region", a.phone_region.clone()),
    ];
    for m in &a.map {
        query.push(("map", Some(m.clone())));
    }
    let url = client.url(&["v1", "imports", "leads"], &query);
    let record = upload(client, url, &a.file).await?;
    finish(g, client, &record, a.report.as_deref()).await?;
    Ok(if count(&record, "blocked") > 0 {
        Outcome::Flagged
    } else {
        Outcome::Clean
    })
}

async fn suppressions(
    g: &Global,
    client: &ApiClient,
    a: &SuppressionArgs,
) -> anyhow::Result<Outcome> {
    let url = client.url(
        &["v1", "imports", "suppressions"],
        &[
            ("format", Some(a.format.clone())),
            ("file_name", file_name(&a.file)),
        ],
    );
    let record = upload(client, url, &a.file).await?;
    finish(g, client, &record, a.report.as_deref()).await?;
    Ok(Outcome::Clean)
}

async fn finish(
    g: &Global,
    client: &ApiClient,
    record: &Value,
    report: Option<&Path>,
) -> anyhow::Result<()> {
    if let Some(path) = report {
        let id = field(record, "id");
        let format = report_format(None, Some(path));
        let url = client.url(
            &["v1", "imports", &id, "report"],
            &[("format", Some(format))],
        );
        download(client, url, Some(path)).await?;
    }
    if g.json {
        output::print_json(record)?;
    } else {
        print_summary(record)?;
        if let Some(p) = report {
            outln!("report saved to {}", p.display())?;
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn count(v: &Value, key: &str) -> u64 {
    v.get("counts")
        .and_then(|c| c.get(key))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

fn print_summary(v: &Value) -> anyhow::Result<()> {
    let kind = field(v, "kind");
    output::print_pairs(&[
        ("import", field(v, "id")),
        ("file", field(v, "file_name")),
        ("sha256", field(v, "file_sha256")),
        ("format", field(v, "format")),
        ("started", time_field(v, "started_at")),
        ("finished", time_field(v, "finished_at")),
    ])?;
    let mut t = Table::new(["outcome", "rows"]);
    let keys: &[&str] = if kind == "leads" {
        &[
            "created",
            "updated",
            "blocked",
            "duplicate_in_file",
            "invalid",
            "rows",
            "flagged",
            "suppressions_added",
        ]
    } else {
        &["suppressions_added", "already_active", "invalid", "rows"]
    };
    for k in keys {
        let label = match *k {
            "suppressions_added" if kind == "leads" => "suppressions added (DNC column)",
            "suppressions_added" => "added",
            "already_active" => "already in force",
            "flagged" => "flagged (risky, kept)",
            "duplicate_in_file" => "duplicate in file",
            "rows" => "total rows",
            k => k,
        };
        t.row([label.to_string(), count(v, k).to_string()]);
    }
    outln!()?;
    t.print()?;
    outln!(
        "\nper-row report: veto import report {} [-o report.csv]",
        field(v, "id")
    )?;
    Ok(())
}

/// Uploads the file, follows the server's progress lines, and returns the import.
async fn upload(client: &ApiClient, url: reqwest::Url, path: &Path) -> anyhow::Result<Value> {
    let file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(size);
    let sent_bar = bar.clone();
    let stream =
        tokio_util::io::ReaderStream::with_capacity(file, 256 << 10).inspect_ok(move |c| {
            sent_bar.inc(c.len() as u64);
        });
    let resp = client
        .post_stream(url, "text/csv", reqwest::Body::wrap_stream(stream))
        .await?;
    bar.set_message("processing");
    let result = follow(resp, &bar).await;
    bar.finish_and_clear();
    result
}

async fn follow(resp: reqwest::Response, bar: &ProgressBar) -> anyhow::Result<Value> {
    let stream = resp.bytes_stream().map_err(std::io::Error::other);
    let mut lines = tokio_util::io::StreamReader::new(stream).lines();
    let mut switched = false;
    while let Some(line) = lines
        .next_line()
        .await
        .context("the server's answer broke off")?
    {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).with_context(|| {
            format!(
                "the server sent a line that is not JSON: {}",
                line.chars().take(200).collect::<String>()
            )
        })?;
        if let Some(p) = v.get("progress") {
            let rows = p.get("rows").and_then(Value::as_u64).unwrap_or(0);
            let lines = p.get("lines").and_then(Value::as_u64).unwrap_or(0);
            if !switched {
                switched = true;
                bar.reset();
                bar.set_length(lines.max(rows));
                if let Ok(s) = ProgressStyle::with_template(
                    "{spinner} {bar:30} {human_pos}/~{human_len} rows ({rate}, ETA {eta}) {msg}",
                ) {
                    bar.set_style(s.with_key("rate", rate_key));
                }
            }
            bar.set_length(lines.max(rows));
            bar.set_position(rows);
            let blocked = p.get("blocked").and_then(Value::as_u64).unwrap_or(0);
            bar.set_message(format!("{blocked} blocked"));
        } else if let Some(i) = v.get("import") {
            return Ok(i.clone());
        } else if let Some(e) = v.get("error") {
            let msg = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
            anyhow::bail!(
                "the import failed, nothing was committed: {}",
                msg("message")
            );
        }
    }
    anyhow::bail!("the server's answer ended before the import finished (nothing was committed)")
}

fn rate_key(s: &ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{:.0} rows/s", s.per_sec());
}

fn progress_bar(bytes: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
    if let Ok(s) = ProgressStyle::with_template(
        "{spinner} uploading {bar:30} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, ETA {eta}) {msg}",
    ) {
        pb.set_style(s);
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}
