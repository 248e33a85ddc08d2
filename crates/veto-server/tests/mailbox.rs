//! The inbound mailbox poller against a real Dovecot (started by the test, TLS with its own CA)
//! on both stores: messages read over IMAPS become signals, handled mail is flagged (or moved)
//! and never deleted, a restarted node resumes after the stored cursor, and a mailbox that
//! refuses the login records the error without showing the password.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use veto_imap::testing::Dovecot;

const HARD: &[u8] = include_bytes!("fixtures/signals/hard-bounce.eml");
const STOP: &[u8] = include_bytes!("fixtures/signals/stop-reply.eml");
const AUTO: &[u8] = include_bytes!("fixtures/signals/auto-reply.eml");

fn settings(d: &Dovecot, extra: Value) -> Value {
    let mut c = json!({
        "host": "127.0.0.1",
        "port": d.imaps_port(),
        "security": "implicit",
        "username": d.username(),
        "ca_pem": d.ca_pem(),
        "poll_seconds": 3600,
    });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    c
}

async fn verdict(srv: &Server, key: &str, email: &str) -> String {
    let v = srv.check_email(key, email).await;
    format!(
        "{}:{}",
        v["verdict"].as_str().unwrap_or_default(),
        v["matches"][0]["reason"].as_str().unwrap_or_default()
    )
}

#[tokio::test]
async fn the_mailbox_poller_reads_flags_and_resumes() {
    let Some(dovecot) = Dovecot::start().unwrap() else {
        return;
    };
    for (round, b) in backends().await.into_iter().enumerate() {
        let folder = format!("Bounces{round}");
        let key = veto_domain::sealed::SecretsKey::generate();
        let opts = || veto_server::state::StartOptions {
            secrets_key: Some(key.clone()),
            ..Default::default()
        };
        let srv = start_with(b.store.clone(), opts()).await;
        let t = srv.tenant("mailbox").await;
        let (s, src) = srv
            .post(
                &t.admin,
                "/v1/inbound/sources",
                json!({"kind": "imap", "name": "bounces", "secret": dovecot.password(),
                       "config": settings(&dovecot, json!({"folder": folder}))}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}: {src}", b.name);
        assert!(!src.to_string().contains(dovecot.password()), "{src}");
        let id = src["id"].as_str().unwrap().to_string();
        dovecot.create_folder(&folder).await.unwrap();
        for raw in [HARD, STOP, AUTO] {
            dovecot.deliver(&folder, raw).await.unwrap();
        }
        let (s, r) = srv
            .post(
                &t.admin,
                &format!("/v1/inbound/sources/{id}/poll"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["fetched"].as_u64(), r["handled"].as_u64()),
            (Some(3), Some(3)),
            "{r}"
        );
        assert_eq!(
            verdict(&srv, &t.admin, "neko@example.co.jp").await,
            "block:hard_bounce"
        );
        assert_eq!(
            verdict(&srv, &t.admin, "jane.roe@example.com").await,
            "block:stop_request"
        );
        // Handled mail stays, flagged, not marked read.
        let stored = dovecot.messages(&folder).await.unwrap();
        assert_eq!(stored.len(), 3);
        assert!(
            stored
                .iter()
                .all(|m| m.has_flag("$VetoHandled") && !m.has_flag("\\Seen")),
            "{stored:?}"
        );
        // Signals came in by IMAP, under the poller's name.
        let (_, sigs) = srv.get(&t.admin, "/v1/signals").await;
        let items = sigs["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{sigs}");
        assert!(items.iter().all(|i| i["via"] == "imap"), "{sigs}");
        assert!(
            items[0]["received_by"].as_str().unwrap().contains(&id),
            "{sigs}"
        );

        // Nothing new: nothing read.
        let (_, r) = srv
            .post(
                &t.admin,
                &format!("/v1/inbound/sources/{id}/poll"),
                json!({}),
            )
            .await;
        assert_eq!(r["fetched"], 0, "{r}");

        // A restarted node (same store, same secrets key) resumes after the stored cursor.
        drop(srv);
        let srv = start_with(b.store.clone(), opts()).await;
        let (_, got) = srv
            .get(&t.admin, &format!("/v1/inbound/sources/{id}"))
            .await;
        assert!(
            got["state"]["cursor"]["last_uid"].as_u64().unwrap() >= 3,
            "{got}"
        );
        let reply = b"From: Bob <bob@example.org>\r\nTo: rep@acme.io\r\nSubject: Re: hello\r\nMessage-ID: <bob-1@example.org>\r\n\r\nPlease take me off your list.\r\n";
        dovecot.deliver(&folder, reply).await.unwrap();
        let (s, r) = srv
            .post(
                &t.admin,
                &format!("/v1/inbound/sources/{id}/poll"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["fetched"].as_u64(), r["handled"].as_u64()),
            (Some(1), Some(1)),
            "{r}"
        );
        assert_eq!(
            verdict(&srv, &t.admin, "bob@example.org").await,
            "block:stop_request"
        );

        // A wrong password: the poll fails, the error is kept, the password is never shown.
        let (s, bad) = srv
            .post(
                &t.admin,
                "/v1/inbound/sources",
                json!({"kind": "imap", "name": "wrong", "secret": "not-the-password",
                       "config": settings(&dovecot, json!({"folder": folder}))}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{bad}");
        let bad_id = bad["id"].as_str().unwrap();
        let (s, r) = srv
            .post(
                &t.admin,
                &format!("/v1/inbound/sources/{bad_id}/poll"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_GATEWAY, "{r}");
        assert!(!r.to_string().contains("not-the-password"), "{r}");
        let (_, got) = srv
            .get(&t.admin, &format!("/v1/inbound/sources/{bad_id}"))
            .await;
        assert!(
            got["last_error"].as_str().is_some_and(|e| !e.is_empty()),
            "{got}"
        );
        assert!(!got.to_string().contains("not-the-password"), "{got}");

        // Bad configuration is refused up front, naming the field.
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/inbound/sources",
                json!({"kind": "imap", "name": "x", "secret": "p",
                       "config": settings(&dovecot, json!({"after": "move"}))}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r.to_string().contains("move_to"), "{r}");
    }
}

#[tokio::test]
async fn move_mode_files_handled_mail_and_the_poller_runs_by_itself() {
    let Some(dovecot) = Dovecot::start().unwrap() else {
        return;
    };
    let b = backends().await.remove(0);
    let srv = start_with(
        b.store.clone(),
        veto_server::state::StartOptions {
            secrets_key: Some(veto_domain::sealed::SecretsKey::generate()),
            ..Default::default()
        },
    )
    .await;
    let t = srv.tenant("mailbox-move").await;
    dovecot.create_folder("Inbound").await.unwrap();
    dovecot.deliver("Inbound", STOP).await.unwrap();
    let (s, src) = srv
        .post(
            &t.admin,
            "/v1/inbound/sources",
            json!({"kind": "imap", "name": "replies", "secret": dovecot.password(),
                   "config": settings(&dovecot, json!({"folder": "Inbound", "after": "move", "move_to": "Veto Done", "security": "starttls", "port": dovecot.imap_port()}))}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{src}");
    // The background poller (driven here by one pass) reads the due source.
    let polled = veto_server::signals::mailbox::poll_due(&srv.state)
        .await
        .unwrap();
    assert!(polled >= 1);
    let (_, got) = srv
        .get(
            &t.admin,
            &format!("/v1/inbound/sources/{}", src["id"].as_str().unwrap()),
        )
        .await;
    let (_, sigs) = srv.get(&t.admin, "/v1/signals").await;
    assert_eq!(
        verdict(&srv, &t.admin, "jane.roe@example.com").await,
        "block:stop_request",
        "{got} {sigs}"
    );
    assert!(dovecot.messages("Inbound").await.unwrap().is_empty());
    assert_eq!(dovecot.messages("Veto Done").await.unwrap().len(), 1);
    // Not due again before its interval.
    let (_, got) = srv
        .get(
            &t.admin,
            &format!("/v1/inbound/sources/{}", src["id"].as_str().unwrap()),
        )
        .await;
    assert!(got["last_run_at"].is_string(), "{got}");
    assert_eq!(got["last_error"], Value::Null, "{got}");
}
