//! Who a message is for, as the registry sees it: the address it goes to and, when Veto knows
//! the contact, every identifier of that person — their other addresses, phone, CRM company
//! and contact ids. A check before a send covers all of them: an entry on any one blocks the
//! message (a contact record is one person; nothing is guessed across contacts).

use veto_domain::contact::Contact;
use veto_domain::email::EmailAddress;
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::suppression::{Channel, Purpose};
use veto_store::EnrollmentKey;

use crate::check::{CheckOptions, store_probes};
use crate::state::TenantCtx;

/// The recipient of one message.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub address: EmailAddress,
    pub contact: Option<Contact>,
}

impl Recipient {
    pub fn new(address: EmailAddress, contact: Option<Contact>) -> Self {
        Self { address, contact }
    }

    /// The identifiers a check of this recipient covers, the address first.
    pub fn identifiers(&self) -> Vec<Identifier> {
        let mut out = vec![Identifier::Email(self.address.clone())];
        let Some(c) = &self.contact else {
            return out;
        };
        for e in &c.emails {
            if *e != self.address {
                out.push(Identifier::Email(e.clone()));
            }
        }
        let extra = [
            (IdentifierKind::Phone, c.phone.as_deref()),
            (IdentifierKind::CompanyId, c.company_id.as_deref()),
            (IdentifierKind::ContactId, c.source_id.as_deref()),
        ];
        for (kind, value) in extra {
            // A stored value that no longer parses (a rule changed) checks nothing more;
            // the address itself is always checked.
            if let Some(id) = value.and_then(|v| Identifier::parse(kind, v).ok()) {
                out.push(id);
            }
        }
        out
    }

    /// The check a send to this recipient makes: e-mail, for `purpose`, now.
    pub fn options(purpose: Purpose) -> CheckOptions {
        CheckOptions {
            purpose,
            channel: Some(Channel::Email),
            as_of: None,
        }
    }

    /// The keyed hashes the check probes, for the enrolment's cancellation keys and the send
    /// fence (deduplicated; a hash seen both directly and as a parent domain keeps the direct
    /// reading).
    pub fn keys(&self, ctx: &TenantCtx, purpose: Purpose) -> Vec<EnrollmentKey> {
        let ids = self.identifiers();
        let mut keys: Vec<EnrollmentKey> = Vec::new();
        for (hash, via_parent, _) in store_probes(ctx, &ids, &Self::options(purpose)) {
            match keys.iter_mut().find(|k| k.hash == hash) {
                Some(k) => k.via_parent &= via_parent,
                None => keys.push(EnrollmentKey { hash, via_parent }),
            }
        }
        keys
    }
}
