//! Sequences on both stores, sending to a real upstream (an aiosmtpd sink): enrolment is
//! checked (single and bulk; blocked ones refused with the sentence and audited); each due step
//! is checked at send time, inside the send fence; a new suppression cancels the pending steps
//! in its own transaction; replies stop, out-of-office postpones, bounces to the VERP return
//! path find their send; the company rule and the frequency cap apply at the same gate.

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use veto_server::sending::scheduler;
use veto_smtp::testing::{Sink, SinkMessage, SinkOptions};

const LEADS: &str = "email,name,company_id\n\
ada@example.com,Ada Lovelace,\n\
bob@example.com,Bob Stone,ACME-1\n\
cy@example.com,Cy Young,ACME-1\n\
dee@example.com,Dee Dee,\n\
eve@example.com,Eve Adams,\n";

struct Setup {
    t: Tenant,
    mailbox: String,
    sequence: String,
}

async fn setup(srv: &Server, sink: &Sink, name: &str, policy: Option<Value>) -> Setup {
    let t = srv.tenant(name).await;
    let (s, r) = srv
        .post(
            &t.admin,
            "/v1/routes",
            json!({"name": "sink", "host": "127.0.0.1", "port": sink.addr().port(), "tls": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, d) = srv
        .post(
            &t.admin,
            "/v1/sending-domains",
            json!({"domain": "acme.test"}),
        )
        .await;
    let (s, _) = srv
        .post(
            &t.admin,
            &format!("/v1/sending-domains/{}/dkim", d["id"].as_str().unwrap()),
            json!({"algorithm": "ed25519"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, m) = srv
        .post(
            &t.admin,
            "/v1/mailboxes",
            json!({"address": "sam@acme.test", "name": "Sam Seller"}),
        )
        .await;
    let mailbox = m["id"].as_str().unwrap().to_string();
    if let Some(p) = policy {
        let (s, r) = srv.put(&t.admin, "/v1/policy", p).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
    // Dee asked to stop before the import: the import blocks her row.
    srv.suppress(
        &t.admin,
        json!({"email": "dee@example.com"}),
        "stop_request",
    )
    .await;
    let (s, imp) = srv
        .post_raw(
            &t.admin,
            "/v1/imports/leads?file_name=leads.csv",
            "text/csv",
            LEADS.as_bytes(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{imp}");
    assert_eq!(imp["counts"]["created"], 4, "{imp}");
    let (s, seq) = srv
        .post(
            &t.admin,
            "/v1/sequences",
            json!({"name": "q4 outreach", "steps": [
                {"delay": 0, "mailbox_id": mailbox, "subject": "Hello {{ first_name }}",
                 "body": "Hi {{ first_name | default('there') }},\nA question about {{ company_id | default('your team') }}."},
                {"delay": "0s", "subject": "unused", "body": "Following up.", "same_thread": true},
                {"delay": 0, "subject": "Last one, {{ first_name }}", "body": "Bye."}
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{seq}");
    Setup {
        t,
        mailbox,
        sequence: seq["id"].as_str().unwrap().to_string(),
    }
}

fn header<'a>(data: &'a str, name: &str) -> Option<&'a str> {
    let head = data.split("\r\n\r\n").next().unwrap_or(data);
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

fn to(m: &SinkMessage) -> &str {
    m.rcpt_to.first().map(String::as_str).unwrap_or("")
}

async fn enrollment(srv: &Server, key: &str, id: &str) -> Value {
    let (s, e) = srv.get(key, &format!("/v1/enrollments/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    e
}

#[tokio::test]
async fn sequence_steps_are_checked_when_sent_and_stop_when_they_must() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = start_with(
            b.store.clone(),
            veto_server::state::StartOptions {
                public_url: Some("https://veto.example".into()),
                ..Default::default()
            },
        )
        .await;
        let st = setup(&srv, &sink, "seq", None).await;
        let key = &st.t.admin;

        // A template naming an unknown field is refused when the sequence is saved.
        let (s, e) = srv
            .post(
                key,
                "/v1/sequences",
                json!({"name": "bad", "steps": [{"delay": 0, "mailbox_id": st.mailbox,
                       "subject": "Hi {{ frist_name }}", "body": "x"}]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["field"], "steps[0].subject", "{e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("frist_name"),
            "{e}"
        );

        // Bulk enrolment: each contact checked first.
        let (s, r) = srv
            .post(
                key,
                &format!("/v1/sequences/{}/enrollments/bulk", st.sequence),
                json!({"contacts": [
                    {"email": "ada@example.com"}, {"email": "BOB@example.com "},
                    {"email": "cy@example.com"}, {"email": "eve@example.com"},
                    {"email": "Dee@Example.com"}, {"email": "nobody@example.com"},
                    {"email": "not an address"}
                ]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}: {r}", b.name);
        assert_eq!(
            r["summary"],
            json!({"enrolled": 4, "already_enrolled": 0, "blocked": 1, "invalid": 1, "not_found": 1}),
            "{r}"
        );
        let dee = &r["results"][4];
        assert_eq!(dee["outcome"], "blocked");
        assert!(
            dee["message"]
                .as_str()
                .unwrap()
                .starts_with("Suppressed: asked to stop"),
            "{dee}"
        );
        let ids: Vec<String> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .take(4)
            .map(|x| x["enrollment"]["id"].as_str().unwrap().to_string())
            .collect();
        let (ada, bob, cy, eve) = (&ids[0], &ids[1], &ids[2], &ids[3]);
        // By hand: refused with the sentence; a second enrolment of the same contact too.
        let (s, e) = srv
            .post(
                key,
                &format!("/v1/sequences/{}/enrollments", st.sequence),
                json!({"email": "dee@example.com"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert_eq!(e["error"]["code"], "suppressed", "{e}");
        let (s, _) = srv
            .post(
                key,
                &format!("/v1/sequences/{}/enrollments", st.sequence),
                json!({"email": "ada@example.com"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (_, log) = srv
            .get(key, "/v1/audit?action=attempt.blocked&limit=10")
            .await;
        let enrol_blocks = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["data"].to_string().contains("enroll"))
            .count();
        assert_eq!(enrol_blocks, 2, "{log}");

        // Step 1 goes to the four.
        let before = sink.messages().unwrap().len();
        assert_eq!(scheduler::run_round(&srv.state).await.unwrap(), 4);
        let got = sink
            .wait_for(before + 4, Duration::from_secs(20))
            .await
            .unwrap();
        let step1: Vec<&SinkMessage> = got[before..].iter().collect();
        let mut rcpts: Vec<&str> = step1.iter().map(|m| to(m)).collect();
        rcpts.sort();
        assert_eq!(
            rcpts,
            [
                "ada@example.com",
                "bob@example.com",
                "cy@example.com",
                "eve@example.com"
            ]
        );
        let ada1 = step1.iter().find(|m| to(m) == "ada@example.com").unwrap();
        assert_eq!(header(&ada1.data, "Subject"), Some("Hello Ada"));
        assert!(
            ada1.data.contains("A question about your team."),
            "{}",
            ada1.data
        );
        let bob1 = step1.iter().find(|m| to(m) == "bob@example.com").unwrap();
        assert!(
            bob1.data.contains("A question about ACME-1."),
            "{}",
            bob1.data
        );
        assert!(
            header(&ada1.data, "From")
                .unwrap()
                .contains("sam@acme.test")
        );
        assert!(
            header(&ada1.data, "DKIM-Signature")
                .unwrap()
                .contains("a=ed25519-sha256")
        );
        assert!(
            header(&ada1.data, "List-Unsubscribe")
                .unwrap()
                .starts_with("<https://veto.example/u/")
        );
        assert_eq!(
            header(&ada1.data, "List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(ada1.mail_from.starts_with("bounces+"), "{}", ada1.mail_from);
        let ada1_id = header(&ada1.data, "Message-ID").unwrap().to_string();
        let (_, sends) = srv
            .get(key, &format!("/v1/sends?enrollment_id={ada}"))
            .await;
        assert_eq!(sends["items"][0]["message_id"], ada1_id.as_str(), "{sends}");
        assert_eq!(sends["items"][0]["outcome"], "sent");
        assert_eq!(sends["items"][0]["step"], 1);
        assert_eq!(enrollment(&srv, key, ada).await["steps_sent"], 1);

        // Bob asks to stop: his pending steps are cancelled in the suppression's transaction.
        srv.suppress(key, json!({"email": "bob@example.com"}), "stop_request")
            .await;
        let e = enrollment(&srv, key, bob).await;
        assert_eq!(e["state"], "cancelled", "{e}");
        assert!(
            e["state_reason"].as_str().unwrap().contains("suppressed"),
            "{e}"
        );

        // Cy replies (to step 1): the sequence stops for her.
        let reply = format!(
            "From: Cy Young <cy@example.com>\r\nTo: sam@acme.test\r\nSubject: Re: Hello Cy\r\n\
             Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <r1@example.com>\r\n\
             In-Reply-To: {}\r\n\r\nSounds interesting, can we talk on Tuesday at 3pm?\r\n",
            header(
                &step1
                    .iter()
                    .find(|m| to(m) == "cy@example.com")
                    .unwrap()
                    .data,
                "Message-ID"
            )
            .unwrap()
        );
        let (s, out) = srv
            .post_raw(key, "/v1/inbound/mime", "message/rfc822", reply.as_bytes())
            .await;
        assert_eq!(s, StatusCode::OK, "{out}");
        assert!(
            out["actions"].to_string().contains("enrollment_stopped"),
            "{out}"
        );
        assert_eq!(enrollment(&srv, key, cy).await["state"], "replied");

        // Eve is out of office until a stated day: her next step waits until then.
        let ooo = "From: Eve Adams <eve@example.com>\r\nTo: sam@acme.test\r\n\
                   Subject: Automatic reply: Hello Eve\r\nAuto-Submitted: auto-replied\r\n\
                   Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <o1@example.com>\r\n\r\n\
                   I am out of the office until 21 December 2026 with limited access to e-mail.\r\n";
        let (s, out) = srv
            .post_raw(key, "/v1/inbound/mime", "message/rfc822", ooo.as_bytes())
            .await;
        assert_eq!(s, StatusCode::OK, "{out}");
        assert_eq!(out["return_date"], "2026-12-22", "{out}");
        let e = enrollment(&srv, key, eve).await;
        assert_eq!(e["state"], "active", "{e}");
        assert!(
            e["next_due_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-12-22T09:00:00"),
            "{e}"
        );

        // A step claimed before a suppression committed is still checked when sent: the gate
        // blocks it, records it, and the enrolment stays cancelled.
        let claims = srv
            .state
            .store()
            .claim_due_steps(veto_domain::now(), 300, 100)
            .await
            .unwrap();
        let mine: Vec<_> = claims
            .into_iter()
            .filter(|c| c.enrollment.tenant_id.to_string() == st.t.id)
            .collect();
        assert_eq!(mine.len(), 1, "only Ada's step 2 is due");
        srv.suppress(key, json!({"email": "ada@example.com"}), "unsubscribe")
            .await;
        let before = sink.messages().unwrap().len();
        scheduler::send_claimed(&srv.state, mine).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            sink.messages().unwrap().len(),
            before,
            "nothing reached the upstream"
        );
        let (_, sends) = srv
            .get(key, &format!("/v1/sends?enrollment_id={ada}"))
            .await;
        let last = &sends["items"][0];
        assert_eq!(last["outcome"], "blocked", "{sends}");
        assert_eq!(last["step"], 2);
        assert!(
            last["detail"].as_str().unwrap().starts_with("Suppressed"),
            "{last}"
        );
        assert_eq!(enrollment(&srv, key, ada).await["state"], "cancelled");
        let (_, log) = srv
            .get(key, "/v1/audit?action=attempt.blocked&limit=10")
            .await;
        assert!(
            log["items"][0]["data"].to_string().contains("sequence"),
            "{log}"
        );

        // Nothing else is due: Bob cancelled, Cy replied, Eve postponed, Ada cancelled.
        assert_eq!(scheduler::run_round(&srv.state).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn bounces_company_rule_and_frequency_cap() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let st = setup(
            &srv,
            &sink,
            "seq-rules",
            Some(json!({"sending": {"company_on_refusal": "pause",
                                    "frequency_cap": {"max": 1, "days": 7}}})),
        )
        .await;
        let key = &st.t.admin;
        let (_, r) = srv
            .post(
                key,
                &format!("/v1/sequences/{}/enrollments/bulk", st.sequence),
                json!({"contacts": [{"email": "ada@example.com"}, {"email": "bob@example.com"},
                                    {"email": "cy@example.com"}]}),
            )
            .await;
        assert_eq!(r["summary"]["enrolled"], 3, "{r}");
        let id = |i: usize| {
            r["results"][i]["enrollment"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (ada, bob, cy) = (id(0), id(1), id(2));
        // A second sequence for Ada: the frequency cap holds its first step back.
        let (_, seq2) = srv
            .post(
                key,
                "/v1/sequences",
                json!({"name": "second", "steps": [{"delay": 0, "mailbox_id": st.mailbox,
                       "subject": "Another", "body": "Hello again"}]}),
            )
            .await;
        let (s, e2) = srv
            .post(
                key,
                &format!("/v1/sequences/{}/enrollments", seq2["id"].as_str().unwrap()),
                json!({"email": "ada@example.com", "start_at": "2026-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{e2}");
        let before = sink.messages().unwrap().len();
        scheduler::run_round(&srv.state).await.unwrap();
        let got = sink
            .wait_for(before + 3, Duration::from_secs(20))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let got_now = sink.messages().unwrap();
        assert_eq!(got_now.len(), before + 3, "Ada gets one message, not two");
        // One of Ada's two enrolments sent, the other waits under the cap.
        let mut outcomes = Vec::new();
        for id in [ada.as_str(), e2["id"].as_str().unwrap()] {
            let (_, sends) = srv.get(key, &format!("/v1/sends?enrollment_id={id}")).await;
            outcomes.push(sends["items"][0].clone());
        }
        outcomes.sort_by_key(|s| s["outcome"].as_str().unwrap().to_string());
        assert_eq!(outcomes[0]["outcome"], "deferred", "{outcomes:?}");
        assert!(
            outcomes[0]["detail"]
                .as_str()
                .unwrap()
                .contains("frequency cap"),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[1]["outcome"], "sent", "{outcomes:?}");
        let ada_sent = outcomes[1]["enrollment_id"].as_str().unwrap().to_string();
        let ada_waiting = outcomes[0]["enrollment_id"].as_str().unwrap().to_string();

        // Ada's step bounces hard to its VERP return path: the signal names the send, Ada is
        // suppressed and her enrolment cancelled.
        let ada1 = got[before..]
            .iter()
            .find(|m| to(m) == "ada@example.com")
            .unwrap();
        let (_, sends) = srv
            .get(key, &format!("/v1/sends?enrollment_id={ada_sent}"))
            .await;
        let send_id = sends["items"][0]["id"].as_str().unwrap().to_string();
        let dsn = format!(
            "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\n\
             To: {verp}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
             Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <dsn1@mx.example.com>\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
             --b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n\
             Final-Recipient: rfc822; ada@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
             Diagnostic-Code: smtp; 550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown\r\n\r\n\
             --b1--\r\n",
            verp = ada1.mail_from
        );
        let (s, out) = srv
            .post_raw(key, "/v1/inbound/mime", "message/rfc822", dsn.as_bytes())
            .await;
        assert_eq!(s, StatusCode::OK, "{out}");
        assert_eq!(out["send_id"], send_id.as_str(), "{out}");
        assert_eq!(out["actions"][0]["action"], "suppressed", "{out}");
        assert_eq!(
            enrollment(&srv, key, &ada_waiting).await["state"],
            "cancelled",
            "the pending enrolment of the address"
        );

        // Cy is not interested: the company rule pauses Bob (same company), not Ada.
        let reply = "From: Cy Young <cy@example.com>\r\nTo: sam@acme.test\r\nSubject: Re: Hello Cy\r\n\
                     Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <r2@example.com>\r\n\r\n\
                     Thanks, but we are not interested. We already have a solution for this.\r\n";
        let (s, out) = srv
            .post_raw(key, "/v1/inbound/mime", "message/rfc822", reply.as_bytes())
            .await;
        assert_eq!(s, StatusCode::OK, "{out}");
        let e = enrollment(&srv, key, &bob).await;
        assert_eq!(e["state"], "paused", "{}: {e} {out}", b.name);
        assert!(
            e["state_reason"].as_str().unwrap().contains("company"),
            "{e}"
        );
        let c = enrollment(&srv, key, &cy).await;
        assert!(
            c["state"] == "cancelled" || c["state"] == "replied",
            "Cy's own sequence ends: {c}"
        );
        // A paused enrolment is resumed by hand (managers, ops, admins).
        let (s, e) = srv
            .post(
                key,
                &format!("/v1/enrollments/{bob}/resume"),
                json!({"reason": "spoke to Bob"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{e}");
        assert_eq!(e["state"], "active");
        let (_, sdr) = srv.user(key, "sdr", None).await;
        let (s, _) = srv
            .post(&sdr, &format!("/v1/enrollments/{bob}/pause"), json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}
