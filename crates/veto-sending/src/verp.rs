//! VERP return paths: the envelope sender of each send encodes the send, so a bounce (which
//! goes to the envelope sender, RFC 5321 §4.5.5) finds its send without parsing the bounce.
//!
//! `bounces+TOKEN@domain`, TOKEN an authenticated send reference
//! ([`veto_domain::send_ref`]): lower-case base32 of
//! `send id (16) ‖ first 8 bytes of HMAC-SHA-256(key, "veto-verp-v1" ‖ send id)`.

use veto_domain::domain::DomainName;
use veto_domain::send_ref;
pub use veto_domain::send_ref::MAX_LOCAL_PART;
#[cfg(test)]
use veto_domain::send_ref::TOKEN_LEN;

/// The local-part prefix of every return path.
pub const PREFIX: &str = "bounces+";
/// Label that separates this MAC from every other use of the key.
const LABEL: &[u8] = b"veto-verp-v1";
/// RFC 5321 §4.5.3.1.3 (256 octets of path, angle brackets included).
const MAX_ADDRESS: usize = 254;

/// Why a return path cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerpError {
    #[error(
        "the return-path domain is too long: the address would be {0} octets, RFC 5321 allows 254"
    )]
    DomainTooLong(usize),
}

/// Return paths for sends.
pub struct ReturnPath;

impl ReturnPath {
    /// `bounces+TOKEN@domain` for `send_id`, authenticated with `key`.
    pub fn encode(
        send_id: [u8; 16],
        key: &[u8; 32],
        domain: &DomainName,
    ) -> Result<String, VerpError> {
        let token = send_ref::encode(send_id, key, LABEL);
        let addr = format!("{PREFIX}{token}@{}", domain.as_str());
        if addr.len() > MAX_ADDRESS {
            return Err(VerpError::DomainTooLong(addr.len()));
        }
        Ok(addr)
    }

    /// The send id in a return path (`bounces+TOKEN@domain`, `<…>`, or the local part alone),
    /// if its MAC verifies under `key`. The token is read in either case; the domain is not
    /// looked at (the caller routes by domain).
    pub fn decode(address_or_local_part: &str, key: &[u8; 32]) -> Option<[u8; 16]> {
        send_ref::decode(
            send_ref::token_after(address_or_local_part, PREFIX)?,
            key,
            LABEL,
        )
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use proptest::prelude::*;
    use sha2::Sha256;

    use super::*;

    fn domain() -> DomainName {
        DomainName::parse("bounce.example.com").unwrap()
    }

    #[test]
    fn known_shape_and_length_limit() {
        let a = ReturnPath::encode([7; 16], &[1; 32], &domain()).unwrap();
        let (local, d) = a.split_once('@').unwrap();
        assert_eq!(d, "bounce.example.com");
        assert!(local.starts_with("bounces+"));
        assert_eq!(local.len(), 8 + TOKEN_LEN);
        assert!(local.len() <= MAX_LOCAL_PART);
        assert!(
            local[8..]
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
        );
        // The MAC is the documented one: HMAC-SHA-256(key, label ‖ id), first 8 bytes.
        let raw = data_encoding::BASE32_NOPAD
            .decode(local[8..].to_ascii_uppercase().as_bytes())
            .unwrap();
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&[1; 32]).unwrap();
        m.update(b"veto-verp-v1");
        m.update(&[7; 16]);
        assert_eq!(&raw[16..], &m.finalize().into_bytes()[..8]);
        assert_eq!(ReturnPath::decode(&a, &[1; 32]), Some([7; 16]));
    }

    #[test]
    fn accepted_forms() {
        let a = ReturnPath::encode([9; 16], &[2; 32], &domain()).unwrap();
        let local = a.split_once('@').unwrap().0;
        for form in [
            a.clone(),
            a.to_uppercase(),
            format!("<{a}>"),
            format!("  {a} "),
            local.to_string(),
            local.to_uppercase(),
        ] {
            assert_eq!(ReturnPath::decode(&form, &[2; 32]), Some([9; 16]), "{form}");
        }
        for bad in [
            "",
            "bounces+",
            "bounces@x.example",
            &a.replace("bounces+", "bounce+"),
            &a.replace("bounces+", "bounces-"),
            &format!("{local}a@x.example"),
        ] {
            assert_eq!(ReturnPath::decode(bad, &[2; 32]), None, "{bad}");
        }
        assert_eq!(ReturnPath::decode(&a, &[3; 32]), None, "another key");
    }

    #[test]
    fn overlong_domains_are_refused() {
        let label = "a".repeat(63);
        let d = DomainName::parse(&format!(
            "{label}.{label}.{label}.{}.example",
            "b".repeat(40)
        ))
        .unwrap();
        assert_eq!(
            ReturnPath::encode([0; 16], &[0; 32], &d),
            Err(VerpError::DomainTooLong(288))
        );
    }

    proptest! {
        #[test]
        fn round_trips(id in any::<[u8; 16]>(), key in any::<[u8; 32]>()) {
            let a = ReturnPath::encode(id, &key, &domain()).unwrap();
            prop_assert!(a.split_once('@').unwrap().0.len() <= MAX_LOCAL_PART);
            prop_assert_eq!(ReturnPath::decode(&a, &key), Some(id));
        }

        #[test]
        fn garbage_never_panics(s in "\\PC{0,120}") {
            let _ = ReturnPath::decode(&s, &[0; 32]);
        }
    }
}
