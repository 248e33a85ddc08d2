//! `veto sends`: every send attempt — sequence steps and relayed messages — with the verdict
//! of the check made immediately before and what the upstream said.

use super::{Global, fetch_list, list_document, more_hint, parse_rfc3339};
use crate::output::{Outcome, Table, field, print_json, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum SendsCmd {
    /// List send attempts, newest first.
    List {
        /// Attempts to this address.
        #[arg(long)]
        email: Option<String>,
        /// sent | blocked | deferred | failed
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long, value_name = "ID")]
        enrollment: Option<String>,
        #[arg(long, value_name = "ID")]
        mailbox: Option<String>,
        #[arg(long, value_parser = parse_rfc3339)]
        since: Option<String>,
        #[arg(long)]
        all_pages: bool,
        #[arg(long)]
        cursor: Option<String>,
    },
}

pub async fn run(g: &Global, cmd: &SendsCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let SendsCmd::List {
        email,
        outcome,
        enrollment,
        mailbox,
        since,
        all_pages,
        cursor,
    } = cmd;
    let (items, next) = fetch_list(
        &client,
        &["v1", "sends"],
        &[
            ("email", email.clone()),
            ("outcome", outcome.clone()),
            ("enrollment_id", enrollment.clone()),
            ("mailbox_id", mailbox.clone()),
            ("since", since.clone()),
            ("cursor", cursor.clone()),
        ],
        *all_pages,
    )
    .await?;
    if g.json {
        print_json(&list_document(items, next))?;
    } else {
        let mut t = Table::new(["AT", "VIA", "FROM", "TO", "OUTCOME", "DETAIL"]);
        for s in &items {
            t.row([
                time_field(s, "at"),
                field(s, "via"),
                field(s, "from"),
                field(s, "recipient"),
                field(s, "outcome"),
                field(s, "detail"),
            ]);
        }
        t.print()?;
        more_hint(&next)?;
    }
    Ok(Outcome::Clean)
}
