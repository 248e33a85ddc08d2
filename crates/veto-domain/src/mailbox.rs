//! Sending identities: the domains a tenant sends from (each with its DKIM key) and its
//! mailboxes (From addresses). A mailbox may have an outbound route of its own; otherwise the
//! tenant's default route carries its mail, so one tenant's traffic never shares a route it
//! did not choose.

use crate::Timestamp;
use crate::actor::Actor;
use crate::email::EmailAddress;
use crate::id::{MailboxId, RouteId, SendingDomainId, TenantId};
use crate::suppression::closed_enum;
use serde::{Deserialize, Serialize};

closed_enum!(
    /// The signing algorithm of a DKIM key.
    DkimAlgorithm {
        /// RSA-SHA256 with a 2048-bit key (RFC 6376, RFC 8301): verified by every receiver.
        Rsa = "rsa",
        /// Ed25519-SHA256 (RFC 8463): small and fast, not verified by every receiver yet.
        Ed25519 = "ed25519",
    }
);

/// The DKIM key of a sending domain. The private key (PKCS#8 DER) is stored sealed under the
/// node's secrets key and never shown; the public half is what the DNS record publishes.
#[derive(Clone, PartialEq, Eq)]
pub struct DkimKeyRecord {
    pub selector: String,
    pub algorithm: DkimAlgorithm,
    /// Sealed PKCS#8 DER.
    pub private_sealed: Vec<u8>,
    /// Base64 of the public key as published in `p=`.
    pub public_b64: String,
    pub created_by: Actor,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for DkimKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKeyRecord")
            .field("selector", &self.selector)
            .field("algorithm", &self.algorithm)
            .field("private_sealed", &"<sealed>")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A domain a tenant sends from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingDomain {
    pub id: SendingDomainId,
    pub tenant_id: TenantId,
    /// IDNA ASCII, lower-case.
    pub domain: String,
    /// The key messages from this domain are signed with, once one was made.
    pub dkim: Option<DkimKeyRecord>,
    pub created_by: Actor,
    pub created_at: Timestamp,
}

impl SendingDomain {
    /// The associated data the DKIM private key is sealed with.
    pub fn seal_aad(tenant: TenantId, id: SendingDomainId, selector: &str) -> Vec<u8> {
        format!("dkim/{tenant}/{id}/{selector}").into_bytes()
    }
}

/// A From address of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub id: MailboxId,
    pub tenant_id: TenantId,
    pub address: EmailAddress,
    /// The display name in `From:`.
    pub display_name: Option<String>,
    /// Its own outbound route; `None` uses the tenant's default route.
    pub route_id: Option<RouteId>,
    /// A paused mailbox sends nothing (its steps wait).
    pub paused: bool,
    pub created_by: Actor,
    pub created_at: Timestamp,
}
