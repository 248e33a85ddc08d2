//! Tenant policy: the rules ops and admins set for their tenant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::suppression::Reason;

/// A tenant's rules for the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantPolicy {
    /// Days after which entries of a reason expire. Opt-outs may never be given one.
    #[serde(default)]
    pub expiry_days: BTreeMap<Reason, u32>,
    /// Local parts that mark a role mailbox (info, sales, …).
    #[serde(default = "crate::role_account::default_list")]
    pub role_local_parts: Vec<String>,
    /// Store only keyed hashes of identifiers, never the clear value.
    #[serde(default)]
    pub hashed_only: bool,
    /// Address verification in the import gate; every check is on unless switched off.
    #[serde(default)]
    pub verify: VerifySettings,
}

/// Which address checks the import gate runs. Syntax is always checked (an address that
/// does not parse cannot be matched or stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerifySettings {
    /// The domain accepts mail: MX, or A/AAAA without MX; a null MX (RFC 7505) or a domain
    /// that does not exist makes the row invalid.
    pub mail_domain: bool,
    /// Role mailboxes (info@, sales@ …) are flagged.
    pub role_account: bool,
    /// Disposable-mail domains are flagged.
    pub disposable: bool,
}

impl Default for VerifySettings {
    fn default() -> Self {
        Self {
            mail_domain: true,
            role_account: true,
            disposable: true,
        }
    }
}

impl Default for TenantPolicy {
    fn default() -> Self {
        Self {
            expiry_days: BTreeMap::new(),
            role_local_parts: crate::role_account::default_list(),
            hashed_only: false,
            verify: VerifySettings::default(),
        }
    }
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("expiry_days.{0}: {0} is an opt-out and never expires")]
    OptOutExpiry(Reason),
    #[error("expiry_days.{0}: the expiry must be at least one day")]
    ZeroExpiry(Reason),
    #[error("role_local_parts: '{0}' is not a lower-case local part")]
    BadRoleLocalPart(String),
}

impl TenantPolicy {
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (r, d) in &self.expiry_days {
            if r.is_opt_out() {
                return Err(PolicyError::OptOutExpiry(*r));
            }
            if *d == 0 {
                return Err(PolicyError::ZeroExpiry(*r));
            }
        }
        for l in &self.role_local_parts {
            if l.is_empty() || l.contains('@') || l.trim() != l || l.to_lowercase() != *l {
                return Err(PolicyError::BadRoleLocalPart(l.clone()));
            }
        }
        Ok(())
    }

    /// When an entry of `reason` valid from `from` expires, if ever.
    pub fn expiry_for(&self, reason: Reason, from: Timestamp) -> Option<Timestamp> {
        if reason.is_opt_out() {
            return None;
        }
        self.expiry_days
            .get(&reason)
            .map(|d| from + time::Duration::days(i64::from(*d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_outs_never_expire() {
        let mut p = TenantPolicy::default();
        p.expiry_days.insert(Reason::SoftBounceLimit, 90);
        assert!(p.validate().is_ok());
        let t = crate::now();
        assert_eq!(
            p.expiry_for(Reason::SoftBounceLimit, t),
            Some(t + time::Duration::days(90))
        );
        p.expiry_days.insert(Reason::Unsubscribe, 10);
        assert_eq!(
            p.validate(),
            Err(PolicyError::OptOutExpiry(Reason::Unsubscribe))
        );
        assert_eq!(p.expiry_for(Reason::Unsubscribe, t), None);
    }

    #[test]
    fn json_shape() {
        let p: TenantPolicy =
            serde_json::from_str(r#"{"expiry_days":{"soft_bounce_limit":90},"hashed_only":true}"#)
                .unwrap();
        assert!(p.hashed_only);
        assert!(p.role_local_parts.contains(&"info".to_string()));
        assert!(serde_json::from_str::<TenantPolicy>(r#"{"bogus":1}"#).is_err());
    }
}
