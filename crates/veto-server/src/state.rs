//! Shared server state: the store, the tenants' contexts (policy and identifier hasher), the
//! check index, the key cache, and the freshness barrier that keeps them in step with the
//! store's change feed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::{Mutex, mpsc, oneshot};
use veto_domain::id::TenantId;
use veto_domain::keyed_hash::IdentifierHasher;
use veto_store::{ChangeOp, DynStore, StoreError, Tenant};

use crate::auth::Caller;
use crate::index::TenantIndex;

/// A tenant as the server uses it.
pub struct TenantCtx {
    pub tenant: Tenant,
    pub hasher: IdentifierHasher,
}

type Waiter = oneshot::Sender<Result<(), String>>;

pub(crate) struct Shared {
    pub store: DynStore,
    tenants: RwLock<HashMap<TenantId, Arc<TenantCtx>>>,
    indexes: RwLock<HashMap<TenantId, Arc<RwLock<TenantIndex>>>>,
    pub(crate) auth_cache: RwLock<HashMap<[u8; 32], Arc<Caller>>>,
    /// Bumped on every auth change, so a key read before a revocation is never cached after it.
    pub(crate) auth_gen: AtomicU64,
    applied_seq: AtomicI64,
    /// Serialises every change to the index (feed application and tenant loads).
    apply_lock: Mutex<()>,
    sync_tx: mpsc::UnboundedSender<Waiter>,
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

/// The state every handler gets. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

/// Page size for index loads and change-feed reads.
const PAGE: u32 = 100_000;

impl AppState {
    /// Loads every tenant's index from the store and starts following the change feed and the
    /// expiry job.
    pub async fn start(store: DynStore) -> anyhow::Result<AppState> {
        let state = Self::start_without_jobs(store).await?;
        crate::jobs::spawn_expiry(state.clone());
        Ok(state)
    }

    /// As [`AppState::start`], without background jobs (tests drive them by hand).
    pub async fn start_without_jobs(store: DynStore) -> anyhow::Result<AppState> {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            store,
            tenants: RwLock::new(HashMap::new()),
            indexes: RwLock::new(HashMap::new()),
            auth_cache: RwLock::new(HashMap::new()),
            auth_gen: AtomicU64::new(0),
            applied_seq: AtomicI64::new(0),
            apply_lock: Mutex::new(()),
            sync_tx: tx,
            metrics: crate::metrics::install(),
        });
        let state = AppState(shared);
        {
            let _g = state.0.apply_lock.lock().await;
            // Read the feed position first: anything committed later is replayed on top of the
            // loaded state, and replay is idempotent.
            let seq = state.0.store.latest_change().await?;
            for t in state.0.store.list_tenants().await? {
                state.load_tenant_locked(t).await?;
            }
            state.0.applied_seq.store(seq, Ordering::SeqCst);
        }
        tokio::spawn(sync_loop(Arc::downgrade(&state.0), rx));
        state.fresh().await.map_err(anyhow::Error::msg)?;
        Ok(state)
    }

    pub fn store(&self) -> &DynStore {
        &self.0.store
    }

    /// Waits until every change committed before this call is applied to the index and caches.
    /// Concurrent callers share one read of the feed.
    pub async fn fresh(&self) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.0
            .sync_tx
            .send(tx)
            .map_err(|_| "the change-feed follower stopped".to_string())?;
        rx.await
            .map_err(|_| "the change-feed follower stopped".to_string())?
    }

    /// The tenant's context, loading it (and its index) on first use.
    pub async fn tenant(&self, id: TenantId) -> Result<Arc<TenantCtx>, StoreError> {
        if let Some(t) = self.0.tenants.read().map_err(poisoned)?.get(&id) {
            return Ok(t.clone());
        }
        let _g = self.0.apply_lock.lock().await;
        if let Some(t) = self.0.tenants.read().map_err(poisoned)?.get(&id) {
            return Ok(t.clone());
        }
        let t = self.0.store.get_tenant(id).await?;
        self.load_tenant_locked(t).await
    }

    /// The tenant's check index (the tenant must have been loaded with [`AppState::tenant`]).
    pub fn index(&self, id: TenantId) -> Option<Arc<RwLock<TenantIndex>>> {
        self.0.indexes.read().ok()?.get(&id).cloned()
    }

    /// Number of indexed entries over all tenants.
    pub fn indexed_entries(&self) -> usize {
        let Ok(ix) = self.0.indexes.read() else {
            return 0;
        };
        ix.values()
            .map(|i| i.read().map(|i| i.len()).unwrap_or(0))
            .sum()
    }

    async fn load_tenant_locked(&self, t: Tenant) -> Result<Arc<TenantCtx>, StoreError> {
        let id = t.id;
        let mut index = TenantIndex::default();
        let mut after = 0;
        loop {
            let rows = self.0.store.index_rows(id, after, PAGE).await?;
            index.reserve(rows.len());
            for r in &rows {
                index.insert(r);
            }
            match rows.last() {
                Some(last) if rows.len() == PAGE as usize => after = last.row_id,
                _ => break,
            }
        }
        let ctx = Arc::new(TenantCtx {
            hasher: IdentifierHasher::new(&t.secret),
            tenant: t,
        });
        self.0
            .indexes
            .write()
            .map_err(poisoned)?
            .insert(id, Arc::new(RwLock::new(index)));
        self.0
            .tenants
            .write()
            .map_err(poisoned)?
            .insert(id, ctx.clone());
        Ok(ctx)
    }

    /// Applies every change after the last applied one.
    async fn apply_changes(&self) -> Result<(), StoreError> {
        let _g = self.0.apply_lock.lock().await;
        loop {
            let after = self.0.applied_seq.load(Ordering::SeqCst);
            let changes = self.0.store.changes_after(after, 10_000).await?;
            for c in &changes {
                let loaded = self.index(c.tenant_id);
                match c.op {
                    ChangeOp::Added {
                        first_row,
                        last_row,
                    } => {
                        if let Some(ix) = loaded {
                            let rows = self
                                .0
                                .store
                                .index_rows_in_range(c.tenant_id, first_row, last_row)
                                .await?;
                            let mut ix = ix.write().map_err(poisoned)?;
                            ix.reserve(rows.len());
                            for r in &rows {
                                ix.insert(r);
                            }
                        }
                    }
                    ChangeOp::Ended { row_id, short } => {
                        if let Some(ix) = loaded {
                            ix.write().map_err(poisoned)?.remove(row_id, short);
                        }
                    }
                    ChangeOp::Auth => {
                        self.0.auth_gen.fetch_add(1, Ordering::SeqCst);
                        let tid = c.tenant_id;
                        self.0
                            .auth_cache
                            .write()
                            .map_err(poisoned)?
                            .retain(|_, cached| cached.tenant_id != tid);
                    }
                    ChangeOp::Policy => {
                        if self
                            .0
                            .tenants
                            .read()
                            .map_err(poisoned)?
                            .contains_key(&c.tenant_id)
                        {
                            let t = self.0.store.get_tenant(c.tenant_id).await?;
                            let ctx = Arc::new(TenantCtx {
                                hasher: IdentifierHasher::new(&t.secret),
                                tenant: t,
                            });
                            self.0
                                .tenants
                                .write()
                                .map_err(poisoned)?
                                .insert(c.tenant_id, ctx);
                        }
                    }
                }
                self.0.applied_seq.store(c.seq, Ordering::SeqCst);
            }
            if changes.len() < 10_000 {
                return Ok(());
            }
        }
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Other("a server lock was poisoned by an earlier panic".into())
}

/// Answers waiters in rounds: every waiter queued before a round's feed read starts is
/// answered by that round, so a check never misses a commit that preceded it.
async fn sync_loop(state: std::sync::Weak<Shared>, mut rx: mpsc::UnboundedReceiver<Waiter>) {
    while let Some(first) = rx.recv().await {
        let mut waiters = vec![first];
        while let Ok(w) = rx.try_recv() {
            waiters.push(w);
        }
        let Some(shared) = state.upgrade() else {
            return;
        };
        let result = AppState(shared)
            .apply_changes()
            .await
            .map_err(|e| e.to_string());
        if let Err(e) = &result {
            tracing::error!(error = %e, "applying the change feed failed");
        }
        for w in waiters {
            let _ = w.send(result.clone());
        }
    }
}
