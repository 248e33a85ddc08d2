//! `/v1/erasures` (privacy requests) and `/v1/policy` (tenant rules).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Action;

use super::dto::IdentifierDto;
use super::suppressions::one_identifier;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

/// A privacy request: remove the personal data of a person, keep them blocked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Erasure {
    /// One identifier of the person.
    #[serde(default)]
    pub identifier: Option<IdentifierDto>,
    /// Several identifiers of the same person.
    #[serde(default)]
    pub identifiers: Option<Vec<IdentifierDto>>,
}

/// What was erased.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureDto {
    /// Entries whose clear identifier and evidence were removed (their keyed hash stays, so they still block).
    pub entries: u64,
    /// Lift requests whose texts were removed.
    pub lift_requests: u64,
}

#[utoipa::path(post, path = "/v1/erasures", tag = "privacy", request_body = Erasure,
    responses((status = 200, body = ErasureDto), (status = 403, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<Erasure>,
) -> Result<Json<ErasureDto>, ApiError> {
    caller.require(Action::Erase)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let mut items: Vec<IdentifierDto> = req.identifiers.unwrap_or_default();
    items.extend(req.identifier);
    if items.is_empty() {
        return Err(ApiError::invalid(
            "identifier",
            "give the identifier (or identifiers) of the person",
        ));
    }
    let mut hashes = Vec::new();
    let mut kinds = Vec::new();
    for (i, d) in items.into_iter().enumerate() {
        let id = one_identifier(d, &format!("identifiers[{i}]"))?;
        kinds.push(id.kind().as_str());
        hashes.push(ctx.hasher.hash(&id));
    }
    // The audit keeps only kinds and hash prefixes: the erased values never enter the chain.
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::ERASURE,
        None,
        json!({"kinds": kinds, "ident_hashes": hashes.iter().map(|h| h.to_hex()[..16].to_string()).collect::<Vec<_>>()}),
    );
    let r = state
        .store()
        .erase(caller.tenant_id, &hashes, draft)
        .await?;
    Ok(Json(ErasureDto {
        entries: r.entries,
        lift_requests: r.lift_requests,
    }))
}

#[utoipa::path(get, path = "/v1/policy", tag = "policy", responses((status = 200, body = Object)), security(("bearer" = [])))]
pub async fn get_policy(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<TenantPolicy>, ApiError> {
    caller.require(Action::ReadRules)?;
    Ok(Json(
        state.tenant(caller.tenant_id).await?.tenant.policy.clone(),
    ))
}

#[utoipa::path(put, path = "/v1/policy", tag = "policy",
    request_body(content = Object, description = "{\"expiry_days\": {\"soft_bounce_limit\": 90}, \"role_local_parts\": [...], \"hashed_only\": false}"),
    responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn put_policy(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(p): ApiJson<TenantPolicy>,
) -> Result<Json<TenantPolicy>, ApiError> {
    caller.require(Action::ManageRules)?;
    p.validate()
        .map_err(|e| ApiError::invalid("policy", e.to_string()))?;
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::POLICY_UPDATED,
        Some(caller.tenant_id.to_string()),
        serde_json::to_value(&p).unwrap_or_default(),
    );
    state
        .store()
        .update_policy(caller.tenant_id, &p, draft)
        .await?;
    state.fresh().await.map_err(ApiError::unavailable)?;
    Ok(Json(p))
}
