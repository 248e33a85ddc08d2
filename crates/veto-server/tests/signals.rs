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

/// The soft-bounce fixture with its own Message-ID and Date.
fn soft_bounce_on(id: &str, date: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(SOFT)
        .replace(
            "Message-ID: <001636b2ad2a854c6b04893db72b@google.com>",
            &format!("Message-ID: <{id}@google.com>"),
        )
        .replace(
            "Date: Thu, 17 Jun 2010 18:07:51 +0000",
            &format!("Date: {date}"),
        );
    assert!(text.contains(id) && text.contains(date));
    text.into_bytes()
}

fn reply_from(from: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: rep@acme.io\r\nSubject: Re: our call\r\nMessage-ID: <{id}@example.jp>\r\nDate: Mon, 05 Oct 2026 09:00:00 +0000\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn soft_bounces_block_after_the_policy_and_replies_reset_the_count() {
    const ADDR: &str = "kijitora@example.jp";
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("soft-policy").await;

        // Two soft bounces, then a reply from the person: the count starts again.
        for (i, d) in [
            "Thu, 01 Oct 2026 10:00:00 +0000",
            "Sat, 03 Oct 2026 10:00:00 +0000",
        ]
        .iter()
        .enumerate()
        {
            let v = srv
                .ingest_ok(&t.admin, &soft_bounce_on(&format!("a{i}"), d))
                .await;
            assert_eq!(v["actions"][0]["action"], "counted", "{}: {v}", b.name);
            assert_eq!(v["actions"][0]["soft_bounces"], i + 1, "{v}");
        }
        let v = srv
            .ingest_ok(
                &t.admin,
                &reply_from(ADDR, "r1", "Thanks, I will have a look next week."),
            )
            .await;
        assert_eq!(v["kind"], "reply", "{v}");

        // Three more within 14 days: counted, not blocked (the span is too short).
        for (i, d) in [
            "Mon, 05 Oct 2026 10:00:00 +0000",
            "Fri, 09 Oct 2026 10:00:00 +0000",
            "Mon, 19 Oct 2026 09:00:00 +0000",
        ]
        .iter()
        .enumerate()
        {
            let v = srv
                .ingest_ok(&t.admin, &soft_bounce_on(&format!("b{i}"), d))
                .await;
            assert_eq!(v["actions"][0]["action"], "counted", "{v}");
            assert_eq!(v["actions"][0]["soft_bounces"], i + 1, "{v}");
        }
        assert_eq!(srv.verdict(&t.admin, ADDR).await, allow());
        // The fourth, 15 days after the first of the run: blocked.
        let v = srv
            .ingest_ok(
                &t.admin,
                &soft_bounce_on("b3", "Tue, 20 Oct 2026 10:00:00 +0000"),
            )
            .await;
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(v["actions"][0]["reason"], "soft_bounce_limit", "{v}");
        assert_eq!(v["actions"][0]["soft_bounces"], 4, "{v}");
        assert_eq!(
            srv.verdict(&t.admin, ADDR).await,
            block("soft_bounce_limit")
        );
        let entry_id = v["actions"][0]["entry_id"].as_str().unwrap();
        let (_, e) = srv
            .get(&t.admin, &format!("/v1/suppressions/{entry_id}"))
            .await;
        let evidence = e["entry"]["evidence"].as_str().unwrap_or_default();
        assert!(
            evidence.contains("4 consecutive soft bounces"),
            "{evidence}"
        );
        assert!(
            evidence.contains(v["signal_id"].as_str().unwrap()),
            "{evidence}"
        );

        // A tenant with a stricter policy (2, no minimum span) blocks on the second.
        let strict = srv.tenant("soft-policy-strict").await;
        let (s, p) = srv
            .put(
                &strict.admin,
                "/v1/policy",
                serde_json::json!({"bounces": {"soft_limit": 2, "soft_days": 0}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, p) = srv
            .put(
                &strict.admin,
                "/v1/policy",
                serde_json::json!({"bounces": {"soft_limit": 0}}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert!(p.to_string().contains("soft_limit"), "{p}");
        srv.ingest_ok(
            &strict.admin,
            &soft_bounce_on("c0", "Thu, 01 Oct 2026 10:00:00 +0000"),
        )
        .await;
        let v = srv
            .ingest_ok(
                &strict.admin,
                &soft_bounce_on("c1", "Thu, 01 Oct 2026 11:00:00 +0000"),
            )
            .await;
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        // The first tenant's counts never reached the second one and vice versa.
        let other = srv.tenant("soft-policy-other").await;
        assert_eq!(srv.verdict(&other.admin, ADDR).await, allow());
    }
}

#[tokio::test]
async fn reply_policy_decides_not_interested_and_wrong_person() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("reply-policy").await;
        let not_interested = reply_from(
            "Max <max@example.de>",
            "ni-1",
            "Hi, thanks but we are not interested. We already work with another vendor.",
        );
        let wrong = reply_from(
            "Lea <lea@example.de>",
            "wp-1",
            "I am not the right person for this, I work in accounting.",
        );
        // Default: both suppress.
        let v = srv.ingest_ok(&t.admin, &not_interested).await;
        assert_eq!(v["class"], "not_interested", "{}: {v}", b.name);
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        let v = srv.ingest_ok(&t.admin, &wrong).await;
        assert_eq!(v["class"], "wrong_person", "{v}");
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");

        // A tenant that records them only.
        let lax = srv.tenant("reply-policy-lax").await;
        let (s, p) = srv
            .put(
                &lax.admin,
                "/v1/policy",
                serde_json::json!({"replies": {"not_interested": "ignore", "wrong_person": "ignore"}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (_, got) = srv.get(&lax.admin, "/v1/policy").await;
        assert_eq!(got["replies"]["wrong_person"], "ignore", "{got}");
        assert_eq!(got["bounces"]["soft_limit"], 3, "{got}");
        for raw in [&not_interested, &wrong] {
            let v = srv.ingest_ok(&lax.admin, raw).await;
            assert_eq!(v["actions"][0]["action"], "ignored", "{v}");
            assert!(
                v["actions"][0]["why"].as_str().unwrap().contains("policy"),
                "{v}"
            );
        }
        assert_eq!(srv.verdict(&lax.admin, "max@example.de").await, allow());
        // A stop request suppresses whatever the policy.
        let stop = reply_from(
            "Max <max@example.de>",
            "st-1",
            "Please remove me from your list.",
        );
        let v = srv.ingest_ok(&lax.admin, &stop).await;
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(v["actions"][0]["reason"], "stop_request", "{v}");
    }
}

#[tokio::test]
async fn every_signal_is_kept_for_review_and_audited() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("signal-review").await;
        let other = srv.tenant("signal-review-other").await;
        let hard = srv.ingest_ok(&t.admin, HARD).await;
        let auto = srv.ingest_ok(&t.admin, AUTO).await;
        let hard_id = hard["signal_id"].as_str().unwrap();
        let auto_id = auto["signal_id"].as_str().unwrap();

        // The suppression names its signal; the signal shows what was done and its raw bytes.
        let entry_id = hard["actions"][0]["entry_id"].as_str().unwrap();
        let (_, e) = srv
            .get(&t.admin, &format!("/v1/suppressions/{entry_id}"))
            .await;
        let evidence = e["entry"]["evidence"].as_str().unwrap_or_default();
        assert!(
            evidence.contains(&format!("[signal {hard_id}]")),
            "{}: {evidence}",
            b.name
        );
        let (s, sig) = srv.get(&t.admin, &format!("/v1/signals/{hard_id}")).await;
        assert_eq!(s, StatusCode::OK, "{sig}");
        assert_eq!(sig["kind"], "bounce", "{sig}");
        assert_eq!(sig["via"], "mime", "{sig}");
        assert_eq!(sig["ignored"], false, "{sig}");
        assert_eq!(sig["outcome"]["actions"][0]["entry_id"], entry_id, "{sig}");
        assert_eq!(sig["size"], HARD.len(), "{sig}");
        let raw = srv
            .http
            .get(format!("{}/v1/signals/{hard_id}/raw", srv.url))
            .bearer_auth(&t.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), StatusCode::OK);
        assert_eq!(raw.headers()["content-type"], "message/rfc822");
        assert_eq!(raw.bytes().await.unwrap().as_ref(), HARD);

        // The auto-reply is the "ignored" record.
        let (_, ignored) = srv.get(&t.admin, "/v1/signals?ignored=true").await;
        let ids: Vec<&str> = ignored["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![auto_id], "{ignored}");
        let (_, all) = srv.get(&t.admin, "/v1/signals").await;
        assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");

        // Audited: one signal.processed event per signal, with the Message-ID, and no address.
        let (_, log) = srv
            .get(&t.admin, "/v1/audit?action=signal.processed&limit=100")
            .await;
        let events = log["items"].as_array().unwrap();
        assert_eq!(events.len(), 2, "{log}");
        let ev = events
            .iter()
            .find(|e| e["data"]["signal_id"] == hard_id)
            .unwrap();
        assert!(ev["data"]["message_id"].is_string(), "{ev}");
        assert_eq!(ev["data"]["actions"][0]["entry_id"], entry_id, "{ev}");
        assert!(!ev.to_string().contains("neko@example.co.jp"), "{ev}");

        // Another tenant sees none of it.
        for path in [
            format!("/v1/signals/{hard_id}"),
            format!("/v1/signals/{hard_id}/raw"),
        ] {
            let (s, _) = srv.get(&other.admin, &path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        }
        let (_, none) = srv.get(&other.admin, "/v1/signals").await;
        assert!(none["items"].as_array().unwrap().is_empty(), "{none}");
        // Raw replies are for managers, ops and admins, not for every rep.
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let (s, _) = srv.get(&sdr, "/v1/signals").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, manager) = srv.user(&t.admin, "manager", None).await;
        let (s, _) = srv.get(&manager, &format!("/v1/signals/{hard_id}")).await;
        assert_eq!(s, StatusCode::OK);

        // Erasure of the person clears the stored message, keeps the record.
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/erasures",
                serde_json::json!({"identifier": {"email": "neko@example.co.jp"}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (s, _) = srv
            .get(&t.admin, &format!("/v1/signals/{hard_id}/raw"))
            .await;
        assert_eq!(s, StatusCode::GONE);
        let (_, sig) = srv.get(&t.admin, &format!("/v1/signals/{hard_id}")).await;
        assert_eq!(sig["erased"], true, "{sig}");
        // Still blocked, and the same bounce again is still recognised.
        assert_eq!(
            srv.verdict(&t.admin, "neko@example.co.jp").await,
            block("hard_bounce")
        );
        let again = srv.ingest_ok(&t.admin, HARD).await;
        assert_eq!(again["duplicate"], true, "{again}");
    }
}
