//! Short-lived caches of sending configuration (routes, mailboxes, whether relay credentials
//! are still valid), so the relay does not read them from the store for every message. A
//! change made through this node drops the entry at once; a change made through another node
//! is seen within the entry's lifetime. Suppressions are never cached here: every message is
//! checked against the committed state inside the send fence.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A map whose entries expire `ttl` after they were stored.
pub struct TtlCache<K, V> {
    map: Mutex<HashMap<K, (Instant, V)>>,
    ttl: Duration,
    /// Above this many entries, expired ones are swept on insert.
    sweep_above: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
            ttl,
            sweep_above: 10_000,
        }
    }

    pub fn get(&self, k: &K) -> Option<V> {
        let m = self.map.lock().ok()?;
        m.get(k)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn insert(&self, k: K, v: V) {
        if let Ok(mut m) = self.map.lock() {
            if m.len() > self.sweep_above {
                let ttl = self.ttl;
                m.retain(|_, (at, _)| at.elapsed() < ttl);
            }
            m.insert(k, (Instant::now(), v));
        }
    }

    pub fn remove(&self, k: &K) -> Option<V> {
        self.map.lock().ok()?.remove(k).map(|(_, v)| v)
    }

    /// Drops every entry whose key matches.
    pub fn forget(&self, f: impl Fn(&K) -> bool) {
        if let Ok(mut m) = self.map.lock() {
            m.retain(|k, _| !f(k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let c = TtlCache::new(Duration::from_millis(50));
        c.insert(1, "a");
        c.insert(2, "b");
        assert_eq!(c.get(&1), Some("a"));
        c.forget(|k| *k == 1);
        assert_eq!(c.get(&1), None);
        assert_eq!(c.remove(&2), Some("b"));
        c.insert(3, "c");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&3), None);
    }
}
