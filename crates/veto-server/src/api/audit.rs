//! `/v1/audit`: the tenant's hash-chained log, and its verification.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::role::{Action, Permission};
use veto_store::{AuditFilter, PageRequest};

use super::dto::{AuditEventDto, ListDto};
use super::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery};
use crate::state::AppState;

/// Filters of the audit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. suppression.created, lift.approved, attempt.blocked
    pub action: Option<String>,
    /// An entry, user or key id.
    pub subject: Option<String>,
    pub from: Option<String>,
    pub before: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "Newest first. Managers see their own team's events.", body = ListDto<AuditEventDto>)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<ListDto<AuditEventDto>>, ApiError> {
    let permission = caller.require(Action::ReadAudit)?;
    let actor_users = if permission == Permission::OwnTeam {
        let users = state.store().list_users(caller.tenant_id).await?;
        Some(match &caller.user.team {
            Some(team) => users
                .iter()
                .filter(|u| u.team.as_ref() == Some(team))
                .map(|u| u.id)
                .collect(),
            None => vec![caller.user.id],
        })
    } else {
        None
    };
    let filter = AuditFilter {
        action: q.action,
        subject: q.subject,
        actor_users,
        from: params::timestamp("from", q.from.as_deref())?,
        before: params::timestamp("before", q.before.as_deref())?,
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<i64>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_audit(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(AuditEventDto::from).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// The first event that does not verify.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadEventDto {
    pub seq: i64,
    pub id: Option<String>,
    pub problem: String,
}

/// The result of recomputing the chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyDto {
    pub ok: bool,
    pub events: i64,
    pub first_bad_event: Option<BadEventDto>,
}

#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", responses((status = 200, body = VerifyDto)), security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<VerifyDto>, ApiError> {
    caller.require(Action::VerifyAudit)?;
    let r = veto_store::verify_audit(state.store().as_ref(), caller.tenant_id).await?;
    if !r.ok {
        tracing::error!(tenant = %caller.tenant_id, "audit chain verification failed");
    }
    Ok(Json(VerifyDto {
        ok: r.ok,
        events: r.events,
        first_bad_event: r.first_bad_event.map(|b| BadEventDto {
            seq: b.seq,
            id: b.id.map(|i| i.to_string()),
            problem: b.problem,
        }),
    }))
}
