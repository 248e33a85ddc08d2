//! What the DNS says about where a domain's mail goes.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

/// One mail exchanger of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MxHost {
    /// Lower values are tried first.
    pub preference: u16,
    /// Host name, lower case, without the trailing dot.
    pub exchange: String,
}

/// Where mail for a domain goes, as far as DNS tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MailRoute {
    /// MX records, most preferred first. Cheap to clone (shared).
    Mx(Arc<[MxHost]>),
    /// A null MX (RFC 7505: one MX with preference 0 and exchange "."): the domain declares
    /// that it accepts no mail.
    NullMx,
    /// No MX records, but the domain has an A or AAAA address, which is its implicit MX
    /// (RFC 5321 §5.1).
    ImplicitMx,
    /// The domain exists but has neither MX nor A/AAAA records (NODATA on all three).
    NoRoute,
    /// The domain does not exist (NXDOMAIN).
    NxDomain,
}

impl MailRoute {
    /// MX records from a list in any order; sorted by preference.
    pub fn mx(hosts: impl IntoIterator<Item = (u16, impl Into<String>)>) -> Self {
        let mut v: Vec<MxHost> = hosts
            .into_iter()
            .map(|(preference, exchange)| MxHost {
                preference,
                exchange: exchange.into(),
            })
            .collect();
        v.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
        Self::Mx(v.into())
    }

    /// Does mail have somewhere to go?
    pub fn accepts_mail(&self) -> bool {
        matches!(self, Self::Mx(_) | Self::ImplicitMx)
    }

    /// A negative answer in the sense of RFC 2308 (cached like one).
    pub fn is_negative(&self) -> bool {
        matches!(self, Self::NoRoute | Self::NxDomain)
    }
}

/// A [`MailRoute`] and how long the DNS said it may be reused, when it said.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteAnswer {
    pub route: MailRoute,
    /// The smallest TTL of the records behind the answer (the SOA minimum for a negative
    /// answer); `None` when the answer carried none.
    pub ttl: Option<Duration>,
}

impl RouteAnswer {
    pub fn new(route: MailRoute, ttl: Option<Duration>) -> Self {
        Self { route, ttl }
    }
}

impl From<MailRoute> for RouteAnswer {
    fn from(route: MailRoute) -> Self {
        Self { route, ttl: None }
    }
}

/// DNS could not give an answer. Never a statement about the domain: the lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum DnsError {
    #[error("the DNS lookup timed out")]
    Timeout,
    /// The server answered with an error code (SERVFAIL, REFUSED, …).
    #[error("the DNS server answered {0}")]
    ServerFailure(Arc<str>),
    /// Anything else between us and an answer (network, malformed response, …).
    #[error("the DNS lookup failed: {0}")]
    Failed(Arc<str>),
    /// The resolver could not be set up (unreadable system configuration, no name server).
    #[error("the DNS resolver is not configured: {0}")]
    Config(Arc<str>),
}

/// Looks up where a domain's mail goes.
#[async_trait]
pub trait Resolver: Send + Sync {
    /// `domain` is a normalised domain (lower case, IDNA ASCII, no trailing dot), as
    /// [`veto_domain::email::EmailAddress::domain`] gives it.
    async fn mail_route(&self, domain: &str) -> Result<RouteAnswer, DnsError>;
}

#[async_trait]
impl<R: Resolver + ?Sized> Resolver for Arc<R> {
    async fn mail_route(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        (**self).mail_route(domain).await
    }
}
