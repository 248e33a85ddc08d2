//! Creating tenants: the tenant, its identifier-hash secret, its first admin and that admin's
//! first API key, audited as the first events of the tenant's chain.

use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::email::EmailAddress;
use veto_domain::id::{ApiKeyId, TenantId, UserId};
use veto_domain::keyed_hash::TenantSecret;
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_store::{ApiKey, Store, Tenant, User};

/// What a new tenant's creator must keep: the admin key is shown only once.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Provisioned {
    pub tenant_id: TenantId,
    pub admin_user_id: UserId,
    pub api_key: String,
}

/// Creates a tenant with an admin user and key.
pub async fn create_tenant(
    store: &dyn Store,
    name: &str,
    admin_email: &str,
) -> anyhow::Result<Provisioned> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "the tenant name is empty");
    let email =
        EmailAddress::parse(admin_email).map_err(|e| anyhow::anyhow!("--admin-email: {e}"))?;
    let actor = Actor::system("provision");
    let now = veto_domain::now();
    let tenant = Tenant {
        id: TenantId::new(),
        name: name.to_string(),
        created_at: now,
        policy: TenantPolicy::default(),
        secret: TenantSecret::generate(),
    };
    let admin = User {
        id: UserId::new(),
        tenant_id: tenant.id,
        email: email.to_string(),
        name: None,
        role: Role::Admin,
        team: None,
        disabled: false,
        created_at: now,
        created_by: actor.clone(),
    };
    let secret = crate::auth::generate_key();
    let key = ApiKey {
        id: ApiKeyId::new(),
        tenant_id: tenant.id,
        user_id: admin.id,
        name: Some("bootstrap".into()),
        prefix: secret.prefix.clone(),
        key_hash: secret.hash,
        created_at: now,
        created_by: actor.clone(),
        revoked_at: None,
        revoked_by: None,
    };
    let drafts = vec![
        AuditDraft::new(
            &actor,
            actions::TENANT_CREATED,
            Some(tenant.id.to_string()),
            serde_json::json!({"name": name}),
        ),
        AuditDraft::new(
            &actor,
            actions::USER_CREATED,
            Some(admin.id.to_string()),
            serde_json::json!({"role": "admin"}),
        ),
        AuditDraft::new(
            &actor,
            actions::KEY_CREATED,
            Some(key.id.to_string()),
            serde_json::json!({"user_id": admin.id.to_string(), "prefix": key.prefix}),
        ),
    ];
    let out = Provisioned {
        tenant_id: tenant.id,
        admin_user_id: admin.id,
        api_key: secret.secret,
    };
    store.create_tenant(tenant, admin, key, drafts).await?;
    Ok(out)
}

/// Creates tenant "default" with admin "admin@localhost.localdomain" when the store has no tenant.
pub async fn bootstrap_if_empty(store: &dyn Store) -> anyhow::Result<Option<Provisioned>> {
    if !store.list_tenants().await?.is_empty() {
        return Ok(None);
    }
    create_tenant(store, "default", "admin@localhost.localdomain")
        .await
        .map(Some)
}
