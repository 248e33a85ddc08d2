//! Veto's domain: the vocabulary of the do-not-contact registry and the rules that
//! do not depend on storage or transport. No I/O, no async.
//!
//! Layout:
//! - [`id`] — typed identifiers of tenants, users, keys, entries, lifts, events.
//! - [`email`], [`phone`], [`domain`] — parse-don't-validate normalisation of contact points.
//! - [`identifier`] — what a suppression is keyed on, and the keys a check probes.
//! - [`keyed_hash`] — per-tenant HMAC of identifiers (erasure without forgetting).
//! - [`suppression`] — entries: reason, source channel, channel, purposes, scope, validity.
//! - [`role_account`] — role mailboxes (info@, sales@ …).
//! - [`role`] — roles and the actions each may take.
//! - [`actor`] — who did a thing: a user, an API key, or a named system component.
//! - [`lift`] — lift requests and the four-eyes rule.
//! - [`policy`] — tenant policy: expiry per reason, role list, hashed-only storage.
//! - [`contact`] — contacts (leads), identified by their normalised addresses.
//! - [`import`] — imports of lead files and suppression lists, row outcomes, reports.
//! - [`verdict`] — the answer of a check and the sentence a rep reads.
//! - [`audit`] — the hash-chained audit log and its verification.
//! - [`inbound`] — configured ways in for signals: inbound mailboxes, provider webhooks.
//! - [`route`] — outbound SMTP routes (upstream server, TLS, credentials) per tenant.
//! - [`mailbox`] — sending domains (with their DKIM keys) and mailboxes (From addresses).
//! - [`smtp_credential`] — the relay's per-tenant login credentials.
//! - [`sequence`] — sequences, their steps, and the enrolments of contacts.
//! - [`send`] — send attempts (sequence steps and relayed messages) and their outcomes.
//! - [`sealed`] — credentials at rest, sealed under the node's secrets key.
//! - [`signal`] — inbound signals as received (raw message or event), their processing
//!   state, and the soft-bounce count the bounce policy keeps per address.
//! - [`unsubscribe`] — signed one-click unsubscribe tokens (RFC 8058) and their headers.
#![forbid(unsafe_code)]

pub mod actor;
pub mod audit;
pub mod contact;
pub mod domain;
pub mod email;
pub mod id;
pub mod identifier;
pub mod import;
pub mod inbound;
pub mod keyed_hash;
pub mod lift;
pub mod mailbox;
pub mod phone;
pub mod policy;
pub mod role;
pub mod role_account;
pub mod route;
pub mod sealed;
pub mod send;
pub mod send_ref;
pub mod sequence;
pub mod signal;
pub mod smtp_credential;
pub mod suppression;
pub mod unsubscribe;
pub mod verdict;

/// Timestamps are UTC everywhere.
pub type Timestamp = time::OffsetDateTime;

/// Current time, truncated to microseconds so that what is stored equals what was computed
/// (both stores keep microsecond precision).
pub fn now() -> Timestamp {
    truncate_micros(time::OffsetDateTime::now_utc())
}

/// Truncates a timestamp to whole microseconds.
pub fn truncate_micros(t: Timestamp) -> Timestamp {
    let nanos = t.nanosecond();
    t.replace_nanosecond(nanos - nanos % 1000).unwrap_or(t)
}

/// Microseconds since the Unix epoch, the storage form of a timestamp.
pub fn to_micros(t: Timestamp) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

/// Inverse of [`to_micros`].
pub fn from_micros(us: i64) -> Timestamp {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 rendering used in JSON, audit data and sentences.
pub fn rfc3339(t: Timestamp) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}
