//! Provider event webhooks over HTTP on both stores: each provider's authenticity check with
//! real signatures (SendGrid's own signed production request, an HMAC for Mailgun, an RSA
//! signature over the SNS string-to-sign made with the `openssl` CLI for SES, basic auth for
//! Postmark), the resulting suppressions, and re-deliveries processed once.

mod common;

use base64::Engine;
use common::*;
use hmac::{KeyInit, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SENDGRID_BODY: &[u8] = include_bytes!("fixtures/webhooks/sendgrid_production_dropped.body");
const SENDGRID_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
const SENDGRID_SIG: &str = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
const SES_BOUNCE: &str = include_str!("fixtures/webhooks/ses_bounce_with_dsn.json");
const SES_COMPLAINT: &str = include_str!("fixtures/webhooks/ses_complaint.json");
const MAILGUN_FAILED: &str = include_str!("fixtures/webhooks/mailgun_failed_permanent.json");
const POSTMARK_BOUNCE: &str = include_str!("fixtures/webhooks/postmark_bounce_hard.json");
const POSTMARK_REACTIVATED: &str =
    include_str!("fixtures/webhooks/postmark_subscription_change_reactivated.json");

impl Server {
    async fn hook(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut r = self.http.post(format!("{}{path}", self.url)).body(body);
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        let r = r.send().await.unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn source(&self, admin: &str, body: Value) -> Value {
        let (s, v) = self.post(admin, "/v1/inbound/sources", body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    async fn reason_of(&self, key: &str, email: &str) -> String {
        let v = self.check_email(key, email).await;
        format!(
            "{}:{}",
            v["verdict"].as_str().unwrap_or_default(),
            v["matches"][0]["reason"].as_str().unwrap_or_default()
        )
    }
}

#[tokio::test]
async fn sendgrid_signed_events_suppress_once() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("hooks-sendgrid").await;
        let src = srv
            .source(
                &t.admin,
                json!({"kind": "sendgrid", "name": "SendGrid", "config": {
                    "public_key": SENDGRID_KEY,
                    // The signed request is from 2020: accept its age for this test.
                    "tolerance_seconds": 400_000_000u32
                }}),
            )
            .await;
        let url = src["webhook_url"].as_str().unwrap().to_string();
        assert!(url.starts_with("/hooks/"), "{src}");
        let headers = [
            (
                "x-twilio-email-event-webhook-signature",
                SENDGRID_SIG.to_string(),
            ),
            (
                "x-twilio-email-event-webhook-timestamp",
                "1600112502".to_string(),
            ),
            ("content-type", "application/json".to_string()),
        ];
        let (s, v) = srv.hook(&url, &headers, SENDGRID_BODY.to_vec()).await;
        assert_eq!(s, StatusCode::OK, "{}: {v}", b.name);
        assert_eq!(v["events"], 1, "{v}");
        assert_eq!(
            v["outcomes"][0]["actions"][0]["action"], "suppressed",
            "{v}"
        );
        assert_eq!(
            srv.reason_of(&t.admin, "hello@world.com").await,
            "block:hard_bounce"
        );
        // Delivered again (providers retry): processed once.
        let (s, v) = srv.hook(&url, &headers, SENDGRID_BODY.to_vec()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["outcomes"][0]["duplicate"], true, "{v}");
        let (_, log) = srv
            .get(&t.admin, "/v1/audit?action=suppression.created&limit=100")
            .await;
        assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
        // The stored signal is the event as the provider sent it.
        let sid = v["outcomes"][0]["signal_id"].as_str().unwrap();
        let (_, sig) = srv.get(&t.admin, &format!("/v1/signals/{sid}")).await;
        assert_eq!(sig["via"], "webhook:sendgrid", "{sig}");
        assert_eq!(sig["content_type"], "application/json", "{sig}");

        // One byte changed, no signature, a stale timestamp: refused, nothing done.
        let mut tampered = SENDGRID_BODY.to_vec();
        let i = tampered.iter().position(|c| *c == b'h').unwrap();
        tampered[i] = b'j';
        let (s, v) = srv.hook(&url, &headers, tampered).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        let (s, _) = srv.hook(&url, &headers[2..], SENDGRID_BODY.to_vec()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let strict = srv
            .source(
                &t.admin,
                json!({"kind": "sendgrid", "name": "strict", "config": {"public_key": SENDGRID_KEY}}),
            )
            .await;
        let (s, v) = srv
            .hook(
                strict["webhook_url"].as_str().unwrap(),
                &headers,
                SENDGRID_BODY.to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert!(v.to_string().contains("timestamp"), "{v}");

        // Another tenant's id in the path finds nothing; a disabled source answers 404.
        let other = srv.tenant("hooks-sendgrid-other").await;
        let (_, me) = srv.get(&other.admin, "/v1/me").await;
        let other_tenant = me["tenant_id"]
            .as_str()
            .unwrap_or("00000000-0000-0000-0000-000000000000");
        let forged = format!("/hooks/{other_tenant}/{}", src["id"].as_str().unwrap());
        let (s, _) = srv.hook(&forged, &headers, SENDGRID_BODY.to_vec()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = srv
            .post(
                &t.admin,
                &format!(
                    "/v1/inbound/sources/{}/disable",
                    src["id"].as_str().unwrap()
                ),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = srv.hook(&url, &headers, SENDGRID_BODY.to_vec()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(
            srv.reason_of(&other.admin, "hello@world.com").await,
            "allow:"
        );
    }
}

fn mailgun_body(key: &str, token: &str, template: &str) -> Vec<u8> {
    let ts = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(token.as_bytes());
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut v: Value = serde_json::from_str(template).unwrap();
    v["signature"] = json!({"timestamp": ts, "token": token, "signature": sig});
    serde_json::to_vec(&v).unwrap()
}

#[tokio::test]
async fn mailgun_and_postmark_events_need_their_secrets() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("hooks-mg").await;
        let key = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
        let mg = srv
            .source(
                &t.admin,
                json!({"kind": "mailgun", "name": "Mailgun", "secret": key}),
            )
            .await;
        assert_eq!(mg["has_secret"], true, "{mg}");
        assert!(
            !mg.to_string().contains(key),
            "the secret is never shown: {mg}"
        );
        let url = mg["webhook_url"].as_str().unwrap().to_string();
        let body = mailgun_body(key, "tok-1", MAILGUN_FAILED);
        let (s, v) = srv.hook(&url, &[], body).await;
        assert_eq!(s, StatusCode::OK, "{}: {v}", b.name);
        assert_eq!(
            srv.reason_of(&t.admin, "invalid@example.com").await,
            "block:hard_bounce"
        );
        let (s, v) = srv
            .hook(
                &url,
                &[],
                mailgun_body("key-wrong", "tok-2", MAILGUN_FAILED),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        // A Mailgun source without a signing key is refused when configured.
        let (s, v) = srv
            .post(
                &t.admin,
                "/v1/inbound/sources",
                json!({"kind": "mailgun", "name": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        let pm = srv
            .source(
                &t.admin,
                json!({"kind": "postmark", "name": "Postmark", "config": {"username": "veto"}, "secret": "s3cret-pass"}),
            )
            .await;
        let url = pm["webhook_url"].as_str().unwrap().to_string();
        let auth = |u: &str, p: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        };
        let (s, _) = srv
            .hook(
                &url,
                &[("authorization", auth("veto", "nope"))],
                POSTMARK_BOUNCE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, v) = srv
            .hook(
                &url,
                &[("authorization", auth("veto", "s3cret-pass"))],
                POSTMARK_BOUNCE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            srv.reason_of(&t.admin, "john@example.com").await,
            "block:hard_bounce"
        );
        // A provider "reactivation" never lifts anything.
        let (s, v) = srv
            .hook(
                &url,
                &[("authorization", auth("veto", "s3cret-pass"))],
                POSTMARK_REACTIVATED.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["outcomes"][0]["actions"][0]["action"], "ignored", "{v}");
        // Only ops and admins configure sources.
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let (s, _) = srv.get(&sdr, "/v1/inbound/sources").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, list) = srv.get(&t.admin, "/v1/inbound/sources").await;
        assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
        let (_, log) = srv
            .get(&t.admin, "/v1/audit?action=inbound_source.created&limit=10")
            .await;
        assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
        assert!(!log.to_string().contains("s3cret"), "{log}");
    }
}

/// An RSA key and self-signed certificate made by the `openssl` CLI, and a signer.
struct OpenSsl {
    dir: tempfile::TempDir,
}

impl OpenSsl {
    fn new() -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=sns.amazonaws.com",
            ])
            .arg("-keyout")
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("SKIPPED: the openssl CLI is not available to sign SNS messages");
            return None;
        }
        Some(Self { dir })
    }

    fn cert(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("cert.pem")).unwrap()
    }

    fn sign(&self, text: &str) -> String {
        let input = self.dir.path().join("in.txt");
        std::fs::write(&input, text).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(self.dir.path().join("key.pem"))
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success());
        base64::engine::general_purpose::STANDARD.encode(out.stdout)
    }
}

const CERT_URL: &str =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-veto-test.pem";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ses-events";

/// An SNS notification carrying `message`, signed as AWS documents (SignatureVersion 2).
fn sns_notification(ssl: &OpenSsl, id: &str, message: &str) -> Vec<u8> {
    let ts = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let to_sign = format!(
        "Message\n{message}\nMessageId\n{id}\nTimestamp\n{ts}\nTopicArn\n{TOPIC}\nType\nNotification\n"
    );
    serde_json::to_vec(&json!({
        "Type": "Notification",
        "MessageId": id,
        "TopicArn": TOPIC,
        "Message": message,
        "Timestamp": ts,
        "SignatureVersion": "2",
        "Signature": ssl.sign(&to_sign),
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }))
    .unwrap()
}

#[tokio::test]
async fn ses_notifications_verified_against_the_configured_certificate() {
    let Some(ssl) = OpenSsl::new() else { return };
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("hooks-ses").await;
        let mut certs = serde_json::Map::new();
        certs.insert(CERT_URL.into(), Value::String(ssl.cert()));
        let src = srv
            .source(
                &t.admin,
                json!({"kind": "ses", "name": "SES", "config": {"certificates": certs, "allowed_topics": [TOPIC]}}),
            )
            .await;
        let url = src["webhook_url"].as_str().unwrap().to_string();
        let bounce = sns_notification(&ssl, "11111111-aaaa-bbbb-cccc-000000000001", SES_BOUNCE);
        let (s, v) = srv.hook(&url, &[], bounce.clone()).await;
        assert_eq!(s, StatusCode::OK, "{}: {v}", b.name);
        assert_eq!(
            srv.reason_of(&t.admin, "jane@example.com").await,
            "block:hard_bounce"
        );
        let (s, v) = srv.hook(&url, &[], bounce).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["outcomes"][0]["duplicate"], true, "{v}");
        let complaint =
            sns_notification(&ssl, "11111111-aaaa-bbbb-cccc-000000000002", SES_COMPLAINT);
        let (s, v) = srv.hook(&url, &[], complaint).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let addr = v["outcomes"][0]["actions"][0]["address"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(srv.reason_of(&t.admin, &addr).await, "block:complaint");

        // Signed by someone else, or altered: refused.
        let other = OpenSsl::new().unwrap();
        let forged = sns_notification(&other, "11111111-aaaa-bbbb-cccc-000000000003", SES_BOUNCE);
        let (s, _) = srv.hook(&url, &[], forged).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let mut body: Value = serde_json::from_slice(&sns_notification(
            &ssl,
            "11111111-aaaa-bbbb-cccc-000000000004",
            SES_BOUNCE,
        ))
        .unwrap();
        body["Message"] = Value::String(SES_BOUNCE.replace("jane@example.com", "ceo@example.com"));
        let (s, _) = srv
            .hook(&url, &[], serde_json::to_vec(&body).unwrap())
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(srv.reason_of(&t.admin, "ceo@example.com").await, "allow:");
    }
}
