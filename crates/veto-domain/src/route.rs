//! Outbound routes: the upstream SMTP server a tenant's (or one mailbox's) mail is relayed
//! to, so one tenant's traffic and reputation never share a route it did not choose. The
//! password is stored sealed ([`crate::sealed`]); the first route of a tenant is its default.

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{RouteId, TenantId};

/// How the connection to the upstream is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTls {
    /// Plain SMTP (loopback or trusted networks only).
    None,
    /// STARTTLS after the greeting, required.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Implicit,
}

impl RouteTls {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteTls::None => "none",
            RouteTls::StartTls => "starttls",
            RouteTls::Implicit => "implicit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "none" => Some(RouteTls::None),
            "starttls" => Some(RouteTls::StartTls),
            "implicit" => Some(RouteTls::Implicit),
            _ => None,
        }
    }
}

/// An upstream SMTP route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub id: RouteId,
    pub tenant_id: TenantId,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub tls: RouteTls,
    pub username: Option<String>,
    /// The sealed password, if any.
    pub password: Option<Vec<u8>>,
    /// The tenant's default route (its first).
    pub is_default: bool,
    pub created_by: Actor,
    pub created_at: Timestamp,
}

impl Route {
    /// The associated data its password is sealed with.
    pub fn seal_aad(tenant: TenantId, id: RouteId) -> Vec<u8> {
        format!("route/{tenant}/{id}").into_bytes()
    }
}
