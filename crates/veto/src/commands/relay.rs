//! `veto smtp-credentials`: the logins sending tools use on the SMTP relay. A password is
//! shown once, when made.

use serde_json::json;

use super::Global;
use crate::output::{Outcome, Table, field, print_json, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum SmtpCredentialCmd {
    /// Make credentials for a sending tool.
    Create {
        name: String,
        /// sales (default) | marketing | operational
        #[arg(long)]
        purpose: Option<String>,
    },
    /// List credentials (never their passwords).
    List,
    /// Revoke credentials: refused from the next login or transaction on.
    Revoke { id: String },
}

pub async fn run(g: &Global, cmd: &SmtpCredentialCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        SmtpCredentialCmd::Create { name, purpose } => {
            let reply = client
                .post(
                    client.url(&["v1", "smtp-credentials"], &[]),
                    &json!({ "name": name, "purpose": purpose }),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!("username: {}", field(&reply.body, "username"))?;
                crate::outln!("password: {}", field(&reply.body, "password"))?;
                crate::outln!("Save the password now: it is not shown again.")?;
            }
        }
        SmtpCredentialCmd::List => {
            let all = client
                .get(client.url(&["v1", "smtp-credentials"], &[]))
                .await?;
            if g.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(["ID", "NAME", "USERNAME", "PURPOSE", "CREATED", "REVOKED"]);
                for c in all.as_array().into_iter().flatten() {
                    t.row([
                        field(c, "id"),
                        field(c, "name"),
                        field(c, "username"),
                        field(c, "purpose"),
                        time_field(c, "created_at"),
                        time_field(c, "revoked_at"),
                    ]);
                }
                t.print()?;
            }
        }
        SmtpCredentialCmd::Revoke { id } => {
            let reply = client
                .post(
                    client.url(&["v1", "smtp-credentials", id.trim(), "revoke"], &[]),
                    &json!({}),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!("revoked {}", field(&reply.body, "username"))?;
            }
        }
    }
    Ok(Outcome::Clean)
}
