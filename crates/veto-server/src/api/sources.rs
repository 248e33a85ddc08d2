//! Ways in for signals, per tenant (ops and admins configure them):
//!
//! - `POST /v1/inbound/sources` `{"kind": "imap|ses|sendgrid|mailgun|postmark", "name": "…",
//!   "config": {…}, "secret": "…"}` → the source, with its `webhook_url` for provider kinds;
//! - `GET /v1/inbound/sources`, `GET /v1/inbound/sources/{id}`;
//! - `POST /v1/inbound/sources/{id}/disable`;
//! - `POST /v1/inbound/sources/{id}/poll` (IMAP: poll now and answer what was read).
//!
//! Secrets (a mailbox password, Mailgun's signing key, Postmark's webhook password) are sealed
//! under the node's secrets key before they are stored and are never returned.
//!
//! Per kind, `config` holds:
//! - `imap`: [`MailboxSettings`] (host, port, security, username, folder, after, …); the
//!   secret is the password;
//! - `ses`: `allowed_topics` (SNS topic ARNs, optional), `cert_host_pattern` (optional),
//!   `certificates` (optional map of SigningCertURL → PEM: the trusted certificates, instead of
//!   fetching them from SNS); no secret;
//! - `sendgrid`: `public_key` (the verification key SendGrid shows, base64); no secret;
//! - `mailgun`: nothing; the secret is the webhook signing key;
//! - `postmark`: `username`; the secret is the password of the webhook URL's basic auth.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::SourceId;
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_domain::role::Action;

use crate::api::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::signals::mailbox::{self, MailboxSettings, PollSummary};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSource {
    /// imap | ses | sendgrid | mailgun | postmark
    pub kind: String,
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub config: Value,
    /// The password or signing key (sealed at rest, never shown again).
    #[serde(default)]
    pub secret: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    pub id: String,
    pub kind: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub config: Value,
    pub has_secret: bool,
    pub enabled: bool,
    /// For provider kinds: the URL to give the provider (relative to this service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    #[schema(value_type = Object)]
    pub state: Value,
    pub created_by: String,
    pub created_at: String,
    pub last_run_at: Option<String>,
    pub last_error: Option<String>,
}

impl SourceDto {
    pub fn of(s: &InboundSource) -> Self {
        Self {
            id: s.id.to_string(),
            kind: s.kind.as_str().to_string(),
            name: s.name.clone(),
            config: serde_json::from_str(&s.config).unwrap_or(Value::Null),
            has_secret: s.secret.is_some(),
            enabled: s.enabled,
            webhook_url: (s.kind != SourceKind::Imap)
                .then(|| format!("/hooks/{}/{}", s.tenant_id, s.id)),
            state: serde_json::from_str(&s.state).unwrap_or(Value::Null),
            created_by: s.created_by.to_string(),
            created_at: veto_domain::rfc3339(s.created_at),
            last_run_at: s.last_run_at.map(veto_domain::rfc3339),
            last_error: s.last_error.clone(),
        }
    }
}

/// Settings of a provider webhook source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_topics: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_host_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// How old a signed timestamp may be (default: the provider module's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_seconds: Option<u32>,
}

fn config_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid("config", format!("config: {e}"))
}

/// Checks `config` and the secret for `kind`; returns the config as stored.
fn validate(kind: SourceKind, config: &Value, secret: Option<&str>) -> Result<String, ApiError> {
    let config = if config.is_null() {
        json!({})
    } else {
        config.clone()
    };
    let need_secret = |what: &str| -> Result<(), ApiError> {
        match secret {
            Some(s) if !s.is_empty() => Ok(()),
            _ => Err(ApiError::invalid(
                "secret",
                format!("secret: the {what} is required"),
            )),
        }
    };
    match kind {
        SourceKind::Imap => {
            let s: MailboxSettings =
                serde_json::from_value(config.clone()).map_err(config_error)?;
            need_secret("mailbox password")?;
            s.to_config(secret.unwrap_or_default().to_string())?;
        }
        SourceKind::Ses | SourceKind::SendGrid | SourceKind::Mailgun | SourceKind::Postmark => {
            let s: WebhookSettings =
                serde_json::from_value(config.clone()).map_err(config_error)?;
            match kind {
                SourceKind::Ses => {
                    if let Some(p) = &s.cert_host_pattern {
                        veto_webhooks::CertUrlPolicy::with_host_pattern(p).map_err(|e| {
                            ApiError::invalid(
                                "config.cert_host_pattern",
                                format!("config.cert_host_pattern: {e}"),
                            )
                        })?;
                    }
                    let mut certs = veto_webhooks::StaticCertificates::new();
                    for (url, pem) in s.certificates.iter().flatten() {
                        certs.insert(url, pem.as_bytes()).map_err(|e| {
                            ApiError::invalid(
                                "config.certificates",
                                format!("config.certificates: {url}: {e}"),
                            )
                        })?;
                    }
                }
                SourceKind::SendGrid => {
                    let key = s.public_key.as_deref().unwrap_or_default();
                    veto_webhooks::SendGridVerifier::from_public_key(key).map_err(|e| {
                        ApiError::invalid("config.public_key", format!("config.public_key: {e}"))
                    })?;
                }
                SourceKind::Mailgun => {
                    need_secret("webhook signing key")?;
                    veto_webhooks::MailgunVerifier::new(secret.unwrap_or_default())
                        .map_err(|e| ApiError::invalid("secret", format!("secret: {e}")))?;
                }
                _ => {
                    if s.username.as_deref().is_none_or(|u| u.trim().is_empty()) {
                        return Err(ApiError::invalid(
                            "config.username",
                            "config.username: the user name of the webhook URL's basic auth is required",
                        ));
                    }
                    need_secret("basic-auth password")?;
                }
            }
        }
    }
    serde_json::to_string(&config).map_err(ApiError::internal)
}

/// Configures a new way in for signals.
#[utoipa::path(post, path = "/v1/inbound/sources", tag = "signals", request_body = CreateSource,
    responses((status = 200, body = SourceDto), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateSource>,
) -> Result<Json<SourceDto>, ApiError> {
    caller.require(Action::ManageInbound)?;
    let kind = params::choice(
        "kind",
        &req.kind,
        SourceKind::parse,
        "imap, ses, sendgrid, mailgun, postmark",
    )?;
    let name = req.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "name: required"));
    }
    let secret = req
        .secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let config = validate(kind, &req.config, secret)?;
    let id = SourceId::new();
    let src = InboundSource {
        id,
        tenant_id: caller.tenant_id,
        kind,
        name,
        config,
        secret: secret.map(|s| {
            state
                .secrets_key()
                .seal(s.as_bytes(), &InboundSource::seal_aad(caller.tenant_id, id))
        }),
        state: "{}".into(),
        enabled: true,
        created_by: caller.actor(),
        created_at: veto_domain::now(),
        last_run_at: None,
        last_error: None,
    };
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SOURCE_CREATED,
        Some(id.to_string()),
        json!({"source_id": id.to_string(), "kind": kind.as_str(), "name": src.name, "has_secret": src.secret.is_some()}),
    );
    state.store().create_source(&src, draft).await?;
    Ok(Json(SourceDto::of(&src)))
}

/// The tenant's ways in for signals.
#[utoipa::path(get, path = "/v1/inbound/sources", tag = "signals",
    responses((status = 200, body = Vec<SourceDto>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<Json<Vec<SourceDto>>, ApiError> {
    caller.require(Action::ManageInbound)?;
    let all = state.store().list_sources(caller.tenant_id).await?;
    Ok(Json(all.iter().map(SourceDto::of).collect()))
}

#[utoipa::path(get, path = "/v1/inbound/sources/{id}", tag = "signals",
    responses((status = 200, body = SourceDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SourceDto>, ApiError> {
    caller.require(Action::ManageInbound)?;
    let id: SourceId = params::path_id("inbound source", &id)?;
    Ok(Json(SourceDto::of(
        &state.store().get_source(caller.tenant_id, id).await?,
    )))
}

/// Switches a source off: its mailbox is no longer read, its webhook answers 404.
#[utoipa::path(post, path = "/v1/inbound/sources/{id}/disable", tag = "signals",
    responses((status = 200, body = SourceDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<SourceDto>, ApiError> {
    caller.require(Action::ManageInbound)?;
    let id: SourceId = params::path_id("inbound source", &id)?;
    let draft = AuditDraft::new(
        &caller.actor(),
        actions::SOURCE_DISABLED,
        Some(id.to_string()),
        json!({"source_id": id.to_string()}),
    );
    let s = state
        .store()
        .disable_source(caller.tenant_id, id, draft)
        .await?;
    Ok(Json(SourceDto::of(&s)))
}

/// Reads an IMAP source now (instead of waiting for the poller).
#[utoipa::path(post, path = "/v1/inbound/sources/{id}/poll", tag = "signals",
    responses((status = 200, body = PollSummary), (status = 404, body = crate::error::ErrorBody),
              (status = 502, description = "The mailbox could not be read", body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn poll(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<PollSummary>, ApiError> {
    caller.require(Action::ManageInbound)?;
    let id: SourceId = params::path_id("inbound source", &id)?;
    let src = state.store().get_source(caller.tenant_id, id).await?;
    if src.kind != SourceKind::Imap {
        return Err(ApiError::invalid("id", "only an IMAP source can be polled"));
    }
    if !src.enabled {
        return Err(ApiError::conflict("the source is disabled"));
    }
    Ok(Json(mailbox::poll_source(&state, &src).await?))
}
