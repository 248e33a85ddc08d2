//! The listener's TLS certificate: a rustls server configuration (ring provider) from PEM
//! files, or a generated self-signed certificate for local use and tests.

use std::sync::Arc;

use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why a certificate or key cannot be used; says which part is wrong.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate chain PEM is unreadable or holds no certificate.
    #[error("TLS certificate chain: {0}")]
    Certificate(String),
    /// The private key PEM is unreadable, holds no key, or the key type is not supported.
    #[error("TLS private key: {0}")]
    Key(String),
    /// Both are readable but the key is not the certificate's.
    #[error("TLS private key does not belong to the certificate: {0}")]
    Mismatch(String),
    /// A certificate could not be generated.
    #[error("generating a TLS certificate for {hostname:?}: {reason}")]
    Generate {
        /// The name asked for.
        hostname: String,
        /// What went wrong.
        reason: String,
    },
    /// rustls refused the setup for another reason.
    #[error("TLS setup: {0}")]
    Config(String),
}

/// A self-signed certificate and its key (PEM) for `hostname` (a DNS name or an IP address),
/// for local use and tests.
pub fn self_signed(hostname: &str) -> Result<(String, String), TlsError> {
    let generate_error = |reason: String| TlsError::Generate {
        hostname: hostname.to_owned(),
        reason,
    };
    if rustls_pki_types::ServerName::try_from(hostname).is_err() {
        return Err(generate_error("not a valid DNS name or IP address".into()));
    }
    let mut params = rcgen::CertificateParams::new(vec![hostname.to_owned()])
        .map_err(|e| generate_error(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, hostname);
    let key = rcgen::KeyPair::generate().map_err(|e| generate_error(e.to_string()))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| generate_error(e.to_string()))?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// A rustls server configuration from a PEM certificate chain (leaf first) and its private
/// key (PKCS#8, PKCS#1 or SEC1).
pub fn server_config(cert_pem: &str, key_pem: &str) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Certificate(format!("cannot be read: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError::Certificate(
            "holds no \"BEGIN CERTIFICATE\" block".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| match e {
        pem::Error::NoItemsFound => TlsError::Key(
            "holds no private key block (\"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or \
             \"BEGIN EC PRIVATE KEY\")"
                .into(),
        ),
        e => TlsError::Key(format!("cannot be read: {e}")),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => TlsError::Mismatch(e.to_string()),
            rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented => {
                TlsError::Certificate(e.to_string())
            }
            rustls::Error::General(_) => TlsError::Key(e.to_string()),
            e => TlsError::Config(e.to_string()),
        })?;
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_serves() {
        let (cert, key) = self_signed("mx.example").unwrap();
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(key.contains("PRIVATE KEY"));
        server_config(&cert, &key).unwrap();
        let (cert, key) = self_signed("127.0.0.1").unwrap();
        server_config(&cert, &key).unwrap();
    }

    #[test]
    fn errors_name_the_wrong_part() {
        let (cert, key) = self_signed("mx.example").unwrap();
        let (_, other_key) = self_signed("mx.example").unwrap();
        assert!(matches!(
            server_config("", &key),
            Err(TlsError::Certificate(_))
        ));
        assert!(matches!(
            server_config(&key, &key),
            Err(TlsError::Certificate(_))
        ));
        assert!(matches!(server_config(&cert, ""), Err(TlsError::Key(_))));
        assert!(matches!(server_config(&cert, &cert), Err(TlsError::Key(_))));
        let broken = key.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\n!!!!");
        assert!(matches!(
            server_config(&cert, &broken),
            Err(TlsError::Key(_))
        ));
        assert!(matches!(
            server_config(&cert, &other_key),
            Err(TlsError::Mismatch(_))
        ));
        assert!(matches!(self_signed(""), Err(TlsError::Generate { .. })));
        assert!(matches!(
            self_signed("bad name!"),
            Err(TlsError::Generate { .. })
        ));
    }
}
