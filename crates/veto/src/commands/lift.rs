//! `veto lift`: ask for an entry to stop applying, and decide such requests (four eyes:
//! the server refuses a decision on one's own request).

use serde_json::{Value, json};
use veto_domain::lift::LiftStatus;

use super::{Global, fetch_list, list_document, more_hint};
use crate::output::{Outcome, Table, field, print_json, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum LiftCmd {
    /// Ask for an entry to be lifted.
    Request {
        /// The entry to lift.
        entry_id: String,
        /// Why contact is allowed again.
        #[arg(long)]
        reason: String,
        /// What shows the person agreed to be contacted again.
        #[arg(long)]
        evidence: String,
    },
    /// Approve a pending request: the entry ends.
    Approve {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a pending request: the entry stays in force.
    Reject {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// List lift requests.
    List {
        #[arg(long, value_parser = super::parse_lift_status)]
        status: Option<LiftStatus>,
        /// Only requests about this entry.
        #[arg(long = "entry", value_name = "ID")]
        entry: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        #[arg(long)]
        cursor: Option<String>,
        #[arg(long, conflicts_with = "cursor")]
        all_pages: bool,
    },
}

pub async fn run(g: &Global, cmd: &LiftCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        LiftCmd::Request {
            entry_id,
            reason,
            evidence,
        } => {
            for (name, v) in [("--reason", reason), ("--evidence", evidence)] {
                if v.trim().is_empty() {
                    anyhow::bail!("{name} must not be empty");
                }
            }
            let body =
                json!({ "entry_id": entry_id.trim(), "reason": reason, "evidence": evidence });
            let reply = client
                .post(client.url(&["v1", "lift-requests"], &[]), &body)
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!(
                    "lift requested: request {} for entry {} is pending; someone else with the right role must approve it",
                    field(&reply.body, "id"),
                    entry_id.trim()
                )?;
            }
        }
        LiftCmd::Approve { id, note } | LiftCmd::Reject { id, note } => {
            let verb = if matches!(cmd, LiftCmd::Approve { .. }) {
                "approve"
            } else {
                "reject"
            };
            let body = json!({ "note": note });
            let reply = client
                .post(
                    client.url(&["v1", "lift-requests", id.trim(), verb], &[]),
                    &body,
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else if verb == "approve" {
                crate::outln!(
                    "approved: lift request {} — entry {} no longer applies",
                    id.trim(),
                    field(&reply.body, "entry_id")
                )?;
            } else {
                crate::outln!(
                    "rejected: lift request {} — entry {} stays in force",
                    id.trim(),
                    field(&reply.body, "entry_id")
                )?;
            }
        }
        LiftCmd::List {
            status,
            entry,
            limit,
            cursor,
            all_pages,
        } => {
            let query = [
                ("status", status.map(|s| s.as_str().to_string())),
                ("entry_id", entry.as_ref().map(|e| e.trim().to_string())),
                ("limit", limit.map(|l| l.to_string())),
                ("cursor", cursor.clone()),
            ];
            let (items, next) =
                fetch_list(&client, &["v1", "lift-requests"], &query, *all_pages).await?;
            if g.json {
                print_json(&list_document(items, next))?;
            } else if items.is_empty() {
                crate::outln!("no lift requests")?;
            } else {
                lift_table(&items).print()?;
                more_hint(&next)?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// Lift requests as a table (also under `veto suppress show`).
pub fn lift_table(items: &[Value]) -> Table {
    let mut t = Table::new([
        "ID",
        "ENTRY",
        "STATUS",
        "REQUESTED",
        "BY",
        "REASON",
        "DECIDED BY",
    ]);
    for l in items {
        t.row([
            field(l, "id"),
            field(l, "entry_id"),
            field(l, "status"),
            time_field(l, "created_at"),
            field(l, "requested_by"),
            field(l, "reason"),
            field(l, "decided_by"),
        ]);
    }
    t
}
