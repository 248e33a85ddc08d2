//! Amazon SNS + SES end to end: SNS bodies built and signed here (our own RSA key and
//! self-signed certificate, the canonical string written out from AWS's documentation
//! independently of the crate's), verified and read by the crate.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;
use veto_bounce::Reason;
use veto_webhooks::sns::{self, SnsConfig, SnsOutcome};
use veto_webhooks::{
    CertUrlPolicy, CertificateSource, EventKind, Provider, SigningCertificate, StaticCertificates,
    WebhookError,
};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::EncodePem;
use x509_cert::der::asn1::UtcTime;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

const CERT_URL: &str =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ses-events";

/// Signing identities, generated once per test run (RSA key generation is slow).
struct Identity {
    key: RsaPrivateKey,
    cert_pem: String,
}

fn year(y: u64) -> Time {
    // Seconds from 1970 to 1 January of year `y` (close enough for validity windows).
    let seconds = (y - 1970) * 365 * 86_400 + ((y - 1969) / 4) * 86_400;
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(seconds)).unwrap())
}

fn identity(not_before: u64, not_after: u64) -> Identity {
    let key = RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
    let signer = SigningKey::<rsa::sha2::Sha256>::new(key.clone());
    let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).unwrap();
    let validity = Validity {
        not_before: year(not_before),
        not_after: year(not_after),
    };
    let builder = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(1u32),
        validity,
        Name::from_str("CN=sns.amazonaws.com").unwrap(),
        spki,
        &signer,
    )
    .unwrap();
    let cert = builder.build::<rsa::pkcs1v15::Signature>().unwrap();
    let cert_pem = cert.to_pem(x509_cert::der::pem::LineEnding::LF).unwrap();
    Identity { key, cert_pem }
}

fn aws() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| identity(2000, 2049))
}

fn impostor() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| identity(2000, 2049))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::parse("2024-05-01T12:00:00Z", &Rfc3339).unwrap()
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

/// AWS's string to sign, written out from the documentation.
fn string_to_sign(msg: &Value) -> String {
    let keys: &[&str] = if msg["Type"] == "Notification" {
        &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ]
    } else {
        &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ]
    };
    keys.iter()
        .filter_map(|k| {
            msg.get(*k)
                .and_then(Value::as_str)
                .map(|v| format!("{k}\n{v}\n"))
        })
        .collect()
}

fn sign(mut msg: Value, who: &Identity) -> Value {
    let text = string_to_sign(&msg);
    let signature = match msg["SignatureVersion"].as_str() {
        Some("1") => SigningKey::<sha1::Sha1>::new(who.key.clone())
            .sign(text.as_bytes())
            .to_vec(),
        _ => SigningKey::<rsa::sha2::Sha256>::new(who.key.clone())
            .sign(text.as_bytes())
            .to_vec(),
    };
    msg["Signature"] = json!(STANDARD.encode(signature));
    msg
}

fn notification(message: &str, version: &str) -> Value {
    json!({
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Subject": "Amazon SES Email Event Notification",
        "Message": message,
        "Timestamp": stamp(now() - Duration::from_secs(90)),
        "SignatureVersion": version,
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x"
    })
}

fn fixture(name: &str) -> String {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn trusted() -> StaticCertificates {
    StaticCertificates::new()
        .with(CERT_URL, aws().cert_pem.as_bytes())
        .unwrap()
}

fn body(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap()
}

async fn run(v: &Value) -> Result<SnsOutcome, WebhookError> {
    sns::verify_and_parse(&body(v), &trusted(), &SnsConfig::default(), now()).await
}

fn events(outcome: SnsOutcome) -> Vec<veto_webhooks::EspEvent> {
    match outcome {
        SnsOutcome::Events(events) => events,
        other => panic!("expected events, got {other:?}"),
    }
}

#[tokio::test]
async fn signed_bounce_notifications_verify_with_both_signature_versions() {
    for version in ["1", "2"] {
        let msg = sign(
            notification(&fixture("ses/bounce_with_dsn.json"), version),
            aws(),
        );
        let events = events(run(&msg).await.unwrap());
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e.provider, Provider::Ses);
        assert_eq!(
            e.event_id,
            "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324:jane@example.com"
        );
        assert_eq!(e.kind, EventKind::HardBounce);
        assert_eq!(e.recipient, "jane@example.com");
        assert_eq!(e.status.as_deref(), Some("5.1.1"));
        assert_eq!(e.reply_code, Some(550));
        assert_eq!(e.reason, Some(Reason::UserUnknown));
        assert_eq!(e.message_id.as_deref(), Some("custom-message-ID"));
        assert_eq!(e.occurred_at.map(|t| t.unix_timestamp()), Some(1453906778));
        assert_eq!(
            e.diagnostic.as_deref(),
            Some("smtp; 550 5.1.1 <jane@example.com>... User")
        );
        assert_eq!(e.raw["bounce"]["bounceType"], "Permanent");
    }
}

#[tokio::test]
async fn a_notification_without_subject_signs_without_it() {
    let mut msg = notification(&fixture("ses/complaint.json"), "2");
    msg.as_object_mut().unwrap().remove("Subject");
    let events = events(run(&sign(msg, aws())).await.unwrap());
    assert_eq!(events[0].kind, EventKind::Complaint);
    assert_eq!(events[0].recipient, "richard@example.com");
    assert_eq!(events[0].diagnostic.as_deref(), Some("abuse"));
    assert_eq!(
        events[0].message_id.as_deref(),
        Some("custom-message-ID@example.com")
    );
}

/// Recipient, kind and reason of one event.
type Expected = (&'static str, EventKind, Option<Reason>);

#[tokio::test]
async fn every_ses_fixture_reads() {
    let cases: &[(&str, &[Expected])] = &[
        (
            "ses/bounce_without_dsn.json",
            &[
                (
                    "jane@example.com",
                    EventKind::HardBounce,
                    Some(Reason::Undefined),
                ),
                (
                    "richard@example.com",
                    EventKind::HardBounce,
                    Some(Reason::Undefined),
                ),
            ],
        ),
        (
            "ses/bounce_mailbox_full.json",
            &[(
                "full@example.com",
                EventKind::SoftBounce,
                Some(Reason::MailboxFull),
            )],
        ),
        (
            "ses/delivery.json",
            &[("jane@example.com", EventKind::Delivered, None)],
        ),
        (
            "ses/event_bounce.json",
            &[(
                "recipient@example.com",
                EventKind::HardBounce,
                Some(Reason::UserUnknown),
            )],
        ),
        (
            "ses/event_suppressed.json",
            &[(
                "recipient@example.com",
                EventKind::HardBounce,
                Some(Reason::UserUnknown),
            )],
        ),
        (
            "ses/event_delivery_delay.json",
            &[(
                "recipient@example.com",
                EventKind::SoftBounce,
                Some(Reason::NetworkError),
            )],
        ),
        (
            "ses/event_subscription.json",
            &[("recipient@example.com", EventKind::GroupUnsubscribe, None)],
        ),
        (
            "ses/event_open.json",
            &[("recipient@example.com", EventKind::other("open"), None)],
        ),
    ];
    for (file, expected) in cases {
        let msg = sign(notification(&fixture(file), "2"), aws());
        let events = events(run(&msg).await.unwrap());
        let got: Vec<(&str, EventKind, Option<Reason>)> = events
            .iter()
            .map(|e| (e.recipient.as_str(), e.kind.clone(), e.reason))
            .collect();
        assert_eq!(&got, expected, "{file}");
        for e in &events {
            assert!(e.occurred_at.is_some(), "{file}");
            assert!(e.message_id.is_some(), "{file}");
        }
    }
}

#[tokio::test]
async fn group_unsubscribes_name_the_topic() {
    let msg = sign(
        notification(&fixture("ses/event_subscription.json"), "2"),
        aws(),
    );
    let events = events(run(&msg).await.unwrap());
    assert_eq!(events[0].group.as_deref(), Some("ExampleTopicName"));
    assert_eq!(
        events[0].event_id,
        "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324:recipient@example.com:ExampleTopicName"
    );
}

#[tokio::test]
async fn subscription_confirmations_are_surfaced_not_followed() {
    let msg = json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
        "TopicArn": TOPIC,
        "Message": format!("You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
        "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:ses-events&Token=2336412f37",
        "Timestamp": stamp(now()),
        "SignatureVersion": "1",
        "SigningCertURL": CERT_URL
    });
    let outcome = run(&sign(msg, aws())).await.unwrap();
    let SnsOutcome::SubscriptionConfirmation {
        topic_arn,
        subscribe_url,
        token,
    } = outcome
    else {
        panic!("expected a subscription confirmation, got {outcome:?}");
    };
    assert_eq!(topic_arn, TOPIC);
    assert!(subscribe_url.contains("Action=ConfirmSubscription"));
    assert!(token.starts_with("2336412f"));
}

#[tokio::test]
async fn unsubscribe_confirmations_and_test_messages() {
    let msg = json!({
        "Type": "UnsubscribeConfirmation",
        "MessageId": "47138184-6831-46b8-8f7c-afc488602d7d",
        "Token": "2336412f37",
        "TopicArn": TOPIC,
        "Message": "You have chosen to deactivate subscription.",
        "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37",
        "Timestamp": stamp(now()),
        "SignatureVersion": "2",
        "SigningCertURL": CERT_URL
    });
    assert_eq!(
        run(&sign(msg, aws())).await.unwrap(),
        SnsOutcome::UnsubscribeConfirmation {
            topic_arn: TOPIC.to_string()
        }
    );
    let text = "Successfully validated SNS topic for Amazon SES event publishing.";
    let msg = sign(notification(text, "2"), aws());
    assert!(matches!(
        run(&msg).await.unwrap(),
        SnsOutcome::OtherNotification { message, .. } if message == text
    ));
}

#[tokio::test]
async fn a_flipped_byte_in_the_message_breaks_the_signature() {
    let signed = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        aws(),
    );
    let mut msg = signed.clone();
    let tampered = signed["Message"]
        .as_str()
        .unwrap()
        .replace("jane@", "jane2@");
    msg["Message"] = json!(tampered);
    assert_eq!(
        run(&msg).await.unwrap_err(),
        WebhookError::BadSignature {
            provider: Provider::Ses
        }
    );
    // Any signed field counts, the subject and the topic too.
    for (key, value) in [("Subject", "Hi"), ("MessageId", "other-id")] {
        let mut msg = signed.clone();
        msg[key] = json!(value);
        assert!(
            matches!(run(&msg).await, Err(WebhookError::BadSignature { .. })),
            "{key}"
        );
    }
}

#[tokio::test]
async fn a_flipped_byte_in_the_signature_breaks_it() {
    let mut msg = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        aws(),
    );
    let mut raw = STANDARD.decode(msg["Signature"].as_str().unwrap()).unwrap();
    raw[100] ^= 0x01;
    msg["Signature"] = json!(STANDARD.encode(raw));
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::BadSignature { .. })
    ));
    msg["Signature"] = json!("not base64 at all!");
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::Malformed {
            what: "Signature",
            ..
        })
    ));
}

#[tokio::test]
async fn a_flipped_byte_in_the_timestamp_breaks_the_signature() {
    let mut msg = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        aws(),
    );
    let ts = msg["Timestamp"].as_str().unwrap().replace(":30", ":31");
    msg["Timestamp"] = json!(ts);
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::BadSignature { .. })
    ));
}

#[tokio::test]
async fn another_key_is_refused() {
    let msg = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        impostor(),
    );
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::BadSignature { .. })
    ));
    // The impostor's certificate under the allowed URL would be needed to pass.
    let source = StaticCertificates::new()
        .with(CERT_URL, impostor().cert_pem.as_bytes())
        .unwrap();
    let ok = sns::verify_and_parse(&body(&msg), &source, &SnsConfig::default(), now()).await;
    assert!(ok.is_ok());
}

#[tokio::test]
async fn old_messages_are_refused_and_the_tolerance_is_configurable() {
    let mut msg = notification(&fixture("ses/bounce_with_dsn.json"), "2");
    msg["Timestamp"] = json!(stamp(now() - Duration::from_secs(2 * 3600)));
    let msg = sign(msg, aws());
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::StaleTimestamp {
            provider: Provider::Ses,
            age_seconds: 7200,
            ..
        })
    ));
    let lenient = SnsConfig {
        tolerance: Duration::from_secs(3 * 3600),
        ..SnsConfig::default()
    };
    let outcome = sns::verify_and_parse(&body(&msg), &trusted(), &lenient, now()).await;
    assert!(outcome.is_ok());
}

/// A source that counts how often it is asked.
struct Counting(AtomicUsize);

#[async_trait]
impl CertificateSource for Counting {
    async fn certificate(&self, url: &Url) -> Result<Arc<SigningCertificate>, WebhookError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        trusted().certificate(url).await
    }
}

#[tokio::test]
async fn disallowed_certificate_urls_are_refused_before_any_fetch() {
    let source = Counting(AtomicUsize::new(0));
    for url in [
        "https://evil.example/SimpleNotificationService-0.pem",
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
        "https://s3.amazonaws.com/bucket/x.pem",
    ] {
        let mut msg = notification(&fixture("ses/bounce_with_dsn.json"), "2");
        msg["SigningCertURL"] = json!(url);
        let msg = sign(msg, aws());
        let r = sns::verify_and_parse(&body(&msg), &source, &SnsConfig::default(), now()).await;
        assert!(
            matches!(r, Err(WebhookError::CertificateUrlNotAllowed { .. })),
            "{url}: {r:?}"
        );
    }
    assert_eq!(source.0.load(Ordering::SeqCst), 0);
    let msg = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        aws(),
    );
    let r = sns::verify_and_parse(&body(&msg), &source, &SnsConfig::default(), now()).await;
    assert!(r.is_ok());
    assert_eq!(source.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_test_certificate_host_can_be_configured() {
    let url = "https://certs.test.internal/sns.pem";
    let config = SnsConfig {
        cert_urls: CertUrlPolicy::with_host_pattern(r"certs\.test\.internal").unwrap(),
        ..SnsConfig::default()
    };
    let source = StaticCertificates::new()
        .with(url, aws().cert_pem.as_bytes())
        .unwrap();
    let mut msg = notification(&fixture("ses/delivery.json"), "2");
    msg["SigningCertURL"] = json!(url);
    let msg = sign(msg, aws());
    let r = sns::verify_and_parse(&body(&msg), &source, &config, now()).await;
    assert!(matches!(r, Ok(SnsOutcome::Events(_))));
    let r = sns::verify_and_parse(&body(&msg), &source, &SnsConfig::default(), now()).await;
    assert!(matches!(
        r,
        Err(WebhookError::CertificateUrlNotAllowed { .. })
    ));
}

#[tokio::test]
async fn unknown_certificates_topics_and_expired_certificates_are_refused() {
    let msg = sign(
        notification(&fixture("ses/bounce_with_dsn.json"), "2"),
        aws(),
    );
    let empty = StaticCertificates::new();
    let r = sns::verify_and_parse(&body(&msg), &empty, &SnsConfig::default(), now()).await;
    assert!(matches!(
        r,
        Err(WebhookError::CertificateUnavailable { .. })
    ));

    let only_other_topic = SnsConfig {
        allowed_topics: Some(vec!["arn:aws:sns:us-east-1:123456789012:other".to_string()]),
        ..SnsConfig::default()
    };
    let r = sns::verify_and_parse(&body(&msg), &trusted(), &only_other_topic, now()).await;
    assert_eq!(
        r.unwrap_err(),
        WebhookError::TopicNotAllowed(TOPIC.to_string())
    );

    let expired = identity(2001, 2003);
    let source = StaticCertificates::new()
        .with(CERT_URL, expired.cert_pem.as_bytes())
        .unwrap();
    let msg = sign(notification(&fixture("ses/delivery.json"), "2"), &expired);
    let r = sns::verify_and_parse(&body(&msg), &source, &SnsConfig::default(), now()).await;
    assert!(
        matches!(r, Err(WebhookError::CertificateExpired { .. })),
        "{r:?}"
    );
}

#[tokio::test]
async fn malformed_bodies_are_named() {
    let r = sns::verify_and_parse(b"{\"Type\": ", &trusted(), &SnsConfig::default(), now()).await;
    assert!(matches!(
        r,
        Err(WebhookError::MalformedJson {
            provider: Provider::Ses,
            ..
        })
    ));
    let mut msg = sign(notification("{}", "2"), aws());
    msg.as_object_mut().unwrap().remove("Signature");
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::Missing {
            what: "Signature",
            ..
        })
    ));
    // Signed, but the SES JSON inside is broken: a bad request, not a forgery.
    let msg = sign(
        notification(r#"{"notificationType":"Bounce","bounce":{}}"#, "2"),
        aws(),
    );
    assert!(matches!(
        run(&msg).await,
        Err(WebhookError::MalformedPayload { .. })
    ));
}
