//! Sequences and enrolments:
//! - `POST /v1/sequences` (managers, ops, admins): name, purpose, ordered steps (delay,
//!   mailbox, subject/body/html templates with contact fields, checked when saved);
//!   `GET /v1/sequences[/{id}]`;
//! - `POST /v1/sequences/{id}/enrollments` (every role) enrols one contact, refused with
//!   `409 suppressed` and the verdict's sentence when the registry blocks it (recorded as a
//!   blocked attempt); `POST /v1/sequences/{id}/enrollments/bulk` enrols many, one outcome each;
//! - `GET /v1/enrollments[/{id}]`; `POST /v1/enrollments/{id}/pause|resume|stop` (managers,
//!   ops, admins).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::{ContactId, EnrollmentId, MailboxId, SequenceId};
use veto_domain::role::Action;
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence, Step, parse_delay};
use veto_domain::suppression::Purpose;
use veto_domain::verdict::Match;
use veto_sending::{Part, Template};
use veto_store::{EnrollmentChange, EnrollmentFilter, PageRequest};

use crate::api::dto::ListDto;
use crate::api::params;
use crate::auth::{Auth, Caller};
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::sending::enroll::{ContactRef, EnrollResult, enroll};
use crate::state::AppState;

/// Most steps in one sequence.
const MAX_STEPS: usize = 50;
/// Most contacts in one bulk enrolment request.
const MAX_BULK: usize = 10_000;

/// A step as written: the delay is seconds or a number with a unit (`90s`, `30m`, `4h`,
/// `3d`, `2w`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    #[schema(value_type = Object)]
    pub delay: serde_json::Value,
    #[serde(default)]
    pub mailbox_id: Option<String>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub html: Option<String>,
    /// Send as a reply in the thread of the first step.
    #[serde(default)]
    pub same_thread: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSequence {
    pub name: String,
    /// sales (default) | marketing | operational
    #[serde(default)]
    pub purpose: Option<String>,
    pub steps: Vec<StepInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub delay_secs: u64,
    pub mailbox_id: Option<String>,
    pub subject: String,
    pub body: String,
    pub html: Option<String>,
    pub same_thread: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SequenceDto {
    pub id: String,
    pub name: String,
    pub purpose: String,
    pub steps: Vec<StepDto>,
    pub created_by: String,
    pub created_at: String,
}

impl SequenceDto {
    fn of(s: &Sequence) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            purpose: s.purpose.as_str().to_string(),
            steps: s
                .steps
                .iter()
                .map(|st| StepDto {
                    delay_secs: st.delay_secs,
                    mailbox_id: st.mailbox_id.map(|m| m.to_string()),
                    subject: st.subject.clone(),
                    body: st.body.clone(),
                    html: st.html.clone(),
                    same_thread: st.same_thread,
                })
                .collect(),
            created_by: s.created_by.to_string(),
            created_at: veto_domain::rfc3339(s.created_at),
        }
    }
}

fn step_of(i: usize, s: StepInput, mailboxes: &[MailboxId]) -> Result<Step, ApiError> {
    let field = |f: &str| format!("steps[{i}].{f}");
    let delay_secs = match &s.delay {
        serde_json::Value::Number(n) => n.as_u64().ok_or_else(|| {
            ApiError::invalid(
                &field("delay"),
                format!("{}: {n} is not a whole number of seconds", field("delay")),
            )
        })?,
        serde_json::Value::String(t) => parse_delay(t)
            .map_err(|e| ApiError::invalid(&field("delay"), format!("{}: {e}", field("delay"))))?,
        other => {
            return Err(ApiError::invalid(
                &field("delay"),
                format!(
                    "{}: {other} is not a delay (use e.g. 3600 or \"3d\")",
                    field("delay")
                ),
            ));
        }
    };
    let mailbox_id = match params::text(s.mailbox_id) {
        Some(m) => {
            let id: MailboxId = params::id(&field("mailbox_id"), &m)?;
            if !mailboxes.contains(&id) {
                return Err(ApiError::invalid(
                    &field("mailbox_id"),
                    format!("{}: no mailbox {id} in this tenant", field("mailbox_id")),
                ));
            }
            Some(id)
        }
        None => None,
    };
    let check = |part: Part, f: &str, src: &str| {
        Template::compile(part, src)
            .map(drop)
            .map_err(|e| ApiError::invalid(&field(f), format!("steps[{i}].{e}")))
    };
    if s.subject.trim().is_empty() {
        return Err(ApiError::invalid(
            &field("subject"),
            format!("{}: required", field("subject")),
        ));
    }
    check(Part::Subject, "subject", &s.subject)?;
    check(Part::Body, "body", &s.body)?;
    if let Some(h) = &s.html {
        check(Part::HtmlBody, "html", h)?;
    }
    Ok(Step {
        delay_secs,
        mailbox_id,
        subject: s.subject,
        body: s.body,
        html: s.html,
        same_thread: s.same_thread,
    })
}

/// Creates a sequence; its templates are checked now, so a step never fails to render later.
#[utoipa::path(post, path = "/v1/sequences", tag = "sequences", request_body = CreateSequence,
    responses((status = 200, body = SequenceDto), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateSequence>,
) -> Result<Json<SequenceDto>, ApiError> {
    caller.require(Action::ManageSequences)?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
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
    if req.steps.is_empty() || req.steps.len() > MAX_STEPS {
        return Err(ApiError::invalid(
            "steps",
            format!("steps: between 1 and {MAX_STEPS} steps"),
        ));
    }
    let mailboxes: Vec<MailboxId> = state
        .store()
        .list_mailboxes(caller.tenant_id)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    let steps = req
        .steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| step_of(i, s, &mailboxes))
        .collect::<Result<Vec<_>, _>>()?;
    let seq = Sequence {
        id: SequenceId::new(),
        tenant_id: caller.tenant_id,
        name,
        purpose,
        steps,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SEQUENCE_CREATED,
        Some(seq.id.to_string()),
        json!({"name": seq.name, "purpose": purpose.as_str(), "steps": seq.steps.len()}),
    );
    state.store().create_sequence(&seq, draft).await?;
    Ok(Json(SequenceDto::of(&seq)))
}

#[utoipa::path(get, path = "/v1/sequences", tag = "sequences",
    responses((status = 200, body = Vec<SequenceDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<SequenceDto>>, ApiError> {
    caller.require(Action::ReadSending)?;
    let all = state.store().list_sequences(caller.tenant_id).await?;
    Ok(Json(all.iter().map(SequenceDto::of).collect()))
}

#[utoipa::path(get, path = "/v1/sequences/{id}", tag = "sequences",
    responses((status = 200, body = SequenceDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SequenceDto>, ApiError> {
    caller.require(Action::ReadSending)?;
    let id: SequenceId = params::path_id("sequence", &id)?;
    Ok(Json(SequenceDto::of(
        &state.store().get_sequence(caller.tenant_id, id).await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentDto {
    pub id: String,
    pub sequence_id: String,
    pub contact_id: String,
    pub email: String,
    pub mailbox_id: String,
    pub purpose: String,
    /// active | paused | completed | replied | cancelled | stopped
    pub state: String,
    pub state_reason: Option<String>,
    /// Steps sent so far.
    pub steps_sent: u32,
    pub next_due_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl EnrollmentDto {
    pub fn of(e: &Enrollment) -> Self {
        Self {
            id: e.id.to_string(),
            sequence_id: e.sequence_id.to_string(),
            contact_id: e.contact_id.to_string(),
            email: e.email.as_str().to_string(),
            mailbox_id: e.mailbox_id.to_string(),
            purpose: e.purpose.as_str().to_string(),
            state: e.state.as_str().to_string(),
            state_reason: e.state_reason.clone(),
            steps_sent: e.next_step,
            next_due_at: e.next_due_at.map(veto_domain::rfc3339),
            created_by: e.created_by.to_string(),
            created_at: veto_domain::rfc3339(e.created_at),
            updated_at: veto_domain::rfc3339(e.updated_at),
        }
    }
}

/// Who to enrol: a contact id or an address of an existing contact.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollOne {
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The mailbox the steps go out from (default: the first step's mailbox).
    #[serde(default)]
    pub mailbox_id: Option<String>,
    /// When the first step is due (RFC 3339; default: now plus its delay).
    #[serde(default)]
    pub start_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollMany {
    pub contacts: Vec<ContactInput>,
    #[serde(default)]
    pub mailbox_id: Option<String>,
    #[serde(default)]
    pub start_at: Option<String>,
}

/// One contact's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollItemDto {
    /// enrolled | already_enrolled | blocked | invalid | not_found
    pub outcome: &'static str,
    pub email: Option<String>,
    pub contact_id: Option<String>,
    pub enrollment: Option<EnrollmentDto>,
    /// For blocked: the verdict's sentence; for invalid and not_found: what is wrong.
    pub message: Option<String>,
    pub field: Option<String>,
    /// For blocked: every entry that blocks.
    #[schema(value_type = Vec<Object>)]
    pub matches: Vec<Match>,
}

impl EnrollItemDto {
    fn of(r: EnrollResult) -> Self {
        let empty = |outcome| Self {
            outcome,
            email: None,
            contact_id: None,
            enrollment: None,
            message: None,
            field: None,
            matches: vec![],
        };
        match r {
            EnrollResult::Enrolled(e) => Self {
                email: Some(e.email.as_str().to_string()),
                contact_id: Some(e.contact_id.to_string()),
                enrollment: Some(EnrollmentDto::of(&e)),
                ..empty("enrolled")
            },
            EnrollResult::AlreadyEnrolled(e) => Self {
                email: Some(e.email.as_str().to_string()),
                contact_id: Some(e.contact_id.to_string()),
                enrollment: Some(EnrollmentDto::of(&e)),
                ..empty("already_enrolled")
            },
            EnrollResult::Blocked { email, outcome } => Self {
                email: Some(email),
                message: Some(outcome.explanation.clone()),
                matches: outcome.matches,
                ..empty("blocked")
            },
            EnrollResult::Invalid { field, message } => Self {
                message: Some(message),
                field: Some(field),
                ..empty("invalid")
            },
            EnrollResult::NotFound { message } => Self {
                message: Some(message),
                ..empty("not_found")
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollSummary {
    pub enrolled: usize,
    pub already_enrolled: usize,
    pub blocked: usize,
    pub invalid: usize,
    pub not_found: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollManyDto {
    pub results: Vec<EnrollItemDto>,
    pub summary: EnrollSummary,
}

fn contact_ref(
    field: &str,
    contact_id: Option<String>,
    email: Option<String>,
) -> Result<ContactRef, ApiError> {
    match (params::text(contact_id), params::text(email)) {
        (Some(id), None) => Ok(ContactRef::Id(params::id::<ContactId>(
            &format!("{field}contact_id"),
            &id,
        )?)),
        (None, Some(e)) => Ok(ContactRef::Email(e)),
        _ => Err(ApiError::invalid(
            &format!("{field}contact_id"),
            format!("{field}contact_id or {field}email: give exactly one"),
        )),
    }
}

async fn mailbox_for(
    state: &AppState,
    caller: &Caller,
    seq: &Sequence,
    requested: Option<String>,
) -> Result<MailboxId, ApiError> {
    match params::text(requested) {
        Some(m) => {
            let id: MailboxId = params::id("mailbox_id", &m)?;
            state
                .store()
                .get_mailbox(caller.tenant_id, id)
                .await
                .map_err(|_| {
                    ApiError::invalid(
                        "mailbox_id",
                        format!("mailbox_id: no mailbox {id} in this tenant"),
                    )
                })?;
            Ok(id)
        }
        None => seq.steps.first().and_then(|s| s.mailbox_id).ok_or_else(|| {
            ApiError::invalid(
                "mailbox_id",
                "mailbox_id: required (the sequence's first step names no mailbox)",
            )
        }),
    }
}

async fn run_enroll(
    state: &AppState,
    caller: &Caller,
    seq_id: &str,
    mailbox: Option<String>,
    start_at: Option<String>,
    items: Vec<ContactRef>,
) -> Result<Vec<EnrollResult>, ApiError> {
    caller.require(Action::Enroll)?;
    let id: SequenceId = params::path_id("sequence", seq_id)?;
    let seq = state.store().get_sequence(caller.tenant_id, id).await?;
    let mailbox = mailbox_for(state, caller, &seq, mailbox).await?;
    let start = params::timestamp("start_at", start_at.as_deref())?;
    let ctx = state.tenant(caller.tenant_id).await?;
    // The check sees every suppression committed before this request, on any node.
    state.fresh().await.map_err(ApiError::unavailable)?;
    Ok(enroll(state, &ctx, &caller.actor(), &seq, mailbox, start, items).await?)
}

/// Enrols one contact (checked against the registry first).
#[utoipa::path(post, path = "/v1/sequences/{id}/enrollments", tag = "sequences", request_body = EnrollOne,
    responses((status = 200, body = EnrollmentDto),
              (status = 409, description = "suppressed: the verdict's sentence; or already enrolled", body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn enroll_one(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EnrollOne>,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let item = contact_ref("", req.contact_id, req.email)?;
    let mut r = run_enroll(
        &state,
        &caller,
        &id,
        req.mailbox_id,
        req.start_at,
        vec![item],
    )
    .await?;
    match r.pop() {
        Some(EnrollResult::Enrolled(e)) => Ok(Json(EnrollmentDto::of(&e))),
        Some(EnrollResult::AlreadyEnrolled(e)) => Err(ApiError::conflict(format!(
            "the contact is enrolled in this sequence already (enrolment {})",
            e.id
        ))),
        Some(EnrollResult::Blocked { outcome, .. }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "suppressed",
            outcome.explanation,
        )),
        Some(EnrollResult::Invalid { field, message }) => Err(ApiError::invalid(&field, message)),
        Some(EnrollResult::NotFound { message }) => {
            Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", message))
        }
        None => Err(ApiError::internal("enrolment gave no result")),
    }
}

/// Enrols many contacts, one outcome each (blocked ones are recorded as blocked attempts).
#[utoipa::path(post, path = "/v1/sequences/{id}/enrollments/bulk", tag = "sequences", request_body = EnrollMany,
    responses((status = 200, body = EnrollManyDto), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn enroll_many(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EnrollMany>,
) -> Result<Json<EnrollManyDto>, ApiError> {
    if req.contacts.is_empty() || req.contacts.len() > MAX_BULK {
        return Err(ApiError::invalid(
            "contacts",
            format!("contacts: between 1 and {MAX_BULK} per request"),
        ));
    }
    let items = req
        .contacts
        .into_iter()
        .enumerate()
        .map(|(i, c)| contact_ref(&format!("contacts[{i}]."), c.contact_id, c.email))
        .collect::<Result<Vec<_>, _>>()?;
    let r = run_enroll(&state, &caller, &id, req.mailbox_id, req.start_at, items).await?;
    let mut summary = EnrollSummary {
        enrolled: 0,
        already_enrolled: 0,
        blocked: 0,
        invalid: 0,
        not_found: 0,
    };
    let results: Vec<EnrollItemDto> = r.into_iter().map(EnrollItemDto::of).collect();
    for x in &results {
        match x.outcome {
            "enrolled" => summary.enrolled += 1,
            "already_enrolled" => summary.already_enrolled += 1,
            "blocked" => summary.blocked += 1,
            "invalid" => summary.invalid += 1,
            _ => summary.not_found += 1,
        }
    }
    Ok(Json(EnrollManyDto { results, summary }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentQuery {
    pub sequence_id: Option<String>,
    pub contact_id: Option<String>,
    /// active | paused | completed | replied | cancelled | stopped
    pub state: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/enrollments", tag = "sequences", params(EnrollmentQuery),
    responses((status = 200, body = ListDto<EnrollmentDto>)), security(("bearer" = [])))]
pub async fn list_enrollments(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<EnrollmentQuery>,
) -> Result<Json<ListDto<EnrollmentDto>>, ApiError> {
    caller.require(Action::ReadSending)?;
    let filter = EnrollmentFilter {
        sequence_id: q
            .sequence_id
            .as_deref()
            .map(|s| params::id("sequence_id", s))
            .transpose()?,
        contact_id: q
            .contact_id
            .as_deref()
            .map(|s| params::id("contact_id", s))
            .transpose()?,
        state: params::opt_choice(
            "state",
            q.state.as_deref(),
            EnrollmentState::parse,
            &EnrollmentState::choices(),
        )?,
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<EnrollmentId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_enrollments(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(EnrollmentDto::of).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

#[utoipa::path(get, path = "/v1/enrollments/{id}", tag = "sequences",
    responses((status = 200, body = EnrollmentDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_enrollment(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<EnrollmentDto>, ApiError> {
    caller.require(Action::ReadSending)?;
    let id: EnrollmentId = params::path_id("enrollment", &id)?;
    Ok(Json(EnrollmentDto::of(
        &state.store().get_enrollment(caller.tenant_id, id).await?,
    )))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeInput {
    /// Why (kept with the enrolment and in the audit log).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The optional `{"reason": …}` body of a pause, resume or stop.
fn change_reason(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<ChangeInput>(body)
        .map(|c| c.reason)
        .map_err(|e| ApiError::invalid("body", format!("body: {e}")))
}

async fn change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    to: EnrollmentState,
    reason: Option<String>,
) -> Result<Json<EnrollmentDto>, ApiError> {
    caller.require(Action::ManageSequences)?;
    let id: EnrollmentId = params::path_id("enrollment", id)?;
    let current = state.store().get_enrollment(caller.tenant_id, id).await?;
    // Resuming a step that fell due while paused sends it now.
    let next_due_at = (to == EnrollmentState::Active)
        .then(|| current.next_due_at.map(|d| d.max(veto_domain::now())))
        .flatten();
    let reason = params::text(reason);
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::ENROLLMENT_CHANGED,
        Some(id.to_string()),
        json!({"from": current.state.as_str(), "to": to.as_str(), "reason": reason}),
    );
    let e = state
        .store()
        .change_enrollment(
            caller.tenant_id,
            id,
            &EnrollmentChange {
                state: to,
                reason,
                next_due_at,
            },
            draft,
        )
        .await?;
    Ok(Json(EnrollmentDto::of(&e)))
}

/// Pauses an enrolment: nothing is sent until it is resumed.
#[utoipa::path(post, path = "/v1/enrollments/{id}/pause", tag = "sequences", request_body = ChangeInput,
    responses((status = 200, body = EnrollmentDto), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn pause(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let reason = change_reason(&body)?;
    change(&state, &caller, &id, EnrollmentState::Paused, reason).await
}

/// Resumes a paused enrolment (a step that fell due meanwhile goes out now, after its check).
#[utoipa::path(post, path = "/v1/enrollments/{id}/resume", tag = "sequences", request_body = ChangeInput,
    responses((status = 200, body = EnrollmentDto), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn resume(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let reason = change_reason(&body)?;
    change(&state, &caller, &id, EnrollmentState::Active, reason).await
}

/// Stops an enrolment for good.
#[utoipa::path(post, path = "/v1/enrollments/{id}/stop", tag = "sequences", request_body = ChangeInput,
    responses((status = 200, body = EnrollmentDto), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn stop(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<EnrollmentDto>, ApiError> {
    let reason = change_reason(&body)?;
    change(&state, &caller, &id, EnrollmentState::Stopped, reason).await
}
