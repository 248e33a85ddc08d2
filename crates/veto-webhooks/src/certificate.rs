//! SNS signing certificates: which URLs may name one, where they come from (a fixed set or an
//! HTTPS fetch with a cache), and the RSA key they carry.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use regex::Regex;
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use time::OffsetDateTime;
use url::Url;
use x509_cert::Certificate;
use x509_cert::der::{Decode, DecodePem, Encode};

use crate::error::WebhookError;

/// The hosts SNS serves its signing certificates from: `sns.<region>.amazonaws.com`, and
/// `.amazonaws.com.cn` in the China regions (the rule of AWS's own message validators).
pub const DEFAULT_SNS_CERT_HOST_PATTERN: &str = r"sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?";

/// Which `SigningCertURL`s are accepted: `https`, no credentials, no port, no query or fragment,
/// a path ending in `.pem`, and a host matching the pattern.
#[derive(Clone)]
pub struct CertUrlPolicy {
    host: Regex,
}

impl fmt::Debug for CertUrlPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertUrlPolicy")
            .field("host", &self.host.as_str())
            .finish()
    }
}

impl Default for CertUrlPolicy {
    fn default() -> Self {
        CertUrlPolicy::aws()
    }
}

impl CertUrlPolicy {
    /// SNS's own certificate hosts ([`DEFAULT_SNS_CERT_HOST_PATTERN`]).
    pub fn aws() -> Self {
        #[allow(clippy::expect_used)]
        let host = Regex::new(&anchored(DEFAULT_SNS_CERT_HOST_PATTERN))
            .expect("the constant host pattern is a valid expression");
        CertUrlPolicy { host }
    }

    /// Hosts matching `pattern` (a regular expression matched against the whole lower-case
    /// host name), e.g. for a test server or a partition with other host names.
    pub fn with_host_pattern(pattern: &str) -> Result<Self, regex::Error> {
        Ok(CertUrlPolicy {
            host: Regex::new(&anchored(pattern))?,
        })
    }

    /// The parsed URL when it is an allowed certificate location.
    pub fn check(&self, url: &str) -> Result<Url, WebhookError> {
        let refuse = |reason: &'static str| WebhookError::CertificateUrlNotAllowed {
            url: url.to_string(),
            reason,
        };
        let parsed = Url::parse(url.trim()).map_err(|_| refuse("not a URL"))?;
        if parsed.scheme() != "https" {
            return Err(refuse("not https"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(refuse("carries credentials"));
        }
        if parsed.port().is_some() {
            return Err(refuse("names a port"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(refuse("has a query or fragment"));
        }
        if !parsed.path().ends_with(".pem") {
            return Err(refuse("is not a .pem file"));
        }
        let Some(url::Host::Domain(host)) = parsed.host() else {
            return Err(refuse("has no host name"));
        };
        if !self.host.is_match(host) {
            return Err(refuse("host is not an SNS certificate host"));
        }
        Ok(parsed)
    }
}

fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// The RSA public key of an SNS signing certificate, with the certificate's validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificate {
    key: RsaPublicKey,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl SigningCertificate {
    /// Reads a PEM certificate (the first `CERTIFICATE` block when there are several).
    pub fn from_pem(pem: &[u8]) -> Result<Self, WebhookError> {
        let text = std::str::from_utf8(pem).map_err(|_| invalid("PEM is not UTF-8"))?;
        const END: &str = "-----END CERTIFICATE-----";
        let first = text
            .find(END)
            .and_then(|at| text.get(..at + END.len()))
            .ok_or_else(|| invalid("no PEM CERTIFICATE block"))?;
        let start = first
            .find("-----BEGIN CERTIFICATE-----")
            .ok_or_else(|| invalid("no PEM CERTIFICATE block"))?;
        let block = first.get(start..).unwrap_or(first);
        let cert = Certificate::from_pem(block.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        Self::from_certificate(&cert)
    }

    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, WebhookError> {
        let cert = Certificate::from_der(der).map_err(|e| invalid(e.to_string()))?;
        Self::from_certificate(&cert)
    }

    /// Reads PEM or DER, whichever `bytes` is.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, WebhookError> {
        if bytes.trim_ascii_start().starts_with(b"-----") {
            Self::from_pem(bytes)
        } else {
            Self::from_der(bytes)
        }
    }

    fn from_certificate(cert: &Certificate) -> Result<Self, WebhookError> {
        let tbs = &cert.tbs_certificate;
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| invalid(e.to_string()))?;
        let key = RsaPublicKey::from_public_key_der(&spki)
            .map_err(|e| invalid(format!("not an RSA public key: {e}")))?;
        let time = |t: x509_cert::time::Time| {
            let seconds = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
            OffsetDateTime::from_unix_timestamp(seconds)
                .map_err(|_| invalid("validity out of range"))
        };
        Ok(SigningCertificate {
            key,
            not_before: time(tbs.validity.not_before)?,
            not_after: time(tbs.validity.not_after)?,
        })
    }

    /// The RSA public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.key
    }

    /// Refuses the certificate outside its validity period.
    pub fn check_validity(&self, now: OffsetDateTime) -> Result<(), WebhookError> {
        if now < self.not_before || now > self.not_after {
            let fmt = |t: OffsetDateTime| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            };
            return Err(WebhookError::CertificateExpired {
                not_before: fmt(self.not_before),
                not_after: fmt(self.not_after),
            });
        }
        Ok(())
    }
}

fn invalid(detail: impl Into<String>) -> WebhookError {
    WebhookError::CertificateInvalid {
        detail: detail.into(),
    }
}

/// Where SNS signing certificates come from. It is only ever asked for URLs that passed the
/// [`CertUrlPolicy`].
#[async_trait]
pub trait CertificateSource: Send + Sync {
    /// The certificate at `url`.
    async fn certificate(&self, url: &Url) -> Result<Arc<SigningCertificate>, WebhookError>;
}

/// A fixed set of trusted certificates keyed by their URL, for tests and air-gapped installs.
#[derive(Debug, Clone, Default)]
pub struct StaticCertificates {
    by_url: HashMap<String, Arc<SigningCertificate>>,
}

impl StaticCertificates {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the PEM (or DER) certificate served at `url`.
    pub fn insert(&mut self, url: &str, certificate: &[u8]) -> Result<&mut Self, WebhookError> {
        let cert = SigningCertificate::from_bytes(certificate)?;
        self.by_url.insert(normalise(url), Arc::new(cert));
        Ok(self)
    }

    /// Adds the PEM (or DER) certificate served at `url`, builder style.
    pub fn with(mut self, url: &str, certificate: &[u8]) -> Result<Self, WebhookError> {
        self.insert(url, certificate)?;
        Ok(self)
    }

    /// How many certificates the set holds.
    pub fn len(&self) -> usize {
        self.by_url.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.by_url.is_empty()
    }
}

fn normalise(url: &str) -> String {
    Url::parse(url.trim()).map_or_else(|_| url.trim().to_string(), String::from)
}

#[async_trait]
impl CertificateSource for StaticCertificates {
    async fn certificate(&self, url: &Url) -> Result<Arc<SigningCertificate>, WebhookError> {
        self.by_url
            .get(url.as_str())
            .cloned()
            .ok_or_else(|| WebhookError::CertificateUnavailable {
                url: url.to_string(),
                detail: "not among the configured certificates".to_string(),
            })
    }
}

#[cfg(feature = "https-fetch")]
pub use fetch::{FetcherSetupError, HttpsCertificateFetcher};

#[cfg(feature = "https-fetch")]
mod fetch {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use async_trait::async_trait;
    use rustls_platform_verifier::BuilderVerifierExt;
    use url::Url;

    use super::{CertUrlPolicy, CertificateSource, SigningCertificate};
    use crate::error::WebhookError;

    /// Largest certificate response read; SNS's PEM files are about 2 KB.
    const MAX_CERT_BYTES: usize = 64 * 1024;
    /// Certificates kept; SNS uses one per region at a time.
    const MAX_CACHED: usize = 64;

    /// The HTTPS client could not be built (no usable TLS roots on this system).
    #[derive(Debug, thiserror::Error)]
    #[error("cannot build the HTTPS client for SNS certificates: {0}")]
    pub struct FetcherSetupError(String);

    /// Fetches SNS signing certificates over HTTPS (rustls, the system's roots) and keeps
    /// them in memory. URLs are checked against its own [`CertUrlPolicy`] before anything is
    /// fetched; redirects are not followed.
    pub struct HttpsCertificateFetcher {
        client: reqwest::Client,
        policy: CertUrlPolicy,
        cache: Mutex<HashMap<String, Arc<SigningCertificate>>>,
    }

    impl std::fmt::Debug for HttpsCertificateFetcher {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("HttpsCertificateFetcher")
                .field("policy", &self.policy)
                .finish_non_exhaustive()
        }
    }

    impl HttpsCertificateFetcher {
        /// A fetcher for the URLs `policy` allows, with a 10 s timeout.
        pub fn new(policy: CertUrlPolicy) -> Result<Self, FetcherSetupError> {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| FetcherSetupError(e.to_string()))?
                .with_platform_verifier()
                .map_err(|e| FetcherSetupError(e.to_string()))?
                .with_no_client_auth();
            let client = reqwest::Client::builder()
                .tls_backend_preconfigured(tls)
                .https_only(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| FetcherSetupError(e.to_string()))?;
            Ok(HttpsCertificateFetcher {
                client,
                policy,
                cache: Mutex::new(HashMap::new()),
            })
        }

        fn cached(&self, url: &str) -> Option<Arc<SigningCertificate>> {
            self.cache.lock().ok()?.get(url).cloned()
        }

        fn keep(&self, url: &str, cert: Arc<SigningCertificate>) {
            if let Ok(mut cache) = self.cache.lock() {
                if cache.len() >= MAX_CACHED {
                    cache.clear();
                }
                cache.insert(url.to_string(), cert);
            }
        }

        async fn fetch(&self, url: &Url) -> Result<Vec<u8>, String> {
            let mut response = self
                .client
                .get(url.clone())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("HTTP status {}", response.status()));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
                if body.len() + chunk.len() > MAX_CERT_BYTES {
                    return Err(format!("larger than {MAX_CERT_BYTES} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        }
    }

    #[async_trait]
    impl CertificateSource for HttpsCertificateFetcher {
        async fn certificate(&self, url: &Url) -> Result<Arc<SigningCertificate>, WebhookError> {
            let url = self.policy.check(url.as_str())?;
            if let Some(cert) = self.cached(url.as_str()) {
                return Ok(cert);
            }
            let body =
                self.fetch(&url)
                    .await
                    .map_err(|detail| WebhookError::CertificateUnavailable {
                        url: url.to_string(),
                        detail,
                    })?;
            let cert = Arc::new(SigningCertificate::from_bytes(&body)?);
            self.keep(url.as_str(), cert.clone());
            Ok(cert)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sns_certificate_urls_pass() {
        let policy = CertUrlPolicy::aws();
        for ok in [
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
            "https://SNS.EU-WEST-1.amazonaws.com/x.pem",
        ] {
            assert!(policy.check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
            "https://evil.example/sns.us-east-1.amazonaws.com/x.pem",
            "https://s3.amazonaws.com/sns.us-east-1/x.pem",
            "https://bucket.s3.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.txt",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "https://user:pw@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.pem?a=b",
            "https://sns.us-east-1.amazonaws.com/x.pem#frag",
            "https://54.1.2.3/x.pem",
            "https://sns.x.amazonaws.com/x.pem",
            "not a url",
            "",
        ] {
            assert!(
                matches!(
                    policy.check(bad),
                    Err(WebhookError::CertificateUrlNotAllowed { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn host_pattern_is_configurable_and_anchored() {
        let policy = CertUrlPolicy::with_host_pattern(r"certs\.test").unwrap();
        assert!(policy.check("https://certs.test/a.pem").is_ok());
        assert!(policy.check("https://xcerts.test/a.pem").is_err());
        assert!(policy.check("https://certs.test.evil/a.pem").is_err());
        assert!(CertUrlPolicy::with_host_pattern("(").is_err());
    }

    #[cfg(feature = "https-fetch")]
    #[tokio::test]
    async fn the_fetcher_refuses_disallowed_urls_without_fetching() {
        let fetcher = HttpsCertificateFetcher::new(CertUrlPolicy::aws()).unwrap();
        for url in ["https://evil.example/x.pem", "http://127.0.0.1/x.pem"] {
            let url = Url::parse(url).unwrap();
            assert!(matches!(
                fetcher.certificate(&url).await,
                Err(WebhookError::CertificateUrlNotAllowed { .. })
            ));
        }
    }

    #[test]
    fn garbage_is_no_certificate() {
        for bad in [
            &b""[..],
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            b"\x30\x03\x02\x01\x00",
            b"\xff\xfe",
        ] {
            assert!(matches!(
                SigningCertificate::from_bytes(bad),
                Err(WebhookError::CertificateInvalid { .. })
            ));
        }
    }
}
