//! Phone numbers in E.164 form (`+14155552671`), parsed and validated by the `phonenumber`
//! crate (Google's libphonenumber metadata).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    #[error(
        "the phone number could not be read: {0} (write it with its country code, like +14155552671)"
    )]
    Unparsable(String),
    #[error("'{0}' is not a valid phone number for its country")]
    Invalid(String),
    #[error("unknown default region '{0}'")]
    UnknownRegion(String),
}

/// A phone number in E.164 form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number written with its country code (`+44 20 7946 0958`).
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        Self::parse_with_region(raw, None)
    }

    /// Parses a number; national numbers are read in `region` (ISO 3166 alpha-2) when given.
    pub fn parse_with_region(raw: &str, region: Option<&str>) -> Result<Self, PhoneError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let country = match region {
            Some(r) => Some(
                r.to_ascii_uppercase()
                    .parse::<phonenumber::country::Id>()
                    .map_err(|_| PhoneError::UnknownRegion(r.to_string()))?,
            ),
            None => None,
        };
        let n =
            phonenumber::parse(country, s).map_err(|e| PhoneError::Unparsable(e.to_string()))?;
        if !phonenumber::is_valid(&n) {
            return Err(PhoneError::Invalid(s.to_string()));
        }
        Ok(Self(n.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert_eq!(
            PhoneNumber::parse(" +1 (415) 555-2671 ").unwrap().as_str(),
            "+14155552671"
        );
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            PhoneNumber::parse_with_region("030 123456", Some("de"))
                .unwrap()
                .as_str(),
            "+4930123456"
        );
    }

    #[test]
    fn refuses() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        assert!(PhoneNumber::parse("hello").is_err());
        assert!(PhoneNumber::parse("+1 000").is_err());
        assert!(matches!(
            PhoneNumber::parse_with_region("1234", Some("zz")),
            Err(PhoneError::UnknownRegion(_))
        ));
    }
}
