//! Send attempts: every message Veto tried to send to one recipient — a sequence step or a
//! message through the relay — with when, from which mailbox, the verdict of the check made
//! immediately before, and what happened (sent, blocked, deferred, failed with the upstream's
//! reply). Blocked attempts are also audit events.

use crate::Timestamp;
use crate::id::{
    ContactId, CredentialId, EnrollmentId, MailboxId, RouteId, SendId, SequenceId, TenantId,
};
use crate::keyed_hash::IdentHash;
use crate::suppression::closed_enum;
use serde::{Deserialize, Serialize};

closed_enum!(
    /// What became of a send attempt.
    SendOutcome {
        /// The upstream accepted the message.
        Sent = "sent",
        /// The registry blocked the recipient: nothing left Veto.
        Blocked = "blocked",
        /// Not sent now, tried again later (an upstream 4xx, no route yet, a frequency cap).
        Deferred = "deferred",
        /// The upstream refused the message for good (5xx).
        Failed = "failed",
    }
);

/// Where a send attempt came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SendVia {
    /// A step of a sequence.
    Sequence {
        sequence_id: SequenceId,
        enrollment_id: EnrollmentId,
        /// 1-based step number.
        step: u32,
    },
    /// A message submitted to the SMTP relay.
    Relay {
        /// The relay session (unique per node start and connection).
        session: String,
        credential_id: CredentialId,
    },
}

/// One attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRecord {
    pub id: SendId,
    pub tenant_id: TenantId,
    pub at: Timestamp,
    pub via: SendVia,
    pub mailbox_id: Option<MailboxId>,
    pub route_id: Option<RouteId>,
    /// The From address of the message.
    pub from: String,
    /// The recipient, `None` when the tenant stores hashes only.
    pub recipient: Option<String>,
    pub recipient_hash: IdentHash,
    pub contact_id: Option<ContactId>,
    /// The Message-ID the message carried (absent when nothing was composed).
    pub message_id: Option<String>,
    pub outcome: SendOutcome,
    /// The upstream's reply, the verdict sentence, or why it was deferred.
    pub detail: Option<String>,
    /// The verdict of the check made immediately before (matching entries), as JSON.
    pub verdict: serde_json::Value,
}
