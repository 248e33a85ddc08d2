//! The reason taxonomy: why a message was not delivered (or what else the signal is), and how
//! severe that is for the address.
//!
//! The names follow the taxonomy of Sisimai 5.x, the open-source bounce analyser, so that results
//! can be compared one to one with its labelled samples.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a recipient's message bounced, or which other kind of signal a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// The recipient address does not exist at the destination (typically 5.1.1).
    UserUnknown,
    /// The recipient's mailbox is over its storage quota.
    MailboxFull,
    /// The recipient's domain does not exist or has no usable mail host.
    HostUnknown,
    /// The destination accepts no mail at all (null MX, host refusing every message).
    NotAccept,
    /// A filter at the destination refused this message for this recipient.
    Filtered,
    /// The envelope sender (MAIL FROM address or its domain) was refused.
    Rejected,
    /// The sending IP address or host name was refused (block list, connection-level block).
    Blocked,
    /// The receiver judged the message to be spam.
    SpamDetected,
    /// Malware was found in the message.
    VirusDetected,
    /// Refused under a policy of the receiving site.
    PolicyViolation,
    /// Sender authentication (SPF, DKIM, DMARC) failed.
    AuthFailure,
    /// The sending IP has no valid reverse-DNS (PTR) record.
    RequirePtr,
    /// The sender's IP or domain has a low reputation.
    BadReputation,
    /// Delivery kept failing temporarily until the queue lifetime ran out.
    Expired,
    /// The mailbox exists but is disabled or suspended.
    Suspend,
    /// The recipient address has moved, with no forwarding address (5.1.6).
    HasMoved,
    /// Network or DNS trouble on the way (lookup failure, routing loop, connection problem).
    NetworkError,
    /// An error inside the receiving system.
    SystemError,
    /// The receiving server's storage is full.
    SystemFull,
    /// The local delivery program on the receiving host failed.
    MailerError,
    /// Rate limited: too many messages in too short a time.
    Speeding,
    /// Too many connections from the sender at once.
    TooManyConn,
    /// The message's format or headers were refused.
    ContentError,
    /// The message breaks the mail RFCs and was refused.
    NotCompliantRfc,
    /// The message is larger than the recipient's own size limit.
    ExceedLimit,
    /// The message is larger than the receiving server accepts.
    MesgTooBig,
    /// Refused for a security reason (authentication required, security policy).
    SecurityError,
    /// TLS could not be negotiated, or was required and missing.
    FailedStartTls,
    /// An SMTP command or argument was malformed.
    SyntaxError,
    /// The server refused to relay for the recipient's domain.
    NoRelaying,
    /// The sending service did not try: the address is on its suppression list.
    Suppressed,
    /// A failure whose cause the message does not tell yet.
    OnHold,
    /// No reason could be found at all.
    Undefined,
    /// Not a failure: a delivery status notification reporting a successful delivery.
    Delivered,
    /// An automatic reply, such as an out-of-office message.
    Vacation,
    /// A complaint or feedback-loop report (ARF).
    Feedback,
}

/// What a reason means for the address, as the policy engine reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The address itself is dead: block it for deliverability.
    Hard,
    /// A failure that may clear up or depends on the sender: count it.
    Soft,
    /// Not a bounce at all (a delivery, an auto-reply, a complaint).
    Neither,
}

impl Reason {
    /// Every reason, in the order of the taxonomy.
    pub const ALL: [Reason; 36] = [
        Reason::UserUnknown,
        Reason::MailboxFull,
        Reason::HostUnknown,
        Reason::NotAccept,
        Reason::Filtered,
        Reason::Rejected,
        Reason::Blocked,
        Reason::SpamDetected,
        Reason::VirusDetected,
        Reason::PolicyViolation,
        Reason::AuthFailure,
        Reason::RequirePtr,
        Reason::BadReputation,
        Reason::Expired,
        Reason::Suspend,
        Reason::HasMoved,
        Reason::NetworkError,
        Reason::SystemError,
        Reason::SystemFull,
        Reason::MailerError,
        Reason::Speeding,
        Reason::TooManyConn,
        Reason::ContentError,
        Reason::NotCompliantRfc,
        Reason::ExceedLimit,
        Reason::MesgTooBig,
        Reason::SecurityError,
        Reason::FailedStartTls,
        Reason::SyntaxError,
        Reason::NoRelaying,
        Reason::Suppressed,
        Reason::OnHold,
        Reason::Undefined,
        Reason::Delivered,
        Reason::Vacation,
        Reason::Feedback,
    ];

    /// The lower-case name, as in labels and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UserUnknown => "userunknown",
            Reason::MailboxFull => "mailboxfull",
            Reason::HostUnknown => "hostunknown",
            Reason::NotAccept => "notaccept",
            Reason::Filtered => "filtered",
            Reason::Rejected => "rejected",
            Reason::Blocked => "blocked",
            Reason::SpamDetected => "spamdetected",
            Reason::VirusDetected => "virusdetected",
            Reason::PolicyViolation => "policyviolation",
            Reason::AuthFailure => "authfailure",
            Reason::RequirePtr => "requireptr",
            Reason::BadReputation => "badreputation",
            Reason::Expired => "expired",
            Reason::Suspend => "suspend",
            Reason::HasMoved => "hasmoved",
            Reason::NetworkError => "networkerror",
            Reason::SystemError => "systemerror",
            Reason::SystemFull => "systemfull",
            Reason::MailerError => "mailererror",
            Reason::Speeding => "speeding",
            Reason::TooManyConn => "toomanyconn",
            Reason::ContentError => "contenterror",
            Reason::NotCompliantRfc => "notcompliantrfc",
            Reason::ExceedLimit => "exceedlimit",
            Reason::MesgTooBig => "mesgtoobig",
            Reason::SecurityError => "securityerror",
            Reason::FailedStartTls => "failedstarttls",
            Reason::SyntaxError => "syntaxerror",
            Reason::NoRelaying => "norelaying",
            Reason::Suppressed => "suppressed",
            Reason::OnHold => "onhold",
            Reason::Undefined => "undefined",
            Reason::Delivered => "delivered",
            Reason::Vacation => "vacation",
            Reason::Feedback => "feedback",
        }
    }

    /// The severity of the reason when the status does not say the failure is temporary.
    ///
    /// Only `userunknown`, `hostunknown`, `hasmoved` and (permanent) `notaccept` mean the
    /// address itself is dead; everything else that failed may clear up or depends on the
    /// sender. Use [`Reason::severity_for`] when the status code is known.
    pub fn severity(self) -> Severity {
        match self {
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::NotAccept => {
                Severity::Hard
            }
            Reason::Delivered | Reason::Vacation | Reason::Feedback => Severity::Neither,
            _ => Severity::Soft,
        }
    }

    /// The severity given the enhanced status code: `notaccept` with a temporary (4.x.x)
    /// status is soft; the other reasons do not depend on the status.
    pub fn severity_for(self, status: Option<&str>) -> Severity {
        match (self, status) {
            (Reason::NotAccept, Some(s)) if s.starts_with('4') => Severity::Soft,
            _ => self.severity(),
        }
    }

    /// Whether the address is dead (a hard bounce) given the status code.
    pub fn is_hard(self, status: Option<&str>) -> bool {
        self.severity_for(status) == Severity::Hard
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not in the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown bounce reason {0:?}")]
pub struct UnknownReason(pub String);

impl FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Reason::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == lower)
            .ok_or(UnknownReason(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Reason::ALL {
            assert_eq!(r.as_str().parse::<Reason>(), Ok(r));
            assert_eq!(
                serde_json::to_value(r).ok(),
                Some(serde_json::json!(r.as_str()))
            );
        }
        assert!("nosuchreason".parse::<Reason>().is_err());
    }

    #[test]
    fn severity_follows_the_address() {
        assert_eq!(
            Reason::UserUnknown.severity_for(Some("4.1.1")),
            Severity::Hard
        );
        assert_eq!(
            Reason::NotAccept.severity_for(Some("5.3.2")),
            Severity::Hard
        );
        assert_eq!(
            Reason::NotAccept.severity_for(Some("4.3.2")),
            Severity::Soft
        );
        assert_eq!(
            Reason::MailboxFull.severity_for(Some("5.2.2")),
            Severity::Soft
        );
        assert_eq!(Reason::Vacation.severity(), Severity::Neither);
        assert_eq!(Reason::Feedback.severity(), Severity::Neither);
        assert_eq!(Reason::OnHold.severity(), Severity::Soft);
    }
}
