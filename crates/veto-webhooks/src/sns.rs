//! Amazon SNS messages posted to an HTTPS subscription: their signature (SHA1withRSA or
//! SHA256withRSA over AWS's canonical string, checked with the key of the signing
//! certificate), their age, and what they carry — SES events, or a subscription to confirm.
//!
//! The canonical string is `Key\nValue\n` for each signed field in this order: for a
//! `Notification` `Message`, `MessageId`, `Subject` (only when present), `Timestamp`, `TopicArn`,
//! `Type`; for a `SubscriptionConfirmation` or `UnsubscribeConfirmation` `Message`,
//! `MessageId`, `SubscribeURL`, `Timestamp`, `Token`, `TopicArn`, `Type` (AWS, "Verifying the
//! signatures of Amazon SNS messages").

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use url::Url;

use crate::certificate::{CertUrlPolicy, CertificateSource, SigningCertificate};
use crate::error::WebhookError;
use crate::event::{EspEvent, Provider};
use crate::{fields, freshness, ses};

/// How far an SNS `Timestamp` may lie from now by default.
pub const DEFAULT_SNS_TOLERANCE: Duration = Duration::from_secs(60 * 60);

/// What an SNS endpoint accepts.
#[derive(Debug, Clone)]
pub struct SnsConfig {
    /// How far the message's `Timestamp` may lie from now (default one hour).
    pub tolerance: Duration,
    /// Which `SigningCertURL`s are accepted (default: SNS's own hosts).
    pub cert_urls: CertUrlPolicy,
    /// The topics accepted; `None` accepts any topic.
    pub allowed_topics: Option<Vec<String>>,
}

impl Default for SnsConfig {
    fn default() -> Self {
        SnsConfig {
            tolerance: DEFAULT_SNS_TOLERANCE,
            cert_urls: CertUrlPolicy::aws(),
            allowed_topics: None,
        }
    }
}

/// The three kinds of SNS message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnsMessageType {
    /// A published message (for SES: bounce, complaint, delivery … events).
    Notification,
    /// The endpoint was subscribed to a topic and must confirm.
    SubscriptionConfirmation,
    /// The endpoint was unsubscribed from a topic.
    UnsubscribeConfirmation,
}

/// The signature algorithm an SNS message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// `1`: SHA1withRSA.
    V1,
    /// `2`: SHA256withRSA.
    V2,
}

/// An SNS message read from a request body, not yet verified.
#[derive(Debug, Clone)]
pub struct SnsMessage {
    /// The message type.
    pub message_type: SnsMessageType,
    /// SNS's id of the message (the same on redelivery).
    pub message_id: String,
    /// The topic the message was published to.
    pub topic_arn: String,
    /// The optional subject of a notification.
    pub subject: Option<String>,
    /// The message itself (for SES: the event JSON as a string).
    pub message: String,
    /// `Timestamp` as sent.
    pub timestamp: String,
    /// The signature algorithm.
    pub signature_version: SignatureVersion,
    /// The signature, base64 as sent.
    pub signature: String,
    /// Where the signing certificate is.
    pub signing_cert_url: String,
    /// For confirmations: the URL that confirms the subscription.
    pub subscribe_url: Option<String>,
    /// For confirmations: the token for `ConfirmSubscription`.
    pub token: Option<String>,
}

/// What a verified SNS message asks of the endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum SnsOutcome {
    /// SES events, one per recipient.
    Events(Vec<EspEvent>),
    /// The endpoint was subscribed to `topic_arn`; visiting `subscribe_url` (or calling
    /// `ConfirmSubscription` with `token`) confirms it. The caller decides whether to.
    SubscriptionConfirmation {
        /// The topic.
        topic_arn: String,
        /// The confirmation URL.
        subscribe_url: String,
        /// The confirmation token.
        token: String,
    },
    /// The endpoint was unsubscribed from `topic_arn`.
    UnsubscribeConfirmation {
        /// The topic.
        topic_arn: String,
    },
    /// A notification that is not an SES event, such as the test message SES publishes when
    /// a topic is set up; acknowledge it and move on.
    OtherNotification {
        /// SNS's id of the message.
        message_id: String,
        /// The message text.
        message: String,
    },
}

fn required(obj: &Map<String, Value>, key: &'static str) -> Result<String, WebhookError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(WebhookError::Missing {
            provider: Provider::Ses,
            what: key,
        }),
        Some(_) => Err(WebhookError::Malformed {
            provider: Provider::Ses,
            what: key,
            detail: "not a string".to_string(),
        }),
    }
}

fn optional(obj: &Map<String, Value>, key: &'static str) -> Result<Option<String>, WebhookError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => required(obj, key).map(Some),
    }
}

impl SnsMessage {
    /// Reads an SNS message from a request body.
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| WebhookError::json(Provider::Ses, &e))?;
        let Value::Object(obj) = value else {
            return Err(WebhookError::payload(
                Provider::Ses,
                "an SNS message is a JSON object",
            ));
        };
        let message_type = match required(&obj, "Type")?.as_str() {
            "Notification" => SnsMessageType::Notification,
            "SubscriptionConfirmation" => SnsMessageType::SubscriptionConfirmation,
            "UnsubscribeConfirmation" => SnsMessageType::UnsubscribeConfirmation,
            other => return Err(WebhookError::UnknownMessageType(other.to_string())),
        };
        let signature_version = match required(&obj, "SignatureVersion")?.as_str() {
            "1" => SignatureVersion::V1,
            "2" => SignatureVersion::V2,
            other => return Err(WebhookError::UnsupportedSignatureVersion(other.to_string())),
        };
        let confirmation = message_type != SnsMessageType::Notification;
        let (subscribe_url, token) = if confirmation {
            (
                Some(required(&obj, "SubscribeURL")?),
                Some(required(&obj, "Token")?),
            )
        } else {
            (None, None)
        };
        Ok(SnsMessage {
            message_type,
            message_id: required(&obj, "MessageId")?,
            topic_arn: required(&obj, "TopicArn")?,
            subject: if confirmation {
                None
            } else {
                optional(&obj, "Subject")?
            },
            message: required(&obj, "Message")?,
            timestamp: required(&obj, "Timestamp")?,
            signature_version,
            signature: required(&obj, "Signature")?,
            signing_cert_url: required(&obj, "SigningCertURL")?,
            subscribe_url,
            token,
        })
    }

    /// The canonical string SNS signed.
    pub fn string_to_sign(&self) -> String {
        let mut out = String::with_capacity(self.message.len() + 512);
        let mut field = |key: &str, value: &str| {
            out.push_str(key);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        };
        field("Message", &self.message);
        field("MessageId", &self.message_id);
        match self.message_type {
            SnsMessageType::Notification => {
                if let Some(subject) = &self.subject {
                    field("Subject", subject);
                }
                field("Timestamp", &self.timestamp);
            }
            SnsMessageType::SubscriptionConfirmation | SnsMessageType::UnsubscribeConfirmation => {
                field("SubscribeURL", self.subscribe_url.as_deref().unwrap_or(""));
                field("Timestamp", &self.timestamp);
                field("Token", self.token.as_deref().unwrap_or(""));
            }
        }
        field("TopicArn", &self.topic_arn);
        let kind = match self.message_type {
            SnsMessageType::Notification => "Notification",
            SnsMessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            SnsMessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        };
        field("Type", kind);
        out
    }

    /// The checks that need no certificate: the topic, the timestamp's age and the
    /// certificate URL. Answers the certificate URL to obtain.
    pub fn precheck(&self, config: &SnsConfig, now: OffsetDateTime) -> Result<Url, WebhookError> {
        if let Some(topics) = &config.allowed_topics
            && !topics.iter().any(|t| t == &self.topic_arn)
        {
            return Err(WebhookError::TopicNotAllowed(self.topic_arn.clone()));
        }
        let signed_at =
            fields::rfc3339(&self.timestamp).ok_or_else(|| WebhookError::Malformed {
                provider: Provider::Ses,
                what: "Timestamp",
                detail: "not an RFC 3339 time".to_string(),
            })?;
        freshness::check(Provider::Ses, signed_at, now, config.tolerance)?;
        config.cert_urls.check(&self.signing_cert_url)
    }

    /// Checks the signature with the signing certificate (and the certificate's validity).
    pub fn verify_signature(
        &self,
        cert: &SigningCertificate,
        now: OffsetDateTime,
    ) -> Result<(), WebhookError> {
        cert.check_validity(now)?;
        let raw = STANDARD
            .decode(self.signature.trim())
            .map_err(|e| WebhookError::Malformed {
                provider: Provider::Ses,
                what: "Signature",
                detail: e.to_string(),
            })?;
        let signature =
            Signature::try_from(raw.as_slice()).map_err(|_| WebhookError::Malformed {
                provider: Provider::Ses,
                what: "Signature",
                detail: "not an RSA signature".to_string(),
            })?;
        let canonical = self.string_to_sign();
        let key = cert.public_key().clone();
        let verified = match self.signature_version {
            SignatureVersion::V1 => {
                VerifyingKey::<sha1::Sha1>::new(key).verify(canonical.as_bytes(), &signature)
            }
            SignatureVersion::V2 => {
                VerifyingKey::<rsa::sha2::Sha256>::new(key).verify(canonical.as_bytes(), &signature)
            }
        };
        verified.map_err(|_| WebhookError::BadSignature {
            provider: Provider::Ses,
        })
    }

    /// What the (verified) message carries.
    pub fn into_outcome(self) -> Result<SnsOutcome, WebhookError> {
        Ok(match self.message_type {
            SnsMessageType::SubscriptionConfirmation => SnsOutcome::SubscriptionConfirmation {
                topic_arn: self.topic_arn,
                subscribe_url: self.subscribe_url.unwrap_or_default(),
                token: self.token.unwrap_or_default(),
            },
            SnsMessageType::UnsubscribeConfirmation => SnsOutcome::UnsubscribeConfirmation {
                topic_arn: self.topic_arn,
            },
            SnsMessageType::Notification => {
                match ses::parse_notification(&self.message_id, &self.message)? {
                    Some(events) => SnsOutcome::Events(events),
                    None => SnsOutcome::OtherNotification {
                        message_id: self.message_id,
                        message: self.message,
                    },
                }
            }
        })
    }
}

/// Verifies an SNS request body and reads what it carries: parse, topic, timestamp and
/// certificate URL checks (before anything is fetched), the certificate from `certificates`,
/// the signature, then the SES events.
pub async fn verify_and_parse(
    body: &[u8],
    certificates: &dyn CertificateSource,
    config: &SnsConfig,
    now: OffsetDateTime,
) -> Result<SnsOutcome, WebhookError> {
    let message = SnsMessage::parse(body)?;
    let cert_url = message.precheck(config, now)?;
    let cert = certificates.certificate(&cert_url).await?;
    message.verify_signature(&cert, now)?;
    message.into_outcome()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(extra: &str) -> String {
        format!(
            r#"{{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:1:t",
            "Message":"hello\nworld","Timestamp":"2012-04-26T20:45:04.751Z",
            "SignatureVersion":"1","Signature":"AAAA",
            "SigningCertURL":"https://sns.us-east-1.amazonaws.com/c.pem"{extra}}}"#
        )
    }

    #[test]
    fn canonical_notification_string() {
        let m = SnsMessage::parse(message(r#","Subject":"Hi""#).as_bytes()).unwrap();
        assert_eq!(
            m.string_to_sign(),
            "Message\nhello\nworld\nMessageId\nm-1\nSubject\nHi\nTimestamp\n2012-04-26T20:45:04.751Z\nTopicArn\narn:aws:sns:us-east-1:1:t\nType\nNotification\n"
        );
        let m = SnsMessage::parse(message(r#","Subject":null"#).as_bytes()).unwrap();
        assert!(!m.string_to_sign().contains("Subject"));
    }

    #[test]
    fn canonical_confirmation_string() {
        let body = r#"{"Type":"SubscriptionConfirmation","MessageId":"m-2","Token":"tok",
            "TopicArn":"arn:t","Message":"You have chosen","SubscribeURL":"https://sns.x/?a=b",
            "Timestamp":"2012-04-26T20:45:04.751Z","SignatureVersion":"2","Signature":"AAAA",
            "SigningCertURL":"https://sns.us-east-1.amazonaws.com/c.pem"}"#;
        let m = SnsMessage::parse(body.as_bytes()).unwrap();
        assert_eq!(
            m.string_to_sign(),
            "Message\nYou have chosen\nMessageId\nm-2\nSubscribeURL\nhttps://sns.x/?a=b\nTimestamp\n2012-04-26T20:45:04.751Z\nToken\ntok\nTopicArn\narn:t\nType\nSubscriptionConfirmation\n"
        );
    }

    #[test]
    fn missing_and_odd_fields_are_named() {
        let body = r#"{"Type":"Notification","MessageId":"m"}"#;
        assert!(matches!(
            SnsMessage::parse(body.as_bytes()),
            Err(WebhookError::Missing {
                what: "SignatureVersion",
                ..
            })
        ));
        let body = message("").replace(r#""SignatureVersion":"1""#, r#""SignatureVersion":"3""#);
        assert_eq!(
            SnsMessage::parse(body.as_bytes()).unwrap_err(),
            WebhookError::UnsupportedSignatureVersion("3".to_string())
        );
        let body = message("").replace("\"Notification\"", "\"Gossip\"");
        assert_eq!(
            SnsMessage::parse(body.as_bytes()).unwrap_err(),
            WebhookError::UnknownMessageType("Gossip".to_string())
        );
        assert!(matches!(
            SnsMessage::parse(b"[1]"),
            Err(WebhookError::MalformedPayload { .. })
        ));
        assert!(matches!(
            SnsMessage::parse(b"{"),
            Err(WebhookError::MalformedJson { .. })
        ));
    }
}
