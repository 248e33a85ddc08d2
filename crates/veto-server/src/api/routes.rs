//! Outbound SMTP routes (ops and admins): `POST /v1/routes` `{"name", "host", "port",
//! "tls": "none|starttls|implicit", "username": null|"…", "password": null|"…"}` → `{"id"}`
//! (with the rest of the route); `GET /v1/routes`, `GET /v1/routes/{id}`. The tenant's first
//! route is its default. The password is sealed under the node's secrets key and never shown.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::RouteId;
use veto_domain::role::Action;
use veto_domain::route::{Route, RouteTls};

use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoute {
    pub name: String,
    pub host: String,
    pub port: u32,
    /// none | starttls | implicit
    pub tls: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RouteDto {
    pub id: String,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub tls: String,
    pub username: Option<String>,
    /// Whether a password is stored (it is never shown).
    pub has_password: bool,
    /// The tenant's default route (its first).
    pub is_default: bool,
    pub created_by: String,
    pub created_at: String,
}

impl RouteDto {
    fn of(r: &Route) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            host: r.host.clone(),
            port: r.port,
            tls: r.tls.as_str().to_string(),
            username: r.username.clone(),
            has_password: r.password.is_some(),
            is_default: r.is_default,
            created_by: r.created_by.to_string(),
            created_at: veto_domain::rfc3339(r.created_at),
        }
    }
}

/// Adds an upstream SMTP route.
#[utoipa::path(post, path = "/v1/routes", tag = "sending", request_body = CreateRoute,
    responses((status = 200, body = RouteDto), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateRoute>,
) -> Result<Json<RouteDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let name = req.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "name: required"));
    }
    let host = req.host.trim().to_string();
    if host.is_empty()
        || host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
    {
        return Err(ApiError::invalid(
            "host",
            format!("host: '{}' is not a host name or address", req.host),
        ));
    }
    let port = u16::try_from(req.port)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| ApiError::invalid("port", format!("port: {} is not 1–65535", req.port)))?;
    let tls = params::choice("tls", &req.tls, RouteTls::parse, "none, starttls, implicit")?;
    let username = params::text(req.username);
    let password = req.password.filter(|p| !p.is_empty());
    if password.is_some() && username.is_none() {
        return Err(ApiError::invalid(
            "username",
            "username: required with a password",
        ));
    }
    let id = RouteId::new();
    let route = Route {
        id,
        tenant_id: caller.tenant_id,
        name,
        host,
        port,
        tls,
        username,
        password: password.map(|p| {
            state
                .secrets_key()
                .seal(p.as_bytes(), &Route::seal_aad(caller.tenant_id, id))
        }),
        is_default: false,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::ROUTE_CREATED,
        Some(id.to_string()),
        json!({"route_id": id.to_string(), "name": route.name, "host": route.host,
               "port": route.port, "tls": route.tls.as_str(), "has_password": route.password.is_some()}),
    );
    let stored = state.store().create_route(&route, draft).await?;
    let tenant = caller.tenant_id;
    state.sending().routes.forget(|t| *t == tenant);
    Ok(Json(RouteDto::of(&stored)))
}

/// The tenant's routes, oldest first.
#[utoipa::path(get, path = "/v1/routes", tag = "sending",
    responses((status = 200, body = Vec<RouteDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<RouteDto>>, ApiError> {
    caller.require(Action::ManageSending)?;
    let all = state.store().list_routes(caller.tenant_id).await?;
    Ok(Json(all.iter().map(RouteDto::of).collect()))
}

#[utoipa::path(get, path = "/v1/routes/{id}", tag = "sending",
    responses((status = 200, body = RouteDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<RouteDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let id: RouteId = params::path_id("route", &id)?;
    Ok(Json(RouteDto::of(
        &state.store().get_route(caller.tenant_id, id).await?,
    )))
}
