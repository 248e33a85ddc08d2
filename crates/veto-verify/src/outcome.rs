//! The result of verifying one address.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How an address fared. Ordered: a worse verdict compares greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No check found anything.
    Deliverable,
    /// Kept, but flagged: a role mailbox, a disposable-mail domain, or DNS could not answer.
    Risky,
    /// Mail cannot reach this address; the row is rejected with the reasons.
    Undeliverable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deliverable => "deliverable",
            Self::Risky => "risky",
            Self::Undeliverable => "undeliverable",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check found. The serialised names are stable API codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// The address does not parse.
    Syntax,
    /// The domain exists but has neither MX nor A/AAAA records.
    NoMx,
    /// The domain publishes a null MX (RFC 7505): it accepts no mail.
    NullMx,
    /// The domain does not exist.
    Nxdomain,
    /// DNS could not answer (SERVFAIL, timeout, unreachable server).
    DnsUnavailable,
    /// The local part is a role mailbox.
    RoleAccount,
    /// The domain is a disposable-mail domain.
    Disposable,
}

impl FindingCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::NoMx => "no_mx",
            Self::NullMx => "null_mx",
            Self::Nxdomain => "nxdomain",
            Self::DnsUnavailable => "dns_unavailable",
            Self::RoleAccount => "role_account",
            Self::Disposable => "disposable",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason behind a verdict: a stable code and a sentence for people
/// ("example.invalid does not accept mail: it publishes a null MX (RFC 7505)").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    pub code: FindingCode,
    pub message: Arc<str>,
}

impl Finding {
    pub fn new(code: FindingCode, message: impl Into<Arc<str>>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The outcome for one address: the verdict and every finding behind it, in check order
/// (syntax, mail domain, role account, disposable). Deliverable addresses have no findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Verification {
    pub verdict: Verdict,
    pub reasons: Vec<Finding>,
}

impl Verification {
    /// Deliverable, no findings.
    pub const DELIVERABLE: Self = Self {
        verdict: Verdict::Deliverable,
        reasons: Vec::new(),
    };

    pub fn has(&self, code: FindingCode) -> bool {
        self.reasons.iter().any(|f| f.code == code)
    }

    /// The finding codes, in order.
    pub fn codes(&self) -> impl Iterator<Item = FindingCode> + '_ {
        self.reasons.iter().map(|f| f.code)
    }

    /// All sentences joined with "; " (for a CSV column or a log line).
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for (i, f) in self.reasons.iter().enumerate() {
            if i > 0 {
                s.push_str("; ");
            }
            s.push_str(&f.message);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_stable() {
        let v = Verification {
            verdict: Verdict::Undeliverable,
            reasons: vec![Finding::new(FindingCode::NullMx, "x does not accept mail")],
        };
        let j = serde_json::to_string(&v).unwrap();
        assert_eq!(
            j,
            r#"{"verdict":"undeliverable","reasons":[{"code":"null_mx","message":"x does not accept mail"}]}"#
        );
        assert_eq!(serde_json::from_str::<Verification>(&j).unwrap(), v);
        for c in [
            FindingCode::Syntax,
            FindingCode::NoMx,
            FindingCode::NullMx,
            FindingCode::Nxdomain,
            FindingCode::DnsUnavailable,
            FindingCode::RoleAccount,
            FindingCode::Disposable,
        ] {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
        }
        assert!(Verdict::Undeliverable > Verdict::Risky && Verdict::Risky > Verdict::Deliverable);
    }
}
