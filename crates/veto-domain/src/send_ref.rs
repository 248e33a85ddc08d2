//! Authenticated references to a send inside the local part of a mail address:
//! `TAG+TOKEN@domain`, TOKEN = lower-case RFC 4648 base32 without padding of
//! `send id (16) ‖ first 8 bytes of HMAC-SHA-256(key, label ‖ send id)` — 39 characters.
//!
//! Two addresses use it: VERP return paths (`bounces+…`, where a bounce comes back to) and
//! the mailto form of `List-Unsubscribe` (`unsubscribe+…`). Both must fit the 64 octets
//! RFC 5321 §4.5.3.1.1 allows a local part, which a token that carries the address itself
//! cannot; the send record holds the rest. Base32 in lower case because mail systems may fold
//! the case of a local part (RFC 5321 §2.4 lets only the receiving host interpret it, and some
//! lower-case it); reading accepts either case. The MAC keeps a forged or mangled address from
//! being attributed to a send; 64 bits are plenty for a value an attacker can only test by
//! sending mail. Each use has its own label (and key), so one kind of address is never read as
//! the other.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const MAC_LEN: usize = 8;
/// Characters of a token: 24 bytes in base32, ceil(24 × 8 / 5).
pub const TOKEN_LEN: usize = 39;
/// RFC 5321 §4.5.3.1.1.
pub const MAX_LOCAL_PART: usize = 64;

/// The token for `send_id` under `key` and `label`.
pub fn encode(send_id: [u8; 16], key: &[u8; 32], label: &[u8]) -> String {
    let mut raw = [0u8; 16 + MAC_LEN];
    raw[..16].copy_from_slice(&send_id);
    raw[16..].copy_from_slice(&mac(key, label, &send_id));
    data_encoding::BASE32_NOPAD
        .encode(&raw)
        .to_ascii_lowercase()
}

/// The send id in `token` (either case) if its MAC verifies under `key` and `label`.
pub fn decode(token: &str, key: &[u8; 32], label: &[u8]) -> Option<[u8; 16]> {
    if token.len() != TOKEN_LEN {
        return None;
    }
    // BASE32_NOPAD refuses non-zero trailing bits, so each id has one token per case.
    let raw = data_encoding::BASE32_NOPAD
        .decode(token.to_ascii_uppercase().as_bytes())
        .ok()?;
    let (id, tag) = raw.split_at_checked(16)?;
    let id: [u8; 16] = id.try_into().ok()?;
    bool::from(mac(key, label, &id).ct_eq(tag)).then_some(id)
}

/// The token after `tag` (e.g. `bounces+`, matched in any case) in an address, `<address>`,
/// `mailto:` URL or bare local part; the domain is not looked at (the caller routes by it).
/// Only the shape is checked here: [`decode`] verifies it.
pub fn token_after<'a>(address_or_local_part: &'a str, tag: &str) -> Option<&'a str> {
    let a = bare_address(address_or_local_part);
    let local = a.rsplit_once('@').map_or(a, |(l, _)| l);
    let prefix = local.get(..tag.len())?;
    if !prefix.eq_ignore_ascii_case(tag) {
        return None;
    }
    let token = &local[tag.len()..];
    (token.len() == TOKEN_LEN).then_some(token)
}

/// The address in `<address>`, a `mailto:` URL (without its `?…` fields) or plain text.
pub(crate) fn bare_address(a: &str) -> &str {
    let a = a.trim();
    let a = a
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(a)
        .trim();
    let a = match a.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => &a[7..],
        _ => a,
    };
    a.split_once('?').map_or(a, |(addr, _)| addr)
}

fn mac(key: &[u8; 32], label: &[u8], send_id: &[u8; 16]) -> [u8; MAC_LEN] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(label);
    m.update(send_id);
    let mut out = [0u8; MAC_LEN];
    out.copy_from_slice(&m.finalize().into_bytes()[..MAC_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn labels_keep_uses_apart() {
        let t = encode([5; 16], &[1; 32], b"one");
        assert_eq!(decode(&t, &[1; 32], b"one"), Some([5; 16]));
        assert_eq!(decode(&t, &[1; 32], b"two"), None);
        assert_eq!(decode(&t, &[2; 32], b"one"), None);
    }

    #[test]
    fn tokens_are_found_in_every_address_form() {
        let t = encode([7; 16], &[3; 32], b"l");
        for form in [
            format!("unsubscribe+{t}@u.example"),
            format!("<Unsubscribe+{t}@u.example>"),
            format!("mailto:UNSUBSCRIBE+{t}@u.example?subject=unsubscribe"),
            format!(" unsubscribe+{} ", t.to_uppercase()),
        ] {
            let found = token_after(&form, "unsubscribe+").unwrap();
            assert_eq!(decode(found, &[3; 32], b"l"), Some([7; 16]), "{form}");
        }
        for bad in [
            String::new(),
            format!("bounces+{t}@u.example"),
            format!("unsubscribe+{t}x@u.example"),
            "unsubscribe+@u.example".to_string(),
        ] {
            assert_eq!(token_after(&bad, "unsubscribe+"), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(id in any::<[u8; 16]>(), key in any::<[u8; 32]>()) {
            let t = encode(id, &key, b"veto-test");
            prop_assert_eq!(t.len(), TOKEN_LEN);
            prop_assert!("unsubscribe+".len() + t.len() <= MAX_LOCAL_PART);
            prop_assert!(t.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7')));
            prop_assert_eq!(decode(&t, &key, b"veto-test"), Some(id));
            prop_assert_eq!(decode(&t.to_uppercase(), &key, b"veto-test"), Some(id));
        }

        #[test]
        fn any_changed_character_is_refused(
            id in any::<[u8; 16]>(),
            key in any::<[u8; 32]>(),
            pos in any::<prop::sample::Index>(),
            c in "[a-z2-7]",
        ) {
            let t = encode(id, &key, b"l");
            let i = pos.index(TOKEN_LEN);
            let c = c.as_bytes()[0];
            prop_assume!(t.as_bytes()[i] != c);
            let mut b = t.into_bytes();
            b[i] = c;
            let changed = String::from_utf8(b).unwrap();
            prop_assert_eq!(decode(&changed, &key, b"l"), None, "{}", changed);
        }

        #[test]
        fn garbage_never_panics(s in "\\PC{0,80}") {
            let _ = decode(&s, &[0; 32], b"l");
            let _ = token_after(&s, "bounces+");
        }
    }
}
