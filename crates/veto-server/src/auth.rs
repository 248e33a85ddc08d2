//! API keys and callers. A key is `veto_` followed by 64 hex digits of randomness; only its
//! SHA-256 is stored (it is a random secret, not a password, so a fast hash is the right tool)
//! and compared in constant time by the lookup of that hash.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use veto_domain::actor::Actor;
use veto_domain::id::{ApiKeyId, TenantId};
use veto_domain::role::{Action, Permission, Role};
use veto_store::User;

use crate::error::ApiError;
use crate::state::AppState;

/// A new key's secret, its hash and its display prefix.
pub struct NewSecret {
    pub secret: String,
    pub hash: [u8; 32],
    pub prefix: String,
}

pub fn generate_key() -> NewSecret {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    let secret = format!("veto_{}", veto_domain::keyed_hash::hex(&b));
    NewSecret {
        hash: hash_key(&secret),
        prefix: secret[..13].to_string(),
        secret,
    }
}

pub fn hash_key(secret: &str) -> [u8; 32] {
    let d = Sha256::digest(secret.trim().as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(&d);
    out
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant_id: TenantId,
    pub user: User,
    pub key_id: ApiKeyId,
}

impl Caller {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn actor(&self) -> Actor {
        Actor::Key {
            key: self.key_id,
            user: self.user.id,
        }
    }

    /// Refuses with 403 unless the caller's role permits `action`.
    pub fn require(&self, action: Action) -> Result<Permission, ApiError> {
        let p = self.role().permits(action);
        if p.is_allowed() {
            Ok(p)
        } else {
            Err(ApiError::forbidden(format!(
                "a {} may not {}",
                self.role(),
                action_words(action)
            )))
        }
    }
}

fn action_words(a: Action) -> &'static str {
    match a {
        Action::Check => "check identifiers",
        Action::ReadSuppressions => "read suppressions",
        Action::AddSuppression => "add suppressions",
        Action::RequestLift => "request lifts (manager, ops or admin may)",
        Action::DecideLift => "approve or reject lifts (ops or admin may)",
        Action::DecideProtectedLift => "lift complaint or legal_request entries (admin only)",
        Action::ManageRules => "change tenant rules (ops or admin may)",
        Action::ReadRules => "read tenant rules",
        Action::ManageUsers => "manage users (admin only)",
        Action::ManageKeys => "manage API keys (admin only)",
        Action::Erase => "erase personal data (admin only)",
        Action::ReadAudit => "read the audit log (manager, ops or admin may)",
        Action::VerifyAudit => "verify the audit log (ops or admin may)",
        Action::ImportLeads => "import leads",
        Action::ReadContacts => "read contacts",
        Action::ImportSuppressions => "import suppression lists (ops or admin may)",
        Action::ExportSuppressions => "export the suppression list (ops or admin may)",
        Action::ReviewSignals => "read stored inbound signals (manager, ops or admin may)",
        Action::ManageInbound => "configure inbound mailboxes and webhooks (ops or admin may)",
        Action::ManageSending => {
            "configure outbound routes, sending domains, mailboxes and relay credentials (ops or admin may)"
        }
        Action::ManageSequences => {
            "create sequences and change enrolments (manager, ops or admin may)"
        }
        Action::Enroll => "enrol contacts in sequences",
        Action::ReadSending => "read sequences, enrolments and send attempts",
    }
}

/// Extractor: the request's bearer key, resolved to a caller after the node caught up with
/// the change feed (so a revocation committed on any node is honoured at once).
pub struct Auth(pub Arc<Caller>);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized("missing Authorization: Bearer <api key> header")
            })?;
        let secret = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be 'Bearer <api key>'")
            })?;
        state.fresh().await.map_err(ApiError::unavailable)?;
        let hash = hash_key(secret);
        if let Some(c) = state
            .0
            .auth_cache
            .read()
            .ok()
            .and_then(|m| m.get(&hash).cloned())
        {
            return Ok(Auth(c));
        }
        let generation = state.0.auth_gen.load(Ordering::SeqCst);
        let (key, user) = state
            .store()
            .key_by_hash(&hash)
            .await?
            .ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
        if key.revoked_at.is_some() {
            return Err(ApiError::unauthorized("this API key was revoked"));
        }
        if user.disabled {
            return Err(ApiError::unauthorized(
                "the user of this API key is disabled",
            ));
        }
        let caller = Arc::new(Caller {
            tenant_id: key.tenant_id,
            user,
            key_id: key.id,
        });
        if let Ok(mut m) = state.0.auth_cache.write()
            && state.0.auth_gen.load(Ordering::SeqCst) == generation
        {
            m.insert(hash, caller.clone());
        }
        Ok(Auth(caller))
    }
}
