//! Where the mailbox is, how to reach it safely, and what to do with mail once it is handled.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ImapError;

/// The keyword set on handled messages unless the configuration names another.
pub const DEFAULT_KEYWORD: &str = "$VetoHandled";

/// How the connection is protected.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (IMAPS, usually port 993).
    Implicit,
    /// Plain IMAP upgraded with STARTTLS before logging in (usually port 143); a server that
    /// does not offer STARTTLS is refused.
    StartTls,
    /// No TLS at all: only accepted when the host is a loopback address or `localhost`.
    Plain,
}

/// What happens to a message the handler reports as [`Handled`](crate::Disposition::Handled).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterHandling {
    /// Set this IMAP keyword (default [`DEFAULT_KEYWORD`]); flagged messages are never fetched
    /// again, even after the mailbox's UIDVALIDITY changes.
    Flag(String),
    /// Move the message to this folder, created when missing. Uses UID MOVE (RFC 6851) when the
    /// server offers it, else UID COPY, then `\Deleted` and UID EXPUNGE (RFC 4315) of exactly
    /// that message.
    Move(String),
    /// Only set `\Seen`. The cursor alone prevents reprocessing, so when the mailbox's
    /// UIDVALIDITY changes every message is handed to the handler again: the handler must be
    /// idempotent.
    Seen,
}

impl Default for AfterHandling {
    fn default() -> Self {
        AfterHandling::Flag(DEFAULT_KEYWORD.to_owned())
    }
}

/// Which certificate authorities vouch for the server.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Trust {
    /// The operating system's root certificates.
    #[default]
    Platform,
    /// Exactly the CA certificates in this PEM text (a self-hosted server with its own CA).
    CaPem(String),
}

/// One inbound mailbox.
#[derive(Clone)]
pub struct MailboxConfig {
    /// Host name or IP address; also the name the certificate must carry.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// IMAP user name.
    pub username: String,
    /// IMAP password; never printed by `Debug` and never part of an error or a log line.
    pub password: String,
    /// Folder to read (default `INBOX`). Names outside ASCII are sent in modified UTF-7.
    pub folder: String,
    /// What happens to handled messages.
    pub after: AfterHandling,
    /// Which CAs to trust.
    pub trust: Trust,
    /// At most this many messages are handed to the handler per poll.
    pub batch: usize,
    /// Limit for each network step: connecting, the TLS handshake, and each command with its
    /// whole answer (a message download included).
    pub timeout: Duration,
    /// Messages larger than this are not downloaded: they are left untouched, counted in
    /// [`PollReport::oversized`](crate::PollReport::oversized) and passed by the cursor.
    pub max_message_bytes: u64,
}

impl MailboxConfig {
    /// A configuration with the defaults: implicit TLS on port 993, platform roots, `INBOX`,
    /// the [`DEFAULT_KEYWORD`] flag, batches of 100, 60 s per step, messages up to 25 MiB.
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        MailboxConfig {
            host: host.into(),
            port: 993,
            security: Security::Implicit,
            username: username.into(),
            password: password.into(),
            folder: "INBOX".to_owned(),
            after: AfterHandling::default(),
            trust: Trust::Platform,
            batch: 100,
            timeout: Duration::from_secs(60),
            max_message_bytes: 25 * 1024 * 1024,
        }
    }

    /// Refuses settings that cannot work or would be unsafe, before any connection is made.
    pub fn validate(&self) -> Result<(), ImapError> {
        let bad = |what: &str| Err(ImapError::Config(what.to_owned()));
        if self.host.trim().is_empty() {
            return bad("the host is empty");
        }
        if self.security == Security::Plain && !is_loopback(&self.host) {
            return Err(ImapError::Config(format!(
                "plain IMAP without TLS is only allowed to a loopback host, not {:?}",
                self.host
            )));
        }
        if self.username.is_empty() {
            return bad("the user name is empty");
        }
        if has_line_break_or_nul(&self.username) {
            return bad("the user name contains a line break or NUL");
        }
        if has_line_break_or_nul(&self.password) {
            return bad("the password contains a line break or NUL");
        }
        if self.folder.is_empty() || has_line_break_or_nul(&self.folder) {
            return bad("the folder name is empty or contains a line break or NUL");
        }
        if self.batch == 0 {
            return bad("the batch size is 0");
        }
        if self.timeout.is_zero() {
            return bad("the timeout is 0");
        }
        match &self.after {
            AfterHandling::Flag(keyword) => {
                if !is_keyword(keyword) {
                    return Err(ImapError::Config(format!(
                        "{keyword:?} is not a valid IMAP keyword (printable ASCII without \
                         spaces, parentheses, braces, quotes, %, *, \\ or ])"
                    )));
                }
            }
            AfterHandling::Move(dest) => {
                if dest.is_empty() || has_line_break_or_nul(dest) {
                    return bad("the destination folder is empty or contains a line break or NUL");
                }
                if same_folder(dest, &self.folder) {
                    return bad("the destination folder is the folder being read");
                }
            }
            AfterHandling::Seen => {}
        }
        Ok(())
    }
}

impl fmt::Debug for MailboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("folder", &self.folder)
            .field("after", &self.after)
            .field("trust", &self.trust)
            .field("batch", &self.batch)
            .field("timeout", &self.timeout)
            .field("max_message_bytes", &self.max_message_bytes)
            .finish()
    }
}

/// `localhost` or an address in 127.0.0.0/8 or `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

fn has_line_break_or_nul(s: &str) -> bool {
    s.contains(['\r', '\n', '\0'])
}

/// RFC 3501 `flag-keyword = atom`: printable ASCII except the atom-specials and `]`.
fn is_keyword(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| (0x21..0x7f).contains(&b) && !b"(){%*\"\\]".contains(&b))
}

/// `INBOX` is case-insensitive (RFC 3501 §5.1); other names compare exactly.
fn same_folder(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case("INBOX") {
        b.eq_ignore_ascii_case("INBOX")
    } else {
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MailboxConfig {
        MailboxConfig::new("imap.example.com", "bounces@example.com", "hunter2-secret")
    }

    #[test]
    fn defaults_validate() {
        assert!(cfg().validate().is_ok());
    }

    #[test]
    fn plain_only_to_loopback() {
        let mut c = cfg();
        c.security = Security::Plain;
        assert!(matches!(c.validate(), Err(ImapError::Config(_))));
        for host in [
            "127.0.0.1",
            "127.8.9.1",
            "::1",
            "[::1]",
            "localhost",
            "LOCALHOST",
        ] {
            c.host = host.to_owned();
            assert!(c.validate().is_ok(), "{host}");
        }
    }

    #[test]
    fn keywords_are_atoms() {
        let mut c = cfg();
        for bad in [
            "",
            "two words",
            "\\Seen",
            "a]b",
            "(x)",
            "wild*",
            "quo\"te",
            "ü",
        ] {
            c.after = AfterHandling::Flag(bad.to_owned());
            assert!(c.validate().is_err(), "{bad:?}");
        }
        c.after = AfterHandling::Flag("Veto_done-1".to_owned());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn move_needs_another_folder() {
        let mut c = cfg();
        c.after = AfterHandling::Move("inbox".to_owned());
        assert!(c.validate().is_err());
        c.after = AfterHandling::Move("Processed".to_owned());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", cfg());
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
        let mut c = cfg();
        c.password = "line\nbreak-secret".to_owned();
        let err = c.validate().unwrap_err().to_string();
        assert!(!err.contains("break-secret"), "{err}");
    }
}
