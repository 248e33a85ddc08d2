//! `veto key`: API keys. A key's secret is shown once, when it is created.

use serde_json::{Value, json};

use super::{Global, fetch_list, list_document, more_hint};
use crate::output::{Outcome, Table, field, print_json, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum KeyCmd {
    /// Create a key for a user.
    Create {
        /// The user the key acts as.
        #[arg(long = "user", value_name = "ID")]
        user: String,
        /// A label, to recognise the key in lists.
        #[arg(long)]
        name: Option<String>,
    },
    /// List keys.
    List {
        #[arg(long)]
        all_pages: bool,
    },
    /// Revoke a key: it stops working at once.
    Revoke { id: String },
}

pub async fn run(g: &Global, cmd: &KeyCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        KeyCmd::Create { user, name } => {
            let body = json!({ "user_id": user.trim(), "name": name });
            let reply = client.post(client.url(&["v1", "keys"], &[]), &body).await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                let key = reply
                    .body
                    .get("key")
                    .filter(|k| k.is_object())
                    .unwrap_or(&reply.body);
                crate::outln!("created key {} for user {}", field(key, "id"), user.trim())?;
                crate::outln!("API key: {}", field(&reply.body, "api_key"))?;
                crate::outln!("Save it now: it is not shown again.")?;
            }
        }
        KeyCmd::List { all_pages } => {
            let (items, next) = fetch_list(&client, &["v1", "keys"], &[], *all_pages).await?;
            if g.json {
                print_json(&list_document(items, next))?;
            } else {
                let mut t = Table::new(["ID", "USER", "NAME", "PREFIX", "CREATED", "STATUS"]);
                for k in &items {
                    t.row([
                        field(k, "id"),
                        field(k, "user_id"),
                        field(k, "name"),
                        field(k, "prefix"),
                        time_field(k, "created_at"),
                        status(k),
                    ]);
                }
                t.print()?;
                more_hint(&next)?;
            }
        }
        KeyCmd::Revoke { id } => {
            let reply = client
                .post(
                    client.url(&["v1", "keys", id.trim(), "revoke"], &[]),
                    &json!({}),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!("revoked key {}", id.trim())?;
            }
        }
    }
    Ok(Outcome::Clean)
}

fn status(k: &Value) -> String {
    match k.get("revoked_at").and_then(Value::as_str) {
        Some(_) => format!("revoked {}", time_field(k, "revoked_at")),
        None => "active".into(),
    }
}
