//! `veto erase`: a privacy erasure. Clear identifiers, evidence and lift texts are removed;
//! the keyed hashes stay, so the person stays blocked.

use serde_json::json;
use veto_domain::identifier::{IdentifierInput, IdentifierKind};

use super::Global;
use crate::kind::{kind_of, parse_kind};
use crate::output::{Outcome, field, print_json};

#[derive(Debug, Clone, clap::Args)]
pub struct EraseArgs {
    /// The e-mail address, phone number, domain or id whose personal data to erase.
    pub identifier: String,
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<IdentifierKind>,
}

pub async fn run(g: &Global, a: &EraseArgs) -> anyhow::Result<Outcome> {
    let kind = kind_of(&a.identifier, a.kind)?;
    let client = g.client()?;
    let body = json!({ "identifier": IdentifierInput::of(kind, a.identifier.trim()) });
    let reply = client
        .post(client.url(&["v1", "erasures"], &[]), &body)
        .await?;
    if g.json {
        print_json(&reply.body)?;
    } else {
        crate::outln!(
            "erased: {} entries and {} lift requests lost their personal data; {} stays blocked by its keyed hash",
            field(&reply.body, "entries"),
            field(&reply.body, "lift_requests"),
            kind
        )?;
    }
    Ok(Outcome::Clean)
}
