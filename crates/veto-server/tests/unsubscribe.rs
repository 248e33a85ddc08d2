//! One-click unsubscribe (RFC 8058) over HTTP on both stores: links from the API, a GET that
//! changes nothing, a POST that suppresses at once, tampered and foreign tokens refused.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use veto_domain::unsubscribe::{base64url_decode, base64url_encode, token_from_mailto_recipient};
use veto_server::api::unsubscribe::{Via, apply};

impl Server {
    /// Makes a link for `email` in `message_id` with `key`.
    async fn link(&self, key: &str, email: &str, message_id: &str) -> Value {
        let (s, l) = self
            .post(
                key,
                "/v1/unsubscribe-links",
                json!({"email": email, "message_id": message_id}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        l
    }

    /// A public GET of `/u/{token}` (no API key).
    async fn unsub_page(&self, token: &str) -> (StatusCode, String, String) {
        let r = self
            .http
            .get(format!("{}/u/{token}", self.url))
            .send()
            .await
            .unwrap();
        let ctype = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status(), ctype, r.text().await.unwrap())
    }

    /// A public POST of `/u/{token}` with this content type and body (no API key).
    async fn unsub_post(&self, token: &str, ctype: &str, body: &str) -> (StatusCode, String) {
        let r = self
            .http
            .post(format!("{}/u/{token}", self.url))
            .header("content-type", ctype)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn one_click(&self, token: &str) -> (StatusCode, String) {
        self.unsub_post(
            token,
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await
    }

    /// Number of events in the tenant's audit log.
    async fn audit_len(&self, admin: &str) -> usize {
        let (s, log) = self.get(admin, "/v1/audit?limit=1000").await;
        assert_eq!(s, StatusCode::OK, "{log}");
        log["items"].as_array().unwrap().len()
    }

    async fn audit_of(&self, admin: &str, action: &str) -> Vec<Value> {
        let (_, log) = self.get(admin, &format!("/v1/audit?action={action}")).await;
        log["items"].as_array().unwrap().clone()
    }
}

/// `token` with one character replaced by another of the alphabet.
fn tampered(token: &str) -> String {
    let mut b = token.as_bytes().to_vec();
    let i = b.len() / 2;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

/// `token` with its clear tenant id replaced (the signature is left as it was).
fn with_tenant(token: &str, tenant: &str) -> String {
    let mut raw = base64url_decode(token).unwrap();
    let id = uuid::Uuid::parse_str(tenant).unwrap();
    raw[1..17].copy_from_slice(id.as_bytes());
    base64url_encode(&raw)
}

#[tokio::test]
async fn one_click_unsubscribe_suppresses_on_post_only() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("unsub").await;
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;

        let l = srv
            .link(&sdr, " Ada@Example.COM ", "<m-1@mail.acme.io>")
            .await;
        let token = l["token"].as_str().unwrap();
        let url = l["url"].as_str().unwrap();
        assert_eq!(url, format!("{}/u/{token}", srv.url));
        assert_eq!(l["mailto"], Value::Null, "no mail domain configured");
        assert_eq!(l["headers"]["List-Unsubscribe"], format!("<{url}>"));
        assert_eq!(
            l["headers"]["List-Unsubscribe-Post"],
            "List-Unsubscribe=One-Click"
        );

        // GET: a confirmation page, and nothing changes.
        let before = srv.audit_len(&t.admin).await;
        for _ in 0..2 {
            let (s, ctype, page) = srv.unsub_page(token).await;
            assert_eq!(s, StatusCode::OK, "{}: {page}", b.name);
            assert!(ctype.starts_with("text/html"), "{ctype}");
            assert!(page.contains("a***@example.com"), "{page}");
            assert!(!page.contains("ada@example.com"), "{page}");
            assert!(page.contains("<form method=\"post\">"), "{page}");
            assert!(page.contains("Nothing changes until you press the button"));
            assert!(!page.contains("http"), "no external assets: {page}");
        }
        assert_eq!(
            srv.check_email(&t.admin, "ada@example.com").await["verdict"],
            "allow"
        );
        assert_eq!(
            srv.audit_len(&t.admin).await,
            before,
            "a GET wrote something"
        );

        // POST: suppressed at once, audited, with the message as evidence.
        let (s, page) = srv.one_click(token).await;
        assert_eq!(s, StatusCode::OK, "{}: {page}", b.name);
        assert!(page.contains("is unsubscribed"), "{page}");
        let v = srv.check_email(&t.admin, "ada@example.com").await;
        assert_eq!(v["verdict"], "block", "{v}");
        assert_eq!(v["matches"][0]["reason"], "unsubscribe");
        let entry_id = v["matches"][0]["entry_id"].as_str().unwrap().to_string();
        let created = srv.audit_of(&t.admin, "suppression.created").await;
        assert_eq!(created.len(), 1, "{created:?}");
        assert_eq!(created[0]["subject"], entry_id.as_str());
        assert_eq!(created[0]["actor"], "system:one-click-unsubscribe");
        assert_eq!(created[0]["data"]["source"], "unsubscribe_link");
        assert_eq!(created[0]["data"]["reason"], "unsubscribe");
        assert_eq!(created[0]["data"]["channel"], "email");
        assert_eq!(created[0]["data"]["has_evidence"], true);
        let (_, e) = srv
            .get(&t.admin, &format!("/v1/suppressions/{entry_id}"))
            .await;
        let evidence = e["entry"]["evidence"].as_str().unwrap();
        assert!(evidence.contains("<m-1@mail.acme.io>"), "{evidence}");
        assert!(evidence.contains("One-click unsubscribe"), "{evidence}");
        assert_eq!(e["entry"]["source"], "unsubscribe_link");
        assert_eq!(e["history"][0]["action"], "suppression.created");

        // A second POST answers the same and adds nothing (the attempt is audited).
        let (s, page) = srv.one_click(token).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(page.contains("is unsubscribed"));
        let (_, list) = srv
            .get(&t.admin, "/v1/suppressions?email=ada@example.com")
            .await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(
            srv.audit_of(&t.admin, "suppression.duplicate").await.len(),
            1
        );

        // One changed character: 400 on GET and POST, nothing changes.
        let bob = srv.link(&sdr, "bob@example.com", "send-42").await;
        let bob_token = bob["token"].as_str().unwrap();
        let before = srv.audit_len(&t.admin).await;
        let bad = tampered(bob_token);
        let (s, _, page) = srv.unsub_page(&bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{page}");
        assert!(page.contains("not valid"), "{page}");
        let (s, page) = srv.one_click(&bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{page}");
        assert!(page.contains("Nothing was changed"), "{page}");
        for junk in ["x", "%00", &"A".repeat(5000)] {
            let (s, _) = srv.one_click(junk).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{junk}");
        }
        assert_eq!(
            srv.check_email(&t.admin, "bob@example.com").await["verdict"],
            "allow"
        );
        assert_eq!(srv.audit_len(&t.admin).await, before);

        // A body that is not a one-click unsubscribe changes nothing either.
        let (s, page) = srv
            .unsub_post(
                bob_token,
                "application/x-www-form-urlencoded",
                "List-Unsubscribe=Maybe",
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{page}");
        assert_eq!(
            srv.check_email(&t.admin, "bob@example.com").await["verdict"],
            "allow"
        );

        // Multipart one-click (RFC 8058 allows it) works.
        let body = "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b0undary--\r\n";
        let (s, page) = srv
            .unsub_post(bob_token, "multipart/form-data; boundary=b0undary", body)
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(
            srv.check_email(&t.admin, "bob@example.com").await["verdict"],
            "block"
        );

        // The confirmation page's button posts an empty body.
        let carol = srv.link(&sdr, "carol@example.com", "send-43").await;
        let (s, page) = srv
            .unsub_post(
                carol["token"].as_str().unwrap(),
                "application/x-www-form-urlencoded",
                "",
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let v = srv.check_email(&t.admin, "carol@example.com").await;
        assert_eq!(v["verdict"], "block");
        let (_, e) = srv
            .get(
                &t.admin,
                &format!(
                    "/v1/suppressions/{}",
                    v["matches"][0]["entry_id"].as_str().unwrap()
                ),
            )
            .await;
        assert!(
            e["entry"]["evidence"]
                .as_str()
                .unwrap()
                .contains("confirmed on the unsubscribe page"),
            "{e}"
        );

        let (_, ok) = srv.get(&t.admin, "/v1/audit/verify").await;
        assert_eq!(ok["ok"], true, "{ok}");
    }
}

#[tokio::test]
async fn tokens_never_cross_tenants() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let a = srv.tenant("unsub-a").await;
        let bt = srv.tenant("unsub-b").await;
        let la = srv.link(&a.admin, "dana@example.com", "m-a").await;
        let token_a = la["token"].as_str().unwrap();
        let b_before = srv.audit_len(&bt.admin).await;

        // A's token relabelled as B's: the signature covers the tenant id.
        let forged = with_tenant(token_a, &bt.id);
        let (s, _, page) = srv.unsub_page(&forged).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{}: {page}", b.name);
        let (s, page) = srv.one_click(&forged).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{page}");
        assert_eq!(
            srv.check_email(&bt.admin, "dana@example.com").await["verdict"],
            "allow"
        );
        assert_eq!(srv.audit_len(&bt.admin).await, b_before);

        // An unknown tenant: 404 with a plain message.
        let unknown = with_tenant(token_a, &uuid::Uuid::now_v7().to_string());
        let (s, _, page) = srv.unsub_page(&unknown).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{page}");
        assert!(page.contains("belongs to no organisation"), "{page}");
        let (s, _) = srv.one_click(&unknown).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // A's genuine token suppresses in A only.
        let (s, page) = srv.one_click(token_a).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(
            srv.check_email(&a.admin, "dana@example.com").await["verdict"],
            "block"
        );
        assert_eq!(
            srv.check_email(&bt.admin, "dana@example.com").await["verdict"],
            "allow"
        );
        assert_eq!(srv.audit_len(&bt.admin).await, b_before);
    }
}

#[tokio::test]
async fn links_validate_input_and_need_a_key() {
    let b = backends().await.remove(0);
    let srv = start(b.store.clone()).await;
    let t = srv.tenant("unsub-input").await;
    let (s, e) = srv
        .post(
            &t.admin,
            "/v1/unsubscribe-links",
            json!({"email": "not-an-address", "message_id": "m"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "email");
    let (s, e) = srv
        .post(
            &t.admin,
            "/v1/unsubscribe-links",
            json!({"email": "a@example.com", "message_id": "  "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "message_id");
    let (s, _) = srv
        .post(
            "veto_nope",
            "/v1/unsubscribe-links",
            json!({"email": "a@example.com", "message_id": "m"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// With a public URL and a mail domain configured, links carry both, and a message to the
/// mailto address (the ingest path) suppresses exactly like the POST.
#[tokio::test]
async fn configured_urls_and_the_mailto_path() {
    for b in backends().await {
        let opts = veto_server::state::StartOptions {
            public_url: Some("https://veto.example.com/".into()),
            unsubscribe_mail_domain: Some("unsub.example.com".into()),
            ..Default::default()
        };
        let srv = start_with(b.store.clone(), opts).await;
        let t = srv.tenant("unsub-mail").await;
        let l = srv
            .link(&t.admin, "erin@example.com", "<m-9@acme.io>")
            .await;
        let token = l["token"].as_str().unwrap();
        assert_eq!(l["url"], format!("https://veto.example.com/u/{token}"));
        let mailto = format!("mailto:unsubscribe+{token}@unsub.example.com?subject=unsubscribe");
        assert_eq!(l["mailto"], mailto.as_str());
        assert_eq!(
            l["headers"]["List-Unsubscribe"],
            format!("<https://veto.example.com/u/{token}>, <{mailto}>")
        );

        let rcpt = format!("unsubscribe+{token}@unsub.example.com");
        let found = token_from_mailto_recipient(&rcpt).unwrap();
        let applied = apply(&srv.state, found, Via::Mailto).await.unwrap();
        assert!(applied.created);
        assert_eq!(applied.message_id, "<m-9@acme.io>");
        let v = srv.check_email(&t.admin, "erin@example.com").await;
        assert_eq!(v["verdict"], "block", "{}: {v}", b.name);
        let created = srv.audit_of(&t.admin, "suppression.created").await;
        assert_eq!(created[0]["actor"], "system:unsubscribe-mail");
        // Mail and link are the same suppression: the second adds nothing.
        let again = apply(&srv.state, found, Via::Mailto).await.unwrap();
        assert!(!again.created);
        assert_eq!(again.entry.id, applied.entry.id);
        assert!(
            apply(&srv.state, &tampered(found), Via::Mailto)
                .await
                .is_err()
        );
    }
}
