//! Suppression entries: what is blocked, for which channel and purposes, why, from where,
//! by whom, and for how long. An entry is never deleted: it ends (lift or expiry) and its
//! history stays.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{EntryId, LiftId, TenantId};
use crate::identifier::{Identifier, IdentifierKind, Scope};
use crate::keyed_hash::IdentHash;

macro_rules! closed_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $($s => Some($name::$v),)+ _ => None }
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                [$($s),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use closed_enum;

closed_enum!(
    /// Why an identifier is suppressed.
    Reason {
        /// Used an unsubscribe link or header.
        Unsubscribe = "unsubscribe",
        /// Asked to stop, in words.
        StopRequest = "stop_request",
        /// Said they are not interested.
        NotInterested = "not_interested",
        /// Reported a message as spam (feedback loop, ESP complaint).
        Complaint = "complaint",
        /// A legal or privacy request.
        LegalRequest = "legal_request",
        /// Not the person the rep was looking for.
        WrongPerson = "wrong_person",
        /// The mailbox does not exist (deliverability block).
        HardBounce = "hard_bounce",
        /// Repeated soft bounces over the policy window (deliverability block).
        SoftBounceLimit = "soft_bounce_limit",
        /// The address cannot receive mail (deliverability block).
        InvalidAddress = "invalid_address",
        /// Added by hand without a more specific reason.
        Manual = "manual",
        /// Carried over from another provider's suppression list.
        Migrated = "migrated",
    }
);

impl Reason {
    /// Opt-outs: the person said no. They never expire.
    pub fn is_opt_out(self) -> bool {
        matches!(
            self,
            Self::Unsubscribe | Self::StopRequest | Self::Complaint | Self::LegalRequest
        )
    }

    /// Deliverability blocks, kept apart from opt-outs in reports.
    pub fn is_deliverability(self) -> bool {
        matches!(
            self,
            Self::HardBounce | Self::SoftBounceLimit | Self::InvalidAddress
        )
    }

    /// Only an admin may lift these.
    pub fn is_protected(self) -> bool {
        matches!(self, Self::Complaint | Self::LegalRequest)
    }

    /// Words a rep reads: "Suppressed: {phrase} on …".
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Unsubscribe => "unsubscribed",
            Self::StopRequest => "asked to stop",
            Self::NotInterested => "said they are not interested",
            Self::Complaint => "complained about a message",
            Self::LegalRequest => "made a legal request",
            Self::WrongPerson => "said they are the wrong person",
            Self::HardBounce => "hard-bounced",
            Self::SoftBounceLimit => "soft-bounced repeatedly",
            Self::InvalidAddress => "address cannot receive mail",
            Self::Manual => "suppressed by hand",
            Self::Migrated => "suppressed at a previous provider",
        }
    }
}

closed_enum!(
    /// Where the signal that created an entry came from.
    SourceChannel {
        Reply = "reply",
        UnsubscribeLink = "unsubscribe_link",
        WebForm = "web_form",
        Call = "call",
        Event = "event",
        SupportTicket = "support_ticket",
        Partner = "partner",
        EspWebhook = "esp_webhook",
        FeedbackLoop = "feedback_loop",
        Bounce = "bounce",
        Import = "import",
        Api = "api",
        Console = "console",
    }
);

closed_enum!(
    /// The channel an entry blocks.
    Channel {
        /// E-mail only.
        Email = "email",
        /// Phone only.
        Phone = "phone",
        /// Every channel.
        All = "all",
    }
);

impl Channel {
    /// Does an entry on `self` block contact on `other`?
    pub fn blocks(self, other: Channel) -> bool {
        self == Channel::All || other == Channel::All || self == other
    }
}

closed_enum!(
    /// Why a message is sent.
    Purpose {
        /// Prospecting and sales follow-up.
        Sales = "sales",
        /// Newsletters and campaigns.
        Marketing = "marketing",
        /// Invoices, receipts, service notices.
        Operational = "operational",
    }
);

/// The purposes an entry blocks, as a bit set. Operational mail is exempt unless the entry
/// says `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Purposes(u8);

impl Purposes {
    pub const SALES: Purposes = Purposes(1);
    pub const MARKETING: Purposes = Purposes(2);
    pub const OPERATIONAL: Purposes = Purposes(4);
    /// The default: sales and marketing.
    pub const DEFAULT: Purposes = Purposes(3);
    pub const ALL: Purposes = Purposes(7);

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn from_bits(b: u8) -> Option<Self> {
        (b != 0 && b & !7 == 0).then_some(Self(b))
    }

    pub fn of(p: Purpose) -> Self {
        match p {
            Purpose::Sales => Self::SALES,
            Purpose::Marketing => Self::MARKETING,
            Purpose::Operational => Self::OPERATIONAL,
        }
    }

    pub fn contains(self, p: Purpose) -> bool {
        self.0 & Self::of(p).0 != 0
    }

    pub fn list(self) -> Vec<Purpose> {
        Purpose::ALL
            .iter()
            .copied()
            .filter(|p| self.contains(*p))
            .collect()
    }

    /// Parses a list like `["sales","marketing"]` or `["all"]`.
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Self, String> {
        let mut bits = 0u8;
        for s in items {
            let s = s.as_ref().trim();
            if s == "all" {
                bits |= 7;
            } else {
                let p = Purpose::parse(s).ok_or_else(|| {
                    format!("unknown purpose '{s}' (use {}, or all)", Purpose::choices())
                })?;
                bits |= Self::of(p).0;
            }
        }
        Self::from_bits(bits).ok_or_else(|| "at least one purpose is required".to_string())
    }
}

impl Default for Purposes {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Serialize for Purposes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if *self == Self::ALL {
            return ["all"].serialize(s);
        }
        self.list().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Purposes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        Self::parse_list(&v).map_err(serde::de::Error::custom)
    }
}

/// How an entry stopped applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// A lift request was approved.
    Lifted,
    /// The tenant policy's expiry for its reason passed.
    Expired,
}

impl EndKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lifted => "lifted",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "lifted" => Some(Self::Lifted),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// The end of an entry's validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryEnd {
    pub kind: EndKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
    pub by: Actor,
    /// The approved lift request, for lifts.
    pub lift_id: Option<LiftId>,
}

/// What a caller asks to suppress, already validated and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub id: EntryId,
    pub tenant_id: TenantId,
    pub kind: IdentifierKind,
    /// Clear identifier, `None` when the tenant stores hashes only.
    pub identifier: Option<Identifier>,
    pub ident_hash: IdentHash,
    /// Domain entries: also block subdomains.
    pub include_subdomains: bool,
    pub channel: Channel,
    pub purposes: Purposes,
    pub reason: Reason,
    pub source: SourceChannel,
    pub evidence: Option<String>,
    pub role_account: bool,
    pub created_by: Actor,
    pub created_at: Timestamp,
    pub valid_from: Timestamp,
    /// Scheduled end from the tenant's expiry policy (never for opt-outs).
    pub expires_at: Option<Timestamp>,
}

/// A stored suppression entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub tenant_id: TenantId,
    pub kind: IdentifierKind,
    pub identifier: Option<Identifier>,
    pub ident_hash: IdentHash,
    pub include_subdomains: bool,
    pub channel: Channel,
    pub purposes: Purposes,
    pub reason: Reason,
    pub source: SourceChannel,
    pub evidence: Option<String>,
    pub role_account: bool,
    pub created_by: Actor,
    pub created_at: Timestamp,
    pub valid_from: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub ended: Option<EntryEnd>,
    /// Personal data was erased on a privacy request.
    pub erased: bool,
}

impl Entry {
    pub fn scope(&self) -> Scope {
        self.kind.scope()
    }

    /// Was this entry in force at `t`?
    pub fn active_at(&self, t: Timestamp) -> bool {
        self.valid_from <= t
            && self.ended.as_ref().is_none_or(|e| e.at > t)
            && self.expires_at.is_none_or(|x| x > t)
    }

    /// The end of validity, whichever comes first of an explicit end and a scheduled expiry.
    pub fn valid_until(&self) -> Option<Timestamp> {
        match (self.ended.as_ref().map(|e| e.at), self.expires_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Two entries are the same suppression when they key on the same identifier with the
    /// same scope, channel and purposes; adding such an entry again is a no-op.
    pub fn same_suppression(&self, n: &NewEntry) -> bool {
        self.ident_hash == n.ident_hash
            && self.kind == n.kind
            && self.channel == n.channel
            && self.purposes == n.purposes
            && self.include_subdomains == n.include_subdomains
    }
}

impl NewEntry {
    /// The entry this becomes once stored.
    pub fn into_entry(self) -> Entry {
        Entry {
            id: self.id,
            tenant_id: self.tenant_id,
            kind: self.kind,
            identifier: self.identifier,
            ident_hash: self.ident_hash,
            include_subdomains: self.include_subdomains,
            channel: self.channel,
            purposes: self.purposes,
            reason: self.reason,
            source: self.source,
            evidence: self.evidence,
            role_account: self.role_account,
            created_by: self.created_by,
            created_at: self.created_at,
            valid_from: self.valid_from,
            expires_at: self.expires_at,
            ended: None,
            erased: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_and_classify() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(*r));
            assert!(!(r.is_opt_out() && r.is_deliverability()));
        }
        assert!(Reason::Complaint.is_protected());
        assert!(!Reason::HardBounce.is_opt_out());
    }

    #[test]
    fn purposes() {
        assert_eq!(Purposes::parse_list(&["all"]).unwrap(), Purposes::ALL);
        let d = Purposes::DEFAULT;
        assert!(d.contains(Purpose::Sales) && !d.contains(Purpose::Operational));
        assert!(Purposes::parse_list(&["spam"]).is_err());
        assert!(Purposes::parse_list::<&str>(&[]).is_err());
        assert_eq!(serde_json::to_string(&Purposes::ALL).unwrap(), r#"["all"]"#);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"["sales","marketing"]"#
        );
    }

    #[test]
    fn channels() {
        assert!(Channel::All.blocks(Channel::Phone));
        assert!(Channel::Email.blocks(Channel::Email));
        assert!(!Channel::Email.blocks(Channel::Phone));
    }
}
