//! Tenant isolation: every endpoint tried with another tenant's ids and keys, on both stores.
//! Another tenant's object answers 404, exactly like a missing one.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn another_tenants_ids_and_keys_see_nothing() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let a = srv.tenant("alpha").await;
        let bt = srv.tenant("beta").await;
        let (_, a_manager) = srv.user(&a.admin, "manager", None).await;
        let entry = srv
            .suppress(&a.admin, json!({"email": "secret@alpha.com"}), "complaint")
            .await;
        let eid = entry["id"].as_str().unwrap();
        let (_, lift) = srv
            .post(
                &a_manager,
                "/v1/lift-requests",
                json!({"entry_id": eid, "reason": "r", "evidence": "e"}),
            )
            .await;
        let lid = lift["id"].as_str().unwrap();
        let (a_uid, _) = srv.user(&a.admin, "sdr", None).await;
        let (_, a_keys) = srv.get(&a.admin, "/v1/keys").await;
        let a_kid = a_keys["items"][0]["id"].as_str().unwrap().to_string();
        let n = |name: &str| format!("{}: {name}", b.name);

        let b_key = &bt.admin;
        assert_eq!(
            srv.get(b_key, &format!("/v1/suppressions/{eid}")).await.0,
            StatusCode::NOT_FOUND,
            "{}",
            n("get entry")
        );
        assert_eq!(
            srv.get(b_key, &format!("/v1/lift-requests/{lid}")).await.0,
            StatusCode::NOT_FOUND,
            "{}",
            n("get lift")
        );
        let (s, _) = srv
            .post(
                b_key,
                "/v1/lift-requests",
                json!({"entry_id": eid, "reason": "r", "evidence": "e"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", n("request lift"));
        for action in ["approve", "reject"] {
            let (s, _) = srv
                .post(
                    b_key,
                    &format!("/v1/lift-requests/{lid}/{action}"),
                    json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{}", n(action));
        }
        assert_eq!(
            srv.get(b_key, &format!("/v1/users/{a_uid}")).await.0,
            StatusCode::NOT_FOUND,
            "{}",
            n("get user")
        );
        assert_eq!(
            srv.patch(
                b_key,
                &format!("/v1/users/{a_uid}"),
                json!({"role": "admin"})
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{}",
            n("patch user")
        );
        assert_eq!(
            srv.post(b_key, "/v1/keys", json!({"user_id": a_uid}))
                .await
                .0,
            StatusCode::NOT_FOUND,
            "{}",
            n("key for user")
        );
        assert_eq!(
            srv.post(b_key, &format!("/v1/keys/{a_kid}/revoke"), json!({}))
                .await
                .0,
            StatusCode::NOT_FOUND,
            "{}",
            n("revoke key")
        );

        assert_eq!(
            srv.check_email(b_key, "secret@alpha.com").await["verdict"],
            "allow",
            "{}",
            n("check")
        );
        let (_, batch) = srv
            .post(
                b_key,
                "/v1/check",
                json!({"items": [{"email": "secret@alpha.com"}]}),
            )
            .await;
        assert_eq!(batch["results"][0]["verdict"], "allow");
        let (_, asof) = srv
            .get(
                b_key,
                "/v1/check?email=secret@alpha.com&as_of=2100-01-01T00:00:00Z",
            )
            .await;
        assert_eq!(asof["verdict"], "allow", "{}", n("as_of check"));
        let (_, list) = srv.get(b_key, "/v1/suppressions?status=all").await;
        assert_eq!(list["items"], json!([]), "{}", n("list"));
        let (_, search) = srv
            .get(b_key, "/v1/suppressions?email=secret@alpha.com&status=all")
            .await;
        assert_eq!(search["items"], json!([]));
        let (_, lifts) = srv
            .get(b_key, &format!("/v1/lift-requests?entry_id={eid}"))
            .await;
        assert_eq!(lifts["items"], json!([]));
        let (_, users) = srv.get(b_key, "/v1/users").await;
        assert!(!users.to_string().contains(&a_uid));
        let (_, keys) = srv.get(b_key, "/v1/keys").await;
        assert!(!keys.to_string().contains(&a_kid));
        let (_, audit) = srv.get(b_key, "/v1/audit?limit=1000").await;
        assert!(!audit.to_string().contains(eid), "{}", n("audit"));
        let (_, erased) = srv
            .post(
                b_key,
                "/v1/erasures",
                json!({"identifier": {"email": "secret@alpha.com"}}),
            )
            .await;
        assert_eq!(erased["entries"], 0, "{}", n("erasure"));
        let (_, still) = srv.get(&a.admin, &format!("/v1/suppressions/{eid}")).await;
        assert_eq!(still["entry"]["identifier"], "secret@alpha.com");
        let (_, me) = srv.get(b_key, "/v1/me").await;
        assert_eq!(me["tenant_id"], Value::String(bt.id.clone()));
        // Each tenant's chain is its own and intact.
        for key in [&a.admin, b_key] {
            let (_, v) = srv.get(key, "/v1/audit/verify").await;
            assert_eq!(v["ok"], true, "{v}");
        }
        // Tenant A still sees its own.
        assert_eq!(
            srv.check_email(&a.admin, "secret@alpha.com").await["verdict"],
            "block"
        );
    }
}
