//! `POST /v1/inbound/mime`: one raw inbound message (a bounce, a complaint, a reply, mail to
//! the unsubscribe address) in, the action taken out. See [`crate::signals`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use veto_domain::role::Action;
use veto_domain::signal::Via;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::signals::{self, IngestOutcome};
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/inbound/mime", tag = "signals",
    request_body(content = String, content_type = "message/rfc822", description = "The raw RFC 5322 message (at most 25 MB)"),
    responses((status = 200, description = "What the message was and what was done", body = IngestOutcome),
              (status = 422, description = "Not an e-mail message", body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn mime(
    State(state): State<AppState>,
    Auth(caller): Auth,
    body: Bytes,
) -> Result<Json<IngestOutcome>, ApiError> {
    // An inbound signal may add suppressions, so only roles that may add them may send one.
    caller.require(Action::AddSuppression)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    Ok(Json(
        signals::ingest(&state, &ctx, caller.actor(), &body, Via::Mime).await?,
    ))
}
