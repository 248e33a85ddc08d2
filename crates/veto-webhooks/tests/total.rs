//! Every parser and verifier answers every input: arbitrary bytes, and arbitrary JSON made of
//! the providers' own field names, never panic.

use proptest::prelude::*;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use veto_webhooks::{
    CertUrlPolicy, MailgunVerifier, SendGridVerifier, SigningCertificate, SnsMessage, postmark,
    sendgrid, ses,
};

const NAMES: &[&str] = &[
    "Type",
    "MessageId",
    "TopicArn",
    "Message",
    "Timestamp",
    "SignatureVersion",
    "Signature",
    "SigningCertURL",
    "SubscribeURL",
    "Token",
    "Subject",
    "notificationType",
    "eventType",
    "bounce",
    "bounceType",
    "bounceSubType",
    "bouncedRecipients",
    "emailAddress",
    "status",
    "diagnosticCode",
    "complaint",
    "complainedRecipients",
    "delivery",
    "recipients",
    "deliveryDelay",
    "delayedRecipients",
    "subscription",
    "newTopicPreferences",
    "topicSubscriptionStatus",
    "unsubscribeAll",
    "mail",
    "destination",
    "headers",
    "name",
    "value",
    "messageId",
    "timestamp",
    "event",
    "email",
    "sg_event_id",
    "smtp-id",
    "reason",
    "response",
    "asm_group_id",
    "signature",
    "token",
    "event-data",
    "severity",
    "recipient",
    "delivery-status",
    "code",
    "message",
    "id",
    "RecordType",
    "ID",
    "Email",
    "Recipient",
    "Details",
    "BouncedAt",
    "SuppressSending",
    "SuppressionReason",
    "MessageID",
];

const WORDS: &[&str] = &[
    "Notification",
    "SubscriptionConfirmation",
    "Bounce",
    "Complaint",
    "Delivery",
    "DeliveryDelay",
    "Subscription",
    "Permanent",
    "Transient",
    "bounce",
    "blocked",
    "dropped",
    "deferred",
    "failed",
    "permanent",
    "HardBounce",
    "AutoResponder",
    "SubscriptionChange",
    "OptOut",
    "550 5.1.1 user unknown",
    "smtp; 552 5.2.2 full",
    "5.1.1",
    "4.4.7",
    "1",
    "2016-01-27T14:59:38.237Z",
    "a@b.example",
    "",
    "\u{0}",
    "é",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_string())),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(NAMES), inner), 0..10).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn sendgrid_verifier() -> SendGridVerifier {
    SendGridVerifier::from_public_key(
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
    )
    .unwrap()
}

fn everything(bytes: &[u8], header: &[u8]) {
    let _ = SnsMessage::parse(bytes).map(|m| {
        let _ = m.string_to_sign();
        let _ = m.precheck(&Default::default(), now());
        let _ = m.into_outcome();
    });
    let text = String::from_utf8_lossy(bytes);
    let _ = ses::parse_notification("m", &text);
    let _ = sendgrid::parse_events(bytes);
    let _ = sendgrid_verifier().verify_and_parse(Some(header), Some(header), bytes, now());
    let _ = MailgunVerifier::new("key").map(|v| v.verify_and_parse(bytes, now()));
    let _ = postmark::parse(bytes);
    let _ = postmark::verify_basic_auth(Some(header), "u", "p");
    let _ = SigningCertificate::from_bytes(bytes);
    let _ = CertUrlPolicy::aws().check(&text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512),
                                   header in prop::collection::vec(any::<u8>(), 0..64)) {
        everything(&bytes, &header);
    }

    #[test]
    fn arbitrary_provider_shaped_json_never_panics(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        everything(&bytes, b"MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr");
        // As the Message of an SNS notification and as a list of SendGrid events.
        let _ = ses::parse_notification("m", &value.to_string());
        let list = serde_json::to_vec(&Value::Array(vec![value.clone(), value])).unwrap_or_default();
        let _ = sendgrid::parse_events(&list);
        let _ = postmark::parse(&list);
    }
}
