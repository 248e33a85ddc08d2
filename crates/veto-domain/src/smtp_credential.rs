//! Credentials sending tools use to log in to the SMTP relay (AUTH PLAIN / LOGIN). Each is
//! bound to one tenant; the password is random (256 bits), shown once, and stored as its
//! SHA-256 only — like API keys, a fast hash is enough for a secret nobody chose.

use sha2::{Digest, Sha256};

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{CredentialId, TenantId};
use crate::suppression::Purpose;

/// Relay credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpCredential {
    pub id: CredentialId,
    pub tenant_id: TenantId,
    pub name: String,
    /// The login name (`veto-` and random letters; unique across tenants).
    pub username: String,
    /// SHA-256 of the password.
    pub secret_hash: [u8; 32],
    /// Why mail sent with these credentials is sent: entries that do not block this purpose
    /// (operational mail, unless the entry says `all`) let it through.
    pub purpose: Purpose,
    pub created_by: Actor,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<Actor>,
}

/// The stored form of a relay password.
pub fn secret_hash(password: &str) -> [u8; 32] {
    Sha256::digest(password.as_bytes()).into()
}

/// A fresh user name and password (base32 letters and digits: no characters an SMTP client's
/// configuration or AUTH encoding could mangle).
pub fn generate() -> (String, String) {
    // 32 symbols: a random byte modulo 32 is uniform.
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let word = |n: usize| -> String {
        let mut b = vec![0u8; n];
        rand::fill(&mut b[..]);
        b.iter()
            .map(|x| char::from(ALPHABET[usize::from(x % 32)]))
            .collect()
    };
    let user = format!("veto-{}", word(12));
    // 52 characters of a 32-letter alphabet: 260 bits.
    let password = word(52);
    (user, password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_credentials_are_distinct_and_plain() {
        let (u1, p1) = generate();
        let (u2, p2) = generate();
        assert_ne!(u1, u2);
        assert_ne!(p1, p2);
        assert!(u1.starts_with("veto-") && u1.len() == 17);
        assert_eq!(p1.len(), 52);
        assert!(p1.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(secret_hash(&p1), secret_hash(&p1));
        assert_ne!(secret_hash(&p1), secret_hash(&p2));
    }
}
