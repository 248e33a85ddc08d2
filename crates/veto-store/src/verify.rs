//! Recomputes a tenant's audit chain from any store, page by page.

use veto_domain::audit::{ChainVerifier, VerifyReport};
use veto_domain::id::TenantId;

use crate::error::StoreResult;
use crate::store::Store;

/// Reads the whole chain in seq order and verifies it against the recorded head.
pub async fn verify_audit(store: &dyn Store, tenant: TenantId) -> StoreResult<VerifyReport> {
    // The head is read first: events appended while verifying do not count as tampering.
    let (head_seq, head_hash) = store.audit_head(tenant).await?;
    let mut v = ChainVerifier::new(tenant);
    let mut after = 0;
    'pages: loop {
        let page = store.audit_chain(tenant, after, 5000).await?;
        if page.is_empty() {
            break;
        }
        for e in &page {
            if e.seq > head_seq {
                break 'pages;
            }
            if !v.feed(e) {
                break 'pages;
            }
            after = e.seq;
        }
    }
    Ok(v.finish(head_seq, head_hash))
}
