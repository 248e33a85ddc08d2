//! Index snapshots: a node restarts from its snapshot plus the change feed since, on both
//! stores, and refuses a snapshot that does not belong to its store.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use veto_server::AppState;
use veto_server::state::StartOptions;

async fn check(state: &AppState, key: &str, email: &str) -> String {
    let srv = serve(state.clone()).await;
    srv.check_email(key, email).await["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn restart_from_snapshot_replays_the_feed_since() {
    for b in backends().await {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.snapshot");
        let opts = StartOptions {
            snapshot: Some(path.clone()),
            ..Default::default()
        };
        let first = AppState::start_with(b.store.clone(), opts.clone())
            .await
            .unwrap();
        let srv = serve(first.clone()).await;
        let t = srv.tenant("snap").await;
        let keep = srv
            .suppress(&t.admin, json!({"email": "keep@x.com"}), "unsubscribe")
            .await;
        let lifted = srv
            .suppress(&t.admin, json!({"email": "lifted@x.com"}), "manual")
            .await;
        srv.suppress(&t.admin, json!({"domain": "blocked.org"}), "manual")
            .await;
        assert_eq!(
            srv.check_email(&t.admin, "keep@x.com").await["verdict"],
            "block"
        );
        let written = first.save_snapshot().await.unwrap();
        assert_eq!(written, Some(first.indexed_entries() as u64), "{}", b.name);

        // Changes after the snapshot: a new entry and a lift.
        let (_, ops) = srv.user(&t.admin, "ops", None).await;
        srv.suppress(&t.admin, json!({"email": "later@x.com"}), "stop_request")
            .await;
        let (_, l) = srv
            .post(
                &t.admin,
                "/v1/lift-requests",
                json!({"entry_id": lifted["id"], "reason": "r", "evidence": "e"}),
            )
            .await;
        let (s, _) = srv
            .post(
                &ops,
                &format!("/v1/lift-requests/{}/approve", l["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert!(s.is_success());

        let second = AppState::start_with(b.store.clone(), opts.clone())
            .await
            .unwrap();
        assert_eq!(
            check(&second, &t.admin, "keep@x.com").await,
            "block",
            "{}: from the snapshot",
            b.name
        );
        assert_eq!(
            check(&second, &t.admin, "later@x.com").await,
            "block",
            "{}: replayed addition",
            b.name
        );
        assert_eq!(
            check(&second, &t.admin, "lifted@x.com").await,
            "allow",
            "{}: replayed lift",
            b.name
        );
        assert_eq!(check(&second, &t.admin, "a@blocked.org").await, "block");
        first.fresh().await.unwrap();
        assert_eq!(second.indexed_entries(), first.indexed_entries());
        let _ = keep;

        // A damaged snapshot is ignored, not trusted.
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let third = AppState::start_with(b.store.clone(), opts.clone())
            .await
            .unwrap();
        assert_eq!(
            check(&third, &t.admin, "keep@x.com").await,
            "block",
            "{}: after a damaged snapshot",
            b.name
        );
        assert_eq!(check(&third, &t.admin, "lifted@x.com").await, "allow");
    }
}

#[tokio::test]
async fn a_snapshot_of_another_store_is_refused() {
    let mut stores = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/veto.db", dir.path().display());
        let s: veto_store::DynStore =
            Arc::new(veto_store_sqlite::SqliteStore::connect(&url).await.unwrap());
        stores.push((s, dir));
    }
    let snapdir = tempfile::tempdir().unwrap();
    let opts = StartOptions {
        snapshot: Some(snapdir.path().join("x.snapshot")),
        ..Default::default()
    };
    // Store one: two tenants' worth of changes, snapshot written.
    let a = AppState::start_with(stores[0].0.clone(), opts.clone())
        .await
        .unwrap();
    let srv = serve(a.clone()).await;
    let t = srv.tenant("a").await;
    for i in 0..3 {
        srv.suppress(&t.admin, json!({"email": format!("a{i}@x.com")}), "manual")
            .await;
    }
    a.save_snapshot().await.unwrap();
    // Store two has a different feed: the snapshot must not be used.
    let b = AppState::start_with(stores[1].0.clone(), opts)
        .await
        .unwrap();
    let srv_b = serve(b.clone()).await;
    let tb = srv_b.tenant("b").await;
    assert_eq!(b.indexed_entries(), 0);
    assert_eq!(
        srv_b.check_email(&tb.admin, "a0@x.com").await["verdict"],
        "allow"
    );
}
