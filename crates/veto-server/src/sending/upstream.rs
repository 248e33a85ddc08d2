//! Handing messages to a tenant's upstream SMTP server (its route), through lettre's pooled
//! async transport: one pool per route, built on first use, so each tenant's traffic leaves
//! over the connections of the route it chose.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use veto_domain::id::RouteId;
use veto_domain::route::{Route, RouteTls};
use veto_domain::sealed::SecretsKey;

/// How long one SMTP command to the upstream may take before the attempt is deferred.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Connections kept per route.
const POOL_SIZE: u32 = 32;

/// What the upstream did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// Accepted (its reply).
    Sent(String),
    /// Refused for now (4xx), or the upstream could not be reached: try again later.
    Deferred(String),
    /// Refused for good (5xx).
    Failed(String),
}

impl Handover {
    pub fn reply(&self) -> &str {
        match self {
            Self::Sent(r) | Self::Deferred(r) | Self::Failed(r) => r,
        }
    }
}

/// The node's upstream transports, one pool per route.
pub struct Upstreams {
    pools: Mutex<HashMap<RouteId, Arc<AsyncSmtpTransport<Tokio1Executor>>>>,
    /// Extra trust anchors for upstream TLS (a private CA, a test server's certificate).
    extra_roots: Vec<Vec<u8>>,
    /// The name this node gives in EHLO.
    hostname: String,
}

impl Upstreams {
    pub fn new(hostname: String, extra_roots_pem: Vec<Vec<u8>>) -> Self {
        Self {
            pools: Mutex::new(HashMap::new()),
            extra_roots: extra_roots_pem,
            hostname,
        }
    }

    fn transport(
        &self,
        route: &Route,
        secrets: &SecretsKey,
    ) -> Result<Arc<AsyncSmtpTransport<Tokio1Executor>>, String> {
        if let Some(t) = self
            .pools
            .lock()
            .map_err(|_| "the upstream pool lock was poisoned".to_string())?
            .get(&route.id)
        {
            return Ok(t.clone());
        }
        let tls_params = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(route.host.clone());
            for pem in &self.extra_roots {
                let cert = Certificate::from_pem(pem)
                    .map_err(|e| format!("an extra upstream CA certificate does not load: {e}"))?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls()
                .map_err(|e| format!("TLS to {} cannot be set up: {e}", route.host))
        };
        let tls = match route.tls {
            RouteTls::None => Tls::None,
            RouteTls::StartTls => Tls::Required(tls_params()?),
            RouteTls::Implicit => Tls::Wrapper(tls_params()?),
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(route.host.clone())
            .port(route.port)
            .tls(tls)
            .hello_name(ClientId::Domain(self.hostname.clone()))
            .timeout(Some(COMMAND_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(POOL_SIZE));
        if let Some(user) = &route.username {
            let password = match &route.password {
                Some(sealed) => {
                    let plain = secrets
                        .open(sealed, &Route::seal_aad(route.tenant_id, route.id))
                        .map_err(|e| {
                            format!(
                                "the password of route '{}' does not open with this node's secrets key: {e}",
                                route.name
                            )
                        })?;
                    String::from_utf8(plain).map_err(|_| {
                        format!("the password of route '{}' is not UTF-8", route.name)
                    })?
                }
                None => String::new(),
            };
            b = b
                .credentials(Credentials::new(user.clone(), password))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        let t = Arc::new(b.build());
        self.pools
            .lock()
            .map_err(|_| "the upstream pool lock was poisoned".to_string())?
            .insert(route.id, t.clone());
        Ok(t)
    }

    /// Hands `message` to the route for `to`, with `from` as the envelope sender (empty: the
    /// null sender).
    pub async fn send(
        &self,
        route: &Route,
        secrets: &SecretsKey,
        from: &str,
        to: &str,
        message: &[u8],
    ) -> Handover {
        let transport = match self.transport(route, secrets) {
            Ok(t) => t,
            Err(e) => return Handover::Deferred(e),
        };
        let sender = if from.is_empty() {
            None
        } else {
            match from.parse::<Address>() {
                Ok(a) => Some(a),
                Err(e) => return Handover::Failed(format!("envelope sender {from:?}: {e}")),
            }
        };
        let rcpt = match to.parse::<Address>() {
            Ok(a) => a,
            Err(e) => return Handover::Failed(format!("recipient {to:?}: {e}")),
        };
        let envelope = match Envelope::new(sender, vec![rcpt]) {
            Ok(e) => e,
            Err(e) => return Handover::Failed(format!("envelope: {e}")),
        };
        match transport.send_raw(&envelope, message).await {
            Ok(r) => Handover::Sent(format!(
                "{} {}",
                r.code(),
                r.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) if e.is_permanent() => Handover::Failed(e.to_string()),
            Err(e) => Handover::Deferred(e.to_string()),
        }
    }
}
