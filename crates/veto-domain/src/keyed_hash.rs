//! Keyed hashes of identifiers: HMAC-SHA-256 with a per-tenant secret.
//!
//! Every entry stores the keyed hash of its identifier, and checks match on it. That is what
//! lets an erased person (whose clear identifier is gone) stay blocked, and lets a tenant store
//! only hashes from the start: the clear value is optional, the hash is the key.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::identifier::{Identifier, IdentifierKind};

type HmacSha256 = Hmac<Sha256>;

/// A tenant's secret key for identifier hashes. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TenantSecret(pub [u8; 32]);

impl TenantSecret {
    pub fn generate() -> Self {
        let mut b = [0u8; 32];
        rand::fill(&mut b);
        Self(b)
    }
}

impl std::fmt::Debug for TenantSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantSecret(<redacted>)")
    }
}

/// The keyed hash of a normalised identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IdentHash(pub [u8; 32]);

impl IdentHash {
    /// The first 64 bits, used as the in-memory index key (uniform, since it is a MAC).
    pub fn short(&self) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[..8]);
        u64::from_le_bytes(b)
    }

    /// `short()` as the signed integer both stores keep.
    pub fn short_i64(&self) -> i64 {
        self.short() as i64
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_slice(b: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(b).ok().map(Self)
    }
}

impl std::fmt::Debug for IdentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdentHash({})", &self.to_hex()[..16])
    }
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(D[(x >> 4) as usize] as char);
        s.push(D[(x & 15) as usize] as char);
    }
    s
}

/// Hashes identifiers for one tenant. The keyed HMAC state, already fed with each kind's
/// prefix, is computed once and cloned per hash, so a short identifier costs two SHA-256
/// compressions.
#[derive(Clone)]
pub struct IdentifierHasher {
    by_kind: [HmacSha256; 5],
}

impl IdentifierHasher {
    pub fn new(secret: &TenantSecret) -> Self {
        let mac = <HmacSha256 as KeyInit>::new_from_slice(&secret.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        let by_kind = IdentifierKind::ALL.map(|k| {
            let mut m = mac.clone();
            m.update(k.as_str().as_bytes());
            m.update(b":");
            m
        });
        Self { by_kind }
    }

    /// Hash of a normalised value of `kind`. The kind is part of the message, so the same
    /// string as a company id and as a contact id never collide.
    pub fn hash_value(&self, kind: IdentifierKind, normalized: &str) -> IdentHash {
        let i = IdentifierKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0);
        let mut m = self.by_kind[i].clone();
        m.update(normalized.as_bytes());
        let out = m.finalize().into_bytes();
        let mut b = [0u8; 32];
        b.copy_from_slice(&out);
        IdentHash(b)
    }

    pub fn hash(&self, id: &Identifier) -> IdentHash {
        self.hash_value(id.kind(), id.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_and_kind_separated() {
        let a = IdentifierHasher::new(&TenantSecret([1; 32]));
        let b = IdentifierHasher::new(&TenantSecret([2; 32]));
        let x = a.hash_value(IdentifierKind::CompanyId, "42");
        assert_eq!(x, a.hash_value(IdentifierKind::CompanyId, "42"));
        assert_ne!(x, a.hash_value(IdentifierKind::ContactId, "42"));
        assert_ne!(x, b.hash_value(IdentifierKind::CompanyId, "42"));
        assert_eq!(
            format!("{:?}", TenantSecret([9; 32])),
            "TenantSecret(<redacted>)"
        );
    }
}
