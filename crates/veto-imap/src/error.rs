//! What can go wrong while polling a mailbox, named so a caller can tell a person what to fix.

use std::time::Duration;

/// A failed poll. No variant ever carries the password.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The configuration cannot work (bad keyword, plain IMAP to a remote host, unreadable CA…).
    #[error("invalid mailbox configuration: {0}")]
    Config(String),
    /// The TCP connection could not be opened.
    #[error("cannot connect to {host}:{port}: {source}")]
    Connect {
        /// Host name or address from the configuration.
        host: String,
        /// Port from the configuration.
        port: u16,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// TLS could not be set up: STARTTLS refused, certificate not trusted, handshake failed.
    #[error("TLS with {host} failed: {reason}")]
    Tls {
        /// Host name or address from the configuration.
        host: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the credentials (or offers no way to send them on this connection).
    #[error("the server refused the login of {username:?}: {reason}")]
    LoginRefused {
        /// The user name that was refused.
        username: String,
        /// The server's words.
        reason: String,
    },
    /// The folder to read does not exist.
    #[error("folder {folder:?} does not exist")]
    FolderMissing {
        /// The folder from the configuration.
        folder: String,
    },
    /// The folder exists but could not be opened for writing, or the destination folder could
    /// not be created.
    #[error("cannot use folder {folder:?}: {reason}")]
    FolderRefused {
        /// The folder concerned.
        folder: String,
        /// The server's words.
        reason: String,
    },
    /// The server lacks something the configured after-handling needs (MOVE or UIDPLUS, or
    /// keywords that persist).
    #[error("the server cannot do what the configuration asks: {0}")]
    Unsupported(String),
    /// The server did not answer in time.
    #[error("no answer from the server within {after:?} while {during}")]
    Timeout {
        /// The step that timed out.
        during: &'static str,
        /// The configured timeout.
        after: Duration,
    },
    /// The connection broke.
    #[error("connection lost while {during}: {source}")]
    Io {
        /// The step that was running.
        during: &'static str,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The server answered something this client does not accept (a refused command, a
    /// malformed response, a message larger than allowed).
    #[error("IMAP protocol error while {during}: {reason}")]
    Protocol {
        /// The step that was running.
        during: &'static str,
        /// What was wrong.
        reason: String,
    },
}

impl ImapError {
    pub(crate) fn protocol(during: &'static str, reason: impl Into<String>) -> Self {
        ImapError::Protocol {
            during,
            reason: reason.into(),
        }
    }
}
