//! `veto check`: is contact allowed? One identifier (GET), several (POST), or a CSV file
//! streamed through the bulk endpoint.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;
use veto_domain::identifier::{IdentifierInput, IdentifierKind};
use veto_domain::suppression::Purpose;

use super::Global;
use crate::client::ClientError;
use crate::csv_input::{CsvSource, kind_of_header};
use crate::kind::{kind_of, parse_kind};
use crate::output::{Outcome, Table, text};

/// About this much of the file is in flight at once (chunk size × channel depth).
const CHUNK_BYTES: usize = 64 * 1024;
const CHANNEL_DEPTH: usize = 8;

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// E-mail addresses, phone numbers or domains (ids with --kind).
    #[arg(
        value_name = "ADDRESS",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub items: Vec<String>,
    /// Check every row of a CSV file (with a header row) instead.
    #[arg(long, value_name = "FILE.csv")]
    pub file: Option<PathBuf>,
    /// The CSV column to check, by header name (default: the e-mail column, else the first).
    #[arg(long, conflicts_with = "items", value_name = "NAME")]
    pub column: Option<String>,
    /// What the identifiers are (default: guessed from each value, or the CSV header).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<IdentifierKind>,
    /// Why you would contact them.
    #[arg(long, default_value = "sales", value_parser = super::parse_purpose)]
    pub purpose: Purpose,
    /// Check against the registry as it was at this time (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = super::parse_rfc3339)]
    pub as_of: Option<String>,
    /// With --file: report allowed rows too, not only blocked and invalid ones.
    #[arg(long, conflicts_with = "items")]
    pub all: bool,
}

pub async fn run(g: &Global, a: &CheckArgs) -> anyhow::Result<Outcome> {
    if let Some(path) = &a.file {
        return check_file(g, a, path).await;
    }
    let inputs = a
        .items
        .iter()
        .map(|raw| Ok(IdentifierInput::of(kind_of(raw, a.kind)?, raw.trim())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let client = g.client()?;
    match inputs.as_slice() {
        [one] => {
            let mut query: Vec<(&str, Option<String>)> = one
                .fields()
                .map(|(k, v)| (k.as_str(), Some(v.to_string())))
                .collect();
            query.push(("purpose", Some(a.purpose.as_str().into())));
            query.push(("as_of", a.as_of.clone()));
            let result = client.get(client.url(&["v1", "check"], &query)).await?;
            if g.json {
                crate::output::print_json(&result)?;
            } else {
                print_results(&a.items, std::slice::from_ref(&result))?;
            }
            Ok(outcome_of(std::slice::from_ref(&result)))
        }
        _ => {
            let mut body = json!({ "purpose": a.purpose.as_str(), "items": inputs });
            if let Some(t) = &a.as_of {
                body["as_of"] = json!(t);
            }
            let reply = client
                .post(client.url(&["v1", "check"], &[]), &body)
                .await?;
            let results = reply
                .body
                .get("results")
                .and_then(Value::as_array)
                .cloned()
                .context("unexpected response from the server: no 'results'")?;
            if g.json {
                crate::output::print_json(&reply.body)?;
            } else {
                print_results(&a.items, &results)?;
            }
            Ok(outcome_of(&results))
        }
    }
}

fn verdict_of(r: &Value) -> &str {
    r.get("verdict")
        .and_then(Value::as_str)
        .unwrap_or("invalid")
}

/// Blocked beats invalid beats allowed, as for bulk checks.
pub fn outcome_of(results: &[Value]) -> Outcome {
    let count = |v: &str| results.iter().filter(|r| verdict_of(r) == v).count() as u64;
    Outcome::of_counts(count("block"), count("invalid"))
}

/// `BLOCK  jane@x.com  Suppressed: …`, aligned.
fn print_results(inputs: &[String], results: &[Value]) -> std::io::Result<()> {
    let mut t = Table::headless();
    for (i, r) in results.iter().enumerate() {
        let input = inputs
            .get(i)
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| text(r.get("input").unwrap_or(&Value::Null)));
        t.row([verdict_of(r).to_uppercase(), input, explanation(r)]);
    }
    t.print()
}

fn explanation(r: &Value) -> String {
    r.get("explanation").map(text).unwrap_or_default()
}

/// The counts of a bulk check's summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub checked: u64,
    pub allowed: u64,
    pub blocked: u64,
    pub invalid: u64,
}

impl Summary {
    fn of(v: &Value) -> Option<Self> {
        let n = |k: &str| v.get(k).and_then(Value::as_u64);
        Some(Self {
            checked: n("checked")?,
            allowed: n("allowed")?,
            blocked: n("blocked")?,
            invalid: n("invalid")?,
        })
    }
}

async fn check_file(g: &Global, a: &CheckArgs, path: &Path) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let source = CsvSource::open(path, a.column.as_deref(), a.kind)?;
    // The bulk endpoint takes one kind for the whole body.
    let kind = a
        .kind
        .or_else(|| kind_of_header(source.header()))
        .unwrap_or(IdentifierKind::Email);
    let url = client.url(
        &["v1", "check", "bulk"],
        &[
            ("purpose", Some(a.purpose.as_str().into())),
            ("kind", Some(kind.as_str().into())),
            ("as_of", a.as_of.clone()),
            ("only_blocked", a.all.then(|| "false".into())),
        ],
    );

    let progress = progress_bar();
    // The feeding thread's error, kept before the body stream fails so that the (then
    // broken) request reports the real cause.
    let feed_error: Arc<Mutex<Option<String>>> = Arc::default();
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(CHANNEL_DEPTH);
    // A plain thread, not spawn_blocking: if the request fails while the thread waits on a
    // full channel, the process must still be able to exit without joining it.
    let feeder = {
        let feed_error = feed_error.clone();
        let progress = progress.clone();
        std::thread::spawn(move || {
            let res = source.feed(
                CHUNK_BYTES,
                |chunk| tx.blocking_send(Ok(chunk)).is_ok(),
                |n| progress.inc(n),
            );
            if res.is_ok() {
                progress.set_message("— all sent, waiting for the last results");
            }
            if let Err(e) = &res {
                let msg = format!("{e:#}");
                if let Ok(mut slot) = feed_error.lock() {
                    *slot = Some(msg.clone());
                }
                // Failing the body aborts the upload, so the server never takes part of a
                // file for all of it.
                let _ = tx.blocking_send(Err(std::io::Error::other(msg)));
            }
            res
        })
    };
    let body = reqwest::Body::wrap_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));

    let result = async {
        let resp = client
            .post_stream(url, "text/plain; charset=utf-8", body)
            .await?;
        read_bulk_response(g.json, resp, &progress).await
    }
    .await;
    progress.finish_and_clear();

    if let Some(e) = feed_error.lock().ok().and_then(|mut s| s.take()) {
        anyhow::bail!(e);
    }
    let summary = result?;
    // The server has read the whole body by the time it sums up, so the thread is done.
    if feeder.is_finished() {
        match feeder.join() {
            Ok(Ok(rows)) if rows != summary.checked => tracing::warn!(
                sent = rows,
                checked = summary.checked,
                "the server checked a different number of rows than were sent"
            ),
            Ok(_) => {}
            Err(_) => anyhow::bail!("the CSV reader failed unexpectedly"),
        }
    }
    if !g.json {
        crate::outln!(
            "checked {} rows: {} allowed, {} blocked, {} invalid",
            summary.checked,
            summary.allowed,
            summary.blocked,
            summary.invalid
        )?;
    }
    Ok(Outcome::of_counts(summary.blocked, summary.invalid))
}

/// Reads the NDJSON answer line by line and prints each reported row as it arrives: the
/// lines themselves with `--json`, a sentence per row otherwise.
async fn read_bulk_response(
    json: bool,
    resp: reqwest::Response,
    progress: &ProgressBar,
) -> anyhow::Result<Summary> {
    let stream = resp.bytes_stream().map_err(std::io::Error::other);
    let mut lines = tokio_util::io::StreamReader::new(stream).lines();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut summary = None;
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
        // A failure after the 200 status comes as a last line of its own (an invalid item
        // also has an `error`, beside its verdict).
        if let Some(e) = v
            .get("error")
            .filter(|e| e.is_object() && v.get("verdict").is_none())
        {
            if json {
                writeln!(out, "{line}")?;
            }
            out.flush()?;
            let msg = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
            anyhow::bail!(
                "the server stopped the bulk check: {}: {}",
                msg("code"),
                msg("message")
            );
        }
        let text_line = if let Some(s) = v.get("summary") {
            summary = Some(Summary::of(s).context("the server's summary lacks a count")?);
            if !json {
                continue;
            }
            line
        } else if json {
            line
        } else {
            bulk_line(&v)
        };
        if progress.is_hidden() {
            writeln!(out, "{text_line}")?;
        } else {
            progress.suspend(|| -> std::io::Result<()> {
                writeln!(out, "{text_line}")?;
                out.flush()
            })?;
        }
    }
    out.flush()?;
    summary.ok_or_else(|| {
        anyhow::Error::new(ClientError::BadResponse {
            url: "/v1/check/bulk".into(),
            detail: "the answer ended before its summary line (the check did not finish)".into(),
        })
    })
}

/// `BLOCK    row 12      jane@x.com  Suppressed: …`; the server's line n is data row n.
fn bulk_line(v: &Value) -> String {
    let verdict = verdict_of(v).to_uppercase();
    let place = match v.get("line").and_then(Value::as_u64) {
        Some(r) => format!("row {r}"),
        None => "row ?".into(),
    };
    let input = v.get("input").map(text).unwrap_or_default();
    let input = if input.is_empty() {
        "(empty)".into()
    } else {
        input
    };
    format!("{verdict:<7}  {place:<10}  {input}  {}", explanation(v))
}

/// Rows sent and rows per second, on stderr, only for a person watching a terminal.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {human_pos} rows sent ({rate}, {elapsed}) {msg}")
    {
        pb.set_style(
            style.with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} rows/s", s.per_sec());
            }),
        );
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_from_results() {
        let r = |v: &str| json!({ "verdict": v });
        assert_eq!(outcome_of(&[r("allow"), r("allow")]), Outcome::Clean);
        assert_eq!(outcome_of(&[r("allow"), r("block")]), Outcome::Flagged);
        assert_eq!(outcome_of(&[r("invalid"), r("allow")]), Outcome::Invalid);
        assert_eq!(outcome_of(&[r("invalid"), r("block")]), Outcome::Flagged);
        // A result without a verdict cannot be taken as allowed.
        assert_eq!(outcome_of(&[json!({})]), Outcome::Invalid);
    }

    #[test]
    fn summary_and_bulk_lines() {
        let s =
            Summary::of(&json!({"checked": 3, "allowed": 1, "blocked": 1, "invalid": 1})).unwrap();
        assert_eq!(
            s,
            Summary {
                checked: 3,
                allowed: 1,
                blocked: 1,
                invalid: 1
            }
        );
        assert_eq!(Summary::of(&json!({"checked": 3})), None);
        let v = json!({"line": 2, "input": "jane@x.com", "verdict": "block", "explanation": "Suppressed: asked to stop."});
        assert_eq!(
            bulk_line(&v),
            "BLOCK    row 2       jane@x.com  Suppressed: asked to stop."
        );
        let v =
            json!({"line": 5, "input": "", "verdict": "invalid", "explanation": "Not checked."});
        assert!(bulk_line(&v).starts_with("INVALID  row 5 "));
        assert!(bulk_line(&v).contains("(empty)"));
    }
}
