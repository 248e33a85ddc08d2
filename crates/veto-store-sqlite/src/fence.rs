//! The send fence of an SQLite store (see `veto_store::sending`): one serving process owns
//! the database file, so the fence lives in memory — striped read/write locks keyed by the
//! identifier hash. Senders hold the stripes of their recipient's keys shared while they check
//! and hand the message over; writers of suppressions hold the stripes of their entries'
//! keys exclusively across their commit.
//!
//! Lock order: a writer takes the database writer first, then its stripes; a sender takes
//! stripes only and reads through the reader pool, never waiting for the writer while it holds
//! them. So no cycle can form. Stripes are taken in ascending order, and tokio's locks are
//! fair, so writers are not starved by a stream of senders.
//!
//! A private in-memory database has one connection for readers and writers alike; there the
//! sender holds that connection instead (no write can commit while it is held), and writers
//! take no stripes.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};
use veto_domain::id::TenantId;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::Entry;
use veto_store::{SendFence, StoreResult};

use crate::decode::entry_cols;
use crate::store::{LIST_CHUNK, blob, db_err, entries_of, hex_list};

/// Enough stripes that a suppression rarely waits for a send to an unrelated recipient.
const STRIPES: usize = 4096;

/// Above this many keys a writer takes every stripe (bulk loads).
const ALL_STRIPES_ABOVE: usize = 256;

#[derive(Debug)]
pub(crate) struct Stripes(Vec<Arc<RwLock<()>>>);

impl Default for Stripes {
    fn default() -> Self {
        Self((0..STRIPES).map(|_| Arc::new(RwLock::new(()))).collect())
    }
}

/// Exclusive hold on some stripes, released on drop.
pub(crate) struct WriteHold(#[allow(dead_code)] Vec<OwnedRwLockWriteGuard<()>>);

impl Stripes {
    fn indexes(hashes: &[IdentHash]) -> Vec<usize> {
        let mut ix: Vec<usize> = hashes
            .iter()
            .map(|h| (h.short() % STRIPES as u64) as usize)
            .collect();
        ix.sort_unstable();
        ix.dedup();
        ix
    }

    pub(crate) async fn shared(&self, hashes: &[IdentHash]) -> Vec<OwnedRwLockReadGuard<()>> {
        let mut out = Vec::new();
        for i in Self::indexes(hashes) {
            out.push(self.0[i].clone().read_owned().await);
        }
        out
    }

    /// Holds the stripes of `hashes` (every stripe for a bulk write).
    pub(crate) async fn exclusive(&self, hashes: &[IdentHash]) -> WriteHold {
        let ix = if hashes.len() > ALL_STRIPES_ABOVE {
            (0..STRIPES).collect()
        } else {
            Self::indexes(hashes)
        };
        let mut out = Vec::with_capacity(ix.len());
        for i in ix {
            out.push(self.0[i].clone().write_owned().await);
        }
        WriteHold(out)
    }
}

/// What a sender holds.
pub(crate) enum Hold {
    /// The stripes; reads go through the reader pool.
    Stripes(
        #[allow(dead_code)] Vec<OwnedRwLockReadGuard<()>>,
        sqlx::SqlitePool,
    ),
    /// The in-memory database's only connection.
    Connection(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

/// A sender's fence.
pub(crate) struct SqliteFence {
    pub(crate) hold: Hold,
    pub(crate) tenant: TenantId,
    pub(crate) keys: Vec<IdentHash>,
}

#[async_trait]
impl SendFence for SqliteFence {
    async fn entries(&mut self) -> StoreResult<Vec<Entry>> {
        let mut out = Vec::new();
        for chunk in self.keys.chunks(LIST_CHUNK) {
            let rows = sqlx::query(concat!(
                "SELECT ",
                entry_cols!(),
                " FROM entries WHERE tenant_id = ?1 AND ended_at IS NULL \
                 AND ident_hash IN (SELECT unhex(value) FROM json_each(?2))"
            ))
            .bind(blob(self.tenant.0))
            .bind(hex_list(chunk));
            let rows = match &mut self.hold {
                Hold::Stripes(_, reader) => rows.fetch_all(&*reader).await,
                Hold::Connection(conn) => rows.fetch_all(&mut **conn).await,
            }
            .map_err(db_err)?;
            out.extend(entries_of(&rows)?.into_iter().map(|(_, e)| e));
        }
        Ok(out)
    }

    async fn release(self: Box<Self>) -> StoreResult<()> {
        Ok(())
    }
}

impl crate::SqliteStore {
    /// A writer's hold on the fence for entries keyed on `hashes`, taken after the writer
    /// connection (none for an in-memory database, whose one connection is the fence).
    pub(crate) async fn fence_writes(&self, hashes: &[IdentHash]) -> Option<WriteHold> {
        if self.in_memory || hashes.is_empty() {
            return None;
        }
        Some(self.fence.exclusive(hashes).await)
    }
}
