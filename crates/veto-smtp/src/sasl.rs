//! The SASL mechanisms AUTH offers (RFC 4954): PLAIN (RFC 4616) and LOGIN (the
//! draft-murchison-sasl-login exchange every submission client speaks), decoded from their
//! base64 responses.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The mechanisms offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mechanism {
    Plain,
    Login,
}

/// The LOGIN prompts, base64 of `Username:` and `Password:`.
pub(crate) const LOGIN_USERNAME: &str = "VXNlcm5hbWU6";
pub(crate) const LOGIN_PASSWORD: &str = "UGFzc3dvcmQ6";

/// Some clients leave the padding off; RFC 4648 3.2 lets a decoder accept that.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a client response cannot be used. Never holds the response itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SaslError {
    /// Not base64.
    Base64,
    /// Base64, but not UTF-8 text.
    Utf8,
    /// Not `[authzid] NUL authcid NUL passwd` with non-empty authcid and passwd.
    PlainShape,
    /// A LOGIN username or password that is empty.
    Empty,
    /// An authorization identity other than the user's own: acting for another user is not
    /// offered.
    Authzid,
}

impl SaslError {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            SaslError::Base64 => "Cannot decode response: not base64",
            SaslError::Utf8 => "Cannot decode response: not UTF-8",
            SaslError::PlainShape => "Cannot decode response: not a PLAIN message",
            SaslError::Empty => "Cannot decode response: empty",
            SaslError::Authzid => "Cannot act as another user",
        }
    }
}

/// A response line without its line end; `*` means the client cancels (RFC 4954 4).
pub(crate) fn is_cancel(response: &str) -> bool {
    response.trim() == "*"
}

fn decode(response: &str) -> Result<Vec<u8>, SaslError> {
    let response = response.trim();
    // RFC 4954 4: `=` is an empty initial response.
    if response == "=" {
        return Ok(Vec::new());
    }
    BASE64.decode(response).map_err(|_| SaslError::Base64)
}

/// A PLAIN message (RFC 4616 2): `[authzid] NUL authcid NUL passwd`; the user and password.
pub(crate) fn decode_plain(response: &str) -> Result<(String, String), SaslError> {
    let raw = decode(response)?;
    let mut parts = raw.split(|b| *b == 0);
    let (Some(authzid), Some(authcid), Some(passwd), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SaslError::PlainShape);
    };
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| SaslError::Utf8);
    let (authzid, user, password) = (text(authzid)?, text(authcid)?, text(passwd)?);
    if user.is_empty() || password.is_empty() {
        return Err(SaslError::PlainShape);
    }
    if !authzid.is_empty() && authzid != user {
        return Err(SaslError::Authzid);
    }
    Ok((user, password))
}

/// One LOGIN answer (username or password).
pub(crate) fn decode_login(response: &str) -> Result<String, SaslError> {
    let text = String::from_utf8(decode(response)?).map_err(|_| SaslError::Utf8)?;
    if text.is_empty() {
        return Err(SaslError::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(raw: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(raw)
    }

    #[test]
    fn plain_with_and_without_authzid() {
        assert_eq!(decode_plain(&b64(b"\0u\0p")), Ok(("u".into(), "p".into())));
        assert_eq!(
            decode_plain(&b64(b"u\0u\0p w")),
            Ok(("u".into(), "p w".into()))
        );
        assert_eq!(decode_plain(&b64(b"admin\0u\0p")), Err(SaslError::Authzid));
    }

    #[test]
    fn plain_malformed() {
        assert_eq!(decode_plain("!!!"), Err(SaslError::Base64));
        assert_eq!(decode_plain("="), Err(SaslError::PlainShape));
        assert_eq!(decode_plain(&b64(b"u\0p")), Err(SaslError::PlainShape));
        assert_eq!(decode_plain(&b64(b"\0u\0p\0x")), Err(SaslError::PlainShape));
        assert_eq!(decode_plain(&b64(b"\0\0p")), Err(SaslError::PlainShape));
        assert_eq!(decode_plain(&b64(b"\0u\0\xff")), Err(SaslError::Utf8));
    }

    #[test]
    fn login_and_padding() {
        assert_eq!(decode_login("dQ=="), Ok("u".into()));
        assert_eq!(
            decode_login("dQ"),
            Ok("u".into()),
            "padding may be left off"
        );
        assert_eq!(decode_login("="), Err(SaslError::Empty));
        assert!(is_cancel("*"));
        assert!(!is_cancel("dQ=="));
    }
}
