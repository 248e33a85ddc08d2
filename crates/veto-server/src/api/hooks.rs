//! `POST /hooks/{tenant}/{source}`: provider event webhooks (Amazon SES via SNS, SendGrid,
//! Mailgun, Postmark). Outside `/v1` and without an API key: the provider's signature (or
//! Postmark's basic-auth credentials) is the authority, checked with the source's settings by
//! `veto_webhooks`. Each verified event goes through [`crate::signals::events`].
//!
//! Answers: 200 with what was done; 401 when the request is not authentic (never retried
//! usefully); 400 when it is unreadable; 404 for an unknown or disabled source; 503 when the
//! SNS signing certificate cannot be had now (the provider retries).

use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;
use veto_domain::actor::Actor;
use veto_domain::id::{SourceId, TenantId};
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_webhooks::{
    CertUrlPolicy, CertificateSource, ErrorClass, EspEvent, SnsConfig, SnsOutcome,
    StaticCertificates, WebhookError,
};

use crate::api::params;
use crate::api::sources::WebhookSettings;
use crate::error::ApiError;
use crate::signals::IngestOutcome;
use crate::signals::events::process_event;
use crate::state::AppState;

/// Largest webhook body read (SendGrid batches up to a few MB).
pub const MAX_BODY: usize = 8 << 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct HookAnswer {
    /// Events read from the request.
    pub events: usize,
    pub outcomes: Vec<IngestOutcome>,
    /// For an SNS subscription confirmation: the URL that confirms it (also kept with the
    /// source for an admin to visit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribe_url: Option<String>,
}

fn hook_error(e: WebhookError) -> ApiError {
    let status = match e.class() {
        ErrorClass::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorClass::BadRequest => StatusCode::BAD_REQUEST,
        ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    ApiError::new(status, e.code(), e.to_string())
}

/// The SNS certificate fetcher shared by every SES source without fixed certificates.
fn fetcher() -> Result<Arc<dyn CertificateSource>, ApiError> {
    static FETCHER: OnceLock<Result<Arc<dyn CertificateSource>, String>> = OnceLock::new();
    FETCHER
        .get_or_init(|| {
            veto_webhooks::HttpsCertificateFetcher::new(CertUrlPolicy::aws())
                .map(|f| Arc::new(f) as Arc<dyn CertificateSource>)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| ApiError::unavailable(format!("SNS certificate fetcher: {e}")))
}

/// Receives one provider webhook request.
#[utoipa::path(post, path = "/hooks/{tenant}/{source}", tag = "signals",
    request_body(content = String, description = "The provider's request body, unchanged"),
    responses((status = 200, body = HookAnswer), (status = 401, body = crate::error::ErrorBody),
              (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn receive(
    State(state): State<AppState>,
    Path((tenant, source)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<HookAnswer>, ApiError> {
    let tenant: TenantId = params::path_id("webhook", &tenant)?;
    let id: SourceId = params::path_id("webhook", &source)?;
    let src = match state.store().get_source(tenant, id).await {
        Ok(s) if s.enabled && s.kind != SourceKind::Imap => s,
        _ => return Err(ApiError::not_found("webhook")),
    };
    let settings: WebhookSettings = serde_json::from_str(&src.config)
        .map_err(|e| ApiError::internal(format!("stored webhook configuration: {e}")))?;
    let now = time::OffsetDateTime::now_utc();
    let header = |name: &str| headers.get(name).map(|v| v.as_bytes());
    let tolerance = settings
        .tolerance_seconds
        .map(|s| std::time::Duration::from_secs(u64::from(s)));
    let mut answer = HookAnswer {
        events: 0,
        outcomes: Vec::new(),
        subscribe_url: None,
    };
    let events: Vec<EspEvent> = match src.kind {
        SourceKind::Ses => {
            let mut cfg = SnsConfig {
                allowed_topics: settings.allowed_topics.clone(),
                ..SnsConfig::default()
            };
            if let Some(t) = tolerance {
                cfg.tolerance = t;
            }
            if let Some(p) = &settings.cert_host_pattern {
                cfg.cert_urls = CertUrlPolicy::with_host_pattern(p)
                    .map_err(|e| ApiError::internal(format!("cert_host_pattern: {e}")))?;
            }
            let certs: Arc<dyn CertificateSource> = match &settings.certificates {
                Some(map) => {
                    let mut c = StaticCertificates::new();
                    for (url, pem) in map {
                        c.insert(url, pem.as_bytes()).map_err(hook_error)?;
                    }
                    Arc::new(c)
                }
                None => fetcher()?,
            };
            match veto_webhooks::sns::verify_and_parse(&body, certs.as_ref(), &cfg, now)
                .await
                .map_err(hook_error)?
            {
                SnsOutcome::Events(ev) => ev,
                SnsOutcome::SubscriptionConfirmation {
                    topic_arn,
                    subscribe_url,
                    ..
                } => {
                    let st = serde_json::json!({
                        "pending_subscription": {"topic_arn": topic_arn, "subscribe_url": subscribe_url}
                    });
                    state
                        .store()
                        .record_source_run(tenant, id, &st.to_string(), veto_domain::now(), None)
                        .await?;
                    tracing::info!(source = %id, %topic_arn, "SNS subscription awaits confirmation");
                    answer.subscribe_url = Some(subscribe_url);
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        SourceKind::SendGrid => {
            let key = settings.public_key.as_deref().unwrap_or_default();
            let mut v =
                veto_webhooks::SendGridVerifier::from_public_key(key).map_err(hook_error)?;
            if let Some(t) = tolerance {
                v = v.with_tolerance(t);
            }
            v.verify_and_parse(
                header(veto_webhooks::sendgrid::SIGNATURE_HEADER),
                header(veto_webhooks::sendgrid::TIMESTAMP_HEADER),
                &body,
                now,
            )
            .map_err(hook_error)?
        }
        SourceKind::Mailgun => {
            let key = open_secret(&state, &src)?;
            let mut v = veto_webhooks::MailgunVerifier::new(&key).map_err(hook_error)?;
            if let Some(t) = tolerance {
                v = v.with_tolerance(t);
            }
            v.verify_and_parse(&body, now).map_err(hook_error)?.events
        }
        SourceKind::Postmark => {
            let password = open_secret(&state, &src)?;
            veto_webhooks::postmark::verify_basic_auth(
                header("authorization"),
                settings.username.as_deref().unwrap_or_default(),
                &password,
            )
            .map_err(hook_error)?;
            veto_webhooks::postmark::parse(&body).map_err(hook_error)?
        }
        SourceKind::Imap => Vec::new(),
    };
    let ctx = state.tenant(tenant).await?;
    let actor = Actor::system(&format!("webhook:{}:{}", src.kind.as_str(), src.id));
    answer.events = events.len();
    for ev in &events {
        answer
            .outcomes
            .push(process_event(&state, &ctx, actor.clone(), ev).await?);
    }
    metrics::counter!("veto_webhook_events_total", "provider" => src.kind.as_str())
        .increment(events.len() as u64);
    Ok(Json(answer))
}

fn open_secret(state: &AppState, src: &InboundSource) -> Result<String, ApiError> {
    let sealed = src
        .secret
        .as_deref()
        .ok_or_else(|| ApiError::internal("the webhook has no stored secret"))?;
    let plain = state
        .secrets_key()
        .open(sealed, &InboundSource::seal_aad(src.tenant_id, src.id))
        .map_err(|e| ApiError::unavailable(format!("webhook secret: {e}")))?;
    String::from_utf8(plain).map_err(|_| ApiError::internal("webhook secret is not UTF-8"))
}
