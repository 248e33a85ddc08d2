//! Provider events (verified by `veto_webhooks`) to actions, one stored signal per event and
//! recipient: the provider's event id is the signal's key, so an event delivered again is
//! processed once.
//!
//! - hard bounce → `hard_bounce` (source `esp_webhook`), except that DNS failures and full
//!   mailboxes are soft at first;
//! - soft bounce of the recipient's side → counted by the tenant's bounce policy;
//! - complaint → `complaint`; unsubscribe and group unsubscribe → `unsubscribe`;
//! - delivery → the soft-bounce count starts again;
//! - anything else (opens, clicks, auto-replies, reactivations) → recorded, nothing done. A
//!   provider "reactivation" never lifts a suppression: lifting takes evidence and a second
//!   person.

use veto_domain::actor::Actor;
use veto_domain::signal::Via;
use veto_domain::suppression::{Reason, SourceChannel};
use veto_webhooks::{EspEvent, EventKind};

use super::process::{Begun, Processing, Received};
use super::{IngestOutcome, counts_against_address, delivered, soft_at_first, truncate};
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};

/// Longest diagnostic quoted in evidence.
const MAX_DIAGNOSTIC: usize = 500;

/// Applies one verified provider event for the tenant of `ctx`.
pub async fn process_event(
    state: &AppState,
    ctx: &TenantCtx,
    actor: Actor,
    ev: &EspEvent,
) -> Result<IngestOutcome, ApiError> {
    let provider = ev.provider.as_str();
    let received = Received {
        key: format!("event:{provider}:{}", ev.event_id),
        via: Via::Webhook(provider.to_string()),
        content_type: "application/json",
        raw: serde_json::to_vec(&ev.raw).map_err(ApiError::internal)?,
        message_id: ev.message_id.clone(),
    };
    let mut p = match Processing::begin(state, ctx, actor, received).await? {
        Begun::Seen(out) => return Ok(*out),
        Begun::New(p) => *p,
    };
    let now = veto_domain::now();
    let at = ev
        .occurred_at
        .map(veto_domain::truncate_micros)
        .filter(|t| *t <= now)
        .unwrap_or(now);
    let reason = ev.reason;
    let mut detail = format!(
        "status {}, reply code {}",
        ev.status.as_deref().unwrap_or("-"),
        ev.reply_code
            .map_or_else(|| "-".to_string(), |c| c.to_string())
    );
    if let Some(d) = &ev.diagnostic {
        detail.push_str("; diagnostic: ");
        detail.push_str(&truncate(d.trim(), MAX_DIAGNOSTIC));
    }
    let what = format!(
        "{provider} event {} (message {})",
        ev.event_id,
        ev.message_id.as_deref().unwrap_or("unknown")
    );
    let address = ev.recipient.as_str();
    p.out.kind = match &ev.kind {
        EventKind::HardBounce | EventKind::SoftBounce => "bounce".to_string(),
        other => other.as_str().to_string(),
    };
    if let Some(r) = reason {
        p.out.reasons.push(r.as_str().to_string());
    }
    match &ev.kind {
        EventKind::HardBounce if !reason.is_some_and(soft_at_first) => {
            p.suppress(
                address,
                Reason::HardBounce,
                SourceChannel::EspWebhook,
                format!("Bounce, {what}: {detail}"),
            )
            .await?;
        }
        EventKind::HardBounce | EventKind::SoftBounce => {
            if reason.is_none_or(counts_against_address) {
                let name = reason.map_or("soft_bounce", |r| r.as_str());
                p.soft_bounce(address, name, at, format!("{what}: {detail}"))
                    .await?;
            } else {
                let name = reason.map_or("soft_bounce", |r| r.as_str());
                p.ignore(
                    address,
                    name,
                    format!(
                        "a failure on the sending side ({name}): says nothing about the address, not counted"
                    ),
                );
            }
        }
        EventKind::Complaint => {
            p.suppress(
                address,
                Reason::Complaint,
                SourceChannel::EspWebhook,
                format!("Complaint, {what}"),
            )
            .await?;
        }
        EventKind::Unsubscribe => {
            p.suppress(
                address,
                Reason::Unsubscribe,
                SourceChannel::EspWebhook,
                format!("Unsubscribe, {what}"),
            )
            .await?;
        }
        EventKind::GroupUnsubscribe => {
            // A stop request for one kind of mail is honoured for every kind: the next
            // message to this person must not go out by another route.
            p.suppress(
                address,
                Reason::Unsubscribe,
                SourceChannel::EspWebhook,
                format!(
                    "Unsubscribe from group {}, {what}",
                    ev.group.as_deref().unwrap_or("unknown")
                ),
            )
            .await?;
        }
        EventKind::Delivered => {
            delivered(&mut p, address, &format!("delivered, {what}")).await?;
        }
        EventKind::Other(name) => {
            let why = if name == "reactivated" || name.contains("reactivat") {
                "a provider reactivation never lifts a suppression (lifts take evidence and a second person)".to_string()
            } else {
                format!("{name}: not a signal Veto acts on")
            };
            p.ignore(address, name, why);
        }
    }
    p.finish().await
}
