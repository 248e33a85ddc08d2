//! Real DNS through hickory-resolver.

use std::net::SocketAddr;
use std::time::Duration;

use async_trait::async_trait;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as HickoryDnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::{DnsError, MailRoute, MxHost, Resolver, RouteAnswer};

/// Timeouts of a [`HickoryResolver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HickoryOptions {
    /// Per query and name server.
    pub timeout: Duration,
    /// Tries per query before giving up.
    pub attempts: usize,
    /// Bound on one whole [`Resolver::mail_route`] (MX, then A and AAAA).
    pub overall_timeout: Duration,
}

impl Default for HickoryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(2),
            attempts: 2,
            overall_timeout: Duration::from_secs(10),
        }
    }
}

/// Asks real name servers: MX first; on NODATA, A and AAAA (implicit MX). Build it inside a
/// Tokio runtime.
#[derive(Clone)]
pub struct HickoryResolver {
    resolver: TokioResolver,
    overall_timeout: Duration,
}

impl HickoryResolver {
    /// The system's name servers (`/etc/resolv.conf`), default timeouts.
    pub fn from_system_conf() -> Result<Self, DnsError> {
        Self::from_system_conf_with(HickoryOptions::default())
    }

    pub fn from_system_conf_with(options: HickoryOptions) -> Result<Self, DnsError> {
        let mut builder = TokioResolver::builder_tokio().map_err(config_error)?;
        apply(builder.options_mut(), options);
        Self::build(builder, options)
    }

    /// These name servers (UDP, TCP on truncation), default timeouts.
    pub fn with_nameservers(servers: &[SocketAddr]) -> Result<Self, DnsError> {
        Self::with_nameservers_and_options(servers, HickoryOptions::default())
    }

    pub fn with_nameservers_and_options(
        servers: &[SocketAddr],
        options: HickoryOptions,
    ) -> Result<Self, DnsError> {
        if servers.is_empty() {
            return Err(DnsError::Config("no name server given".into()));
        }
        let name_servers = servers
            .iter()
            .map(|addr| {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
            })
            .collect();
        let mut builder = TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(name_servers),
            TokioRuntimeProvider::default(),
        );
        apply(builder.options_mut(), options);
        Self::build(builder, options)
    }

    fn build(
        builder: hickory_resolver::ResolverBuilder<TokioRuntimeProvider>,
        options: HickoryOptions,
    ) -> Result<Self, DnsError> {
        Ok(Self {
            resolver: builder.build().map_err(config_error)?,
            overall_timeout: options.overall_timeout,
        })
    }

    async fn route(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        let mut name = Name::from_ascii(domain)
            .map_err(|e| DnsError::Failed(format!("'{domain}' is not a DNS name: {e}").into()))?;
        name.set_fqdn(true);

        match self.resolver.lookup(name.clone(), RecordType::MX).await {
            Ok(lookup) => {
                let mut ttl: Option<u32> = None;
                let mut hosts = Vec::new();
                let mut null_mx = false;
                for r in lookup.answers() {
                    if let RData::MX(mx) = &r.data {
                        ttl = Some(ttl.map_or(r.ttl, |t| t.min(r.ttl)));
                        if mx.exchange.is_root() {
                            null_mx = true;
                        } else {
                            let mut exchange = mx.exchange.to_ascii().to_ascii_lowercase();
                            if exchange.ends_with('.') {
                                exchange.pop();
                            }
                            hosts.push(MxHost {
                                preference: mx.preference,
                                exchange,
                            });
                        }
                    }
                }
                let ttl = ttl.map(|t| Duration::from_secs(u64::from(t)));
                if !hosts.is_empty() {
                    hosts.sort_by(|a, b| {
                        (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange))
                    });
                    Ok(RouteAnswer::new(MailRoute::Mx(hosts.into()), ttl))
                } else if null_mx {
                    Ok(RouteAnswer::new(MailRoute::NullMx, ttl))
                } else {
                    // Only a CNAME chain came back, without MX at its end: no MX.
                    self.implicit_mx(name).await
                }
            }
            Err(e) => match negative(&e) {
                Some((ResponseCode::NXDomain, ttl)) => {
                    Ok(RouteAnswer::new(MailRoute::NxDomain, ttl))
                }
                Some(_) => self.implicit_mx(name).await,
                None => Err(map_error(e)),
            },
        }
    }

    /// NODATA for MX: the domain's own address is its mail host (RFC 5321 §5.1).
    async fn implicit_mx(&self, name: Name) -> Result<RouteAnswer, DnsError> {
        let (a, aaaa) = tokio::join!(
            self.resolver.lookup(name.clone(), RecordType::A),
            self.resolver.lookup(name, RecordType::AAAA)
        );
        let mut negative_ttl: Option<Duration> = None;
        let mut failure = None;
        for r in [a, aaaa] {
            match r {
                Ok(lookup) => {
                    let ttl = lookup
                        .answers()
                        .iter()
                        .filter(|r| matches!(&r.data, RData::A(_) | RData::AAAA(_)))
                        .map(|r| r.ttl)
                        .min();
                    if let Some(t) = ttl {
                        return Ok(RouteAnswer::new(
                            MailRoute::ImplicitMx,
                            Some(Duration::from_secs(u64::from(t))),
                        ));
                    }
                }
                Err(e) => match negative(&e) {
                    Some((_, ttl)) => {
                        negative_ttl = match (negative_ttl, ttl) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        }
                    }
                    None => failure = Some(map_error(e)),
                },
            }
        }
        match failure {
            // One family failed and the other had nothing: we cannot tell.
            Some(e) => Err(e),
            None => Ok(RouteAnswer::new(MailRoute::NoRoute, negative_ttl)),
        }
    }
}

fn apply(opts: &mut ResolverOpts, options: HickoryOptions) {
    opts.timeout = options.timeout;
    opts.attempts = options.attempts.max(1);
    // Mail routing is DNS only; the hosts file says nothing about MX.
    opts.use_hosts_file = ResolveHosts::Never;
    // Bulk verification runs many lookups at once over one connection.
    opts.max_active_requests = opts.max_active_requests.max(512);
}

/// `Some((code, negative TTL))` for "no such records" answers (NXDOMAIN or NODATA).
fn negative(e: &NetError) -> Option<(ResponseCode, Option<Duration>)> {
    match e {
        NetError::Dns(HickoryDnsError::NoRecordsFound(nr)) => Some((
            nr.response_code,
            nr.negative_ttl.map(|t| Duration::from_secs(u64::from(t))),
        )),
        _ => None,
    }
}

fn map_error(e: NetError) -> DnsError {
    match e {
        NetError::Timeout => DnsError::Timeout,
        NetError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => DnsError::Timeout,
        NetError::Dns(HickoryDnsError::ResponseCode(code)) => {
            DnsError::ServerFailure(code.to_str().into())
        }
        other => DnsError::Failed(other.to_string().into()),
    }
}

fn config_error(e: NetError) -> DnsError {
    DnsError::Config(e.to_string().into())
}

#[async_trait]
impl Resolver for HickoryResolver {
    async fn mail_route(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        tokio::time::timeout(self.overall_timeout, self.route(domain))
            .await
            .unwrap_or(Err(DnsError::Timeout))
    }
}

impl std::fmt::Debug for HickoryResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HickoryResolver")
            .field("overall_timeout", &self.overall_timeout)
            .finish_non_exhaustive()
    }
}
