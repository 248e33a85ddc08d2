//! Shared server state: the store, the tenants' contexts (policy and identifier hasher), the
//! check index, the key cache, and the freshness barrier that keeps them in step with the
//! store's change feed.

use std::collections::HashMap;
use std::path::PathBuf;
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
    snapshot: Option<PathBuf>,
    /// This node is the only writer of its database (see `StartOptions::sole_writer`).
    sole_writer: bool,
    /// The store's local write count when the last successful feed read started.
    synced_writes: AtomicU64,
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// DNS for address verification, cached for every tenant of the node.
    resolver: Arc<dyn veto_verify::Resolver>,
    disposable: Arc<veto_verify::DisposableList>,
    /// Entries per store transaction of a suppression migration.
    migration_chunk: usize,
    /// Base URL of the public unsubscribe links (see `StartOptions::public_url`).
    public_url: Option<String>,
    /// Domain of the mailto unsubscribe address (see `StartOptions::unsubscribe_mail_domain`).
    unsubscribe_mail_domain: Option<String>,
    secrets_key: veto_domain::sealed::SecretsKey,
    /// Upstream transports, DKIM signers, the send recorder.
    sending: crate::sending::SendingCtx,
}

/// The state every handler gets. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

/// Page size for index loads and change-feed reads.
const PAGE: u32 = 100_000;

/// How a node starts.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Where this node keeps its index snapshot (none: always load from the store).
    pub snapshot: Option<PathBuf>,
    /// Run background jobs (expiry).
    pub jobs: bool,
    /// Every write to the database goes through this process (an SQLite file this node holds
    /// the serving lock of). The freshness barrier then reads the feed only after a local
    /// commit, instead of on every request.
    pub sole_writer: bool,
    /// DNS for address verification (default: the system's name servers, cached).
    pub resolver: Option<DnsResolver>,
    /// Entries per store transaction of a suppression migration (default 1,000,000); a
    /// larger file is written in that many hash buckets.
    pub migration_chunk: Option<usize>,
    /// Base URL recipients reach this service at, for one-click unsubscribe links
    /// (`{public_url}/u/{token}`). Default: `http://` and the `Host` of the request that asks
    /// for a link.
    pub public_url: Option<String>,
    /// Domain whose `unsubscribe+TOKEN@…` mail reaches the ingest path; without it,
    /// `List-Unsubscribe` carries the https link only.
    pub unsubscribe_mail_domain: Option<String>,
    /// The key credentials of inbound sources are sealed with. Without one, a node makes an
    /// ephemeral key (sealed credentials then do not survive a restart): `veto serve` always
    /// passes one.
    pub secrets_key: Option<veto_domain::sealed::SecretsKey>,
    /// How this node sends (host name, bounce domain, upstream trust, concurrency).
    pub sending: crate::sending::SendingOptions,
}

/// The resolver a node verifies addresses with.
#[derive(Clone)]
pub struct DnsResolver(pub Arc<dyn veto_verify::Resolver>);

impl std::fmt::Debug for DnsResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DnsResolver")
    }
}

impl DnsResolver {
    /// The system's name servers (`/etc/resolv.conf`), behind a cache.
    pub fn system() -> anyhow::Result<Self> {
        let r = veto_verify::HickoryResolver::from_system_conf()
            .map_err(|e| anyhow::anyhow!("cannot read the system's DNS configuration: {e}"))?;
        Ok(Self(Arc::new(veto_verify::CachingResolver::new(r))))
    }

    /// These name servers, behind a cache.
    pub fn servers(servers: &[std::net::SocketAddr]) -> anyhow::Result<Self> {
        let r = veto_verify::HickoryResolver::with_nameservers(servers)
            .map_err(|e| anyhow::anyhow!("cannot use DNS servers {servers:?}: {e}"))?;
        Ok(Self(Arc::new(veto_verify::CachingResolver::new(r))))
    }
}

impl AppState {
    /// Loads every tenant's index from the store and starts following the change feed and the
    /// expiry job.
    pub async fn start(store: DynStore) -> anyhow::Result<AppState> {
        Self::start_with(
            store,
            StartOptions {
                snapshot: None,
                jobs: true,
                sole_writer: false,
                resolver: None,
                migration_chunk: None,
                public_url: None,
                unsubscribe_mail_domain: None,
                secrets_key: None,
                sending: Default::default(),
            },
        )
        .await
    }

    /// As [`AppState::start`], without background jobs (tests drive them by hand).
    pub async fn start_without_jobs(store: DynStore) -> anyhow::Result<AppState> {
        Self::start_with(store, StartOptions::default()).await
    }

    /// Starts a node: the index comes from the snapshot when one is valid for this store
    /// (then the feed since it is replayed), otherwise from the store.
    pub async fn start_with(store: DynStore, opts: StartOptions) -> anyhow::Result<AppState> {
        let (tx, rx) = mpsc::unbounded_channel();
        let resolver = match opts.resolver.clone() {
            Some(r) => r,
            None => DnsResolver::system()?,
        };
        let recorder = crate::sending::recorder::Recorder::start(store.clone());
        let shared = Arc::new(Shared {
            sending: crate::sending::SendingCtx::new(&opts.sending, recorder),
            store,
            tenants: RwLock::new(HashMap::new()),
            indexes: RwLock::new(HashMap::new()),
            auth_cache: RwLock::new(HashMap::new()),
            auth_gen: AtomicU64::new(0),
            applied_seq: AtomicI64::new(0),
            apply_lock: Mutex::new(()),
            sync_tx: tx,
            snapshot: opts.snapshot.clone(),
            sole_writer: opts.sole_writer,
            synced_writes: AtomicU64::new(u64::MAX),
            metrics: crate::metrics::install(),
            resolver: resolver.0,
            disposable: veto_verify::DisposableList::bundled(),
            migration_chunk: opts
                .migration_chunk
                .unwrap_or(crate::imports::migration::CHUNK)
                .max(1),
            public_url: opts
                .public_url
                .as_deref()
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            unsubscribe_mail_domain: opts
                .unsubscribe_mail_domain
                .as_deref()
                .map(|d| d.trim().trim_start_matches('@').to_string())
                .filter(|d| !d.is_empty()),
            secrets_key: opts.secrets_key.clone().unwrap_or_else(|| {
                tracing::warn!("no secrets key configured: inbound credentials sealed now will not open after a restart");
                veto_domain::sealed::SecretsKey::generate()
            }),
        });
        let state = AppState(shared);
        let started = std::time::Instant::now();
        let used_snapshot = {
            let _g = state.0.apply_lock.lock().await;
            // Read the feed position first: anything committed later is replayed on top of the
            // loaded state, and replay is idempotent.
            let latest = state.0.store.latest_change().await?;
            let (mut seq, mut from_snapshot) = (latest, HashMap::new());
            let used = match state.usable_snapshot(latest).await {
                Some(snap) => {
                    seq = snap.seq;
                    from_snapshot = snap.tenants.into_iter().collect();
                    true
                }
                None => false,
            };
            for t in state.0.store.list_tenants().await? {
                match from_snapshot.remove(&t.id) {
                    Some(ix) => state.install_locked(t, ix)?,
                    None => state.load_tenant_locked(t).await?,
                };
            }
            state.0.applied_seq.store(seq, Ordering::SeqCst);
            used
        };
        tokio::spawn(sync_loop(Arc::downgrade(&state.0), rx));
        state.fresh().await.map_err(anyhow::Error::msg)?;
        tracing::info!(
            entries = state.indexed_entries(),
            from_snapshot = used_snapshot,
            seconds = started.elapsed().as_secs_f64(),
            "check index ready"
        );
        if opts.jobs {
            crate::jobs::spawn_expiry(state.clone());
            crate::signals::mailbox::spawn_poller(state.clone());
            crate::sending::scheduler::spawn(state.clone());
        }
        if state.0.snapshot.is_some() && !used_snapshot {
            let st = state.clone();
            tokio::spawn(async move {
                if let Err(e) = st.save_snapshot().await {
                    tracing::warn!(error = %e, "writing the index snapshot failed");
                }
            });
        }
        Ok(state)
    }

    async fn usable_snapshot(&self, latest: i64) -> Option<crate::snapshot::Snapshot> {
        let path = self.0.snapshot.clone()?;
        let snap = match tokio::task::spawn_blocking(move || crate::snapshot::read(&path)).await {
            Ok(Ok(Some(s))) => s,
            Ok(Ok(None)) => return None,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "ignoring the index snapshot");
                return None;
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading the index snapshot failed");
                return None;
            }
        };
        let fp = match self.fingerprint_at(snap.seq).await {
            Ok(fp) => fp,
            Err(e) => {
                tracing::warn!(error = %e, "cannot check the index snapshot against the store");
                return None;
            }
        };
        if snap.seq > latest || fp != snap.fingerprint {
            tracing::warn!(
                snapshot_seq = snap.seq,
                store_seq = latest,
                "the index snapshot does not belong to this store; loading from the store"
            );
            return None;
        }
        Some(snap)
    }

    /// The fingerprint of the feed position `seq`: the change stored there (none at 0).
    async fn fingerprint_at(&self, seq: i64) -> Result<[u8; 34], StoreError> {
        let at = if seq == 0 {
            None
        } else {
            self.0
                .store
                .changes_after(seq - 1, 1)
                .await?
                .into_iter()
                .find(|c| c.seq == seq)
        };
        Ok(crate::snapshot::fingerprint(at.as_ref()))
    }

    /// Writes this node's index snapshot (no-op without a snapshot path). Changes wait while it
    /// is written, so the snapshot is exactly the state at one feed position.
    pub async fn save_snapshot(&self) -> anyhow::Result<Option<u64>> {
        let Some(path) = self.0.snapshot.clone() else {
            return Ok(None);
        };
        let _g = self.0.apply_lock.lock().await;
        let seq = self.0.applied_seq.load(Ordering::SeqCst);
        let fp = self.fingerprint_at(seq).await?;
        let indexes: Vec<(TenantId, Arc<RwLock<TenantIndex>>)> = self
            .0
            .indexes
            .read()
            .map_err(poisoned)?
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        let written = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
            let guards: Vec<_> = indexes
                .iter()
                .map(|(id, ix)| {
                    ix.read()
                        .map(|g| (*id, g))
                        .map_err(|_| anyhow::anyhow!("index lock poisoned"))
                })
                .collect::<Result<_, _>>()?;
            let refs: Vec<(TenantId, &TenantIndex)> =
                guards.iter().map(|(id, g)| (*id, &**g)).collect();
            Ok(crate::snapshot::write(&path, seq, fp, &refs)?)
        })
        .await??;
        tracing::info!(entries = written, seq, "index snapshot written");
        Ok(Some(written))
    }

    pub fn store(&self) -> &DynStore {
        &self.0.store
    }

    /// Whether this node is its database's only writer (an SQLite file it serves).
    pub fn sole_writer(&self) -> bool {
        self.0.sole_writer
    }

    /// The node's sending state.
    pub fn sending(&self) -> &crate::sending::SendingCtx {
        &self.0.sending
    }

    /// Waits until every change committed before this call is applied to the index and caches.
    /// Concurrent callers share one read of the feed.
    pub async fn fresh(&self) -> Result<(), String> {
        if self.0.sole_writer
            && let Some(w) = self.0.store.local_writes()
            && w == self.0.synced_writes.load(Ordering::SeqCst)
        {
            // No commit since the last feed read started, and nobody else writes.
            return Ok(());
        }
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

    /// An address verifier with the tenant's switches and role list, on the node's cached
    /// resolver.
    pub fn verifier(
        &self,
        policy: &veto_domain::policy::TenantPolicy,
    ) -> Arc<veto_verify::Verifier> {
        let checks = veto_verify::VerifyChecks {
            mail_domain: policy.verify.mail_domain,
            role_account: policy.verify.role_account,
            disposable: policy.verify.disposable,
            ..veto_verify::VerifyChecks::default()
        };
        Arc::new(
            veto_verify::Verifier::for_policy(policy, checks, self.0.resolver.clone())
                .with_disposable_list(self.0.disposable.clone()),
        )
    }

    /// Entries per store transaction of a suppression migration.
    pub fn migration_chunk(&self) -> usize {
        self.0.migration_chunk
    }

    /// The configured base URL of public unsubscribe links, without a trailing `/`.
    pub fn public_url(&self) -> Option<&str> {
        self.0.public_url.as_deref()
    }

    /// The domain of mailto unsubscribe addresses, when one is configured.
    /// The key inbound credentials are sealed with.
    pub fn secrets_key(&self) -> &veto_domain::sealed::SecretsKey {
        &self.0.secrets_key
    }

    pub fn unsubscribe_mail_domain(&self) -> Option<&str> {
        self.0.unsubscribe_mail_domain.as_deref()
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
        self.install_locked(t, index)
    }

    fn install_locked(&self, t: Tenant, index: TenantIndex) -> Result<Arc<TenantCtx>, StoreError> {
        let id = t.id;
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
        // Read before the feed: every write counted here is visible to the reads below.
        let writes = self.0.store.local_writes();
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
                if let Some(w) = writes {
                    self.0.synced_writes.store(w, Ordering::SeqCst);
                }
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
