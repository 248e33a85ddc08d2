//! DKIM (RFC 6376) keys and signatures for the tenants' sending domains.
//!
//! Keys are RSA (default: 2048 bits, RFC 8301 §3.2) or Ed25519 (RFC 8463; receivers' support
//! is still uneven, so it is not the default). A key is kept and handed out as PKCS#8 DER,
//! which the server stores sealed; `Debug` never shows the private part.
//!
//! Signing uses `mail-auth`'s canonicalisation, hashing and key types. The few lines that
//! assemble the signature are ours because `mail-auth`'s signer reads the system clock and
//! the caller must be able to give the signing time (tests, replays, one clock per send).
//! Canonicalisation is relaxed/relaxed; the signed fields are those of [`SIGNED_FIELDS`]
//! present in the message, plus one more `From` than the message has, so a second `From`
//! added in transit breaks the signature (RFC 6376 §8.15).

use std::fmt;

use mail_auth::common::crypto::{DkimKey as MailAuthKey, Ed25519Key, RsaKey, Sha256, SigningKey};
use mail_auth::common::headers::{HeaderStream, HeaderWriter, Writable, Writer};
use mail_auth::dkim::canonicalize::CanonicalHeaders;
use mail_auth::dkim::{Canonicalization, Signature};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier};
use rsa::traits::PublicKeyParts;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use veto_domain::Timestamp;
use veto_domain::domain::{DomainError, DomainName};
use zeroize::Zeroizing;

use crate::header::{HeaderBlock, HeaderError};

/// The fields signed when present, in the order they are listed in `h=`. RFC 6376 §5.4.1
/// recommends these; RFC 8058 §4 requires both List-Unsubscribe fields to be signed.
pub const SIGNED_FIELDS: [&str; 14] = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// Smallest RSA key accepted (RFC 8301 §3.2: signers MUST use at least 1024 bits).
const MIN_RSA_BITS: usize = 1024;
/// Largest RSA key accepted: a 4096-bit key's record still fits common DNS providers.
const MAX_RSA_BITS: usize = 4096;
/// Longest character-string in a TXT record (RFC 1035 §3.3).
const TXT_STRING_MAX: usize = 255;
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The kind of key to generate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DkimAlgorithm {
    /// RSA, 2048 bits, signing with rsa-sha256: verified by every receiver.
    #[default]
    Rsa2048,
    /// Ed25519, signing with ed25519-sha256 (RFC 8463): short keys, uneven receiver support.
    Ed25519,
}

/// The kind of a loaded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DkimKeyType {
    Rsa { bits: usize },
    Ed25519,
}

/// Why a key could not be made or read, or a message not signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DkimError {
    #[error("generating the DKIM key failed: {0}")]
    Generate(String),
    #[error("the DKIM private key is not PKCS#8 DER: {0}")]
    NotPkcs8(String),
    #[error("the DKIM private key is neither RSA nor Ed25519 (algorithm {0})")]
    UnsupportedAlgorithm(String),
    #[error("the DKIM private key is not valid: {0}")]
    BadKey(String),
    #[error(
        "the RSA key has {0} bits; DKIM needs at least 1024 (RFC 8301), and at most 4096 are accepted"
    )]
    RsaKeySize(usize),
    #[error(
        "the DKIM selector {0:?} is not valid: dot-separated labels of letters, digits and inner hyphens expected"
    )]
    BadSelector(String),
    #[error("the DKIM signing domain is not valid: {0}")]
    BadDomain(#[from] DomainError),
    #[error("the message cannot be signed: {0}")]
    Message(#[from] HeaderError),
    #[error("the message has a bare LF line ending; DKIM signs CR LF messages only")]
    BareLineFeed,
    #[error("the message has no From field; DKIM requires it to be signed (RFC 6376 §5.4)")]
    NoFrom,
    #[error("the signing time is before 1970")]
    TimeBeforeEpoch,
    #[error("signing failed: {0}")]
    Sign(String),
}

/// A domain's signing key.
pub struct DkimKey {
    signer: MailAuthKey,
    pkcs8: Zeroizing<Vec<u8>>,
    /// RSA: SubjectPublicKeyInfo DER (what `opendkim-genkey` publishes); Ed25519: the 32 raw
    /// bytes (RFC 8463 §4).
    public: Vec<u8>,
    key_type: DkimKeyType,
}

impl fmt::Debug for DkimKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DkimKey")
            .field("key_type", &self.key_type)
            .field("public_key", &self.public_key_b64())
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// The TXT record that publishes a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    /// `selector._domainkey.domain` (no trailing dot).
    pub name: String,
    /// `v=DKIM1; k=…; p=…`, as one string.
    pub value: String,
    /// The value split into strings of at most 255 characters (RFC 1035 §3.3), as zone files
    /// and some DNS consoles need; receivers concatenate them (RFC 6376 §3.6.2.2).
    pub strings: Vec<String>,
}

impl DnsRecord {
    /// The record data as a zone file writes it: each string quoted, separated by spaces.
    pub fn zone_data(&self) -> String {
        self.strings
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl DkimKey {
    /// A new key from the operating system's random source.
    pub fn generate(alg: DkimAlgorithm) -> Result<Self, DkimError> {
        let der = match alg {
            DkimAlgorithm::Rsa2048 => {
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                    .map_err(|e| DkimError::Generate(e.to_string()))?;
                let doc = key
                    .to_pkcs8_der()
                    .map_err(|e| DkimError::Generate(e.to_string()))?;
                Zeroizing::new(doc.as_bytes().to_vec())
            }
            DkimAlgorithm::Ed25519 => Zeroizing::new(
                Ed25519Key::generate_pkcs8().map_err(|e| DkimError::Generate(e.to_string()))?,
            ),
        };
        Self::from_pkcs8_der(&der)
    }

    /// Reads a PKCS#8 DER private key (RSA of 1024 to 4096 bits, or Ed25519).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, DkimError> {
        let info = rsa::pkcs8::PrivateKeyInfo::try_from(der)
            .map_err(|e| DkimError::NotPkcs8(e.to_string()))?;
        let oid = info.algorithm.oid;
        let pkcs8 = Zeroizing::new(der.to_vec());
        if oid == rsa::pkcs1::ALGORITHM_OID {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(der)
                .map_err(|e| DkimError::BadKey(e.to_string()))?;
            let bits = key.n().bits();
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(DkimError::RsaKeySize(bits));
            }
            key.validate()
                .map_err(|e| DkimError::BadKey(e.to_string()))?;
            let public = rsa::RsaPublicKey::from(&key)
                .to_public_key_der()
                .map_err(|e| DkimError::BadKey(e.to_string()))?
                .into_vec();
            let signer =
                RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)))
                    .map_err(|e| DkimError::BadKey(e.to_string()))?;
            Ok(Self {
                signer: MailAuthKey::Rsa(signer),
                pkcs8,
                public,
                key_type: DkimKeyType::Rsa { bits },
            })
        } else if oid == ED25519_OID {
            let signer =
                Ed25519Key::from_pkcs8_der(der).map_err(|e| DkimError::BadKey(e.to_string()))?;
            let public = signer.public_key();
            Ok(Self {
                signer: MailAuthKey::Ed25519(signer),
                pkcs8,
                public,
                key_type: DkimKeyType::Ed25519,
            })
        } else {
            Err(DkimError::UnsupportedAlgorithm(oid.to_string()))
        }
    }

    /// The private key as PKCS#8 DER, for sealed storage. Wiped from memory when dropped.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs8.clone()
    }

    pub fn key_type(&self) -> DkimKeyType {
        self.key_type
    }

    /// The `p=` value: base64 of the public key.
    pub fn public_key_b64(&self) -> String {
        data_encoding::BASE64.encode(&self.public)
    }

    /// The TXT record to publish at `selector._domainkey.domain`.
    pub fn dns_record(&self, selector: &str, domain: &DomainName) -> Result<DnsRecord, DkimError> {
        check_selector(selector)?;
        let k = match self.key_type {
            DkimKeyType::Rsa { .. } => "rsa",
            DkimKeyType::Ed25519 => "ed25519",
        };
        let value = format!("v=DKIM1; k={k}; p={}", self.public_key_b64());
        // The value is ASCII, so byte chunks are character chunks.
        let strings = value
            .as_bytes()
            .chunks(TXT_STRING_MAX)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        Ok(DnsRecord {
            name: format!("{selector}._domainkey.{}", domain.as_str()),
            value,
            strings,
        })
    }

    /// Signs `message` (CR LF line endings) for `domain` with `selector` at time `now`, and
    /// returns the message with its `DKIM-Signature` field prepended.
    pub fn sign(
        &self,
        domain: &DomainName,
        selector: &str,
        message: &[u8],
        now: Timestamp,
    ) -> Result<Vec<u8>, DkimError> {
        check_selector(selector)?;
        let block = HeaderBlock::split(message)?;
        if memchr::memchr_iter(b'\n', message).any(|i| i == 0 || message[i - 1] != b'\r') {
            return Err(DkimError::BareLineFeed);
        }
        let t = u64::try_from(now.unix_timestamp()).map_err(|_| DkimError::TimeBeforeEpoch)?;

        let mut h: Vec<String> = Vec::with_capacity(SIGNED_FIELDS.len() + 1);
        for name in SIGNED_FIELDS {
            if block.named(message, name).next().is_some() {
                h.push(name.to_string());
            }
        }
        if h.first().map(String::as_str) != Some("From") {
            return Err(DkimError::NoFrom);
        }
        // Listed once more than present: mail-auth signs each listed name for every instance
        // it finds and adds the names it did not find, so the second "From" signs the absence
        // of another From.
        h.push("From".to_string());

        let mut sig = Signature {
            v: 1,
            a: self.signer.algorithm(),
            d: domain.as_str().to_string(),
            s: selector.to_string(),
            h,
            ch: Canonicalization::Relaxed,
            cb: Canonicalization::Relaxed,
            ..Default::default()
        };
        let (_, headers, signed, body) = sig.canonicalize(Fields {
            raw: message,
            block: &block,
            next: 0,
        });
        sig.bh = self.signer.hash(body).as_ref().to_vec();
        sig.t = t;
        sig.h = signed;
        sig.b = self
            .signer
            .sign(SignedData {
                headers,
                signature: &sig,
            })
            .map_err(|e| DkimError::Sign(e.to_string()))?;

        let field = keep_b_on_one_line(&sig.to_header());
        let mut out = Vec::with_capacity(field.len() + message.len());
        out.extend_from_slice(field.as_bytes());
        out.extend_from_slice(message);
        Ok(out)
    }
}

/// Removes the folds mail-auth writes inside the `b=` value and before the closing `;`.
///
/// Verifiers delete the `b=` value "including all surrounding whitespace" (RFC 6376 §3.5)
/// before hashing the field, so those folds never change what was signed — but not every
/// verifier deletes a fold that sits between the value and the `;` (dkimpy does not), and a
/// signature whose value happened to end exactly at a fold failed there. The value stays on
/// one line of its own length (a few hundred characters, far below the 998 limit).
fn keep_b_on_one_line(field: &str) -> String {
    let Some(at) = field.rfind("; b=") else {
        return field.to_string();
    };
    let (head, tail) = field.split_at(at);
    let body = tail.trim_end_matches("\r\n");
    let unfolded: String = body
        .split("\r\n")
        .map(|l| l.trim_start_matches([' ', '\t']))
        .collect();
    format!("{head}{unfolded}\r\n")
}

/// The message's fields as `mail-auth`'s canonicalisation reads them: name, then the value
/// with its line ending (relaxed canonicalisation ends each field with CR LF only if so).
struct Fields<'x, 'b> {
    raw: &'x [u8],
    block: &'b HeaderBlock,
    next: usize,
}

impl<'x> HeaderStream<'x> for Fields<'x, '_> {
    fn next_header(&mut self) -> Option<(&'x [u8], &'x [u8])> {
        let f = self.block.fields.get(self.next)?;
        self.next += 1;
        Some((
            &self.raw[f.name.clone()],
            &self.raw[f.value.start..f.whole.end],
        ))
    }

    fn body(&mut self) -> &'x [u8] {
        &self.raw[self.block.body_start..]
    }
}

/// What the signature covers (RFC 6376 §3.7): the canonical signed fields, then the
/// DKIM-Signature field itself with an empty `b=`, without a trailing CR LF.
struct SignedData<'a> {
    headers: CanonicalHeaders<'a>,
    signature: &'a Signature,
}

impl Writable for SignedData<'_> {
    fn write(self, writer: &mut impl Writer) {
        self.headers.write(writer);
        self.signature.write(writer, false);
    }
}

/// The selector Veto gives a key made at `now`: `veto` and the year and month, so a rotated
/// key gets a new name and the old record can stay until mail signed with it has arrived.
pub fn default_selector(now: Timestamp) -> String {
    format!("veto{:04}{:02}", now.year(), u8::from(now.month()))
}

/// RFC 6376 §3.1: `selector = sub-domain *( "." sub-domain )`, RFC 5321 `sub-domain`.
fn check_selector(s: &str) -> Result<(), DkimError> {
    let ok = !s.is_empty()
        && s.len() <= 200
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(DkimError::BadSelector(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> DomainName {
        DomainName::parse("example.com").unwrap()
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        for alg in [DkimAlgorithm::Ed25519, DkimAlgorithm::Rsa2048] {
            let k = DkimKey::generate(alg).unwrap();
            assert_eq!(
                format!("{k:?}"),
                format!(
                    "DkimKey {{ key_type: {:?}, public_key: {:?}, private_key: \"<redacted>\" }}",
                    k.key_type(),
                    k.public_key_b64()
                )
            );
        }
    }

    #[test]
    fn pkcs8_round_trips_and_records() {
        for alg in [DkimAlgorithm::Ed25519, DkimAlgorithm::Rsa2048] {
            let k = DkimKey::generate(alg).unwrap();
            let again = DkimKey::from_pkcs8_der(&k.to_pkcs8_der()).unwrap();
            assert_eq!(again.public_key_b64(), k.public_key_b64());
            assert_eq!(again.key_type(), k.key_type());
            let r = k.dns_record("veto202611", &domain()).unwrap();
            assert_eq!(r.name, "veto202611._domainkey.example.com");
            assert_eq!(r.strings.concat(), r.value);
            assert!(r.strings.iter().all(|s| s.len() <= 255));
            match alg {
                DkimAlgorithm::Rsa2048 => {
                    assert_eq!(k.key_type(), DkimKeyType::Rsa { bits: 2048 });
                    assert!(
                        r.value
                            .starts_with("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A")
                    );
                    assert_eq!(r.strings.len(), 2);
                }
                DkimAlgorithm::Ed25519 => {
                    assert_eq!(r.strings.len(), 1);
                    assert_eq!(
                        data_encoding::BASE64
                            .decode(k.public_key_b64().as_bytes())
                            .unwrap()
                            .len(),
                        32
                    );
                }
            }
            assert!(r.zone_data().starts_with("\"v=DKIM1; k="));
        }
    }

    #[test]
    fn bad_keys_and_selectors_are_refused() {
        assert!(matches!(
            DkimKey::from_pkcs8_der(b"not a key"),
            Err(DkimError::NotPkcs8(_))
        ));
        let small = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 512).unwrap();
        let der = small.to_pkcs8_der().unwrap();
        assert_eq!(
            DkimKey::from_pkcs8_der(der.as_bytes()).unwrap_err(),
            DkimError::RsaKeySize(512)
        );
        let k = DkimKey::generate(DkimAlgorithm::Ed25519).unwrap();
        for bad in ["", "a..b", "-a", "a-", "a_b", "a b", "sel\r\nX: y"] {
            assert!(matches!(
                k.dns_record(bad, &domain()),
                Err(DkimError::BadSelector(_))
            ));
        }
        assert!(k.dns_record("s1.2026-11", &domain()).is_ok());
    }

    #[test]
    fn sign_refuses_what_it_cannot_sign() {
        let k = DkimKey::generate(DkimAlgorithm::Ed25519).unwrap();
        let now = veto_domain::now();
        let sign = |m: &[u8]| k.sign(&domain(), "s", m, now);
        assert_eq!(
            sign(b"To: a@b.example\r\n\r\nx\r\n"),
            Err(DkimError::NoFrom)
        );
        assert_eq!(
            sign(b"From: a@b.example\r\n\r\nx\n"),
            Err(DkimError::BareLineFeed)
        );
        assert!(matches!(
            sign(b"From: a@b.example\r\n"),
            Err(DkimError::Message(HeaderError::NoSeparator))
        ));
        assert_eq!(
            k.sign(
                &domain(),
                "s",
                b"From: a@b.example\r\n\r\n",
                time::macros::datetime!(1969-12-31 23:59 UTC)
            ),
            Err(DkimError::TimeBeforeEpoch)
        );
    }

    #[test]
    fn signs_present_fields_and_oversigns_from() {
        let k = DkimKey::generate(DkimAlgorithm::Ed25519).unwrap();
        let m = b"Subject: hi\r\nFrom: a@b.example\r\nX-Other: 1\r\nList-Unsubscribe: <https://u.example/u/T>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n";
        let now = time::macros::datetime!(2026-11-02 10:00 UTC);
        let signed = k.sign(&domain(), "veto202611", m, now).unwrap();
        assert!(signed.ends_with(m));
        let field = String::from_utf8(signed[..signed.len() - m.len()].to_vec()).unwrap();
        let unfolded = field.replace("\r\n\t", " ").replace("\r\n ", " ");
        assert!(unfolded.starts_with("DKIM-Signature: v=1; a=ed25519-sha256; s=veto202611; d=example.com; c=relaxed/relaxed;"), "{unfolded}");
        let h = unfolded
            .split("h=")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .replace(' ', "");
        assert_eq!(
            h, "List-Unsubscribe-Post:List-Unsubscribe:From:Subject:From",
            "fields bottom-up as mail-auth lists them, From once more"
        );
        assert!(unfolded.contains(&format!("t={}", now.unix_timestamp())));
        assert!(field.ends_with("\r\n"));
    }

    #[test]
    fn selectors_follow_the_month() {
        assert_eq!(
            default_selector(time::macros::datetime!(2026-03-31 23:59 UTC)),
            "veto202603"
        );
        assert_eq!(
            default_selector(time::macros::datetime!(2027-11-01 00:00 UTC)),
            "veto202711"
        );
    }
}
