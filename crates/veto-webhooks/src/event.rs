//! The normalised event every provider's payload becomes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use veto_bounce::Reason;

/// An e-mail service provider whose event webhooks Veto reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Amazon SES, through Amazon SNS notifications.
    Ses,
    /// Twilio SendGrid's Event Webhook.
    SendGrid,
    /// Mailgun's webhooks (JSON form).
    Mailgun,
    /// Postmark's webhooks.
    Postmark,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 4] = [
        Provider::Ses,
        Provider::SendGrid,
        Provider::Mailgun,
        Provider::Postmark,
    ];

    /// The lower-case name used in routes, configuration and event ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Ses => "ses",
            Provider::SendGrid => "sendgrid",
            Provider::Mailgun => "mailgun",
            Provider::Postmark => "postmark",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the providers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown e-mail service provider {0:?} (expected ses, sendgrid, mailgun or postmark)")]
pub struct UnknownProvider(pub String);

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == lower)
            .ok_or_else(|| UnknownProvider(s.to_string()))
    }
}

/// What happened to one message for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum EventKind {
    /// The address is dead: delivery failed permanently for a reason about the address.
    HardBounce,
    /// Delivery failed or was deferred for a reason that may clear up or is about the sender.
    SoftBounce,
    /// The recipient reported the message as spam.
    Complaint,
    /// The receiving server accepted the message.
    Delivered,
    /// The recipient unsubscribed from everything sent through this provider.
    Unsubscribe,
    /// The recipient unsubscribed from one group or topic (see [`EspEvent::group`]).
    GroupUnsubscribe,
    /// Anything else (opens, clicks, auto-replies, reactivations …), by a snake_case name.
    Other(String),
}

impl EventKind {
    /// The snake_case name (`hard_bounce`, …; the name itself for [`EventKind::Other`]).
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::HardBounce => "hard_bounce",
            EventKind::SoftBounce => "soft_bounce",
            EventKind::Complaint => "complaint",
            EventKind::Delivered => "delivered",
            EventKind::Unsubscribe => "unsubscribe",
            EventKind::GroupUnsubscribe => "group_unsubscribe",
            EventKind::Other(name) => name,
        }
    }

    /// Whether this is a bounce, hard or soft.
    pub fn is_bounce(&self) -> bool {
        matches!(self, EventKind::HardBounce | EventKind::SoftBounce)
    }

    /// An [`EventKind::Other`] named `name`.
    pub fn other(name: &str) -> Self {
        EventKind::Other(name.to_string())
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<EventKind> for String {
    fn from(kind: EventKind) -> String {
        kind.as_str().to_string()
    }
}

impl From<String> for EventKind {
    fn from(name: String) -> EventKind {
        match name.as_str() {
            "hard_bounce" => EventKind::HardBounce,
            "soft_bounce" => EventKind::SoftBounce,
            "complaint" => EventKind::Complaint,
            "delivered" => EventKind::Delivered,
            "unsubscribe" => EventKind::Unsubscribe,
            "group_unsubscribe" => EventKind::GroupUnsubscribe,
            _ => EventKind::Other(name),
        }
    }
}

/// One provider event for one recipient, in one shape for every provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EspEvent {
    /// Who sent the event.
    pub provider: Provider,
    /// Stable and unique per provider event and recipient: a re-delivered event has the same
    /// id, so it can be processed once.
    pub event_id: String,
    /// What happened.
    pub kind: EventKind,
    /// The recipient address as the provider gave it (trimmed, not otherwise normalised).
    pub recipient: String,
    /// When it happened, as the provider says.
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// The original message's Message-ID (without angle brackets), or else the provider's
    /// own id for the message.
    pub message_id: Option<String>,
    /// The enhanced status code (RFC 3463), e.g. `5.1.1`.
    pub status: Option<String>,
    /// The SMTP reply code, e.g. `550`.
    pub reply_code: Option<u16>,
    /// The remote server's reply or the provider's explanation.
    pub diagnostic: Option<String>,
    /// For bounces: why, from the bounce rule table, falling back on the provider's own
    /// bounce type.
    pub reason: Option<Reason>,
    /// For group unsubscribes: the provider's group or topic (SendGrid `asm_group_id`, SES
    /// topic name).
    pub group: Option<String>,
    /// The provider's JSON for this event, kept as evidence.
    pub raw: serde_json::Value,
}

impl EspEvent {
    /// An event with only the identifying fields set.
    pub(crate) fn new(
        provider: Provider,
        event_id: String,
        kind: EventKind,
        recipient: &str,
        raw: serde_json::Value,
    ) -> Self {
        EspEvent {
            provider,
            event_id,
            kind,
            recipient: recipient.trim().to_string(),
            occurred_at: None,
            message_id: None,
            status: None,
            reply_code: None,
            diagnostic: None,
            reason: None,
            group: None,
            raw,
        }
    }
}

/// A Message-ID without surrounding whitespace and angle brackets; `None` when empty.
pub(crate) fn clean_message_id(id: &str) -> Option<String> {
    let id = id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id).trim();
    (!id.is_empty()).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_round_trip() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
        }
        assert_eq!(" SendGrid ".parse::<Provider>(), Ok(Provider::SendGrid));
        assert!("sparkpost".parse::<Provider>().is_err());
    }

    #[test]
    fn kinds_round_trip_through_strings() {
        for k in [
            EventKind::HardBounce,
            EventKind::SoftBounce,
            EventKind::Complaint,
            EventKind::Delivered,
            EventKind::Unsubscribe,
            EventKind::GroupUnsubscribe,
            EventKind::other("auto_reply"),
        ] {
            assert_eq!(EventKind::from(String::from(k.clone())), k);
        }
    }

    #[test]
    fn message_ids_lose_their_brackets() {
        assert_eq!(clean_message_id(" <a@b> ").as_deref(), Some("a@b"));
        assert_eq!(clean_message_id("a@b").as_deref(), Some("a@b"));
        assert_eq!(clean_message_id("<>"), None);
    }
}
