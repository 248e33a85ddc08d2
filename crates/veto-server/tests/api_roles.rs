//! The role matrix of the product brief, every role × every action, through the HTTP API,
//! on both stores. Adding is easy, lifting is hard.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

const ROLES: [&str; 5] = ["sdr", "ae", "manager", "ops", "admin"];

fn ok(s: StatusCode) -> bool {
    s.is_success()
}

#[tokio::test]
async fn every_role_times_every_action() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("roles").await;
        let (_, requester) = srv.user(&t.admin, "manager", None).await;
        for role in ROLES {
            let (uid, key) = srv.user(&t.admin, role, None).await;
            let expect = |allowed: &[&str]| allowed.contains(&role);
            let ctx = format!("{} {role}", b.name);

            // add a suppression (reason required) — everyone
            let (s, _) = srv.post(&key, "/v1/suppressions", json!({"identifier": {"email": format!("{role}-add@x.com")}, "reason": "manual"})).await;
            assert!(ok(s), "{ctx}: add");
            let (s, _) = srv
                .post(
                    &key,
                    "/v1/suppressions",
                    json!({"identifier": {"email": format!("{role}-add2@x.com")}}),
                )
                .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{ctx}: a reason is required"
            );
            // check and read — everyone
            assert!(
                ok(srv.get(&key, "/v1/check?email=a@x.com").await.0),
                "{ctx}: check"
            );
            assert!(ok(srv.get(&key, "/v1/suppressions").await.0), "{ctx}: list");
            assert!(
                ok(srv.get(&key, "/v1/policy").await.0),
                "{ctx}: read policy"
            );

            // request a lift — manager, ops, admin
            let e = srv
                .suppress(
                    &t.admin,
                    json!({"email": format!("{role}-lift@x.com")}),
                    "not_interested",
                )
                .await;
            let (s, _) = srv
                .post(
                    &key,
                    "/v1/lift-requests",
                    json!({"entry_id": e["id"], "reason": "re-engaged", "evidence": "signed form"}),
                )
                .await;
            assert_eq!(
                ok(s),
                expect(&["manager", "ops", "admin"]),
                "{ctx}: request lift ({s})"
            );
            if s.is_client_error() {
                assert_eq!(s, StatusCode::FORBIDDEN, "{ctx}");
            }

            // approve / reject someone else's request — ops, admin
            for action in ["approve", "reject"] {
                let e = srv
                    .suppress(
                        &t.admin,
                        json!({"email": format!("{role}-{action}@x.com")}),
                        "not_interested",
                    )
                    .await;
                let (s, l) = srv
                    .post(
                        &requester,
                        "/v1/lift-requests",
                        json!({"entry_id": e["id"], "reason": "r", "evidence": "ev"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{l}");
                let (s, _) = srv
                    .post(
                        &key,
                        &format!("/v1/lift-requests/{}/{action}", l["id"].as_str().unwrap()),
                        json!({"note": "n"}),
                    )
                    .await;
                assert_eq!(
                    ok(s),
                    expect(&["ops", "admin"]),
                    "{ctx}: {action} lift ({s})"
                );
            }

            // lift a complaint or legal_request entry — admin only
            for reason in ["complaint", "legal_request"] {
                let e = srv
                    .suppress(
                        &t.admin,
                        json!({"email": format!("{role}-{reason}@x.com")}),
                        reason,
                    )
                    .await;
                let (_, l) = srv
                    .post(
                        &requester,
                        "/v1/lift-requests",
                        json!({"entry_id": e["id"], "reason": "r", "evidence": "ev"}),
                    )
                    .await;
                let (s, _) = srv
                    .post(
                        &key,
                        &format!("/v1/lift-requests/{}/approve", l["id"].as_str().unwrap()),
                        json!({}),
                    )
                    .await;
                assert_eq!(ok(s), expect(&["admin"]), "{ctx}: lift {reason} ({s})");
            }

            // tenant rules — ops, admin
            let (s, _) = srv
                .put(
                    &key,
                    "/v1/policy",
                    json!({"expiry_days": {"soft_bounce_limit": 90}}),
                )
                .await;
            assert_eq!(ok(s), expect(&["ops", "admin"]), "{ctx}: rules");

            // users, roles, API keys — admin
            let (s, _) = srv
                .post(
                    &key,
                    "/v1/users",
                    json!({"email": format!("new-{role}@x.com"), "role": "sdr"}),
                )
                .await;
            assert_eq!(ok(s), expect(&["admin"]), "{ctx}: create user");
            assert_eq!(
                ok(srv.get(&key, "/v1/users").await.0),
                expect(&["admin"]),
                "{ctx}: list users"
            );
            let (s, _) = srv
                .patch(&key, &format!("/v1/users/{uid}"), json!({"team": "x"}))
                .await;
            assert_eq!(ok(s), expect(&["admin"]), "{ctx}: update user");
            let (s, _) = srv.post(&key, "/v1/keys", json!({"user_id": uid})).await;
            assert_eq!(ok(s), expect(&["admin"]), "{ctx}: create key");
            assert_eq!(
                ok(srv.get(&key, "/v1/keys").await.0),
                expect(&["admin"]),
                "{ctx}: list keys"
            );

            // audit — manager (own team), ops, admin; verify — ops, admin
            assert_eq!(
                ok(srv.get(&key, "/v1/audit").await.0),
                expect(&["manager", "ops", "admin"]),
                "{ctx}: audit log"
            );
            assert_eq!(
                ok(srv.get(&key, "/v1/audit/verify").await.0),
                expect(&["ops", "admin"]),
                "{ctx}: audit verify"
            );

            // erasure — admin
            let (s, _) = srv
                .post(
                    &key,
                    "/v1/erasures",
                    json!({"identifier": {"email": format!("{role}-add@x.com")}}),
                )
                .await;
            assert_eq!(ok(s), expect(&["admin"]), "{ctx}: erase");
        }
    }
}

#[tokio::test]
async fn nobody_decides_their_own_lift() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("foureyes").await;
        let (_, ops) = srv.user(&t.admin, "ops", None).await;
        let e = srv
            .suppress(&t.admin, json!({"email": "own@x.com"}), "manual")
            .await;
        let (_, l) = srv
            .post(
                &ops,
                "/v1/lift-requests",
                json!({"entry_id": e["id"], "reason": "r", "evidence": "ev"}),
            )
            .await;
        let id = l["id"].as_str().unwrap();
        for action in ["approve", "reject"] {
            let (s, err) = srv
                .post(&ops, &format!("/v1/lift-requests/{id}/{action}"), json!({}))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{}: {err}", b.name);
            assert!(err["error"]["message"].as_str().unwrap().contains("own"));
        }
        // Evidence is required; a second pending request conflicts; a decided one cannot be re-decided.
        let (s, err) = srv
            .post(
                &ops,
                "/v1/lift-requests",
                json!({"entry_id": e["id"], "reason": "r", "evidence": " "}),
            )
            .await;
        assert_eq!(
            (s, err["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence"))
        );
        let (s, _) = srv
            .post(
                &t.admin,
                "/v1/lift-requests",
                json!({"entry_id": e["id"], "reason": "r", "evidence": "ev"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = srv
            .post(
                &t.admin,
                &format!("/v1/lift-requests/{id}/reject"),
                json!({"note": "no evidence of consent"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = srv
            .post(
                &t.admin,
                &format!("/v1/lift-requests/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(
            srv.check_email(&t.admin, "own@x.com").await["verdict"],
            "block",
            "a rejected lift leaves the block"
        );
    }
}

#[tokio::test]
async fn managers_read_their_own_teams_audit() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("teams").await;
        let (_, manager) = srv.user(&t.admin, "manager", Some("east")).await;
        let (_, east) = srv.user(&t.admin, "sdr", Some("east")).await;
        let (_, west) = srv.user(&t.admin, "sdr", Some("west")).await;
        let e1 = srv
            .suppress(&east, json!({"email": "e@x.com"}), "manual")
            .await;
        let e2 = srv
            .suppress(&west, json!({"email": "w@x.com"}), "manual")
            .await;
        let (s, log) = srv
            .get(&manager, "/v1/audit?action=suppression.created")
            .await;
        assert_eq!(s, StatusCode::OK);
        let subjects: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["subject"].as_str().unwrap())
            .collect();
        assert!(subjects.contains(&e1["id"].as_str().unwrap()), "{}", b.name);
        assert!(
            !subjects.contains(&e2["id"].as_str().unwrap()),
            "{}: another team's event leaked",
            b.name
        );
        let (_, all) = srv
            .get(&t.admin, "/v1/audit?action=suppression.created")
            .await;
        assert_eq!(all["items"].as_array().unwrap().len(), 2);
    }
}
