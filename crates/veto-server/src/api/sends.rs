//! Send attempts: `GET /v1/sends` (newest first; filters: `email`, `outcome`,
//! `enrollment_id`, `mailbox_id`, `since`) and `GET /v1/sends/{id}` — when, from which
//! mailbox, to whom, the sequence step or relay session, the verdict of the check made
//! immediately before, and the outcome with the upstream's reply.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::email::EmailAddress;
use veto_domain::id::SendId;
use veto_domain::identifier::IdentifierKind;
use veto_domain::role::Action;
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_store::{PageRequest, SendFilter};

use crate::api::dto::ListDto;
use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SendDto {
    pub id: String,
    pub at: String,
    /// sequence | relay
    pub via: String,
    pub sequence_id: Option<String>,
    pub enrollment_id: Option<String>,
    /// 1-based.
    pub step: Option<u32>,
    pub relay_session: Option<String>,
    pub credential_id: Option<String>,
    pub mailbox_id: Option<String>,
    pub route_id: Option<String>,
    pub from: String,
    /// Null when the tenant stores hashes only.
    pub recipient: Option<String>,
    pub contact_id: Option<String>,
    pub message_id: Option<String>,
    /// sent | blocked | deferred | failed
    pub outcome: String,
    /// The upstream's reply, the verdict's sentence, or why it was deferred.
    pub detail: Option<String>,
    /// The check made immediately before: verdict, sentence, matching entries.
    #[schema(value_type = Object)]
    pub verdict: serde_json::Value,
}

impl SendDto {
    fn of(s: &SendRecord) -> Self {
        let (sequence_id, enrollment_id, step, relay_session, credential_id) = match &s.via {
            SendVia::Sequence {
                sequence_id,
                enrollment_id,
                step,
            } => (
                Some(sequence_id.to_string()),
                Some(enrollment_id.to_string()),
                Some(*step),
                None,
                None,
            ),
            SendVia::Relay {
                session,
                credential_id,
            } => (
                None,
                None,
                None,
                Some(session.clone()),
                Some(credential_id.to_string()),
            ),
        };
        Self {
            id: s.id.to_string(),
            at: veto_domain::rfc3339(s.at),
            via: match s.via {
                SendVia::Sequence { .. } => "sequence",
                SendVia::Relay { .. } => "relay",
            }
            .to_string(),
            sequence_id,
            enrollment_id,
            step,
            relay_session,
            credential_id,
            mailbox_id: s.mailbox_id.map(|m| m.to_string()),
            route_id: s.route_id.map(|r| r.to_string()),
            from: s.from.clone(),
            recipient: s.recipient.clone(),
            contact_id: s.contact_id.map(|c| c.to_string()),
            message_id: s.message_id.clone(),
            outcome: s.outcome.as_str().to_string(),
            detail: s.detail.clone(),
            verdict: s.verdict.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SendQuery {
    /// Attempts to this address.
    pub email: Option<String>,
    /// sent | blocked | deferred | failed
    pub outcome: Option<String>,
    pub enrollment_id: Option<String>,
    pub mailbox_id: Option<String>,
    /// Only attempts at or after this moment (RFC 3339).
    pub since: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/sends", tag = "sending", params(SendQuery),
    responses((status = 200, body = ListDto<SendDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<SendQuery>,
) -> Result<Json<ListDto<SendDto>>, ApiError> {
    caller.require(Action::ReadSending)?;
    let recipient_hash = match q.email.as_deref() {
        Some(e) => {
            let addr = EmailAddress::parse(e)
                .map_err(|err| ApiError::invalid("email", format!("email: {err}")))?;
            let ctx = state.tenant(caller.tenant_id).await?;
            Some(ctx.hasher.hash_value(IdentifierKind::Email, addr.as_str()))
        }
        None => None,
    };
    let filter = SendFilter {
        recipient_hash,
        outcome: params::opt_choice(
            "outcome",
            q.outcome.as_deref(),
            SendOutcome::parse,
            &SendOutcome::choices(),
        )?,
        enrollment_id: q
            .enrollment_id
            .as_deref()
            .map(|s| params::id("enrollment_id", s))
            .transpose()?,
        mailbox_id: q
            .mailbox_id
            .as_deref()
            .map(|s| params::id("mailbox_id", s))
            .transpose()?,
        since: params::timestamp("since", q.since.as_deref())?,
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<SendId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_sends(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(SendDto::of).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

#[utoipa::path(get, path = "/v1/sends/{id}", tag = "sending",
    responses((status = 200, body = SendDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SendDto>, ApiError> {
    caller.require(Action::ReadSending)?;
    let id: SendId = params::path_id("send", &id)?;
    Ok(Json(SendDto::of(
        &state.store().get_send(caller.tenant_id, id).await?,
    )))
}
