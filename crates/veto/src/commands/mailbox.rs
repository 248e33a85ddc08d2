//! `veto mailbox`: the From addresses a tenant sends from, each optionally with its own route.

use serde_json::json;

use super::Global;
use crate::output::{Outcome, Table, field, print_json};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum MailboxCmd {
    /// Add a mailbox.
    Add {
        address: String,
        /// Display name in From:.
        #[arg(long)]
        name: Option<String>,
        /// A route of the tenant for this mailbox (default: the tenant's default route).
        #[arg(long, value_name = "ROUTE_ID")]
        route: Option<String>,
    },
    /// List mailboxes.
    List,
    /// Pause a mailbox: its due steps wait.
    Pause { id: String },
    /// Resume a paused mailbox.
    Resume { id: String },
}

pub async fn run(g: &Global, cmd: &MailboxCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let reply = match cmd {
        MailboxCmd::Add {
            address,
            name,
            route,
        } => {
            client
                .post(
                    client.url(&["v1", "mailboxes"], &[]),
                    &json!({ "address": address, "name": name, "route_id": route }),
                )
                .await?
                .body
        }
        MailboxCmd::List => {
            let all = client.get(client.url(&["v1", "mailboxes"], &[])).await?;
            if g.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(["ID", "ADDRESS", "NAME", "ROUTE", "PAUSED"]);
                for m in all.as_array().into_iter().flatten() {
                    t.row([
                        field(m, "id"),
                        field(m, "address"),
                        field(m, "name"),
                        field(m, "route_id"),
                        field(m, "paused"),
                    ]);
                }
                t.print()?;
            }
            return Ok(Outcome::Clean);
        }
        MailboxCmd::Pause { id } | MailboxCmd::Resume { id } => {
            let paused = matches!(cmd, MailboxCmd::Pause { .. });
            client
                .patch(
                    client.url(&["v1", "mailboxes", id.trim()], &[]),
                    &json!({ "paused": paused }),
                )
                .await?
                .body
        }
    };
    if g.json {
        print_json(&reply)?;
    } else {
        crate::outln!(
            "mailbox {} <{}>{}",
            field(&reply, "id"),
            field(&reply, "address"),
            if reply["paused"] == true {
                " (paused)"
            } else {
                ""
            }
        )?;
    }
    Ok(Outcome::Clean)
}
