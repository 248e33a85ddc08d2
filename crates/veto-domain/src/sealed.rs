//! Credentials at rest: secrets Veto must use later in the clear (an inbound mailbox's
//! password, a provider's webhook signing key) are stored sealed with XChaCha20-Poly1305
//! under a key the node gets from its configuration, never from the database. The associated
//! data binds a sealed value to its owner (tenant and object id), so a sealed value copied to
//! another row does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Format version of a sealed value (first byte).
const VERSION: u8 = 1;
const NONCE: usize = 24;

/// The key credentials are sealed with (32 bytes).
#[derive(Clone)]
pub struct SecretsKey([u8; 32]);

impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(…)")
    }
}

/// Why a key or a sealed value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the secrets key must be 32 bytes in base64 (44 characters), found {0} bytes")]
    KeyLength(usize),
    #[error("the secrets key is not base64: {0}")]
    KeyEncoding(String),
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key (wrong key, or moved from another object)")]
    Open,
}

impl SecretsKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::fill(&mut k);
        Self(k)
    }

    /// Reads a key written by [`SecretsKey::to_base64`] (surrounding whitespace ignored).
    pub fn from_base64(s: &str) -> Result<Self, SealError> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|e| SealError::KeyEncoding(e.to_string()))?;
        let k: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SealError::KeyLength(bytes.len()))?;
        Ok(Self(k))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Seals `plain` for the owner named by `aad`.
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE];
        rand::fill(&mut nonce);
        let mut out = Vec::with_capacity(1 + NONCE + plain.len() + 16);
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        if let Ok(ct) = cipher.encrypt(&XNonce::from(nonce), Payload { msg: plain, aad }) {
            out.extend_from_slice(&ct);
        }
        out
    }

    /// Opens a value sealed for the owner named by `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 1 + NONCE + 16 || sealed[0] != VERSION {
            return Err(SealError::Malformed);
        }
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE];
        nonce.copy_from_slice(&sealed[1..1 + NONCE]);
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed[1 + NONCE..],
                    aad,
                },
            )
            .map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_open_only_with_the_key_and_owner() {
        let k = SecretsKey::generate();
        let s = k.seal(b"hunter2", b"tenant/a");
        assert!(!s.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(k.open(&s, b"tenant/a").unwrap(), b"hunter2");
        assert_eq!(k.open(&s, b"tenant/b"), Err(SealError::Open));
        assert_eq!(
            SecretsKey::generate().open(&s, b"tenant/a"),
            Err(SealError::Open)
        );
        let mut flipped = s.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(k.open(&flipped, b"tenant/a"), Err(SealError::Open));
        assert_eq!(k.open(&s[..10], b"tenant/a"), Err(SealError::Malformed));
        assert_ne!(
            k.seal(b"x", b""),
            k.seal(b"x", b""),
            "fresh nonce each time"
        );
        let again = SecretsKey::from_base64(&format!(" {}\n", k.to_base64())).unwrap();
        assert_eq!(again.open(&s, b"tenant/a").unwrap(), b"hunter2");
        assert!(matches!(
            SecretsKey::from_base64("AAAA"),
            Err(SealError::KeyLength(3))
        ));
        assert!(matches!(
            SecretsKey::from_base64("!!"),
            Err(SealError::KeyEncoding(_))
        ));
        assert!(!format!("{k:?}").contains(&k.to_base64()));
    }
}
