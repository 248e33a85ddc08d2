//! Background jobs of a node. Expiry: entries whose policy expiry passed are ended (recorded,
//! never deleted). Checks already treat them as ended from the moment of expiry; the job makes
//! it visible in the history. Several nodes may run it: the store serialises the writes.

use std::time::Duration;

use crate::state::AppState;

pub fn spawn_expiry(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            if let Err(e) = run_expiry(&state).await {
                tracing::warn!(error = %e, "expiry job failed; will retry");
            }
        }
    });
}

/// Ends every entry due now; returns how many.
pub async fn run_expiry(state: &AppState) -> Result<usize, veto_store::StoreError> {
    let mut total = 0;
    loop {
        let ended = state.store().expire_due(veto_domain::now(), 1000).await?;
        total += ended.len();
        if ended.len() < 1000 {
            break;
        }
    }
    if total > 0 {
        tracing::info!(entries = total, "expired entries ended");
        metrics::counter!("veto_entries_expired_total").increment(total as u64);
    }
    Ok(total)
}
