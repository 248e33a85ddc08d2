//! Stored inbound signals for review: `GET /v1/signals` (newest first; `ignored=true` lists
//! the signals that changed nothing), `GET /v1/signals/{id}` (what it was and what was done)
//! and `GET /v1/signals/{id}/raw` (the message or event exactly as received), so a wrong
//! classification can be seen and corrected.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::id::SignalId;
use veto_domain::role::Action;
use veto_domain::signal::Signal;
use veto_store::{PageRequest, SignalFilter};

use crate::api::dto::ListDto;
use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery};
use crate::state::AppState;

/// A stored signal.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalDto {
    pub id: String,
    /// mime | imap | webhook:<provider>
    pub via: String,
    /// What it was: bounce, complaint, reply, auto_reply, delivered, unsubscribe_link …
    pub kind: Option<String>,
    pub message_id: Option<String>,
    pub content_type: String,
    pub size: u64,
    pub received_by: String,
    pub received_at: String,
    pub processed_at: Option<String>,
    /// True when it changed nothing (the "ignored" record).
    pub ignored: Option<bool>,
    /// What was done per address (the answer given when it was processed).
    #[schema(value_type = Object)]
    pub outcome: Option<serde_json::Value>,
    /// The raw bytes were removed by an erasure.
    pub erased: bool,
    /// Where the raw message is.
    pub raw_url: String,
}

impl SignalDto {
    fn of(s: &Signal) -> Self {
        Self {
            id: s.id.to_string(),
            via: s.via.as_string(),
            kind: s.kind.clone(),
            message_id: s.message_id.clone(),
            content_type: s.content_type.clone(),
            size: s.size,
            received_by: s.received_by.to_string(),
            received_at: veto_domain::rfc3339(s.received_at),
            processed_at: s.processed_at.map(veto_domain::rfc3339),
            ignored: s.ignored,
            outcome: s
                .outcome
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok()),
            erased: s.erased,
            raw_url: format!("/v1/signals/{}/raw", s.id),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SignalQuery {
    /// true: only signals that changed nothing; false: only those that did.
    pub ignored: Option<bool>,
    /// Only signals of this kind.
    pub kind: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Lists stored signals, newest first.
#[utoipa::path(get, path = "/v1/signals", tag = "signals", params(SignalQuery),
    responses((status = 200, body = ListDto<SignalDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<SignalQuery>,
) -> Result<Json<ListDto<SignalDto>>, ApiError> {
    caller.require(Action::ReviewSignals)?;
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<SignalId>("cursor", c))
        .transpose()?;
    let filter = SignalFilter {
        ignored: q.ignored,
        kind: params::text(q.kind),
    };
    let page = state
        .store()
        .list_signals(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(SignalDto::of).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// One stored signal and what was done about it.
#[utoipa::path(get, path = "/v1/signals/{id}", tag = "signals",
    responses((status = 200, body = SignalDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SignalDto>, ApiError> {
    caller.require(Action::ReviewSignals)?;
    let id: SignalId = params::path_id("signal", &id)?;
    let s = state.store().get_signal(caller.tenant_id, id).await?;
    Ok(Json(SignalDto::of(&s)))
}

/// The message or event exactly as received (410 after an erasure).
#[utoipa::path(get, path = "/v1/signals/{id}/raw", tag = "signals",
    responses((status = 200, description = "The raw bytes, with the content type they came with"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 410, description = "Erased", body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn raw(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Action::ReviewSignals)?;
    let id: SignalId = params::path_id("signal", &id)?;
    let s = state.store().get_signal(caller.tenant_id, id).await?;
    match state.store().signal_raw(caller.tenant_id, id).await? {
        Some(bytes) => Ok((
            [
                (header::CONTENT_TYPE, s.content_type.clone()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"signal-{id}.{}\"", extension(&s)),
                ),
            ],
            bytes,
        )
            .into_response()),
        None => Err(ApiError::new(
            StatusCode::GONE,
            "erased",
            "the raw message of this signal was removed by an erasure",
        )),
    }
}

fn extension(s: &Signal) -> &'static str {
    if s.content_type.contains("json") {
        "json"
    } else {
        "eml"
    }
}
