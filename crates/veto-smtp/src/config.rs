//! The listener's settings: name, limits, timeouts and TLS.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How one SMTP listener behaves. [`Default`] gives RFC-conforming limits; set `hostname` and,
/// for anything but loopback clients, `tls`.
#[derive(Clone)]
pub struct ServerConfig {
    /// The name in the greeting and the EHLO reply.
    pub hostname: String,
    /// Largest accepted message (after dot-unstuffing), advertised as `SIZE`; default 25 MiB.
    pub max_message_bytes: usize,
    /// Accepted recipients per transaction; beyond it RCPT gets `452 4.5.3` (RFC 5321
    /// 4.5.3.1.8 asks for at least 100); default 1000.
    pub max_recipients: usize,
    /// Concurrent sessions; a connection beyond it gets `421 4.7.0` and is closed.
    pub max_connections: usize,
    /// How long the server waits for the next command (RFC 5321 4.5.3.2.7: at least 5 min).
    pub command_timeout: Duration,
    /// How long the server waits for each read during DATA (RFC 5321 4.5.3.2.6: 3 min).
    pub data_timeout: Duration,
    /// The TLS certificate; when set, STARTTLS is offered on a plain listener.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// The listener speaks TLS from the first byte (port 465, RFC 8314); needs `tls`.
    pub implicit_tls: bool,
    /// Failed AUTH attempts per session before `421` and close; default 3.
    pub max_auth_failures: u32,
    /// Refused commands (unknown, bad syntax, out of sequence, too long) per session before
    /// `421` and close; default 20.
    pub max_bad_commands: u32,
    /// After shutdown, how long sessions get to finish before they are dropped; default 10 s.
    pub shutdown_grace: Duration,
    /// Whether loopback clients may AUTH without TLS; default true. Turn it off when a
    /// plain-text proxy on this machine forwards remote clients (they would all look local).
    pub loopback_auth_without_tls: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            hostname: "localhost".into(),
            max_message_bytes: 25 * 1024 * 1024,
            max_recipients: 1000,
            max_connections: 100,
            command_timeout: Duration::from_secs(5 * 60),
            data_timeout: Duration::from_secs(3 * 60),
            tls: None,
            implicit_tls: false,
            max_auth_failures: 3,
            max_bad_commands: 20,
            shutdown_grace: Duration::from_secs(10),
            loopback_auth_without_tls: true,
        }
    }
}

impl ServerConfig {
    /// Why this configuration cannot serve, if it cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.hostname.is_empty()
            || self
                .hostname
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!(
                "the SMTP hostname {:?} must be one word without spaces or control characters",
                self.hostname
            ));
        }
        if self.implicit_tls && self.tls.is_none() {
            return Err("an implicit-TLS SMTP listener needs a TLS certificate".into());
        }
        for (name, value) in [
            ("max_message_bytes", self.max_message_bytes),
            ("max_recipients", self.max_recipients),
            ("max_connections", self.max_connections),
        ] {
            if value == 0 {
                return Err(format!("the SMTP {name} must be at least 1"));
            }
        }
        if self.max_auth_failures == 0 || self.max_bad_commands == 0 {
            return Err(
                "the SMTP max_auth_failures and max_bad_commands must be at least 1".into(),
            );
        }
        Ok(())
    }
}

impl fmt::Debug for ServerConfig {
    // Written out so the TLS key material behind `tls` is never formatted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("hostname", &self.hostname)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("max_recipients", &self.max_recipients)
            .field("max_connections", &self.max_connections)
            .field("command_timeout", &self.command_timeout)
            .field("data_timeout", &self.data_timeout)
            .field("tls", &self.tls.as_ref().map(|_| "configured"))
            .field("implicit_tls", &self.implicit_tls)
            .field("max_auth_failures", &self.max_auth_failures)
            .field("max_bad_commands", &self.max_bad_commands)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("loopback_auth_without_tls", &self.loopback_auth_without_tls)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_rfc_and_validate() {
        let c = ServerConfig::default();
        assert_eq!(c.max_message_bytes, 25 * 1024 * 1024);
        assert_eq!(c.max_recipients, 1000);
        assert_eq!(c.command_timeout, Duration::from_secs(300));
        assert_eq!(c.data_timeout, Duration::from_secs(180));
        assert_eq!((c.max_auth_failures, c.max_bad_commands), (3, 20));
        assert!(c.validate().is_ok());
    }

    #[test]
    fn refuses_what_cannot_work() {
        let c = ServerConfig {
            implicit_tls: true,
            ..ServerConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("implicit-TLS"));
        let c = ServerConfig {
            hostname: "mx example".into(),
            ..ServerConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("hostname"));
        let c = ServerConfig {
            max_connections: 0,
            ..ServerConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("max_connections"));
    }
}
