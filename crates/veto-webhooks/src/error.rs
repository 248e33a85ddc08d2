//! What can go wrong with a webhook request, one variant per check, and how an HTTP handler
//! should answer each.

use crate::event::Provider;

/// A webhook request that was refused: it could not be authenticated, or its payload could
/// not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header or field that carries the signature, timestamp or credentials is absent.
    #[error("{provider}: missing {what}")]
    Missing {
        /// The provider whose request it was.
        provider: Provider,
        /// The header or field, by its name.
        what: &'static str,
    },
    /// A header or field that carries the signature, timestamp or credentials cannot be read.
    #[error("{provider}: malformed {what}: {detail}")]
    Malformed {
        /// The provider whose request it was.
        provider: Provider,
        /// The header or field, by its name.
        what: &'static str,
        /// Why it cannot be read.
        detail: String,
    },
    /// The configured verification key or secret cannot be used (a configuration error).
    #[error("{provider}: the configured verification key is unusable: {detail}")]
    InvalidKey {
        /// The provider the key is for.
        provider: Provider,
        /// Why it cannot be used.
        detail: String,
    },
    /// The signature does not verify: the body, timestamp or signature was altered, or it was
    /// made with another key.
    #[error("{provider}: the signature does not match")]
    BadSignature {
        /// The provider whose request it was.
        provider: Provider,
    },
    /// The signed timestamp lies further from now than the configured tolerance: an old
    /// (possibly replayed) request, or a clock far off.
    #[error(
        "{provider}: the signed timestamp is {age_seconds} s from now, outside the tolerance of {tolerance_seconds} s"
    )]
    StaleTimestamp {
        /// The provider whose request it was.
        provider: Provider,
        /// Now minus the signed timestamp (negative: the timestamp lies in the future).
        age_seconds: i64,
        /// The configured tolerance.
        tolerance_seconds: u64,
    },
    /// HTTP basic auth credentials are absent or do not match the configured ones.
    #[error("{provider}: the credentials do not match")]
    BadCredentials {
        /// The provider whose request it was.
        provider: Provider,
    },
    /// The body is not JSON.
    #[error("{provider}: the body is not valid JSON: {detail}")]
    MalformedJson {
        /// The provider whose request it was.
        provider: Provider,
        /// The JSON parser's complaint.
        detail: String,
    },
    /// The body is JSON but not of the provider's documented shape.
    #[error("{provider}: unexpected payload: {detail}")]
    MalformedPayload {
        /// The provider whose request it was.
        provider: Provider,
        /// What was missing or of the wrong type.
        detail: String,
    },
    /// The SNS message's `SignatureVersion` is neither `1` nor `2`.
    #[error("ses: unsupported SNS SignatureVersion {0:?}")]
    UnsupportedSignatureVersion(String),
    /// The SNS message's `Type` is none of `Notification`, `SubscriptionConfirmation`,
    /// `UnsubscribeConfirmation`.
    #[error("ses: unknown SNS message Type {0:?}")]
    UnknownMessageType(String),
    /// The SNS message came from a topic that is not in the configured list.
    #[error("ses: SNS topic {0:?} is not allowed")]
    TopicNotAllowed(String),
    /// The SNS `SigningCertURL` is not an allowed certificate location; nothing was fetched.
    #[error("ses: SNS SigningCertURL {url:?} is not allowed: {reason}")]
    CertificateUrlNotAllowed {
        /// The URL as the message gave it.
        url: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The signing certificate could not be obtained (network, HTTP status, unknown to a fixed
    /// set). The request may succeed later.
    #[error("ses: SNS signing certificate {url:?} could not be obtained: {detail}")]
    CertificateUnavailable {
        /// The certificate URL.
        url: String,
        /// What failed.
        detail: String,
    },
    /// The signing certificate is not a usable X.509 certificate with an RSA key.
    #[error("ses: SNS signing certificate is unusable: {detail}")]
    CertificateInvalid {
        /// What is wrong with it.
        detail: String,
    },
    /// The signing certificate is outside its validity period.
    #[error("ses: SNS signing certificate is not valid now (valid {not_before} to {not_after})")]
    CertificateExpired {
        /// Start of validity (RFC 3339).
        not_before: String,
        /// End of validity (RFC 3339).
        not_after: String,
    },
}

/// How an HTTP handler should answer a [`WebhookError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request is not authentic (answer 401/403; the provider should not retry).
    Unauthenticated,
    /// The request is authentic or unauthenticatable but unreadable (answer 400).
    BadRequest,
    /// Our side cannot decide now: certificate fetch failure or a bad configured key (answer
    /// 5xx so the provider retries).
    Unavailable,
}

impl WebhookError {
    /// How an HTTP handler should answer this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            WebhookError::Missing { .. }
            | WebhookError::Malformed { .. }
            | WebhookError::BadSignature { .. }
            | WebhookError::StaleTimestamp { .. }
            | WebhookError::BadCredentials { .. }
            | WebhookError::UnsupportedSignatureVersion(_)
            | WebhookError::TopicNotAllowed(_)
            | WebhookError::CertificateUrlNotAllowed { .. }
            | WebhookError::CertificateInvalid { .. }
            | WebhookError::CertificateExpired { .. } => ErrorClass::Unauthenticated,
            WebhookError::MalformedJson { .. }
            | WebhookError::MalformedPayload { .. }
            | WebhookError::UnknownMessageType(_) => ErrorClass::BadRequest,
            WebhookError::InvalidKey { .. } | WebhookError::CertificateUnavailable { .. } => {
                ErrorClass::Unavailable
            }
        }
    }

    /// A stable snake_case code for logs and JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::Missing { .. } => "missing_credentials",
            WebhookError::Malformed { .. } => "malformed_credentials",
            WebhookError::InvalidKey { .. } => "invalid_key",
            WebhookError::BadSignature { .. } => "bad_signature",
            WebhookError::StaleTimestamp { .. } => "stale_timestamp",
            WebhookError::BadCredentials { .. } => "bad_credentials",
            WebhookError::MalformedJson { .. } => "malformed_json",
            WebhookError::MalformedPayload { .. } => "malformed_payload",
            WebhookError::UnsupportedSignatureVersion(_) => "unsupported_signature_version",
            WebhookError::UnknownMessageType(_) => "unknown_message_type",
            WebhookError::TopicNotAllowed(_) => "topic_not_allowed",
            WebhookError::CertificateUrlNotAllowed { .. } => "certificate_url_not_allowed",
            WebhookError::CertificateUnavailable { .. } => "certificate_unavailable",
            WebhookError::CertificateInvalid { .. } => "certificate_invalid",
            WebhookError::CertificateExpired { .. } => "certificate_expired",
        }
    }

    pub(crate) fn json(provider: Provider, err: &serde_json::Error) -> Self {
        WebhookError::MalformedJson {
            provider,
            detail: err.to_string(),
        }
    }

    pub(crate) fn payload(provider: Provider, detail: impl Into<String>) -> Self {
        WebhookError::MalformedPayload {
            provider,
            detail: detail.into(),
        }
    }
}
