//! Configured ways in for signals: a tenant's inbound mailboxes (IMAP) and its providers'
//! event webhooks. The public configuration is JSON the source's reader understands; the
//! secret (a mailbox password, a webhook signing key or credentials) is stored sealed
//! ([`crate::sealed`]); the state is what the reader keeps between runs (an IMAP cursor).

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{SourceId, TenantId};

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Imap,
    Ses,
    SendGrid,
    Mailgun,
    Postmark,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Imap,
        SourceKind::Ses,
        SourceKind::SendGrid,
        SourceKind::Mailgun,
        SourceKind::Postmark,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Imap => "imap",
            SourceKind::Ses => "ses",
            SourceKind::SendGrid => "sendgrid",
            SourceKind::Mailgun => "mailgun",
            SourceKind::Postmark => "postmark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A configured source.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundSource {
    pub id: SourceId,
    pub tenant_id: TenantId,
    pub kind: SourceKind,
    pub name: String,
    /// Public configuration (JSON text): host, port, folder … never a secret.
    pub config: String,
    /// The sealed secret, if the source has one.
    pub secret: Option<Vec<u8>>,
    /// What the reader keeps between runs (JSON text).
    pub state: String,
    pub enabled: bool,
    pub created_by: Actor,
    pub created_at: Timestamp,
    pub last_run_at: Option<Timestamp>,
    /// The last run's error, cleared by a run that succeeds.
    pub last_error: Option<String>,
}

impl InboundSource {
    /// The associated data its secret is sealed with.
    pub fn seal_aad(tenant: TenantId, id: SourceId) -> Vec<u8> {
        format!("inbound-source/{tenant}/{id}").into_bytes()
    }
}
