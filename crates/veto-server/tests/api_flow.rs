//! End-to-end behaviour of the API on both stores: suppress, idempotent re-add, check (single,
//! batch, bulk), normalisation, domains, purposes, `as_of` across suppress → lift → suppress,
//! erasure, hashed-only tenants, expiry, errors, health, metrics and OpenAPI.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn suppress_check_and_idempotent_readd() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("flow").await;
        let e = srv
            .suppress(
                &t.admin,
                json!({"email": "  Jane.Doe@Example.COM "}),
                "stop_request",
            )
            .await;
        assert_eq!(e["identifier"], "jane.doe@example.com", "{}", b.name);
        assert_eq!(e["status"], "active");
        assert_eq!(e["purposes"], json!(["sales", "marketing"]));

        let (s, again) = srv
            .post(&t.admin, "/v1/suppressions", json!({"identifier": {"email": "jane.doe@example.com"}, "reason": "stop_request", "source": "reply"}))
            .await;
        assert_eq!(
            s,
            StatusCode::OK,
            "{}: re-adding returns the existing entry",
            b.name
        );
        assert_eq!(again["id"], e["id"]);

        let r = srv.check_email(&t.admin, "JANE.DOE@example.com ").await;
        assert_eq!(r["verdict"], "block", "{}", b.name);
        assert_eq!(r["normalized"], "jane.doe@example.com");
        assert_eq!(r["matches"][0]["entry_id"], e["id"]);
        assert_eq!(r["matches"][0]["reason"], "stop_request");
        let sentence = r["explanation"].as_str().unwrap();
        assert!(
            sentence.starts_with("Suppressed: asked to stop on "),
            "{sentence}"
        );
        assert!(
            sentence.contains("via reply") && sentence.contains(e["id"].as_str().unwrap()),
            "{sentence}"
        );

        // No guessing: a dot- or plus-variant is another address.
        assert_eq!(
            srv.check_email(&t.admin, "janedoe@example.com").await["verdict"],
            "allow"
        );
        assert_eq!(
            srv.check_email(&t.admin, "jane.doe+x@example.com").await["verdict"],
            "allow"
        );

        // Operational mail is exempt unless the entry says all.
        let (_, op) = srv
            .get(
                &t.admin,
                "/v1/check?email=jane.doe@example.com&purpose=operational",
            )
            .await;
        assert_eq!(op["verdict"], "allow");

        // The history shows creation and the duplicate attempt.
        let (s, h) = srv
            .get(
                &t.admin,
                &format!("/v1/suppressions/{}", e["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let actions: Vec<&str> = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["suppression.created", "suppression.duplicate"],
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn batch_reports_invalid_items_without_failing() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("batch").await;
        srv.suppress(&t.admin, json!({"email": "a@x.com"}), "unsubscribe")
            .await;
        srv.suppress(
            &t.admin,
            json!({"phone": "+1 415 555 2671"}),
            "stop_request",
        )
        .await;
        srv.suppress(&t.admin, json!({"company_id": "ACME-1"}), "not_interested")
            .await;
        let items = json!([
            {"email": "A@X.com"}, {"email": "not-an-address"}, {"email": "b@x.com"},
            {"phone": "+14155552671"}, {"company_id": "ACME-1"}, {"contact_id": "c-9"},
            {"email": "b@x.com", "company_id": "ACME-1"}, 42, {}
        ]);
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/check",
                json!({"purpose": "sales", "items": items}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let v: Vec<&str> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["verdict"].as_str().unwrap())
            .collect();
        assert_eq!(
            v,
            [
                "block", "invalid", "allow", "block", "block", "allow", "block", "invalid",
                "invalid"
            ],
            "{}",
            b.name
        );
        assert_eq!(r["results"][1]["error"]["field"], "email");
        assert!(
            r["results"][1]["explanation"]
                .as_str()
                .unwrap()
                .contains("no '@'")
        );
        assert_eq!(
            r["summary"],
            json!({"checked": 9, "allowed": 2, "blocked": 4, "invalid": 3})
        );

        let (_, compact) = srv
            .post(
                &t.admin,
                "/v1/check",
                json!({"items": items, "only_blocked": true}),
            )
            .await;
        let idx: Vec<u64> = compact["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["index"].as_u64().unwrap())
            .collect();
        assert_eq!(idx, [0, 1, 3, 4, 6, 7, 8]);
    }
}

#[tokio::test]
async fn bulk_streams_ndjson_with_line_numbers() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("bulk").await;
        srv.suppress(&t.admin, json!({"email": "blocked@x.com"}), "complaint")
            .await;
        let mut body = String::new();
        for i in 0..40_000 {
            match i {
                7 => body.push_str(" Blocked@X.com \r\n"),
                39_998 => body.push_str("broken\n"),
                _ => body.push_str(&format!("user{i}@x.com\n")),
            }
        }
        let r = srv
            .http
            .post(format!("{}/v1/check/bulk?purpose=sales", srv.url))
            .bearer_auth(&t.admin)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = r.text().await.unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{}: {text}", b.name);
        assert_eq!(lines[0]["line"], 8);
        assert_eq!(lines[0]["verdict"], "block");
        assert_eq!(lines[0]["normalized"], "blocked@x.com");
        assert_eq!(lines[1]["line"], 39_999);
        assert_eq!(lines[1]["verdict"], "invalid");
        assert_eq!(
            lines[2]["summary"],
            json!({"checked": 40_000, "allowed": 39_998, "blocked": 1, "invalid": 1})
        );
    }
}

#[tokio::test]
async fn domains_subdomains_and_idna() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("dom").await;
        let (s, _) = srv
            .post(&t.admin, "/v1/suppressions", json!({"identifier": {"domain": "Bücher.example"}, "reason": "legal_request", "source": "web_form", "include_subdomains": true}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        srv.suppress(&t.admin, json!({"domain": "exact.com"}), "manual")
            .await;
        assert_eq!(
            srv.check_email(&t.admin, "anyone@xn--bcher-kva.example")
                .await["verdict"],
            "block",
            "{}",
            b.name
        );
        assert_eq!(
            srv.check_email(&t.admin, "anyone@BÜCHER.example").await["verdict"],
            "block"
        );
        let sub = srv.check_email(&t.admin, "x@mail.bücher.example").await;
        assert_eq!(sub["verdict"], "block");
        assert_eq!(sub["matches"][0]["via_parent_domain"], true);
        assert!(
            sub["explanation"]
                .as_str()
                .unwrap()
                .contains("the domain xn--bcher-kva.example is blocked")
        );
        assert_eq!(
            srv.check_email(&t.admin, "x@exact.com").await["verdict"],
            "block"
        );
        assert_eq!(
            srv.check_email(&t.admin, "x@sub.exact.com").await["verdict"],
            "allow",
            "no subdomains unless the entry says so"
        );
        let (s, e) = srv
            .post(&t.admin, "/v1/suppressions", json!({"identifier": {"email": "a@b.com"}, "reason": "manual", "include_subdomains": true}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["field"], "include_subdomains");
    }
}

#[tokio::test]
async fn as_of_across_suppress_lift_suppress() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("asof").await;
        let (_, ops) = srv.user(&t.admin, "ops", None).await;
        let (_, manager) = srv.user(&t.admin, "manager", None).await;
        let t0 = now_rfc3339();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let e1 = srv
            .suppress(&manager, json!({"email": "p@q.com"}), "not_interested")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let t1 = now_rfc3339();
        let (s, l) = srv
            .post(&manager, "/v1/lift-requests", json!({"entry_id": e1["id"], "reason": "asked to hear from us again", "evidence": "email of 2026-11-20"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        let (s, d) = srv
            .post(
                &ops,
                &format!("/v1/lift-requests/{}/approve", l["id"].as_str().unwrap()),
                json!({"note": "ok"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["status"], "approved");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let t2 = now_rfc3339();
        assert_eq!(
            srv.check_email(&t.admin, "p@q.com").await["verdict"],
            "allow",
            "{}: lifted",
            b.name
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let e2 = srv
            .suppress(&manager, json!({"email": "p@q.com"}), "stop_request")
            .await;
        assert_ne!(
            e2["id"], e1["id"],
            "a lifted identifier is suppressed again with a new entry"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let t3 = now_rfc3339();
        let at = |t: &str| format!("/v1/check?email=p@q.com&as_of={}", urlencode(t));
        let v = |x: &Value| x["verdict"].as_str().unwrap().to_string();
        assert_eq!(
            v(&srv.get(&t.admin, &at(&t0)).await.1),
            "allow",
            "{}: before",
            b.name
        );
        let r1 = srv.get(&t.admin, &at(&t1)).await.1;
        assert_eq!(v(&r1), "block");
        assert_eq!(r1["matches"][0]["entry_id"], e1["id"]);
        assert_eq!(
            v(&srv.get(&t.admin, &at(&t2)).await.1),
            "allow",
            "after the lift"
        );
        let r3 = srv.get(&t.admin, &at(&t3)).await.1;
        assert_eq!(v(&r3), "block");
        assert_eq!(r3["matches"][0]["entry_id"], e2["id"]);
        assert!(r3["explanation"].as_str().unwrap().contains("[as of"));
        // The lifted entry keeps its history.
        let (_, h) = srv
            .get(
                &t.admin,
                &format!("/v1/suppressions/{}", e1["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(h["entry"]["status"], "lifted");
        assert_eq!(h["entry"]["ended"]["lift_id"], l["id"]);
        let actions: Vec<&str> = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "suppression.created",
                "lift.requested",
                "lift.approved",
                "suppression.lifted"
            ]
        );
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

#[tokio::test]
async fn erasure_keeps_the_block_and_drops_personal_data() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("erase").await;
        let e = srv
            .suppress(&t.admin, json!({"email": "gone@x.com"}), "legal_request")
            .await;
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/erasures",
                json!({"identifier": {"email": "GONE@x.com"}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["entries"], 1, "{}", b.name);
        let (_, h) = srv
            .get(
                &t.admin,
                &format!("/v1/suppressions/{}", e["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(h["entry"]["identifier"], Value::Null);
        assert_eq!(h["entry"]["evidence"], Value::Null);
        assert_eq!(h["entry"]["erased"], true);
        // Re-imported next year: still blocked.
        assert_eq!(
            srv.check_email(&t.admin, "gone@x.com").await["verdict"],
            "block"
        );
        // The audit names the erasure without the address.
        let (_, log) = srv
            .get(&t.admin, "/v1/audit?action=identifier.erased")
            .await;
        let ev = &log["items"][0];
        assert_eq!(ev["action"], "identifier.erased");
        assert!(!ev.to_string().contains("gone@x.com"));
        let (_, all) = srv.get(&t.admin, "/v1/audit?limit=1000").await;
        assert!(
            !all.to_string().contains("gone@x.com"),
            "no clear identifier anywhere in the audit log"
        );
        let (_, v) = srv.get(&t.admin, "/v1/audit/verify").await;
        assert_eq!(v["ok"], true, "{v}");
    }
}

#[tokio::test]
async fn hashed_only_tenant_and_role_accounts() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("hashed").await;
        let (s, p) = srv
            .put(
                &t.admin,
                "/v1/policy",
                json!({"hashed_only": true, "role_local_parts": ["info", "desk"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let e = srv
            .suppress(&t.admin, json!({"email": "Desk@corp.com"}), "unsubscribe")
            .await;
        assert_eq!(e["identifier"], Value::Null, "{}", b.name);
        assert_eq!(e["role_account"], true);
        let r = srv.check_email(&t.admin, "desk@corp.com").await;
        assert_eq!(r["verdict"], "block");
        let e2 = srv
            .suppress(&t.admin, json!({"email": "sales@corp.com"}), "unsubscribe")
            .await;
        assert_eq!(e2["role_account"], false, "the tenant's own list decides");
        let (s, err) = srv
            .put(
                &t.admin,
                "/v1/policy",
                json!({"expiry_days": {"unsubscribe": 30}}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("never expires")
        );
    }
}

#[tokio::test]
async fn expiry_is_an_end_of_validity_not_a_delete() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("expiry").await;
        let (s, _) = srv
            .put(
                &t.admin,
                "/v1/policy",
                json!({"expiry_days": {"soft_bounce_limit": 90}}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let long_ago = (time::OffsetDateTime::now_utc() - time::Duration::days(100))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let (s, e) = srv
            .post(&t.admin, "/v1/suppressions", json!({"identifier": {"email": "soft@x.com"}, "reason": "soft_bounce_limit", "source": "bounce", "valid_from": long_ago}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        assert_eq!(e["status"], "expired", "{}", b.name);
        assert_eq!(
            srv.check_email(&t.admin, "soft@x.com").await["verdict"],
            "allow"
        );
        let n = veto_server::jobs::run_expiry(&srv.state).await.unwrap();
        assert_eq!(n, 1, "{}", b.name);
        let (_, opt_out) = srv
            .post(&t.admin, "/v1/suppressions", json!({"identifier": {"email": "soft@x.com"}, "reason": "unsubscribe", "valid_from": long_ago}))
            .await;
        assert_eq!(opt_out["expires_at"], Value::Null, "opt-outs never expire");
        assert_eq!(opt_out["status"], "active");
        assert_eq!(
            srv.check_email(&t.admin, "soft@x.com").await["verdict"],
            "block"
        );
        let (_, h) = srv
            .get(
                &t.admin,
                &format!("/v1/suppressions/{}", e["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(h["entry"]["ended"]["kind"], "expired");
        assert_eq!(h["entry"]["ended"]["by"], "system:expiry");
        let actions: Vec<&str> = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["suppression.created", "suppression.expired"]);
    }
}

#[tokio::test]
async fn errors_are_json_with_codes() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("errors").await;
        let (s, e) = srv
            .post(
                &t.admin,
                "/v1/suppressions",
                json!({"identifier": {"email": "x@"}, "reason": "manual"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "invalid_input");
        assert_eq!(e["error"]["field"], "identifier.email");
        let (s, e) = srv
            .post(
                &t.admin,
                "/v1/suppressions",
                json!({"identifier": {"email": "x@y.com"}, "reason": "because"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("stop_request"),
            "lists the choices"
        );
        let (s, e) = srv.get("wrong", "/v1/me").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(e["error"]["code"], "unauthorized");
        let (s, e) = srv.get(&t.admin, "/v1/suppressions/not-an-id").await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
        let (s, _) = srv
            .post(&t.admin, "/v1/check", json!({"items": "nope"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
    }
}

#[tokio::test]
async fn revoked_keys_and_disabled_users_stop_at_once() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("revoke").await;
        let (uid, key) = srv.user(&t.admin, "sdr", None).await;
        assert_eq!(srv.get(&key, "/v1/me").await.0, StatusCode::OK);
        let (_, keys) = srv.get(&t.admin, "/v1/keys").await;
        let kid = keys["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["user_id"] == uid.as_str())
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, k) = srv
            .post(&t.admin, &format!("/v1/keys/{kid}/revoke"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(k["revoked_at"].is_string());
        assert_eq!(
            srv.get(&key, "/v1/me").await.0,
            StatusCode::UNAUTHORIZED,
            "{}",
            b.name
        );
        let (_, key2) = srv.user(&t.admin, "ae", None).await;
        let (_, me) = srv.get(&key2, "/v1/me").await;
        let uid2 = me["user"]["id"].as_str().unwrap().to_string();
        let (s, _) = srv
            .patch(
                &t.admin,
                &format!("/v1/users/{uid2}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(srv.get(&key2, "/v1/me").await.0, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn health_metrics_openapi() {
    let b = backends().await.remove(0);
    let srv = start(b.store.clone()).await;
    let h: Value = srv
        .http
        .get(format!("{}/healthz", srv.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    let t = srv.tenant("meta").await;
    srv.check_email(&t.admin, "a@b.com").await;
    let m = srv
        .http
        .get(format!("{}/metrics", srv.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("veto_checks_total"), "{m}");
    let o: Value = srv
        .http
        .get(format!("{}/openapi.json", srv.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(o["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/v1/suppressions",
        "/v1/check",
        "/v1/check/bulk",
        "/v1/lift-requests/{id}/approve",
        "/v1/audit/verify",
        "/v1/users",
        "/v1/keys",
        "/v1/imports/leads",
        "/v1/imports/suppressions",
        "/v1/imports/{id}/report",
        "/v1/exports/suppressions",
        "/v1/contacts",
        "/v1/unsubscribe-links",
        "/v1/inbound/mime",
        "/u/{token}",
    ] {
        assert!(o["paths"].get(p).is_some(), "openapi lacks {p}");
    }
}

#[tokio::test]
async fn blocked_attempts_are_audited() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("attempts").await;
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let e = srv
            .suppress(&t.admin, json!({"email": "no@x.com"}), "unsubscribe")
            .await;
        let (s, r) = srv
            .get(
                &sdr,
                "/v1/check?email=no@x.com&attempt=send&reference=msg-1",
            )
            .await;
        assert_eq!((s, r["verdict"].as_str()), (StatusCode::OK, Some("block")));
        let (_, r) = srv.post(&sdr, "/v1/check", json!({"items": [{"email": "no@x.com"}, {"email": "yes@x.com"}], "attempt": {"kind": "enroll", "reference": "seq-7"}})).await;
        assert_eq!(r["summary"]["blocked"], 1);
        let (s, _) = srv
            .get(&sdr, "/v1/check?email=no@x.com&attempt=teleport")
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, log) = srv.get(&t.admin, "/v1/audit?action=attempt.blocked").await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{}: {log}", b.name);
        assert_eq!(items[0]["data"]["attempt"], "enroll");
        assert_eq!(items[1]["data"]["attempt"], "send");
        assert_eq!(items[1]["data"]["reference"], "msg-1");
        assert_eq!(items[1]["subject"], e["id"]);
        assert!(!log.to_string().contains("no@x.com"));
        let (_, v) = srv.get(&t.admin, "/v1/audit/verify").await;
        assert_eq!(v["ok"], true);
    }
}

/// A node that is the only writer of its SQLite database skips feed reads while nothing was
/// committed — and still sees each of its own commits on the very next request.
#[tokio::test]
async fn sole_writer_node_sees_its_own_commits_at_once() {
    let b = backends().await.remove(0);
    assert_eq!(b.name, "sqlite");
    let opts = veto_server::state::StartOptions {
        sole_writer: true,
        ..Default::default()
    };
    let state = veto_server::AppState::start_with(b.store.clone(), opts)
        .await
        .unwrap();
    let srv = serve(state).await;
    let t = srv.tenant("sole").await;
    let (_, ops) = srv.user(&t.admin, "ops", None).await;
    for i in 0..20 {
        let email = format!("s{i}@x.com");
        assert_eq!(srv.check_email(&t.admin, &email).await["verdict"], "allow");
        let e = srv
            .suppress(&t.admin, json!({"email": email}), "manual")
            .await;
        assert_eq!(
            srv.check_email(&t.admin, &email).await["verdict"],
            "block",
            "round {i}"
        );
        let (_, l) = srv
            .post(
                &t.admin,
                "/v1/lift-requests",
                json!({"entry_id": e["id"], "reason": "r", "evidence": "e"}),
            )
            .await;
        let (s, _) = srv
            .post(
                &ops,
                &format!("/v1/lift-requests/{}/approve", l["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            srv.check_email(&t.admin, &email).await["verdict"],
            "allow",
            "round {i}: lift"
        );
    }
}

#[tokio::test]
async fn bulk_refuses_a_body_without_line_breaks() {
    let b = backends().await.remove(0);
    let srv = start(b.store.clone()).await;
    let t = srv.tenant("longline").await;
    let body = format!("ok@x.com\n{}", "a".repeat(200_000));
    let r = srv
        .http
        .post(format!("{}/v1/check/bulk", srv.url))
        .bearer_auth(&t.admin)
        .body(body)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "bulk_failed", "{text}");
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2 is longer"),
        "{text}"
    );
}
