//! One-click unsubscribe (RFC 8058): signed tokens per (tenant, address, message), and the
//! `List-Unsubscribe` / `List-Unsubscribe-Post` headers that carry them.
//!
//! A token is the base64url (no padding) encoding of
//!
//! ```text
//! version (1) | tenant id (16) | issued at, Unix seconds (8, big-endian)
//! | address length (1) | normalised address | message id length (1) | message id
//! | HMAC-SHA-256 of everything before it, first 16 bytes
//! ```
//!
//! The tenant id is readable without a key (the server needs it to find the tenant's key);
//! everything, the tenant id included, is authenticated. The key is derived from the tenant's
//! secret with a domain-separation label, so the identifier-hash key is never used for
//! anything else and a token cannot be forged from an identifier hash. Verification is
//! constant-time. Tokens do not expire: an unsubscribe link must keep working as long as the
//! message can be read.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::Timestamp;
use crate::email::EmailAddress;
use crate::id::TenantId;
use crate::keyed_hash::TenantSecret;

type HmacSha256 = Hmac<Sha256>;

/// The format version written in the first byte.
const VERSION: u8 = 1;
/// Bytes of the truncated MAC (128 bits; RFC 2104 §5 allows truncation to at least half).
const MAC_LEN: usize = 16;
/// Longest message id a token carries (a Message-ID is rarely longer than 100 bytes).
pub const MAX_MESSAGE_ID: usize = 200;
/// Longest normalised address (RFC 5321 path limit, also enforced by [`EmailAddress`]).
const MAX_ADDRESS: usize = 254;
/// Bytes before the variable parts: version, tenant, issued-at.
const FIXED: usize = 1 + 16 + 8;
/// Longest token in characters; anything longer is refused before decoding.
pub const MAX_TOKEN_CHARS: usize =
    (FIXED + 1 + MAX_ADDRESS + 1 + MAX_MESSAGE_ID + MAC_LEN).div_ceil(3) * 4;
/// Label of the key derivation. Identifier hashes feed `kind:` prefixes to the same secret,
/// so this message can never be an identifier hash.
const KEY_LABEL: &[u8] = b"veto/unsubscribe-token/v1";
/// Label of the send references in mailto tokens. A link token's MAC input starts with its
/// version byte (1), this one with `v`: neither can be taken for the other.
const MAILTO_LABEL: &[u8] = b"veto-unsubscribe-mailto-v1";

/// The key that signs a tenant's unsubscribe tokens. Redacted in `Debug`.
#[derive(Clone)]
pub struct UnsubscribeKey([u8; 32]);

impl UnsubscribeKey {
    /// HMAC-SHA-256(tenant secret, label): a sub-key only for unsubscribe tokens.
    pub fn derive(secret: &TenantSecret) -> Self {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&secret.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(KEY_LABEL);
        let mut k = [0u8; 32];
        k.copy_from_slice(&mac.finalize().into_bytes());
        Self(k)
    }

    /// The mailto token of a message Veto sent itself: an authenticated reference to its send
    /// ([`crate::send_ref`], 39 lower-case characters), so `unsubscribe+TOKEN` fits the 64
    /// octets RFC 5321 allows a local part and survives case folding. The signed link token
    /// carries the address and is too long for a local part; the send record holds both.
    pub fn send_mailto_token(&self, send_id: [u8; 16]) -> String {
        crate::send_ref::encode(send_id, &self.0, MAILTO_LABEL)
    }

    /// The send a mailto token of [`UnsubscribeKey::send_mailto_token`] refers to, if it is
    /// one of this key's (either case).
    pub fn send_of_mailto_token(&self, token: &str) -> Option<[u8; 16]> {
        crate::send_ref::decode(token, &self.0, MAILTO_LABEL)
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
    }
}

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(<redacted>)")
    }
}

/// Why a token was refused. None of these says which byte was wrong beyond what the format
/// shows anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the unsubscribe token is empty")]
    Empty,
    #[error("the unsubscribe token is too long ({0} characters; at most {MAX_TOKEN_CHARS})")]
    TooLong(usize),
    #[error("the unsubscribe token contains characters that are not base64url")]
    NotBase64,
    #[error("the unsubscribe token is too short to be one")]
    TooShort,
    #[error("the unsubscribe token has an unknown format version ({0})")]
    UnknownVersion(u8),
    #[error("the unsubscribe token's signature does not match: it was altered or not issued here")]
    BadSignature,
    #[error("the unsubscribe token is malformed: {0}")]
    Malformed(&'static str),
    #[error("the message id {0}")]
    BadMessageId(&'static str),
    #[error("the address in the unsubscribe token is not valid: {0}")]
    BadAddress(String),
}

/// What an unsubscribe token says: this address asked, through this message of this tenant,
/// to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeToken {
    pub tenant_id: TenantId,
    pub email: EmailAddress,
    /// The message the link was in: its Message-ID or the sender's own send id (opaque).
    pub message_id: String,
    /// When the token was made (whole seconds).
    pub issued_at: Timestamp,
}

impl UnsubscribeToken {
    /// A token for `email` in `message_id`. The message id is trimmed; it must be 1 to
    /// [`MAX_MESSAGE_ID`] bytes without control characters.
    pub fn new(
        tenant_id: TenantId,
        email: EmailAddress,
        message_id: &str,
        issued_at: Timestamp,
    ) -> Result<Self, TokenError> {
        let message_id = check_message_id(message_id)?.to_string();
        let issued_at = issued_at
            .replace_nanosecond(0)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        Ok(Self {
            tenant_id,
            email,
            message_id,
            issued_at,
        })
    }

    /// The token in its URL-safe form, signed with `key` (the key of `self.tenant_id`).
    pub fn seal(&self, key: &UnsubscribeKey) -> String {
        let addr = self.email.as_str().as_bytes();
        let msg = self.message_id.as_bytes();
        let mut b = Vec::with_capacity(FIXED + 2 + addr.len() + msg.len() + MAC_LEN);
        b.push(VERSION);
        b.extend_from_slice(self.tenant_id.0.as_bytes());
        b.extend_from_slice(&self.issued_at.unix_timestamp().to_be_bytes());
        // Both lengths fit a byte: the constructors bound them (254 and MAX_MESSAGE_ID).
        b.push(addr.len().min(MAX_ADDRESS) as u8);
        b.extend_from_slice(&addr[..addr.len().min(MAX_ADDRESS)]);
        b.push(msg.len().min(MAX_MESSAGE_ID) as u8);
        b.extend_from_slice(&msg[..msg.len().min(MAX_MESSAGE_ID)]);
        let mut mac = key.mac();
        mac.update(&b);
        b.extend_from_slice(&mac.finalize().into_bytes()[..MAC_LEN]);
        base64url_encode(&b)
    }

    /// Reads and verifies a token in one step, with the key of the tenant it names.
    pub fn open(
        token: &str,
        key_of: impl FnOnce(TenantId) -> UnsubscribeKey,
    ) -> Result<Self, TokenError> {
        let sealed = SealedToken::decode(token)?;
        let key = key_of(sealed.tenant_id());
        sealed.verify(&key)
    }
}

/// A decoded but not yet verified token: only its tenant id may be read, to find the key.
#[derive(Debug, Clone)]
pub struct SealedToken {
    bytes: Vec<u8>,
    tenant_id: TenantId,
}

impl SealedToken {
    /// Decodes the outer form. Nothing in it is trusted until [`SealedToken::verify`].
    pub fn decode(token: &str) -> Result<Self, TokenError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenError::Empty);
        }
        if token.len() > MAX_TOKEN_CHARS {
            return Err(TokenError::TooLong(token.len()));
        }
        let bytes = base64url_decode(token).ok_or(TokenError::NotBase64)?;
        // Version, tenant, time, two length bytes, a minimal address (a@b.c) and message id.
        if bytes.len() < FIXED + 1 + 5 + 1 + 1 + MAC_LEN {
            return Err(TokenError::TooShort);
        }
        if bytes[0] != VERSION {
            return Err(TokenError::UnknownVersion(bytes[0]));
        }
        let mut t = [0u8; 16];
        t.copy_from_slice(&bytes[1..17]);
        Ok(Self {
            tenant_id: TenantId(uuid::Uuid::from_bytes(t)),
            bytes,
        })
    }

    /// The tenant the token claims to belong to (unauthenticated until verified).
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// Checks the signature in constant time, then reads the fields.
    pub fn verify(&self, key: &UnsubscribeKey) -> Result<UnsubscribeToken, TokenError> {
        let (body, tag) = self.bytes.split_at(self.bytes.len() - MAC_LEN);
        let mut mac = key.mac();
        mac.update(body);
        mac.verify_truncated_left(tag)
            .map_err(|_| TokenError::BadSignature)?;
        let mut r = Reader(&body[FIXED..]);
        let mut secs = [0u8; 8];
        secs.copy_from_slice(&body[17..FIXED]);
        let issued_at = time::OffsetDateTime::from_unix_timestamp(i64::from_be_bytes(secs))
            .map_err(|_| TokenError::Malformed("the issue time is out of range"))?;
        let addr = r.field("the address is cut short")?;
        let msg = r.field("the message id is cut short")?;
        if !r.0.is_empty() {
            return Err(TokenError::Malformed("bytes after the message id"));
        }
        let addr = std::str::from_utf8(addr)
            .map_err(|_| TokenError::Malformed("the address is not UTF-8"))?;
        let email = EmailAddress::parse(addr).map_err(|e| TokenError::BadAddress(e.to_string()))?;
        if email.as_str() != addr {
            return Err(TokenError::Malformed("the address is not normalised"));
        }
        let msg = std::str::from_utf8(msg)
            .map_err(|_| TokenError::Malformed("the message id is not UTF-8"))?;
        if check_message_id(msg)? != msg {
            return Err(TokenError::Malformed("the message id is not trimmed"));
        }
        Ok(UnsubscribeToken {
            tenant_id: self.tenant_id,
            email,
            message_id: msg.to_string(),
            issued_at,
        })
    }
}

/// Length-prefixed fields of a token body.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// One length-prefixed field; `short` names it when the bytes run out.
    fn field(&mut self, short: &'static str) -> Result<&'a [u8], TokenError> {
        let (&n, rest) = self.0.split_first().ok_or(TokenError::Malformed(short))?;
        let n = usize::from(n);
        if rest.len() < n {
            return Err(TokenError::Malformed(short));
        }
        let (v, rest) = rest.split_at(n);
        self.0 = rest;
        Ok(v)
    }
}

fn check_message_id(m: &str) -> Result<&str, TokenError> {
    let m = m.trim();
    if m.is_empty() {
        return Err(TokenError::BadMessageId("is empty"));
    }
    if m.len() > MAX_MESSAGE_ID {
        return Err(TokenError::BadMessageId("is longer than 200 bytes"));
    }
    if m.chars().any(char::is_control) {
        return Err(TokenError::BadMessageId("contains control characters"));
    }
    Ok(m)
}

/// The RFC 2369 `List-Unsubscribe` and RFC 8058 `List-Unsubscribe-Post` headers for a token:
/// the https link (`{base_url}/u/{token}`) and, when a mail domain is given, a mailto
/// address (`unsubscribe+{mailto token}@{domain}`) whose messages the ingest path treats as
/// the POST. The mailto token is the link token unless another is given (Veto's own sends give
/// [`UnsubscribeKey::send_mailto_token`]).
pub fn list_unsubscribe_headers(
    base_url: &str,
    mailto_domain: Option<&str>,
    token: &str,
    mailto_token: Option<&str>,
) -> Vec<(String, String)> {
    let mut value = format!("<{}>", unsubscribe_url(base_url, token));
    if let Some(m) =
        mailto_domain.and_then(|d| unsubscribe_mailto(d, mailto_token.unwrap_or(token)))
    {
        value.push_str(&format!(", <{m}>"));
    }
    vec![
        ("List-Unsubscribe".to_string(), value),
        (
            "List-Unsubscribe-Post".to_string(),
            "List-Unsubscribe=One-Click".to_string(),
        ),
    ]
}

/// The one-click link of a token under `base_url` (a trailing `/` is ignored).
pub fn unsubscribe_url(base_url: &str, token: &str) -> String {
    format!("{}/u/{token}", base_url.trim().trim_end_matches('/'))
}

/// The mailto URL of a token at `domain` (none when the domain is blank).
pub fn unsubscribe_mailto(domain: &str, token: &str) -> Option<String> {
    let d = domain.trim().trim_start_matches('@');
    (!d.is_empty()).then(|| format!("mailto:unsubscribe+{token}@{d}?subject=unsubscribe"))
}

/// The token in a recipient of the ingest path, `unsubscribe+TOKEN@domain` (also inside
/// `<…>` or as a `mailto:` URL, its `?…` fields ignored). The `unsubscribe` tag is matched
/// without regard to case; the token is returned as written (a link token is case-sensitive,
/// a send reference is not) and still has to be verified.
pub fn token_from_mailto_recipient(addr: &str) -> Option<&str> {
    let (local, _domain) = crate::send_ref::bare_address(addr).rsplit_once('@')?;
    let tag = local.get(..12)?;
    if !tag.eq_ignore_ascii_case("unsubscribe+") {
        return None;
    }
    let token = &local[12..];
    (!token.is_empty()
        && token.len() <= MAX_TOKEN_CHARS
        && token.bytes().all(|b| B64_DECODE[usize::from(b)] != INVALID))
    .then_some(token)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INVALID: u8 = 0xff;
const B64_DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Base64url without padding (RFC 4648 §5).
pub fn base64url_encode(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        let chars = c.len() + 1;
        for i in 0..chars {
            s.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    s
}

/// Inverse of [`base64url_encode`]. Only the canonical form is accepted (no padding, unused
/// trailing bits zero), so each byte string has exactly one token spelling.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    for c in s.chunks(4) {
        let mut n = 0u32;
        for (i, &ch) in c.iter().enumerate() {
            let v = B64_DECODE[usize::from(ch)];
            if v == INVALID {
                return None;
            }
            n |= u32::from(v) << (18 - 6 * i);
        }
        let bytes = c.len() - 1;
        // Bits below the last whole byte must be zero.
        if n & ((1u32 << (24 - 8 * bytes)) - 1) != 0 {
            return None;
        }
        for i in 0..bytes {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn key(b: u8) -> UnsubscribeKey {
        UnsubscribeKey::derive(&TenantSecret([b; 32]))
    }

    fn token(tenant: TenantId, email: &str, msg: &str) -> UnsubscribeToken {
        UnsubscribeToken::new(
            tenant,
            EmailAddress::parse(email).unwrap(),
            msg,
            time::macros::datetime!(2026-11-02 10:00:00.5 UTC),
        )
        .unwrap()
    }

    #[test]
    fn round_trip_and_fields() {
        let t = TenantId::new();
        let tok = token(t, " Ada@Example.COM ", " <m1@mail.example> ");
        let s = tok.seal(&key(1));
        assert!(s.bytes().all(|b| B64.contains(&b)), "{s}");
        let back = UnsubscribeToken::open(&s, |id| {
            assert_eq!(id, t);
            key(1)
        })
        .unwrap();
        assert_eq!(back, tok);
        assert_eq!(back.email.as_str(), "ada@example.com");
        assert_eq!(back.message_id, "<m1@mail.example>");
        assert_eq!(
            back.issued_at,
            time::macros::datetime!(2026-11-02 10:00:00 UTC)
        );
    }

    #[test]
    fn the_sub_key_is_not_the_identifier_key() {
        let secret = TenantSecret([7; 32]);
        let k = UnsubscribeKey::derive(&secret);
        assert_ne!(k.0, secret.0);
        assert_eq!(format!("{k:?}"), "UnsubscribeKey(<redacted>)");
    }

    #[test]
    fn clear_errors() {
        let t = TenantId::new();
        let s = token(t, "a@b.io", "m").seal(&key(1));
        assert_eq!(SealedToken::decode("").unwrap_err(), TokenError::Empty);
        assert_eq!(
            SealedToken::decode(&"A".repeat(MAX_TOKEN_CHARS + 1)).unwrap_err(),
            TokenError::TooLong(MAX_TOKEN_CHARS + 1)
        );
        assert_eq!(
            SealedToken::decode("ab+/").unwrap_err(),
            TokenError::NotBase64
        );
        assert_eq!(
            SealedToken::decode("AAAA").unwrap_err(),
            TokenError::TooShort
        );
        let mut raw = base64url_decode(&s).unwrap();
        raw[0] = 9;
        assert_eq!(
            SealedToken::decode(&base64url_encode(&raw)).unwrap_err(),
            TokenError::UnknownVersion(9)
        );
        assert_eq!(
            UnsubscribeToken::open(&s, |_| key(2)).unwrap_err(),
            TokenError::BadSignature
        );
        let long = "x".repeat(MAX_MESSAGE_ID + 1);
        for bad in ["", "  ", "a\nb", long.as_str()] {
            assert!(matches!(
                UnsubscribeToken::new(t, EmailAddress::parse("a@b.io").unwrap(), bad, crate::now()),
                Err(TokenError::BadMessageId(_))
            ));
        }
        assert!(TokenError::BadSignature.to_string().contains("altered"));
    }

    #[test]
    fn longest_fields_fit() {
        let local = "l".repeat(64);
        let domain = format!(
            "{}.{}.{}.io",
            "d".repeat(60),
            "e".repeat(60),
            "f".repeat(60)
        );
        let email = format!("{local}@{domain}");
        let tok = token(TenantId::new(), &email, &"m".repeat(MAX_MESSAGE_ID));
        let s = tok.seal(&key(3));
        assert!(s.len() <= MAX_TOKEN_CHARS);
        assert_eq!(UnsubscribeToken::open(&s, |_| key(3)).unwrap(), tok);
    }

    #[test]
    fn send_mailto_tokens_fit_a_local_part_and_survive_case_folding() {
        let k = key(7);
        let t = k.send_mailto_token([4; 16]);
        let h = list_unsubscribe_headers(
            "https://veto.example",
            Some("unsub.example"),
            "LONG",
            Some(&t),
        );
        let mailto = format!("mailto:unsubscribe+{t}@unsub.example?subject=unsubscribe");
        assert_eq!(h[0].1, format!("<https://veto.example/u/LONG>, <{mailto}>"));
        let local = format!("unsubscribe+{t}");
        assert!(local.len() <= 64, "{local}: {} octets", local.len());
        // What the ingest path sees, also after a mail system upper-cased the local part.
        for rcpt in [
            format!("{local}@unsub.example"),
            format!("<{}@unsub.example>", local.to_uppercase()),
        ] {
            let found = token_from_mailto_recipient(&rcpt).unwrap();
            assert_eq!(k.send_of_mailto_token(found), Some([4; 16]), "{rcpt}");
        }
        assert_eq!(
            key(8).send_of_mailto_token(&t),
            None,
            "another tenant's key"
        );
        // A link token is never read as a send reference, nor the other way round.
        let link = UnsubscribeToken::new(
            TenantId(uuid::Uuid::from_bytes([1; 16])),
            EmailAddress::parse("a@example.com").unwrap(),
            "m",
            crate::now(),
        )
        .unwrap()
        .seal(&k);
        assert_eq!(k.send_of_mailto_token(&link), None);
        assert!(SealedToken::decode(&t).is_err());
    }

    #[test]
    fn headers_and_mailto() {
        let h = list_unsubscribe_headers(
            "https://veto.example/",
            Some("unsub.example"),
            "TOK_-1",
            None,
        );
        assert_eq!(
            h,
            vec![
                (
                    "List-Unsubscribe".to_string(),
                    "<https://veto.example/u/TOK_-1>, <mailto:unsubscribe+TOK_-1@unsub.example?subject=unsubscribe>".to_string()
                ),
                (
                    "List-Unsubscribe-Post".to_string(),
                    "List-Unsubscribe=One-Click".to_string()
                ),
            ]
        );
        let h = list_unsubscribe_headers("http://127.0.0.1:8080", None, "T", None);
        assert_eq!(h[0].1, "<http://127.0.0.1:8080/u/T>");
        assert_eq!(
            list_unsubscribe_headers("http://x", Some(" "), "T", None)[0].1,
            "<http://x/u/T>"
        );

        assert_eq!(
            token_from_mailto_recipient("unsubscribe+AbC-_9@u.example"),
            Some("AbC-_9")
        );
        assert_eq!(
            token_from_mailto_recipient(" <Unsubscribe+AbC@u.example> "),
            Some("AbC")
        );
        assert_eq!(
            token_from_mailto_recipient("mailto:unsubscribe+AbC@u.example"),
            Some("AbC")
        );
        for no in [
            "",
            "unsubscribe+@u.example",
            "unsubscribe@u.example",
            "someone+AbC@u.example",
            "unsubscribe+A.b@u.example",
            "unsubscribe+AbC",
            "ünsubscribe+AbC@u.example",
        ] {
            assert_eq!(token_from_mailto_recipient(no), None, "{no}");
        }
    }

    #[test]
    fn base64url_known_vectors() {
        // RFC 4648 §10, without padding.
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(raw.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), raw.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        // Non-canonical trailing bits and impossible lengths are refused.
        assert_eq!(base64url_decode("Zh"), None);
        assert_eq!(base64url_decode("Z"), None);
        assert_eq!(base64url_decode("Zg=="), None);
    }

    fn any_token() -> impl Strategy<Value = UnsubscribeToken> {
        (
            any::<u128>(),
            "[a-z0-9._%+-]{1,30}",
            "[a-z0-9-]{1,20}\\.[a-z]{2,6}",
            "[ -~]{1,120}",
            0i64..4_102_444_800,
        )
            .prop_filter_map("valid address and message id", |(t, l, d, m, at)| {
                let email = EmailAddress::parse(&format!("{l}@{d}")).ok()?;
                UnsubscribeToken::new(
                    TenantId(uuid::Uuid::from_u128(t)),
                    email,
                    &m,
                    time::OffsetDateTime::from_unix_timestamp(at).ok()?,
                )
                .ok()
            })
    }

    proptest! {
        #[test]
        fn sealed_tokens_round_trip(tok in any_token(), k in any::<u8>()) {
            let s = tok.seal(&key(k));
            prop_assert!(s.len() <= MAX_TOKEN_CHARS);
            let sealed = SealedToken::decode(&s).unwrap();
            prop_assert_eq!(sealed.tenant_id(), tok.tenant_id);
            prop_assert_eq!(sealed.verify(&key(k)).unwrap(), tok);
        }

        #[test]
        fn any_bit_flip_is_refused(tok in any_token(), bit in any::<prop::sample::Index>()) {
            let mut raw = base64url_decode(&tok.seal(&key(1))).unwrap();
            let i = bit.index(raw.len() * 8);
            raw[i / 8] ^= 1 << (i % 8);
            prop_assert!(UnsubscribeToken::open(&base64url_encode(&raw), |_| key(1)).is_err());
        }

        #[test]
        fn any_changed_character_is_refused(tok in any_token(), pos in any::<prop::sample::Index>(), c in 0usize..64) {
            let s = tok.seal(&key(1));
            let i = pos.index(s.len());
            let mut b = s.into_bytes();
            prop_assume!(b[i] != B64[c]);
            b[i] = B64[c];
            let s = String::from_utf8(b).unwrap();
            prop_assert!(UnsubscribeToken::open(&s, |_| key(1)).is_err());
        }

        #[test]
        fn truncation_is_refused(tok in any_token(), cut in any::<prop::sample::Index>()) {
            let s = tok.seal(&key(1));
            let n = cut.index(s.len());
            prop_assert!(UnsubscribeToken::open(&s[..n], |_| key(1)).is_err());
        }

        #[test]
        fn another_tenants_key_is_refused(tok in any_token(), a in any::<u8>(), b in any::<u8>()) {
            prop_assume!(a != b);
            let s = tok.seal(&key(a));
            prop_assert_eq!(
                UnsubscribeToken::open(&s, |_| key(b)).unwrap_err(),
                TokenError::BadSignature
            );
        }

        #[test]
        fn a_swapped_tenant_id_is_refused(tok in any_token(), other in any::<u128>()) {
            prop_assume!(other != tok.tenant_id.0.as_u128());
            let mut raw = base64url_decode(&tok.seal(&key(1))).unwrap();
            raw[1..17].copy_from_slice(&other.to_be_bytes());
            // Even with the right key, the tenant id is inside the signature.
            prop_assert_eq!(
                UnsubscribeToken::open(&base64url_encode(&raw), |_| key(1)).unwrap_err(),
                TokenError::BadSignature
            );
        }

        #[test]
        fn garbage_never_panics(s in "\\PC{0,800}") {
            let _ = UnsubscribeToken::open(&s, |_| key(1));
            let _ = token_from_mailto_recipient(&s);
        }

        #[test]
        fn base64url_round_trips(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(base64url_decode(&base64url_encode(&b)).unwrap(), b);
        }
    }
}
