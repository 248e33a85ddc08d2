//! A TTL cache with coalesced lookups in front of any [`Resolver`].

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::dns::{DnsError, Resolver, RouteAnswer};

/// Bounds of a [`CachingResolver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Most domains kept. When full, expired answers go first, then arbitrary ones.
    pub capacity: usize,
    /// Answers (positive and negative) are kept at least this long, whatever their TTL.
    pub min_ttl: Duration,
    /// … and at most this long.
    pub max_ttl: Duration,
    /// TTL of an answer that carried none (e.g. a negative answer without SOA), before the
    /// bounds above apply.
    pub default_ttl: Duration,
    /// How long a failed lookup (timeout, SERVFAIL) is remembered, so that thousands of rows
    /// at one broken domain do not each wait for their own timeout. Zero: not remembered.
    pub error_ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            capacity: 100_000,
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(3600),
            default_ttl: Duration::from_secs(300),
            error_ttl: Duration::from_secs(30),
        }
    }
}

struct Cached {
    result: Result<RouteAnswer, DnsError>,
    expires: Instant,
}

struct Entry {
    domain: Box<str>,
    /// Empty while the lookup runs: later callers wait on the same cell.
    cell: Arc<OnceCell<Cached>>,
}

/// Caches answers of `R` per domain, positive and negative, for their TTL within the
/// configured bounds; failed lookups for a short while. Concurrent lookups of one domain share
/// a single query to `R`. A cached answer costs one hash lookup under a sharded lock.
pub struct CachingResolver<R> {
    inner: R,
    shards: Box<[Mutex<HashTable<Entry>>]>,
    shard_capacity: usize,
    hasher: foldhash::fast::RandomState,
    config: CacheConfig,
}

const SHARDS: usize = 32;

impl<R: Resolver> CachingResolver<R> {
    pub fn new(inner: R) -> Self {
        Self::with_config(inner, CacheConfig::default())
    }

    pub fn with_config(inner: R, config: CacheConfig) -> Self {
        let capacity = config.capacity.max(1);
        let shards = if capacity >= SHARDS * 16 { SHARDS } else { 1 };
        Self {
            inner,
            shards: (0..shards).map(|_| Mutex::new(HashTable::new())).collect(),
            shard_capacity: capacity.div_ceil(shards),
            hasher: foldhash::fast::RandomState::default(),
            config,
        }
    }

    /// The resolver behind the cache.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// Domains held (answered, expired or being looked up).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every answer. Lookups under way finish for their callers.
    pub fn clear(&self) {
        for s in self.shards.iter() {
            lock(s).clear();
        }
    }

    fn ttl_for(&self, result: &Result<RouteAnswer, DnsError>) -> Duration {
        let c = &self.config;
        match result {
            Ok(a) => a.ttl.unwrap_or(c.default_ttl).max(c.min_ttl).min(c.max_ttl),
            Err(_) => c.error_ttl,
        }
    }

    fn shard(&self, hash: u64) -> &Mutex<HashTable<Entry>> {
        // The table uses the low bits for buckets and the top 7 for tags: take others.
        &self.shards[((hash >> 32) as usize) % self.shards.len()]
    }

    /// Removes expired answers; if that is not enough, an eighth of the shard.
    fn make_room(&self, table: &mut HashTable<Entry>, now: Instant) {
        table.retain(|e| e.cell.get().is_none_or(|c| c.expires > now));
        if table.len() >= self.shard_capacity {
            let mut evict = (self.shard_capacity / 8).max(1);
            table.retain(|_| {
                if evict > 0 {
                    evict -= 1;
                    false
                } else {
                    true
                }
            });
        }
    }

    async fn lookup(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        let hash = self.hasher.hash_one(domain);
        let now = Instant::now();
        let cell = {
            let mut table = lock(self.shard(hash));
            match table.find_mut(hash, |e| &*e.domain == domain) {
                Some(e) => match e.cell.get() {
                    Some(c) if c.expires > now => return c.result.clone(),
                    Some(_) => {
                        e.cell = Arc::new(OnceCell::new());
                        e.cell.clone()
                    }
                    None => e.cell.clone(),
                },
                None => {
                    if table.len() >= self.shard_capacity {
                        self.make_room(&mut table, now);
                    }
                    let cell = Arc::new(OnceCell::new());
                    table.insert_unique(
                        hash,
                        Entry {
                            domain: domain.into(),
                            cell: cell.clone(),
                        },
                        |e| self.hasher.hash_one(&*e.domain),
                    );
                    cell
                }
            }
        };
        let cached = cell
            .get_or_init(|| async {
                let result = self.inner.mail_route(domain).await;
                let expires = Instant::now() + self.ttl_for(&result);
                Cached { result, expires }
            })
            .await;
        cached.result.clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl<R: Resolver> Resolver for CachingResolver<R> {
    async fn mail_route(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        self.lookup(domain).await
    }
}
