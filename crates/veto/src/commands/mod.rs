//! One module per command group. Each exposes its clap arguments and a `run` that returns
//! the [`Outcome`](crate::output::Outcome) the process exits with.

pub mod audit;
pub mod check;
pub mod domain;
pub mod erase;
pub mod eval;
pub mod export;
pub mod import;
pub mod ingest;
pub mod keys;
pub mod lift;
pub mod mailbox;
pub mod policy;
pub mod relay;
pub mod route;
pub mod sends;
pub mod sequence;
pub mod suppress;
pub mod tenant;
pub mod users;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use veto_domain::lift::LiftStatus;
use veto_domain::role::Role;
use veto_domain::suppression::{Channel, Purpose, Reason, SourceChannel};
use veto_store::EntryStatus;

use crate::client::{ApiClient, ClientError};

/// Options every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Base URL of the Veto server.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "VETO_SERVER",
        default_value = "http://127.0.0.1:8080",
        value_name = "URL"
    )]
    pub server: String,
    /// API key (sent as a bearer token).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "VETO_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub key: Option<String>,
    /// Machine output: one JSON document (NDJSON for bulk checks).
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
}

impl Global {
    pub fn client(&self) -> Result<ApiClient, ClientError> {
        ApiClient::new(&self.server, self.key.as_deref())
    }
}

/// The database option of the commands that open the store themselves.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArg {
    /// Database URL: sqlite:PATH, sqlite://PATH, postgres://… or postgresql://….
    #[arg(
        long,
        env = "VETO_DATABASE_URL",
        default_value = "sqlite://./veto-data/veto.db",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub db: String,
}

fn unknown(what: &str, s: &str, choices: &str) -> String {
    format!("unknown {what} '{s}' (use one of {choices})")
}

pub fn parse_reason(s: &str) -> Result<Reason, String> {
    Reason::parse(s).ok_or_else(|| unknown("reason", s, &Reason::choices()))
}

pub fn parse_source(s: &str) -> Result<SourceChannel, String> {
    SourceChannel::parse(s).ok_or_else(|| unknown("source", s, &SourceChannel::choices()))
}

pub fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| unknown("channel", s, &Channel::choices()))
}

pub fn parse_purpose(s: &str) -> Result<Purpose, String> {
    Purpose::parse(s).ok_or_else(|| unknown("purpose", s, &Purpose::choices()))
}

pub fn parse_role(s: &str) -> Result<Role, String> {
    let choices = Role::ALL.map(Role::as_str).join(", ");
    Role::parse(s).ok_or_else(|| unknown("role", s, &choices))
}

pub fn parse_lift_status(s: &str) -> Result<LiftStatus, String> {
    LiftStatus::parse(s.trim()).ok_or_else(|| unknown("status", s, "pending, approved, rejected"))
}

pub fn parse_entry_status(s: &str) -> Result<EntryStatus, String> {
    match s.trim() {
        "active" => Ok(EntryStatus::Active),
        "ended" => Ok(EntryStatus::Ended),
        "all" => Ok(EntryStatus::All),
        _ => Err(unknown("status", s, "active, ended, all")),
    }
}

pub fn entry_status_str(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::Active => "active",
        EntryStatus::Ended => "ended",
        EntryStatus::All => "all",
    }
}

/// Checks an RFC 3339 timestamp here, so a typo is an argument error rather than a
/// server round trip; the text is sent as typed.
pub fn parse_rfc3339(s: &str) -> Result<String, String> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .map(|_| s.trim().to_string())
        .map_err(|e| format!("'{s}' is not an RFC 3339 time like 2026-11-02T10:00:00Z ({e})"))
}

/// A list page as JSON for `--json`: the merged items when every page was fetched.
pub fn list_document(
    items: Vec<serde_json::Value>,
    next_cursor: Option<String>,
) -> serde_json::Value {
    serde_json::json!({ "items": items, "next_cursor": next_cursor })
}

/// Fetches one page (or all pages) of a list.
pub async fn fetch_list(
    client: &ApiClient,
    segments: &[&str],
    query: &[(&str, Option<String>)],
    all_pages: bool,
) -> anyhow::Result<(Vec<serde_json::Value>, Option<String>)> {
    if all_pages {
        return Ok((client.list_all(segments, query).await?, None));
    }
    let url = client.url(segments, query);
    let page = client.get(url.clone()).await?;
    crate::client::split_page(&page)
        .ok_or_else(|| anyhow::anyhow!("unexpected response from {url}: a list without 'items'"))
}

/// Tells a person that a list goes on.
pub fn more_hint(next: &Option<String>) -> std::io::Result<()> {
    if let Some(c) = next {
        crate::outln!("(more: pass --all-pages, or --cursor {c})")?;
    }
    Ok(())
}
