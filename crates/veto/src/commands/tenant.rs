//! `veto tenant create`: provision a tenant with its first admin, straight in the database
//! (there is no key to call the API with before this).

use super::{DbArg, Global};
use crate::output::{Outcome, print_json, print_pairs};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum TenantCmd {
    /// Create a tenant, its first admin user and that admin's API key.
    Create {
        /// The tenant's name (unique).
        name: String,
        /// The first admin's e-mail address.
        #[arg(long, value_name = "EMAIL")]
        admin_email: String,
        #[command(flatten)]
        db: DbArg,
    },
}

/// `--json` output, a struct so the fields come in this order.
#[derive(serde::Serialize)]
struct Created<'a> {
    tenant_id: String,
    admin_user_id: String,
    api_key: &'a str,
}

pub async fn run(g: &Global, cmd: &TenantCmd) -> anyhow::Result<Outcome> {
    match cmd {
        TenantCmd::Create {
            name,
            admin_email,
            db,
        } => {
            let store = crate::db::open_store(&db.db).await?;
            let p = veto_server::provision::create_tenant(&*store, name.trim(), admin_email.trim())
                .await?;
            if g.json {
                print_json(&Created {
                    tenant_id: p.tenant_id.to_string(),
                    admin_user_id: p.admin_user_id.to_string(),
                    api_key: &p.api_key,
                })?;
            } else {
                print_pairs(&[
                    ("tenant", format!("{} ({})", name.trim(), p.tenant_id)),
                    (
                        "admin user",
                        format!("{} ({})", admin_email.trim(), p.admin_user_id),
                    ),
                    ("API key", p.api_key.clone()),
                ])?;
                crate::outln!()?;
                crate::outln!("Save the API key now: it is not shown again.")?;
            }
            Ok(Outcome::Clean)
        }
    }
}
