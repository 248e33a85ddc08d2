//! The SMTP submission server Veto's relay runs on (`veto serve --smtp-listen`): sending tools
//! connect, authenticate and submit mail; the application — through a [`Handler`] — decides
//! who may log in and which recipients and messages are taken (Veto refuses suppressed
//! recipients at RCPT TO and relays the rest). This crate is the protocol side only:
//! connections and their limits, TLS (STARTTLS and implicit), AUTH, the command state
//! machine, DATA.
//!
//! Offered (RFC 5321 with RFC 3207 STARTTLS, 4954 AUTH PLAIN and LOGIN, 2920 PIPELINING,
//! 1870 SIZE, 6152 8BITMIME, 2034/3463 enhanced status codes). Not offered: BDAT/CHUNKING
//! (RFC 3030), SMTPUTF8 (RFC 6531) and DSN (RFC 3461) — their commands get `502` and their
//! MAIL/RCPT parameters `555`. AUTH is offered after STARTTLS, on an implicit-TLS listener,
//! and without TLS only to loopback clients. Only `<CRLF>.<CRLF>` ends a message, and a
//! message with a bare CR or LF is refused (SMTP smuggling; see `data`).
//!
//! Layout:
//! - `config` — [`ServerConfig`].
//! - `handler` — [`Handler`], [`SessionInfo`], [`Envelope`].
//! - `reply` — [`Reply`] and its wire form.
//! - `server` — [`run`]: accepting, the connection limit, shutdown.
//! - `connection` — one connection: socket, timeouts, STARTTLS, handler calls.
//! - `session` — the session state machine, sans IO (what the fuzz target drives).
//! - `command` — one command line to a command (parsed by smtp-proto) or its refusal.
//! - `data` — the message after DATA: end, dot-unstuffing, size limit, bare line ends.
//! - `sasl` — AUTH PLAIN and LOGIN responses.
//! - [`tls`] — rustls server configuration from PEM, self-signed certificates.
//! - `testing` (feature `testing`) — a real upstream SMTP sink (aiosmtpd) for tests.

#![forbid(unsafe_code)]

mod command;
mod config;
mod connection;
mod data;
mod handler;
mod reply;
mod sasl;
mod server;
mod session;
pub mod tls;

#[cfg(feature = "testing")]
pub mod testing;

pub use config::ServerConfig;
pub use handler::{Envelope, Handler, SessionInfo};
pub use reply::Reply;
pub use server::run;
pub use tls::TlsError;

/// Drives one session over `input` without sockets and returns every byte the server wrote:
/// the entry point of the session fuzz target. The first byte chooses how the rest is split
/// into reads and whether the client counts as loopback; the application side accepts user
/// `u` / password `p`, refuses recipients containing `blocked` and takes every message.
///
/// Panics — the fuzzer's oracle — when what the server wrote breaks the reply grammar
/// (RFC 5321 4.2), goes on after a reply that closed the session, or reports that it was
/// driven out of order.
#[doc(hidden)]
pub fn fuzz_session(input: &[u8]) -> Vec<u8> {
    let output = session::transcript(input);
    let internal_error = output.windows(14).any(|w| w == b"Internal error");
    if let Err(problem) = reply::check_transcript(&output).and_then(|()| match internal_error {
        true => Err("the session was driven out of order".to_owned()),
        false => Ok(()),
    }) {
        panic!(
            "malformed server output ({problem}): {:?}",
            String::from_utf8_lossy(&output)
        );
    }
    output
}
