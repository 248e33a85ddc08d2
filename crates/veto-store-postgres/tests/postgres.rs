//! PostgreSQL-specific tests: migrations, a round trip of each method, tamper detection by
//! editing the database behind the store's back, and several nodes writing at once.
//! Each test skips (loudly) when no PostgreSQL server is available.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Fixture, draft, random_hash, setup, tenant};
use veto_domain::actor::Actor;
use veto_domain::audit::actions;
use veto_domain::id::{EntryId, LiftId, TenantId, UserId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::lift::{LiftRequest, LiftStatus};
use veto_domain::role::Role;
use veto_domain::suppression::{EndKind, Reason};
use veto_store::{
    AddOutcome, AuditFilter, ChangeOp, EntryFilter, EntryStatus, LiftDecision, LiftFilter,
    PageRequest, Store, StoreError, UserPatch, verify_audit,
};
use veto_store_postgres::PostgresStore;
use veto_store_postgres::testing::test_database;

macro_rules! db_or_skip {
    () => {
        match setup().await {
            Some(x) => x,
            None => return,
        }
    };
}

async fn changes(store: &dyn Store) -> Vec<veto_store::Change> {
    store.changes_after(0, 100_000).await.unwrap()
}

fn lift_for(f: &Fixture, entry: EntryId, by: UserId) -> LiftRequest {
    LiftRequest {
        id: LiftId::new(),
        tenant_id: f.tenant.id,
        entry_id: entry,
        requested_by: by,
        reason: "customer re-engaged".into(),
        evidence: Some("signed form".into()),
        status: LiftStatus::Pending,
        created_at: veto_domain::now(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
    }
}

#[tokio::test]
async fn migrations_apply_in_a_fresh_schema_and_are_idempotent() {
    let (db, store) = db_or_skip!();
    assert_eq!(store.backend(), "postgres");
    assert_eq!(store.schema(), Some(db.schema()));
    for table in [
        "tenants",
        "users",
        "api_keys",
        "entries",
        "lift_requests",
        "audit_events",
        "changes",
        "contacts",
        "contact_emails",
        "imports",
        "import_report",
        "signals",
        "signal_subjects",
        "soft_bounces",
        "inbound_sources",
        "routes",
        "sending_domains",
        "mailboxes",
        "smtp_credentials",
        "sequences",
        "enrollments",
        "enrollment_keys",
        "sends",
        "_sqlx_migrations",
    ] {
        let found: Option<String> = sqlx::query_scalar("SELECT to_regclass($1)::text")
            .bind(format!("{}.{table}", db.schema()))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(found.is_some(), "{table} missing in schema {}", db.schema());
    }
    // A second node on the same schema finds everything applied.
    let again = db.store().await;
    assert_eq!(again.latest_change().await.unwrap(), 0);
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(applied, 7);
    // A schema given apart from the URL works the same.
    let base = db.url().split('?').next().unwrap().to_string();
    let third = PostgresStore::connect_with_schema(&base, Some(db.schema()))
        .await
        .unwrap();
    assert_eq!(third.schema(), Some(db.schema()));
    assert!(
        PostgresStore::connect(&format!("{base}?schema=Bad-Name"))
            .await
            .is_err()
    );
    // A schema that does not exist yet is created.
    let fresh = format!("{}_new", db.schema());
    let created = PostgresStore::connect(&format!("{base}?schema={fresh}"))
        .await
        .unwrap();
    assert_eq!(created.latest_change().await.unwrap(), 0);
    created.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {fresh} CASCADE")))
        .execute(store.pool())
        .await
        .unwrap();
    assert!(PostgresStore::connect("sqlite://nope.db").await.is_err());
}

#[tokio::test]
async fn tenants_users_and_keys_round_trip() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "acme").await;
    let other = tenant(&store, "other").await;

    assert_eq!(store.get_tenant(f.tenant.id).await.unwrap(), f.tenant);
    let all = store.list_tenants().await.unwrap();
    assert!(all.contains(&f.tenant) && all.contains(&other.tenant));
    assert!(matches!(
        store.get_tenant(TenantId::new()).await,
        Err(StoreError::NotFound(_))
    ));

    // Duplicate tenant name.
    let mut dup = f.tenant.clone();
    dup.id = TenantId::new();
    let mut admin = f.admin.clone();
    admin.id = UserId::new();
    admin.tenant_id = dup.id;
    let mut key = f.key.clone();
    key.id = veto_domain::id::ApiKeyId::new();
    key.tenant_id = dup.id;
    key.user_id = admin.id;
    key.key_hash = random_hash();
    let r = store.create_tenant(dup, admin, key, vec![]).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");

    // The bootstrap drafts are events 1..3.
    let (head, _) = store.audit_head(f.tenant.id).await.unwrap();
    assert_eq!(head, 3);

    // Policy.
    let mut policy = f.tenant.policy.clone();
    policy.hashed_only = true;
    policy.expiry_days.insert(Reason::HardBounce, 30);
    store
        .update_policy(
            f.tenant.id,
            &policy,
            draft(&f.actor(), actions::POLICY_UPDATED, None),
        )
        .await
        .unwrap();
    assert_eq!(store.get_tenant(f.tenant.id).await.unwrap().policy, policy);
    assert!(
        changes(&store)
            .await
            .iter()
            .any(|c| c.op == ChangeOp::Policy && c.tenant_id == f.tenant.id)
    );

    // Users.
    let sdr = f.user("sdr@example.com", Role::Sdr);
    assert_eq!(
        store
            .create_user(sdr.clone(), draft(&f.actor(), actions::USER_CREATED, None))
            .await
            .unwrap(),
        sdr
    );
    let mut same_mail = f.user("sdr@example.com", Role::Ae);
    same_mail.id = UserId::new();
    assert!(matches!(
        store
            .create_user(same_mail, draft(&f.actor(), actions::USER_CREATED, None))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The same e-mail in another tenant is fine.
    other.user("sdr@example.com", Role::Sdr);
    assert_eq!(store.get_user(f.tenant.id, sdr.id).await.unwrap(), sdr);
    assert!(matches!(
        store.get_user(other.tenant.id, sdr.id).await,
        Err(StoreError::NotFound(_))
    ));
    let users = store.list_users(f.tenant.id).await.unwrap();
    assert_eq!(users.len(), 2);
    let before = store.latest_change().await.unwrap();
    let patch = UserPatch {
        role: Some(Role::Manager),
        team: Some(Some("north".into())),
        name: None,
        disabled: Some(true),
    };
    let updated = store
        .update_user(
            f.tenant.id,
            sdr.id,
            patch,
            draft(&f.actor(), actions::USER_UPDATED, None),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.role, updated.team.as_deref(), updated.disabled),
        (Role::Manager, Some("north"), true)
    );
    assert_eq!(store.get_user(f.tenant.id, sdr.id).await.unwrap(), updated);
    let clear = UserPatch {
        team: Some(None),
        ..UserPatch::default()
    };
    assert_eq!(
        store
            .update_user(
                f.tenant.id,
                sdr.id,
                clear,
                draft(&f.actor(), actions::USER_UPDATED, None)
            )
            .await
            .unwrap()
            .team,
        None
    );
    let after = store.changes_after(before, 10).await.unwrap();
    assert_eq!(after.iter().filter(|c| c.op == ChangeOp::Auth).count(), 2);
    assert!(matches!(
        store
            .update_user(
                other.tenant.id,
                sdr.id,
                UserPatch::default(),
                draft(&f.actor(), actions::USER_UPDATED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Keys.
    let (k, u) = store.key_by_hash(&f.key.key_hash).await.unwrap().unwrap();
    assert_eq!((k, u), (f.key.clone(), f.admin.clone()));
    assert!(store.key_by_hash(&random_hash()).await.unwrap().is_none());
    let key = f.key_for(&updated, random_hash());
    assert_eq!(
        store
            .create_key(key.clone(), draft(&f.actor(), actions::KEY_CREATED, None))
            .await
            .unwrap(),
        key
    );
    let mut dup_hash = f.key_for(&updated, key.key_hash);
    dup_hash.id = veto_domain::id::ApiKeyId::new();
    assert!(matches!(
        store
            .create_key(dup_hash, draft(&f.actor(), actions::KEY_CREATED, None))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.list_keys(f.tenant.id).await.unwrap().len(), 2);
    let seq0 = store.latest_change().await.unwrap();
    let at = veto_domain::now();
    let revoked = store
        .revoke_key(
            f.tenant.id,
            key.id,
            &f.actor(),
            at,
            draft(&f.actor(), actions::KEY_REVOKED, None),
        )
        .await
        .unwrap();
    assert_eq!(
        (revoked.revoked_at, revoked.revoked_by.clone()),
        (Some(at), Some(f.actor()))
    );
    let head = store.audit_head(f.tenant.id).await.unwrap();
    // Idempotent: nothing written the second time.
    let again = store
        .revoke_key(
            f.tenant.id,
            key.id,
            &Actor::system("x"),
            veto_domain::now(),
            draft(&f.actor(), actions::KEY_REVOKED, None),
        )
        .await
        .unwrap();
    assert_eq!(again, revoked);
    assert_eq!(store.audit_head(f.tenant.id).await.unwrap(), head);
    let auth: Vec<_> = store.changes_after(seq0, 10).await.unwrap();
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0].op, ChangeOp::Auth);
    assert_eq!(
        store.key_by_hash(&key.key_hash).await.unwrap().unwrap().0,
        revoked
    );
    assert!(matches!(
        store
            .revoke_key(
                other.tenant.id,
                key.id,
                &f.actor(),
                at,
                draft(&f.actor(), actions::KEY_REVOKED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    assert!(verify_audit(&store, f.tenant.id).await.unwrap().ok);
}

#[tokio::test]
async fn suppressions_round_trip() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "supp").await;
    let other = tenant(&store, "supp-other").await;

    let new = f.email("Jane.Doe@Example.com");
    let created = store.add_suppression(new.clone()).await.unwrap();
    let AddOutcome::Created(e) = created else {
        panic!("expected a new entry")
    };
    assert_eq!(e, new.clone().into_entry());
    assert_eq!(store.get_entry(f.tenant.id, e.id).await.unwrap(), e);
    assert!(matches!(
        store.get_entry(other.tenant.id, e.id).await,
        Err(StoreError::NotFound(_))
    ));

    // The same suppression again: the existing entry, and a duplicate event.
    let mut again = f.email("jane.doe@example.com");
    again.created_by = Actor::system("import");
    let AddOutcome::Existing(existing) = store.add_suppression(again).await.unwrap() else {
        panic!("expected existing")
    };
    assert_eq!(existing, e);
    let history = store.entry_history(f.tenant.id, e.id).await.unwrap();
    let acts: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        acts,
        [actions::SUPPRESSION_CREATED, actions::SUPPRESSION_DUPLICATE]
    );
    assert_eq!(history[1].actor, "system:import");
    assert!(matches!(
        store.entry_history(other.tenant.id, e.id).await,
        Err(StoreError::NotFound(_))
    ));

    // A different channel is a different suppression.
    let mut phone_channel = f.email("jane.doe@example.com");
    phone_channel.channel = veto_domain::suppression::Channel::All;
    assert!(matches!(
        store.add_suppression(phone_channel).await.unwrap(),
        AddOutcome::Created(_)
    ));

    // An expired one is ended first, and a new entry made.
    let mut bounce = f.email("gone@example.com");
    bounce.reason = Reason::HardBounce;
    bounce.expires_at = Some(veto_domain::now() - time::Duration::seconds(5));
    let AddOutcome::Created(old) = store.add_suppression(bounce.clone()).await.unwrap() else {
        panic!()
    };
    let mut renewed = f.email("gone@example.com");
    renewed.reason = Reason::HardBounce;
    let AddOutcome::Created(fresh) = store.add_suppression(renewed).await.unwrap() else {
        panic!("expired entry must not block")
    };
    let old = store.get_entry(f.tenant.id, old.id).await.unwrap();
    let end = old.ended.clone().unwrap();
    assert_eq!(
        (end.kind, Some(end.at), end.by),
        (EndKind::Expired, bounce.expires_at, Actor::system("expiry"))
    );
    assert!(
        store
            .get_entry(f.tenant.id, fresh.id)
            .await
            .unwrap()
            .ended
            .is_none()
    );

    // Change feed: Added per new entry, Ended for the expired one.
    let feed = changes(&store).await;
    let added = feed
        .iter()
        .filter(|c| matches!(c.op, ChangeOp::Added { .. }))
        .count();
    let ended: Vec<_> = feed
        .iter()
        .filter(|c| matches!(c.op, ChangeOp::Ended { .. }))
        .collect();
    assert_eq!(added, 4);
    assert_eq!(ended.len(), 1);
    assert!(feed.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(
        store.latest_change().await.unwrap(),
        feed.last().unwrap().seq
    );

    // Index rows: not-ended only, in row order, with what a check needs.
    let idx = store.index_rows(f.tenant.id, 0, 100).await.unwrap();
    assert_eq!(idx.len(), 3);
    assert!(idx.windows(2).all(|w| w[0].row_id < w[1].row_id));
    let first = idx[0];
    assert_eq!(
        (first.entry_id, first.hash, first.kind),
        (e.id, e.ident_hash, IdentifierKind::Email)
    );
    if let ChangeOp::Ended { row_id, short } = ended[0].op {
        assert!(idx.iter().all(|r| r.row_id != row_id));
        assert_eq!(short, old.ident_hash.short_i64());
    }
    let page = store
        .index_rows(f.tenant.id, first.row_id, 1)
        .await
        .unwrap();
    assert_eq!(page, vec![idx[1]]);
    let range = store
        .index_rows_in_range(f.tenant.id, idx[1].row_id, idx[2].row_id)
        .await
        .unwrap();
    assert_eq!(range, idx[1..].to_vec());
    assert!(
        store
            .index_rows(other.tenant.id, 0, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // By rows and by hashes.
    let rows: Vec<i64> = idx.iter().map(|r| r.row_id).collect();
    let by_rows = store.entries_by_rows(f.tenant.id, &rows).await.unwrap();
    assert_eq!(by_rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(), rows);
    assert_eq!(by_rows[0].1, e);
    assert!(
        store
            .entries_by_rows(other.tenant.id, &rows)
            .await
            .unwrap()
            .is_empty()
    );
    let by_hash = store
        .entries_by_hashes(f.tenant.id, &[old.ident_hash])
        .await
        .unwrap();
    assert_eq!(by_hash.len(), 2, "ended entries are returned too");
    assert!(
        store
            .entries_by_hashes(f.tenant.id, &[])
            .await
            .unwrap()
            .is_empty()
    );

    // Lists: status, filters, keyset pages newest first.
    let now = veto_domain::now();
    let active = store
        .list_entries(
            f.tenant.id,
            &EntryFilter::default(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(active.items.len(), 3);
    assert!(active.items.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(active.next, None);
    let ended_list = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                status: EntryStatus::Ended,
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        ended_list.items.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![old.id]
    );
    // "Now" in the future: the fresh bounce has no expiry, so nothing changes; in the past, the
    // expired-then-ended one is still ended.
    let all = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                status: EntryStatus::All,
                now: Some(now),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    let rest = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                status: EntryStatus::All,
                ..Default::default()
            },
            PageRequest {
                after: all.next,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.next, None);
    let ids: BTreeSet<_> = all.items.iter().chain(&rest.items).map(|e| e.id).collect();
    assert_eq!(ids.len(), 4);
    let by_reason = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                status: EntryStatus::All,
                reason: Some(Reason::HardBounce),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(by_reason.items.len(), 2);
    let by_ident = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                ident_hash: Some(e.ident_hash),
                kind: Some(IdentifierKind::Email),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(by_ident.items.len(), 2);
    let none = store
        .list_entries(
            f.tenant.id,
            &EntryFilter {
                created_before: Some(e.created_at),
                role_account: Some(true),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(none.items.is_empty());

    assert!(verify_audit(&store, f.tenant.id).await.unwrap().ok);
}

#[tokio::test]
async fn import_counts_skips_and_audits_once() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "import").await;
    store
        .add_suppression(f.email("a0@example.com"))
        .await
        .unwrap();
    let head = store.audit_head(f.tenant.id).await.unwrap().0;
    let seq0 = store.latest_change().await.unwrap();
    let mut batch: Vec<_> = (0..1000)
        .map(|i| f.email(&format!("a{i}@example.com")))
        .collect();
    // A duplicate inside the batch counts as already active.
    batch.push(f.email("a5@example.com"));
    let report = store
        .import_entries(
            f.tenant.id,
            batch,
            draft(&f.actor(), actions::SUPPRESSIONS_IMPORTED, None),
        )
        .await
        .unwrap();
    assert_eq!((report.inserted, report.already_active), (999, 2));
    let events = store.audit_chain(f.tenant.id, head, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    let data: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(
        (
            data["inserted"].as_u64(),
            data["already_active"].as_u64(),
            data["note"].as_str()
        ),
        (Some(999), Some(2), Some("test"))
    );
    let ch = store.changes_after(seq0, 10).await.unwrap();
    assert_eq!(ch.len(), 1);
    let ChangeOp::Added {
        first_row,
        last_row,
    } = ch[0].op
    else {
        panic!("{ch:?}")
    };
    let rows = store
        .index_rows_in_range(f.tenant.id, first_row, last_row)
        .await
        .unwrap();
    assert_eq!(rows.len(), 999);

    // Nothing new: no change, still one event.
    let again: Vec<_> = (0..10)
        .map(|i| f.email(&format!("a{i}@example.com")))
        .collect();
    let r = store
        .import_entries(
            f.tenant.id,
            again,
            draft(&f.actor(), actions::SUPPRESSIONS_IMPORTED, None),
        )
        .await
        .unwrap();
    assert_eq!((r.inserted, r.already_active), (0, 10));
    assert_eq!(store.latest_change().await.unwrap(), ch[0].seq);

    // Another tenant's entry in the batch is refused.
    let other = tenant(&store, "import-other").await;
    let r = store
        .import_entries(
            f.tenant.id,
            vec![other.email("x@example.com")],
            draft(&f.actor(), actions::SUPPRESSIONS_IMPORTED, None),
        )
        .await;
    assert!(r.is_err());
    assert!(verify_audit(&store, f.tenant.id).await.unwrap().ok);
}

#[tokio::test]
async fn import_speed_50k() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "speed").await;
    let batch: Vec<_> = (0..50_000)
        .map(|i| f.entry(IdentifierKind::ContactId, &format!("contact-{i}")))
        .collect();
    let t = Instant::now();
    let r = store
        .import_entries(
            f.tenant.id,
            batch,
            draft(&f.actor(), actions::SUPPRESSIONS_IMPORTED, None),
        )
        .await
        .unwrap();
    let took = t.elapsed();
    assert_eq!(r.inserted, 50_000);
    let t2 = Instant::now();
    let mut after = 0;
    let mut n = 0;
    loop {
        let page = store.index_rows(f.tenant.id, after, 100_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.row_id;
        n += page.len();
    }
    assert_eq!(n, 50_000);
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "import_entries: 50000 rows in {:.2?} ({:.0} rows/s); index_rows: {:.0} rows/s\n",
            took,
            50_000.0 / took.as_secs_f64(),
            50_000.0 / t2.elapsed().as_secs_f64()
        )
        .as_bytes(),
    );
}

#[tokio::test]
async fn lifts_round_trip() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "lifts").await;
    let other = tenant(&store, "lifts-other").await;
    let manager = f.user("m@example.com", Role::Manager);
    store
        .create_user(
            manager.clone(),
            draft(&f.actor(), actions::USER_CREATED, None),
        )
        .await
        .unwrap();
    let mgr = Actor::User(manager.id);

    let AddOutcome::Created(e) = store
        .add_suppression(f.email("lift@example.com"))
        .await
        .unwrap()
    else {
        panic!()
    };
    let lift = lift_for(&f, e.id, manager.id);
    // Unknown entry, another tenant's entry.
    assert!(matches!(
        store
            .create_lift_request(lift_for(&f, EntryId::new(), manager.id), &mgr)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let mut foreign = lift_for(&other, e.id, manager.id);
    foreign.tenant_id = other.tenant.id;
    assert!(matches!(
        store.create_lift_request(foreign, &mgr).await,
        Err(StoreError::NotFound(_))
    ));

    assert_eq!(
        store.create_lift_request(lift.clone(), &mgr).await.unwrap(),
        lift
    );
    assert!(matches!(
        store
            .create_lift_request(lift_for(&f, e.id, manager.id), &mgr)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.get_lift_request(f.tenant.id, lift.id).await.unwrap(),
        lift
    );
    assert!(matches!(
        store.get_lift_request(other.tenant.id, lift.id).await,
        Err(StoreError::NotFound(_))
    ));

    // Reject: only the decision event, entry untouched, request no longer pending.
    let seq0 = store.latest_change().await.unwrap();
    let at = veto_domain::now();
    let rejected = store
        .decide_lift_request(
            f.tenant.id,
            LiftDecision {
                lift_id: lift.id,
                approve: false,
                decided_by: f.admin.id,
                actor: f.actor(),
                note: Some("no".into()),
                at,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (rejected.status, rejected.decided_by, rejected.decided_at),
        (LiftStatus::Rejected, Some(f.admin.id), Some(at))
    );
    assert_eq!(
        store.get_lift_request(f.tenant.id, lift.id).await.unwrap(),
        rejected
    );
    assert_eq!(store.latest_change().await.unwrap(), seq0);
    assert!(
        store
            .get_entry(f.tenant.id, e.id)
            .await
            .unwrap()
            .ended
            .is_none()
    );
    let decide_again = LiftDecision {
        lift_id: lift.id,
        approve: true,
        decided_by: f.admin.id,
        actor: f.actor(),
        note: None,
        at,
    };
    assert!(matches!(
        store.decide_lift_request(f.tenant.id, decide_again).await,
        Err(StoreError::Conflict(_))
    ));

    // Approve a second request: the entry ends, with an Ended change and two events.
    let lift2 = lift_for(&f, e.id, manager.id);
    store
        .create_lift_request(lift2.clone(), &mgr)
        .await
        .unwrap();
    let pending = store
        .list_lift_requests(
            f.tenant.id,
            &LiftFilter {
                status: Some(LiftStatus::Pending),
                entry_id: None,
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(pending.items, vec![lift2.clone()]);
    let head = store.audit_head(f.tenant.id).await.unwrap().0;
    let at = veto_domain::now();
    let approved = store
        .decide_lift_request(
            f.tenant.id,
            LiftDecision {
                lift_id: lift2.id,
                approve: true,
                decided_by: f.admin.id,
                actor: f.actor(),
                note: None,
                at,
            },
        )
        .await
        .unwrap();
    assert_eq!(approved.status, LiftStatus::Approved);
    let ended = store
        .get_entry(f.tenant.id, e.id)
        .await
        .unwrap()
        .ended
        .unwrap();
    assert_eq!(
        (ended.kind, ended.at, ended.by, ended.lift_id),
        (EndKind::Lifted, at, f.actor(), Some(lift2.id))
    );
    let ch = store.changes_after(seq0, 10).await.unwrap();
    assert_eq!(ch.len(), 1);
    assert!(matches!(ch[0].op, ChangeOp::Ended { short, .. } if short == e.ident_hash.short_i64()));
    let ev: Vec<_> = store
        .audit_chain(f.tenant.id, head, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(ev, [actions::LIFT_APPROVED, actions::SUPPRESSION_LIFTED]);
    assert!(
        store
            .index_rows(f.tenant.id, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // No lift on an ended entry.
    assert!(matches!(
        store
            .create_lift_request(lift_for(&f, e.id, manager.id), &mgr)
            .await,
        Err(StoreError::Conflict(_))
    ));

    let all = store
        .list_lift_requests(
            f.tenant.id,
            &LiftFilter {
                status: None,
                entry_id: Some(e.id),
            },
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(all.items, vec![approved]);
    let rest = store
        .list_lift_requests(
            f.tenant.id,
            &LiftFilter::default(),
            PageRequest {
                after: all.next,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items, vec![rejected]);
    assert_eq!(rest.next, None);
    assert!(verify_audit(&store, f.tenant.id).await.unwrap().ok);
}

#[tokio::test]
async fn expiry_and_erasure() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "expire").await;
    let soon = veto_domain::now() + time::Duration::seconds(1);
    let mut ids = Vec::new();
    for i in 0..3 {
        let mut n = f.email(&format!("bounce{i}@example.com"));
        n.reason = Reason::HardBounce;
        n.expires_at = Some(soon);
        ids.push(store.add_suppression(n).await.unwrap().entry().id);
    }
    let keep = store
        .add_suppression(f.email("keep@example.com"))
        .await
        .unwrap()
        .entry()
        .clone();
    assert!(
        store
            .expire_due(veto_domain::now() - time::Duration::seconds(10), 10)
            .await
            .unwrap()
            .iter()
            .all(|e| e.tenant_id != f.tenant.id)
    );
    let later = soon + time::Duration::seconds(1);
    let mut expired = Vec::new();
    loop {
        let batch = store.expire_due(later, 2).await.unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 2);
        expired.extend(batch.into_iter().filter(|e| e.tenant_id == f.tenant.id));
    }
    assert_eq!(expired.len(), 3);
    for e in &expired {
        let end = e.ended.clone().unwrap();
        assert_eq!((end.kind, end.at), (EndKind::Expired, soon));
        assert_eq!(store.get_entry(f.tenant.id, e.id).await.unwrap(), *e);
    }
    let rows = store.index_rows(f.tenant.id, 0, 10).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(),
        vec![keep.id]
    );

    // Erasure keeps the hash, drops the clear value, evidence and lift texts.
    let manager = f.user("m@example.com", Role::Manager);
    store
        .create_user(
            manager.clone(),
            draft(&f.actor(), actions::USER_CREATED, None),
        )
        .await
        .unwrap();
    let lift = lift_for(&f, keep.id, manager.id);
    store
        .create_lift_request(lift.clone(), &Actor::User(manager.id))
        .await
        .unwrap();
    let report = store
        .erase(
            f.tenant.id,
            &[keep.ident_hash],
            draft(&f.actor(), actions::ERASURE, None),
        )
        .await
        .unwrap();
    assert_eq!((report.entries, report.lift_requests), (1, 1));
    let erased = store.get_entry(f.tenant.id, keep.id).await.unwrap();
    assert!(erased.erased && erased.identifier.is_none() && erased.evidence.is_none());
    assert_eq!(erased.ident_hash, keep.ident_hash);
    let l = store.get_lift_request(f.tenant.id, lift.id).await.unwrap();
    assert_eq!(
        (l.reason.as_str(), l.evidence, l.decision_note),
        ("[erased]", None, None)
    );
    let last = store
        .list_audit(
            f.tenant.id,
            &AuditFilter::default(),
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&last.items[0].data).unwrap();
    assert_eq!(
        (data["entries"].as_u64(), data["lift_requests"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(!last.items[0].data.contains("keep@example.com"));
    assert!(verify_audit(&store, f.tenant.id).await.unwrap().ok);
}

#[tokio::test]
async fn audit_lists_and_chain() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "audit").await;
    let sdr = f.user("s@example.com", Role::Sdr);
    store
        .create_user(
            sdr.clone(),
            draft(&f.actor(), actions::USER_CREATED, Some(sdr.id.to_string())),
        )
        .await
        .unwrap();
    let by_sdr = Actor::User(sdr.id);
    for i in 0..5 {
        let e = store
            .append_audit(
                f.tenant.id,
                draft(&by_sdr, actions::ATTEMPT_BLOCKED, Some(format!("x{i}"))),
            )
            .await
            .unwrap();
        assert_eq!(e.seq, 5 + i);
    }
    let head = store.audit_head(f.tenant.id).await.unwrap();
    assert_eq!(head.0, 9);
    let chain = store.audit_chain(f.tenant.id, 0, 100).await.unwrap();
    assert_eq!(chain.len(), 9);
    assert_eq!(chain.last().unwrap().hash, head.1);
    assert_eq!(
        store.audit_chain(f.tenant.id, 7, 1).await.unwrap()[0].seq,
        8
    );

    let page = |after, limit| PageRequest { after, limit };
    let p1 = store
        .list_audit(f.tenant.id, &AuditFilter::default(), page(None, 4))
        .await
        .unwrap();
    assert_eq!(
        p1.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![9, 8, 7, 6]
    );
    assert_eq!(p1.next, Some(6));
    let p2 = store
        .list_audit(f.tenant.id, &AuditFilter::default(), page(p1.next, 10))
        .await
        .unwrap();
    assert_eq!(p2.items.len(), 5);
    assert_eq!(p2.next, None);
    let blocked = AuditFilter {
        action: Some(actions::ATTEMPT_BLOCKED.into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_audit(f.tenant.id, &blocked, page(None, 100))
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    let subj = AuditFilter {
        subject: Some("x3".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_audit(f.tenant.id, &subj, page(None, 100))
            .await
            .unwrap()
            .items[0]
            .seq,
        8
    );
    let team = AuditFilter {
        actor_users: Some(vec![sdr.id]),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_audit(f.tenant.id, &team, page(None, 100))
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    let nobody = AuditFilter {
        actor_users: Some(vec![]),
        ..Default::default()
    };
    assert!(
        store
            .list_audit(f.tenant.id, &nobody, page(None, 100))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let t = chain[4].at;
    let window = AuditFilter {
        from: Some(t),
        before: Some(t + time::Duration::microseconds(1)),
        ..Default::default()
    };
    assert!(
        store
            .list_audit(f.tenant.id, &window, page(None, 100))
            .await
            .unwrap()
            .items
            .iter()
            .all(|e| e.at == t)
    );
    let other = tenant(&store, "audit-other").await;
    assert_eq!(
        store
            .list_audit(other.tenant.id, &AuditFilter::default(), page(None, 100))
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    assert!(matches!(
        store.audit_head(TenantId::new()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .append_audit(
                TenantId::new(),
                draft(&by_sdr, actions::ATTEMPT_BLOCKED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    let report = verify_audit(&store, f.tenant.id).await.unwrap();
    assert!(report.ok);
    assert_eq!(report.events, 9);
}

#[tokio::test]
async fn corrupt_rows_are_errors_naming_the_column() {
    let (_db, store) = db_or_skip!();
    let f = tenant(&store, "corrupt").await;
    let e = store
        .add_suppression(f.email("c@example.com"))
        .await
        .unwrap()
        .entry()
        .clone();
    for (sql, column) in [
        ("UPDATE entries SET kind = 'fax' WHERE id = $1", "kind"),
        (
            "UPDATE entries SET kind = 'email', identifier = 'not an address' WHERE id = $1",
            "identifier",
        ),
        (
            "UPDATE entries SET identifier = NULL, purposes = 99 WHERE id = $1",
            "purposes",
        ),
        (
            "UPDATE entries SET purposes = 3, ident_hash = '\\x00' WHERE id = $1",
            "ident_hash",
        ),
    ] {
        sqlx::query(sql)
            .bind(e.id.0)
            .execute(store.pool())
            .await
            .unwrap();
        match store.get_entry(f.tenant.id, e.id).await {
            Err(StoreError::Other(m)) => assert!(m.contains(column), "{m}"),
            other => panic!("expected an error naming {column}, got {other:?}"),
        }
    }
    sqlx::query("UPDATE tenants SET policy = '{' WHERE id = $1")
        .bind(f.tenant.id.0)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(
        matches!(store.get_tenant(f.tenant.id).await, Err(StoreError::Other(m)) if m.contains("policy"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_starting_together_migrate_once() {
    let Some(db) = test_database().await else {
        return;
    };
    let url = db.url().to_string();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url).await })
        })
        .collect();
    for s in starts {
        let store = s.await.unwrap().unwrap();
        assert_eq!(store.latest_change().await.unwrap(), 0);
    }
}

// ----- tamper detection -----

/// A tenant with `n` events in its chain (3 from creation, the rest appended).
async fn chain_of(store: &PostgresStore, n: i64) -> Fixture {
    let f = tenant(store, "tamper").await;
    for i in 4..=n {
        store
            .append_audit(
                f.tenant.id,
                draft(&f.actor(), actions::ATTEMPT_BLOCKED, Some(format!("s{i}"))),
            )
            .await
            .unwrap();
    }
    assert!(verify_audit(store, f.tenant.id).await.unwrap().ok);
    f
}

async fn first_bad(store: &PostgresStore, t: TenantId) -> i64 {
    let r = verify_audit(store, t).await.unwrap();
    assert!(!r.ok, "tampering went unnoticed");
    r.first_bad_event.unwrap().seq
}

#[tokio::test]
async fn tamper_edit_is_detected() {
    let (_db, store) = db_or_skip!();
    let f = chain_of(&store, 8).await;
    let n = sqlx::query("UPDATE audit_events SET data = '{\"note\":\"nothing to see\"}' WHERE tenant_id = $1 AND seq = 5")
        .bind(f.tenant.id.0)
        .execute(store.pool())
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
    assert_eq!(first_bad(&store, f.tenant.id).await, 5);
}

#[tokio::test]
async fn tamper_delete_middle_is_detected() {
    let (_db, store) = db_or_skip!();
    let f = chain_of(&store, 8).await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 4")
        .bind(f.tenant.id.0)
        .execute(store.pool())
        .await
        .unwrap();
    // Event 5 now stands where 4 should be.
    assert_eq!(first_bad(&store, f.tenant.id).await, 5);
}

#[tokio::test]
async fn tamper_reorder_is_detected() {
    let (_db, store) = db_or_skip!();
    let f = chain_of(&store, 8).await;
    let mut tx = store.pool().begin().await.unwrap();
    for (from, to) in [(4, -1), (5, 4), (-1, 5)] {
        sqlx::query("UPDATE audit_events SET seq = $3 WHERE tenant_id = $1 AND seq = $2")
            .bind(f.tenant.id.0)
            .bind(from as i64)
            .bind(to as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(first_bad(&store, f.tenant.id).await, 4);
}

#[tokio::test]
async fn tamper_delete_last_is_detected() {
    let (_db, store) = db_or_skip!();
    let f = chain_of(&store, 8).await;
    sqlx::query("DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 8")
        .bind(f.tenant.id.0)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(first_bad(&store, f.tenant.id).await, 8);
    // Rewinding the head as well still leaves a seam: the head's hash is not the new last one's.
    sqlx::query("UPDATE tenants SET audit_seq = 7 WHERE id = $1")
        .bind(f.tenant.id.0)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(first_bad(&store, f.tenant.id).await >= 7);
}

// ----- several nodes -----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_writing_at_once_lose_no_change() {
    let Some(db) = test_database().await else {
        return;
    };
    let a = Arc::new(db.store().await);
    let b = Arc::new(db.store().await);
    let f = Arc::new(tenant(a.as_ref(), "nodes").await);
    let g = Arc::new(tenant(b.as_ref(), "nodes-2").await);
    let start = a.latest_change().await.unwrap();

    // A follower polling the feed the way a node does, remembering only its cursor.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let follower = {
        let reader = Arc::new(db.store().await);
        let done = done.clone();
        tokio::spawn(async move {
            let mut cursor = start;
            let mut seen = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let batch = reader.changes_after(cursor, 50).await.unwrap();
                for c in &batch {
                    assert!(c.seq > cursor, "the feed went backwards");
                    cursor = c.seq;
                    seen.push(*c);
                }
                if batch.is_empty() {
                    // Writers finished before this empty read began: it saw every commit.
                    if finished {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            seen
        })
    };

    let mut tasks = Vec::new();
    for task in 0..16 {
        let node = if task % 2 == 0 { a.clone() } else { b.clone() };
        let fx = if task % 4 < 2 { f.clone() } else { g.clone() };
        tasks.push(tokio::spawn(async move {
            let mut rows = Vec::new();
            for i in 0..25 {
                // Two tasks re-add their neighbour's identifiers through the other node, so
                // duplicates race across nodes too.
                let who = if task % 8 == 7 { task - 1 } else { task };
                let n = fx.email(&format!("t{who}-{i}@example.com"));
                match node.add_suppression(n).await.unwrap() {
                    AddOutcome::Created(e) => rows.push(e.id),
                    AddOutcome::Existing(_) => {}
                }
            }
            rows
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.unwrap().len();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    // Every identifier is in force exactly once, whatever raced.
    let in_force = a.index_rows(f.tenant.id, 0, 10_000).await.unwrap().len()
        + a.index_rows(g.tenant.id, 0, 10_000).await.unwrap().len();
    assert_eq!(created, in_force);
    assert_eq!(created, 16 * 25 - 2 * 25);

    let seen = follower.await.unwrap();
    let committed = a.changes_after(start, 100_000).await.unwrap();
    let added = |cs: &[veto_store::Change]| -> BTreeSet<(i64, i64)> {
        cs.iter()
            .filter_map(|c| match c.op {
                ChangeOp::Added {
                    first_row,
                    last_row,
                } => Some((first_row, last_row)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(added(&committed).len(), created);
    assert_eq!(
        added(&seen),
        added(&committed),
        "the follower missed a committed change"
    );
    for fx in [&f, &g] {
        let r = verify_audit(a.as_ref(), fx.tenant.id).await.unwrap();
        assert!(r.ok, "{r:?}");
    }
}
