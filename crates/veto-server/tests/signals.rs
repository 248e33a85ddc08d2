//! Inbound signals over HTTP on both stores: `POST /v1/inbound/mime` with real bounces, a
//! complaint and replies, and what each does (or does not do) to the next check.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

const HARD: &[u8] = include_bytes!("fixtures/signals/hard-bounce.eml");
const SOFT: &[u8] = include_bytes!("fixtures/signals/soft-bounce.eml");
const COMPLAINT: &[u8] = include_bytes!("fixtures/signals/complaint.eml");
const AUTO: &[u8] = include_bytes!("fixtures/signals/auto-reply.eml");
const STOP: &[u8] = include_bytes!("fixtures/signals/stop-reply.eml");
const OOO: &[u8] = include_bytes!("fixtures/signals/out-of-office.eml");

impl Server {
    async fn ingest(&self, key: &str, raw: &[u8]) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}/v1/inbound/mime", self.url))
            .bearer_auth(key)
            .header("content-type", "message/rfc822")
            .body(raw.to_vec())
            .send()
            .await
            .unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn ingest_ok(&self, key: &str, raw: &[u8]) -> Value {
        let (s, v) = self.ingest(key, raw).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    async fn created_events(&self, admin: &str) -> Vec<Value> {
        let (s, log) = self
            .get(admin, "/v1/audit?action=suppression.created&limit=1000")
            .await;
        assert_eq!(s, StatusCode::OK, "{log}");
        log["items"].as_array().unwrap().clone()
    }

    async fn verdict(&self, key: &str, email: &str) -> (String, String) {
        let v = self.check_email(key, email).await;
        (
            v["verdict"].as_str().unwrap_or_default().to_string(),
            v["matches"][0]["reason"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }
}

fn block(reason: &str) -> (String, String) {
    ("block".to_string(), reason.to_string())
}

fn allow() -> (String, String) {
    ("allow".to_string(), String::new())
}

#[tokio::test]
async fn signals_suppress_what_they_should_and_nothing_else() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("signals").await;
        let other = srv.tenant("signals-other").await;
        let (sdr_id, sdr) = srv.user(&t.admin, "sdr", None).await;

        // Hard bounce: the dead address is blocked.
        let v = srv.ingest_ok(&sdr, HARD).await;
        assert_eq!(v["kind"], "bounce", "{}: {v}", b.name);
        assert_eq!(v["actions"][0]["address"], "neko@example.co.jp", "{v}");
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(v["actions"][0]["reason"], "hard_bounce", "{v}");
        assert!(v["actions"][0]["entry_id"].is_string(), "{v}");
        assert_eq!(
            srv.verdict(&t.admin, "neko@example.co.jp").await,
            block("hard_bounce")
        );

        // Complaint: the original recipient is blocked.
        let v = srv.ingest_ok(&sdr, COMPLAINT).await;
        assert_eq!(v["kind"], "complaint", "{v}");
        let addr = v["actions"][0]["address"].as_str().unwrap().to_string();
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(srv.verdict(&t.admin, &addr).await, block("complaint"));

        // Stop reply: the sender is blocked, though the quoted history says "reply STOP".
        let v = srv.ingest_ok(&sdr, STOP).await;
        assert_eq!(v["kind"], "reply", "{v}");
        assert_eq!(v["class"], "unsubscribe", "{v}");
        assert_eq!(v["message_id"], "<stop-1@example.com>", "{v}");
        assert_eq!(v["actions"][0]["address"], "jane.roe@example.com", "{v}");
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(
            srv.verdict(&t.admin, "jane.roe@example.com").await,
            block("stop_request")
        );
        let entry_id = v["actions"][0]["entry_id"].as_str().unwrap();
        let (s, e) = srv
            .get(&t.admin, &format!("/v1/suppressions/{entry_id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{e}");
        assert_eq!(e["entry"]["source"], "reply", "{e}");
        let evidence = e["entry"]["evidence"].as_str().unwrap_or_default();
        assert!(evidence.contains("remove me"), "{evidence}");
        assert!(evidence.contains("<stop-1@example.com>"), "{evidence}");

        // Soft bounce, auto-reply, out of office: nothing changes.
        let created = srv.created_events(&t.admin).await;
        assert_eq!(created.len(), 3, "{}: {created:?}", b.name);
        let v = srv.ingest_ok(&sdr, SOFT).await;
        assert_eq!(v["kind"], "bounce", "{v}");
        assert_eq!(v["actions"][0]["action"], "counted", "{v}");
        assert_eq!(v["actions"][0]["soft_bounces"], 1, "{v}");
        assert!(
            v["actions"][0]["why"]
                .as_str()
                .unwrap()
                .starts_with("soft bounce 1 of 3"),
            "{v}"
        );
        let soft_addr = v["actions"][0]["address"].as_str().unwrap().to_string();
        assert_eq!(srv.verdict(&t.admin, &soft_addr).await, allow());
        let v = srv.ingest_ok(&sdr, AUTO).await;
        assert_eq!(v["kind"], "auto_reply", "{v}");
        assert!(
            v["actions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["action"] == "ignored"),
            "{v}"
        );
        assert_eq!(
            srv.verdict(&t.admin, "noreply@partner.example").await,
            allow()
        );
        let v = srv.ingest_ok(&sdr, OOO).await;
        assert_eq!(v["class"], "out_of_office", "{v}");
        // "until 14 December": back on the 15th.
        assert_eq!(v["return_date"], "2026-12-15", "{v}");
        assert_eq!(v["actions"][0]["action"], "ignored", "{v}");
        assert_eq!(srv.verdict(&t.admin, "bob@example.org").await, allow());
        assert_eq!(srv.created_events(&t.admin).await.len(), 3);

        // The same messages again are recognised and change nothing: the recorded outcome
        // comes back, marked as a duplicate (a soft bounce is not counted twice).
        for raw in [HARD, COMPLAINT, STOP, SOFT] {
            let v = srv.ingest_ok(&sdr, raw).await;
            assert_eq!(v["duplicate"], true, "{v}");
            assert!(
                ["suppressed", "counted"].contains(&v["actions"][0]["action"].as_str().unwrap()),
                "{v}"
            );
        }
        let v = srv.ingest_ok(&sdr, SOFT).await;
        assert_eq!(v["actions"][0]["soft_bounces"], 1, "{v}");
        let created = srv.created_events(&t.admin).await;
        assert_eq!(created.len(), 3, "{created:?}");

        // Audited with the ingesting actor.
        for ev in &created {
            let actor = ev["actor"].as_str().unwrap_or_default();
            assert!(actor.contains(&sdr_id), "{actor} is not {sdr_id}");
        }
        let sources: Vec<&str> = created
            .iter()
            .filter_map(|e| e["data"]["source"].as_str())
            .collect();
        for s in ["bounce", "feedback_loop", "reply"] {
            assert!(sources.contains(&s), "{sources:?}");
        }

        // Tenant isolation: nothing of this reaches the other tenant.
        for e in ["neko@example.co.jp", &addr, "jane.roe@example.com"] {
            assert_eq!(srv.verdict(&other.admin, e).await, allow(), "{e}");
        }
        assert!(srv.created_events(&other.admin).await.is_empty());
    }
}

#[tokio::test]
async fn not_a_message_is_refused_and_a_mailto_unsubscribe_applies() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("signals-bad").await;
        for raw in [&b""[..], b"   \r\n", b"\x00\x01\x02 no headers here"] {
            let (s, v) = srv.ingest(&t.admin, raw).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {v}", b.name);
        }

        // Mail to unsubscribe+TOKEN@… suppresses the token's address.
        let (s, l) = srv
            .post(
                &t.admin,
                "/v1/unsubscribe-links",
                serde_json::json!({"email": "ada@example.com", "message_id": "<m-9@acme.io>"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let token = l["token"].as_str().unwrap();
        let raw = format!(
            "From: Ada <ada@example.com>\r\nTo: <unsubscribe+{token}@u.acme.io>\r\nSubject: unsubscribe\r\nMessage-ID: <u-1@example.com>\r\n\r\nunsubscribe\r\n"
        );
        let v = srv.ingest_ok(&t.admin, raw.as_bytes()).await;
        assert_eq!(v["kind"], "unsubscribe_link", "{v}");
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(
            srv.verdict(&t.admin, "ada@example.com").await,
            block("unsubscribe")
        );

        // Another tenant's caller cannot apply this tenant's token.
        let o = srv.tenant("signals-bad-other").await;
        let raw2 = raw.replace("ada@example.com", "x@example.com");
        let v = srv.ingest_ok(&o.admin, raw2.as_bytes()).await;
        assert_eq!(v["actions"][0]["action"], "ignored", "{v}");
    }
}
