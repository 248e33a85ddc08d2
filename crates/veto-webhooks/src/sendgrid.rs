//! Twilio SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature over the
//! timestamp header's bytes followed by the raw body, checked with the verification key the
//! SendGrid UI shows (base64 of the SubjectPublicKeyInfo DER); the body is a JSON array of
//! events, each with its own `sg_event_id`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde_json::Value;
use time::OffsetDateTime;
use veto_bounce::Reason;

use crate::classify::{BounceReport, judge};
use crate::error::WebhookError;
use crate::event::{EspEvent, EventKind, Provider, clean_message_id};
use crate::{fields, freshness};

const SENDGRID: Provider = Provider::SendGrid;

/// The header carrying the base64 DER signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
/// The header carrying the signing time (seconds since 1970).
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";
/// How far the signed timestamp may lie from now by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Checks SendGrid's signature with one tenant's verification key.
#[derive(Debug, Clone)]
pub struct SendGridVerifier {
    key: VerifyingKey,
    tolerance: Duration,
}

impl SendGridVerifier {
    /// A verifier for the verification key as SendGrid shows it: base64 of the
    /// SubjectPublicKeyInfo DER (a PEM `PUBLIC KEY` block is accepted too).
    pub fn from_public_key(key: &str) -> Result<Self, WebhookError> {
        let invalid = |detail: String| WebhookError::InvalidKey {
            provider: SENDGRID,
            detail,
        };
        let key = if key.contains("-----BEGIN") {
            VerifyingKey::from_public_key_pem(key.trim()).map_err(|e| invalid(e.to_string()))?
        } else {
            let compact: String = key.chars().filter(|c| !c.is_whitespace()).collect();
            let der = STANDARD
                .decode(compact)
                .map_err(|e| invalid(format!("not base64: {e}")))?;
            VerifyingKey::from_public_key_der(&der)
                .map_err(|e| invalid(format!("not a P-256 public key: {e}")))?
        };
        Ok(SendGridVerifier {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// The same verifier with another timestamp tolerance.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a request: the headers' values (as bytes, `None` when absent) and the raw body.
    pub fn verify(
        &self,
        signature: Option<&[u8]>,
        timestamp: Option<&[u8]>,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), WebhookError> {
        let missing = |what| WebhookError::Missing {
            provider: SENDGRID,
            what,
        };
        let signature = signature.ok_or(missing(SIGNATURE_HEADER))?;
        let timestamp = timestamp.ok_or(missing(TIMESTAMP_HEADER))?;
        let signed_at = freshness::parse_unix_seconds(SENDGRID, TIMESTAMP_HEADER, timestamp)?;
        freshness::check(SENDGRID, signed_at, now, self.tolerance)?;
        let malformed = |detail: String| WebhookError::Malformed {
            provider: SENDGRID,
            what: SIGNATURE_HEADER,
            detail,
        };
        let der = STANDARD
            .decode(signature.trim_ascii())
            .map_err(|e| malformed(format!("not base64: {e}")))?;
        let signature = Signature::from_der(&der)
            .map_err(|_| malformed("not a DER ECDSA signature".to_string()))?;
        let mut signed = Vec::with_capacity(timestamp.len() + body.len());
        signed.extend_from_slice(timestamp);
        signed.extend_from_slice(body);
        self.key
            .verify(&signed, &signature)
            .map_err(|_| WebhookError::BadSignature { provider: SENDGRID })
    }

    /// Checks a request, then reads its events.
    pub fn verify_and_parse(
        &self,
        signature: Option<&[u8]>,
        timestamp: Option<&[u8]>,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Vec<EspEvent>, WebhookError> {
        self.verify(signature, timestamp, body, now)?;
        parse_events(body)
    }
}

/// Reads the events of an Event Webhook body (a JSON array), without checking a signature.
pub fn parse_events(body: &[u8]) -> Result<Vec<EspEvent>, WebhookError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| WebhookError::json(SENDGRID, &e))?;
    let Value::Array(items) = value else {
        return Err(WebhookError::payload(
            SENDGRID,
            "the body is a JSON array of events",
        ));
    };
    items.into_iter().map(event).collect()
}

/// The reason SendGrid's `bounce_classification` stands for (SendGrid, "Bounce and Block
/// Classifications").
fn classification_reason(classification: Option<&str>) -> Option<Reason> {
    Some(match classification? {
        "Invalid Address" => Reason::UserUnknown,
        "Mailbox Unavailable" => Reason::Suspend,
        "Technical" => Reason::SystemError,
        "Content" => Reason::ContentError,
        "Reputation" => Reason::BadReputation,
        "Frequency or Volume" => Reason::Speeding,
        _ => return None,
    })
}

fn event(raw: Value) -> Result<EspEvent, WebhookError> {
    if !raw.is_object() {
        return Err(WebhookError::payload(SENDGRID, "an event is not an object"));
    }
    let name = fields::text(&raw, "event")
        .ok_or_else(|| WebhookError::payload(SENDGRID, "an event has no `event`"))?
        .to_string();
    let recipient = fields::text(&raw, "email")
        .ok_or_else(|| WebhookError::payload(SENDGRID, format!("a {name} event has no `email`")))?
        .to_string();
    let event_id = fields::text(&raw, "sg_event_id")
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "sendgrid:{}",
                fields::sha256_hex(raw.to_string().as_bytes())
            )
        });
    let message_id = fields::text(&raw, "smtp-id")
        .or_else(|| fields::text(&raw, "sg_message_id"))
        .and_then(clean_message_id);
    let occurred_at = raw.get("timestamp").and_then(fields::unix_time);
    let status = fields::text(&raw, "status").map(str::to_string);
    let reason_text = fields::text(&raw, "reason").map(str::to_string);
    let response = fields::text(&raw, "response").map(str::to_string);
    let group = fields::text_or_number(&raw, "asm_group_id");

    let mut out = EspEvent::new(SENDGRID, event_id, EventKind::other(&name), &recipient, raw);
    out.message_id = message_id;
    out.occurred_at = occurred_at;
    let failure = |permanent: bool, delayed: bool, diagnostic: Option<&str>| {
        judge(&BounceReport {
            recipient: &recipient,
            permanent,
            delayed,
            status: status.as_deref(),
            diagnostic,
            remote_mta: None,
            fallback: classification_reason(fields::text(&out.raw, "bounce_classification")),
        })
    };
    let verdict = match name.as_str() {
        "bounce" => {
            // `type` is "bounce" (the receiver refused) or "blocked" (a block, always soft);
            // payloads from before `type` existed tell by the status class.
            let permanent = match fields::text(&out.raw, "type") {
                Some("blocked") => false,
                Some(_) => true,
                None => !status.as_deref().is_some_and(|s| s.starts_with('4')),
            };
            Some(failure(permanent, false, reason_text.as_deref()))
        }
        "deferred" => {
            let diagnostic = response.as_deref().or(reason_text.as_deref());
            Some(failure(false, true, diagnostic))
        }
        _ => None,
    };
    if let Some(v) = verdict {
        out.kind = v.kind;
        out.reason = Some(v.reason);
        out.status = v.status;
        out.reply_code = v.reply_code;
        out.diagnostic = match name.as_str() {
            "deferred" => response.or(reason_text),
            _ => reason_text,
        };
        return Ok(out);
    }
    out.kind = match name.as_str() {
        "delivered" => {
            out.reply_code = response
                .as_deref()
                .and_then(veto_bounce::smtp::find_reply_code);
            out.diagnostic = response;
            EventKind::Delivered
        }
        "spamreport" => EventKind::Complaint,
        "unsubscribe" => EventKind::Unsubscribe,
        "group_unsubscribe" => {
            out.group = group;
            EventKind::GroupUnsubscribe
        }
        "dropped" => {
            out.status = status;
            let kind = dropped_kind(reason_text.as_deref());
            if kind == EventKind::HardBounce {
                out.reason = Some(Reason::Suppressed);
            }
            out.diagnostic = reason_text;
            kind
        }
        _ => EventKind::Other(name),
    };
    Ok(out)
}

/// A drop is SendGrid refusing to send; when it refuses because of an earlier bounce,
/// unsubscribe or spam report, that is what the event says again (SendGrid, "Event Webhook
/// Reference": dropped reasons).
fn dropped_kind(reason: Option<&str>) -> EventKind {
    match reason {
        Some("Bounced Address") => EventKind::HardBounce,
        Some("Unsubscribed Address") => EventKind::Unsubscribe,
        Some("Spam Reporting Address") => EventKind::Complaint,
        _ => EventKind::other("dropped"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_are_not_p256_are_refused() {
        for bad in [
            "",
            "not base64 !",
            "AAAA",
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
        ] {
            assert!(matches!(
                SendGridVerifier::from_public_key(bad),
                Err(WebhookError::InvalidKey { .. })
            ));
        }
    }

    #[test]
    fn the_key_from_sendgrids_own_library_tests_is_read() {
        // The verification key used in the tests of SendGrid's Node.js library.
        let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        assert!(SendGridVerifier::from_public_key(key).is_ok());
    }

    #[test]
    fn dropped_events_repeat_earlier_verdicts() {
        assert_eq!(dropped_kind(Some("Bounced Address")), EventKind::HardBounce);
        assert_eq!(
            dropped_kind(Some("Spam Content")),
            EventKind::other("dropped")
        );
    }
}
