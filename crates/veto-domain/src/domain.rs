//! Domain names: trimmed, lower-cased, IDNA ASCII (A-label) form, validated label by label.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a domain name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the domain is empty")]
    Empty,
    #[error("the domain must have at least two labels (like example.com)")]
    SingleLabel,
    #[error("the domain is longer than 253 characters")]
    TooLong,
    #[error("the domain has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel,
    #[error("the domain label '{0}' is longer than 63 characters")]
    LabelTooLong(String),
    #[error("the domain label '{0}' starts or ends with a hyphen")]
    HyphenEdge(String),
    #[error("the domain contains the character '{0}', which is not allowed in a host name")]
    BadChar(char),
    #[error("the domain is not a valid internationalised name: {0}")]
    Idna(String),
    #[error("IP address literals are not accepted as domains")]
    IpLiteral,
}

/// A normalised domain name (ASCII, lower case, no trailing dot).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    /// Trims, lower-cases, converts to IDNA ASCII form and validates.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        normalize_domain(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This domain and every parent with at least two labels, most specific first:
    /// `a.b.example.com` → `a.b.example.com`, `b.example.com`, `example.com`.
    pub fn self_and_parents(&self) -> impl Iterator<Item = &str> {
        self_and_parents(&self.0)
    }
}

/// Parent-walk over an already-normalised domain (see [`DomainName::self_and_parents`]).
pub fn self_and_parents(domain: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(domain);
    std::iter::from_fn(move || {
        let cur = next?;
        next = cur
            .find('.')
            .map(|i| &cur[i + 1..])
            .filter(|rest| rest.contains('.'));
        Some(cur)
    })
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DomainName({})", self.0)
    }
}

impl TryFrom<String> for DomainName {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DomainName> for String {
    fn from(value: DomainName) -> Self {
        value.0
    }
}

/// Normalises a domain. ASCII input takes a fast path (lower-casing and label checks only);
/// anything else goes through UTS #46 processing of the `idna` crate.
pub fn normalize_domain(raw: &str) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err(DomainError::Empty);
    }
    if trimmed.starts_with('[') {
        return Err(DomainError::IpLiteral);
    }
    let ascii = if trimmed.is_ascii() {
        let lower = trimmed.to_ascii_lowercase();
        if lower.split('.').any(|l| l.starts_with("xn--")) {
            // Punycode labels must decode to valid IDNA; round-trip them through the crate.
            idna::domain_to_ascii_strict(&lower).map_err(|e| DomainError::Idna(format!("{e:?}")))?
        } else {
            lower
        }
    } else {
        // Full-width dots and other separators are mapped by UTS #46.
        idna::domain_to_ascii_strict(trimmed).map_err(|e| DomainError::Idna(format!("{e:?}")))?
    };
    validate_ascii_domain(&ascii)?;
    Ok(ascii)
}

/// Validates an already lower-case ASCII domain (no IDNA processing).
pub(crate) fn validate_ascii_domain(d: &str) -> Result<(), DomainError> {
    if d.is_empty() {
        return Err(DomainError::Empty);
    }
    if d.len() > 253 {
        return Err(DomainError::TooLong);
    }
    let mut labels = 0;
    let mut all_numeric = true;
    for label in d.split('.') {
        labels += 1;
        if label.is_empty() {
            return Err(DomainError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(DomainError::LabelTooLong(label.to_string()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::HyphenEdge(label.to_string()));
        }
        let mut numeric = true;
        for b in label.bytes() {
            if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
                let c = label[label.bytes().position(|x| x == b).unwrap_or(0)..]
                    .chars()
                    .next()
                    .unwrap_or('?');
                return Err(DomainError::BadChar(c));
            }
            numeric &= b.is_ascii_digit();
        }
        all_numeric &= numeric;
    }
    if labels < 2 {
        return Err(DomainError::SingleLabel);
    }
    if all_numeric {
        return Err(DomainError::IpLiteral);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_space_dot_and_unicode() {
        assert_eq!(
            DomainName::parse("  Example.COM. ").unwrap().as_str(),
            "example.com"
        );
        assert_eq!(
            DomainName::parse("bücher.de").unwrap().as_str(),
            "xn--bcher-kva.de"
        );
        assert_eq!(
            DomainName::parse("XN--BCHER-KVA.de").unwrap().as_str(),
            "xn--bcher-kva.de"
        );
        assert_eq!(
            DomainName::parse("пример.рф").unwrap().as_str(),
            "xn--e1afmkfd.xn--p1ai"
        );
    }

    #[test]
    fn rejects_bad_domains() {
        assert_eq!(DomainName::parse(""), Err(DomainError::Empty));
        assert_eq!(
            DomainName::parse("localhost"),
            Err(DomainError::SingleLabel)
        );
        assert_eq!(DomainName::parse("a..com"), Err(DomainError::EmptyLabel));
        assert_eq!(
            DomainName::parse("-a.com"),
            Err(DomainError::HyphenEdge("-a".into()))
        );
        assert_eq!(DomainName::parse("a b.com"), Err(DomainError::BadChar(' ')));
        assert_eq!(DomainName::parse("1.2.3.4"), Err(DomainError::IpLiteral));
        assert_eq!(DomainName::parse("[1.2.3.4]"), Err(DomainError::IpLiteral));
    }

    #[test]
    fn parents_stop_at_two_labels() {
        let d = DomainName::parse("a.b.example.com").unwrap();
        let v: Vec<_> = d.self_and_parents().collect();
        assert_eq!(v, ["a.b.example.com", "b.example.com", "example.com"]);
    }
}
