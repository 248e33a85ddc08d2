//! Inbound signals as received. Every bounce, complaint, reply or provider event that reaches
//! Veto is kept with its raw bytes, so a wrong classification can be seen and corrected: the
//! suppression it produced names the signal in its evidence, and a signal that changed nothing
//! is itself the "ignored" record.
//!
//! A signal is keyed per tenant by [`NewSignal::key`] (the SHA-256 of a raw message, or the
//! provider's event id), so the same message ingested twice, or a webhook event delivered
//! again, is processed once.

use sha2::{Digest, Sha256};

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{SignalId, TenantId};
use crate::keyed_hash::IdentHash;

/// How a signal arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// `POST /v1/inbound/mime` or `veto ingest`.
    Mime,
    /// The tenant's inbound mailbox poller (IMAP).
    Imap,
    /// A provider's event webhook (`ses`, `sendgrid`, `mailgun`, `postmark`).
    Webhook(String),
}

impl Via {
    /// The stored form: `mime`, `imap`, `webhook:<provider>`.
    pub fn as_string(&self) -> String {
        match self {
            Via::Mime => "mime".into(),
            Via::Imap => "imap".into(),
            Via::Webhook(p) => format!("webhook:{p}"),
        }
    }

    /// Inverse of [`Via::as_string`]; unknown forms are kept as webhooks of that name.
    pub fn parse(s: &str) -> Self {
        match s {
            "mime" => Via::Mime,
            "imap" => Via::Imap,
            other => Via::Webhook(other.strip_prefix("webhook:").unwrap_or(other).to_string()),
        }
    }
}

/// The dedup key of a raw message: `sha256:<hex>` of its bytes.
pub fn raw_message_key(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let mut key = String::with_capacity(7 + 64);
    key.push_str("sha256:");
    for b in digest.iter() {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// A signal to record before it is acted on.
#[derive(Debug, Clone)]
pub struct NewSignal {
    pub id: SignalId,
    pub tenant_id: TenantId,
    /// Unique per tenant: the same key is the same signal.
    pub key: String,
    pub via: Via,
    /// `message/rfc822` or `application/json`.
    pub content_type: String,
    /// The message or event body exactly as received.
    pub raw: Vec<u8>,
    /// The inbound message's `Message-ID`, or the provider's message id.
    pub message_id: Option<String>,
    pub received_by: Actor,
    pub received_at: Timestamp,
}

/// A recorded signal (without its raw bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub id: SignalId,
    pub tenant_id: TenantId,
    pub key: String,
    pub via: Via,
    pub content_type: String,
    /// Size of the raw bytes as received (kept after erasure clears them).
    pub size: u64,
    pub message_id: Option<String>,
    pub received_by: Actor,
    pub received_at: Timestamp,
    /// What it was (bounce, complaint, reply …), once processed.
    pub kind: Option<String>,
    /// The outcome as JSON text (what was done per address), once processed.
    pub outcome: Option<String>,
    /// Whether processing changed nothing (no suppression added or found in force).
    pub ignored: Option<bool>,
    pub processed_at: Option<Timestamp>,
    /// The raw bytes were removed by an erasure.
    pub erased: bool,
}

impl Signal {
    /// Whether the signal was fully processed (a re-delivery returns this outcome).
    pub fn is_processed(&self) -> bool {
        self.processed_at.is_some()
    }
}

/// The result of recording a signal.
#[derive(Debug, Clone)]
pub enum SignalStart {
    /// New (or received before but never finished): process it.
    New(Signal),
    /// Already processed: do nothing again.
    Seen(Signal),
}

/// What processing decided, stored with the signal.
#[derive(Debug, Clone)]
pub struct SignalFinish {
    pub kind: String,
    pub outcome: String,
    pub ignored: bool,
    /// The keyed hashes of the addresses the signal concerns (so an erasure finds it).
    pub subjects: Vec<IdentHash>,
    pub at: Timestamp,
}

/// The soft bounces counted for one address since its last delivery, reply or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoftBounceCount {
    /// Consecutive soft bounces, this one included.
    pub count: u32,
    /// When the first of them happened.
    pub first_at: Timestamp,
    /// When the latest happened.
    pub last_at: Timestamp,
}

impl SoftBounceCount {
    /// Whether the bounce policy blocks the address: at least `limit` soft bounces spanning
    /// at least `days` days.
    pub fn reaches(&self, limit: u32, days: u32) -> bool {
        self.count >= limit.max(1)
            && self.last_at - self.first_at >= time::Duration::days(i64::from(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_via() {
        assert_eq!(
            raw_message_key(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for v in [Via::Mime, Via::Imap, Via::Webhook("ses".into())] {
            assert_eq!(Via::parse(&v.as_string()), v);
        }
    }

    #[test]
    fn soft_bounce_limit_needs_count_and_span() {
        let t = crate::now();
        let c = |n, days| SoftBounceCount {
            count: n,
            first_at: t,
            last_at: t + time::Duration::days(days),
        };
        assert!(!c(2, 30).reaches(3, 15));
        assert!(!c(3, 14).reaches(3, 15));
        assert!(c(3, 15).reaches(3, 15));
        assert!(c(1, 0).reaches(1, 0));
    }
}
