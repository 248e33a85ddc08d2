//! `veto domain`: sending domains and their DKIM keys. `veto domain dkim DOMAIN` makes a key
//! for the domain (adding the domain first when needed) and prints the DNS TXT record to
//! publish; messages from the domain are signed with it from then on.

use serde_json::{Value, json};

use super::Global;
use crate::client::ApiClient;
use crate::output::{Outcome, Table, field, print_json, print_pairs, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum DomainCmd {
    /// Add a sending domain.
    Add { domain: String },
    /// List sending domains and their keys.
    List,
    /// Make (or replace) the domain's DKIM key and print the DNS record to publish.
    Dkim {
        domain: String,
        /// The selector (default: veto and the year and month, e.g. veto202612).
        #[arg(long)]
        selector: Option<String>,
        /// rsa (RSA-2048, verified everywhere) or ed25519.
        #[arg(long, default_value = "rsa")]
        algorithm: String,
    },
}

/// The tenant's sending domain of that name, if any.
async fn find(client: &ApiClient, domain: &str) -> anyhow::Result<Option<Value>> {
    let all = client
        .get(client.url(&["v1", "sending-domains"], &[]))
        .await?;
    let want = domain.trim().trim_end_matches('.').to_lowercase();
    Ok(all
        .as_array()
        .and_then(|a| a.iter().find(|d| field(d, "domain") == want).cloned()))
}

pub async fn run(g: &Global, cmd: &DomainCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        DomainCmd::Add { domain } => {
            let reply = client
                .post(
                    client.url(&["v1", "sending-domains"], &[]),
                    &json!({ "domain": domain }),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!(
                    "added sending domain {} ({})",
                    field(&reply.body, "domain"),
                    field(&reply.body, "id")
                )?;
            }
        }
        DomainCmd::List => {
            let all = client
                .get(client.url(&["v1", "sending-domains"], &[]))
                .await?;
            if g.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(["ID", "DOMAIN", "DKIM SELECTOR", "ALGORITHM", "KEY MADE"]);
                for d in all.as_array().into_iter().flatten() {
                    let k = d.get("dkim").cloned().unwrap_or(Value::Null);
                    t.row([
                        field(d, "id"),
                        field(d, "domain"),
                        field(&k, "selector"),
                        field(&k, "algorithm"),
                        time_field(&k, "created_at"),
                    ]);
                }
                t.print()?;
            }
        }
        DomainCmd::Dkim {
            domain,
            selector,
            algorithm,
        } => {
            let d = match find(&client, domain).await? {
                Some(d) => d,
                None => {
                    client
                        .post(
                            client.url(&["v1", "sending-domains"], &[]),
                            &json!({ "domain": domain }),
                        )
                        .await?
                        .body
                }
            };
            let id = field(&d, "id");
            let reply = client
                .post(
                    client.url(&["v1", "sending-domains", &id, "dkim"], &[]),
                    &json!({ "selector": selector, "algorithm": algorithm }),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                let dns = reply
                    .body
                    .get("dkim")
                    .and_then(|k| k.get("dns"))
                    .cloned()
                    .unwrap_or(Value::Null);
                print_pairs(&[
                    ("domain", field(&reply.body, "domain")),
                    ("selector", field(&reply.body["dkim"], "selector")),
                    ("algorithm", field(&reply.body["dkim"], "algorithm")),
                    ("TXT name", field(&dns, "name")),
                    ("TXT value", field(&dns, "value")),
                ])?;
                crate::outln!("")?;
                crate::outln!("Publish this record (zone file form):")?;
                crate::outln!(
                    "{}. IN TXT {}",
                    field(&dns, "name"),
                    field(&dns, "zone_data")
                )?;
                crate::outln!(
                    "Messages from {} are signed with this key from now on.",
                    field(&reply.body, "domain")
                )?;
            }
        }
    }
    Ok(Outcome::Clean)
}
