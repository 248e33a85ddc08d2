//! Sequences: ordered steps (delay, mailbox, subject and body templates), and the enrolments
//! of contacts in them. The scheduler sends an enrolment's next step when it is due, after
//! checking the recipient against the registry at that moment; a suppression cancels every
//! pending enrolment it applies to in the transaction that writes it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::actor::Actor;
use crate::email::EmailAddress;
use crate::id::{ContactId, EnrollmentId, MailboxId, SequenceId, TenantId};
use crate::suppression::{Purpose, closed_enum};

/// One step of a sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Seconds after the previous step was sent (after enrolment for the first step).
    pub delay_secs: u64,
    /// The mailbox this step is sent from; `None`: the enrolment's mailbox.
    #[serde(default)]
    pub mailbox_id: Option<MailboxId>,
    /// Subject template (contact fields: `{{ first_name }}` …).
    pub subject: String,
    /// Plain-text body template.
    pub body: String,
    /// Optional HTML body template (sent as multipart/alternative).
    #[serde(default)]
    pub html: Option<String>,
    /// Send as a reply in the thread of the first step (`Re:` subject, `In-Reply-To`).
    #[serde(default)]
    pub same_thread: bool,
}

/// A sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    pub id: SequenceId,
    pub tenant_id: TenantId,
    pub name: String,
    /// Why its mail is sent (entries that do not block this purpose let it through).
    pub purpose: Purpose,
    pub steps: Vec<Step>,
    pub created_by: Actor,
    pub created_at: Timestamp,
}

closed_enum!(
    /// Where an enrolment stands.
    EnrollmentState {
        /// Steps are pending; the next is sent when due.
        Active = "active",
        /// Held (by hand, or by a tenant rule after a colleague's refusal); nothing is sent.
        Paused = "paused",
        /// Every step was sent.
        Completed = "completed",
        /// The contact replied: the sequence stops.
        Replied = "replied",
        /// A suppression applies (recorded when written, or found at send time): nothing more
        /// is ever sent on this enrolment.
        Cancelled = "cancelled",
        /// Stopped by hand.
        Stopped = "stopped",
    }
);

impl EnrollmentState {
    /// Still waiting to send (a suppression cancels these).
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Active | Self::Paused)
    }
}

/// A contact's enrolment in a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub tenant_id: TenantId,
    pub sequence_id: SequenceId,
    pub contact_id: ContactId,
    /// The address the steps go to.
    pub email: EmailAddress,
    /// The default mailbox of its steps.
    pub mailbox_id: MailboxId,
    pub purpose: Purpose,
    pub state: EnrollmentState,
    /// Why it is in that state (the reply, the entry, the rule).
    pub state_reason: Option<String>,
    /// Index of the next step to send (= number of steps sent).
    pub next_step: u32,
    /// When the next step is due; `None` when nothing is pending.
    pub next_due_at: Option<Timestamp>,
    /// Message-ID of the first step sent (later steps may thread under it).
    pub thread_message_id: Option<String>,
    pub created_by: Actor,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Reads a step delay: whole seconds, or a number with a unit (`90s`, `30m`, `4h`, `3d`,
/// `2w`).
pub fn parse_delay(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a delay (use e.g. 3600, 90s, 30m, 4h, 3d, 2w)"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "'{s}': unknown unit '{unit}' (use s, m, h, d or w)"
            ));
        }
    };
    let secs = n
        .checked_mul(mult)
        .filter(|v| *v <= 3650 * 86_400)
        .ok_or_else(|| format!("'{s}' is longer than ten years"))?;
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays() {
        assert_eq!(parse_delay("3600"), Ok(3600));
        assert_eq!(parse_delay("90s"), Ok(90));
        assert_eq!(parse_delay("30m"), Ok(1800));
        assert_eq!(parse_delay(" 4h "), Ok(14_400));
        assert_eq!(parse_delay("3d"), Ok(259_200));
        assert_eq!(parse_delay("2w"), Ok(1_209_600));
        assert!(parse_delay("3 days").unwrap_err().contains("unknown unit"));
        assert!(parse_delay("x").is_err());
        assert!(parse_delay("").is_err());
        assert!(parse_delay("99999w").unwrap_err().contains("ten years"));
        assert!(parse_delay("ä").is_err());
    }

    #[test]
    fn pending_states() {
        assert!(EnrollmentState::Active.is_pending());
        assert!(EnrollmentState::Paused.is_pending());
        for s in [
            EnrollmentState::Completed,
            EnrollmentState::Replied,
            EnrollmentState::Cancelled,
            EnrollmentState::Stopped,
        ] {
            assert!(!s.is_pending());
        }
    }
}
