//! The answer of a check: allow or block, every matching entry, and a sentence a rep can read.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::id::EntryId;
use crate::identifier::{IdentifierKind, Scope};
use crate::suppression::{Channel, Entry, Purpose, Purposes, Reason, SourceChannel};

/// The outcome of checking one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No suppression in force for the purpose: contact is allowed.
    Allow,
    /// At least one suppression in force: contact is blocked.
    Block,
    /// The input could not be read; nothing was checked.
    Invalid,
}

/// One entry that matched a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub entry_id: EntryId,
    pub scope: Scope,
    pub kind: IdentifierKind,
    /// The entry's identifier, `None` when only its keyed hash is stored.
    pub identifier: Option<String>,
    pub reason: Reason,
    pub source: SourceChannel,
    pub channel: Channel,
    pub purposes: Purposes,
    pub role_account: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub since: Timestamp,
    /// Matched through a parent domain (a subdomain entry).
    pub via_parent_domain: bool,
}

impl Match {
    pub fn of(e: &Entry, via_parent_domain: bool) -> Self {
        Self {
            entry_id: e.id,
            scope: e.scope(),
            kind: e.kind,
            identifier: e.identifier.as_ref().map(|i| i.value().to_string()),
            reason: e.reason,
            source: e.source,
            channel: e.channel,
            purposes: e.purposes,
            role_account: e.role_account,
            since: e.valid_from,
            via_parent_domain,
        }
    }

    /// "Suppressed: asked to stop on 2026-11-02 via reply, entry 0193…".
    pub fn sentence(&self) -> String {
        let day = day(self.since);
        let what = match (self.scope, &self.identifier) {
            (Scope::Address, _) => String::new(),
            (Scope::Domain, Some(d)) => format!("the domain {d} is blocked: "),
            (Scope::Domain, None) => "the domain is blocked: ".into(),
            (Scope::Company, Some(c)) => format!("the company {c} is blocked: "),
            (Scope::Company, None) => "the company is blocked: ".into(),
            (Scope::Contact, _) => "the contact is blocked: ".into(),
        };
        format!(
            "Suppressed: {what}{} on {day} via {}, entry {}",
            self.reason.phrase(),
            self.source.as_str().replace('_', " "),
            self.entry_id
        )
    }
}

fn day(t: Timestamp) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The sentence for a verdict. Matches are ordered oldest first; the first one is named.
pub fn explain(
    verdict: Verdict,
    matches: &[Match],
    purpose: Purpose,
    as_of: Option<Timestamp>,
    error: Option<&str>,
) -> String {
    let when = as_of
        .map(|t| format!(" at {}", crate::rfc3339(t)))
        .unwrap_or_default();
    match verdict {
        Verdict::Invalid => format!("Not checked: {}.", error.unwrap_or("the input is invalid")),
        Verdict::Allow => format!("Allowed for {purpose}{when}: no suppression in force."),
        Verdict::Block => {
            let first = matches.first().map(Match::sentence).unwrap_or_default();
            let more = match matches.len() {
                0 | 1 => String::new(),
                2 => " (and 1 more entry)".into(),
                n => format!(" (and {} more entries)", n - 1),
            };
            let when = if when.is_empty() {
                String::new()
            } else {
                format!(" [as of{when}]")
            };
            format!("{first}{more}{when}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::id::TenantId;
    use crate::identifier::Identifier;
    use crate::keyed_hash::IdentHash;

    #[test]
    fn sentence_names_reason_date_source_and_entry() {
        let since = time::macros::datetime!(2026-11-02 10:00 UTC);
        let e = Entry {
            id: EntryId::new(),
            tenant_id: TenantId::new(),
            kind: IdentifierKind::Email,
            identifier: Some(Identifier::parse(IdentifierKind::Email, "a@b.com").unwrap()),
            ident_hash: IdentHash([0; 32]),
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason: Reason::StopRequest,
            source: SourceChannel::Reply,
            evidence: None,
            role_account: false,
            created_by: Actor::system("test"),
            created_at: since,
            valid_from: since,
            expires_at: None,
            ended: None,
            erased: false,
        };
        let m = Match::of(&e, false);
        let s = explain(Verdict::Block, &[m], Purpose::Sales, None, None);
        assert_eq!(
            s,
            format!(
                "Suppressed: asked to stop on 2026-11-02 via reply, entry {}.",
                e.id
            )
        );
        assert_eq!(
            explain(Verdict::Allow, &[], Purpose::Sales, None, None),
            "Allowed for sales: no suppression in force."
        );
    }
}
