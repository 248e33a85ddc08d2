//! `/v1/lift-requests`: request, approve, reject, list. Four eyes: the decider is never the
//! requester, and complaint / legal_request entries need an admin.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use veto_domain::id::{EntryId, LiftId};
use veto_domain::lift::{self, LiftDenied, LiftRequest, LiftStatus};
use veto_domain::role::Action;
use veto_store::{LiftDecision, LiftFilter, PageRequest};

use super::dto::{LiftDto, ListDto};
use super::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::state::AppState;

/// A lift request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLift {
    pub entry_id: String,
    /// Why the entry should stop applying.
    pub reason: String,
    /// What shows the person agreed to be contacted again.
    pub evidence: String,
}

fn denied(e: LiftDenied) -> ApiError {
    match e {
        LiftDenied::MissingReason => ApiError::invalid("reason", e.to_string()),
        LiftDenied::MissingEvidence => ApiError::invalid("evidence", e.to_string()),
        LiftDenied::AlreadyDecided(_) => ApiError::conflict(e.to_string()),
        LiftDenied::RoleMayNotRequest(_)
        | LiftDenied::RoleMayNotDecide(_)
        | LiftDenied::ProtectedReason(_)
        | LiftDenied::OwnRequest => ApiError::forbidden(e.to_string()),
    }
}

#[utoipa::path(post, path = "/v1/lift-requests", tag = "lifts", request_body = CreateLift,
    responses((status = 201, body = LiftDto), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateLift>,
) -> Result<(StatusCode, Json<LiftDto>), ApiError> {
    caller.require(Action::RequestLift)?;
    lift::check_request(caller.role(), &req.reason, &req.evidence).map_err(denied)?;
    let entry_id: EntryId = params::path_id("entry", &req.entry_id)?;
    let l = LiftRequest {
        id: LiftId::new(),
        tenant_id: caller.tenant_id,
        entry_id,
        requested_by: caller.user.id,
        reason: req.reason.trim().to_string(),
        evidence: params::text(Some(req.evidence)),
        status: LiftStatus::Pending,
        created_at: veto_domain::now(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
    };
    let l = state
        .store()
        .create_lift_request(l, &caller.actor())
        .await?;
    metrics::counter!("veto_lift_requests_total").increment(1);
    Ok((StatusCode::CREATED, Json(LiftDto::from(&l))))
}

/// Filters of the lift list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiftQuery {
    /// pending | approved | rejected
    pub status: Option<String>,
    pub entry_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/v1/lift-requests", tag = "lifts", params(LiftQuery),
    responses((status = 200, body = ListDto<LiftDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<LiftQuery>,
) -> Result<Json<ListDto<LiftDto>>, ApiError> {
    caller.require(Action::ReadSuppressions)?;
    let filter = LiftFilter {
        status: params::opt_choice(
            "status",
            q.status.as_deref(),
            LiftStatus::parse,
            "pending, approved, rejected",
        )?,
        entry_id: q
            .entry_id
            .as_deref()
            .map(|e| params::id("entry_id", e))
            .transpose()?,
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<LiftId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_lift_requests(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(LiftDto::from).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

#[utoipa::path(get, path = "/v1/lift-requests/{id}", tag = "lifts", params(("id" = String, Path)),
    responses((status = 200, body = LiftDto), (status = 404, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<LiftDto>, ApiError> {
    caller.require(Action::ReadSuppressions)?;
    let id: LiftId = params::path_id("lift request", &id)?;
    let l = state.store().get_lift_request(caller.tenant_id, id).await?;
    Ok(Json(LiftDto::from(&l)))
}

/// A decision note.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(default)]
    pub note: Option<String>,
}

/// The decision body is optional: empty, or `{"note": "…"}`.
fn note(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<Decision>(body)
        .map(|d| d.note)
        .map_err(|e| ApiError::invalid("body", format!("expected {{\"note\": \"…\"}}: {e}")))
}

async fn decide(
    state: AppState,
    caller: std::sync::Arc<crate::auth::Caller>,
    id: String,
    note: Option<String>,
    approve: bool,
) -> Result<Json<LiftDto>, ApiError> {
    caller.require(Action::DecideLift)?;
    let id: LiftId = params::path_id("lift request", &id)?;
    let store = state.store();
    let l = store.get_lift_request(caller.tenant_id, id).await?;
    let entry = store.get_entry(caller.tenant_id, l.entry_id).await?;
    lift::check_decision(&l, caller.user.id, caller.role(), entry.reason).map_err(denied)?;
    let decided = store
        .decide_lift_request(
            caller.tenant_id,
            LiftDecision {
                lift_id: id,
                approve,
                decided_by: caller.user.id,
                actor: caller.actor(),
                note: params::text(note),
                at: veto_domain::now(),
            },
        )
        .await?;
    metrics::counter!("veto_lift_decisions_total", "decision" => if approve { "approved" } else { "rejected" }).increment(1);
    if approve {
        tracing::warn!(lift = %id, entry = %l.entry_id, "suppression lifted");
    }
    Ok(Json(LiftDto::from(&decided)))
}

#[utoipa::path(post, path = "/v1/lift-requests/{id}/approve", tag = "lifts", params(("id" = String, Path)), request_body = Decision,
    responses((status = 200, body = LiftDto), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<LiftDto>, ApiError> {
    decide(state, caller, id, note(&body)?, true).await
}

#[utoipa::path(post, path = "/v1/lift-requests/{id}/reject", tag = "lifts", params(("id" = String, Path)), request_body = Decision,
    responses((status = 200, body = LiftDto), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<LiftDto>, ApiError> {
    decide(state, caller, id, note(&body)?, false).await
}
