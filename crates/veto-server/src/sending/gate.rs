//! The last check before a message leaves: the recipient is checked against the state
//! committed at that moment, inside the store's send fence, and the fence is held until the
//! message was handed to the upstream. A suppression committed before the fence is seen; one
//! written meanwhile waits for the hand-over, so no message ever reaches the upstream after
//! its recipient's suppression committed.

use serde_json::json;
use veto_domain::suppression::Purpose;
use veto_domain::verdict::Verdict;
use veto_store::{SendFence, StoreError};

use super::recipient::Recipient;
use crate::check::{Outcome, decide_from_entries};
use crate::state::{AppState, TenantCtx};

/// A recipient checked inside the fence. Release it once the message is handed over (or
/// not sent).
pub struct Gate {
    fence: Box<dyn SendFence>,
    pub outcome: Outcome,
}

impl Gate {
    /// Takes the fence on every key of the recipient and checks what is committed.
    pub async fn enter(
        state: &AppState,
        ctx: &TenantCtx,
        recipient: &Recipient,
        purpose: Purpose,
    ) -> Result<Gate, StoreError> {
        let ids = recipient.identifiers();
        let opts = Recipient::options(purpose);
        let hashes: Vec<_> = recipient
            .keys(ctx, purpose)
            .iter()
            .map(|k| k.hash)
            .collect();
        let mut fence = state.store().fence_send(ctx.tenant.id, &hashes).await?;
        let outcome = if state.sole_writer() {
            // The node is its database's only writer: whatever committed before the fence was
            // taken is in the check index once the node has followed the feed.
            match Self::from_index(state, ctx, &ids, &opts).await {
                Ok(o) => o,
                Err(e) => {
                    let _ = fence.release().await;
                    return Err(e);
                }
            }
        } else {
            match fence.entries().await {
                Ok(entries) => decide_from_entries(ctx, &ids, &entries, &opts, veto_domain::now()),
                Err(e) => {
                    let _ = fence.release().await;
                    return Err(e);
                }
            }
        };
        Ok(Gate { fence, outcome })
    }

    async fn from_index(
        state: &AppState,
        ctx: &TenantCtx,
        ids: &[veto_domain::identifier::Identifier],
        opts: &crate::check::CheckOptions,
    ) -> Result<Outcome, StoreError> {
        state.fresh().await.map_err(StoreError::Other)?;
        let ix = state
            .index(ctx.tenant.id)
            .ok_or_else(|| StoreError::Other("the tenant's index is not loaded".into()))?;
        let ix = ix
            .read()
            .map_err(|_| StoreError::Other("index lock poisoned".into()))?;
        Ok(crate::check::check_live(
            ctx,
            &ix,
            ids,
            opts,
            veto_domain::now(),
        ))
    }

    pub fn allowed(&self) -> bool {
        self.outcome.verdict == Verdict::Allow
    }

    /// Lets waiting suppressions of the recipient commit.
    pub async fn release(self) {
        if let Err(e) = self.fence.release().await {
            tracing::warn!(error = %e, "releasing a send fence failed");
        }
    }
}

/// The verdict as a send record keeps it: the decision, the sentence and the matching
/// entries (never the clear identifier beyond what the entries carry).
pub fn verdict_snapshot(o: &Outcome) -> serde_json::Value {
    json!({
        "verdict": o.verdict,
        "explanation": o.explanation,
        "matches": o.matches,
    })
}
