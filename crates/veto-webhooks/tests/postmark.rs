//! Postmark webhooks: basic auth and every documented record type.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use veto_bounce::Reason;
use veto_webhooks::postmark::{parse, verify_basic_auth};
use veto_webhooks::{EventKind, Provider, WebhookError};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/testdata/postmark/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn one(name: &str) -> veto_webhooks::EspEvent {
    let mut events = parse(&fixture(name)).unwrap();
    assert_eq!(events.len(), 1, "{name}");
    events.remove(0)
}

#[test]
fn the_webhook_credentials_are_checked() {
    let header = format!("Basic {}", STANDARD.encode("veto-hooks:pa55word"));
    assert_eq!(
        verify_basic_auth(Some(header.as_bytes()), "veto-hooks", "pa55word"),
        Ok(())
    );
    assert_eq!(
        verify_basic_auth(Some(header.as_bytes()), "veto-hooks", "pa55wore"),
        Err(WebhookError::BadCredentials {
            provider: Provider::Postmark
        })
    );
    assert!(matches!(
        verify_basic_auth(None, "veto-hooks", "pa55word"),
        Err(WebhookError::Missing { .. })
    ));
}

#[test]
fn hard_bounce() {
    let e = one("bounce_hard.json");
    assert_eq!(e.provider, Provider::Postmark);
    assert_eq!(e.kind, EventKind::HardBounce);
    assert_eq!(e.reason, Some(Reason::UserUnknown));
    assert_eq!(e.event_id, "postmark:Bounce:4323372036854775807");
    assert_eq!(e.recipient, "john@example.com");
    assert_eq!(e.status.as_deref(), Some("5.1.1"));
    assert_eq!(e.reply_code, Some(550));
    assert_eq!(
        e.message_id.as_deref(),
        Some("883953f4-6105-42a2-a16a-77a8eac79483")
    );
    assert_eq!(e.occurred_at.map(|t| t.unix_timestamp()), Some(1572971634));
    assert!(e.diagnostic.unwrap().starts_with("smtp;550 5.1.1"));
}

#[test]
fn soft_bounce_with_a_seven_digit_fraction_and_an_offset() {
    let e = one("bounce_soft.json");
    assert_eq!(e.kind, EventKind::SoftBounce);
    assert_eq!(e.reason, Some(Reason::MailboxFull));
    assert_eq!(e.occurred_at.map(|t| t.unix_timestamp()), Some(1461788930));
}

#[test]
fn an_auto_responder_is_never_a_bounce() {
    let e = one("bounce_autoresponder.json");
    assert_eq!(e.kind, EventKind::other("auto_reply"));
    assert!(!e.kind.is_bounce());
    assert_eq!(e.reason, None);
}

#[test]
fn complaints_and_deliveries() {
    let e = one("spam_complaint.json");
    assert_eq!(e.kind, EventKind::Complaint);
    assert_eq!(e.event_id, "postmark:SpamComplaint:42");
    let e = one("delivery.json");
    assert_eq!(e.kind, EventKind::Delivered);
    assert_eq!(e.recipient, "john@example.com");
    assert!(e.event_id.starts_with("postmark:Delivery:"));
}

#[test]
fn subscription_changes() {
    assert_eq!(
        one("subscription_change_unsubscribe.json").kind,
        EventKind::Unsubscribe
    );
    assert_eq!(
        one("subscription_change_complaint.json").kind,
        EventKind::Complaint
    );
    let hard = one("subscription_change_hard_bounce.json");
    assert_eq!(hard.kind, EventKind::HardBounce);
    assert_eq!(hard.reason, Some(Reason::Suppressed));
    // A reactivation is recorded, never a lift.
    assert_eq!(
        one("subscription_change_reactivated.json").kind,
        EventKind::other("reactivated")
    );
}

#[test]
fn records_without_an_id_are_keyed_by_the_body() {
    let body = fixture("subscription_change_unsubscribe.json");
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body));
    let e = one("subscription_change_unsubscribe.json");
    assert_eq!(e.event_id, format!("postmark:SubscriptionChange:{digest}"));
}

#[test]
fn malformed_bodies_are_named() {
    assert!(matches!(
        parse(b"{"),
        Err(WebhookError::MalformedJson { .. })
    ));
    assert!(matches!(
        parse(b"{}"),
        Err(WebhookError::MalformedPayload { .. })
    ));
    assert!(matches!(
        parse(br#"{"RecordType":"Bounce","ID":1}"#),
        Err(WebhookError::MalformedPayload { .. })
    ));
    assert!(matches!(
        parse(b"7"),
        Err(WebhookError::MalformedPayload { .. })
    ));
}
