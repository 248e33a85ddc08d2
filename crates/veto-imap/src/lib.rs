//! The IMAP side of Veto's inbound mailbox poller: reads bounces, complaints and replies from
//! a tenant's mailbox and hands each new message to a handler (which classifies and
//! suppresses), then marks or moves what was handled.
//!
//! [`poll_once`] connects (implicit TLS or STARTTLS with rustls; plain IMAP only to loopback),
//! logs in, reads up to one batch of messages newer than the caller's [`Cursor`], and returns
//! a [`PollReport`] with the cursor to persist. The server never marks a message read because
//! it was downloaded; only what the handler handled is flagged, moved or marked seen
//! ([`AfterHandling`]).
//!
//! Layout:
//! - `config` — [`MailboxConfig`], [`Security`], [`AfterHandling`], [`Trust`].
//! - `poll` — [`poll_once`], [`Cursor`], [`Disposition`], [`PollReport`].
//! - `error` — [`ImapError`].
//! - `session` — one IMAP connection and its commands (hand-written; see there why).
//! - `wire` — response framing and parsing, string and folder-name encoding (sans IO).
//! - `tls` — rustls client configuration and the connection stream.
//! - `testing` (feature `testing`) — a throwaway Dovecot for tests.

#![forbid(unsafe_code)]

mod config;
mod error;
mod poll;
mod session;
mod tls;
mod wire;

#[cfg(feature = "testing")]
pub mod testing;

pub use config::{AfterHandling, DEFAULT_KEYWORD, MailboxConfig, Security, Trust};
pub use error::ImapError;
pub use poll::{Cursor, Disposition, PollReport, poll_once};

/// Reads one server response (with its literals) and discards it: the entry point of the
/// response reader's fuzz target.
#[doc(hidden)]
pub fn fuzz_response(raw: &[u8]) {
    let _ = wire::parse_response(raw);
}
