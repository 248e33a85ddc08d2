//! The in-memory check index: for each tenant, every entry not ended, keyed by 128 bits of
//! its identifier's keyed hash, with what a check needs to decide and explain.
//!
//! Layout per tenant: a slab of fixed-size [`Slot`]s and a `hashbrown::HashTable<u32>` of
//! slot numbers hashed by the first 64 bits of the key. The key bits are already uniform (they
//! are HMAC output), so no further hashing is done. At 10M entries this is ~56 bytes a slot
//! plus ~5 bytes a bucket. A false match needs a 128-bit collision of keyed hashes; a miss is
//! impossible (equal identifiers have equal hashes).
//!
//! The index is a cache of the store: it is loaded at start and kept current from the store's
//! change feed (see `sync`), so every node answers from the committed state.

use hashbrown::HashTable;
use veto_domain::Timestamp;
use veto_domain::id::EntryId;
use veto_domain::identifier::IdentifierKind;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::{Channel, Purposes, Reason, SourceChannel};
use veto_store::IndexRow;

const F_SUBDOMAINS: u8 = 1;
const F_ROLE: u8 = 2;
const F_EXPIRES: u8 = 4;

/// One indexed entry, packed (entry id as bytes keeps the alignment at 8).
#[derive(Clone, Copy)]
pub struct Slot {
    lo: u64,
    hi: u64,
    entry_id: [u8; 16],
    row_id: i64,
    valid_from: i64,
    kind: u8,
    channel: u8,
    purposes: u8,
    reason: u8,
    source: u8,
    flags: u8,
}

/// The two halves of the 128-bit index key of a hash.
pub fn key_of(h: &IdentHash) -> (u64, u64) {
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&h.0[..8]);
    b.copy_from_slice(&h.0[8..16]);
    (u64::from_le_bytes(a), u64::from_le_bytes(b))
}

fn pos<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).unwrap_or(0) as u8
}

fn at<T: Copy>(all: &[T], i: u8) -> T {
    all.get(usize::from(i)).copied().unwrap_or(all[0])
}

/// An indexed entry as a check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub row_id: i64,
    pub entry_id: EntryId,
    pub kind: IdentifierKind,
    pub include_subdomains: bool,
    pub channel: Channel,
    pub purposes: Purposes,
    pub reason: Reason,
    pub source: SourceChannel,
    pub role_account: bool,
    pub valid_from: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// The index of one tenant.
#[derive(Default)]
pub struct TenantIndex {
    table: HashTable<u32>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Expiry of the few slots that have one (most entries never expire).
    expiries: hashbrown::HashMap<u32, i64>,
    domain_entries: usize,
}

impl TenantIndex {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Whether any domain entry exists (checks skip domain probes otherwise).
    pub fn has_domain_entries(&self) -> bool {
        self.domain_entries > 0
    }

    pub fn reserve(&mut self, additional: usize) {
        let slots = &self.slots;
        self.table.reserve(additional, |&s| slots[s as usize].lo);
        self.slots
            .reserve(additional.saturating_sub(self.free.len()));
    }

    /// Inserts a row; inserting a row already present does nothing (changes are replayed).
    pub fn insert(&mut self, r: &IndexRow) {
        let (lo, hi) = key_of(&r.hash);
        let slots = &self.slots;
        if self
            .table
            .find(lo, |&s| slots[s as usize].row_id == r.row_id)
            .is_some()
        {
            return;
        }
        let mut flags = 0;
        if r.include_subdomains {
            flags |= F_SUBDOMAINS;
        }
        if r.role_account {
            flags |= F_ROLE;
        }
        if r.expires_at.is_some() {
            flags |= F_EXPIRES;
        }
        let slot = Slot {
            lo,
            hi,
            entry_id: *r.entry_id.0.as_bytes(),
            row_id: r.row_id,
            valid_from: veto_domain::to_micros(r.valid_from),
            kind: pos(&IdentifierKind::ALL, &r.kind),
            channel: pos(Channel::ALL, &r.channel),
            purposes: r.purposes.bits(),
            reason: pos(Reason::ALL, &r.reason),
            source: pos(SourceChannel::ALL, &r.source),
            flags,
        };
        let n = match self.free.pop() {
            Some(n) => {
                self.slots[n as usize] = slot;
                n
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        if let Some(x) = r.expires_at {
            self.expiries.insert(n, veto_domain::to_micros(x));
        }
        if r.kind == IdentifierKind::Domain {
            self.domain_entries += 1;
        }
        let slots = &self.slots;
        self.table.insert_unique(lo, n, |&s| slots[s as usize].lo);
    }

    /// Removes the entry with this row id and short key, if present.
    pub fn remove(&mut self, row_id: i64, short: i64) {
        let lo = short as u64;
        let slots = &self.slots;
        if let Ok(e) = self
            .table
            .find_entry(lo, |&s| slots[s as usize].row_id == row_id)
        {
            let (n, _) = e.remove();
            if self.slots[n as usize].kind == pos(&IdentifierKind::ALL, &IdentifierKind::Domain) {
                self.domain_entries = self.domain_entries.saturating_sub(1);
            }
            self.expiries.remove(&n);
            self.free.push(n);
        }
    }

    /// Every indexed entry keyed on exactly this hash.
    pub fn lookup(&self, key: (u64, u64)) -> impl Iterator<Item = Hit> + '_ {
        let (lo, hi) = key;
        self.table.iter_hash(lo).filter_map(move |&n| {
            let s = &self.slots[n as usize];
            (s.lo == lo && s.hi == hi).then(|| self.hit(n, s))
        })
    }

    fn hit(&self, n: u32, s: &Slot) -> Hit {
        let expires_at = if s.flags & F_EXPIRES != 0 {
            self.expiries.get(&n).map(|x| veto_domain::from_micros(*x))
        } else {
            None
        };
        Hit {
            row_id: s.row_id,
            entry_id: EntryId(uuid::Uuid::from_bytes(s.entry_id)),
            kind: at(&IdentifierKind::ALL, s.kind),
            include_subdomains: s.flags & F_SUBDOMAINS != 0,
            channel: at(Channel::ALL, s.channel),
            purposes: Purposes::from_bits(s.purposes).unwrap_or(Purposes::ALL),
            reason: at(Reason::ALL, s.reason),
            source: at(SourceChannel::ALL, s.source),
            role_account: s.flags & F_ROLE != 0,
            valid_from: veto_domain::from_micros(s.valid_from),
            expires_at,
        }
    }
}

/// Bytes of one slot in a snapshot.
pub const SNAPSHOT_SLOT_BYTES: usize = 62;

impl TenantIndex {
    /// Writes every live slot (see `snapshot`); returns how many.
    pub fn write_slots(&self, w: &mut impl std::io::Write) -> std::io::Result<u64> {
        let mut n = 0;
        let mut b = [0u8; SNAPSHOT_SLOT_BYTES];
        for &i in self.table.iter() {
            let s = &self.slots[i as usize];
            b[0..8].copy_from_slice(&s.lo.to_le_bytes());
            b[8..16].copy_from_slice(&s.hi.to_le_bytes());
            b[16..32].copy_from_slice(&s.entry_id);
            b[32..40].copy_from_slice(&s.row_id.to_le_bytes());
            b[40..48].copy_from_slice(&s.valid_from.to_le_bytes());
            b[48..54]
                .copy_from_slice(&[s.kind, s.channel, s.purposes, s.reason, s.source, s.flags]);
            let exp = self.expiries.get(&i).copied().unwrap_or(0);
            b[54..62].copy_from_slice(&exp.to_le_bytes());
            w.write_all(&b)?;
            n += 1;
        }
        Ok(n)
    }

    /// Reads `count` slots written by [`TenantIndex::write_slots`].
    pub fn read_slots(r: &mut impl std::io::Read, count: u64) -> std::io::Result<TenantIndex> {
        let mut ix = TenantIndex::default();
        let count = usize::try_from(count).map_err(std::io::Error::other)?;
        ix.reserve(count);
        let mut b = [0u8; SNAPSHOT_SLOT_BYTES];
        let u64_at = |b: &[u8], i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(x)
        };
        let domain = pos(&IdentifierKind::ALL, &IdentifierKind::Domain);
        for _ in 0..count {
            r.read_exact(&mut b)?;
            let mut entry_id = [0u8; 16];
            entry_id.copy_from_slice(&b[16..32]);
            let slot = Slot {
                lo: u64_at(&b, 0),
                hi: u64_at(&b, 8),
                entry_id,
                row_id: u64_at(&b, 32) as i64,
                valid_from: u64_at(&b, 40) as i64,
                kind: b[48],
                channel: b[49],
                purposes: b[50],
                reason: b[51],
                source: b[52],
                flags: b[53],
            };
            let n = ix.slots.len() as u32;
            if slot.flags & F_EXPIRES != 0 {
                ix.expiries.insert(n, u64_at(&b, 54) as i64);
            }
            if slot.kind == domain {
                ix.domain_entries += 1;
            }
            ix.slots.push(slot);
            let slots = &ix.slots;
            ix.table
                .insert_unique(slot.lo, n, |&s| slots[s as usize].lo);
        }
        Ok(ix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veto_domain::keyed_hash::{IdentifierHasher, TenantSecret};

    fn row(row_id: i64, h: IdentHash, kind: IdentifierKind) -> IndexRow {
        IndexRow {
            row_id,
            entry_id: EntryId::new(),
            hash: h,
            kind,
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason: Reason::StopRequest,
            source: SourceChannel::Reply,
            role_account: false,
            valid_from: veto_domain::now(),
            expires_at: None,
        }
    }

    #[test]
    fn insert_lookup_remove_idempotent() {
        let h = IdentifierHasher::new(&TenantSecret([7; 32]));
        let a = h.hash_value(IdentifierKind::Email, "a@x.com");
        let b = h.hash_value(IdentifierKind::Email, "b@x.com");
        let mut ix = TenantIndex::default();
        let r1 = row(1, a, IdentifierKind::Email);
        ix.insert(&r1);
        ix.insert(&r1);
        ix.insert(&row(2, a, IdentifierKind::Email));
        assert_eq!(ix.len(), 2);
        assert_eq!(ix.lookup(key_of(&a)).count(), 2);
        assert_eq!(ix.lookup(key_of(&b)).count(), 0);
        let hit = ix.lookup(key_of(&a)).find(|x| x.row_id == 1).unwrap();
        assert_eq!(hit.entry_id, r1.entry_id);
        assert_eq!(hit.reason, Reason::StopRequest);
        ix.remove(1, a.short_i64());
        assert_eq!(ix.lookup(key_of(&a)).count(), 1);
        ix.insert(&row(3, b, IdentifierKind::Domain));
        assert!(ix.has_domain_entries());
        ix.remove(3, b.short_i64());
        assert!(!ix.has_domain_entries());
        assert_eq!(std::mem::size_of::<Slot>(), 56);
    }

    #[test]
    fn slots_round_trip() {
        let h = IdentifierHasher::new(&TenantSecret([7; 32]));
        let mut ix = TenantIndex::default();
        let mut r = row(
            5,
            h.hash_value(IdentifierKind::Email, "a@x.com"),
            IdentifierKind::Email,
        );
        r.expires_at = Some(veto_domain::now());
        ix.insert(&r);
        ix.insert(&row(
            6,
            h.hash_value(IdentifierKind::Domain, "x.com"),
            IdentifierKind::Domain,
        ));
        ix.insert(&row(
            7,
            h.hash_value(IdentifierKind::Email, "b@x.com"),
            IdentifierKind::Email,
        ));
        ix.remove(
            7,
            h.hash_value(IdentifierKind::Email, "b@x.com").short_i64(),
        );
        let mut buf = Vec::new();
        assert_eq!(ix.write_slots(&mut buf).unwrap(), 2);
        let back = TenantIndex::read_slots(&mut buf.as_slice(), 2).unwrap();
        assert_eq!(back.len(), 2);
        assert!(back.has_domain_entries());
        let key = key_of(&r.hash);
        let hit = back.lookup(key).next().unwrap();
        assert_eq!(hit.entry_id, r.entry_id);
        assert_eq!(hit.expires_at, r.expires_at);
        assert_eq!(hit, ix.lookup(key).next().unwrap());
    }
}
