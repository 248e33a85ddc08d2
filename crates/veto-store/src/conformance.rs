//! The conformance suite: one set of behaviours every [`Store`] backend must show, written
//! once against the trait. Each test is a `pub async fn name(store: &dyn Store)` that creates
//! its own tenants (with unique names), so the tests may run on fresh databases or share one,
//! concurrently. Tests of global operations (the change feed, expiry) only look at their own
//! tenant's rows for the same reason.
//!
//! A backend runs the whole suite with [`conformance_tests!`](crate::conformance_tests):
//!
//! ```text
//! veto_store::conformance_tests!(my_backend::open_fresh().await);
//! ```
//!
//! The expression may evaluate to a store, an `Arc` of one, or a `(store, guard)` pair whose
//! guard (a temporary directory, a container) lives as long as the test.
//!
//! The helpers that build tenants, users, keys and entries are public so server tests can
//! reuse them.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use serde_json::json;
use time::Duration;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, AuditEvent, actions};
use veto_domain::contact::{Contact, ContactData};
use veto_domain::email::EmailAddress;
use veto_domain::id::{
    ApiKeyId, ContactId, EntryId, ImportId, LiftId, RouteId, SignalId, SourceId, TenantId, UserId,
};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::import::{ImportCounts, ImportKind, ImportRecord};
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_domain::keyed_hash::{IdentHash, IdentifierHasher, TenantSecret};
use veto_domain::lift::{LiftRequest, LiftStatus};
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_domain::route::{Route, RouteTls};
use veto_domain::signal::{NewSignal, SignalFinish, SignalStart, Via, raw_message_key};
use veto_domain::suppression::{
    Channel, EndKind, Entry, NewEntry, Purposes, Reason, SourceChannel,
};

use crate::change::{Change, ChangeOp, IndexRow};
use crate::error::StoreError;
use crate::model::*;
use crate::store::Store;
use crate::verify::verify_audit;

mod sending;
pub use sending::*;

// ----- running the suite -----

/// What a conformance test gets its store from: the store itself, or something holding it.
pub trait StoreHandle {
    fn store(&self) -> &dyn Store;
}

impl<S: Store> StoreHandle for S {
    fn store(&self) -> &dyn Store {
        self
    }
}

impl StoreHandle for dyn Store {
    fn store(&self) -> &dyn Store {
        self
    }
}

impl<S: StoreHandle + ?Sized> StoreHandle for Arc<S> {
    fn store(&self) -> &dyn Store {
        (**self).store()
    }
}

/// A store with a guard that must outlive it (a temporary directory, a container).
impl<S: StoreHandle, G> StoreHandle for (S, G) {
    fn store(&self) -> &dyn Store {
        self.0.store()
    }
}

/// Expands to one `#[tokio::test]` per conformance test, each running on the store `$make`
/// evaluates to (evaluated once per test, inside the test's async body, so it may `.await`).
/// The calling crate needs `tokio` with the `macros` and `rt` features.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each ($make)
            tenants,
            tenant_duplicate_name,
            policy_update,
            users,
            keys,
            add_suppression_deduplicates,
            add_suppression_ends_expired_duplicate,
            hashed_only_entries,
            list_entries_filters,
            list_entries_pagination,
            entries_by_hashes_includes_ended,
            entries_by_rows,
            index_rows_paging,
            change_feed,
            import_entries,
            import_entries_large,
            lift_request_conflicts,
            lift_approve,
            lift_reject,
            expire_due,
            erase,
            tenant_isolation,
            audit_log,
            entry_history,
            lead_import,
            lead_import_dropped_writes_nothing,
            lead_import_address_conflict,
            lead_import_ends_expired_duplicate,
            lead_imports_in_sequence,
            record_import,
            export_entries_as_of,
            contacts_and_imports_isolation,
            signals_recorded_once,
            signals_erased_with_the_person,
            soft_bounce_counts,
            inbound_sources,
            routes_first_is_default,
            sending_identities,
            sequences_and_enrollments,
            suppression_cancels_pending_enrollments,
            scheduler_claims_and_finishes,
            send_records,
            send_fence_orders_suppressions,
        );
    };
    (@each ($make:expr) $($name:ident),+ $(,)?) => {
        $(
            #[::tokio::test]
            async fn $name() {
                let handle = $make;
                $crate::conformance::$name($crate::conformance::StoreHandle::store(&handle)).await;
            }
        )+
    };
}

// ----- builders -----

/// A tenant created through the store, with its first admin and that admin's key.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub tenant: Tenant,
    pub admin: User,
    pub key: ApiKey,
}

impl Fixture {
    pub fn id(&self) -> TenantId {
        self.tenant.id
    }

    /// The admin, acting directly.
    pub fn actor(&self) -> Actor {
        Actor::User(self.admin.id)
    }

    pub fn hasher(&self) -> IdentifierHasher {
        IdentifierHasher::new(&self.tenant.secret)
    }

    pub fn hash(&self, kind: IdentifierKind, value: &str) -> IdentHash {
        self.hasher().hash_value(kind, value)
    }

    /// An entry on `kind:raw` with the defaults of [`new_entry`].
    pub fn entry(&self, kind: IdentifierKind, raw: &str) -> NewEntry {
        new_entry(self, kind, raw)
    }

    /// An entry on the e-mail address `raw`.
    pub fn email(&self, raw: &str) -> NewEntry {
        new_entry(self, IdentifierKind::Email, raw)
    }
}

/// A name no other test uses.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// An address unique to this call, at `example.com`.
pub fn unique_email(prefix: &str) -> String {
    format!("{}@example.com", unique_name(prefix))
}

/// A tenant (not yet stored) with the default policy and a fresh secret.
pub fn tenant(name: &str) -> Tenant {
    Tenant {
        id: TenantId::new(),
        name: name.to_string(),
        created_at: veto_domain::now(),
        policy: TenantPolicy::default(),
        secret: TenantSecret::generate(),
    }
}

/// A user (not yet stored).
pub fn user(tenant: TenantId, email: &str, role: Role, by: &Actor) -> User {
    User {
        id: UserId::new(),
        tenant_id: tenant,
        email: email.to_string(),
        name: None,
        role,
        team: None,
        disabled: false,
        created_at: veto_domain::now(),
        created_by: by.clone(),
    }
}

/// A key (not yet stored) with a random secret hash.
pub fn api_key(user: &User, by: &Actor) -> ApiKey {
    ApiKey {
        id: ApiKeyId::new(),
        tenant_id: user.tenant_id,
        user_id: user.id,
        name: Some("test key".into()),
        prefix: "veto_test".into(),
        key_hash: TenantSecret::generate().0,
        created_at: veto_domain::now(),
        created_by: by.clone(),
        revoked_at: None,
        revoked_by: None,
    }
}

/// A draft with a small data object.
pub fn draft(actor: &Actor, action: &'static str, subject: Option<String>) -> AuditDraft {
    AuditDraft::new(actor, action, subject, json!({ "test": true }))
}

/// The drafts a tenant's creation audits, in order.
pub fn creation_drafts(t: &Tenant, admin: &User, key: &ApiKey) -> Vec<AuditDraft> {
    let by = Actor::system("bootstrap");
    vec![
        AuditDraft::new(
            &by,
            actions::TENANT_CREATED,
            Some(t.id.to_string()),
            json!({ "name": t.name }),
        ),
        AuditDraft::new(
            &by,
            actions::USER_CREATED,
            Some(admin.id.to_string()),
            json!({ "role": admin.role.as_str() }),
        ),
        AuditDraft::new(
            &by,
            actions::KEY_CREATED,
            Some(key.id.to_string()),
            json!({ "user_id": admin.id.to_string() }),
        ),
    ]
}

/// Creates a tenant named after `prefix` (made unique) with an admin and a key.
pub async fn create_tenant(store: &dyn Store, prefix: &str) -> Fixture {
    let t = tenant(&unique_name(prefix));
    let by = Actor::system("bootstrap");
    let admin = user(t.id, &unique_email("admin"), Role::Admin, &by);
    let key = api_key(&admin, &by);
    let drafts = creation_drafts(&t, &admin, &key);
    store
        .create_tenant(t.clone(), admin.clone(), key.clone(), drafts)
        .await
        .unwrap();
    Fixture {
        tenant: t,
        admin,
        key,
    }
}

/// Creates a user of the fixture's tenant.
pub async fn create_user(store: &dyn Store, fx: &Fixture, role: Role) -> User {
    let u = user(fx.id(), &unique_email(role.as_str()), role, &fx.actor());
    let d = draft(&fx.actor(), actions::USER_CREATED, Some(u.id.to_string()));
    store.create_user(u, d).await.unwrap()
}

/// An opt-out (unsubscribe through the API, sales and marketing, every channel, no expiry,
/// valid from a day ago) on `kind:raw`, created by the fixture's admin.
pub fn new_entry(fx: &Fixture, kind: IdentifierKind, raw: &str) -> NewEntry {
    let id = Identifier::parse(kind, raw).unwrap();
    let now = veto_domain::now();
    NewEntry {
        id: EntryId::new(),
        tenant_id: fx.id(),
        kind,
        ident_hash: fx.hasher().hash(&id),
        identifier: Some(id),
        include_subdomains: false,
        channel: Channel::All,
        purposes: Purposes::DEFAULT,
        reason: Reason::Unsubscribe,
        source: SourceChannel::Api,
        evidence: Some("replied: please remove me".into()),
        role_account: false,
        created_by: fx.actor(),
        created_at: now,
        valid_from: now - Duration::days(1),
        expires_at: None,
    }
}

/// The same entry as `e` with a fresh id (a second attempt to add the same suppression).
pub fn again(e: &NewEntry) -> NewEntry {
    NewEntry {
        id: EntryId::new(),
        created_at: veto_domain::now(),
        ..e.clone()
    }
}

/// A deliverability block whose expiry passed an hour ago (not yet ended).
///
/// The suite's own expiry runs only end entries that expired longer ago than that (see
/// [`expired_since`]), so tests sharing a database never end each other's recent entries.
pub fn expired(e: NewEntry) -> NewEntry {
    expired_since(e, Duration::hours(1))
}

/// A deliverability block whose expiry passed `ago` ago (not yet ended).
pub fn expired_since(mut e: NewEntry, ago: Duration) -> NewEntry {
    let now = veto_domain::now();
    e.reason = Reason::SoftBounceLimit;
    e.source = SourceChannel::Bounce;
    e.valid_from = now - Duration::days(10);
    e.expires_at = Some(now - ago);
    e
}

pub async fn add(store: &dyn Store, e: NewEntry) -> Entry {
    match store.add_suppression(e).await.unwrap() {
        AddOutcome::Created(e) => e,
        AddOutcome::Existing(e) => panic!(
            "expected a new entry, the suppression {} was in force",
            e.id
        ),
    }
}

/// A pending lift request on `entry`, by `by`.
pub fn lift_request(fx: &Fixture, entry: EntryId, by: UserId) -> LiftRequest {
    LiftRequest {
        id: LiftId::new(),
        tenant_id: fx.id(),
        entry_id: entry,
        requested_by: by,
        reason: "re-engaged through a demo request".into(),
        evidence: Some("signed form 2024-17".into()),
        status: LiftStatus::Pending,
        created_at: veto_domain::now(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
    }
}

pub fn decision(lift: LiftId, approve: bool, by: &User) -> LiftDecision {
    LiftDecision {
        lift_id: lift,
        approve,
        decided_by: by.id,
        actor: Actor::User(by.id),
        note: Some("checked the form".into()),
        at: veto_domain::now(),
    }
}

/// Requests a lift of `entry` (by a new manager) and has the admin approve it.
pub async fn lift_entry(store: &dyn Store, fx: &Fixture, entry: EntryId) -> LiftRequest {
    let manager = create_user(store, fx, Role::Manager).await;
    let l = store
        .create_lift_request(
            lift_request(fx, entry, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();
    store
        .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
        .await
        .unwrap()
}

/// Every entry of the tenant in `filter`, following pages of `limit`.
pub async fn all_entries(
    store: &dyn Store,
    tenant: TenantId,
    filter: &EntryFilter,
    limit: u32,
) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = store
            .list_entries(tenant, filter, PageRequest { after, limit })
            .await
            .unwrap();
        assert!(p.items.len() <= limit as usize);
        out.extend(p.items);
        match p.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

fn ids(entries: &[Entry]) -> BTreeSet<EntryId> {
    entries.iter().map(|e| e.id).collect()
}

fn set<const N: usize>(ids: [EntryId; N]) -> BTreeSet<EntryId> {
    ids.into_iter().collect()
}

/// The tenant's changes after `after`.
pub async fn changes_of(store: &dyn Store, tenant: TenantId, after: i64) -> Vec<Change> {
    let mut out = Vec::new();
    let mut after = after;
    loop {
        let page = store.changes_after(after, 500).await.unwrap();
        let Some(last) = page.last() else {
            return out;
        };
        after = last.seq;
        out.extend(page.into_iter().filter(|c| c.tenant_id == tenant));
    }
}

/// The tenant's whole chain, oldest first.
pub async fn chain(store: &dyn Store, tenant: TenantId) -> Vec<AuditEvent> {
    store.audit_chain(tenant, 0, 100_000).await.unwrap()
}

fn actions_of(events: &[AuditEvent]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

fn assert_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

fn assert_conflict<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("{what}: expected Conflict, got {other:?}"),
    }
}

// ----- tenants -----

pub async fn tenants(store: &dyn Store) {
    let fx = create_tenant(store, "tenants").await;
    assert_eq!(store.get_tenant(fx.id()).await.unwrap(), fx.tenant);
    let listed = store.list_tenants().await.unwrap();
    assert_eq!(
        listed
            .iter()
            .filter(|t| t.id == fx.id())
            .collect::<Vec<_>>(),
        [&fx.tenant]
    );
    assert_not_found(
        store.get_tenant(TenantId::new()).await,
        "get_tenant of an unknown id",
    );

    assert_eq!(
        store.get_user(fx.id(), fx.admin.id).await.unwrap(),
        fx.admin
    );
    assert_eq!(
        store.list_keys(fx.id()).await.unwrap(),
        std::slice::from_ref(&fx.key)
    );

    // The creation drafts are the first events of the chain, in order.
    let events = chain(store, fx.id()).await;
    assert_eq!(
        actions_of(&events),
        [
            actions::TENANT_CREATED,
            actions::USER_CREATED,
            actions::KEY_CREATED
        ]
    );
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        events[0].subject.as_deref(),
        Some(fx.id().to_string().as_str())
    );
    assert_eq!(events[0].prev_hash, veto_domain::audit::GENESIS);
    assert!(
        events
            .iter()
            .all(|e| e.tenant_id == fx.id() && e.recompute() == e.hash)
    );
    assert_eq!(
        store.audit_head(fx.id()).await.unwrap(),
        (3, events[2].hash)
    );
    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.events, 3);
    assert_not_found(
        store.audit_head(TenantId::new()).await,
        "audit_head of an unknown tenant",
    );
}

pub async fn tenant_duplicate_name(store: &dyn Store) {
    let fx = create_tenant(store, "dupname").await;
    let t = tenant(&fx.tenant.name);
    let by = Actor::system("bootstrap");
    let admin = user(t.id, &unique_email("admin"), Role::Admin, &by);
    let key = api_key(&admin, &by);
    let drafts = creation_drafts(&t, &admin, &key);
    assert_conflict(
        store
            .create_tenant(t.clone(), admin, key.clone(), drafts)
            .await,
        "a second tenant of the same name",
    );
    // Nothing of the refused tenant was written.
    assert_not_found(store.get_tenant(t.id).await, "the refused tenant");
    assert!(store.key_by_hash(&key.key_hash).await.unwrap().is_none());
    assert!(
        store
            .list_tenants()
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != t.id)
    );
}

pub async fn policy_update(store: &dyn Store) {
    let fx = create_tenant(store, "policy").await;
    let before = store.latest_change().await.unwrap();
    let mut policy = TenantPolicy::default();
    policy.expiry_days.insert(Reason::SoftBounceLimit, 90);
    policy.hashed_only = true;
    let d = draft(
        &fx.actor(),
        actions::POLICY_UPDATED,
        Some(fx.id().to_string()),
    );
    store.update_policy(fx.id(), &policy, d).await.unwrap();
    assert_eq!(store.get_tenant(fx.id()).await.unwrap().policy, policy);
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(
        changes.iter().map(|c| c.op).collect::<Vec<_>>(),
        [ChangeOp::Policy]
    );
    let events = chain(store, fx.id()).await;
    assert_eq!(events.len(), 4);
    assert_eq!(events[3].action, actions::POLICY_UPDATED);
    let d = draft(&fx.actor(), actions::POLICY_UPDATED, None);
    assert_not_found(
        store.update_policy(TenantId::new(), &policy, d).await,
        "update_policy of an unknown tenant",
    );
}

// ----- users and keys -----

pub async fn users(store: &dyn Store) {
    let fx = create_tenant(store, "users").await;
    let other = create_tenant(store, "users-other").await;

    let sdr = create_user(store, &fx, Role::Sdr).await;
    assert_eq!(store.get_user(fx.id(), sdr.id).await.unwrap(), sdr);
    let listed: BTreeSet<UserId> = store
        .list_users(fx.id())
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(listed, [fx.admin.id, sdr.id].into_iter().collect());

    // E-mails are unique within a tenant, not across tenants.
    let dup = user(fx.id(), &sdr.email, Role::Ae, &fx.actor());
    let d = draft(&fx.actor(), actions::USER_CREATED, Some(dup.id.to_string()));
    assert_conflict(
        store.create_user(dup.clone(), d).await,
        "a second user with the same e-mail",
    );
    assert_not_found(store.get_user(fx.id(), dup.id).await, "the refused user");
    let elsewhere = user(other.id(), &sdr.email, Role::Ae, &other.actor());
    let d = draft(
        &other.actor(),
        actions::USER_CREATED,
        Some(elsewhere.id.to_string()),
    );
    store.create_user(elsewhere, d).await.unwrap();

    let before = store.latest_change().await.unwrap();
    let patch = UserPatch {
        role: Some(Role::Manager),
        team: Some(Some("emea".into())),
        name: Some(Some("Sam".into())),
        disabled: Some(true),
    };
    let d = draft(&fx.actor(), actions::USER_UPDATED, Some(sdr.id.to_string()));
    let updated = store.update_user(fx.id(), sdr.id, patch, d).await.unwrap();
    assert_eq!(
        (
            updated.role,
            updated.team.as_deref(),
            updated.name.as_deref(),
            updated.disabled
        ),
        (Role::Manager, Some("emea"), Some("Sam"), true)
    );
    assert_eq!(
        (updated.id, &updated.email, updated.created_at),
        (sdr.id, &sdr.email, sdr.created_at)
    );
    assert_eq!(store.get_user(fx.id(), sdr.id).await.unwrap(), updated);
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(
        changes.iter().map(|c| c.op).collect::<Vec<_>>(),
        [ChangeOp::Auth]
    );

    // `Some(None)` clears; `None` leaves alone.
    let patch = UserPatch {
        team: Some(None),
        disabled: Some(false),
        ..UserPatch::default()
    };
    let d = draft(&fx.actor(), actions::USER_UPDATED, Some(sdr.id.to_string()));
    let cleared = store.update_user(fx.id(), sdr.id, patch, d).await.unwrap();
    assert_eq!(
        (
            cleared.role,
            cleared.team.as_deref(),
            cleared.name.as_deref(),
            cleared.disabled
        ),
        (Role::Manager, None, Some("Sam"), false)
    );
    assert_eq!(store.get_user(fx.id(), sdr.id).await.unwrap(), cleared);

    assert_not_found(
        store.get_user(other.id(), sdr.id).await,
        "another tenant's user",
    );
    let d = draft(&other.actor(), actions::USER_UPDATED, None);
    assert_not_found(
        store
            .update_user(other.id(), sdr.id, UserPatch::default(), d)
            .await,
        "updating another tenant's user",
    );
    assert_not_found(
        store.get_user(fx.id(), UserId::new()).await,
        "an unknown user",
    );
    // tenant.created, user.created, key.created, user.created, 2 × user.updated
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, 6);
}

pub async fn keys(store: &dyn Store) {
    let fx = create_tenant(store, "keys").await;
    let other = create_tenant(store, "keys-other").await;
    let ae = create_user(store, &fx, Role::Ae).await;
    let k = api_key(&ae, &fx.actor());
    let d = draft(&fx.actor(), actions::KEY_CREATED, Some(k.id.to_string()));
    assert_eq!(store.create_key(k.clone(), d).await.unwrap(), k);
    assert_eq!(
        store.key_by_hash(&k.key_hash).await.unwrap(),
        Some((k.clone(), ae.clone()))
    );
    assert_eq!(
        store.key_by_hash(&fx.key.key_hash).await.unwrap(),
        Some((fx.key.clone(), fx.admin.clone()))
    );
    assert_eq!(store.key_by_hash(&[7; 32]).await.unwrap(), None);
    let listed: BTreeSet<ApiKeyId> = store
        .list_keys(fx.id())
        .await
        .unwrap()
        .iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(listed, [fx.key.id, k.id].into_iter().collect());

    // Same secret hash twice is refused.
    let mut dup = api_key(&ae, &fx.actor());
    dup.key_hash = k.key_hash;
    let d = draft(&fx.actor(), actions::KEY_CREATED, Some(dup.id.to_string()));
    assert_conflict(
        store.create_key(dup, d).await,
        "a key with an existing secret hash",
    );
    // A key for a user of another tenant is refused.
    let stray = api_key(&ae, &fx.actor());
    let stray = ApiKey {
        tenant_id: other.id(),
        ..stray
    };
    let d = draft(&other.actor(), actions::KEY_CREATED, None);
    assert!(store.create_key(stray, d).await.is_err());

    let head = store.audit_head(fx.id()).await.unwrap().0;
    let before = store.latest_change().await.unwrap();
    let at = veto_domain::now();
    let d = draft(&fx.actor(), actions::KEY_REVOKED, Some(k.id.to_string()));
    let revoked = store
        .revoke_key(fx.id(), k.id, &fx.actor(), at, d)
        .await
        .unwrap();
    assert_eq!(
        (revoked.revoked_at, revoked.revoked_by.clone()),
        (Some(at), Some(fx.actor()))
    );
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head + 1);
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(
        changes.iter().map(|c| c.op).collect::<Vec<_>>(),
        [ChangeOp::Auth]
    );
    // A revoked key is still found, so authentication can say why it fails.
    assert_eq!(
        store
            .key_by_hash(&k.key_hash)
            .await
            .unwrap()
            .map(|(k, _)| k),
        Some(revoked.clone())
    );

    // Revoking again changes and records nothing.
    let before = store.latest_change().await.unwrap();
    let later = at + Duration::minutes(5);
    let d = draft(&fx.actor(), actions::KEY_REVOKED, Some(k.id.to_string()));
    let again = store
        .revoke_key(fx.id(), k.id, &Actor::User(ae.id), later, d)
        .await
        .unwrap();
    assert_eq!(again, revoked);
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head + 1);
    assert!(changes_of(store, fx.id(), before).await.is_empty());

    let d = draft(&other.actor(), actions::KEY_REVOKED, None);
    assert_not_found(
        store
            .revoke_key(other.id(), fx.key.id, &other.actor(), at, d)
            .await,
        "revoking another tenant's key",
    );
    let d = draft(&fx.actor(), actions::KEY_REVOKED, None);
    assert_not_found(
        store
            .revoke_key(fx.id(), ApiKeyId::new(), &fx.actor(), at, d)
            .await,
        "revoking an unknown key",
    );
    assert!(
        store
            .list_keys(other.id())
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != k.id)
    );
}

// ----- suppressions -----

pub async fn add_suppression_deduplicates(store: &dyn Store) {
    let fx = create_tenant(store, "dedup").await;
    let n = fx.email("Pat@Example.com");
    let created = add(store, n.clone()).await;
    assert_eq!(created, n.clone().into_entry());
    assert_eq!(store.get_entry(fx.id(), n.id).await.unwrap(), created);

    // The same suppression again, by someone else: the entry in force comes back.
    let sdr = create_user(store, &fx, Role::Sdr).await;
    let second = NewEntry {
        created_by: Actor::User(sdr.id),
        reason: Reason::StopRequest,
        ..again(&n)
    };
    match store.add_suppression(second.clone()).await.unwrap() {
        AddOutcome::Existing(e) => assert_eq!(e, created),
        other => panic!("expected the existing entry, got {other:?}"),
    }
    assert_not_found(
        store.get_entry(fx.id(), second.id).await,
        "the entry that was not written",
    );
    let dup = store
        .list_audit(
            fx.id(),
            &AuditFilter {
                action: Some(actions::SUPPRESSION_DUPLICATE.into()),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(dup.items.len(), 1);
    assert_eq!(
        dup.items[0].subject.as_deref(),
        Some(n.id.to_string().as_str())
    );
    assert_eq!(dup.items[0].actor, Actor::User(sdr.id).to_string());

    // Different purposes, channel or scope are different suppressions.
    let all_purposes = add(
        store,
        NewEntry {
            purposes: Purposes::ALL,
            ..again(&n)
        },
    )
    .await;
    let email_only = add(
        store,
        NewEntry {
            channel: Channel::Email,
            ..again(&n)
        },
    )
    .await;
    let d = fx.entry(IdentifierKind::Domain, "example.org");
    let domain = add(store, d.clone()).await;
    let with_subdomains = add(
        store,
        NewEntry {
            include_subdomains: true,
            ..again(&d)
        },
    )
    .await;
    let distinct = set([
        created.id,
        all_purposes.id,
        email_only.id,
        domain.id,
        with_subdomains.id,
    ]);
    assert_eq!(distinct.len(), 5);
    let active = all_entries(store, fx.id(), &EntryFilter::default(), 100).await;
    assert_eq!(ids(&active), distinct);
    // Each of them is deduplicated on its own.
    assert!(
        matches!(store.add_suppression(NewEntry { channel: Channel::Email, ..again(&n) }).await.unwrap(), AddOutcome::Existing(e) if e.id == email_only.id)
    );
    assert!(
        matches!(store.add_suppression(NewEntry { include_subdomains: true, ..again(&d) }).await.unwrap(), AddOutcome::Existing(e) if e.id == with_subdomains.id)
    );
}

pub async fn add_suppression_ends_expired_duplicate(store: &dyn Store) {
    let fx = create_tenant(store, "reexpire").await;
    let old = add(store, expired(fx.email("bounce@example.com"))).await;
    let expires_at = old.expires_at.unwrap();
    // The old entry is past its expiry: adding the suppression again creates a new entry and
    // ends the old one as of its expiry.
    let fresh = NewEntry {
        expires_at: None,
        valid_from: veto_domain::now(),
        ..again(&fx.email("bounce@example.com"))
    };
    let new = add(store, fresh).await;
    assert_ne!(new.id, old.id);
    let old_now = store.get_entry(fx.id(), old.id).await.unwrap();
    let end = old_now.ended.clone().expect("the expired entry was ended");
    assert_eq!(
        (end.kind, end.at, end.by, end.lift_id),
        (EndKind::Expired, expires_at, Actor::system("expiry"), None)
    );
    let history = store.entry_history(fx.id(), old.id).await.unwrap();
    assert_eq!(
        actions_of(&history),
        [actions::SUPPRESSION_CREATED, actions::SUPPRESSION_EXPIRED]
    );
    let active = all_entries(store, fx.id(), &EntryFilter::default(), 100).await;
    assert_eq!(ids(&active), set([new.id]));
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn hashed_only_entries(store: &dyn Store) {
    let fx = create_tenant(store, "hashed").await;
    let n = NewEntry {
        identifier: None,
        ..fx.email("secret@example.com")
    };
    let e = add(store, n.clone()).await;
    assert_eq!(e.identifier, None);
    assert_eq!(store.get_entry(fx.id(), e.id).await.unwrap(), e);
    // Deduplication is on the hash: the clear value does not matter.
    let with_clear = again(&fx.email("secret@example.com"));
    assert!(
        matches!(store.add_suppression(with_clear).await.unwrap(), AddOutcome::Existing(x) if x.id == e.id)
    );
    let found = store
        .entries_by_hashes(fx.id(), &[n.ident_hash])
        .await
        .unwrap();
    assert_eq!(found, std::slice::from_ref(&e));
    let filter = EntryFilter {
        ident_hash: Some(n.ident_hash),
        ..Default::default()
    };
    assert_eq!(
        ids(&all_entries(store, fx.id(), &filter, 10).await),
        set([e.id])
    );
    let rows = store.index_rows(fx.id(), 0, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0], IndexRow::of(rows[0].row_id, &e));
}

pub async fn list_entries_filters(store: &dyn Store) {
    let fx = create_tenant(store, "filters").await;
    let now = veto_domain::now();
    let at = |h: i64| now - Duration::hours(h);

    let optout = add(
        store,
        NewEntry {
            created_at: at(5),
            ..fx.email("one@example.com")
        },
    )
    .await;
    let company = add(
        store,
        NewEntry {
            created_at: at(4),
            reason: Reason::NotInterested,
            source: SourceChannel::Call,
            ..fx.entry(IdentifierKind::CompanyId, "ACME-1")
        },
    )
    .await;
    let role = add(
        store,
        NewEntry {
            created_at: at(3),
            reason: Reason::HardBounce,
            source: SourceChannel::Bounce,
            role_account: true,
            expires_at: Some(now + Duration::days(30)),
            ..fx.email("info@example.com")
        },
    )
    .await;
    let past_expiry = add(
        store,
        NewEntry {
            created_at: at(2),
            ..expired(fx.email("gone@example.com"))
        },
    )
    .await;
    let lifted = add(
        store,
        NewEntry {
            created_at: at(1),
            ..fx.entry(IdentifierKind::ContactId, "003xyz")
        },
    )
    .await;
    lift_entry(store, &fx, lifted.id).await;

    let tid = fx.id();
    let q = |f: EntryFilter| async move { ids(&all_entries(store, tid, &f, 2).await) };
    let all = EntryFilter {
        status: EntryStatus::All,
        ..Default::default()
    };

    assert_eq!(
        q(EntryFilter::default()).await,
        set([optout.id, company.id, role.id])
    );
    assert_eq!(
        q(EntryFilter {
            status: EntryStatus::Ended,
            ..Default::default()
        })
        .await,
        set([past_expiry.id, lifted.id])
    );
    assert_eq!(
        q(all.clone()).await,
        set([optout.id, company.id, role.id, past_expiry.id, lifted.id])
    );
    // "Now" decides what counts as expired.
    let later = role.expires_at.unwrap() + Duration::minutes(1);
    assert_eq!(
        q(EntryFilter {
            now: Some(later),
            ..Default::default()
        })
        .await,
        set([optout.id, company.id])
    );
    assert_eq!(
        q(EntryFilter {
            now: Some(later),
            status: EntryStatus::Ended,
            ..Default::default()
        })
        .await,
        set([role.id, past_expiry.id, lifted.id])
    );

    assert_eq!(
        q(EntryFilter {
            kind: Some(IdentifierKind::Email),
            ..all.clone()
        })
        .await,
        set([optout.id, role.id, past_expiry.id])
    );
    assert_eq!(
        q(EntryFilter {
            kind: Some(IdentifierKind::CompanyId),
            ..Default::default()
        })
        .await,
        set([company.id])
    );
    assert_eq!(
        q(EntryFilter {
            reason: Some(Reason::HardBounce),
            ..all.clone()
        })
        .await,
        set([role.id])
    );
    assert_eq!(
        q(EntryFilter {
            reason: Some(Reason::Unsubscribe),
            ..all.clone()
        })
        .await,
        set([optout.id, lifted.id])
    );
    assert_eq!(
        q(EntryFilter {
            source: Some(SourceChannel::Call),
            ..all.clone()
        })
        .await,
        set([company.id])
    );
    assert_eq!(
        q(EntryFilter {
            source: Some(SourceChannel::Bounce),
            ..all.clone()
        })
        .await,
        set([role.id, past_expiry.id])
    );
    assert_eq!(
        q(EntryFilter {
            role_account: Some(true),
            ..all.clone()
        })
        .await,
        set([role.id])
    );
    assert_eq!(
        q(EntryFilter {
            role_account: Some(false),
            ..Default::default()
        })
        .await,
        set([optout.id, company.id])
    );
    assert_eq!(
        q(EntryFilter {
            ident_hash: Some(optout.ident_hash),
            ..all.clone()
        })
        .await,
        set([optout.id])
    );
    assert_eq!(
        q(EntryFilter {
            ident_hash: Some(IdentHash([9; 32])),
            ..all.clone()
        })
        .await,
        set([])
    );
    assert_eq!(
        q(EntryFilter {
            created_from: Some(at(4)),
            created_before: Some(at(2)),
            ..all.clone()
        })
        .await,
        set([company.id, role.id])
    );
    assert_eq!(
        q(EntryFilter {
            created_from: Some(at(2)),
            ..all.clone()
        })
        .await,
        set([past_expiry.id, lifted.id])
    );
    assert_eq!(
        q(EntryFilter {
            created_before: Some(at(4)),
            ..all.clone()
        })
        .await,
        set([optout.id])
    );
    assert_eq!(
        q(EntryFilter {
            kind: Some(IdentifierKind::Email),
            reason: Some(Reason::SoftBounceLimit),
            status: EntryStatus::Ended,
            ..Default::default()
        })
        .await,
        set([past_expiry.id])
    );

    // Entries come back as stored, newest first.
    let listed = all_entries(store, fx.id(), &all, 100).await;
    let mut sorted: Vec<EntryId> = listed.iter().map(|e| e.id).collect();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(listed.iter().map(|e| e.id).collect::<Vec<_>>(), sorted);
    assert_eq!(listed.iter().find(|e| e.id == role.id), Some(&role));
}

pub async fn list_entries_pagination(store: &dyn Store) {
    let fx = create_tenant(store, "pages").await;
    let mut created = Vec::new();
    for i in 0..25 {
        created.push(add(store, fx.email(&format!("p{i}@example.com"))).await.id);
    }
    let mut expected = created.clone();
    expected.sort_by(|a, b| b.cmp(a));

    for limit in [1u32, 5, 7, 25, 100] {
        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let p = store
                .list_entries(
                    fx.id(),
                    &EntryFilter::default(),
                    PageRequest { after, limit },
                )
                .await
                .unwrap();
            pages += 1;
            assert!(p.items.len() <= limit as usize);
            seen.extend(p.items.iter().map(|e| e.id));
            match p.next {
                Some(n) => {
                    assert_eq!(
                        p.items.len(),
                        limit as usize,
                        "only a full page may have a next page"
                    );
                    assert_eq!(Some(n), p.items.last().map(|e| e.id));
                    after = Some(n);
                }
                None => break,
            }
            assert!(pages <= 30, "pagination does not end");
        }
        assert_eq!(
            seen, expected,
            "limit {limit}: every entry once, newest first"
        );
        assert_eq!(
            pages,
            25usize.div_ceil(limit as usize),
            "limit {limit}: no empty trailing page"
        );
    }

    // A filter applies across pages.
    let narrowed = EntryFilter {
        ident_hash: Some(fx.hash(IdentifierKind::Email, "p3@example.com")),
        ..Default::default()
    };
    let p = store
        .list_entries(
            fx.id(),
            &narrowed,
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!((p.items.len(), p.next), (1, None));
    // A cursor past the oldest entry gives an empty last page.
    let p = store
        .list_entries(
            fx.id(),
            &EntryFilter::default(),
            PageRequest {
                after: expected.last().copied(),
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!((p.items.len(), p.next), (0, None));
}

pub async fn entries_by_hashes_includes_ended(store: &dyn Store) {
    let fx = create_tenant(store, "byhash").await;
    let other = create_tenant(store, "byhash-other").await;
    let a = add(store, fx.email("a@example.com")).await;
    let b = add(store, fx.email("b@example.com")).await;
    let b_lifted = lift_entry(store, &fx, b.id).await;
    let b2 = add(store, again(&fx.email("b@example.com"))).await;
    let c = add(store, fx.entry(IdentifierKind::Domain, "example.net")).await;
    let unrelated = add(store, fx.email("z@example.com")).await;

    let found = store
        .entries_by_hashes(
            fx.id(),
            &[a.ident_hash, b.ident_hash, c.ident_hash, IdentHash([3; 32])],
        )
        .await
        .unwrap();
    assert_eq!(ids(&found), set([a.id, b.id, b2.id, c.id]));
    assert!(!ids(&found).contains(&unrelated.id));
    let ended_b = found.iter().find(|e| e.id == b.id).unwrap();
    assert_eq!(
        ended_b.ended.as_ref().map(|e| (e.kind, e.lift_id)),
        Some((EndKind::Lifted, Some(b_lifted.id)))
    );
    assert!(
        store
            .entries_by_hashes(fx.id(), &[])
            .await
            .unwrap()
            .is_empty()
    );
    // The same identifier in another tenant has another hash, and the hashes of this tenant
    // find nothing there.
    assert!(
        store
            .entries_by_hashes(other.id(), &[a.ident_hash, b.ident_hash])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn entries_by_rows(store: &dyn Store) {
    let fx = create_tenant(store, "byrow").await;
    let other = create_tenant(store, "byrow-other").await;
    let mut entries = Vec::new();
    for i in 0..5 {
        entries.push(add(store, fx.email(&format!("r{i}@example.com"))).await);
    }
    let rows = store.index_rows(fx.id(), 0, 100).await.unwrap();
    assert_eq!(rows.len(), 5);
    let lifted = lift_entry(store, &fx, entries[2].id).await;

    let row_ids: Vec<i64> = rows.iter().map(|r| r.row_id).collect();
    let found = store.entries_by_rows(fx.id(), &row_ids).await.unwrap();
    assert_eq!(found.len(), 5);
    for (row, e) in &found {
        let index_row = rows.iter().find(|r| r.row_id == *row).unwrap();
        assert_eq!(index_row.entry_id, e.id);
        assert_eq!(e, &store.get_entry(fx.id(), e.id).await.unwrap());
    }
    // Ended entries are still returned.
    assert!(found.iter().any(|(_, e)| e.id == entries[2].id
        && e.ended.as_ref().and_then(|x| x.lift_id) == Some(lifted.id)));

    // Thousands of ids per call, most of them unknown.
    let max = *row_ids.iter().max().unwrap();
    let mut many: Vec<i64> = (1..=3000).map(|i| max + i * 7).collect();
    many.extend(&row_ids);
    many.push(row_ids[0]);
    let found = store.entries_by_rows(fx.id(), &many).await.unwrap();
    assert_eq!(
        found.iter().map(|(r, _)| *r).collect::<BTreeSet<_>>(),
        row_ids.iter().copied().collect()
    );
    assert!(
        store
            .entries_by_rows(fx.id(), &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .entries_by_rows(other.id(), &row_ids)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn index_rows_paging(store: &dyn Store) {
    let fx = create_tenant(store, "index").await;
    let mut batch = Vec::new();
    for i in 0..30 {
        let mut e = fx.email(&format!("i{i}@example.com"));
        if i % 3 == 0 {
            e.reason = Reason::HardBounce;
            e.channel = Channel::Email;
            e.expires_at = Some(veto_domain::now() + Duration::days(10));
        }
        batch.push(e);
    }
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    assert_eq!(
        store
            .import_entries(fx.id(), batch.clone(), d)
            .await
            .unwrap()
            .inserted,
        30
    );
    let past = add(store, expired(fx.email("late@example.com"))).await;

    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let page = store.index_rows(fx.id(), after, 7).await.unwrap();
        assert!(page.len() <= 7);
        let Some(last) = page.last() else { break };
        after = last.row_id;
        rows.extend(page);
    }
    assert_eq!(
        rows.len(),
        31,
        "every entry not ended, expired-but-not-ended included"
    );
    assert!(
        rows.windows(2).all(|w| w[0].row_id < w[1].row_id),
        "row order"
    );
    let by_row = store
        .entries_by_rows(fx.id(), &rows.iter().map(|r| r.row_id).collect::<Vec<_>>())
        .await
        .unwrap();
    for (row, e) in &by_row {
        assert_eq!(
            rows.iter().find(|r| r.row_id == *row),
            Some(&IndexRow::of(*row, e))
        );
    }
    assert_eq!(
        ids(&by_row.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>()).len(),
        31
    );
    assert!(by_row.iter().any(|(_, e)| e.id == past.id));

    // Ended entries leave the index.
    let gone = by_row[4].1.id;
    lift_entry(store, &fx, gone).await;
    let after_lift = store.index_rows(fx.id(), 0, 1000).await.unwrap();
    assert_eq!(after_lift.len(), 30);
    assert!(after_lift.iter().all(|r| r.entry_id != gone));

    // A range gives the rows in it that are not ended.
    let (first, last) = (rows[3].row_id, rows[10].row_id);
    let ranged = store
        .index_rows_in_range(fx.id(), first, last)
        .await
        .unwrap();
    let expected: Vec<IndexRow> = after_lift
        .iter()
        .filter(|r| (first..=last).contains(&r.row_id))
        .copied()
        .collect();
    assert_eq!(ranged, expected);
    assert_eq!(ranged.len(), 7);
    assert!(
        store
            .index_rows(fx.id(), rows[30].row_id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn change_feed(store: &dyn Store) {
    let fx = create_tenant(store, "feed").await;
    let start = store.latest_change().await.unwrap();

    let e = add(store, fx.email("feed@example.com")).await;
    let batch: Vec<NewEntry> = (0..3)
        .map(|i| fx.email(&format!("feed{i}@example.com")))
        .collect();
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    store
        .import_entries(fx.id(), batch.clone(), d)
        .await
        .unwrap();
    let lift = lift_entry(store, &fx, batch[1].id).await;
    let exp = add(
        store,
        expired_since(fx.email("feed-exp@example.com"), Duration::days(1)),
    )
    .await;
    store
        .expire_due(veto_domain::now() - Duration::hours(2), 10_000)
        .await
        .unwrap();
    let duplicate = store
        .add_suppression(again(&fx.email("feed@example.com")))
        .await
        .unwrap();
    assert!(matches!(duplicate, AddOutcome::Existing(_)));

    let all = store.changes_after(start, 100_000).await.unwrap();
    assert!(
        all.windows(2).all(|w| w[0].seq < w[1].seq),
        "seq strictly increasing"
    );
    assert!(all.first().is_none_or(|c| c.seq > start));
    let latest = store.latest_change().await.unwrap();
    assert!(all.last().is_some_and(|c| c.seq <= latest));
    let mine: Vec<Change> = all.into_iter().filter(|c| c.tenant_id == fx.id()).collect();

    // add, import, lift, add (expired), expiry: a duplicate writes no change.
    assert_eq!(mine.len(), 5, "{mine:?}");
    let ChangeOp::Added {
        first_row,
        last_row,
    } = mine[0].op
    else {
        panic!("expected Added, got {:?}", mine[0].op)
    };
    assert_eq!(first_row, last_row);
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(), [e.id]);
    let e_row = first_row;

    let ChangeOp::Added {
        first_row,
        last_row,
    } = mine[1].op
    else {
        panic!("expected Added, got {:?}", mine[1].op)
    };
    assert!(first_row > e_row && last_row >= first_row + 2);
    let in_range = store
        .entries_by_rows(fx.id(), &(first_row..=last_row).collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(
        ids(&in_range.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>()),
        batch.iter().map(|n| n.id).collect()
    );

    let lifted_row = in_range
        .iter()
        .find(|(_, e)| e.id == batch[1].id)
        .unwrap()
        .0;
    assert_eq!(
        mine[2].op,
        ChangeOp::Ended {
            row_id: lifted_row,
            short: batch[1].ident_hash.short_i64()
        }
    );
    let ChangeOp::Added {
        first_row: exp_row,
        last_row: exp_last,
    } = mine[3].op
    else {
        panic!("expected Added, got {:?}", mine[3].op)
    };
    assert_eq!(exp_row, exp_last);
    assert_eq!(
        mine[4].op,
        ChangeOp::Ended {
            row_id: exp_row,
            short: exp.ident_hash.short_i64()
        }
    );
    assert_eq!(
        store
            .get_entry(fx.id(), batch[1].id)
            .await
            .unwrap()
            .ended
            .and_then(|e| e.lift_id),
        Some(lift.id)
    );

    // Paging through the feed.
    let one = store.changes_after(start, 1).await.unwrap();
    assert_eq!(one.len(), 1);
    let rest = store.changes_after(one[0].seq, 100_000).await.unwrap();
    assert!(rest.iter().any(|c| c.seq == mine[4].seq));
    assert!(store.latest_change().await.unwrap() >= mine[4].seq);
}

pub async fn import_entries(store: &dyn Store) {
    let fx = create_tenant(store, "import").await;
    let existing = add(store, fx.email("known@example.com")).await;
    let head = store.audit_head(fx.id()).await.unwrap().0;

    let mut batch: Vec<NewEntry> = (0..5)
        .map(|i| fx.email(&format!("imp{i}@example.com")))
        .collect();
    batch.push(again(&fx.email("known@example.com")));
    batch.push(again(&batch[0]));
    // The same addresses in another scope (e-mail only) are entries of their own.
    batch.push(NewEntry {
        channel: Channel::Email,
        ..again(&batch[0])
    });
    batch.push(NewEntry {
        channel: Channel::Email,
        ..again(&fx.email("known@example.com"))
    });
    let before = store.latest_change().await.unwrap();
    let d = AuditDraft::new(
        &fx.actor(),
        actions::SUPPRESSIONS_IMPORTED,
        None,
        json!({ "file": "list.csv" }),
    );
    let r = store
        .import_entries(fx.id(), batch.clone(), d)
        .await
        .unwrap();
    assert_eq!(
        r,
        ImportReport {
            inserted: 7,
            already_active: 2
        }
    );

    let active = all_entries(store, fx.id(), &EntryFilter::default(), 100).await;
    assert_eq!(active.len(), 8);
    for n in batch[..5].iter().chain(&batch[7..]) {
        assert_eq!(
            store.get_entry(fx.id(), n.id).await.unwrap(),
            n.clone().into_entry()
        );
    }
    assert_not_found(
        store.get_entry(fx.id(), batch[5].id).await,
        "an entry skipped as in force",
    );
    assert_not_found(
        store.get_entry(fx.id(), batch[6].id).await,
        "an entry skipped as a duplicate in the batch",
    );
    assert!(active.iter().any(|e| e.id == existing.id));

    // One change covering the new rows, one audit event with the counts.
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(changes.len(), 1);
    let ChangeOp::Added {
        first_row,
        last_row,
    } = changes[0].op
    else {
        panic!("expected Added, got {:?}", changes[0].op)
    };
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.entry_id).collect::<BTreeSet<_>>(),
        batch[..5].iter().chain(&batch[7..]).map(|n| n.id).collect()
    );
    let events = chain(store, fx.id()).await;
    assert_eq!(events.len() as i64, head + 1);
    let ev = events.last().unwrap();
    assert_eq!(ev.action, actions::SUPPRESSIONS_IMPORTED);
    let data: serde_json::Value = serde_json::from_str(&ev.data).unwrap();
    assert_eq!(
        (
            data["inserted"].as_u64(),
            data["already_active"].as_u64(),
            data["file"].as_str()
        ),
        (Some(7), Some(2), Some("list.csv"))
    );

    // Re-running the import (fresh ids, as a second upload of the file would have) adds nothing.
    let before = store.latest_change().await.unwrap();
    let rerun: Vec<NewEntry> = batch.iter().map(again).collect();
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    let r = store.import_entries(fx.id(), rerun, d).await.unwrap();
    assert_eq!(
        r,
        ImportReport {
            inserted: 0,
            already_active: 9
        }
    );
    assert!(
        changes_of(store, fx.id(), before).await.is_empty(),
        "no Added change without new rows"
    );
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head + 2);
    assert_eq!(
        all_entries(store, fx.id(), &EntryFilter::default(), 100)
            .await
            .len(),
        8
    );

    // A lifted entry is no longer in force: importing it again creates a new entry.
    lift_entry(store, &fx, batch[1].id).await;
    let before = store.latest_change().await.unwrap();
    let reimported = again(&batch[1]);
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    let r = store
        .import_entries(fx.id(), vec![reimported.clone(), again(&batch[2])], d)
        .await
        .unwrap();
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(changes.len(), 1);
    let ChangeOp::Added {
        first_row,
        last_row,
    } = changes[0].op
    else {
        panic!("expected Added, got {:?}", changes[0].op)
    };
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(),
        [reimported.id]
    );
    assert_eq!(
        r,
        ImportReport {
            inserted: 1,
            already_active: 1
        }
    );
    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
}

pub async fn import_entries_large(store: &dyn Store) {
    let fx = create_tenant(store, "import-large").await;
    let before = store.latest_change().await.unwrap();
    let batch: Vec<NewEntry> = (0..2345)
        .map(|i| {
            let mut e = fx.email(&format!("bulk{i}@example.com"));
            if i % 2 == 0 {
                e.identifier = None;
                e.evidence = None;
            }
            e
        })
        .collect();
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    let r = store
        .import_entries(fx.id(), batch.clone(), d)
        .await
        .unwrap();
    assert_eq!(
        r,
        ImportReport {
            inserted: 2345,
            already_active: 0
        }
    );
    let changes = changes_of(store, fx.id(), before).await;
    assert_eq!(changes.len(), 1);
    let ChangeOp::Added {
        first_row,
        last_row,
    } = changes[0].op
    else {
        panic!("expected Added, got {:?}", changes[0].op)
    };
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2345);
    let by_id: std::collections::HashMap<EntryId, &NewEntry> =
        batch.iter().map(|n| (n.id, n)).collect();
    for r in &rows {
        assert_eq!(
            *r,
            IndexRow::of(r.row_id, &by_id[&r.entry_id].clone().into_entry())
        );
    }
    // Half again, half new.
    let mut second: Vec<NewEntry> = batch.iter().step_by(2).map(again).collect();
    second.extend((0..100).map(|i| fx.email(&format!("bulk-new{i}@example.com"))));
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    let r = store.import_entries(fx.id(), second, d).await.unwrap();
    assert_eq!(
        r,
        ImportReport {
            inserted: 100,
            already_active: 1173
        }
    );
    assert_eq!(
        store.index_rows(fx.id(), 0, 10_000).await.unwrap().len(),
        2445
    );
}

// ----- lifts -----

pub async fn lift_request_conflicts(store: &dyn Store) {
    let fx = create_tenant(store, "liftconf").await;
    let other = create_tenant(store, "liftconf-other").await;
    let manager = create_user(store, &fx, Role::Manager).await;
    let by = Actor::User(manager.id);
    let e = add(store, fx.email("lc@example.com")).await;
    let theirs = add(store, other.email("lc@example.com")).await;

    assert_not_found(
        store
            .create_lift_request(lift_request(&fx, EntryId::new(), manager.id), &by)
            .await,
        "a lift of an unknown entry",
    );
    assert_not_found(
        store
            .create_lift_request(lift_request(&fx, theirs.id, manager.id), &by)
            .await,
        "a lift of another tenant's entry",
    );

    let l = store
        .create_lift_request(lift_request(&fx, e.id, manager.id), &by)
        .await
        .unwrap();
    assert_eq!(store.get_lift_request(fx.id(), l.id).await.unwrap(), l);
    assert_conflict(
        store
            .create_lift_request(lift_request(&fx, e.id, manager.id), &by)
            .await,
        "a second pending request",
    );
    assert_not_found(
        store.get_lift_request(other.id(), l.id).await,
        "another tenant's lift request",
    );
    assert_not_found(
        store.get_lift_request(fx.id(), LiftId::new()).await,
        "an unknown lift request",
    );
    assert_not_found(
        store
            .decide_lift_request(fx.id(), decision(LiftId::new(), true, &fx.admin))
            .await,
        "deciding an unknown request",
    );

    // Lists and their filters.
    let e2 = add(store, fx.email("lc2@example.com")).await;
    let l2 = store
        .create_lift_request(lift_request(&fx, e2.id, manager.id), &by)
        .await
        .unwrap();
    store
        .decide_lift_request(fx.id(), decision(l2.id, false, &fx.admin))
        .await
        .unwrap();
    let tid = fx.id();
    let list = |f: LiftFilter, limit: u32| async move {
        store
            .list_lift_requests(tid, &f, PageRequest { after: None, limit })
            .await
            .unwrap()
    };
    let everything = list(LiftFilter::default(), 10).await;
    assert_eq!(
        everything.items.iter().map(|l| l.id).collect::<Vec<_>>(),
        [l2.id, l.id],
        "newest first"
    );
    assert_eq!(everything.next, None);
    let first = list(LiftFilter::default(), 1).await;
    assert_eq!((first.items.len(), first.next), (1, Some(l2.id)));
    let rest = store
        .list_lift_requests(
            fx.id(),
            &LiftFilter::default(),
            PageRequest {
                after: first.next,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            rest.items.iter().map(|l| l.id).collect::<Vec<_>>(),
            rest.next
        ),
        (vec![l.id], None)
    );
    let pending = list(
        LiftFilter {
            status: Some(LiftStatus::Pending),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(pending.items, std::slice::from_ref(&l));
    let rejected = list(
        LiftFilter {
            status: Some(LiftStatus::Rejected),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        rejected.items.iter().map(|l| l.id).collect::<Vec<_>>(),
        [l2.id]
    );
    let of_e2 = list(
        LiftFilter {
            entry_id: Some(e2.id),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        of_e2.items.iter().map(|l| l.id).collect::<Vec<_>>(),
        [l2.id]
    );
    assert!(
        store
            .list_lift_requests(
                other.id(),
                &LiftFilter::default(),
                PageRequest {
                    after: None,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Only entries in force can be lifted.
    let past = add(store, expired(fx.email("lc-exp@example.com"))).await;
    assert_conflict(
        store
            .create_lift_request(lift_request(&fx, past.id, manager.id), &by)
            .await,
        "a lift of an entry past its expiry",
    );
    store
        .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
        .await
        .unwrap();
    assert_conflict(
        store
            .create_lift_request(lift_request(&fx, e.id, manager.id), &by)
            .await,
        "a lift of a lifted entry",
    );
}

pub async fn lift_approve(store: &dyn Store) {
    let fx = create_tenant(store, "approve").await;
    let manager = create_user(store, &fx, Role::Manager).await;
    let n = fx.email("approve@example.com");
    let e = add(store, n.clone()).await;
    let before_change = store.latest_change().await.unwrap();
    let req = lift_request(&fx, e.id, manager.id);
    let l = store
        .create_lift_request(req.clone(), &Actor::User(manager.id))
        .await
        .unwrap();
    assert_eq!(l, req);

    let ops = create_user(store, &fx, Role::Ops).await;
    let d = decision(l.id, true, &ops);
    let decided = store.decide_lift_request(fx.id(), d.clone()).await.unwrap();
    assert_eq!(decided.status, LiftStatus::Approved);
    assert_eq!(
        (
            decided.decided_by,
            decided.decided_at,
            decided.decision_note.clone()
        ),
        (Some(ops.id), Some(d.at), d.note.clone())
    );
    assert_eq!(
        (
            decided.id,
            decided.entry_id,
            decided.requested_by,
            &decided.reason
        ),
        (l.id, e.id, manager.id, &l.reason)
    );
    assert_eq!(
        store.get_lift_request(fx.id(), l.id).await.unwrap(),
        decided
    );

    let ended = store.get_entry(fx.id(), e.id).await.unwrap();
    let end = ended
        .ended
        .clone()
        .expect("an approved lift ends the entry");
    assert_eq!(
        (end.kind, end.at, end.by.clone(), end.lift_id),
        (EndKind::Lifted, d.at, d.actor.clone(), Some(l.id))
    );
    assert!(!ended.active_at(d.at));
    assert!(!ended.active_at(veto_domain::now()));
    assert!(ended.active_at(d.at - Duration::seconds(1)));
    assert_eq!(ended.valid_until(), Some(d.at));

    // Decided is decided.
    assert_conflict(
        store
            .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
            .await,
        "approving twice",
    );
    assert_conflict(
        store
            .decide_lift_request(fx.id(), decision(l.id, false, &fx.admin))
            .await,
        "rejecting an approved request",
    );

    let changes = changes_of(store, fx.id(), before_change).await;
    assert_eq!(changes.len(), 1);
    let ChangeOp::Ended { row_id, short } = changes[0].op else {
        panic!("expected Ended, got {:?}", changes[0].op)
    };
    assert_eq!(short, e.ident_hash.short_i64());
    assert_eq!(
        store.entries_by_rows(fx.id(), &[row_id]).await.unwrap()[0]
            .1
            .id,
        e.id
    );
    assert!(
        store
            .index_rows(fx.id(), 0, 100)
            .await
            .unwrap()
            .iter()
            .all(|r| r.row_id != row_id)
    );

    let history = store.entry_history(fx.id(), e.id).await.unwrap();
    assert_eq!(
        actions_of(&history),
        [
            actions::SUPPRESSION_CREATED,
            actions::LIFT_REQUESTED,
            actions::LIFT_APPROVED,
            actions::SUPPRESSION_LIFTED
        ]
    );
    assert_eq!(history[2].actor, d.actor.to_string());

    // Lifted people can be suppressed again.
    let again_e = add(store, again(&n)).await;
    assert_ne!(again_e.id, e.id);
    assert_eq!(
        ids(&all_entries(store, fx.id(), &EntryFilter::default(), 10).await),
        set([again_e.id])
    );
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn lift_reject(store: &dyn Store) {
    let fx = create_tenant(store, "reject").await;
    let manager = create_user(store, &fx, Role::Manager).await;
    let e = add(store, fx.email("reject@example.com")).await;
    let before_change = store.latest_change().await.unwrap();
    let l = store
        .create_lift_request(
            lift_request(&fx, e.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();
    let d = decision(l.id, false, &fx.admin);
    let decided = store.decide_lift_request(fx.id(), d.clone()).await.unwrap();
    assert_eq!(
        (decided.status, decided.decided_by, decided.decided_at),
        (LiftStatus::Rejected, Some(fx.admin.id), Some(d.at))
    );
    let still = store.get_entry(fx.id(), e.id).await.unwrap();
    assert_eq!(still, e, "a rejection leaves the entry as it was");
    assert!(changes_of(store, fx.id(), before_change).await.is_empty());
    assert_conflict(
        store
            .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
            .await,
        "approving a rejected request",
    );
    // After a rejection a new request may be made.
    let l2 = store
        .create_lift_request(
            lift_request(&fx, e.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_lift_request(fx.id(), l2.id).await.unwrap().status,
        LiftStatus::Pending
    );
    let history = store.entry_history(fx.id(), e.id).await.unwrap();
    assert_eq!(
        actions_of(&history),
        [
            actions::SUPPRESSION_CREATED,
            actions::LIFT_REQUESTED,
            actions::LIFT_REJECTED,
            actions::LIFT_REQUESTED
        ]
    );
}

// ----- expiry and erasure -----

pub async fn expire_due(store: &dyn Store) {
    let fx = create_tenant(store, "expiry").await;
    let now = veto_domain::now();
    let day = Duration::days(1);
    let due = add(store, expired_since(fx.email("due@example.com"), day)).await;
    let due2 = add(
        store,
        expired_since(fx.entry(IdentifierKind::Domain, "due.example.com"), day),
    )
    .await;
    let recent = add(
        store,
        expired_since(fx.email("recent@example.com"), Duration::minutes(90)),
    )
    .await;
    let future = add(
        store,
        NewEntry {
            reason: Reason::HardBounce,
            expires_at: Some(now + day),
            ..fx.email("later@example.com")
        },
    )
    .await;
    let optout = add(store, fx.email("optout@example.com")).await;
    let before_change = store.latest_change().await.unwrap();

    // Expiry as of two hours ago: the entries that expired a day ago end, the others stay.
    let cutoff = now - Duration::hours(2);
    let check_returned = |ended: &[Entry], cutoff: Timestamp| {
        for e in ended {
            let end = e.ended.as_ref().expect("returned entries are ended");
            assert_eq!(
                (end.kind, Some(end.at), end.by.clone()),
                (EndKind::Expired, e.expires_at, Actor::system("expiry"))
            );
            assert!(e.expires_at.is_some_and(|x| x <= cutoff));
        }
    };
    let ended = store.expire_due(cutoff, 1).await.unwrap();
    assert!(ended.len() <= 1, "the limit is respected");
    check_returned(&ended, cutoff);
    for _ in 0..100 {
        // Other tenants' entries may be due too (stores may be shared); go on until none is.
        let ended = store.expire_due(cutoff, 1000).await.unwrap();
        check_returned(&ended, cutoff);
        if ended.is_empty() {
            break;
        }
    }
    for e in [&due, &due2] {
        let got = store.get_entry(fx.id(), e.id).await.unwrap();
        let end = got.ended.clone().expect("a due entry was ended");
        assert_eq!(
            (end.kind, end.at, end.by, end.lift_id),
            (
                EndKind::Expired,
                e.expires_at.unwrap(),
                Actor::system("expiry"),
                None
            )
        );
        assert!(got.active_at(e.expires_at.unwrap() - Duration::seconds(1)));
        assert!(!got.active_at(e.expires_at.unwrap()));
        let history = store.entry_history(fx.id(), e.id).await.unwrap();
        assert_eq!(
            actions_of(&history),
            [actions::SUPPRESSION_CREATED, actions::SUPPRESSION_EXPIRED]
        );
        assert_eq!(history[1].actor, "system:expiry");
    }
    for e in [&recent, &future, &optout] {
        assert_eq!(
            &store.get_entry(fx.id(), e.id).await.unwrap(),
            e,
            "not due yet"
        );
    }
    let index: HashSet<EntryId> = store
        .index_rows(fx.id(), 0, 100)
        .await
        .unwrap()
        .iter()
        .map(|r| r.entry_id)
        .collect();
    assert_eq!(
        index,
        [recent.id, future.id, optout.id].into_iter().collect()
    );
    assert_eq!(
        store
            .entries_by_hashes(fx.id(), &[due.ident_hash])
            .await
            .unwrap()
            .len(),
        1
    );

    // A later run ends the next one, still as of its own expiry; opt-outs never expire.
    let cutoff = now - Duration::minutes(80);
    let ended = store.expire_due(cutoff, 100_000).await.unwrap();
    check_returned(&ended, cutoff);
    assert!(
        ended
            .iter()
            .filter(|e| e.tenant_id == fx.id())
            .all(|e| e.id == recent.id)
    );
    let got = store.get_entry(fx.id(), recent.id).await.unwrap();
    assert_eq!(
        got.ended.map(|e| (e.kind, e.at)),
        Some((EndKind::Expired, recent.expires_at.unwrap()))
    );
    assert_eq!(store.get_entry(fx.id(), future.id).await.unwrap(), future);
    assert_eq!(store.get_entry(fx.id(), optout.id).await.unwrap(), optout);

    let changes = changes_of(store, fx.id(), before_change).await;
    let ended_shorts: BTreeSet<i64> = changes
        .iter()
        .map(|c| match c.op {
            ChangeOp::Ended { short, .. } => short,
            other => panic!("expected Ended, got {other:?}"),
        })
        .collect();
    let expected = [&due, &due2, &recent].map(|e| e.ident_hash.short_i64());
    assert_eq!(ended_shorts, expected.into_iter().collect());
    assert_eq!(changes.len(), 3);
    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
}

pub async fn erase(store: &dyn Store) {
    let fx = create_tenant(store, "erase").await;
    let manager = create_user(store, &fx, Role::Manager).await;
    let n = fx.email("forget.me@example.com");
    let e = add(store, n.clone()).await;
    let e_other_channel = add(
        store,
        NewEntry {
            channel: Channel::Email,
            ..again(&n)
        },
    )
    .await;
    let keep = add(store, fx.email("keep@example.com")).await;
    let l = store
        .create_lift_request(
            lift_request(&fx, e.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();
    store
        .decide_lift_request(fx.id(), decision(l.id, false, &fx.admin))
        .await
        .unwrap();
    let l_keep = store
        .create_lift_request(
            lift_request(&fx, keep.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();

    let d = AuditDraft::new(
        &fx.actor(),
        actions::ERASURE,
        None,
        json!({ "ident_hash": &n.ident_hash.to_hex()[..16] }),
    );
    let r = store
        .erase(fx.id(), &[n.ident_hash, IdentHash([5; 32])], d)
        .await
        .unwrap();
    assert_eq!(
        r,
        ErasureReport {
            entries: 2,
            lift_requests: 1,
            signals: 0,
            sends: 0,
        }
    );

    for id in [e.id, e_other_channel.id] {
        let got = store.get_entry(fx.id(), id).await.unwrap();
        assert_eq!(
            (got.identifier.clone(), got.evidence.clone(), got.erased),
            (None, None, true)
        );
        assert_eq!(got.ident_hash, n.ident_hash);
        assert!(
            got.ended.is_none(),
            "erasure does not lift: the person stays blocked"
        );
    }
    let found = store
        .entries_by_hashes(fx.id(), &[n.ident_hash])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|x| x.erased && x.identifier.is_none()));
    let lift = store.get_lift_request(fx.id(), l.id).await.unwrap();
    assert_eq!(
        (
            lift.reason.as_str(),
            lift.evidence.clone(),
            lift.decision_note.clone()
        ),
        ("[erased]", None, None)
    );
    assert_eq!(lift.status, LiftStatus::Rejected);
    assert_eq!(store.get_entry(fx.id(), keep.id).await.unwrap(), keep);
    assert_eq!(
        store.get_lift_request(fx.id(), l_keep.id).await.unwrap(),
        l_keep
    );

    let events = chain(store, fx.id()).await;
    let last = events.last().unwrap();
    assert_eq!(last.action, actions::ERASURE);
    let data: serde_json::Value = serde_json::from_str(&last.data).unwrap();
    assert_eq!(
        (data["entries"].as_u64(), data["lift_requests"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        events.iter().all(|ev| !ev.data.contains("forget.me")),
        "audit data never holds the identifier"
    );

    // Still blocked: adding the person again finds the erased entry.
    assert!(
        matches!(store.add_suppression(again(&n)).await.unwrap(), AddOutcome::Existing(x) if x.id == e.id && x.erased)
    );
    let d = draft(&fx.actor(), actions::ERASURE, None);
    assert_eq!(
        store.erase(fx.id(), &[], d).await.unwrap(),
        ErasureReport::default()
    );
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

// ----- isolation and audit -----

pub async fn tenant_isolation(store: &dyn Store) {
    let a = create_tenant(store, "iso-a").await;
    let b = create_tenant(store, "iso-b").await;
    let manager = create_user(store, &a, Role::Manager).await;
    let e = add(store, a.email("iso@example.com")).await;
    let l = store
        .create_lift_request(lift_request(&a, e.id, manager.id), &Actor::User(manager.id))
        .await
        .unwrap();
    let b_entry = add(store, b.email("iso@example.com")).await;
    let a_rows = store.index_rows(a.id(), 0, 100).await.unwrap();
    let a_row_ids: Vec<i64> = a_rows.iter().map(|r| r.row_id).collect();

    assert_not_found(store.get_entry(b.id(), e.id).await, "get_entry");
    assert_not_found(store.entry_history(b.id(), e.id).await, "entry_history");
    assert_not_found(store.get_user(b.id(), manager.id).await, "get_user");
    assert_not_found(
        store.get_lift_request(b.id(), l.id).await,
        "get_lift_request",
    );
    assert_not_found(
        store
            .decide_lift_request(b.id(), decision(l.id, true, &b.admin))
            .await,
        "decide_lift_request",
    );
    assert_not_found(
        store
            .create_lift_request(lift_request(&b, e.id, b.admin.id), &b.actor())
            .await,
        "create_lift_request",
    );
    let d = draft(&b.actor(), actions::USER_UPDATED, None);
    assert_not_found(
        store
            .update_user(
                b.id(),
                manager.id,
                UserPatch {
                    disabled: Some(true),
                    ..Default::default()
                },
                d,
            )
            .await,
        "update_user",
    );
    let d = draft(&b.actor(), actions::KEY_REVOKED, None);
    assert_not_found(
        store
            .revoke_key(b.id(), a.key.id, &b.actor(), veto_domain::now(), d)
            .await,
        "revoke_key",
    );

    let all = EntryFilter {
        status: EntryStatus::All,
        ..Default::default()
    };
    assert_eq!(
        ids(&all_entries(store, b.id(), &all, 100).await),
        set([b_entry.id])
    );
    let by_a_hash = EntryFilter {
        ident_hash: Some(e.ident_hash),
        ..all.clone()
    };
    assert!(all_entries(store, b.id(), &by_a_hash, 100).await.is_empty());
    assert!(
        store
            .entries_by_hashes(b.id(), &[e.ident_hash])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .entries_by_rows(b.id(), &a_row_ids)
            .await
            .unwrap()
            .is_empty()
    );
    let b_rows = store.index_rows(b.id(), 0, 100).await.unwrap();
    assert_eq!(
        b_rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(),
        [b_entry.id]
    );
    let first = a_row_ids.iter().min().copied().unwrap();
    assert!(
        store
            .index_rows_in_range(b.id(), first, first)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_users(b.id())
            .await
            .unwrap()
            .iter()
            .all(|u| u.tenant_id == b.id())
    );
    assert!(
        store
            .list_keys(b.id())
            .await
            .unwrap()
            .iter()
            .all(|k| k.tenant_id == b.id())
    );
    assert!(
        store
            .list_lift_requests(
                b.id(),
                &LiftFilter::default(),
                PageRequest {
                    after: None,
                    limit: 100
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let subject = AuditFilter {
        subject: Some(e.id.to_string()),
        ..Default::default()
    };
    assert!(
        store
            .list_audit(
                b.id(),
                &subject,
                PageRequest {
                    after: None,
                    limit: 100
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        chain(store, b.id())
            .await
            .iter()
            .all(|ev| ev.tenant_id == b.id())
    );
    assert!(
        store
            .key_by_hash(&a.key.key_hash)
            .await
            .unwrap()
            .is_some_and(|(k, u)| k.tenant_id == a.id() && u.tenant_id == a.id())
    );
    // Erasing in B does not touch A.
    let d = draft(&b.actor(), actions::ERASURE, None);
    assert_eq!(
        store.erase(b.id(), &[e.ident_hash], d).await.unwrap(),
        ErasureReport::default()
    );
    assert_eq!(store.get_entry(a.id(), e.id).await.unwrap(), e);
    assert!(verify_audit(store, a.id()).await.unwrap().ok);
    assert!(verify_audit(store, b.id()).await.unwrap().ok);
}

pub async fn audit_log(store: &dyn Store) {
    let fx = create_tenant(store, "audit").await;
    let manager = create_user(store, &fx, Role::Manager).await; // 4
    let sdr = create_user(store, &fx, Role::Sdr).await; // 5
    let sdr_key = api_key(&sdr, &fx.actor());
    let d = draft(
        &fx.actor(),
        actions::KEY_CREATED,
        Some(sdr_key.id.to_string()),
    );
    store.create_key(sdr_key.clone(), d).await.unwrap(); // 6
    let via_key = Actor::Key {
        key: sdr_key.id,
        user: sdr.id,
    };
    let n = NewEntry {
        created_by: via_key.clone(),
        ..fx.email("audit@example.com")
    };
    let e = add(store, n.clone()).await; // 7
    store
        .add_suppression(NewEntry {
            created_by: via_key.clone(),
            ..again(&n)
        })
        .await
        .unwrap(); // 8
    let l = store
        .create_lift_request(
            lift_request(&fx, e.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap(); // 9
    store
        .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
        .await
        .unwrap(); // 10, 11
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    store
        .import_entries(
            fx.id(),
            vec![fx.email("a1@example.com"), fx.email("a2@example.com")],
            d,
        )
        .await
        .unwrap(); // 12
    let blocked = AuditDraft::new(
        &via_key,
        actions::ATTEMPT_BLOCKED,
        Some(e.id.to_string()),
        json!({ "campaign": "q3" }),
    );
    let appended = store.append_audit(fx.id(), blocked).await.unwrap(); // 13
    assert_eq!(
        (
            appended.seq,
            appended.action.as_str(),
            appended.actor.clone()
        ),
        (13, actions::ATTEMPT_BLOCKED, via_key.to_string())
    );
    assert_eq!(appended.data, r#"{"campaign":"q3"}"#);
    let d = draft(
        &fx.actor(),
        actions::KEY_REVOKED,
        Some(sdr_key.id.to_string()),
    );
    store
        .revoke_key(fx.id(), sdr_key.id, &fx.actor(), veto_domain::now(), d)
        .await
        .unwrap(); // 14

    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.events, 14);
    let events = chain(store, fx.id()).await;
    assert_eq!(events.len(), 14);
    let last = events.last().unwrap();
    assert_eq!(
        store.audit_head(fx.id()).await.unwrap(),
        (last.seq, last.hash)
    );
    assert!(
        events
            .windows(2)
            .all(|w| w[1].prev_hash == w[0].hash && w[1].seq == w[0].seq + 1)
    );
    assert_eq!(events[12], appended);
    // The chain pages.
    let tail = store.audit_chain(fx.id(), 10, 3).await.unwrap();
    assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), [11, 12, 13]);

    // Newest first, in pages, without duplicates or gaps.
    let mut seqs = Vec::new();
    let mut after = None;
    loop {
        let p = store
            .list_audit(
                fx.id(),
                &AuditFilter::default(),
                PageRequest { after, limit: 4 },
            )
            .await
            .unwrap();
        seqs.extend(p.items.iter().map(|e| e.seq));
        match p.next {
            Some(n) => {
                assert_eq!(Some(n), p.items.last().map(|e| e.seq));
                after = Some(n);
            }
            None => break,
        }
    }
    assert_eq!(seqs, (1..=14).rev().collect::<Vec<_>>());
    let p = store
        .list_audit(
            fx.id(),
            &AuditFilter::default(),
            PageRequest {
                after: None,
                limit: 14,
            },
        )
        .await
        .unwrap();
    assert_eq!((p.items.len(), p.next), (14, None));
    assert_eq!(p.items[0], *last);

    let tid = fx.id();
    let list = |f: AuditFilter| async move {
        let p = store
            .list_audit(
                tid,
                &f,
                PageRequest {
                    after: None,
                    limit: 100,
                },
            )
            .await
            .unwrap();
        p.items.iter().map(|e| e.seq).collect::<Vec<_>>()
    };
    assert_eq!(
        list(AuditFilter {
            action: Some(actions::USER_CREATED.into()),
            ..Default::default()
        })
        .await,
        [5, 4, 2]
    );
    assert_eq!(
        list(AuditFilter {
            subject: Some(e.id.to_string()),
            ..Default::default()
        })
        .await,
        [13, 11, 10, 9, 8, 7]
    );
    assert_eq!(
        list(AuditFilter {
            action: Some(actions::ATTEMPT_BLOCKED.into()),
            subject: Some(e.id.to_string()),
            ..Default::default()
        })
        .await,
        [13]
    );
    // Events by these users, directly or through their keys (a manager's team view).
    assert_eq!(
        list(AuditFilter {
            actor_users: Some(vec![sdr.id]),
            ..Default::default()
        })
        .await,
        [13, 8, 7]
    );
    assert_eq!(
        list(AuditFilter {
            actor_users: Some(vec![sdr.id, manager.id]),
            ..Default::default()
        })
        .await,
        [13, 9, 8, 7]
    );
    assert!(
        list(AuditFilter {
            actor_users: Some(vec![]),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert_eq!(
        list(AuditFilter {
            actor_users: Some(vec![fx.admin.id]),
            ..Default::default()
        })
        .await,
        [14, 12, 11, 10, 6, 5, 4]
    );
    // Time bounds.
    let first_at = events[0].at;
    let last_at = last.at;
    assert_eq!(
        list(AuditFilter {
            from: Some(first_at),
            ..Default::default()
        })
        .await
        .len(),
        14
    );
    assert!(
        list(AuditFilter {
            from: Some(last_at + Duration::seconds(1)),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert!(
        list(AuditFilter {
            before: Some(first_at),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert_eq!(
        list(AuditFilter {
            before: Some(last_at + Duration::seconds(1)),
            ..Default::default()
        })
        .await
        .len(),
        14
    );
    let window = list(AuditFilter {
        from: Some(first_at),
        before: Some(last_at),
        ..Default::default()
    })
    .await;
    assert!(
        window
            .iter()
            .all(|s| events[(*s - 1) as usize].at < last_at)
    );
    assert_not_found(
        store
            .append_audit(
                TenantId::new(),
                draft(&fx.actor(), actions::ATTEMPT_BLOCKED, None),
            )
            .await,
        "an event of an unknown tenant",
    );
}

pub async fn entry_history(store: &dyn Store) {
    let fx = create_tenant(store, "history").await;
    let manager = create_user(store, &fx, Role::Manager).await;
    let n = fx.email("hist@example.com");
    let e = add(store, n.clone()).await;
    let other = add(store, fx.email("hist-other@example.com")).await;
    store.add_suppression(again(&n)).await.unwrap();
    store.add_suppression(again(&n)).await.unwrap();
    let l = store
        .create_lift_request(
            lift_request(&fx, e.id, manager.id),
            &Actor::User(manager.id),
        )
        .await
        .unwrap();
    store
        .decide_lift_request(fx.id(), decision(l.id, true, &fx.admin))
        .await
        .unwrap();
    let history = store.entry_history(fx.id(), e.id).await.unwrap();
    assert_eq!(
        actions_of(&history),
        [
            actions::SUPPRESSION_CREATED,
            actions::SUPPRESSION_DUPLICATE,
            actions::SUPPRESSION_DUPLICATE,
            actions::LIFT_REQUESTED,
            actions::LIFT_APPROVED,
            actions::SUPPRESSION_LIFTED,
        ]
    );
    assert!(
        history.windows(2).all(|w| w[0].seq < w[1].seq),
        "oldest first"
    );
    assert!(
        history
            .iter()
            .all(|ev| ev.subject.as_deref() == Some(e.id.to_string().as_str()))
    );
    let created: serde_json::Value = serde_json::from_str(&history[0].data).unwrap();
    assert_eq!(
        created["entry_id"].as_str(),
        Some(e.id.to_string().as_str())
    );
    assert!(
        !history[0].data.contains("hist@example.com"),
        "no clear identifier in audit data"
    );
    assert_eq!(
        actions_of(&store.entry_history(fx.id(), other.id).await.unwrap()),
        [actions::SUPPRESSION_CREATED]
    );
    assert_not_found(
        store.entry_history(fx.id(), EntryId::new()).await,
        "history of an unknown entry",
    );
    // An imported entry has no event of its own (the import's event has no subject).
    let imported = fx.email("hist-imported@example.com");
    let d = draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
    store
        .import_entries(fx.id(), vec![imported.clone()], d)
        .await
        .unwrap();
    assert!(
        store
            .entry_history(fx.id(), imported.id)
            .await
            .unwrap()
            .is_empty()
    );
}

// ----- contacts and imports -----

/// A contact of the fixture's tenant (not yet stored) with these addresses, created by the
/// admin, last touched by `import`.
pub fn contact(fx: &Fixture, emails: &[&str], import: Option<ImportId>) -> Contact {
    let data = ContactData {
        emails: emails
            .iter()
            .map(|e| EmailAddress::parse(e).unwrap())
            .collect(),
        phone: Some("+4930123456".into()),
        name: Some("Ada Lovelace".into()),
        company_id: Some("CRM-7".into()),
        company_name: Some("Analytical Engines".into()),
        owner: Some("team-east".into()),
        source_id: Some("hubspot:901".into()),
        custom: vec![("tier".into(), "gold".into())],
    };
    Contact::create(fx.id(), data, &fx.actor(), veto_domain::now(), import)
}

/// A finished import of the fixture's tenant with `report_chunks` chunks.
pub fn import_record(
    fx: &Fixture,
    id: ImportId,
    kind: ImportKind,
    report_chunks: u32,
) -> ImportRecord {
    let now = veto_domain::now();
    ImportRecord {
        id,
        tenant_id: fx.id(),
        kind,
        file_name: Some("leads q3.csv".into()),
        file_sha256: "ab".repeat(32),
        file_bytes: 12_345,
        format: Some("csv".into()),
        options: json!({ "delimiter": ";", "encoding": "utf-8" }),
        counts: ImportCounts {
            rows: 7,
            created: 3,
            updated: 1,
            blocked: 2,
            duplicate_in_file: 1,
            suppressions_added: 1,
            ..Default::default()
        },
        started_by: fx.actor(),
        started_at: now - Duration::seconds(5),
        finished_at: Some(now),
        report_chunks,
    }
}

fn blocked_draft(fx: &Fixture, entry: EntryId, line: u64) -> AuditDraft {
    AuditDraft::new(
        &fx.actor(),
        actions::ATTEMPT_BLOCKED,
        Some(entry.to_string()),
        json!({ "attempt": "import", "line": line }),
    )
}

fn leads_draft(fx: &Fixture, id: ImportId) -> AuditDraft {
    AuditDraft::new(
        &fx.actor(),
        actions::LEADS_IMPORTED,
        Some(id.to_string()),
        json!({ "import_id": id.to_string() }),
    )
}

/// Every contact of the tenant, following pages of `limit`.
pub async fn all_contacts(store: &dyn Store, tenant: TenantId, limit: u32) -> Vec<Contact> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = store
            .list_contacts(tenant, PageRequest { after, limit })
            .await
            .unwrap();
        assert!(p.items.len() <= limit as usize);
        out.extend(p.items);
        match p.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

/// Every entry of the export at `as_of`, following pages of `limit`.
pub async fn export_all(
    store: &dyn Store,
    tenant: TenantId,
    as_of: Option<Timestamp>,
    limit: u32,
) -> Vec<(i64, Entry)> {
    let mut out: Vec<(i64, Entry)> = Vec::new();
    let mut after = 0;
    loop {
        let page = store
            .export_entries(tenant, as_of, after, limit)
            .await
            .unwrap();
        assert!(page.len() <= limit as usize);
        assert!(page.windows(2).all(|w| w[0].0 < w[1].0), "row order");
        let Some((last, _)) = page.last() else {
            return out;
        };
        after = *last;
        out.extend(page);
    }
}

fn strings(emails: &[&str]) -> Vec<String> {
    emails.iter().map(|e| e.to_string()).collect()
}

pub async fn lead_import(store: &dyn Store) {
    let fx = create_tenant(store, "leads").await;
    let known = add(store, fx.email("known@example.com")).await;
    let head = store.audit_head(fx.id()).await.unwrap().0;
    let feed = store.latest_change().await.unwrap();
    let import_id = ImportId::new();

    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    // First batch: three new people.
    let wanted = strings(&["ada@example.com", "bob@example.com", "cy@example.com"]);
    assert!(tx.contacts_by_emails(&wanted).await.unwrap().is_empty());
    let a = contact(&fx, &["ada@example.com"], Some(import_id));
    let b = contact(&fx, &["bob@example.com"], Some(import_id));
    let mut c = contact(&fx, &["cy@example.com"], Some(import_id));
    c.phone = None;
    c.custom.clear();
    tx.write_contacts(&[a.clone(), b.clone(), c.clone()], &[])
        .await
        .unwrap();
    // The transaction reads its own writes.
    let mut found = tx.contacts_by_emails(&wanted).await.unwrap();
    found.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        found,
        [
            ("ada@example.com".to_string(), a.clone()),
            ("bob@example.com".to_string(), b.clone()),
            ("cy@example.com".to_string(), c.clone()),
        ]
    );

    // Second batch: Ada again, with a second address and a new name.
    let by_second = strings(&["ada.work@example.com", "ada@example.com"]);
    let found = tx.contacts_by_emails(&by_second).await.unwrap();
    assert_eq!(found, [("ada@example.com".to_string(), a.clone())]);
    let mut a2 = a.clone();
    let data = ContactData {
        emails: vec![
            EmailAddress::parse("ada@example.com").unwrap(),
            EmailAddress::parse("Ada.Work@Example.com").unwrap(),
        ],
        name: Some("Ada King".into()),
        ..Default::default()
    };
    assert!(a2.merge(
        &data,
        &fx.actor(),
        veto_domain::now() + Duration::seconds(1),
        Some(import_id)
    ));
    tx.write_contacts(&[], &[a2.clone()]).await.unwrap();
    let found = tx
        .contacts_by_emails(&strings(&["ada.work@example.com"]))
        .await
        .unwrap();
    assert_eq!(found, [("ada.work@example.com".to_string(), a2.clone())]);

    // The DNC column: a new suppression, one already in force, then the new one again.
    let dnc = fx.email("dnc@example.com");
    let out = tx
        .add_entries(vec![dnc.clone(), again(&fx.email("known@example.com"))])
        .await
        .unwrap();
    assert_eq!(
        out,
        [
            AddOutcome::Created(dnc.clone().into_entry()),
            AddOutcome::Existing(known.clone())
        ]
    );
    let out = tx.add_entries(vec![again(&dnc)]).await.unwrap();
    assert_eq!(out, [AddOutcome::Existing(dnc.clone().into_entry())]);
    assert!(tx.add_entries(Vec::new()).await.unwrap().is_empty());

    // Blocked rows and the report.
    tx.append_audit(vec![
        blocked_draft(&fx, known.id, 5),
        blocked_draft(&fx, dnc.id, 6),
    ])
    .await
    .unwrap();
    let chunks: Vec<Vec<u8>> = (0..3)
        .map(|n| format!("report chunk {n}").into_bytes())
        .collect();
    for (n, data) in (0u32..).zip(&chunks) {
        tx.write_report_chunk(n, data.clone()).await.unwrap();
    }
    let record = import_record(&fx, import_id, ImportKind::Leads, 3);
    tx.commit(&record, leads_draft(&fx, import_id))
        .await
        .unwrap();

    // The import and its report.
    assert_eq!(store.get_import(fx.id(), import_id).await.unwrap(), record);
    let listed = store
        .list_imports(
            fx.id(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.items, std::slice::from_ref(&record));
    assert_eq!(listed.next, None);
    for (n, data) in (0u32..).zip(&chunks) {
        assert_eq!(
            store
                .import_report_chunk(fx.id(), import_id, n)
                .await
                .unwrap()
                .as_ref(),
            Some(data)
        );
    }
    assert_eq!(
        store
            .import_report_chunk(fx.id(), import_id, 3)
            .await
            .unwrap(),
        None
    );
    assert_not_found(
        store.import_report_chunk(fx.id(), ImportId::new(), 0).await,
        "the report of an unknown import",
    );

    // The contacts, by each address and by id.
    for (email, want) in [
        ("ada@example.com", &a2),
        ("ada.work@example.com", &a2),
        ("bob@example.com", &b),
        ("cy@example.com", &c),
    ] {
        assert_eq!(
            store
                .contact_by_email(fx.id(), email)
                .await
                .unwrap()
                .as_ref(),
            Some(want),
            "{email}"
        );
    }
    assert_eq!(
        store
            .contact_by_email(fx.id(), "nobody@example.com")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.get_contact(fx.id(), a.id).await.unwrap(), a2);
    assert_not_found(
        store.get_contact(fx.id(), ContactId::new()).await,
        "an unknown contact",
    );
    let mut some = store
        .get_contacts(fx.id(), &[c.id, ContactId::new(), a.id, a.id])
        .await
        .unwrap();
    some.sort_by_key(|c| c.id);
    let mut want = vec![a2.clone(), c.clone()];
    want.sort_by_key(|c| c.id);
    assert_eq!(some, want, "known ids only, each once");
    assert!(store.get_contacts(fx.id(), &[]).await.unwrap().is_empty());
    let listed = all_contacts(store, fx.id(), 2).await;
    let mut want = vec![a2.clone(), b.clone(), c.clone()];
    want.sort_by_key(|c| std::cmp::Reverse(c.id));
    assert_eq!(listed, want, "newest first, across pages");

    // The suppression is in force and reached the feed in one change.
    assert_eq!(
        store.get_entry(fx.id(), dnc.id).await.unwrap(),
        dnc.clone().into_entry()
    );
    let changes = changes_of(store, fx.id(), feed).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    let ChangeOp::Added {
        first_row,
        last_row,
    } = changes[0].op
    else {
        panic!("expected Added, got {:?}", changes[0].op)
    };
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(),
        [dnc.id]
    );

    // The audit chain: the suppression events, the blocked rows, the import; all sealed.
    let events = chain(store, fx.id()).await;
    let new: Vec<&AuditEvent> = events.iter().filter(|e| e.seq > head).collect();
    assert_eq!(
        new.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        [
            actions::SUPPRESSION_CREATED,
            actions::SUPPRESSION_DUPLICATE,
            actions::SUPPRESSION_DUPLICATE,
            actions::ATTEMPT_BLOCKED,
            actions::ATTEMPT_BLOCKED,
            actions::LEADS_IMPORTED,
        ]
    );
    assert_eq!(new[0].subject.as_deref(), Some(dnc.id.to_string().as_str()));
    assert_eq!(
        new[1].subject.as_deref(),
        Some(known.id.to_string().as_str())
    );
    assert_eq!(
        new[5].subject.as_deref(),
        Some(import_id.to_string().as_str())
    );
    assert!(new.iter().all(|e| !e.data.contains("dnc@example.com")));
    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.events as i64, head + 6);
}

pub async fn lead_import_dropped_writes_nothing(store: &dyn Store) {
    let fx = create_tenant(store, "leads-drop").await;
    let head = store.audit_head(fx.id()).await.unwrap();
    let feed = store.latest_change().await.unwrap();
    let old = add(store, expired(fx.email("drop-expired@example.com"))).await;
    let head_after_add = store.audit_head(fx.id()).await.unwrap();
    assert_ne!(head, head_after_add);

    let ada = contact(&fx, &["drop@example.com"], None);
    let dnc = fx.email("drop-dnc@example.com");
    {
        let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
        tx.write_contacts(std::slice::from_ref(&ada), &[])
            .await
            .unwrap();
        let mut updated = ada.clone();
        updated.name = Some("changed".into());
        tx.write_contacts(&[], std::slice::from_ref(&updated))
            .await
            .unwrap();
        let out = tx
            .add_entries(vec![
                dnc.clone(),
                NewEntry {
                    expires_at: None,
                    ..again(&fx.email("drop-expired@example.com"))
                },
            ])
            .await
            .unwrap();
        assert!(out.iter().all(|o| matches!(o, AddOutcome::Created(_))));
        tx.append_audit(vec![blocked_draft(&fx, dnc.id, 2)])
            .await
            .unwrap();
        tx.write_report_chunk(0, b"rows".to_vec()).await.unwrap();
        // Dropped without commit.
    }

    assert_eq!(
        store
            .contact_by_email(fx.id(), "drop@example.com")
            .await
            .unwrap(),
        None
    );
    assert_not_found(store.get_contact(fx.id(), ada.id).await, "dropped contact");
    assert!(all_contacts(store, fx.id(), 10).await.is_empty());
    let imports = store
        .list_imports(
            fx.id(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(imports.items.is_empty());
    assert_not_found(store.get_entry(fx.id(), dnc.id).await, "dropped entry");
    // The expired entry was not ended either.
    assert_eq!(store.get_entry(fx.id(), old.id).await.unwrap(), old);
    assert_eq!(store.audit_head(fx.id()).await.unwrap(), head_after_add);
    let changes = changes_of(store, fx.id(), feed).await;
    assert_eq!(
        changes.len(),
        1,
        "only the add before the import: {changes:?}"
    );
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);

    // The store is usable after the rollback, and the same import goes through.
    let id = ImportId::new();
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    tx.write_contacts(std::slice::from_ref(&ada), &[])
        .await
        .unwrap();
    let out = tx.add_entries(vec![dnc.clone()]).await.unwrap();
    assert_eq!(out, [AddOutcome::Created(dnc.clone().into_entry())]);
    tx.commit(
        &import_record(&fx, id, ImportKind::Leads, 0),
        leads_draft(&fx, id),
    )
    .await
    .unwrap();
    assert_eq!(store.get_contact(fx.id(), ada.id).await.unwrap(), ada);
    assert!(store.get_entry(fx.id(), dnc.id).await.is_ok());
    assert_eq!(
        store.import_report_chunk(fx.id(), id, 0).await.unwrap(),
        None
    );
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn lead_import_address_conflict(store: &dyn Store) {
    let fx = create_tenant(store, "leads-conflict").await;
    let x = contact(&fx, &["owned@example.com"], None);
    let id = ImportId::new();
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    tx.write_contacts(std::slice::from_ref(&x), &[])
        .await
        .unwrap();
    tx.commit(
        &import_record(&fx, id, ImportKind::Leads, 0),
        leads_draft(&fx, id),
    )
    .await
    .unwrap();
    let head = store.audit_head(fx.id()).await.unwrap();

    // A new contact with an address of another contact.
    let y = contact(&fx, &["fresh@example.com", "owned@example.com"], None);
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    match tx.write_contacts(std::slice::from_ref(&y), &[]).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("owned@example.com"), "{m}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    // A failed step leaves the import unable to commit.
    let id2 = ImportId::new();
    assert!(
        tx.commit(
            &import_record(&fx, id2, ImportKind::Leads, 0),
            leads_draft(&fx, id2)
        )
        .await
        .is_err()
    );

    // An update that takes an address of another contact.
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let z = contact(&fx, &["z@example.com"], None);
    tx.write_contacts(std::slice::from_ref(&z), &[])
        .await
        .unwrap();
    let mut z2 = z.clone();
    z2.emails
        .push(EmailAddress::parse("owned@example.com").unwrap());
    match tx.write_contacts(&[], std::slice::from_ref(&z2)).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("owned@example.com"), "{m}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    drop(tx);

    // Two contacts of one write with the same address.
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let p = contact(&fx, &["twice@example.com"], None);
    let q = contact(&fx, &["other@example.com", "twice@example.com"], None);
    assert_conflict(
        tx.write_contacts(&[p, q], &[]).await,
        "one address, two contacts",
    );
    drop(tx);

    // An update of a contact that does not exist.
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let ghost = contact(&fx, &["ghost@example.com"], None);
    assert_not_found(
        tx.write_contacts(&[], std::slice::from_ref(&ghost)).await,
        "update of an unknown contact",
    );
    drop(tx);

    assert_eq!(
        store
            .contact_by_email(fx.id(), "owned@example.com")
            .await
            .unwrap(),
        Some(x.clone())
    );
    for gone in [
        "fresh@example.com",
        "z@example.com",
        "twice@example.com",
        "other@example.com",
    ] {
        assert_eq!(
            store.contact_by_email(fx.id(), gone).await.unwrap(),
            None,
            "{gone}"
        );
    }
    assert_eq!(all_contacts(store, fx.id(), 10).await, [x]);
    assert_eq!(store.audit_head(fx.id()).await.unwrap(), head);
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn lead_import_ends_expired_duplicate(store: &dyn Store) {
    let fx = create_tenant(store, "leads-expired").await;
    let old = add(store, expired(fx.email("lapsed@example.com"))).await;
    let feed = store.latest_change().await.unwrap();
    let fresh = NewEntry {
        expires_at: None,
        ..again(&fx.email("lapsed@example.com"))
    };
    let id = ImportId::new();
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let out = tx.add_entries(vec![fresh.clone()]).await.unwrap();
    assert_eq!(out, [AddOutcome::Created(fresh.clone().into_entry())]);
    tx.commit(
        &import_record(&fx, id, ImportKind::Leads, 0),
        leads_draft(&fx, id),
    )
    .await
    .unwrap();

    let ended = store.get_entry(fx.id(), old.id).await.unwrap();
    let end = ended.ended.expect("the expired entry was ended");
    assert_eq!(
        (end.kind, end.at, end.by),
        (
            EndKind::Expired,
            old.expires_at.unwrap(),
            Actor::system("expiry")
        )
    );
    assert_eq!(
        actions_of(&store.entry_history(fx.id(), old.id).await.unwrap()),
        [actions::SUPPRESSION_CREATED, actions::SUPPRESSION_EXPIRED]
    );
    let changes = changes_of(store, fx.id(), feed).await;
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(matches!(changes[0].op, ChangeOp::Ended { .. }));
    let ChangeOp::Added {
        first_row,
        last_row,
    } = changes[1].op
    else {
        panic!("expected Added, got {:?}", changes[1].op)
    };
    let rows = store
        .index_rows_in_range(fx.id(), first_row, last_row)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.entry_id).collect::<Vec<_>>(),
        [fresh.id]
    );
    let active = all_entries(store, fx.id(), &EntryFilter::default(), 10).await;
    assert_eq!(ids(&active), set([fresh.id]));
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn lead_imports_in_sequence(store: &dyn Store) {
    let fx = create_tenant(store, "leads-seq").await;
    let feed = store.latest_change().await.unwrap();
    let first = contact(&fx, &["seq@example.com"], None);
    let mut added = Vec::new();
    for round in 0..2u64 {
        let id = ImportId::new();
        let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
        let found = tx
            .contacts_by_emails(&strings(&["seq@example.com"]))
            .await
            .unwrap();
        if round == 0 {
            assert!(found.is_empty());
            tx.write_contacts(std::slice::from_ref(&first), &[])
                .await
                .unwrap();
        } else {
            assert_eq!(found.len(), 1);
            let mut c = found[0].1.clone();
            c.owner = Some("team-west".into());
            c.last_import = Some(id);
            tx.write_contacts(&[], &[c]).await.unwrap();
        }
        let dnc = fx.email(&format!("seq-dnc{round}@example.com"));
        tx.add_entries(vec![dnc.clone()]).await.unwrap();
        added.push(dnc.id);
        let blocked: Vec<AuditDraft> = (0..3)
            .map(|line| blocked_draft(&fx, dnc.id, line))
            .collect();
        tx.append_audit(blocked).await.unwrap();
        tx.write_report_chunk(0, vec![round as u8; 100])
            .await
            .unwrap();
        tx.commit(
            &import_record(&fx, id, ImportKind::Leads, 1),
            leads_draft(&fx, id),
        )
        .await
        .unwrap();
        assert_eq!(
            store.import_report_chunk(fx.id(), id, 0).await.unwrap(),
            Some(vec![round as u8; 100])
        );
    }
    let c = store
        .contact_by_email(fx.id(), "seq@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.owner.as_deref(), Some("team-west"));
    let changes = changes_of(store, fx.id(), feed).await;
    assert_eq!(changes.len(), 2);
    assert!(
        changes
            .iter()
            .all(|c| matches!(c.op, ChangeOp::Added { .. }))
    );
    let report = verify_audit(store, fx.id()).await.unwrap();
    assert!(report.ok, "{report:?}");
    // Tenant creation (3), then per import: created, 3 blocked, the import.
    assert_eq!(report.events, 3 + 2 * 5);
    assert_eq!(
        store
            .list_imports(
                fx.id(),
                PageRequest {
                    after: None,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

pub async fn record_import(store: &dyn Store) {
    let fx = create_tenant(store, "record-import").await;
    let head = store.audit_head(fx.id()).await.unwrap().0;
    let mut records = Vec::new();
    for i in 0..3u8 {
        let rec = import_record(&fx, ImportId::new(), ImportKind::Suppressions, 2);
        let chunks = vec![vec![i; 10], vec![i + 100; 3]];
        let d = AuditDraft::new(
            &fx.actor(),
            actions::MIGRATION_IMPORTED,
            Some(rec.id.to_string()),
            json!({ "format": "veto-csv" }),
        );
        store.record_import(&rec, chunks, d).await.unwrap();
        records.push(rec);
    }
    let rec = &records[0];
    assert_eq!(store.get_import(fx.id(), rec.id).await.unwrap(), *rec);
    assert_eq!(
        store.import_report_chunk(fx.id(), rec.id, 0).await.unwrap(),
        Some(vec![0; 10])
    );
    assert_eq!(
        store.import_report_chunk(fx.id(), rec.id, 1).await.unwrap(),
        Some(vec![100; 3])
    );
    assert_eq!(
        store.import_report_chunk(fx.id(), rec.id, 2).await.unwrap(),
        None
    );

    // Newest first, across pages.
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let p = store
            .list_imports(fx.id(), PageRequest { after, limit: 2 })
            .await
            .unwrap();
        assert!(p.items.len() <= 2);
        listed.extend(p.items);
        match p.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let mut want = records.clone();
    want.sort_by_key(|r| std::cmp::Reverse(r.id));
    assert_eq!(listed, want);

    // Recording an import twice, or with a wrong chunk count, changes nothing.
    let d = draft(&fx.actor(), actions::MIGRATION_IMPORTED, None);
    assert_conflict(
        store.record_import(rec, vec![vec![1], vec![2]], d).await,
        "the same import twice",
    );
    let d = draft(&fx.actor(), actions::MIGRATION_IMPORTED, None);
    let short = import_record(&fx, ImportId::new(), ImportKind::Suppressions, 2);
    assert!(store.record_import(&short, vec![vec![1]], d).await.is_err());
    assert_not_found(
        store.get_import(fx.id(), short.id).await,
        "a refused import",
    );

    let events = chain(store, fx.id()).await;
    assert_eq!(events.len() as i64, head + 3);
    assert!(
        events[head as usize..]
            .iter()
            .all(|e| e.action == actions::MIGRATION_IMPORTED)
    );
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn export_entries_as_of(store: &dyn Store) {
    let fx = create_tenant(store, "export").await;
    let other = create_tenant(store, "export-other").await;
    let now = veto_domain::now();
    let lifted = add(store, fx.email("exp-lifted@example.com")).await;
    let mut expiring = fx.email("exp-expiring@example.com");
    expiring.reason = Reason::SoftBounceLimit;
    expiring.source = SourceChannel::Bounce;
    expiring.expires_at = Some(now + Duration::hours(1));
    let expiring = add(store, expiring).await;
    let mut future = fx.email("exp-future@example.com");
    future.valid_from = now + Duration::days(1);
    future.evidence = Some("said \"stop\"\non the phone \\ Grüße ☎".into());
    let future = add(store, future).await;
    let mut hashed = fx.entry(IdentifierKind::Domain, "exp-hashed.example");
    hashed.identifier = None;
    hashed.evidence = None;
    hashed.valid_from = now + Duration::days(1);
    let hashed = add(store, hashed).await;
    add(store, other.email("exp-lifted@example.com")).await;
    let before_lift = veto_domain::now();
    lift_entry(store, &fx, lifted.id).await;
    let lifted = store.get_entry(fx.id(), lifted.id).await.unwrap();

    let entries = |v: Vec<(i64, Entry)>| v.into_iter().map(|(_, e)| e).collect::<Vec<_>>();
    assert_eq!(
        entries(export_all(store, fx.id(), None, 10).await),
        std::slice::from_ref(&expiring)
    );
    assert_eq!(
        entries(export_all(store, fx.id(), Some(before_lift), 1).await),
        [lifted.clone(), expiring.clone()]
    );
    assert!(
        export_all(store, fx.id(), Some(now + Duration::hours(2)), 10)
            .await
            .is_empty(),
        "lifted, expired, not yet valid"
    );
    assert_eq!(
        entries(export_all(store, fx.id(), Some(now + Duration::days(2)), 10).await),
        [future.clone(), hashed.clone()]
    );
    assert!(
        export_all(store, fx.id(), Some(now - Duration::days(2)), 10)
            .await
            .is_empty()
    );
    // Row ids are those of the entries, so paging can resume after any of them.
    let all = export_all(store, fx.id(), Some(before_lift), 10).await;
    let rows: Vec<i64> = all.iter().map(|(r, _)| *r).collect();
    let by_rows = store.entries_by_rows(fx.id(), &rows).await.unwrap();
    assert_eq!(by_rows, all);
    let rest = store
        .export_entries(fx.id(), Some(before_lift), rows[0], 10)
        .await
        .unwrap();
    assert_eq!(entries(rest), [expiring]);
}

pub async fn contacts_and_imports_isolation(store: &dyn Store) {
    let a = create_tenant(store, "iso-leads-a").await;
    let b = create_tenant(store, "iso-leads-b").await;
    let id = ImportId::new();
    let c = contact(&a, &["shared@example.com"], Some(id));
    let mut tx = store.begin_lead_import(a.id()).await.unwrap();
    tx.write_contacts(std::slice::from_ref(&c), &[])
        .await
        .unwrap();
    tx.add_entries(vec![a.email("iso-dnc@example.com")])
        .await
        .unwrap();
    tx.write_report_chunk(0, b"a's report".to_vec())
        .await
        .unwrap();
    tx.commit(
        &import_record(&a, id, ImportKind::Leads, 1),
        leads_draft(&a, id),
    )
    .await
    .unwrap();

    let first = PageRequest {
        after: None,
        limit: 10,
    };
    assert_not_found(store.get_import(b.id(), id).await, "get_import");
    assert!(
        store
            .list_imports(b.id(), first)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_not_found(
        store.import_report_chunk(b.id(), id, 0).await,
        "import_report_chunk",
    );
    assert_not_found(store.get_contact(b.id(), c.id).await, "get_contact");
    assert!(
        store
            .get_contacts(b.id(), &[c.id])
            .await
            .unwrap()
            .is_empty(),
        "get_contacts across tenants"
    );
    assert_eq!(
        store
            .contact_by_email(b.id(), "shared@example.com")
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .list_contacts(
                b.id(),
                PageRequest {
                    after: None,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .export_entries(b.id(), None, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .export_entries(a.id(), None, 0, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_not_found(
        store.begin_lead_import(TenantId::new()).await.map(drop),
        "an import into an unknown tenant",
    );

    // B's import sees none of A's contacts, and may use the same address for its own.
    let mut tx = store.begin_lead_import(b.id()).await.unwrap();
    assert!(
        tx.contacts_by_emails(&strings(&["shared@example.com"]))
            .await
            .unwrap()
            .is_empty()
    );
    let as_b = Contact {
        tenant_id: b.id(),
        ..c.clone()
    };
    assert_not_found(
        tx.write_contacts(&[], std::slice::from_ref(&as_b)).await,
        "updating another tenant's contact",
    );
    drop(tx);
    let mut tx = store.begin_lead_import(b.id()).await.unwrap();
    let cb = contact(&b, &["shared@example.com"], None);
    tx.write_contacts(std::slice::from_ref(&cb), &[])
        .await
        .unwrap();
    let wrong_tenant = contact(&a, &["other-tenant@example.com"], None);
    assert!(
        tx.write_contacts(std::slice::from_ref(&wrong_tenant), &[])
            .await
            .is_err()
    );
    drop(tx);
    let mut tx = store.begin_lead_import(b.id()).await.unwrap();
    tx.write_contacts(std::slice::from_ref(&cb), &[])
        .await
        .unwrap();
    let idb = ImportId::new();
    tx.commit(
        &import_record(&b, idb, ImportKind::Leads, 0),
        leads_draft(&b, idb),
    )
    .await
    .unwrap();
    assert_eq!(
        store
            .contact_by_email(a.id(), "shared@example.com")
            .await
            .unwrap(),
        Some(c)
    );
    assert_eq!(
        store
            .contact_by_email(b.id(), "shared@example.com")
            .await
            .unwrap(),
        Some(cb)
    );
    assert!(verify_audit(store, a.id()).await.unwrap().ok);
    assert!(verify_audit(store, b.id()).await.unwrap().ok);
}

/// Times a lead import on `store` — `n` new contacts written in batches of `batch` in one
/// import transaction, each batch first looked up by address as the import gate does — then
/// an export of as many entries, page by page; prints the figures. (The backends' speed
/// examples run it.)
pub async fn time_lead_import_and_export<S: Store>(store: &S, n: usize, batch: usize) {
    use std::time::{Duration as StdDuration, Instant};
    let name = store.backend();
    let batch = batch.max(1);
    let fx = create_tenant(store, "speed").await;
    let id = ImportId::new();

    let (mut lookup, mut write) = (StdDuration::ZERO, StdDuration::ZERO);
    let all = Instant::now();
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let mut done = 0;
    while done < n {
        let k = batch.min(n - done);
        let emails: Vec<String> = (done..done + k)
            .map(|i| format!("lead{i}@company{}.example", i % 997))
            .collect();
        let contacts: Vec<_> = emails
            .iter()
            .map(|e| contact(&fx, &[e.as_str()], Some(id)))
            .collect();
        let t = Instant::now();
        let found = tx.contacts_by_emails(&emails).await.unwrap();
        lookup += t.elapsed();
        assert!(found.is_empty());
        let t = Instant::now();
        tx.write_contacts(&contacts, &[]).await.unwrap();
        write += t.elapsed();
        done += k;
    }
    let t = Instant::now();
    let draft = AuditDraft::new(&fx.actor(), actions::LEADS_IMPORTED, None, json!({}));
    tx.commit(&import_record(&fx, id, ImportKind::Leads, 0), draft)
        .await
        .unwrap();
    let commit = t.elapsed();
    println!(
        "{name}: {n} contacts in batches of {batch}: write_contacts {:.2}s, contacts_by_emails {:.2}s, \
         commit {:.2}s, whole import {:.2}s",
        write.as_secs_f64(),
        lookup.as_secs_f64(),
        commit.as_secs_f64(),
        all.elapsed().as_secs_f64()
    );

    // Exports: as many entries, read back in pages of `batch`.
    let mut done = 0;
    while done < n {
        let k = 50_000.min(n - done);
        let entries: Vec<_> = (done..done + k)
            .map(|i| fx.email(&format!("dnc{i}@example.com")))
            .collect();
        let d = AuditDraft::new(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None, json!({}));
        store.import_entries(fx.id(), entries, d).await.unwrap();
        done += k;
    }
    let t = Instant::now();
    let (mut after, mut rows) = (0, 0);
    loop {
        let page = store
            .export_entries(fx.id(), None, after, batch as u32)
            .await
            .unwrap();
        let Some((last, _)) = page.last() else { break };
        after = *last;
        rows += page.len();
    }
    println!(
        "{name}: export of {rows} entries in pages of {batch}: {:.2}s",
        t.elapsed().as_secs_f64()
    );
}

// ----- signals -----

fn new_signal(fx: &Fixture, raw: &[u8], via: Via) -> NewSignal {
    NewSignal {
        id: SignalId::new(),
        tenant_id: fx.id(),
        key: raw_message_key(raw),
        via,
        content_type: "message/rfc822".into(),
        raw: raw.to_vec(),
        message_id: Some("<m1@example.net>".into()),
        received_by: fx.actor(),
        received_at: veto_domain::now(),
    }
}

fn finish(ignored: bool, subjects: Vec<IdentHash>) -> SignalFinish {
    SignalFinish {
        kind: "bounce".into(),
        outcome: r#"{"actions":[]}"#.into(),
        ignored,
        subjects,
        at: veto_domain::now(),
    }
}

pub async fn signals_recorded_once(store: &dyn Store) {
    let fx = create_tenant(store, "signals").await;
    let other = create_tenant(store, "signals-other").await;
    let raw = b"From: a@example.net\r\nSubject: x\r\n\r\nbody\r\n\xff";
    let first = new_signal(&fx, raw, Via::Mime);
    let id = first.id;
    let SignalStart::New(s) = store.begin_signal(first).await.unwrap() else {
        panic!("a new signal starts new");
    };
    assert_eq!((s.id, s.size, s.erased), (id, raw.len() as u64, false));
    assert_eq!(s.via, Via::Mime);
    assert!(s.processed_at.is_none() && s.outcome.is_none());
    // Received again before it finished (a crash in between): processed again, same row.
    let SignalStart::New(again) = store
        .begin_signal(new_signal(&fx, raw, Via::Imap))
        .await
        .unwrap()
    else {
        panic!("an unfinished signal is processed again");
    };
    assert_eq!(again.id, id);
    let head = chain(store, fx.id()).await.len();
    let d = AuditDraft::new(
        &fx.actor(),
        actions::SIGNAL_PROCESSED,
        Some(id.to_string()),
        json!({"kind": "bounce"}),
    );
    let done = store
        .finish_signal(fx.id(), id, finish(true, vec![IdentHash([9; 32])]), d)
        .await
        .unwrap();
    assert_eq!(done.ignored, Some(true));
    assert_eq!(done.kind.as_deref(), Some("bounce"));
    assert!(done.is_processed());
    let events = chain(store, fx.id()).await;
    assert_eq!(events.len(), head + 1);
    assert_eq!(events[head].action, actions::SIGNAL_PROCESSED);
    // Re-delivered: seen, nothing written.
    let SignalStart::Seen(seen) = store
        .begin_signal(new_signal(&fx, raw, Via::Mime))
        .await
        .unwrap()
    else {
        panic!("a processed signal is seen");
    };
    assert_eq!(seen, done);
    assert_eq!(
        store.signal_raw(fx.id(), id).await.unwrap().as_deref(),
        Some(&raw[..])
    );
    assert_eq!(store.get_signal(fx.id(), id).await.unwrap(), done);
    // Another tenant: its own signal with the same bytes; never the first tenant's.
    assert!(matches!(
        store.get_signal(other.id(), id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.signal_raw(other.id(), id).await,
        Err(StoreError::NotFound(_))
    ));
    let SignalStart::New(o) = store
        .begin_signal(new_signal(&other, raw, Via::Mime))
        .await
        .unwrap()
    else {
        panic!("the other tenant's signal is new");
    };
    assert_ne!(o.id, id);
    assert!(matches!(
        store
            .finish_signal(
                other.id(),
                id,
                finish(false, vec![]),
                draft(&other.actor(), actions::SIGNAL_PROCESSED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Listing: newest first, filters, pages.
    let mut ids = vec![id];
    for i in 0..4u8 {
        let raw = [b'm', i];
        let n = new_signal(&fx, &raw, Via::Webhook("ses".into()));
        let nid = n.id;
        store.begin_signal(n).await.unwrap();
        store
            .finish_signal(
                fx.id(),
                nid,
                finish(i % 2 == 0, vec![]),
                draft(&fx.actor(), actions::SIGNAL_PROCESSED, None),
            )
            .await
            .unwrap();
        ids.push(nid);
    }
    let all = store
        .list_signals(
            fx.id(),
            &SignalFilter::default(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    let listed: Vec<SignalId> = all.items.iter().map(|s| s.id).collect();
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    let ignored = store
        .list_signals(
            fx.id(),
            &SignalFilter {
                ignored: Some(true),
                kind: None,
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(ignored.items.len(), 3, "the first and two of the four");
    let p1 = store
        .list_signals(
            fx.id(),
            &SignalFilter::default(),
            PageRequest {
                after: None,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(p1.items.len(), 2);
    let p2 = store
        .list_signals(
            fx.id(),
            &SignalFilter::default(),
            PageRequest {
                after: p1.next,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(p2.items.len(), 3);
    assert!(p2.next.is_none());
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn signals_erased_with_the_person(store: &dyn Store) {
    let fx = create_tenant(store, "signals-erase").await;
    let person = IdentHash([7; 32]);
    let raw = b"To: forget.me@example.org\r\n\r\nbounce";
    let n = new_signal(&fx, raw, Via::Mime);
    let id = n.id;
    store.begin_signal(n).await.unwrap();
    store
        .finish_signal(
            fx.id(),
            id,
            finish(false, vec![person]),
            draft(&fx.actor(), actions::SIGNAL_PROCESSED, None),
        )
        .await
        .unwrap();
    let keep_raw = b"To: keep@example.org\r\n\r\nbounce";
    let k = new_signal(&fx, keep_raw, Via::Mime);
    let kid = k.id;
    store.begin_signal(k).await.unwrap();
    store
        .finish_signal(
            fx.id(),
            kid,
            finish(false, vec![IdentHash([8; 32])]),
            draft(&fx.actor(), actions::SIGNAL_PROCESSED, None),
        )
        .await
        .unwrap();
    let r = store
        .erase(
            fx.id(),
            &[person],
            draft(&fx.actor(), actions::ERASURE, None),
        )
        .await
        .unwrap();
    assert_eq!(r.signals, 1);
    let s = store.get_signal(fx.id(), id).await.unwrap();
    assert!(s.erased && s.outcome.is_none() && s.message_id.is_none());
    assert_eq!(s.size, raw.len() as u64);
    assert_eq!(store.signal_raw(fx.id(), id).await.unwrap(), None);
    assert!(store.signal_raw(fx.id(), kid).await.unwrap().is_some());
    // The same message again is still recognised (its key stays): processed once.
    assert!(matches!(
        store
            .begin_signal(new_signal(&fx, raw, Via::Mime))
            .await
            .unwrap(),
        SignalStart::Seen(_)
    ));
}

pub async fn soft_bounce_counts(store: &dyn Store) {
    let fx = create_tenant(store, "soft-bounces").await;
    let other = create_tenant(store, "soft-bounces-other").await;
    let h = IdentHash([3; 32]);
    let t0 = veto_domain::now();
    let c1 = store.count_soft_bounce(fx.id(), &h, t0).await.unwrap();
    assert_eq!((c1.count, c1.first_at, c1.last_at), (1, t0, t0));
    let t1 = t0 + Duration::days(10);
    let c2 = store.count_soft_bounce(fx.id(), &h, t1).await.unwrap();
    assert_eq!((c2.count, c2.first_at, c2.last_at), (2, t0, t1));
    // An older bounce read late still counts and widens the span backwards.
    let early = t0 - Duration::days(6);
    let c3 = store.count_soft_bounce(fx.id(), &h, early).await.unwrap();
    assert_eq!((c3.count, c3.first_at, c3.last_at), (3, early, t1));
    assert!(c3.reaches(3, 15));
    // Tenants count separately.
    let o = store.count_soft_bounce(other.id(), &h, t0).await.unwrap();
    assert_eq!(o.count, 1);
    assert!(store.reset_soft_bounces(fx.id(), &h).await.unwrap());
    assert!(!store.reset_soft_bounces(fx.id(), &h).await.unwrap());
    let again = store.count_soft_bounce(fx.id(), &h, t1).await.unwrap();
    assert_eq!(again.count, 1);
    assert_eq!(
        store
            .count_soft_bounce(other.id(), &h, t1)
            .await
            .unwrap()
            .count,
        2
    );
}

pub async fn inbound_sources(store: &dyn Store) {
    let fx = create_tenant(store, "sources").await;
    let other = create_tenant(store, "sources-other").await;
    let src = |fx: &Fixture, kind: SourceKind, name: &str| InboundSource {
        id: SourceId::new(),
        tenant_id: fx.id(),
        kind,
        name: name.into(),
        config: r#"{"host":"imap.example.net"}"#.into(),
        secret: Some(vec![1, 2, 3, 0, 255]),
        state: "{}".into(),
        enabled: true,
        created_by: fx.actor(),
        created_at: veto_domain::now(),
        last_run_at: None,
        last_error: None,
    };
    let a = src(&fx, SourceKind::Imap, "support inbox");
    let b = src(&fx, SourceKind::SendGrid, "sendgrid");
    let o = src(&other, SourceKind::Imap, "other inbox");
    for s in [&a, &b, &o] {
        let d = draft(&fx.actor(), actions::SOURCE_CREATED, Some(s.id.to_string()));
        store.create_source(s, d).await.unwrap();
    }
    assert!(matches!(
        store
            .create_source(&a, draft(&fx.actor(), actions::SOURCE_CREATED, None))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_source(fx.id(), a.id).await.unwrap(), a);
    assert!(matches!(
        store.get_source(other.id(), a.id).await,
        Err(StoreError::NotFound(_))
    ));
    let mine: Vec<SourceId> = store
        .list_sources(fx.id())
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(mine, vec![a.id, b.id]);
    let imap: Vec<SourceId> = store
        .enabled_sources(SourceKind::Imap)
        .await
        .unwrap()
        .iter()
        .filter(|s| s.tenant_id == fx.id() || s.tenant_id == other.id())
        .map(|s| s.id)
        .collect();
    assert_eq!(imap.len(), 2);
    assert!(imap.contains(&a.id) && imap.contains(&o.id));

    let at = veto_domain::now();
    store
        .record_source_run(
            fx.id(),
            a.id,
            r#"{"uid_validity":7,"last_uid":42}"#,
            at,
            Some("login refused"),
        )
        .await
        .unwrap();
    let got = store.get_source(fx.id(), a.id).await.unwrap();
    assert_eq!(got.state, r#"{"uid_validity":7,"last_uid":42}"#);
    assert_eq!(
        (got.last_run_at, got.last_error.as_deref()),
        (Some(at), Some("login refused"))
    );
    store
        .record_source_run(fx.id(), a.id, "{}", at, None)
        .await
        .unwrap();
    assert_eq!(
        store.get_source(fx.id(), a.id).await.unwrap().last_error,
        None
    );
    assert!(matches!(
        store
            .record_source_run(other.id(), a.id, "{}", at, None)
            .await,
        Err(StoreError::NotFound(_))
    ));

    let head = chain(store, fx.id()).await.len();
    let off = store
        .disable_source(
            fx.id(),
            a.id,
            draft(
                &fx.actor(),
                actions::SOURCE_DISABLED,
                Some(a.id.to_string()),
            ),
        )
        .await
        .unwrap();
    assert!(!off.enabled);
    // Idempotent: a second switch-off writes nothing.
    store
        .disable_source(
            fx.id(),
            a.id,
            draft(&fx.actor(), actions::SOURCE_DISABLED, None),
        )
        .await
        .unwrap();
    assert_eq!(chain(store, fx.id()).await.len(), head + 1);
    assert!(
        !store
            .enabled_sources(SourceKind::Imap)
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == a.id)
    );
    assert!(matches!(
        store
            .disable_source(
                other.id(),
                b.id,
                draft(&other.actor(), actions::SOURCE_DISABLED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}

pub async fn routes_first_is_default(store: &dyn Store) {
    let fx = create_tenant(store, "routes").await;
    let other = create_tenant(store, "routes-other").await;
    let route = |fx: &Fixture, name: &str| Route {
        id: RouteId::new(),
        tenant_id: fx.id(),
        name: name.into(),
        host: "smtp.example.net".into(),
        port: 587,
        tls: RouteTls::StartTls,
        username: Some("relay".into()),
        password: Some(vec![9, 8, 7]),
        is_default: true,
        created_by: fx.actor(),
        created_at: veto_domain::now(),
    };
    let a = store
        .create_route(
            &route(&fx, "main"),
            draft(&fx.actor(), actions::ROUTE_CREATED, None),
        )
        .await
        .unwrap();
    let b = store
        .create_route(
            &route(&fx, "backup"),
            draft(&fx.actor(), actions::ROUTE_CREATED, None),
        )
        .await
        .unwrap();
    assert!(a.is_default && !b.is_default);
    assert!(matches!(
        store
            .create_route(
                &route(&fx, "main"),
                draft(&fx.actor(), actions::ROUTE_CREATED, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let o = store
        .create_route(
            &route(&other, "main"),
            draft(&other.actor(), actions::ROUTE_CREATED, None),
        )
        .await
        .unwrap();
    assert!(o.is_default, "each tenant has its own default");
    assert_eq!(store.get_route(fx.id(), a.id).await.unwrap(), a);
    assert!(matches!(
        store.get_route(other.id(), a.id).await,
        Err(StoreError::NotFound(_))
    ));
    let ids: Vec<RouteId> = store
        .list_routes(fx.id())
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec![a.id, b.id]);
    assert!(verify_audit(store, fx.id()).await.unwrap().ok);
}
