//! Contacts (leads): the people a tenant's reps may reach. A contact's identity is its
//! normalised e-mail addresses — never the id of the system it came from — so a re-import,
//! an enrichment refresh or a provider re-sync updates the same contact instead of creating
//! a second one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::actor::Actor;
use crate::email::EmailAddress;
use crate::id::{ContactId, ImportId, TenantId};

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub tenant_id: TenantId,
    /// Normalised addresses, the primary first; each belongs to one contact of the tenant.
    pub emails: Vec<EmailAddress>,
    /// E.164.
    pub phone: Option<String>,
    pub name: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    /// The rep or team that owns the contact, as the source system names it.
    pub owner: Option<String>,
    /// The id the contact has in the system it came from (informational, never identity).
    pub source_id: Option<String>,
    /// Columns without a field of their own.
    pub custom: BTreeMap<String, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    pub created_by: Actor,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: Timestamp,
    pub updated_by: Actor,
    /// The import that last created or updated the contact.
    pub last_import: Option<ImportId>,
}

/// The values one source (an import row, an API call) has for a contact. Empty fields say
/// nothing: they never clear what a contact already has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactData {
    pub emails: Vec<EmailAddress>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub owner: Option<String>,
    pub source_id: Option<String>,
    pub custom: Vec<(String, String)>,
}

impl Contact {
    /// A new contact from `data` (which must carry at least one address).
    pub fn create(
        tenant_id: TenantId,
        data: ContactData,
        actor: &Actor,
        at: Timestamp,
        import: Option<ImportId>,
    ) -> Self {
        let mut emails = Vec::with_capacity(data.emails.len());
        for e in data.emails {
            if !emails.contains(&e) {
                emails.push(e);
            }
        }
        Self {
            id: ContactId::new(),
            tenant_id,
            emails,
            phone: data.phone,
            name: data.name,
            company_id: data.company_id,
            company_name: data.company_name,
            owner: data.owner,
            source_id: data.source_id,
            custom: data.custom.into_iter().collect(),
            created_at: at,
            created_by: actor.clone(),
            updated_at: at,
            updated_by: actor.clone(),
            last_import: import,
        }
    }

    /// Merges `data` into the contact: new addresses are added after the existing ones,
    /// non-empty values replace the stored ones, custom fields are merged. Returns whether
    /// anything changed; the update stamp moves only then (the import stamp always does).
    pub fn merge(
        &mut self,
        data: &ContactData,
        actor: &Actor,
        at: Timestamp,
        import: Option<ImportId>,
    ) -> bool {
        let mut changed = false;
        for e in &data.emails {
            if !self.emails.contains(e) {
                self.emails.push(e.clone());
                changed = true;
            }
        }
        fn set(slot: &mut Option<String>, v: &Option<String>, changed: &mut bool) {
            if let Some(v) = v
                && !v.is_empty()
                && slot.as_deref() != Some(v.as_str())
            {
                *slot = Some(v.clone());
                *changed = true;
            }
        }
        set(&mut self.phone, &data.phone, &mut changed);
        set(&mut self.name, &data.name, &mut changed);
        set(&mut self.company_id, &data.company_id, &mut changed);
        set(&mut self.company_name, &data.company_name, &mut changed);
        set(&mut self.owner, &data.owner, &mut changed);
        set(&mut self.source_id, &data.source_id, &mut changed);
        for (k, v) in &data.custom {
            if !v.is_empty() && self.custom.get(k) != Some(v) {
                self.custom.insert(k.clone(), v.clone());
                changed = true;
            }
        }
        if changed {
            self.updated_at = at;
            self.updated_by = actor.clone();
        }
        self.last_import = import.or(self.last_import);
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(emails: &[&str]) -> ContactData {
        ContactData {
            emails: emails
                .iter()
                .map(|e| EmailAddress::parse(e).unwrap())
                .collect(),
            name: Some("Ada".into()),
            ..Default::default()
        }
    }

    #[test]
    fn merge_adds_addresses_and_never_clears() {
        let actor = Actor::system("test");
        let t = crate::now();
        let mut c = Contact::create(
            TenantId::new(),
            data(&["a@x.io", "A@x.io"]),
            &actor,
            t,
            None,
        );
        assert_eq!(c.emails.len(), 1);
        let mut d = data(&["a@x.io", "b@x.io"]);
        d.name = None;
        d.phone = Some("+4930123456".into());
        assert!(c.merge(&d, &actor, t, None));
        assert_eq!(c.emails.len(), 2);
        assert_eq!(c.name.as_deref(), Some("Ada"));
        assert!(
            !c.merge(&d, &actor, t, None),
            "same data twice changes nothing"
        );
    }
}
