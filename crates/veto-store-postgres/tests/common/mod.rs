//! Fixtures shared by this crate's tests.
#![allow(dead_code)]

use serde_json::json;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::{ApiKeyId, EntryId, TenantId, UserId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::keyed_hash::{IdentifierHasher, TenantSecret};
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_store::{ApiKey, Store, Tenant, User};
use veto_store_postgres::PostgresStore;
use veto_store_postgres::testing::{TestDb, test_database};

/// A test database and a store on it; `None` when PostgreSQL tests are skipped.
pub async fn setup() -> Option<(TestDb, PostgresStore)> {
    let db = test_database().await?;
    let store = db.store().await;
    Some((db, store))
}

/// A tenant with its admin and the admin's key.
pub struct Fixture {
    pub tenant: Tenant,
    pub admin: User,
    pub key: ApiKey,
    pub hasher: IdentifierHasher,
}

impl Fixture {
    pub fn actor(&self) -> Actor {
        Actor::User(self.admin.id)
    }

    pub fn email(&self, addr: &str) -> NewEntry {
        self.entry(IdentifierKind::Email, addr)
    }

    pub fn entry(&self, kind: IdentifierKind, raw: &str) -> NewEntry {
        let ident = Identifier::parse(kind, raw).unwrap();
        let now = veto_domain::now();
        NewEntry {
            id: EntryId::new(),
            tenant_id: self.tenant.id,
            kind,
            ident_hash: self.hasher.hash(&ident),
            identifier: Some(ident),
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason: Reason::Unsubscribe,
            source: SourceChannel::Api,
            evidence: Some("replied STOP".into()),
            role_account: false,
            created_by: self.actor(),
            created_at: now,
            valid_from: now,
            expires_at: None,
        }
    }

    pub fn user(&self, email: &str, role: Role) -> User {
        User {
            id: UserId::new(),
            tenant_id: self.tenant.id,
            email: email.into(),
            name: None,
            role,
            team: None,
            disabled: false,
            created_at: veto_domain::now(),
            created_by: self.actor(),
        }
    }

    pub fn key_for(&self, user: &User, secret_hash: [u8; 32]) -> ApiKey {
        ApiKey {
            id: ApiKeyId::new(),
            tenant_id: self.tenant.id,
            user_id: user.id,
            name: Some("ci".into()),
            prefix: "vk_test".into(),
            key_hash: secret_hash,
            created_at: veto_domain::now(),
            created_by: self.actor(),
            revoked_at: None,
            revoked_by: None,
        }
    }
}

pub fn draft(actor: &Actor, action: &'static str, subject: Option<String>) -> AuditDraft {
    AuditDraft::new(actor, action, subject, json!({"note": "test"}))
}

pub fn random_hash() -> [u8; 32] {
    TenantSecret::generate().0
}

/// Creates a tenant named `name` (made unique) with an admin and a key.
pub async fn tenant(store: &dyn Store, name: &str) -> Fixture {
    let now: Timestamp = veto_domain::now();
    let tenant = Tenant {
        id: TenantId::new(),
        name: format!("{name}-{}", uuid::Uuid::now_v7().simple()),
        created_at: now,
        policy: TenantPolicy::default(),
        secret: TenantSecret::generate(),
    };
    let admin = User {
        id: UserId::new(),
        tenant_id: tenant.id,
        email: "admin@example.com".into(),
        name: Some("Admin".into()),
        role: Role::Admin,
        team: None,
        disabled: false,
        created_at: now,
        created_by: Actor::system("bootstrap"),
    };
    let key = ApiKey {
        id: ApiKeyId::new(),
        tenant_id: tenant.id,
        user_id: admin.id,
        name: None,
        prefix: "vk_admin".into(),
        key_hash: random_hash(),
        created_at: now,
        created_by: Actor::system("bootstrap"),
        revoked_at: None,
        revoked_by: None,
    };
    let boot = Actor::system("bootstrap");
    let drafts = vec![
        draft(&boot, actions::TENANT_CREATED, Some(tenant.id.to_string())),
        draft(&boot, actions::USER_CREATED, Some(admin.id.to_string())),
        draft(&boot, actions::KEY_CREATED, Some(key.id.to_string())),
    ];
    store
        .create_tenant(tenant.clone(), admin.clone(), key.clone(), drafts)
        .await
        .unwrap();
    let hasher = IdentifierHasher::new(&tenant.secret);
    Fixture {
        tenant,
        admin,
        key,
        hasher,
    }
}
