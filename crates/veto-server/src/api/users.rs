//! `/v1/users` and `/v1/keys` (admin), and `/v1/me`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::email::EmailAddress;
use veto_domain::id::{ApiKeyId, UserId};
use veto_domain::role::{Action, Role};
use veto_store::{ApiKey, User, UserPatch};

use super::dto::{KeyDto, ListDto, NewKeyDto, UserDto};
use super::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

const ROLES: &str = "sdr, ae, manager, ops, admin";

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    /// sdr | ae | manager | ops | admin
    pub role: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
}

#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = UserDto), (status = 409, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    caller.require(Action::ManageUsers)?;
    let email = EmailAddress::parse(&req.email)
        .map_err(|e| ApiError::invalid("email", format!("email: {e}")))?;
    let role = params::choice("role", &req.role, Role::parse, ROLES)?;
    let user = User {
        id: UserId::new(),
        tenant_id: caller.tenant_id,
        email: email.to_string(),
        name: params::text(req.name),
        role,
        team: params::text(req.team),
        disabled: false,
        created_at: veto_domain::now(),
        created_by: caller.actor(),
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::USER_CREATED,
        Some(user.id.to_string()),
        json!({"role": role.as_str(), "team": user.team}),
    );
    let u = state.store().create_user(user, draft).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&u))))
}

#[utoipa::path(get, path = "/v1/users", tag = "users", responses((status = 200, body = ListDto<UserDto>)), security(("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<ListDto<UserDto>>, ApiError> {
    caller.require(Action::ManageUsers)?;
    let users = state.store().list_users(caller.tenant_id).await?;
    Ok(Json(ListDto {
        items: users.iter().map(UserDto::from).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = UserDto), (status = 404, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn get_user(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<UserDto>, ApiError> {
    caller.require(Action::ManageUsers)?;
    let id: UserId = params::path_id("user", &id)?;
    Ok(Json(UserDto::from(
        &state.store().get_user(caller.tenant_id, id).await?,
    )))
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchUser {
    #[serde(default)]
    pub role: Option<String>,
    /// A team name, or "" to clear it.
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = PatchUser,
    responses((status = 200, body = UserDto), (status = 404, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn patch_user(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchUser>,
) -> Result<Json<UserDto>, ApiError> {
    caller.require(Action::ManageUsers)?;
    let id: UserId = params::path_id("user", &id)?;
    let role = params::opt_choice("role", req.role.as_deref(), Role::parse, ROLES)?;
    if id == caller.user.id
        && (req.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::conflict(
            "an admin may not disable or demote themselves; ask another admin",
        ));
    }
    let patch = UserPatch {
        role,
        team: req
            .team
            .map(|t| Some(t.trim().to_string()).filter(|t| !t.is_empty())),
        name: req
            .name
            .map(|n| Some(n.trim().to_string()).filter(|n| !n.is_empty())),
        disabled: req.disabled,
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::USER_UPDATED,
        Some(id.to_string()),
        json!({"role": role.map(|r| r.as_str()), "team_changed": patch.team.is_some(), "disabled": req.disabled}),
    );
    let u = state
        .store()
        .update_user(caller.tenant_id, id, patch, draft)
        .await?;
    Ok(Json(UserDto::from(&u)))
}

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    pub user_id: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = CreateKey,
    responses((status = 201, description = "The secret is in api_key and is not shown again", body = NewKeyDto)), security(("bearer" = [])))]
pub async fn create_key(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateKey>,
) -> Result<(StatusCode, Json<NewKeyDto>), ApiError> {
    caller.require(Action::ManageKeys)?;
    let user_id: UserId = params::id("user_id", &req.user_id)?;
    let user = state.store().get_user(caller.tenant_id, user_id).await?;
    if user.disabled {
        return Err(ApiError::conflict("the user is disabled"));
    }
    let secret = crate::auth::generate_key();
    let key = ApiKey {
        id: ApiKeyId::new(),
        tenant_id: caller.tenant_id,
        user_id,
        name: params::text(req.name),
        prefix: secret.prefix.clone(),
        key_hash: secret.hash,
        created_at: veto_domain::now(),
        created_by: caller.actor(),
        revoked_at: None,
        revoked_by: None,
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::KEY_CREATED,
        Some(key.id.to_string()),
        json!({"user_id": user_id.to_string(), "prefix": key.prefix}),
    );
    let k = state.store().create_key(key, draft).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewKeyDto {
            api_key: secret.secret,
            key: KeyDto::from(&k),
        }),
    ))
}

#[utoipa::path(get, path = "/v1/keys", tag = "keys", responses((status = 200, body = ListDto<KeyDto>)), security(("bearer" = [])))]
pub async fn list_keys(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<ListDto<KeyDto>>, ApiError> {
    caller.require(Action::ManageKeys)?;
    let keys = state.store().list_keys(caller.tenant_id).await?;
    Ok(Json(ListDto {
        items: keys.iter().map(KeyDto::from).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/v1/keys/{id}/revoke", tag = "keys", params(("id" = String, Path)),
    responses((status = 200, body = KeyDto), (status = 404, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn revoke_key(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<KeyDto>, ApiError> {
    caller.require(Action::ManageKeys)?;
    let id: ApiKeyId = params::path_id("key", &id)?;
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::KEY_REVOKED,
        Some(id.to_string()),
        json!({}),
    );
    let k = state
        .store()
        .revoke_key(
            caller.tenant_id,
            id,
            &caller.actor(),
            veto_domain::now(),
            draft,
        )
        .await?;
    Ok(Json(KeyDto::from(&k)))
}

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: UserDto,
    pub tenant_id: String,
    pub tenant_name: String,
    pub key_id: String,
}

#[utoipa::path(get, path = "/v1/me", tag = "users", responses((status = 200, body = Me)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, Auth(caller): Auth) -> Result<Json<Me>, ApiError> {
    let ctx = state.tenant(caller.tenant_id).await?;
    Ok(Json(Me {
        user: UserDto::from(&caller.user),
        tenant_id: caller.tenant_id.to_string(),
        tenant_name: ctx.tenant.name.clone(),
        key_id: caller.key_id.to_string(),
    }))
}
