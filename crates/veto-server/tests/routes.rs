//! Outbound routes over HTTP on both stores: the interface other tools rely on, validation
//! naming the field, the first route as default, passwords never shown, roles and isolation.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn routes_are_created_validated_and_isolated() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("routes").await;
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/routes",
                json!({"name": "sink", "host": "127.0.0.1", "port": 2525, "tls": "none",
                       "username": null, "password": null}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}: {r}", b.name);
        assert!(r["id"].is_string(), "{r}");
        assert_eq!(r["is_default"], true, "{r}");
        let (s, r2) = srv
            .post(
                &t.admin,
                "/v1/routes",
                json!({"name": "ses", "host": "email-smtp.eu-west-1.amazonaws.com", "port": 465,
                       "tls": "implicit", "username": "AKIAEXAMPLE", "password": "smtp-pass-123"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r2}");
        assert_eq!(r2["is_default"], false, "{r2}");
        assert_eq!(r2["has_password"], true, "{r2}");
        assert!(!r2.to_string().contains("smtp-pass-123"), "{r2}");
        let (_, all) = srv.get(&t.admin, "/v1/routes").await;
        assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
        assert!(!all.to_string().contains("smtp-pass-123"));
        let (_, log) = srv
            .get(&t.admin, "/v1/audit?action=route.created&limit=10")
            .await;
        assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
        assert!(!log.to_string().contains("smtp-pass-123"));

        for (body, field) in [
            (
                json!({"name": "x", "host": "h", "port": 0, "tls": "none"}),
                "port",
            ),
            (
                json!({"name": "x", "host": "h", "port": 70000, "tls": "none"}),
                "port",
            ),
            (
                json!({"name": "x", "host": "h", "port": 25, "tls": "ssl"}),
                "tls",
            ),
            (
                json!({"name": "x", "host": "a b", "port": 25, "tls": "none"}),
                "host",
            ),
            (
                json!({"name": " ", "host": "h", "port": 25, "tls": "none"}),
                "name",
            ),
            (
                json!({"name": "x", "host": "h", "port": 25, "tls": "none", "password": "p"}),
                "username",
            ),
        ] {
            let (s, e) = srv.post(&t.admin, "/v1/routes", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(e.to_string().contains(field), "{field}: {e}");
        }
        let (s, _) = srv
            .post(
                &t.admin,
                "/v1/routes",
                json!({"name": "sink", "host": "h", "port": 25, "tls": "none"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // Reps do not configure routes; another tenant sees none of these.
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let (s, _) = srv.get(&sdr, "/v1/routes").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = srv.tenant("routes-other").await;
        let (s, _) = srv
            .get(
                &other.admin,
                &format!("/v1/routes/{}", r["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, o) = srv
            .post(
                &other.admin,
                "/v1/routes",
                json!({"name": "sink", "host": "h", "port": 25, "tls": "starttls"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["is_default"], true, "{o}");
    }
}
