//! `veto user`: the people of a tenant and their roles.

use serde_json::{Value, json};
use veto_domain::role::Role;

use super::{Global, fetch_list, list_document, more_hint};
use crate::output::{Outcome, Table, field, print_json};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum UserCmd {
    /// Add a user.
    Create {
        email: String,
        /// sdr, ae, manager, ops or admin.
        #[arg(long, value_parser = super::parse_role)]
        role: Role,
        #[arg(long)]
        name: Option<String>,
        /// Managers read the audit events of their team.
        #[arg(long)]
        team: Option<String>,
    },
    /// List users.
    List {
        #[arg(long)]
        all_pages: bool,
    },
    /// Change a user's role or team, or disable / enable them.
    Update {
        id: String,
        #[arg(long, value_parser = super::parse_role)]
        role: Option<Role>,
        /// New team ('' clears it).
        #[arg(long)]
        team: Option<String>,
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        #[arg(long)]
        enable: bool,
    },
}

pub async fn run(g: &Global, cmd: &UserCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        UserCmd::Create {
            email,
            role,
            name,
            team,
        } => {
            let body = json!({ "email": email.trim(), "role": role, "name": name, "team": team });
            let reply = client
                .post(client.url(&["v1", "users"], &[]), &body)
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!(
                    "created user {} ({}, {})",
                    field(&reply.body, "id"),
                    field(&reply.body, "email"),
                    field(&reply.body, "role")
                )?;
                crate::outln!(
                    "give them a key with: veto key create --user {}",
                    field(&reply.body, "id")
                )?;
            }
        }
        UserCmd::List { all_pages } => {
            let (items, next) = fetch_list(&client, &["v1", "users"], &[], *all_pages).await?;
            if g.json {
                print_json(&list_document(items, next))?;
            } else {
                user_table(&items).print()?;
                more_hint(&next)?;
            }
        }
        UserCmd::Update {
            id,
            role,
            team,
            disable,
            enable,
        } => {
            let body = patch_body(*role, team.as_deref(), *disable, *enable)?;
            let reply = client
                .patch(client.url(&["v1", "users", id.trim()], &[]), &body)
                .await?;
            if g.json {
                print_json(&reply.body)?;
            } else {
                crate::outln!("updated:")?;
                user_table(std::slice::from_ref(&reply.body)).print()?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// Only the fields given are sent; an empty team clears it.
pub fn patch_body(
    role: Option<Role>,
    team: Option<&str>,
    disable: bool,
    enable: bool,
) -> anyhow::Result<Value> {
    let mut body = serde_json::Map::new();
    if let Some(r) = role {
        body.insert("role".into(), json!(r));
    }
    if let Some(t) = team {
        // The API reads "" as "clear the team"; null would mean "leave it as it is".
        body.insert("team".into(), json!(t.trim()));
    }
    if disable || enable {
        body.insert("disabled".into(), json!(disable));
    }
    if body.is_empty() {
        anyhow::bail!("nothing to change: pass --role, --team, --disable or --enable");
    }
    Ok(Value::Object(body))
}

fn user_table(items: &[Value]) -> Table {
    let mut t = Table::new(["ID", "EMAIL", "NAME", "ROLE", "TEAM", "STATUS"]);
    for u in items {
        let status = if u.get("disabled").and_then(Value::as_bool) == Some(true) {
            "disabled"
        } else {
            "active"
        };
        t.row([
            field(u, "id"),
            field(u, "email"),
            field(u, "name"),
            field(u, "role"),
            field(u, "team"),
            status.to_string(),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches() {
        assert_eq!(
            patch_body(Some(Role::Ops), None, false, false).unwrap(),
            json!({"role": "ops"})
        );
        assert_eq!(
            patch_body(None, Some(""), true, false).unwrap(),
            json!({"team": "", "disabled": true})
        );
        assert_eq!(
            patch_body(None, Some(" east "), false, true).unwrap(),
            json!({"team": "east", "disabled": false})
        );
        assert!(
            patch_body(None, None, false, false)
                .unwrap_err()
                .to_string()
                .contains("nothing to change")
        );
    }
}
