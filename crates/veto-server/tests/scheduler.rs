//! The scheduler's sending order on both stores, against a real upstream (an aiosmtpd sink):
//! the next steps are claimed while the claimed ones go out, so claims that each hold the
//! steps of one mailbox still keep several mailboxes sending at once, and every mailbox sends
//! its steps in the order they fell due.

mod common;

use std::collections::HashMap;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use veto_server::sending::scheduler;
use veto_smtp::testing::{Sink, SinkOptions};

const MAILBOXES: usize = 4;
const PER_MAILBOX: usize = 10;

#[tokio::test]
async fn claims_go_on_while_steps_go_out_and_each_mailbox_keeps_its_order() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("drain").await;
        let key = &t.admin;
        let (s, r) = srv
            .post(
                key,
                "/v1/routes",
                json!({"name": "sink", "host": "127.0.0.1", "port": sink.addr().port(), "tls": "none"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (_, d) = srv
            .post(key, "/v1/sending-domains", json!({"domain": "acme.test"}))
            .await;
        let (s, r) = srv
            .post(
                key,
                &format!("/v1/sending-domains/{}/dkim", d["id"].as_str().unwrap()),
                json!({"algorithm": "ed25519"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let mut boxes = Vec::new();
        for m in 0..MAILBOXES {
            let (s, r) = srv
                .post(
                    key,
                    "/v1/mailboxes",
                    json!({"address": format!("rep{m}@acme.test")}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
            boxes.push(r["id"].as_str().unwrap().to_string());
        }
        let lead = |m: usize, k: usize| format!("lead{m}x{k}@example.com");
        let mut csv = String::from("email,name\n");
        for m in 0..MAILBOXES {
            for k in 0..PER_MAILBOX {
                csv.push_str(&format!("{},Lead {m} {k}\n", lead(m, k)));
            }
        }
        let (s, r) = srv
            .post_raw(
                key,
                "/v1/imports/leads?file_name=drain.csv",
                "text/csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let (s, seq) = srv
            .post(
                key,
                "/v1/sequences",
                json!({"name": "drain", "steps": [{"delay": 0, "subject": "Hello", "body": "Hi."}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{seq}");
        // Enrolled mailbox by mailbox and in order, all due now: taken earliest first, each
        // claim of PER_MAILBOX steps holds one mailbox's steps only.
        for (m, mailbox) in boxes.iter().enumerate() {
            for k in 0..PER_MAILBOX {
                let (s, r) = srv
                    .post(
                        key,
                        &format!("/v1/sequences/{}/enrollments", seq["id"].as_str().unwrap()),
                        json!({"email": lead(m, k), "mailbox_id": mailbox}),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{}: {r}", b.name);
            }
        }

        let before = sink.messages().unwrap().len();
        let claimed = scheduler::drain_due(&srv.state, PER_MAILBOX as u32)
            .await
            .unwrap();
        assert_eq!(claimed, MAILBOXES * PER_MAILBOX, "{}", b.name);
        let got = sink
            .wait_for(
                before + MAILBOXES * PER_MAILBOX,
                std::time::Duration::from_secs(20),
            )
            .await
            .unwrap();
        // The sink's log is in arrival order.
        let mut order: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut arrival: HashMap<usize, (usize, usize)> = HashMap::new();
        for (i, msg) in got[before..].iter().enumerate() {
            let to = msg.rcpt_to[0].strip_prefix("lead").unwrap();
            let (m, rest) = to.split_once('x').unwrap();
            let k = rest.split_once('@').unwrap().0;
            let (m, k): (usize, usize) = (m.parse().unwrap(), k.parse().unwrap());
            order.entry(m).or_default().push(k);
            let a = arrival.entry(m).or_insert((i, i));
            a.1 = i;
        }
        for m in 0..MAILBOXES {
            assert_eq!(
                order[&m],
                (0..PER_MAILBOX).collect::<Vec<_>>(),
                "{}: mailbox {m} sent out of order",
                b.name
            );
        }
        // The last mailbox's steps were claimed and sent while the first one's still went out.
        assert!(
            arrival[&(MAILBOXES - 1)].0 < arrival[&0].1,
            "{}: the mailboxes were sent one claim after another: {arrival:?}",
            b.name
        );
        let (_, sends) = srv.get(key, "/v1/sends?limit=100").await;
        let sent = sends["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["outcome"] == "sent")
            .count();
        assert_eq!(sent, MAILBOXES * PER_MAILBOX, "{}: {sends}", b.name);
        // Nothing is left due, and nothing is sent twice.
        assert_eq!(
            scheduler::drain_due(&srv.state, PER_MAILBOX as u32)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            sink.messages().unwrap().len(),
            before + MAILBOXES * PER_MAILBOX
        );
    }
}
