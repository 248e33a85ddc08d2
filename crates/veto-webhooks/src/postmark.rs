//! Postmark webhooks: authenticated by the HTTP basic auth credentials configured in the
//! webhook URL; one record per request, read by its `RecordType` (Bounce, SpamComplaint,
//! Delivery, SubscriptionChange, Open, Click).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use subtle::ConstantTimeEq;
use veto_bounce::Reason;

use crate::classify::{BounceReport, judge};
use crate::error::WebhookError;
use crate::event::{EspEvent, EventKind, Provider, clean_message_id};
use crate::fields;

const POSTMARK: Provider = Provider::Postmark;

/// Checks the `Authorization` header (as bytes, `None` when absent) against the basic auth
/// credentials configured on the webhook URL, in constant time.
pub fn verify_basic_auth(
    authorization: Option<&[u8]>,
    expected_user: &str,
    expected_password: &str,
) -> Result<(), WebhookError> {
    let header = authorization.ok_or(WebhookError::Missing {
        provider: POSTMARK,
        what: "authorization",
    })?;
    let header = header.trim_ascii();
    let scheme_end = header
        .iter()
        .position(|b| *b == b' ')
        .ok_or_else(|| malformed("expected `Basic <credentials>`"))?;
    let (scheme, encoded) = header.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(malformed("not Basic authentication"));
    }
    let decoded = STANDARD
        .decode(encoded.trim_ascii())
        .map_err(|_| malformed("credentials are not base64"))?;
    let colon = decoded
        .iter()
        .position(|b| *b == b':')
        .ok_or_else(|| malformed("credentials have no `:`"))?;
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    let user_ok = user.ct_eq(expected_user.as_bytes());
    let password_ok = password.ct_eq(expected_password.as_bytes());
    if bool::from(user_ok & password_ok) {
        Ok(())
    } else {
        Err(WebhookError::BadCredentials { provider: POSTMARK })
    }
}

fn malformed(detail: &str) -> WebhookError {
    WebhookError::Malformed {
        provider: POSTMARK,
        what: "authorization",
        detail: detail.to_string(),
    }
}

/// Reads a webhook body: one record (or, leniently, an array of records).
pub fn parse(body: &[u8]) -> Result<Vec<EspEvent>, WebhookError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| WebhookError::json(POSTMARK, &e))?;
    match value {
        Value::Array(records) => records
            .into_iter()
            .map(|r| {
                let digest = fields::sha256_hex(r.to_string().as_bytes());
                record(r, &digest)
            })
            .collect(),
        record_value => record(record_value, &fields::sha256_hex(body)).map(|e| vec![e]),
    }
}

/// The reason a Postmark bounce type stands for when the details say nothing (Postmark,
/// "Bounce webhook": bounce types).
fn type_reason(bounce_type: &str) -> Option<Reason> {
    Some(match bounce_type {
        "HardBounce" | "BadEmailAddress" => Reason::UserUnknown,
        "DnsError" => Reason::HostUnknown,
        "SpamNotification" => Reason::SpamDetected,
        "VirusNotification" => Reason::VirusDetected,
        "Blocked" => Reason::Blocked,
        "DMARCPolicy" => Reason::AuthFailure,
        "ManuallyDeactivated" => Reason::Suppressed,
        _ => return None,
    })
}

/// How a Postmark bounce type reads: a failure (permanent or not), or another kind of event.
enum BounceClass {
    Failure { permanent: bool },
    Kind(EventKind),
}

fn bounce_class(bounce_type: &str) -> BounceClass {
    match bounce_type {
        "HardBounce" | "BadEmailAddress" | "ManuallyDeactivated" => {
            BounceClass::Failure { permanent: true }
        }
        "SoftBounce" | "Transient" | "DnsError" | "SpamNotification" | "VirusNotification"
        | "Blocked" | "DMARCPolicy" | "Unknown" => BounceClass::Failure { permanent: false },
        "SpamComplaint" => BounceClass::Kind(EventKind::Complaint),
        "Unsubscribe" => BounceClass::Kind(EventKind::Unsubscribe),
        // An automatic reply is never a bounce.
        "AutoResponder" => BounceClass::Kind(EventKind::other("auto_reply")),
        "ChallengeVerification" => BounceClass::Kind(EventKind::other("challenge_verification")),
        "AddressChange" => BounceClass::Kind(EventKind::other("address_change")),
        "Subscribe" => BounceClass::Kind(EventKind::other("subscribe")),
        _ => BounceClass::Kind(EventKind::other("bounce_other")),
    }
}

fn record(raw: Value, body_digest: &str) -> Result<EspEvent, WebhookError> {
    if !raw.is_object() {
        return Err(WebhookError::payload(POSTMARK, "a record is a JSON object"));
    }
    let record_type = fields::text(&raw, "RecordType")
        .ok_or_else(|| WebhookError::payload(POSTMARK, "no `RecordType`"))?
        .to_string();
    let recipient = fields::text(&raw, "Email")
        .or_else(|| fields::text(&raw, "Recipient"))
        .ok_or_else(|| {
            WebhookError::payload(POSTMARK, format!("a {record_type} record has no recipient"))
        })?
        .to_string();
    let id = fields::text_or_number(&raw, "ID").unwrap_or_else(|| body_digest.to_string());
    let event_id = format!("postmark:{record_type}:{id}");
    let occurred_at = ["BouncedAt", "DeliveredAt", "ChangedAt", "ReceivedAt"]
        .iter()
        .find_map(|k| fields::text(&raw, k))
        .and_then(fields::rfc3339);
    let message_id = fields::text(&raw, "MessageID").and_then(clean_message_id);
    let details = fields::text(&raw, "Details").map(str::to_string);

    let mut out = EspEvent::new(
        POSTMARK,
        event_id,
        EventKind::other("unknown"),
        &recipient,
        raw,
    );
    out.occurred_at = occurred_at;
    out.message_id = message_id;
    out.kind = match record_type.as_str() {
        "Bounce" => {
            let bounce_type = fields::text(&out.raw, "Type")
                .unwrap_or("Unknown")
                .to_string();
            match bounce_class(&bounce_type) {
                BounceClass::Failure { permanent } => {
                    let verdict = judge(&BounceReport {
                        recipient: &recipient,
                        permanent,
                        delayed: false,
                        status: None,
                        diagnostic: details.as_deref(),
                        remote_mta: None,
                        fallback: type_reason(&bounce_type),
                    });
                    out.reason = Some(verdict.reason);
                    out.status = verdict.status;
                    out.reply_code = verdict.reply_code;
                    verdict.kind
                }
                BounceClass::Kind(kind) => kind,
            }
        }
        "SpamComplaint" => EventKind::Complaint,
        "Delivery" => EventKind::Delivered,
        "SubscriptionChange" => subscription_change(&mut out),
        "Open" => EventKind::other("open"),
        "Click" => EventKind::other("click"),
        other => EventKind::Other(other.to_ascii_lowercase()),
    };
    out.diagnostic = details;
    Ok(out)
}

/// `SuppressSending: true` stops sending to the address: an unsubscribe, or the complaint or
/// hard bounce Postmark names as the reason. `false` reactivates the address at Postmark; that
/// is recorded but never lifts a suppression here.
fn subscription_change(out: &mut EspEvent) -> EventKind {
    if fields::flag(&out.raw, "SuppressSending") != Some(true) {
        return EventKind::other("reactivated");
    }
    match fields::text(&out.raw, "SuppressionReason") {
        Some("SpamComplaint") => EventKind::Complaint,
        Some("HardBounce") => {
            let verdict = judge(&BounceReport {
                recipient: &out.recipient,
                permanent: true,
                fallback: Some(Reason::Suppressed),
                ..BounceReport::default()
            });
            out.reason = Some(verdict.reason);
            EventKind::HardBounce
        }
        _ => EventKind::Unsubscribe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(credentials: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(credentials)).into_bytes()
    }

    #[test]
    fn basic_auth_accepts_only_the_configured_pair() {
        let ok = basic("hook:s3cr:et");
        assert_eq!(verify_basic_auth(Some(&ok), "hook", "s3cr:et"), Ok(()));
        let lower = format!("basic {}", STANDARD.encode("hook:s3cr:et"));
        assert_eq!(
            verify_basic_auth(Some(lower.as_bytes()), "hook", "s3cr:et"),
            Ok(())
        );
        for bad in [
            basic("hook:wrong"),
            basic("other:s3cr:et"),
            basic("hook:"),
            basic(":"),
        ] {
            assert_eq!(
                verify_basic_auth(Some(&bad), "hook", "s3cr:et"),
                Err(WebhookError::BadCredentials { provider: POSTMARK })
            );
        }
        assert!(matches!(
            verify_basic_auth(None, "hook", "pw"),
            Err(WebhookError::Missing { .. })
        ));
        for garbage in [
            &b"Bearer abc"[..],
            b"Basic",
            b"Basic !!!",
            b"Basic aG9vaw==",
            b"\xff",
        ] {
            assert!(matches!(
                verify_basic_auth(Some(garbage), "hook", "pw"),
                Err(WebhookError::Malformed { .. })
            ));
        }
    }

    #[test]
    fn auto_replies_are_never_bounces() {
        let body = br#"{"RecordType":"Bounce","ID":1,"Type":"AutoResponder","Email":"a@b.example","Details":"I am out of office"}"#;
        let events = parse(body).unwrap();
        assert_eq!(events[0].kind, EventKind::other("auto_reply"));
        assert_eq!(events[0].reason, None);
    }
}
