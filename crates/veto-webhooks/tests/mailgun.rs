//! Mailgun webhooks: the documented event-data, signed here with HMAC-SHA256 over timestamp and
//! token, verified and read by the crate.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use veto_bounce::Reason;
use veto_webhooks::{EventKind, MailgunVerifier, Provider, WebhookError};

const KEY: &str = "key-7f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/testdata/mailgun/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn hmac_hex(key: &str, timestamp: &str, token: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Fills in the signature of the fixture's signature block with `key`.
fn signed(mut v: Value, key: &str) -> Value {
    let ts = v["signature"]["timestamp"].as_str().unwrap().to_string();
    let token = v["signature"]["token"].as_str().unwrap().to_string();
    v["signature"]["signature"] = json!(hmac_hex(key, &ts, &token));
    v
}

fn signed_at(v: &Value) -> i64 {
    v["signature"]["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn verify(v: &Value, now: i64) -> Result<veto_webhooks::MailgunWebhook, WebhookError> {
    MailgunVerifier::new(KEY)
        .unwrap()
        .verify_and_parse(&serde_json::to_vec(v).unwrap(), at(now))
}

#[test]
fn every_documented_event_verifies_and_reads() {
    let cases = [
        ("delivered.json", EventKind::Delivered, None),
        (
            "failed_permanent.json",
            EventKind::HardBounce,
            Some(Reason::UserUnknown),
        ),
        (
            "failed_temporary.json",
            EventKind::SoftBounce,
            Some(Reason::OnHold),
        ),
        ("complained.json", EventKind::Complaint, None),
        ("unsubscribed.json", EventKind::Unsubscribe, None),
    ];
    for (file, kind, reason) in cases {
        let v = signed(fixture(file), KEY);
        let hook = verify(&v, signed_at(&v) + 30).unwrap();
        assert_eq!(
            hook.token,
            v["signature"]["token"].as_str().unwrap(),
            "{file}"
        );
        assert_eq!(hook.events.len(), 1);
        let e = &hook.events[0];
        assert_eq!(e.provider, Provider::Mailgun);
        assert_eq!((e.kind.clone(), e.reason), (kind, reason), "{file}");
        assert_eq!(e.event_id, v["event-data"]["id"].as_str().unwrap());
        assert!(e.occurred_at.is_some(), "{file}");
        assert!(e.message_id.is_some(), "{file}");
        assert_eq!(e.raw, v["event-data"]);
    }
}

#[test]
fn a_permanent_failure_carries_the_remote_reply() {
    let v = signed(fixture("failed_permanent.json"), KEY);
    let e = verify(&v, signed_at(&v)).unwrap().events.remove(0);
    assert_eq!(e.recipient, "invalid@example.com");
    assert_eq!(e.reply_code, Some(550));
    assert_eq!(e.status.as_deref(), Some("5.1.1"));
    assert_eq!(
        e.message_id.as_deref(),
        Some("20180812214658.1.0DF563D0B3597700@example.org")
    );
    assert!(e.diagnostic.unwrap().starts_with("5.1.1 The email account"));
}

#[test]
fn tampering_wrong_keys_and_old_timestamps_are_refused() {
    let good = signed(fixture("failed_permanent.json"), KEY);
    let now = signed_at(&good) + 10;
    let bad = Err(WebhookError::BadSignature {
        provider: Provider::Mailgun,
    });

    let mut token = good.clone();
    token["signature"]["token"] = json!("d0b6b1f1b3bfa1e3e8e1a3c4e2a1f2b5c6d7e8f9a0b1c2d3e4");
    assert_eq!(verify(&token, now), bad);

    let mut ts = good.clone();
    ts["signature"]["timestamp"] = json!((signed_at(&good) + 1).to_string());
    assert_eq!(verify(&ts, now), bad);

    let mut sig = good.clone();
    let s = sig["signature"]["signature"].as_str().unwrap();
    let flipped = format!("{}{}", if s.starts_with('0') { "1" } else { "0" }, &s[1..]);
    sig["signature"]["signature"] = json!(flipped);
    assert_eq!(verify(&sig, now), bad);

    let other_key = signed(fixture("failed_permanent.json"), "key-someone-else");
    assert_eq!(verify(&other_key, now), bad);

    assert_eq!(
        verify(&good, signed_at(&good) + 3600),
        Err(WebhookError::StaleTimestamp {
            provider: Provider::Mailgun,
            age_seconds: 3600,
            tolerance_seconds: 300
        })
    );
    let lenient = MailgunVerifier::new(KEY)
        .unwrap()
        .with_tolerance(Duration::from_secs(7200));
    let body = serde_json::to_vec(&good).unwrap();
    assert!(
        lenient
            .verify_and_parse(&body, at(signed_at(&good) + 3600))
            .is_ok()
    );
}

#[test]
fn a_subaccounts_parent_signature_is_accepted() {
    let mut v = signed(fixture("complained.json"), "key-of-the-subaccount");
    let ts = v["signature"]["timestamp"].as_str().unwrap().to_string();
    let token = v["signature"]["token"].as_str().unwrap().to_string();
    v["signature"]["parent-signature"] = json!(hmac_hex(KEY, &ts, &token));
    assert!(verify(&v, signed_at(&v)).is_ok());
}

#[test]
fn the_body_of_the_event_is_not_signed_so_only_the_block_counts() {
    // Mailgun signs timestamp + token only: the caller must refuse replayed tokens.
    let v = signed(fixture("delivered.json"), KEY);
    let hook = verify(&v, signed_at(&v)).unwrap();
    assert_eq!(
        hook.token,
        "651869375b9df3c98fc15c4889b102119add1235c38fc92824"
    );
    assert_eq!(hook.signed_at.unix_timestamp(), 1534108637);
}

#[test]
fn malformed_requests_are_named() {
    let now = 1534110422;
    let verifier = MailgunVerifier::new(KEY).unwrap();
    assert!(matches!(
        verifier.verify_and_parse(b"{not json", at(now)),
        Err(WebhookError::MalformedJson {
            provider: Provider::Mailgun,
            ..
        })
    ));
    assert!(matches!(
        verifier.verify_and_parse(br#"{"event-data":{}}"#, at(now)),
        Err(WebhookError::Missing {
            what: "signature",
            ..
        })
    ));
    let mut v = signed(fixture("failed_permanent.json"), KEY);
    v["signature"]["signature"] = json!("zz-not-hex");
    assert!(matches!(
        verify(&v, now),
        Err(WebhookError::Malformed { .. })
    ));
    let mut v = signed(fixture("failed_permanent.json"), KEY);
    v.as_object_mut().unwrap().remove("event-data");
    assert!(matches!(
        verify(&v, now),
        Err(WebhookError::MalformedPayload { .. })
    ));
    let mut v = signed(fixture("failed_permanent.json"), KEY);
    v["signature"]["token"] = json!(12);
    assert!(matches!(
        verify(&v, now),
        Err(WebhookError::Malformed { what: "token", .. })
    ));
}
