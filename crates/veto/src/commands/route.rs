//! `veto route`: the upstream SMTP servers a tenant's mail is handed to. The first is the
//! default; passwords are sealed at rest and never shown.

use serde_json::json;

use super::Global;
use crate::output::{Outcome, Table, field, print_json};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum RouteCmd {
    /// Add a route.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: u16,
        /// none | starttls | implicit
        #[arg(long, default_value = "starttls")]
        tls: String,
        #[arg(long)]
        username: Option<String>,
        /// The password (or VETO_ROUTE_PASSWORD).
        #[arg(long, env = "VETO_ROUTE_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List routes.
    List,
}

pub async fn run(g: &Global, cmd: &RouteCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        RouteCmd::Add {
            name,
            host,
            port,
            tls,
            username,
            password,
        } => {
            let reply = client
                .post(
                    client.url(&["v1", "routes"], &[]),
                    &json!({ "name": name, "host": host, "port": port, "tls": tls,
                             "username": username, "password": password }),
                )
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!(
                    "added route {} ({}){}",
                    field(&reply.body, "name"),
                    field(&reply.body, "id"),
                    if reply.body["is_default"] == true {
                        ": the tenant's default"
                    } else {
                        ""
                    }
                )?;
            }
        }
        RouteCmd::List => {
            let all = client.get(client.url(&["v1", "routes"], &[])).await?;
            if g.json {
                print_json(&all)?;
            } else {
                let mut t = Table::new(["ID", "NAME", "HOST", "PORT", "TLS", "USER", "DEFAULT"]);
                for r in all.as_array().into_iter().flatten() {
                    t.row([
                        field(r, "id"),
                        field(r, "name"),
                        field(r, "host"),
                        field(r, "port"),
                        field(r, "tls"),
                        field(r, "username"),
                        field(r, "is_default"),
                    ]);
                }
                t.print()?;
            }
        }
    }
    Ok(Outcome::Clean)
}
