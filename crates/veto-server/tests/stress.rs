//! Stress on both stores: thousands of contacts in sequences sending through the scheduler,
//! relay clients sending to the same people, while suppressions arrive concurrently from the
//! API and from ingested stop replies. Afterwards no message may have reached the upstream
//! (an aiosmtpd sink, which stamps each message when its DATA ends) after the suppression of
//! its recipient committed — each suppression committed before its API or ingest call
//! returned, and that return time is the bound checked.
//!
//! `VETO_STRESS_CONTACTS` (default 1000) sets the size. With the writers' side of the send fence
//! switched off, this test finds messages that arrived after their suppression (measured: 2 of
//! about 3,800, 9 and 35 ms late); with it, none.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::smtp::{Client, relay};
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use veto_server::sending::scheduler;
use veto_smtp::testing::{Sink, SinkOptions};

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_message_reaches_the_upstream_after_its_suppression_committed() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    let contacts: usize = std::env::var("VETO_STRESS_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    for b in backends().await {
        // As `veto serve` runs them: an SQLite node is its file's only writer (the send gate
        // then checks its index after following the feed); PostgreSQL nodes read the store.
        let srv = start_with(
            b.store.clone(),
            veto_server::state::StartOptions {
                sole_writer: b.name == "sqlite",
                ..Default::default()
            },
        )
        .await;
        let t = srv.tenant("stress").await;
        let key = t.admin.clone();
        let (s, _) = srv
            .post(
                &key,
                "/v1/routes",
                json!({"name": "sink", "host": "127.0.0.1", "port": sink.addr().port(), "tls": "none"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        srv.put(
            &key,
            "/v1/policy",
            json!({"verify": {"mail_domain": false}}),
        )
        .await;
        let mut mailboxes = Vec::new();
        for i in 0..8 {
            let (_, m) = srv
                .post(
                    &key,
                    "/v1/mailboxes",
                    json!({"address": format!("rep{i}@acme.test")}),
                )
                .await;
            mailboxes.push(m["id"].as_str().unwrap().to_string());
        }
        let (_, cred) = srv
            .post(&key, "/v1/smtp-credentials", json!({"name": "tool"}))
            .await;
        let mut csv = String::from("email,name\n");
        let addr = |i: usize| format!("p{i}@lead{}.test", i % 50);
        for i in 0..contacts {
            csv.push_str(&format!("{},Person {i}\n", addr(i)));
        }
        let (s, imp) = srv
            .post_raw(
                &key,
                "/v1/imports/leads?file_name=stress.csv",
                "text/csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{imp}");
        assert_eq!(imp["counts"]["created"], contacts, "{imp}");
        let (_, seq) = srv
            .post(
                &key,
                "/v1/sequences",
                json!({"name": "stress", "steps": [
                    {"delay": 0, "subject": "One {{ first_name }}", "body": "1"},
                    {"delay": 0, "subject": "Two", "body": "2"},
                    {"delay": 0, "subject": "Three", "body": "3"}
                ]}),
            )
            .await;
        let seq = seq["id"].as_str().unwrap().to_string();
        // Each contact from one of the mailboxes.
        for (m, chunk) in (0..contacts)
            .collect::<Vec<_>>()
            .chunks(contacts.div_ceil(8))
            .enumerate()
        {
            let items: Vec<_> = chunk.iter().map(|i| json!({"email": addr(*i)})).collect();
            let (s, r) = srv
                .post(
                    &key,
                    &format!("/v1/sequences/{seq}/enrollments/bulk"),
                    json!({"contacts": items, "mailbox_id": mailboxes[m]}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
            assert_eq!(r["summary"]["enrolled"], chunk.len(), "{r}");
        }
        let (relay_addr, _stop) = relay(srv.state.clone()).await;
        let before = sink.messages().unwrap().len();

        let done = Arc::new(AtomicBool::new(false));
        // The scheduler, round after round.
        let sched = {
            let st = srv.state.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mut rounds = 0;
                loop {
                    let n = scheduler::run_round(&st).await.unwrap();
                    rounds += 1;
                    if n == 0 {
                        if done.load(Ordering::SeqCst) {
                            return rounds;
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        };
        // Relay clients sending to the same people.
        let mut relays = Vec::new();
        for c in 0..3 {
            let user = cred["username"].as_str().unwrap().to_string();
            let pass = cred["password"].as_str().unwrap().to_string();
            let n = contacts;
            relays.push(tokio::spawn(async move {
                let mut client = Client::login(relay_addr, &user, &pass).await;
                let mut refused = 0;
                for k in 0..(n / 3) {
                    let to = addr((k * 7 + c * 13) % n);
                    let (_, r, _) = client
                        .send(
                            "rep0@acme.test",
                            &[&to],
                            &common::smtp::message("rep0@acme.test", &to, "hello"),
                        )
                        .await;
                    if r.first().is_some_and(|r| r.code == 550) {
                        refused += 1;
                    }
                }
                client.quit().await;
                refused
            }));
        }
        // Suppressions from the API and from ingested stop replies, while all that runs.
        let committed: Arc<Mutex<HashMap<String, u64>>> = Arc::new(Mutex::new(HashMap::new()));
        let mut suppressors = Vec::new();
        for w in 0..2usize {
            let url = srv.url.clone();
            let key = key.clone();
            let committed = committed.clone();
            let http = reqwest::Client::new();
            suppressors.push(tokio::spawn(async move {
                for k in 0..(contacts / 5) {
                    let i = (k * 11 + w * 5 + 3) % contacts;
                    let a = addr(i);
                    let r = if (k + w) % 2 == 0 {
                        http.post(format!("{url}/v1/suppressions"))
                            .bearer_auth(&key)
                            .json(&json!({"identifier": {"email": a}, "reason": "stop_request",
                                          "source": "api", "evidence": "stress"}))
                            .send()
                            .await
                            .unwrap()
                    } else {
                        let msg = format!(
                            "From: <{a}>\r\nTo: rep0@acme.test\r\nSubject: Re: One\r\nMessage-ID: <s{k}-{w}@x.test>\r\n\
                             Date: Mon, 07 Dec 2026 09:00:00 +0000\r\n\r\nPlease stop emailing me.\r\n"
                        );
                        http.post(format!("{url}/v1/inbound/mime"))
                            .bearer_auth(&key)
                            .header("content-type", "message/rfc822")
                            .body(msg)
                            .send()
                            .await
                            .unwrap()
                    };
                    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
                    let at = now_us();
                    committed.lock().unwrap().entry(a).or_insert(at);
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
            }));
        }
        for s in suppressors {
            s.await.unwrap();
        }
        let mut refused = 0;
        for r in relays {
            refused += r.await.unwrap();
        }
        done.store(true, Ordering::SeqCst);
        let rounds = sched.await.unwrap();

        // Let the sink's records settle, then compare.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let msgs = sink.messages().unwrap();
        let msgs = &msgs[before..];
        let committed = committed.lock().unwrap().clone();
        let mut late = Vec::new();
        for m in msgs {
            for r in &m.rcpt_to {
                if let Some(at) = committed.get(r)
                    && m.at_us > *at
                {
                    late.push((r.clone(), m.at_us - at));
                }
            }
        }
        assert!(
            late.is_empty(),
            "{}: {} messages reached the upstream after their recipient's suppression: {:?}",
            b.name,
            late.len(),
            &late[..late.len().min(10)]
        );
        // The run really raced: sends were blocked at the gate or cancelled, relay
        // recipients refused, and many messages went out.
        let (_, blocked) = srv.get(&key, "/v1/sends?outcome=blocked&limit=1000").await;
        let (_, cancelled) = srv
            .get(&key, "/v1/enrollments?state=cancelled&limit=1000")
            .await;
        let blocked = blocked["items"].as_array().unwrap().len();
        let cancelled = cancelled["items"].as_array().unwrap().len();
        eprintln!(
            "{}: {} messages delivered, {} suppressions, {} enrolments cancelled, {} sends blocked, {} relay recipients refused, {} scheduler rounds",
            b.name,
            msgs.len(),
            committed.len(),
            cancelled,
            blocked,
            refused,
            rounds
        );
        assert!(msgs.len() > contacts, "{}", msgs.len());
        assert!(
            cancelled > 0 && refused > 0,
            "the suppressions raced the sends"
        );
    }
}
