//! `/v1/suppressions`: add, read with history, list and search.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::id::EntryId;
use veto_domain::identifier::{Identifier, IdentifierInput, IdentifierKind};
use veto_domain::role::Action;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_store::{AddOutcome, EntryFilter, EntryStatus, LiftFilter, PageRequest};

use super::dto::{AuditEventDto, EntryDto, IdentifierDto, LiftDto, ListDto};
use super::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::state::AppState;

/// A suppression to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSuppression {
    /// Exactly one of email, phone, domain, company_id, contact_id.
    pub identifier: IdentifierDto,
    /// unsubscribe, stop_request, not_interested, complaint, legal_request, wrong_person,
    /// hard_bounce, soft_bounce_limit, invalid_address, manual, migrated.
    pub reason: String,
    /// reply, unsubscribe_link, web_form, call, event, support_ticket, partner, esp_webhook,
    /// feedback_loop, bounce, import, api, console. Default: api.
    #[serde(default)]
    pub source: Option<String>,
    /// What shows the request (quote of the reply, ticket link, …).
    #[serde(default)]
    pub evidence: Option<String>,
    /// email | phone | all. Default: the identifier's own channel (all for company and contact ids).
    #[serde(default)]
    pub channel: Option<String>,
    /// Purposes blocked: sales, marketing, operational or all. Default: sales and marketing.
    #[serde(default)]
    pub purposes: Option<Vec<String>>,
    /// Domain entries only: also block every subdomain.
    #[serde(default)]
    pub include_subdomains: Option<bool>,
    /// When the person asked (RFC 3339, not in the future). Default: now.
    #[serde(default)]
    pub valid_from: Option<String>,
}

/// Parses the single identifier of a suppression or erasure.
pub fn one_identifier(d: IdentifierDto, field: &str) -> Result<Identifier, ApiError> {
    let input: IdentifierInput = d.into();
    if input.fields().count() > 1 {
        return Err(ApiError::invalid(
            field,
            format!("{field}: give exactly one of email, phone, domain, company_id, contact_id"),
        ));
    }
    input
        .parse_one()
        .map_err(|e| ApiError::invalid(&format!("{field}.{}", e.field()), e.to_string()))
}

#[utoipa::path(post, path = "/v1/suppressions", tag = "suppressions", request_body = CreateSuppression,
    responses((status = 201, description = "Created", body = EntryDto),
               (status = 200, description = "Already in force: the existing entry", body = EntryDto),
               (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateSuppression>,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    caller.require(Action::AddSuppression)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let id = one_identifier(req.identifier, "identifier")?;
    let reason = params::choice("reason", &req.reason, Reason::parse, &Reason::choices())?;
    let source = params::opt_choice(
        "source",
        req.source.as_deref(),
        SourceChannel::parse,
        &SourceChannel::choices(),
    )?
    .unwrap_or(SourceChannel::Api);
    let channel = params::opt_choice(
        "channel",
        req.channel.as_deref(),
        Channel::parse,
        &Channel::choices(),
    )?
    .unwrap_or_else(|| id.kind().natural_channel().unwrap_or(Channel::All));
    let purposes = match &req.purposes {
        Some(p) => Purposes::parse_list(p)
            .map_err(|m| ApiError::invalid("purposes", format!("purposes: {m}")))?,
        None => Purposes::DEFAULT,
    };
    let include_subdomains = req.include_subdomains.unwrap_or(false);
    if include_subdomains && id.kind() != IdentifierKind::Domain {
        return Err(ApiError::invalid(
            "include_subdomains",
            "include_subdomains applies to domain entries only",
        ));
    }
    let now = veto_domain::now();
    let valid_from = params::timestamp("valid_from", req.valid_from.as_deref())?.unwrap_or(now);
    if valid_from > now {
        return Err(ApiError::invalid(
            "valid_from",
            "valid_from may not be in the future",
        ));
    }
    let policy = &ctx.tenant.policy;
    let role_account = match &id {
        Identifier::Email(e) => is_role_account(e.local_part(), &policy.role_local_parts),
        _ => false,
    };
    let entry = NewEntry {
        id: EntryId::new(),
        tenant_id: caller.tenant_id,
        kind: id.kind(),
        ident_hash: ctx.hasher.hash(&id),
        identifier: (!policy.hashed_only).then_some(id),
        include_subdomains,
        channel,
        purposes,
        reason,
        source,
        evidence: params::text(req.evidence),
        role_account,
        created_by: caller.actor(),
        created_at: now,
        valid_from,
        expires_at: policy.expiry_for(reason, valid_from),
    };
    let out = state.store().add_suppression(entry).await?;
    metrics::counter!("veto_suppressions_added_total", "outcome" => match out { AddOutcome::Created(_) => "created", AddOutcome::Existing(_) => "existing" }).increment(1);
    let status = match out {
        AddOutcome::Created(_) => StatusCode::CREATED,
        AddOutcome::Existing(_) => StatusCode::OK,
    };
    Ok((status, Json(EntryDto::of(out.entry(), now))))
}

/// Filters of the entry list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// active (default) | ended | all
    pub status: Option<String>,
    pub kind: Option<String>,
    pub reason: Option<String>,
    pub source: Option<String>,
    /// Entries keyed on this e-mail address (normalised before matching).
    pub email: Option<String>,
    pub phone: Option<String>,
    pub domain: Option<String>,
    pub company_id: Option<String>,
    pub contact_id: Option<String>,
    pub role_account: Option<bool>,
    pub created_from: Option<String>,
    pub created_before: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/v1/suppressions", tag = "suppressions", params(ListQuery),
    responses((status = 200, body = ListDto<EntryDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListDto<EntryDto>>, ApiError> {
    caller.require(Action::ReadSuppressions)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let status = match q.status.as_deref() {
        None | Some("active") => EntryStatus::Active,
        Some("ended") => EntryStatus::Ended,
        Some("all") => EntryStatus::All,
        Some(s) => {
            return Err(ApiError::invalid(
                "status",
                format!("status: unknown value '{s}' (use active, ended or all)"),
            ));
        }
    };
    let ident = IdentifierInput {
        email: q.email,
        phone: q.phone,
        domain: q.domain,
        company_id: q.company_id,
        contact_id: q.contact_id,
    };
    let ident_hash = if ident.fields().next().is_some() {
        Some(
            ctx.hasher
                .hash(&one_identifier(IdentifierDto::from(&ident), "identifier")?),
        )
    } else {
        None
    };
    let now = veto_domain::now();
    let filter = EntryFilter {
        status,
        kind: params::opt_choice(
            "kind",
            q.kind.as_deref(),
            IdentifierKind::parse,
            "email, phone, domain, company_id, contact_id",
        )?,
        reason: params::opt_choice(
            "reason",
            q.reason.as_deref(),
            Reason::parse,
            &Reason::choices(),
        )?,
        source: params::opt_choice(
            "source",
            q.source.as_deref(),
            SourceChannel::parse,
            &SourceChannel::choices(),
        )?,
        ident_hash,
        created_from: params::timestamp("created_from", q.created_from.as_deref())?,
        created_before: params::timestamp("created_before", q.created_before.as_deref())?,
        role_account: q.role_account,
        now: Some(now),
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<EntryId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_entries(
            caller.tenant_id,
            &filter,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(|e| EntryDto::of(e, now)).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// An entry with its full history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryWithHistory {
    pub entry: EntryDto,
    /// Every audit event about the entry, oldest first.
    pub history: Vec<AuditEventDto>,
    pub lift_requests: Vec<LiftDto>,
}

#[utoipa::path(get, path = "/v1/suppressions/{id}", tag = "suppressions", params(("id" = String, Path)),
    responses((status = 200, body = EntryWithHistory), (status = 404, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<EntryWithHistory>, ApiError> {
    caller.require(Action::ReadSuppressions)?;
    let id: EntryId = params::path_id("entry", &id)?;
    let store = state.store();
    let entry = store.get_entry(caller.tenant_id, id).await?;
    let history = store.entry_history(caller.tenant_id, id).await?;
    let lifts = store
        .list_lift_requests(
            caller.tenant_id,
            &LiftFilter {
                status: None,
                entry_id: Some(id),
            },
            PageRequest {
                after: None,
                limit: 1000,
            },
        )
        .await?;
    Ok(Json(EntryWithHistory {
        entry: EntryDto::of(&entry, veto_domain::now()),
        history: history.iter().map(AuditEventDto::from).collect(),
        lift_requests: lifts.items.iter().map(LiftDto::from).collect(),
    }))
}
