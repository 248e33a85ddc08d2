//! What a suppression is keyed on, and what a check probes.
//!
//! An [`Identifier`] is always normalised (built only from the parsers of its kind). Its
//! [`IdentifierKind`] decides the entry's scope kind: e-mail addresses and phone numbers are
//! `address` scope, the others are scopes of their own.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{self, DomainError, DomainName};
use crate::email::{AddressError, EmailAddress};
use crate::phone::{PhoneError, PhoneNumber};

/// The kind of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// An e-mail address.
    Email,
    /// A phone number in E.164.
    Phone,
    /// A domain (and optionally its subdomains).
    Domain,
    /// A company / account id from the CRM.
    CompanyId,
    /// A contact id from the CRM.
    ContactId,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 5] = [
        Self::Email,
        Self::Phone,
        Self::Domain,
        Self::CompanyId,
        Self::ContactId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Domain => "domain",
            Self::CompanyId => "company_id",
            Self::ContactId => "contact_id",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The scope kind of an entry keyed on this kind of identifier.
    pub fn scope(self) -> Scope {
        match self {
            Self::Email | Self::Phone => Scope::Address,
            Self::Domain => Scope::Domain,
            Self::CompanyId => Scope::Company,
            Self::ContactId => Scope::Contact,
        }
    }

    /// The channel an identifier of this kind is contacted on, if it has one.
    pub fn natural_channel(self) -> Option<crate::suppression::Channel> {
        match self {
            Self::Email | Self::Domain => Some(crate::suppression::Channel::Email),
            Self::Phone => Some(crate::suppression::Channel::Phone),
            Self::CompanyId | Self::ContactId => None,
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scope kind of a suppression entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One address (e-mail or phone).
    Address,
    /// Every address at a domain.
    Domain,
    /// Every contact of a company.
    Company,
    /// One CRM contact, whatever its addresses.
    Contact,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::Domain => "domain",
            Self::Company => "company",
            Self::Contact => "contact",
        }
    }
}

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("email: {0}")]
    Email(#[from] AddressError),
    #[error("phone: {0}")]
    Phone(#[from] PhoneError),
    #[error("domain: {0}")]
    Domain(#[from] DomainError),
    #[error("{0}: the id is empty")]
    EmptyId(IdentifierKind),
    #[error("{0}: the id is longer than 256 characters")]
    IdTooLong(IdentifierKind),
    #[error("{0}: the id contains control characters")]
    IdControl(IdentifierKind),
    #[error("no identifier given: use one of email, phone, domain, company_id, contact_id")]
    Missing,
}

impl IdentifierError {
    /// The input field the problem is in.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Email(_) => "email",
            Self::Phone(_) => "phone",
            Self::Domain(_) => "domain",
            Self::EmptyId(k) | Self::IdTooLong(k) | Self::IdControl(k) => k.as_str(),
            Self::Missing => "identifier",
        }
    }
}

/// A normalised identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identifier {
    Email(EmailAddress),
    Phone(PhoneNumber),
    Domain(DomainName),
    CompanyId(String),
    ContactId(String),
}

impl Identifier {
    /// Parses raw input of the given kind.
    pub fn parse(kind: IdentifierKind, raw: &str) -> Result<Self, IdentifierError> {
        Ok(match kind {
            IdentifierKind::Email => Self::Email(EmailAddress::parse(raw)?),
            IdentifierKind::Phone => Self::Phone(PhoneNumber::parse(raw)?),
            IdentifierKind::Domain => Self::Domain(DomainName::parse(raw)?),
            IdentifierKind::CompanyId => Self::CompanyId(parse_id(kind, raw)?),
            IdentifierKind::ContactId => Self::ContactId(parse_id(kind, raw)?),
        })
    }

    pub fn kind(&self) -> IdentifierKind {
        match self {
            Self::Email(_) => IdentifierKind::Email,
            Self::Phone(_) => IdentifierKind::Phone,
            Self::Domain(_) => IdentifierKind::Domain,
            Self::CompanyId(_) => IdentifierKind::CompanyId,
            Self::ContactId(_) => IdentifierKind::ContactId,
        }
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        match self {
            Self::Email(e) => e.as_str(),
            Self::Phone(p) => p.as_str(),
            Self::Domain(d) => d.as_str(),
            Self::CompanyId(s) | Self::ContactId(s) => s,
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.value())
    }
}

/// CRM ids are opaque and case-sensitive (Salesforce ids differ only by case): trim only.
fn parse_id(kind: IdentifierKind, raw: &str) -> Result<String, IdentifierError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(IdentifierError::EmptyId(kind));
    }
    if s.chars().count() > 256 {
        return Err(IdentifierError::IdTooLong(kind));
    }
    if s.chars().any(char::is_control) {
        return Err(IdentifierError::IdControl(kind));
    }
    Ok(s.to_string())
}

/// One key a check looks up for an input: the identifier and whether a domain entry found
/// through it must also cover subdomains (it is a parent of the checked domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub kind: IdentifierKind,
    /// Normalised value, as it is hashed.
    pub value: String,
    /// `true` when this probe is a parent domain of what was checked.
    pub via_parent: bool,
}

/// The keys a check of `id` looks up: the identifier itself and, for addresses and domains,
/// the domain and every parent domain.
pub fn probes(id: &Identifier) -> Vec<Probe> {
    let mut out = vec![Probe {
        kind: id.kind(),
        value: id.value().to_string(),
        via_parent: false,
    }];
    let dom = match id {
        Identifier::Email(e) => Some((e.domain(), false)),
        Identifier::Domain(d) => Some((d.as_str(), true)),
        _ => None,
    };
    if let Some((d, skip_first)) = dom {
        for (i, p) in domain::self_and_parents(d).enumerate() {
            if skip_first && i == 0 {
                continue;
            }
            out.push(Probe {
                kind: IdentifierKind::Domain,
                value: p.to_string(),
                via_parent: i > 0,
            });
        }
    }
    out
}

/// Raw identifier input as the API and CLI take it: one or more of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifierInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
}

impl IdentifierInput {
    pub fn of(kind: IdentifierKind, raw: impl Into<String>) -> Self {
        let mut me = Self::default();
        let v = Some(raw.into());
        match kind {
            IdentifierKind::Email => me.email = v,
            IdentifierKind::Phone => me.phone = v,
            IdentifierKind::Domain => me.domain = v,
            IdentifierKind::CompanyId => me.company_id = v,
            IdentifierKind::ContactId => me.contact_id = v,
        }
        me
    }

    /// The fields present, in a fixed order.
    pub fn fields(&self) -> impl Iterator<Item = (IdentifierKind, &str)> {
        [
            (IdentifierKind::Email, &self.email),
            (IdentifierKind::Phone, &self.phone),
            (IdentifierKind::Domain, &self.domain),
            (IdentifierKind::ContactId, &self.contact_id),
            (IdentifierKind::CompanyId, &self.company_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    /// Parses every field present; the first error wins. At least one field is required.
    pub fn parse_all(&self) -> Result<Vec<Identifier>, IdentifierError> {
        let out = self
            .fields()
            .map(|(k, v)| Identifier::parse(k, v))
            .collect::<Result<Vec<_>, _>>()?;
        if out.is_empty() {
            return Err(IdentifierError::Missing);
        }
        Ok(out)
    }

    /// Parses exactly one identifier (suppressions are keyed on one).
    pub fn parse_one(&self) -> Result<Identifier, IdentifierError> {
        self.fields()
            .next()
            .map(|(k, v)| Identifier::parse(k, v))
            .unwrap_or(Err(IdentifierError::Missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_probes_domain_and_parents() {
        let id = Identifier::parse(IdentifierKind::Email, "A@Mail.Example.com").unwrap();
        let p = probes(&id);
        let v: Vec<_> = p
            .iter()
            .map(|p| (p.kind, p.value.as_str(), p.via_parent))
            .collect();
        assert_eq!(
            v,
            [
                (IdentifierKind::Email, "a@mail.example.com", false),
                (IdentifierKind::Domain, "mail.example.com", false),
                (IdentifierKind::Domain, "example.com", true),
            ]
        );
    }

    #[test]
    fn ids_are_trimmed_not_folded() {
        let a = Identifier::parse(IdentifierKind::CompanyId, " 001Ab ").unwrap();
        assert_eq!(a.value(), "001Ab");
        assert!(Identifier::parse(IdentifierKind::ContactId, "  ").is_err());
    }

    #[test]
    fn input_json_shape() {
        let i: IdentifierInput = serde_json::from_str(r#"{"email":"x@y.com"}"#).unwrap();
        assert_eq!(i.parse_one().unwrap().value(), "x@y.com");
        let e = IdentifierInput::default().parse_one().unwrap_err();
        assert_eq!(e.field(), "identifier");
    }
}
