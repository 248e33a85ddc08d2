//! E-mail addresses. The only way to get an [`EmailAddress`] is [`EmailAddress::parse`], so a
//! value of this type is always normalised: trimmed, lower-cased, domain in IDNA ASCII form.
//!
//! Written by hand rather than with the `email_address` crate: that crate accepts quoted local
//! parts, IP literals and dot-less domains, none of which a sales tool can deliver to, and it
//! does not normalise. This parser validates and normalises in one pass, which matters on the
//! check hot path (a million addresses per batch). Two different addresses are never folded
//! into one: no dot- or plus-removal.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{DomainError, normalize_domain};

/// Why an address was refused; the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("the address is empty")]
    Empty,
    #[error("the address has no '@'")]
    MissingAt,
    #[error("the address has more than one '@'")]
    MultipleAt,
    #[error("the part before '@' is empty")]
    EmptyLocalPart,
    #[error("the part before '@' is longer than 64 bytes")]
    LocalPartTooLong,
    #[error("the address is longer than 254 bytes")]
    TooLong,
    #[error("the part before '@' starts or ends with a dot, or has two dots in a row")]
    LocalPartDots,
    #[error(
        "the part before '@' contains '{0}', which is not allowed (quoted local parts are not accepted)"
    )]
    LocalPartChar(char),
    #[error("the part after '@' is empty")]
    EmptyDomain,
    #[error("invalid domain: {0}")]
    Domain(#[from] DomainError),
}

/// A normalised e-mail address.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress {
    addr: String,
    at: usize,
}

impl EmailAddress {
    /// Trims, lower-cases, converts the domain to IDNA ASCII form and validates.
    pub fn parse(raw: &str) -> Result<Self, AddressError> {
        let s = raw.trim();
        if s.is_ascii()
            && let Some(r) = Self::parse_plain_ascii(s)
        {
            return r;
        }
        Self::parse_general(s)
    }

    /// The common case on the check hot path — an ASCII address whose domain needs no IDNA
    /// processing — with one allocation. `None` hands anything else to the general path, which
    /// gives the same result for every input (property-tested below).
    fn parse_plain_ascii(s: &str) -> Option<Result<Self, AddressError>> {
        let at = s.rfind('@')?;
        let (local, dom) = (&s[..at], &s[at + 1..]);
        if local.is_empty()
            || local.contains('@')
            || dom.is_empty()
            || dom.starts_with(|c: char| c.is_ascii_whitespace() || c == '[')
            || dom.ends_with(|c: char| c.is_ascii_whitespace() || c == '.')
        {
            return None;
        }
        let addr = s.to_ascii_lowercase();
        // Punycode labels need IDNA validation: the general path does it.
        if addr[at + 1..].contains("xn--") {
            return None;
        }
        Some((|| {
            validate_local(&addr[..at])?;
            crate::domain::validate_ascii_domain(&addr[at + 1..])?;
            if addr.len() > 254 {
                return Err(AddressError::TooLong);
            }
            Ok(Self { addr, at })
        })())
    }

    fn parse_general(s: &str) -> Result<Self, AddressError> {
        if s.is_empty() {
            return Err(AddressError::Empty);
        }
        let at = s.rfind('@').ok_or(AddressError::MissingAt)?;
        let (local_raw, domain_raw) = (&s[..at], &s[at + 1..]);
        if local_raw.contains('@') {
            return Err(AddressError::MultipleAt);
        }
        if local_raw.is_empty() {
            return Err(AddressError::EmptyLocalPart);
        }
        if domain_raw.trim().is_empty() {
            return Err(AddressError::EmptyDomain);
        }
        let local = if local_raw.is_ascii() {
            local_raw.to_ascii_lowercase()
        } else {
            local_raw.to_lowercase()
        };
        validate_local(&local)?;
        let domain = normalize_domain(domain_raw)?;
        let mut addr = local;
        let at = addr.len();
        addr.push('@');
        addr.push_str(&domain);
        if addr.len() > 254 {
            return Err(AddressError::TooLong);
        }
        Ok(Self { addr, at })
    }

    pub fn as_str(&self) -> &str {
        &self.addr
    }

    pub fn local_part(&self) -> &str {
        &self.addr[..self.at]
    }

    pub fn domain(&self) -> &str {
        &self.addr[self.at + 1..]
    }
}

/// RFC 5322 dot-atom with RFC 6531 UTF-8 allowed.
fn validate_local(local: &str) -> Result<(), AddressError> {
    if local.len() > 64 {
        return Err(AddressError::LocalPartTooLong);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(AddressError::LocalPartDots);
    }
    for c in local.chars() {
        let ok = c.is_ascii_alphanumeric()
            || matches!(
                c,
                '.' | '!'
                    | '#'
                    | '$'
                    | '%'
                    | '&'
                    | '\''
                    | '*'
                    | '+'
                    | '-'
                    | '/'
                    | '='
                    | '?'
                    | '^'
                    | '_'
                    | '`'
                    | '{'
                    | '|'
                    | '}'
                    | '~'
            )
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace());
        if !ok {
            return Err(AddressError::LocalPartChar(c));
        }
    }
    Ok(())
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.addr)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.addr)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = AddressError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises() {
        let a = EmailAddress::parse("  Jane.Doe+News@Example.COM \t").unwrap();
        assert_eq!(a.as_str(), "jane.doe+news@example.com");
        assert_eq!(a.local_part(), "jane.doe+news");
        assert_eq!(a.domain(), "example.com");
        let u = EmailAddress::parse("JÖRG@Bücher.DE").unwrap();
        assert_eq!(u.as_str(), "jörg@xn--bcher-kva.de");
    }

    #[test]
    fn never_folds_dots_or_plus() {
        let a = EmailAddress::parse("j.doe@gmail.com").unwrap();
        let b = EmailAddress::parse("jdoe@gmail.com").unwrap();
        let c = EmailAddress::parse("jdoe+x@gmail.com").unwrap();
        assert_ne!(a, b);
        assert_ne!(b, c);
    }

    #[test]
    fn rejects_with_reason() {
        assert_eq!(EmailAddress::parse(" "), Err(AddressError::Empty));
        assert_eq!(EmailAddress::parse("jane"), Err(AddressError::MissingAt));
        assert_eq!(
            EmailAddress::parse("a@b@c.com"),
            Err(AddressError::MultipleAt)
        );
        assert_eq!(
            EmailAddress::parse("@c.com"),
            Err(AddressError::EmptyLocalPart)
        );
        assert_eq!(EmailAddress::parse("a@"), Err(AddressError::EmptyDomain));
        assert_eq!(
            EmailAddress::parse(".a@c.com"),
            Err(AddressError::LocalPartDots)
        );
        assert_eq!(
            EmailAddress::parse("a b@c.com"),
            Err(AddressError::LocalPartChar(' '))
        );
        assert_eq!(
            EmailAddress::parse("\"a\"@c.com"),
            Err(AddressError::LocalPartChar('"'))
        );
        assert_eq!(
            EmailAddress::parse("a@localhost"),
            Err(AddressError::Domain(DomainError::SingleLabel))
        );
        let long = format!("{}@c.com", "a".repeat(65));
        assert_eq!(
            EmailAddress::parse(&long),
            Err(AddressError::LocalPartTooLong)
        );
        assert!(
            EmailAddress::parse("a@exa mple.com")
                .unwrap_err()
                .to_string()
                .contains("' '")
        );
    }

    fn local() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9][a-zA-Z0-9._+-]{0,20}[a-zA-Z0-9]"
            .prop_filter("no double dots", |s| !s.contains(".."))
    }
    fn domain() -> impl Strategy<Value = String> {
        "[a-zA-Z][a-zA-Z0-9]{0,10}(\\.[a-zA-Z][a-zA-Z0-9]{0,10}){1,3}"
    }

    proptest! {
        #[test]
        fn case_and_whitespace_never_change_identity(l in local(), d in domain(),
            pre in "[ \t]{0,3}", post in "[ \t\r\n]{0,3}") {
            let plain = EmailAddress::parse(&format!("{l}@{d}")).unwrap();
            let noisy = EmailAddress::parse(&format!("{pre}{}@{}{post}", l.to_uppercase(), d.to_uppercase())).unwrap();
            prop_assert_eq!(&plain, &noisy);
            prop_assert_eq!(plain.as_str(), format!("{l}@{d}").to_lowercase());
        }

        #[test]
        fn normalisation_is_idempotent(l in local(), d in domain()) {
            let a = EmailAddress::parse(&format!("{l}@{d}")).unwrap();
            let b = EmailAddress::parse(a.as_str()).unwrap();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn distinct_local_parts_stay_distinct(l1 in local(), l2 in local(), d in domain()) {
            prop_assume!(l1.to_lowercase() != l2.to_lowercase());
            let a = EmailAddress::parse(&format!("{l1}@{d}")).unwrap();
            let b = EmailAddress::parse(&format!("{l2}@{d}")).unwrap();
            prop_assert_ne!(a, b);
        }

        #[test]
        fn unicode_domains_match_their_punycode(l in local(), label in "[a-zäöüéñ]{1,8}[äöüéñ][a-z]{0,4}") {
            let u = EmailAddress::parse(&format!("{l}@{label}.de")).unwrap();
            let ascii = idna::domain_to_ascii(&format!("{label}.de")).unwrap();
            let p = EmailAddress::parse(&format!("{l}@{}", ascii.to_uppercase())).unwrap();
            prop_assert_eq!(u, p);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,80}") {
            let _ = EmailAddress::parse(&s);
        }

        #[test]
        fn fast_path_agrees_with_general_path(s in "[ \\t]{0,2}[a-zA-Z0-9.@+\\-_\\[\\] ]{0,30}(xn--)?[a-zA-Z0-9.\\- ]{0,12}[ \\t.]{0,2}") {
            let t = s.trim();
            if let Some(fast) = EmailAddress::parse_plain_ascii(t) {
                prop_assert_eq!(fast, EmailAddress::parse_general(t));
            }
        }
    }
}
