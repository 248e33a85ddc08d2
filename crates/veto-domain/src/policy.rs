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
    /// What bounces do.
    #[serde(default)]
    pub bounces: BouncePolicy,
    /// What replies that are not stop requests do.
    #[serde(default)]
    pub replies: ReplyPolicy,
    /// Rules at the send gate: frequency cap, colleagues of a refusing contact, out-of-office.
    #[serde(default)]
    pub sending: SendingPolicy,
}

/// What a refusal from one contact does to the other contacts of the same company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyRule {
    /// Nothing: colleagues keep their sequences.
    None,
    /// Their pending enrolments are paused (a rep decides what next).
    Pause,
    /// The company is suppressed (a company entry with the refusal as evidence): every
    /// colleague's pending step is cancelled and none can be enrolled again.
    Suppress,
}

/// At most `max` messages to one contact in any `days` days, across every sequence and
/// mailbox (and the relay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencyCap {
    pub max: u32,
    pub days: u32,
}

/// The tenant's rules at the send gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SendingPolicy {
    /// None by default.
    pub frequency_cap: Option<FrequencyCap>,
    /// What a stop request, unsubscribe or "not interested" reply of one contact does to the
    /// other contacts of its company (same company id).
    pub company_on_refusal: CompanyRule,
    /// Days an out-of-office reply without a return date postpones the next step.
    pub out_of_office_days: u32,
}

impl Default for SendingPolicy {
    fn default() -> Self {
        Self {
            frequency_cap: None,
            company_on_refusal: CompanyRule::None,
            out_of_office_days: 7,
        }
    }
}

/// The bounce policy. A hard bounce always blocks the address (a deliverability block, not an
/// opt-out); soft bounces block it after `soft_limit` consecutive ones spanning at least
/// `soft_days` days. A delivery or a reply from the address starts the count again;
/// auto-replies never count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BouncePolicy {
    pub soft_limit: u32,
    pub soft_days: u32,
}

impl Default for BouncePolicy {
    fn default() -> Self {
        Self {
            soft_limit: 3,
            soft_days: 15,
        }
    }
}

/// What a reply of a class does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyAction {
    /// Suppress the sender.
    Suppress,
    /// Record the reply, change nothing.
    Ignore,
}

/// What "not interested" and "wrong person" replies do (stop requests always suppress).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplyPolicy {
    pub not_interested: ReplyAction,
    pub wrong_person: ReplyAction,
}

impl Default for ReplyPolicy {
    fn default() -> Self {
        Self {
            not_interested: ReplyAction::Suppress,
            wrong_person: ReplyAction::Suppress,
        }
    }
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
            bounces: BouncePolicy::default(),
            replies: ReplyPolicy::default(),
            sending: SendingPolicy::default(),
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
    #[error("bounces.soft_limit: must be between 1 and 1000, not {0}")]
    SoftLimit(u32),
    #[error("bounces.soft_days: must be at most 3650, not {0}")]
    SoftDays(u32),
    #[error("sending.frequency_cap: max must be at least 1 and days between 1 and 365")]
    FrequencyCap,
    #[error("sending.out_of_office_days: must be between 1 and 365, not {0}")]
    OutOfOfficeDays(u32),
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
        if !(1..=1000).contains(&self.bounces.soft_limit) {
            return Err(PolicyError::SoftLimit(self.bounces.soft_limit));
        }
        if self.bounces.soft_days > 3650 {
            return Err(PolicyError::SoftDays(self.bounces.soft_days));
        }
        if let Some(c) = self.sending.frequency_cap
            && (c.max == 0 || !(1..=365).contains(&c.days))
        {
            return Err(PolicyError::FrequencyCap);
        }
        if !(1..=365).contains(&self.sending.out_of_office_days) {
            return Err(PolicyError::OutOfOfficeDays(
                self.sending.out_of_office_days,
            ));
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
        assert_eq!(p.bounces, BouncePolicy::default());
        let p: TenantPolicy = serde_json::from_str(
            r#"{"bounces":{"soft_limit":5},"replies":{"wrong_person":"ignore"}}"#,
        )
        .unwrap();
        assert_eq!(p.bounces.soft_limit, 5);
        assert_eq!(p.bounces.soft_days, 15);
        assert_eq!(p.replies.wrong_person, ReplyAction::Ignore);
        assert_eq!(p.replies.not_interested, ReplyAction::Suppress);
        let mut bad = p.clone();
        bad.bounces.soft_limit = 0;
        assert_eq!(bad.validate(), Err(PolicyError::SoftLimit(0)));
    }
}
