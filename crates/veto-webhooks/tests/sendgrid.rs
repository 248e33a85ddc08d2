//! SendGrid's signed Event Webhook: our own P-256 key signs the documented example body; and
//! SendGrid's own published test vectors verify byte for byte.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use time::OffsetDateTime;
use veto_bounce::Reason;
use veto_webhooks::sendgrid::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use veto_webhooks::{EventKind, Provider, SendGridVerifier, WebhookError};

const NOW: i64 = 1_700_000_000;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Account {
    key: SigningKey,
}

impl Account {
    fn new() -> Self {
        Account {
            key: SigningKey::random(&mut rand_core::OsRng),
        }
    }

    /// The verification key as SendGrid's UI shows it: base64 of the SPKI DER.
    fn verification_key(&self) -> String {
        let der = self.key.verifying_key().to_public_key_der().unwrap();
        STANDARD.encode(der.as_bytes())
    }

    fn verifier(&self) -> SendGridVerifier {
        SendGridVerifier::from_public_key(&self.verification_key()).unwrap()
    }

    /// The two header values for `body` signed at `timestamp`.
    fn sign(&self, timestamp: i64, body: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let ts = timestamp.to_string().into_bytes();
        let mut signed = ts.clone();
        signed.extend_from_slice(body);
        let signature: Signature = self.key.sign(&signed);
        (
            STANDARD.encode(signature.to_der().as_bytes()).into_bytes(),
            ts,
        )
    }
}

#[test]
fn the_documented_example_verifies_and_reads() {
    let account = Account::new();
    let body = fixture("sendgrid/events.json");
    let (sig, ts) = account.sign(NOW - 10, &body);
    let events = account
        .verifier()
        .verify_and_parse(Some(&sig), Some(&ts), &body, at(NOW))
        .unwrap();
    let kinds: Vec<(String, Option<Reason>)> = events
        .iter()
        .map(|e| (e.kind.to_string(), e.reason))
        .collect();
    let expected: Vec<(String, Option<Reason>)> = vec![
        ("processed".into(), None),
        ("soft_bounce".into(), Some(Reason::Expired)),
        ("delivered".into(), None),
        ("open".into(), None),
        ("click".into(), None),
        ("hard_bounce".into(), Some(Reason::UserUnknown)),
        ("soft_bounce".into(), Some(Reason::Blocked)),
        ("hard_bounce".into(), Some(Reason::Suppressed)),
        ("complaint".into(), None),
        ("unsubscribe".into(), None),
        ("group_unsubscribe".into(), None),
        ("group_resubscribe".into(), None),
    ];
    assert_eq!(kinds, expected);
    for e in &events {
        assert_eq!(e.provider, Provider::SendGrid);
        assert_eq!(e.recipient, "example@test.com");
        assert_eq!(
            e.message_id.as_deref(),
            Some("14c5d75ce93.dfd.64b469@ismtpd-555")
        );
        assert_eq!(e.occurred_at.map(|t| t.unix_timestamp()), Some(1513299569));
    }
    let bounce = &events[5];
    assert_eq!(bounce.event_id, "6g4ZI7SA-xmRDv57GoPIPw==");
    assert_eq!(bounce.reply_code, Some(500));
    assert_eq!(bounce.diagnostic.as_deref(), Some("500 unknown recipient"));
    assert_eq!(bounce.raw["bounce_classification"], "Invalid Address");
    let deferred = &events[1];
    assert_eq!(deferred.diagnostic.as_deref(), Some("400 try again later"));
    assert_eq!(deferred.reply_code, Some(400));
    assert_eq!(events[10].group.as_deref(), Some("10"));
    assert_eq!(events[10].kind, EventKind::GroupUnsubscribe);
}

#[test]
fn sendgrids_published_test_vectors_verify() {
    // From the tests of SendGrid's own libraries (Java, C#, Node.js, Go, Ruby, Python).
    let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    let body = br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
    let sig = b"MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    let verifier = SendGridVerifier::from_public_key(key).unwrap();
    let now = at(1588788367);
    assert_eq!(
        verifier.verify(Some(sig), Some(b"1588788367"), body, now),
        Ok(())
    );
    // Their failing signature differs in one byte.
    let failing = b"MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=";
    assert_eq!(
        verifier.verify(Some(failing), Some(b"1588788367"), body, now),
        Err(WebhookError::BadSignature {
            provider: Provider::SendGrid
        })
    );
    // Their failing key.
    let other = SendGridVerifier::from_public_key("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==").unwrap();
    assert!(matches!(
        other.verify(Some(sig), Some(b"1588788367"), body, now),
        Err(WebhookError::BadSignature { .. })
    ));
}

#[test]
fn sendgrids_production_fixture_verifies_and_reads() {
    // The production request in sendgrid-ruby's fixtures, trailing CRLF included.
    let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    let sig = b"MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    let body = fixture("sendgrid/production_dropped.body");
    let verifier = SendGridVerifier::from_public_key(key).unwrap();
    let events = verifier
        .verify_and_parse(Some(sig), Some(b"1600112502"), &body, at(1600112510))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::HardBounce);
    assert_eq!(events[0].reason, Some(Reason::Suppressed));
    assert_eq!(events[0].recipient, "hello@world.com");
    assert_eq!(
        events[0].event_id,
        "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA"
    );
    assert_eq!(
        events[0].message_id.as_deref(),
        Some("LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net")
    );
    // Without the trailing CRLF the bytes are not what was signed.
    let trimmed = &body[..body.len() - 2];
    assert!(matches!(
        verifier.verify(Some(sig), Some(b"1600112502"), trimmed, at(1600112510)),
        Err(WebhookError::BadSignature { .. })
    ));
}

#[test]
fn pem_keys_are_accepted_too() {
    let account = Account::new();
    let pem = account
        .key
        .verifying_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .unwrap();
    let verifier = SendGridVerifier::from_public_key(&pem).unwrap();
    let (sig, ts) = account.sign(NOW, b"[]");
    assert_eq!(
        verifier.verify(Some(&sig), Some(&ts), b"[]", at(NOW)),
        Ok(())
    );
}

#[test]
fn flipped_bytes_wrong_keys_and_old_timestamps_are_refused() {
    let account = Account::new();
    let verifier = account.verifier();
    let body = fixture("sendgrid/events.json");
    let (sig, ts) = account.sign(NOW, &body);
    let now = at(NOW);
    let bad = Err(WebhookError::BadSignature {
        provider: Provider::SendGrid,
    });

    let mut flipped_body = body.clone();
    flipped_body[40] ^= 0x01;
    assert_eq!(
        verifier.verify(Some(&sig), Some(&ts), &flipped_body, now),
        bad
    );

    let mut der = STANDARD.decode(&sig).unwrap();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let flipped_sig = STANDARD.encode(der).into_bytes();
    assert_eq!(
        verifier.verify(Some(&flipped_sig), Some(&ts), &body, now),
        bad
    );

    let flipped_ts = (NOW + 1).to_string().into_bytes();
    assert_eq!(
        verifier.verify(Some(&sig), Some(&flipped_ts), &body, now),
        bad
    );

    let stranger = Account::new();
    assert_eq!(
        stranger
            .verifier()
            .verify(Some(&sig), Some(&ts), &body, now),
        bad
    );

    let (old_sig, old_ts) = account.sign(NOW - 600, &body);
    assert_eq!(
        verifier.verify(Some(&old_sig), Some(&old_ts), &body, now),
        Err(WebhookError::StaleTimestamp {
            provider: Provider::SendGrid,
            age_seconds: 600,
            tolerance_seconds: 300
        })
    );
    let lenient = account.verifier().with_tolerance(Duration::from_secs(900));
    assert_eq!(
        lenient.verify(Some(&old_sig), Some(&old_ts), &body, now),
        Ok(())
    );
}

#[test]
fn missing_and_malformed_headers_are_named() {
    let account = Account::new();
    let verifier = account.verifier();
    let (sig, ts) = account.sign(NOW, b"[]");
    let now = at(NOW);
    assert_eq!(
        verifier.verify(None, Some(&ts), b"[]", now),
        Err(WebhookError::Missing {
            provider: Provider::SendGrid,
            what: SIGNATURE_HEADER
        })
    );
    assert_eq!(
        verifier.verify(Some(&sig), None, b"[]", now),
        Err(WebhookError::Missing {
            provider: Provider::SendGrid,
            what: TIMESTAMP_HEADER
        })
    );
    assert!(matches!(
        verifier.verify(Some(b"%%%"), Some(&ts), b"[]", now),
        Err(WebhookError::Malformed {
            what: SIGNATURE_HEADER,
            ..
        })
    ));
    assert!(matches!(
        verifier.verify(Some(b"AAAA"), Some(&ts), b"[]", now),
        Err(WebhookError::Malformed {
            what: SIGNATURE_HEADER,
            ..
        })
    ));
    assert!(matches!(
        verifier.verify(Some(&sig), Some(b"yesterday"), b"[]", now),
        Err(WebhookError::Malformed {
            what: TIMESTAMP_HEADER,
            ..
        })
    ));
}

#[test]
fn malformed_json_is_named_after_a_valid_signature() {
    let account = Account::new();
    for (body, json) in [
        (&b"[{\"event\": "[..], true),
        (b"{\"event\":\"bounce\"}", false),
        (b"[42]", false),
    ] {
        let (sig, ts) = account.sign(NOW, body);
        let r = account
            .verifier()
            .verify_and_parse(Some(&sig), Some(&ts), body, at(NOW));
        if json {
            assert!(
                matches!(r, Err(WebhookError::MalformedJson { .. })),
                "{r:?}"
            );
        } else {
            assert!(
                matches!(r, Err(WebhookError::MalformedPayload { .. })),
                "{r:?}"
            );
        }
    }
}

#[test]
fn events_without_an_id_get_a_stable_one() {
    let body = br#"[{"email":"a@b.example","event":"spamreport","timestamp":1}]"#;
    let first = sendgrid::parse_events(body).unwrap();
    let again = sendgrid::parse_events(body).unwrap();
    assert!(first[0].event_id.starts_with("sendgrid:"));
    assert_eq!(first[0].event_id, again[0].event_id);
}
