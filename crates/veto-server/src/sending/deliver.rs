//! One message to one recipient: sign it, check the recipient inside the send fence, hand it
//! to the route, release the fence. Signing comes first so the fence is held only for the
//! check and the hand-over.

use veto_domain::route::Route;
use veto_domain::suppression::Purpose;
use veto_store::StoreError;

use super::gate::Gate;
use super::recipient::Recipient;
use super::upstream::Handover;
use crate::check::Outcome;
use crate::state::{AppState, TenantCtx};

/// A message ready to go, unsigned.
pub struct Outbound<'a> {
    pub ctx: &'a TenantCtx,
    pub recipient: &'a Recipient,
    pub purpose: Purpose,
    /// The From address's domain (selects the DKIM key).
    pub from_domain: &'a str,
    pub route: &'a Route,
    /// The envelope sender (a VERP return path).
    pub envelope_from: &'a str,
    pub message: Vec<u8>,
}

/// What became of it.
#[derive(Debug)]
pub enum Delivered {
    /// The registry blocked the recipient; nothing left.
    Blocked(Outcome),
    /// Allowed and handed over (or tried): what the upstream said.
    Handed {
        outcome: Outcome,
        handover: Handover,
    },
}

/// Signs (when the From domain has a key), checks inside the fence, hands over.
pub async fn deliver(state: &AppState, out: Outbound<'_>) -> Result<Delivered, StoreError> {
    let signed = match state.signer_for(out.ctx.tenant.id, out.from_domain).await? {
        // Ed25519 signs in tens of microseconds: inline, without a thread hand-off.
        Some(s) if matches!(s.key.key_type(), veto_sending::DkimKeyType::Ed25519) => {
            match s
                .key
                .sign(&s.domain, &s.selector, &out.message, veto_domain::now())
            {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(domain = %s.domain.as_str(), error = %e,
                        "a message could not be DKIM-signed; it goes out unsigned");
                    out.message
                }
            }
        }
        Some(s) => {
            let message = out.message;
            let now = veto_domain::now();
            let s2 = s.clone();
            // RSA signing costs a millisecond or two of CPU: off the async threads.
            match tokio::task::spawn_blocking(move || {
                s2.key
                    .sign(&s2.domain, &s2.selector, &message, now)
                    .map_err(|e| (e, message))
            })
            .await
            {
                Ok(Ok(m)) => m,
                Ok(Err((e, message))) => {
                    tracing::warn!(domain = %s.domain.as_str(), error = %e,
                        "a message could not be DKIM-signed; it goes out unsigned");
                    message
                }
                Err(e) => return Err(StoreError::Other(format!("signing task failed: {e}"))),
            }
        }
        None => out.message,
    };
    let gate = Gate::enter(state, out.ctx, out.recipient, out.purpose).await?;
    if !gate.allowed() {
        let outcome = gate.outcome.clone();
        gate.release().await;
        metrics::counter!("veto_sends_total", "outcome" => "blocked").increment(1);
        return Ok(Delivered::Blocked(outcome));
    }
    let handover = state
        .sending()
        .upstreams
        .send(
            out.route,
            state.secrets_key(),
            out.envelope_from,
            out.recipient.address.as_str(),
            &signed,
        )
        .await;
    let outcome = gate.outcome.clone();
    gate.release().await;
    let label = match &handover {
        Handover::Sent(_) => "sent",
        Handover::Deferred(_) => "deferred",
        Handover::Failed(_) => "failed",
    };
    metrics::counter!("veto_sends_total", "outcome" => label).increment(1);
    Ok(Delivered::Handed { outcome, handover })
}
