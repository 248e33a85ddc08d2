//! Sending identities (ops and admins configure; every role reads):
//! - `POST /v1/sending-domains` `{"domain"}`, `GET /v1/sending-domains[/{id}]`;
//! - `POST /v1/sending-domains/{id}/dkim` `{"selector"?, "algorithm": "rsa|ed25519"?}` makes
//!   (or replaces) the domain's DKIM key and answers the DNS TXT record to publish; the private
//!   key is sealed under the node's secrets key and never shown;
//! - `POST /v1/mailboxes` `{"address", "name"?, "route_id"?}`, `GET /v1/mailboxes[/{id}]`,
//!   `PATCH /v1/mailboxes/{id}` `{"paused"?, "name"?}`.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::domain::DomainName;
use veto_domain::email::EmailAddress;
use veto_domain::id::{MailboxId, RouteId, SendingDomainId};
use veto_domain::mailbox::{DkimAlgorithm, DkimKeyRecord, Mailbox, SendingDomain};
use veto_domain::role::Action;
use veto_sending::{DkimKey, default_selector};
use veto_store::MailboxPatch;

use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

/// The TXT record that publishes a DKIM key.
#[derive(Debug, Serialize, ToSchema)]
pub struct DkimRecordDto {
    /// `selector._domainkey.domain`
    pub name: String,
    /// `v=DKIM1; k=…; p=…`
    pub value: String,
    /// The value as a zone file writes it (quoted strings of at most 255 characters).
    pub zone_data: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DkimDto {
    pub selector: String,
    /// rsa | ed25519
    pub algorithm: String,
    pub created_at: String,
    pub dns: DkimRecordDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SendingDomainDto {
    pub id: String,
    pub domain: String,
    /// The key messages from this domain are signed with (none yet: messages go unsigned).
    pub dkim: Option<DkimDto>,
    pub created_by: String,
    pub created_at: String,
}

fn dkim_record(d: &SendingDomain) -> Result<Option<DkimDto>, ApiError> {
    let Some(k) = &d.dkim else {
        return Ok(None);
    };
    let value = format!("v=DKIM1; k={}; p={}", k.algorithm.as_str(), k.public_b64);
    let zone_data = value
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(DkimDto {
        selector: k.selector.clone(),
        algorithm: k.algorithm.as_str().to_string(),
        created_at: veto_domain::rfc3339(k.created_at),
        dns: DkimRecordDto {
            name: format!("{}._domainkey.{}", k.selector, d.domain),
            value,
            zone_data,
        },
    }))
}

impl SendingDomainDto {
    fn of(d: &SendingDomain) -> Result<Self, ApiError> {
        Ok(Self {
            id: d.id.to_string(),
            domain: d.domain.clone(),
            dkim: dkim_record(d)?,
            created_by: d.created_by.to_string(),
            created_at: veto_domain::rfc3339(d.created_at),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDomain {
    pub domain: String,
}

/// Adds a sending domain.
#[utoipa::path(post, path = "/v1/sending-domains", tag = "sending", request_body = CreateDomain,
    responses((status = 200, body = SendingDomainDto), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_domain(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateDomain>,
) -> Result<Json<SendingDomainDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let name = DomainName::parse(&req.domain)
        .map_err(|e| ApiError::invalid("domain", format!("domain: {e}")))?;
    let d = SendingDomain {
        id: SendingDomainId::new(),
        tenant_id: caller.tenant_id,
        domain: name.as_str().to_string(),
        dkim: None,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SENDING_DOMAIN_CREATED,
        Some(d.id.to_string()),
        json!({"domain": d.domain}),
    );
    state.store().create_sending_domain(&d, draft).await?;
    Ok(Json(SendingDomainDto::of(&d)?))
}

#[utoipa::path(get, path = "/v1/sending-domains", tag = "sending",
    responses((status = 200, body = Vec<SendingDomainDto>)), security(("bearer" = [])))]
pub async fn list_domains(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<SendingDomainDto>>, ApiError> {
    caller.require(Action::ReadSending)?;
    let all = state.store().list_sending_domains(caller.tenant_id).await?;
    Ok(Json(
        all.iter()
            .map(SendingDomainDto::of)
            .collect::<Result<_, _>>()?,
    ))
}

#[utoipa::path(get, path = "/v1/sending-domains/{id}", tag = "sending",
    responses((status = 200, body = SendingDomainDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_domain(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SendingDomainDto>, ApiError> {
    caller.require(Action::ReadSending)?;
    let id: SendingDomainId = params::path_id("sending domain", &id)?;
    let d = state
        .store()
        .get_sending_domain(caller.tenant_id, id)
        .await?;
    Ok(Json(SendingDomainDto::of(&d)?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDkim {
    /// Default: `veto` and the year and month (`veto202612`), so a rotation gets a new one.
    #[serde(default)]
    pub selector: Option<String>,
    /// rsa (default; RSA-2048) | ed25519
    #[serde(default)]
    pub algorithm: Option<String>,
}

/// Makes the domain's DKIM key (replacing an older one) and answers the record to publish.
#[utoipa::path(post, path = "/v1/sending-domains/{id}/dkim", tag = "sending", request_body = CreateDkim,
    responses((status = 200, body = SendingDomainDto), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_dkim(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CreateDkim>,
) -> Result<Json<SendingDomainDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let id: SendingDomainId = params::path_id("sending domain", &id)?;
    let d = state
        .store()
        .get_sending_domain(caller.tenant_id, id)
        .await?;
    let algorithm = params::opt_choice(
        "algorithm",
        req.algorithm.as_deref(),
        DkimAlgorithm::parse,
        &DkimAlgorithm::choices(),
    )?
    .unwrap_or(DkimAlgorithm::Rsa);
    let now = veto_domain::now();
    let selector = params::text(req.selector).unwrap_or_else(|| default_selector(now));
    let domain = DomainName::parse(&d.domain).map_err(|e| ApiError::internal(e.to_string()))?;
    // RSA key generation takes a noticeable fraction of a second: off the async threads.
    let key = tokio::task::spawn_blocking(move || {
        DkimKey::generate(match algorithm {
            DkimAlgorithm::Rsa => veto_sending::DkimAlgorithm::Rsa2048,
            DkimAlgorithm::Ed25519 => veto_sending::DkimAlgorithm::Ed25519,
        })
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    // Checks the selector's syntax too.
    key.dns_record(&selector, &domain)
        .map_err(|e| ApiError::invalid("selector", format!("selector: {e}")))?;
    let record = DkimKeyRecord {
        selector: selector.clone(),
        algorithm,
        private_sealed: state.secrets_key().seal(
            &key.to_pkcs8_der(),
            &SendingDomain::seal_aad(caller.tenant_id, id, &selector),
        ),
        public_b64: key.public_key_b64(),
        created_by: caller.actor(),
        created_at: now,
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::DKIM_KEY_CREATED,
        Some(id.to_string()),
        json!({"domain": d.domain, "selector": selector, "algorithm": algorithm.as_str(),
               "replaced": d.dkim.as_ref().map(|k| k.selector.clone())}),
    );
    let stored = state
        .store()
        .set_dkim_key(caller.tenant_id, id, &record, draft)
        .await?;
    state
        .sending()
        .forget_signer(caller.tenant_id, &stored.domain);
    Ok(Json(SendingDomainDto::of(&stored)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxDto {
    pub id: String,
    pub address: String,
    pub name: Option<String>,
    /// Its own route; null: the tenant's default route.
    pub route_id: Option<String>,
    pub paused: bool,
    pub created_by: String,
    pub created_at: String,
}

impl MailboxDto {
    pub fn of(m: &Mailbox) -> Self {
        Self {
            id: m.id.to_string(),
            address: m.address.as_str().to_string(),
            name: m.display_name.clone(),
            route_id: m.route_id.map(|r| r.to_string()),
            paused: m.paused,
            created_by: m.created_by.to_string(),
            created_at: veto_domain::rfc3339(m.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMailbox {
    pub address: String,
    /// Display name in `From:`.
    #[serde(default)]
    pub name: Option<String>,
    /// A route of the tenant for this mailbox's mail (default: the tenant's default route).
    #[serde(default)]
    pub route_id: Option<String>,
}

fn display_name(v: Option<String>) -> Result<Option<String>, ApiError> {
    let v = params::text(v);
    if let Some(n) = &v
        && (n.chars().any(char::is_control) || n.chars().count() > 200)
    {
        return Err(ApiError::invalid(
            "name",
            "name: at most 200 characters, no line breaks or control characters",
        ));
    }
    Ok(v)
}

/// Adds a mailbox (a From address).
#[utoipa::path(post, path = "/v1/mailboxes", tag = "sending", request_body = CreateMailbox,
    responses((status = 200, body = MailboxDto), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_mailbox(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateMailbox>,
) -> Result<Json<MailboxDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let address = EmailAddress::parse(&req.address)
        .map_err(|e| ApiError::invalid("address", format!("address: {e}")))?;
    let route_id = match req
        .route_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(r) => {
            let id: RouteId = params::id("route_id", r)?;
            // Only a route of this tenant.
            state
                .store()
                .get_route(caller.tenant_id, id)
                .await
                .map_err(|_| {
                    ApiError::invalid(
                        "route_id",
                        format!("route_id: no route {id} in this tenant"),
                    )
                })?;
            Some(id)
        }
        None => None,
    };
    let m = Mailbox {
        id: MailboxId::new(),
        tenant_id: caller.tenant_id,
        address,
        display_name: display_name(req.name)?,
        route_id,
        paused: false,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::MAILBOX_CREATED,
        Some(m.id.to_string()),
        json!({"route_id": m.route_id.map(|r| r.to_string())}),
    );
    state.store().create_mailbox(&m, draft).await?;
    let tenant = caller.tenant_id;
    state.sending().mailboxes.forget(|(t, _)| *t == tenant);
    Ok(Json(MailboxDto::of(&m)))
}

#[utoipa::path(get, path = "/v1/mailboxes", tag = "sending",
    responses((status = 200, body = Vec<MailboxDto>)), security(("bearer" = [])))]
pub async fn list_mailboxes(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<MailboxDto>>, ApiError> {
    caller.require(Action::ReadSending)?;
    let all = state.store().list_mailboxes(caller.tenant_id).await?;
    Ok(Json(all.iter().map(MailboxDto::of).collect()))
}

#[utoipa::path(get, path = "/v1/mailboxes/{id}", tag = "sending",
    responses((status = 200, body = MailboxDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_mailbox(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<MailboxDto>, ApiError> {
    caller.require(Action::ReadSending)?;
    let id: MailboxId = params::path_id("mailbox", &id)?;
    Ok(Json(MailboxDto::of(
        &state.store().get_mailbox(caller.tenant_id, id).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchMailbox {
    /// A paused mailbox sends nothing; its due steps wait.
    #[serde(default)]
    pub paused: Option<bool>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
}

/// `null` clears, absent leaves as is.
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(Option::<String>::deserialize(d)?))
    }
}

/// Pauses or resumes a mailbox, or renames it.
#[utoipa::path(patch, path = "/v1/mailboxes/{id}", tag = "sending", request_body = PatchMailbox,
    responses((status = 200, body = MailboxDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn patch_mailbox(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchMailbox>,
) -> Result<Json<MailboxDto>, ApiError> {
    caller.require(Action::ManageSending)?;
    let id: MailboxId = params::path_id("mailbox", &id)?;
    let patch = MailboxPatch {
        paused: req.paused,
        display_name: match req.name {
            Some(n) => Some(display_name(n)?),
            None => None,
        },
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::MAILBOX_UPDATED,
        Some(id.to_string()),
        json!({"paused": patch.paused, "renamed": patch.display_name.is_some()}),
    );
    let m = state
        .store()
        .update_mailbox(caller.tenant_id, id, &patch, draft)
        .await?;
    let tenant = caller.tenant_id;
    state.sending().mailboxes.forget(|(t, _)| *t == tenant);
    Ok(Json(MailboxDto::of(&m)))
}
