//! The shared conformance suite on SQLite files, plus what only SQLite can be asked: data
//! survives reopening the file, and editing the file behind the store's back is detected by
//! audit verification.

use std::path::{Path, PathBuf};

use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use veto_domain::actor::Actor;
use veto_domain::audit::actions;
use veto_domain::role::Role;
use veto_store::conformance::{self as c, Fixture};
use veto_store::{EntryFilter, Store, verify_audit};
use veto_store_sqlite::SqliteStore;

async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::connect(&url(&db_path(&dir))).await.unwrap();
    (store, dir)
}

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("nested").join("veto.db")
}

fn url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

veto_store::conformance_tests!(fresh().await);

mod in_memory {
    veto_store::conformance_tests!(
        veto_store_sqlite::SqliteStore::connect("sqlite::memory:")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn url_forms() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("a").join("plain.db");
    let store = SqliteStore::connect(&format!("sqlite:{}", plain.display()))
        .await
        .unwrap();
    c::create_tenant(&store, "url").await;
    assert!(plain.exists());
    assert!(SqliteStore::connect("postgres://nope").await.is_err());
    assert_eq!(store.backend(), "sqlite");
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (fx, entry) = {
        let store = SqliteStore::connect(&url(&path)).await.unwrap();
        let fx = c::create_tenant(&store, "reopen").await;
        let entry = c::add(&store, fx.email("persist@example.com")).await;
        store.close().await;
        (fx, entry)
    };
    let store = SqliteStore::connect(&url(&path)).await.unwrap();
    assert_eq!(store.get_tenant(fx.id()).await.unwrap(), fx.tenant);
    assert_eq!(store.get_entry(fx.id(), entry.id).await.unwrap(), entry);
    assert_eq!(
        store.key_by_hash(&fx.key.key_hash).await.unwrap(),
        Some((fx.key.clone(), fx.admin.clone()))
    );
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(report.ok && report.events == 4, "{report:?}");
    // Migrations are not re-applied, and writing goes on where it stopped.
    let second = c::add(&store, fx.email("second@example.com")).await;
    let active = c::all_entries(&store, fx.id(), &EntryFilter::default(), 10).await;
    assert_eq!(active.len(), 2);
    assert!(active.iter().any(|e| e.id == second.id));
    assert!(verify_audit(&store, fx.id()).await.unwrap().ok);
}

/// A tenant with a chain of `n` (≥ 6) events and a direct connection to its file.
async fn tampered_setup() -> (SqliteStore, tempfile::TempDir, Fixture, SqliteConnection) {
    let (store, dir) = fresh().await;
    let fx = c::create_tenant(&store, "tamper").await;
    for i in 0..4 {
        c::add(&store, fx.email(&format!("t{i}@example.com"))).await;
    }
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(report.ok && report.events == 7, "{report:?}");
    let conn = SqliteConnection::connect(&url(&db_path(&dir)))
        .await
        .unwrap();
    (store, dir, fx, conn)
}

fn tid(fx: &Fixture) -> Vec<u8> {
    fx.id().0.as_bytes().to_vec()
}

#[tokio::test]
async fn tamper_edited_event_is_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    let done = sqlx::query("UPDATE audit_events SET data = '{\"entry_id\":\"forged\"}' WHERE tenant_id = ? AND seq = 5")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(!report.ok);
    let bad = report.first_bad_event.unwrap();
    assert_eq!(bad.seq, 5, "{bad:?}");
    assert!(bad.problem.contains("edited"), "{bad:?}");
}

#[tokio::test]
async fn tamper_edited_actor_is_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    let someone = Actor::User(veto_domain::id::UserId::new()).to_string();
    sqlx::query("UPDATE audit_events SET actor = ? WHERE tenant_id = ? AND seq = 2")
        .bind(someone)
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert_eq!(report.first_bad_event.map(|b| b.seq), Some(2));
}

#[tokio::test]
async fn tamper_deleted_middle_event_is_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = ? AND seq = 4")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(!report.ok);
    // The gap shows at the event after the deleted one.
    let bad = report.first_bad_event.unwrap();
    assert_eq!(bad.seq, 5, "{bad:?}");
}

#[tokio::test]
async fn tamper_deleted_and_renumbered_is_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    // Hide a deletion by renumbering the later events: the hashes still break.
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = ? AND seq = 4")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    for seq in 5..=7 {
        sqlx::query("UPDATE audit_events SET seq = seq - 1 WHERE tenant_id = ? AND seq = ?")
            .bind(tid(&fx))
            .bind(seq)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE tenants SET audit_seq = 6 WHERE id = ?")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert_eq!(report.first_bad_event.map(|b| b.seq), Some(4));
}

#[tokio::test]
async fn tamper_reordered_events_are_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    // Swap events 3 and 5 through a temporary seq (the primary key forbids a direct swap).
    for (from, to) in [(3, -1), (5, 3), (-1, 5)] {
        sqlx::query("UPDATE audit_events SET seq = ? WHERE tenant_id = ? AND seq = ?")
            .bind(to)
            .bind(tid(&fx))
            .bind(from)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_bad_event.unwrap().seq, 3);
}

#[tokio::test]
async fn tamper_deleted_last_event_is_detected() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = ? AND seq = 7")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    let report = verify_audit(&store, fx.id()).await.unwrap();
    assert!(!report.ok);
    let bad = report.first_bad_event.unwrap();
    assert_eq!(bad.seq, 7, "{bad:?}");
    assert_eq!(report.events, 6);
}

#[tokio::test]
async fn tamper_in_one_tenant_leaves_others_valid() {
    let (store, _dir, fx, mut conn) = tampered_setup().await;
    let other = c::create_tenant(&store, "bystander").await;
    c::create_user(&store, &other, Role::Sdr).await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = ? AND seq = 1")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        verify_audit(&store, fx.id())
            .await
            .unwrap()
            .first_bad_event
            .map(|b| b.seq),
        Some(2)
    );
    assert!(verify_audit(&store, other.id()).await.unwrap().ok);
}

#[tokio::test]
async fn corrupt_rows_are_errors_not_panics() {
    let (store, dir) = fresh().await;
    let fx = c::create_tenant(&store, "corrupt").await;
    let e = c::add(&store, fx.email("corrupt@example.com")).await;
    let mut conn = SqliteConnection::connect(&url(&db_path(&dir)))
        .await
        .unwrap();
    sqlx::query("UPDATE entries SET reason = 'bogus' WHERE tenant_id = ?")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    match store.get_entry(fx.id(), e.id).await {
        Err(veto_store::StoreError::Other(msg)) => assert!(msg.contains("entries.reason"), "{msg}"),
        other => panic!("expected an error naming the column, got {other:?}"),
    }
    sqlx::query("UPDATE users SET created_by = 'nobody' WHERE tenant_id = ?")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(
        matches!(store.get_user(fx.id(), fx.admin.id).await, Err(veto_store::StoreError::Other(m)) if m.contains("users.created_by"))
    );
    let d = c::draft(&fx.actor(), actions::ATTEMPT_BLOCKED, None);
    store.append_audit(fx.id(), d).await.unwrap();
}

#[tokio::test]
async fn actors_in_text_form_still_read_and_bad_compact_ones_are_errors() {
    let (store, dir) = fresh().await;
    let fx = c::create_tenant(&store, "actors").await;
    let e = c::add(&store, fx.email("text-actor@example.com")).await;
    let mut conn = SqliteConnection::connect(&url(&db_path(&dir)))
        .await
        .unwrap();
    async fn form(conn: &mut SqliteConnection, tenant: Vec<u8>) -> String {
        sqlx::query_scalar("SELECT typeof(created_by) FROM entries WHERE tenant_id = ?")
            .bind(tenant)
            .fetch_one(conn)
            .await
            .unwrap()
    }
    // New rows hold the compact form, and read back as written.
    assert_eq!(form(&mut conn, tid(&fx)).await, "blob");
    assert_eq!(store.get_entry(fx.id(), e.id).await.unwrap(), e);
    assert_eq!(
        c::export_all(&store, fx.id(), None, 10).await,
        vec![(1, e.clone())]
    );
    // Rows written in the text form (by earlier versions) read the same.
    sqlx::query("UPDATE entries SET created_by = ? WHERE tenant_id = ?")
        .bind(e.created_by.to_string())
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(form(&mut conn, tid(&fx)).await, "text");
    assert_eq!(store.get_entry(fx.id(), e.id).await.unwrap(), e);
    assert_eq!(
        c::export_all(&store, fx.id(), None, 10).await,
        vec![(1, e.clone())]
    );
    // A blob that is no actor is an error naming the column, on both read paths.
    sqlx::query("UPDATE entries SET created_by = x'6b00' WHERE tenant_id = ?")
        .bind(tid(&fx))
        .execute(&mut conn)
        .await
        .unwrap();
    match store.get_entry(fx.id(), e.id).await {
        Err(veto_store::StoreError::Other(m)) => assert!(m.contains("entries.created_by"), "{m}"),
        other => panic!("expected an error naming the column, got {other:?}"),
    }
    match store.export_entries(fx.id(), None, 0, 10).await {
        Err(veto_store::StoreError::Other(m)) => assert!(m.contains("created_by"), "{m}"),
        other => panic!("expected an error naming the column, got {other:?}"),
    }
}
