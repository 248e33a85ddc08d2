//! The inbound mailbox poller: each enabled IMAP source of every tenant is read every
//! `poll_seconds`; each new message goes through [`super::ingest`] (stored, classified,
//! acted on) and is then flagged, marked seen or moved as configured. The cursor (UIDVALIDITY
//! and last UID) is stored with the source after every poll, so a restarted node resumes where
//! it stopped. A message the handler fails on is left untouched and retried at the next poll;
//! input that is not an e-mail message is left in place and skipped; nothing is ever deleted.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use veto_domain::actor::Actor;
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_domain::signal::Via;
use veto_imap::{AfterHandling, Cursor, Disposition, MailboxConfig, Security, Trust};

use crate::error::ApiError;
use crate::state::AppState;

/// Seconds between polls when the source does not say.
pub const DEFAULT_POLL_SECONDS: u32 = 60;

/// The public configuration of an IMAP source (the password is the sealed secret).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxSettings {
    pub host: String,
    /// Default 993 for implicit TLS, 143 otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// implicit (default) | starttls | plain (loopback only)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<String>,
    pub username: String,
    /// Default INBOX.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// What happens to a handled message: flag (default: the keyword `$VetoHandled`) | seen
    /// | move (to `move_to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to: Option<String>,
    /// PEM certificates of the CAs to trust instead of the platform's (self-hosted servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// Default 60, at least 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_seconds: Option<u32>,
    /// Messages per poll (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<usize>,
}

/// What the poller keeps between runs.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct MailboxState {
    #[serde(default)]
    pub cursor: Cursor,
}

impl MailboxSettings {
    /// The IMAP client configuration; the error names the field.
    pub fn to_config(&self, password: String) -> Result<MailboxConfig, ApiError> {
        let security = match self.security.as_deref().unwrap_or("implicit") {
            "implicit" => Security::Implicit,
            "starttls" => Security::StartTls,
            "plain" => Security::Plain,
            other => {
                return Err(ApiError::invalid(
                    "config.security",
                    format!(
                        "config.security: unknown value '{other}' (use implicit, starttls or plain)"
                    ),
                ));
            }
        };
        let after = match self.after.as_deref().unwrap_or("flag") {
            "flag" => AfterHandling::Flag(
                self.keyword
                    .clone()
                    .unwrap_or_else(|| veto_imap::DEFAULT_KEYWORD.to_string()),
            ),
            "seen" => AfterHandling::Seen,
            "move" => match self.move_to.as_deref().map(str::trim) {
                Some(f) if !f.is_empty() => AfterHandling::Move(f.to_string()),
                _ => {
                    return Err(ApiError::invalid(
                        "config.move_to",
                        "config.move_to: the folder to move handled mail to is required with after = move",
                    ));
                }
            },
            other => {
                return Err(ApiError::invalid(
                    "config.after",
                    format!("config.after: unknown value '{other}' (use flag, seen or move)"),
                ));
            }
        };
        if self.poll_seconds.is_some_and(|s| s < 5) {
            return Err(ApiError::invalid(
                "config.poll_seconds",
                "config.poll_seconds: at least 5",
            ));
        }
        let mut cfg = MailboxConfig::new(self.host.trim(), self.username.trim(), password);
        cfg.security = security;
        cfg.port = self.port.unwrap_or(match security {
            Security::Implicit => 993,
            _ => 143,
        });
        if let Some(f) = self
            .folder
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            cfg.folder = f.to_string();
        }
        cfg.after = after;
        if let Some(pem) = &self.ca_pem {
            cfg.trust = Trust::CaPem(pem.clone());
        }
        if let Some(b) = self.batch {
            cfg.batch = b.clamp(1, 10_000);
        }
        cfg.validate()
            .map_err(|e| ApiError::invalid("config", format!("config: {e}")))?;
        Ok(cfg)
    }

    pub fn poll_every(&self) -> Duration {
        Duration::from_secs(u64::from(self.poll_seconds.unwrap_or(DEFAULT_POLL_SECONDS)))
    }
}

/// The result of one poll.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PollSummary {
    pub fetched: usize,
    pub handled: usize,
    pub skipped: usize,
    pub oversized: usize,
    /// The message the poll stopped at (retried next time), with the reason.
    pub failed: Option<String>,
    pub uid_validity: u32,
    pub last_uid: u32,
    /// More new mail is waiting than one poll takes.
    pub more: bool,
}

/// Polls one IMAP source once and stores its new cursor (or its error).
pub async fn poll_source(state: &AppState, src: &InboundSource) -> Result<PollSummary, ApiError> {
    let settings: MailboxSettings = serde_json::from_str(&src.config)
        .map_err(|e| ApiError::internal(format!("stored mailbox configuration: {e}")))?;
    let password = match &src.secret {
        Some(sealed) => state
            .secrets_key()
            .open(sealed, &InboundSource::seal_aad(src.tenant_id, src.id))
            .map_err(|e| ApiError::internal(format!("mailbox password: {e}")))
            .and_then(|p| {
                String::from_utf8(p)
                    .map_err(|_| ApiError::internal("mailbox password is not UTF-8"))
            })?,
        None => String::new(),
    };
    let cfg = settings.to_config(password)?;
    let prior: MailboxState = serde_json::from_str(&src.state).unwrap_or_default();
    let ctx = state.tenant(src.tenant_id).await?;
    let actor = Actor::system(&format!("imap:{}", src.id));
    let handler = {
        let state = state.clone();
        let ctx = Arc::clone(&ctx);
        move |_uid: u32, raw: Vec<u8>| {
            let state = state.clone();
            let ctx = Arc::clone(&ctx);
            let actor = actor.clone();
            async move {
                match super::ingest(&state, &ctx, actor, &raw, Via::Imap).await {
                    Ok(_) => Ok(Disposition::Handled),
                    // Not an e-mail message: nothing to act on; left in place.
                    Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
                        tracing::warn!(error = %e.message, "inbound mailbox: skipped a message that is not e-mail");
                        Ok(Disposition::Skip)
                    }
                    Err(e) => Err(e.message),
                }
            }
        }
    };
    let now = veto_domain::now;
    match veto_imap::poll_once(&cfg, prior.cursor, handler).await {
        Ok(report) => {
            let next = MailboxState {
                cursor: report.cursor,
            };
            let state_json = serde_json::to_string(&next).map_err(ApiError::internal)?;
            let failed = report
                .failed
                .as_ref()
                .map(|(uid, why)| format!("message UID {uid}: {why}"));
            state
                .store()
                .record_source_run(src.tenant_id, src.id, &state_json, now(), failed.as_deref())
                .await?;
            metrics::counter!("veto_mailbox_messages_total", "outcome" => "handled")
                .increment(report.handled as u64);
            Ok(PollSummary {
                fetched: report.fetched,
                handled: report.handled,
                skipped: report.skipped,
                oversized: report.oversized,
                failed,
                uid_validity: report.cursor.uid_validity,
                last_uid: report.cursor.last_uid,
                more: report.more,
            })
        }
        Err(e) => {
            let msg = e.to_string();
            state
                .store()
                .record_source_run(src.tenant_id, src.id, &src.state, now(), Some(&msg))
                .await?;
            metrics::counter!("veto_mailbox_poll_errors_total").increment(1);
            Err(ApiError::new(
                axum::http::StatusCode::BAD_GATEWAY,
                "mailbox_unreachable",
                format!("inbound mailbox {}: {msg}", src.name),
            ))
        }
    }
}

/// Polls every due IMAP source once; returns how many were polled.
pub async fn poll_due(state: &AppState) -> Result<usize, veto_store::StoreError> {
    let now = veto_domain::now();
    let mut polled = 0;
    for src in state.store().enabled_sources(SourceKind::Imap).await? {
        let every = serde_json::from_str::<MailboxSettings>(&src.config)
            .map(|s| s.poll_every())
            .unwrap_or(Duration::from_secs(u64::from(DEFAULT_POLL_SECONDS)));
        let due = src.last_run_at.is_none_or(|t| {
            now - t >= time::Duration::try_from(every).unwrap_or(time::Duration::MINUTE)
        });
        if !due {
            continue;
        }
        polled += 1;
        match poll_source(state, &src).await {
            Ok(s) if s.handled > 0 || s.failed.is_some() => {
                tracing::info!(source = %src.id, handled = s.handled, failed = ?s.failed, "inbound mailbox polled");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(source = %src.id, error = %e.message, "inbound mailbox poll failed")
            }
        }
    }
    Ok(polled)
}

/// Starts the poller of a node.
pub fn spawn_poller(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = poll_due(&state).await {
                tracing::warn!(error = %e, "inbound mailbox poller: will retry");
            }
        }
    });
}
