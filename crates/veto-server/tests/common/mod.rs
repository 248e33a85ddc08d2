//! Test harness: a real server on a loopback port over a real store (SQLite in a temp dir
//! always; PostgreSQL in a fresh schema when one is reachable), driven over HTTP.
#![allow(dead_code)]

pub mod smtp;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use veto_store::DynStore;

pub struct Backend {
    pub name: &'static str,
    pub store: DynStore,
    _guard: Option<tempfile::TempDir>,
    _pg: Option<veto_store_postgres::testing::TestDb>,
}

/// The backends every API test runs against.
pub async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/veto.db", dir.path().display());
    let sqlite = veto_store_sqlite::SqliteStore::connect(&url).await.unwrap();
    let mut out = vec![Backend {
        name: "sqlite",
        store: Arc::new(sqlite),
        _guard: Some(dir),
        _pg: None,
    }];
    if let Some(db) = veto_store_postgres::testing::test_database().await {
        let store = Arc::new(db.store().await);
        out.push(Backend {
            name: "postgres",
            store,
            _guard: None,
            _pg: Some(db),
        });
    }
    out
}

pub struct Server {
    pub url: String,
    pub state: veto_server::AppState,
    pub http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn start(store: DynStore) -> Server {
    start_with(store, veto_server::state::StartOptions::default()).await
}

/// A server with the given options (and the test resolver).
pub async fn start_with(store: DynStore, opts: veto_server::state::StartOptions) -> Server {
    let opts = veto_server::state::StartOptions {
        resolver: Some(test_resolver()),
        ..opts
    };
    serve(
        veto_server::AppState::start_with(store, opts)
            .await
            .unwrap(),
    )
    .await
}

/// DNS for address verification in tests: every domain takes mail, except `*.invalid`
/// (does not exist) and `nullmx.test` (publishes a null MX).
pub fn test_resolver() -> veto_server::state::DnsResolver {
    veto_server::state::DnsResolver(Arc::new(TestResolver))
}

struct TestResolver;

#[async_trait::async_trait]
impl veto_verify::Resolver for TestResolver {
    async fn mail_route(
        &self,
        domain: &str,
    ) -> Result<veto_verify::RouteAnswer, veto_verify::DnsError> {
        use veto_verify::MailRoute;
        let route = if domain.ends_with(".invalid") {
            MailRoute::NxDomain
        } else if domain == "nullmx.test" {
            MailRoute::NullMx
        } else {
            MailRoute::mx([(10u16, format!("mx.{domain}"))])
        };
        Ok(route.into())
    }
}

/// Serves an already started node on a loopback port.
pub async fn serve(state: veto_server::AppState) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        veto_server::run(st, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server {
        url,
        state,
        http: reqwest::Client::new(),
        _stop: tx,
    }
}

/// A tenant with its admin key.
pub struct Tenant {
    pub id: String,
    pub admin_id: String,
    pub admin: String,
}

impl Server {
    pub async fn tenant(&self, name: &str) -> Tenant {
        let name = format!("{name}-{}", uuid::Uuid::now_v7().simple());
        let p = veto_server::provision::create_tenant(
            self.state.store().as_ref(),
            &name,
            &format!("admin@{name}.test"),
        )
        .await
        .unwrap();
        Tenant {
            id: p.tenant_id.to_string(),
            admin_id: p.admin_user_id.to_string(),
            admin: p.api_key,
        }
    }

    /// Creates a user of `role` (and optional team) and returns (user id, key).
    pub async fn user(&self, admin: &str, role: &str, team: Option<&str>) -> (String, String) {
        let email = format!("{role}-{}@example.com", uuid::Uuid::now_v7().simple());
        let (s, u) = self
            .post(
                admin,
                "/v1/users",
                json!({"email": email, "role": role, "team": team}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        let id = u["id"].as_str().unwrap().to_string();
        let (s, k) = self.post(admin, "/v1/keys", json!({"user_id": id})).await;
        assert_eq!(s, StatusCode::CREATED, "{k}");
        (id, k["api_key"].as_str().unwrap().to_string())
    }

    async fn send(&self, rb: reqwest::RequestBuilder, key: &str) -> (StatusCode, Value) {
        let r = rb.bearer_auth(key).send().await.unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (s, v)
    }

    pub async fn get(&self, key: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(format!("{}{path}", self.url)), key)
            .await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http.post(format!("{}{path}", self.url)).json(&body),
            key,
        )
        .await
    }

    pub async fn patch(&self, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http.patch(format!("{}{path}", self.url)).json(&body),
            key,
        )
        .await
    }

    pub async fn put(&self, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http.put(format!("{}{path}", self.url)).json(&body),
            key,
        )
        .await
    }

    /// POSTs a raw body (a CSV file, a message).
    pub async fn post_raw(
        &self,
        key: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.url))
                .header("content-type", content_type)
                .body(body.to_vec()),
            key,
        )
        .await
    }

    /// Adds a suppression and returns the entry.
    pub async fn suppress(&self, key: &str, identifier: Value, reason: &str) -> Value {
        let (s, e) = self
            .post(key, "/v1/suppressions", json!({"identifier": identifier, "reason": reason, "source": "reply", "evidence": "please stop"}))
            .await;
        assert!(s == StatusCode::CREATED || s == StatusCode::OK, "{s} {e}");
        e
    }

    pub async fn check_email(&self, key: &str, email: &str) -> Value {
        let (s, v) = self
            .get(key, &format!("/v1/check?email={}", urlencode(email)))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
