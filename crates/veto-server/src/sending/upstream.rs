//! Handing messages to a tenant's upstream SMTP server (its route), over lettre's SMTP client
//! connection, kept in a small pool per route so each tenant's traffic leaves over the
//! connections of the route it chose.
//!
//! The TCP connection is ours (not lettre's transport): lettre writes a message and its
//! terminating `.` in two writes, and with Nagle's algorithm on, the second waits for the
//! server's delayed acknowledgement — 40 ms per message. Our sockets set `TCP_NODELAY`.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use rustls_pki_types::ServerName;
use rustls_pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use veto_domain::id::RouteId;
use veto_domain::route::{Route, RouteTls};
use veto_domain::sealed::SecretsKey;

/// How long connecting, and each SMTP command, may take before the attempt is deferred.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Idle connections kept per route.
const POOL_SIZE: usize = 32;
/// An idle connection older than this is closed rather than reused (servers drop idle
/// clients after a few minutes).
const MAX_IDLE: Duration = Duration::from_secs(60);

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

/// A TLS connection in a form lettre's client accepts.
struct TlsTcp(tokio_rustls::client::TlsStream<TcpStream>);

impl fmt::Debug for TlsTcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTcp")
    }
}

impl AsyncRead for TlsTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

type Idle = Mutex<Vec<(Instant, AsyncSmtpConnection)>>;

/// The node's upstream connections, pooled per route.
pub struct Upstreams {
    pools: Mutex<HashMap<RouteId, Arc<Idle>>>,
    /// Extra trust anchors for upstream TLS (a private CA, a test server's certificate), PEM.
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

    fn pool(&self, route: RouteId) -> Arc<Idle> {
        match self.pools.lock() {
            Ok(mut m) => m.entry(route).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn tls_parameters(&self, host: &str) -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(host.to_string());
        for pem in &self.extra_roots {
            let cert = Certificate::from_pem(pem)
                .map_err(|e| format!("an extra upstream CA certificate does not load: {e}"))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|e| format!("TLS to {host} cannot be set up: {e}"))
    }

    /// A rustls client config trusting the system's roots and the extra ones.
    fn rustls_config(&self) -> Result<Arc<rustls::ClientConfig>, String> {
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(c);
        }
        for pem in &self.extra_roots {
            for c in rustls_pki_types::CertificateDer::pem_slice_iter(pem) {
                let c = c.map_err(|e| format!("an extra upstream CA certificate: {e}"))?;
                roots
                    .add(c)
                    .map_err(|e| format!("an extra upstream CA certificate: {e}"))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cfg = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(cfg))
    }

    async fn connect(
        &self,
        route: &Route,
        secrets: &SecretsKey,
    ) -> Result<AsyncSmtpConnection, String> {
        let at = format!("{}:{}", route.host, route.port);
        let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect(&at))
            .await
            .map_err(|_| format!("connecting to {at} timed out"))?
            .map_err(|e| format!("cannot connect to {at}: {e}"))?;
        tcp.set_nodelay(true)
            .map_err(|e| format!("cannot set TCP_NODELAY: {e}"))?;
        let hello = ClientId::Domain(self.hostname.clone());
        let mut conn = match route.tls {
            RouteTls::None | RouteTls::StartTls => {
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello)
                    .await
                    .map_err(|e| format!("{at}: {e}"))?
            }
            RouteTls::Implicit => {
                let name = ServerName::try_from(route.host.clone())
                    .map_err(|e| format!("{}: not a TLS server name: {e}", route.host))?;
                let tls = tokio::time::timeout(
                    TIMEOUT,
                    tokio_rustls::TlsConnector::from(self.rustls_config()?).connect(name, tcp),
                )
                .await
                .map_err(|_| format!("the TLS handshake with {at} timed out"))?
                .map_err(|e| format!("TLS with {at}: {e}"))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(TlsTcp(tls)), &hello)
                    .await
                    .map_err(|e| format!("{at}: {e}"))?
            }
        };
        if route.tls == RouteTls::StartTls {
            conn.starttls(self.tls_parameters(&route.host)?, &hello)
                .await
                .map_err(|e| format!("STARTTLS with {at}: {e}"))?;
        }
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
            conn.auth(
                &[Mechanism::Plain, Mechanism::Login],
                &Credentials::new(user.clone(), password),
            )
            .await
            .map_err(|e| format!("AUTH with {at}: {e}"))?;
        }
        Ok(conn)
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
        // lettre ends the data with CRLF "." CRLF itself: a message's own last CRLF would
        // become an extra empty line.
        let body = message.strip_suffix(b"\r\n").unwrap_or(message);
        let pool = self.pool(route.id);
        let reused = pool.lock().ok().and_then(|mut idle| {
            while let Some((at, c)) = idle.pop() {
                if at.elapsed() < MAX_IDLE && !c.has_broken() {
                    return Some(c);
                }
            }
            None
        });
        let mut conn = match reused {
            Some(c) => c,
            None => match self.connect(route, secrets).await {
                Ok(c) => c,
                Err(e) => return Handover::Deferred(e),
            },
        };
        let result = tokio::time::timeout(TIMEOUT * 5, conn.send(&envelope, body)).await;
        let out = match result {
            Ok(Ok(r)) => Handover::Sent(format!(
                "{} {}",
                r.code(),
                r.message().collect::<Vec<_>>().join(" ")
            )),
            Ok(Err(e)) if e.is_permanent() => Handover::Failed(e.to_string()),
            Ok(Err(e)) => Handover::Deferred(e.to_string()),
            Err(_) => Handover::Deferred("the upstream did not answer in time".into()),
        };
        // A connection goes back only after a completed transaction; after a refusal the
        // client state is unknown to us, so it is closed.
        if matches!(out, Handover::Sent(_))
            && !conn.has_broken()
            && let Ok(mut idle) = pool.lock()
            && idle.len() < POOL_SIZE
        {
            idle.push((Instant::now(), conn));
            return out;
        }
        conn.abort().await;
        out
    }
}
