//! Two `veto serve` processes on one PostgreSQL: a suppression, a lift or a key revocation
//! committed through one node is seen by the very next request to the other.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

struct Node {
    child: Child,
    url: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str, snapshot: &std::path::Path) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_veto"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0", "--snapshot"])
        .arg(snapshot)
        .env("VETO_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("veto serve exited before listening")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Veto listening on ") {
            break rest.trim().to_string();
        }
    };
    // Keep draining stdout so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Node { child, url }
}

async fn call(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = c.request(method, url).bearer_auth(key);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_commit_on_one_node_is_seen_by_the_next_request_on_another() {
    let Some(db) = veto_store_postgres::testing::test_database().await else {
        return;
    };
    let url = db.url().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_veto"))
        .args([
            "tenant",
            "create",
            "cross",
            "--admin-email",
            "admin@cross.test",
            "--db",
            &url,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    let admin = p["api_key"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let a = serve(&url, &dir.path().join("a.snapshot"));
    let b = serve(&url, &dir.path().join("b.snapshot"));
    let c = reqwest::Client::new();
    use reqwest::Method as M;

    let (_, ops) = call(
        &c,
        M::POST,
        format!("{}/v1/users", a.url),
        &admin,
        Some(json!({"email": "ops@cross.test", "role": "ops"})),
    )
    .await;
    let (_, ops_key) = call(
        &c,
        M::POST,
        format!("{}/v1/keys", a.url),
        &admin,
        Some(json!({"user_id": ops["id"]})),
    )
    .await;
    let ops_key = ops_key["api_key"].as_str().unwrap().to_string();
    let (_, mgr) = call(
        &c,
        M::POST,
        format!("{}/v1/users", b.url),
        &admin,
        Some(json!({"email": "mgr@cross.test", "role": "manager"})),
    )
    .await;
    let (_, mgr_key) = call(
        &c,
        M::POST,
        format!("{}/v1/keys", b.url),
        &admin,
        Some(json!({"user_id": mgr["id"]})),
    )
    .await;
    let mgr_key = mgr_key["api_key"].as_str().unwrap().to_string();

    for i in 0..40 {
        let (writer, reader) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let email = format!("person{i}@cross.test");
        let (s, _) = call(
            &c,
            M::GET,
            format!("{}/v1/check?email={email}", reader.url),
            &admin,
            None,
        )
        .await;
        assert_eq!(s, 200);
        let (s, e) = call(&c, M::POST, format!("{}/v1/suppressions", writer.url), &mgr_key, Some(json!({"identifier": {"email": email}, "reason": "stop_request", "source": "reply"}))).await;
        assert_eq!(s, 201, "{e}");
        let (_, r) = call(
            &c,
            M::GET,
            format!("{}/v1/check?email={email}", reader.url),
            &admin,
            None,
        )
        .await;
        assert_eq!(
            r["verdict"], "block",
            "round {i}: the other node missed a committed suppression"
        );
        if i % 5 == 0 {
            let (s, l) = call(
                &c,
                M::POST,
                format!("{}/v1/lift-requests", reader.url),
                &mgr_key,
                Some(json!({"entry_id": e["id"], "reason": "r", "evidence": "consent form"})),
            )
            .await;
            assert_eq!(s, 201, "{l}");
            let (s, _) = call(
                &c,
                M::POST,
                format!(
                    "{}/v1/lift-requests/{}/approve",
                    writer.url,
                    l["id"].as_str().unwrap()
                ),
                &ops_key,
                Some(json!({})),
            )
            .await;
            assert_eq!(s, 200);
            let (_, r) = call(
                &c,
                M::GET,
                format!("{}/v1/check?email={email}", reader.url),
                &admin,
                None,
            )
            .await;
            assert_eq!(
                r["verdict"], "allow",
                "round {i}: the other node missed a committed lift"
            );
        }
    }

    // A key revoked on one node is refused by the other at once.
    let (_, keys) = call(&c, M::GET, format!("{}/v1/keys", a.url), &admin, None).await;
    let kid = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["user_id"] == mgr["id"])
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(&c, M::GET, format!("{}/v1/me", b.url), &mgr_key, None)
            .await
            .0,
        200
    );
    let (s, _) = call(
        &c,
        M::POST,
        format!("{}/v1/keys/{kid}/revoke", a.url),
        &admin,
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        call(&c, M::GET, format!("{}/v1/me", b.url), &mgr_key, None)
            .await
            .0,
        401
    );

    let (_, v) = call(
        &c,
        M::GET,
        format!("{}/v1/audit/verify", b.url),
        &admin,
        None,
    )
    .await;
    assert_eq!(v["ok"], true, "{v}");
}
