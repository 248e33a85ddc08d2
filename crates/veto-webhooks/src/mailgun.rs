//! Mailgun webhooks in their JSON form: `{"signature": {"timestamp", "token", "signature"},
//! "event-data": {...}}`, where the signature is the hex HMAC-SHA256 of timestamp followed by
//! token under the account's webhook signing key (Mailgun, "Securing Webhooks"). Accounts with
//! subaccounts also get `parent-signature`, made with the primary account's key.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use veto_bounce::Reason;

use crate::classify::{BounceReport, judge};
use crate::error::WebhookError;
use crate::event::{EspEvent, EventKind, Provider, clean_message_id};
use crate::{fields, freshness};

const MAILGUN: Provider = Provider::Mailgun;

/// How far the signed timestamp may lie from now by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Checks Mailgun's signature with one tenant's webhook signing key.
#[derive(Clone)]
pub struct MailgunVerifier {
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for MailgunVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailgunVerifier")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// A verified Mailgun webhook request.
#[derive(Debug, Clone, PartialEq)]
pub struct MailgunWebhook {
    /// The request's random token: Mailgun never signs the same token twice, so refusing a
    /// token already seen (within the tolerance) refuses a replayed request.
    pub token: String,
    /// When Mailgun signed the request.
    pub signed_at: OffsetDateTime,
    /// The event (Mailgun sends one per request).
    pub events: Vec<EspEvent>,
}

impl MailgunVerifier {
    /// A verifier for the webhook signing key (Mailgun's "HTTP webhook signing key").
    pub fn new(signing_key: &str) -> Result<Self, WebhookError> {
        let key = signing_key.trim();
        if key.is_empty() {
            return Err(WebhookError::InvalidKey {
                provider: MAILGUN,
                detail: "the webhook signing key is empty".to_string(),
            });
        }
        Ok(MailgunVerifier {
            key: key.as_bytes().to_vec(),
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// The same verifier with another timestamp tolerance.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks the request's signature block and reads its event.
    pub fn verify_and_parse(
        &self,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<MailgunWebhook, WebhookError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| WebhookError::json(MAILGUN, &e))?;
        let block = value.get("signature").ok_or(WebhookError::Missing {
            provider: MAILGUN,
            what: "signature",
        })?;
        let field = |what: &'static str| -> Result<String, WebhookError> {
            match block.get(what) {
                None | Some(Value::Null) => Err(WebhookError::Missing {
                    provider: MAILGUN,
                    what,
                }),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Number(n)) if what == "timestamp" => Ok(n.to_string()),
                Some(_) => Err(WebhookError::Malformed {
                    provider: MAILGUN,
                    what,
                    detail: "not a string".to_string(),
                }),
            }
        };
        let timestamp = field("timestamp")?;
        let token = field("token")?;
        let signature = field("signature")?;
        let parent = match block.get("parent-signature") {
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let signed_at = freshness::parse_unix_seconds(MAILGUN, "timestamp", timestamp.as_bytes())?;
        freshness::check(MAILGUN, signed_at, now, self.tolerance)?;
        let expected = self.sign(&timestamp, &token);
        let matches = |hex_sig: &str| -> Result<bool, WebhookError> {
            let given = hex::decode(hex_sig.trim()).map_err(|e| WebhookError::Malformed {
                provider: MAILGUN,
                what: "signature",
                detail: format!("not hex: {e}"),
            })?;
            Ok(bool::from(given.as_slice().ct_eq(expected.as_slice())))
        };
        let own = matches(&signature)?;
        let by_parent = match parent {
            Some(p) => matches(p).unwrap_or(false),
            None => false,
        };
        if !(own | by_parent) {
            return Err(WebhookError::BadSignature { provider: MAILGUN });
        }
        let event_data = value
            .get("event-data")
            .ok_or_else(|| WebhookError::payload(MAILGUN, "no `event-data` object"))?;
        Ok(MailgunWebhook {
            token,
            signed_at,
            events: vec![parse_event_data(event_data)?],
        })
    }

    fn sign(&self, timestamp: &str, token: &str) -> Vec<u8> {
        // HMAC takes keys of any length.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            return Vec::new();
        };
        mac.update(timestamp.as_bytes());
        mac.update(token.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// Reads one `event-data` object, without checking a signature.
pub fn parse_event_data(data: &Value) -> Result<EspEvent, WebhookError> {
    if !data.is_object() {
        return Err(WebhookError::payload(
            MAILGUN,
            "`event-data` is not an object",
        ));
    }
    let name = fields::text(data, "event")
        .ok_or_else(|| WebhookError::payload(MAILGUN, "`event-data` has no `event`"))?;
    let recipient = fields::text(data, "recipient").ok_or_else(|| {
        WebhookError::payload(MAILGUN, format!("a {name} event has no `recipient`"))
    })?;
    let event_id = fields::text(data, "id")
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "mailgun:{}",
                fields::sha256_hex(data.to_string().as_bytes())
            )
        });
    let mut out = EspEvent::new(
        MAILGUN,
        event_id,
        EventKind::other(name),
        recipient,
        data.clone(),
    );
    out.occurred_at = data.get("timestamp").and_then(fields::unix_time);
    out.message_id = data
        .get("message")
        .and_then(|m| m.get("headers"))
        .and_then(|h| fields::text(h, "message-id"))
        .and_then(clean_message_id);
    out.kind = match name {
        "failed" => return Ok(failed(out)),
        "complained" => EventKind::Complaint,
        "delivered" => {
            let status = data.get("delivery-status");
            out.reply_code = status.and_then(|s| fields::reply_code(s, "code"));
            out.diagnostic = status
                .and_then(|s| fields::text(s, "message"))
                .map(str::to_string);
            EventKind::Delivered
        }
        "unsubscribed" => EventKind::Unsubscribe,
        other => EventKind::other(other),
    };
    Ok(out)
}

/// A failure. Mailgun's `reason` says when it did not even try because the address is on
/// one of its suppression lists: that repeats the earlier bounce, unsubscribe or complaint.
fn failed(mut out: EspEvent) -> EspEvent {
    let data = &out.raw;
    match fields::text(data, "reason") {
        Some("suppress-unsubscribe") => {
            out.kind = EventKind::Unsubscribe;
            return out;
        }
        Some("suppress-complaint") => {
            out.kind = EventKind::Complaint;
            return out;
        }
        _ => {}
    }
    let permanent = fields::text(data, "severity") == Some("permanent");
    let status = data.get("delivery-status");
    let message = status.and_then(|s| fields::text(s, "message"));
    let description = status.and_then(|s| fields::text(s, "description"));
    let diagnostic = message.or(description).map(str::to_string);
    let enhanced = status.and_then(|s| fields::text(s, "enhanced-code"));
    let reply_code = status.and_then(|s| fields::reply_code(s, "code"));
    // The reply code leads the text the rules read, as a server would have said it.
    let text = match (reply_code, diagnostic.as_deref()) {
        (Some(code), Some(d)) if !d.starts_with(&code.to_string()) => format!("{code} {d}"),
        (Some(code), None) => code.to_string(),
        (_, d) => d.unwrap_or_default().to_string(),
    };
    let fallback = match fields::text(data, "reason") {
        Some("suppress-bounce") => Some(Reason::Suppressed),
        Some("espblock") => Some(Reason::Blocked),
        Some("old") => Some(Reason::Expired),
        _ => None,
    };
    let mx = status.and_then(|s| fields::text(s, "mx-host"));
    let verdict = judge(&BounceReport {
        recipient: &out.recipient,
        permanent,
        delayed: false,
        status: enhanced,
        diagnostic: Some(&text),
        remote_mta: mx,
        fallback,
    });
    out.kind = verdict.kind;
    out.reason = Some(verdict.reason);
    out.status = verdict.status;
    out.reply_code = verdict.reply_code.or(reply_code);
    out.diagnostic = diagnostic;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_is_a_configuration_error() {
        assert!(matches!(
            MailgunVerifier::new("  "),
            Err(WebhookError::InvalidKey { .. })
        ));
    }

    #[test]
    fn the_key_is_not_in_debug_output() {
        let v = MailgunVerifier::new("key-secret").unwrap();
        assert!(!format!("{v:?}").contains("secret"));
    }

    #[test]
    fn suppressed_sends_repeat_earlier_verdicts() {
        let data = serde_json::json!({"event":"failed","severity":"permanent",
            "reason":"suppress-unsubscribe","recipient":"a@b.example","id":"x"});
        assert_eq!(
            parse_event_data(&data).unwrap().kind,
            EventKind::Unsubscribe
        );
    }
}
