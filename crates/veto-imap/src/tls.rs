//! TLS client setup (rustls with the ring provider) and the one stream type the session reads.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::config::Trust;
use crate::error::ImapError;

/// A connection before or after TLS.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stream::Plain(_) => "Stream::Plain",
            Stream::Tls(_) => "Stream::Tls",
        })
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The TLS handshake over an open TCP connection; the certificate must name `host`.
pub(crate) async fn handshake(
    tcp: TcpStream,
    host: &str,
    trust: &Trust,
) -> Result<TlsStream<TcpStream>, ImapError> {
    let tls_error = |reason: String| ImapError::Tls {
        host: host.to_owned(),
        reason,
    };
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(name.to_owned())
        .map_err(|_| tls_error("the host is not a valid DNS name or IP address".into()))?;
    let config = client_config(trust).map_err(|e| match e {
        TrustError::Config(msg) => ImapError::Config(msg),
        TrustError::Tls(msg) => tls_error(msg),
    })?;
    TlsConnector::from(config)
        .connect(server_name, tcp)
        .await
        .map_err(|e| tls_error(e.to_string()))
}

enum TrustError {
    Config(String),
    Tls(String),
}

fn client_config(trust: &Trust) -> Result<Arc<ClientConfig>, TrustError> {
    static PLATFORM: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    match trust {
        Trust::Platform => {
            if let Some(config) = PLATFORM.get() {
                return Ok(config.clone());
            }
            let loaded = rustls_native_certs::load_native_certs();
            let mut roots = RootCertStore::empty();
            let (added, _ignored) = roots.add_parsable_certificates(loaded.certs);
            if added == 0 {
                return Err(TrustError::Tls(
                    "no CA certificates found in the operating system's store".into(),
                ));
            }
            let config = build(roots)?;
            Ok(PLATFORM.get_or_init(|| config).clone())
        }
        Trust::CaPem(pem) => {
            let mut roots = RootCertStore::empty();
            let mut count = 0;
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|e| {
                    TrustError::Config(format!("the trusted CA PEM cannot be read: {e}"))
                })?;
                roots.add(cert).map_err(|e| {
                    TrustError::Config(format!("a trusted CA certificate is not usable: {e}"))
                })?;
                count += 1;
            }
            if count == 0 {
                return Err(TrustError::Config(
                    "the trusted CA PEM holds no certificate".into(),
                ));
            }
            build(roots)
        }
    }
}

fn build(roots: RootCertStore) -> Result<Arc<ClientConfig>, TrustError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TrustError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
