//! The audit log: append-only, one hash chain per tenant. Each event carries the hash of the
//! previous one; [`ChainVerifier`] recomputes the chain and names the first bad event.
//!
//! Event data is stored as the exact JSON text that was hashed (never re-serialised), so a
//! store that reorders JSON keys cannot break the chain.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{EventId, TenantId};

/// Action names, `noun.verb`.
pub mod actions {
    pub const TENANT_CREATED: &str = "tenant.created";
    pub const POLICY_UPDATED: &str = "policy.updated";
    pub const USER_CREATED: &str = "user.created";
    pub const USER_UPDATED: &str = "user.updated";
    pub const KEY_CREATED: &str = "key.created";
    pub const KEY_REVOKED: &str = "key.revoked";
    pub const SUPPRESSION_CREATED: &str = "suppression.created";
    pub const SUPPRESSION_DUPLICATE: &str = "suppression.duplicate";
    pub const SUPPRESSION_EXPIRED: &str = "suppression.expired";
    pub const SUPPRESSION_LIFTED: &str = "suppression.lifted";
    pub const SUPPRESSIONS_IMPORTED: &str = "suppressions.imported";
    /// A suppression list was exported (who took the list out, in which format, as of when).
    pub const SUPPRESSIONS_EXPORTED: &str = "suppressions.exported";
    /// A lead file went through the import gate (file name, SHA-256, counts per outcome).
    pub const LEADS_IMPORTED: &str = "import.leads";
    /// A suppression migration finished (format, file, counts).
    pub const MIGRATION_IMPORTED: &str = "import.suppressions";
    pub const LIFT_REQUESTED: &str = "lift.requested";
    pub const LIFT_APPROVED: &str = "lift.approved";
    pub const LIFT_REJECTED: &str = "lift.rejected";
    pub const ERASURE: &str = "identifier.erased";
    /// Any blocked attempt to contact a suppressed identifier (import, enrol, send).
    pub const ATTEMPT_BLOCKED: &str = "attempt.blocked";
    /// An inbound signal (bounce, complaint, reply, provider event) was read and acted on:
    /// what it was, its Message-ID, and per address what was done (by entry id and hash prefix).
    pub const SIGNAL_PROCESSED: &str = "signal.processed";
    /// An inbound mailbox or provider webhook was configured.
    pub const SOURCE_CREATED: &str = "inbound_source.created";
    /// An inbound mailbox or provider webhook was switched off.
    pub const SOURCE_DISABLED: &str = "inbound_source.disabled";
    /// An outbound SMTP route was configured.
    pub const ROUTE_CREATED: &str = "route.created";
    /// A sending domain was added.
    pub const SENDING_DOMAIN_CREATED: &str = "sending_domain.created";
    /// A DKIM key was made for a sending domain (selector, algorithm; never the key).
    pub const DKIM_KEY_CREATED: &str = "dkim_key.created";
    /// A mailbox (From address) was added or changed.
    pub const MAILBOX_CREATED: &str = "mailbox.created";
    pub const MAILBOX_UPDATED: &str = "mailbox.updated";
    /// Relay credentials were issued or revoked (user name only).
    pub const SMTP_CREDENTIAL_CREATED: &str = "smtp_credential.created";
    pub const SMTP_CREDENTIAL_REVOKED: &str = "smtp_credential.revoked";
    /// A sequence was created.
    pub const SEQUENCE_CREATED: &str = "sequence.created";
    /// Contacts were enrolled in a sequence (ids and counts).
    pub const ENROLLMENTS_CREATED: &str = "enrollments.created";
    /// An enrolment was paused, resumed or stopped by hand, stopped by a reply, postponed by
    /// an out-of-office, or paused by the company rule.
    pub const ENROLLMENT_CHANGED: &str = "enrollment.changed";
}

/// An event to append: the store seals it into the chain inside the mutation's transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    pub actor: Actor,
    pub action: &'static str,
    /// The object acted on (entry id, user id, …).
    pub subject: Option<String>,
    pub data: serde_json::Value,
}

impl AuditDraft {
    pub fn new(
        actor: &Actor,
        action: &'static str,
        subject: Option<String>,
        data: serde_json::Value,
    ) -> Self {
        Self {
            actor: actor.clone(),
            action,
            subject,
            data,
        }
    }
}

/// A sealed audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub tenant_id: TenantId,
    /// Position in the tenant's chain, from 1 without gaps.
    pub seq: i64,
    pub id: EventId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    /// The JSON text that was hashed.
    pub data: String,
    #[serde(with = "hex32")]
    pub prev_hash: [u8; 32],
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
}

/// The hash of the (empty) chain before the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// The chain hash of an event: SHA-256 over length-prefixed fields and the previous hash.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    tenant: TenantId,
    seq: i64,
    id: EventId,
    at: Timestamp,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    data: &str,
    prev: &[u8; 32],
) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(b"veto-audit-v1");
    field(tenant.0.as_bytes());
    field(&seq.to_le_bytes());
    field(id.0.as_bytes());
    field(&crate::to_micros(at).to_le_bytes());
    field(actor.as_bytes());
    field(action.as_bytes());
    field(subject.unwrap_or("\u{0}none").as_bytes());
    field(data.as_bytes());
    field(prev);
    let out = h.finalize();
    let mut b = [0u8; 32];
    b.copy_from_slice(&out);
    b
}

impl AuditEvent {
    /// Seals a draft as event `seq` after `prev`.
    pub fn seal(
        tenant: TenantId,
        draft: &AuditDraft,
        seq: i64,
        prev: [u8; 32],
        at: Timestamp,
    ) -> Self {
        let id = EventId::new();
        let actor = draft.actor.to_string();
        // serde_json's default map is ordered, so this text is canonical for a given value.
        let data = draft.data.to_string();
        let hash = chain_hash(
            tenant,
            seq,
            id,
            at,
            &actor,
            draft.action,
            draft.subject.as_deref(),
            &data,
            &prev,
        );
        Self {
            tenant_id: tenant,
            seq,
            id,
            at,
            actor,
            action: draft.action.to_string(),
            subject: draft.subject.clone(),
            data,
            prev_hash: prev,
            hash,
        }
    }

    pub fn recompute(&self) -> [u8; 32] {
        chain_hash(
            self.tenant_id,
            self.seq,
            self.id,
            self.at,
            &self.actor,
            &self.action,
            self.subject.as_deref(),
            &self.data,
            &self.prev_hash,
        )
    }
}

/// The first problem found in a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadEvent {
    pub seq: i64,
    pub id: Option<EventId>,
    pub problem: String,
}

/// The result of verifying a tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub events: i64,
    pub first_bad_event: Option<BadEvent>,
}

/// Verifies a chain fed in `seq` order.
#[derive(Debug)]
pub struct ChainVerifier {
    tenant: TenantId,
    expected_seq: i64,
    prev: [u8; 32],
    count: i64,
    bad: Option<BadEvent>,
}

impl ChainVerifier {
    pub fn new(tenant: TenantId) -> Self {
        Self {
            tenant,
            expected_seq: 1,
            prev: GENESIS,
            count: 0,
            bad: None,
        }
    }

    /// Feeds the next event; returns `false` once a bad event was found.
    pub fn feed(&mut self, e: &AuditEvent) -> bool {
        if self.bad.is_some() {
            return false;
        }
        self.count += 1;
        let problem = if e.tenant_id != self.tenant {
            Some("the event belongs to another tenant".to_string())
        } else if e.seq != self.expected_seq {
            Some(format!(
                "expected event number {} here but found {}: an event was deleted or the log reordered",
                self.expected_seq, e.seq
            ))
        } else if e.prev_hash != self.prev {
            Some("its previous-hash does not match the event before it: an event before it was deleted, edited or moved".into())
        } else if e.recompute() != e.hash {
            Some("its content does not match its hash: the event was edited".into())
        } else {
            None
        };
        if let Some(problem) = problem {
            self.bad = Some(BadEvent {
                seq: e.seq,
                id: Some(e.id),
                problem,
            });
            return false;
        }
        self.expected_seq += 1;
        self.prev = e.hash;
        true
    }

    /// Completes verification against the head the store recorded (last seq and hash), which
    /// catches deletion of the newest events.
    pub fn finish(mut self, head_seq: i64, head_hash: [u8; 32]) -> VerifyReport {
        if self.bad.is_none() && (head_seq != self.expected_seq - 1 || head_hash != self.prev) {
            self.bad = Some(BadEvent {
                seq: head_seq.max(self.expected_seq),
                id: None,
                problem: format!(
                    "the log ends at event {} but the tenant's recorded head is event {}: events at the end were deleted or the head was altered",
                    self.expected_seq - 1,
                    head_seq
                ),
            });
        }
        VerifyReport {
            ok: self.bad.is_none(),
            events: self.count,
            first_bad_event: self.bad,
        }
    }
}

mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::keyed_hash::hex(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        if s.len() != 64 || !s.is_ascii() {
            return Err(serde::de::Error::custom("expected 64 hex digits"));
        }
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(serde::de::Error::custom)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> (TenantId, Vec<AuditEvent>) {
        let t = TenantId::new();
        let mut prev = GENESIS;
        let mut v = Vec::new();
        for seq in 1..=n {
            let d = AuditDraft::new(
                &Actor::system("test"),
                actions::SUPPRESSION_CREATED,
                Some(format!("e{seq}")),
                serde_json::json!({"n": seq}),
            );
            let e = AuditEvent::seal(t, &d, seq, prev, crate::now());
            prev = e.hash;
            v.push(e);
        }
        (t, v)
    }

    fn verify(t: TenantId, v: &[AuditEvent], head: (i64, [u8; 32])) -> VerifyReport {
        let mut c = ChainVerifier::new(t);
        for e in v {
            if !c.feed(e) {
                break;
            }
        }
        c.finish(head.0, head.1)
    }

    #[test]
    fn detects_edit_delete_reorder_truncate() {
        let (t, v) = chain(5);
        let head = (5, v[4].hash);
        assert!(verify(t, &v, head).ok);

        let mut edited = v.clone();
        edited[2].data = r#"{"n":99}"#.into();
        assert_eq!(verify(t, &edited, head).first_bad_event.unwrap().seq, 3);

        let mut deleted = v.clone();
        deleted.remove(1);
        assert_eq!(verify(t, &deleted, head).first_bad_event.unwrap().seq, 3);

        let mut reordered = v.clone();
        reordered.swap(1, 2);
        assert_eq!(verify(t, &reordered, head).first_bad_event.unwrap().seq, 3);

        let truncated = &v[..4];
        let r = verify(t, truncated, head);
        assert!(!r.ok);
        assert_eq!(r.first_bad_event.unwrap().seq, 5);
    }
}
