//! Relay credentials (ops and admins): `POST /v1/smtp-credentials` `{"name", "purpose"?}` →
//! `{"username", "password", …}` (the password is shown this once and stored as its SHA-256),
//! `GET /v1/smtp-credentials`, `POST /v1/smtp-credentials/{id}/revoke`.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::CredentialId;
use veto_domain::role::Action;
use veto_domain::smtp_credential::{SmtpCredential, generate, secret_hash};
use veto_domain::suppression::Purpose;

use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCredential {
    pub name: String,
    /// Why mail relayed with these credentials is sent: sales (default) | marketing |
    /// operational (invoices and notices: only entries that block every purpose stop them).
    #[serde(default)]
    pub purpose: Option<String>,
}

/// New credentials: the password appears here only.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewCredentialDto {
    pub id: String,
    pub name: String,
    pub username: String,
    pub password: String,
    pub purpose: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialDto {
    pub id: String,
    pub name: String,
    pub username: String,
    pub purpose: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl CredentialDto {
    fn of(c: &SmtpCredential) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            username: c.username.clone(),
            purpose: c.purpose.as_str().to_string(),
            created_by: c.created_by.to_string(),
            created_at: veto_domain::rfc3339(c.created_at),
            revoked_at: c.revoked_at.map(veto_domain::rfc3339),
        }
    }
}

/// Issues relay credentials for the caller's tenant.
#[utoipa::path(post, path = "/v1/smtp-credentials", tag = "sending", request_body = CreateCredential,
    responses((status = 200, body = NewCredentialDto), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateCredential>,
) -> Result<Json<NewCredentialDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().any(char::is_control) || name.chars().count() > 200 {
        return Err(ApiError::invalid(
            "name",
            "name: required, at most 200 characters without control characters",
        ));
    }
    let purpose = params::opt_choice(
        "purpose",
        req.purpose.as_deref(),
        Purpose::parse,
        &Purpose::choices(),
    )?
    .unwrap_or(Purpose::Sales);
    let (username, password) = generate();
    let c = SmtpCredential {
        id: CredentialId::new(),
        tenant_id: caller.tenant_id,
        name,
        username,
        secret_hash: secret_hash(&password),
        purpose,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
        revoked_at: None,
        revoked_by: None,
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SMTP_CREDENTIAL_CREATED,
        Some(c.id.to_string()),
        json!({"name": c.name, "username": c.username, "purpose": purpose.as_str()}),
    );
    state.store().create_smtp_credential(&c, draft).await?;
    Ok(Json(NewCredentialDto {
        id: c.id.to_string(),
        name: c.name,
        username: c.username,
        password,
        purpose: purpose.as_str().to_string(),
    }))
}

#[utoipa::path(get, path = "/v1/smtp-credentials", tag = "sending",
    responses((status = 200, body = Vec<CredentialDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<CredentialDto>>, ApiError> {
    caller.require(Action::ManageSending)?;
    let all = state
        .store()
        .list_smtp_credentials(caller.tenant_id)
        .await?;
    Ok(Json(all.iter().map(CredentialDto::of).collect()))
}

/// Revokes credentials: the relay refuses them from the next login on.
#[utoipa::path(post, path = "/v1/smtp-credentials/{id}/revoke", tag = "sending",
    responses((status = 200, body = CredentialDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<CredentialDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let id: CredentialId = params::path_id("smtp credential", &id)?;
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SMTP_CREDENTIAL_REVOKED,
        Some(id.to_string()),
        json!({}),
    );
    let c = state
        .store()
        .revoke_smtp_credential(
            caller.tenant_id,
            id,
            &caller.actor(),
            veto_domain::now(),
            draft,
        )
        .await?;
    state.sending().credentials.remove(&c.username);
    Ok(Json(CredentialDto::of(&c)))
}
