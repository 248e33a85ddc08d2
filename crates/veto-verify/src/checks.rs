//! Which checks run: the switches a tenant's policy carries.

use serde::{Deserialize, Serialize};

/// The verification switches. Every check is on by default; a missing field in stored JSON
/// means "on", so adding a check later keeps old policies checking everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerifyChecks {
    /// Report addresses that do not parse (`syntax`, undeliverable). Off: such rows are
    /// flagged risky instead of rejected, since nothing else can be checked on them.
    pub syntax: bool,
    /// Ask DNS whether the domain accepts mail: MX, else A/AAAA (implicit MX, RFC 5321 §5.1);
    /// a null MX (RFC 7505), a domain with no route and a non-existent domain are
    /// undeliverable; a failed lookup is risky (`dns_unavailable`).
    pub mail_domain: bool,
    /// Flag role mailboxes (local part in the tenant's list, `+tag` ignored) as risky.
    pub role_account: bool,
    /// Flag addresses at disposable-mail domains (and their subdomains).
    pub disposable: bool,
    /// Treat disposable-mail domains as undeliverable instead of risky. Off by default: a
    /// disposable address still reaches someone today, so it is flagged, not dropped.
    pub disposable_undeliverable: bool,
}

impl Default for VerifyChecks {
    fn default() -> Self {
        Self {
            syntax: true,
            mail_domain: true,
            role_account: true,
            disposable: true,
            disposable_undeliverable: false,
        }
    }
}

impl VerifyChecks {
    /// Every check off: every parsed address is deliverable.
    pub const NONE: Self = Self {
        syntax: false,
        mail_domain: false,
        role_account: false,
        disposable: false,
        disposable_undeliverable: false,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_mean_on() {
        let c: VerifyChecks = serde_json::from_str("{}").unwrap();
        assert_eq!(c, VerifyChecks::default());
        assert!(c.syntax && c.mail_domain && c.role_account && c.disposable);
        assert!(!c.disposable_undeliverable);
        let c: VerifyChecks = serde_json::from_str(r#"{"mail_domain":false}"#).unwrap();
        assert!(!c.mail_domain && c.role_account);
        assert!(serde_json::from_str::<VerifyChecks>(r#"{"mx":false}"#).is_err());
        let back: VerifyChecks =
            serde_json::from_str(&serde_json::to_string(&VerifyChecks::NONE).unwrap()).unwrap();
        assert_eq!(back, VerifyChecks::NONE);
    }
}
