//! Reading fields out of provider JSON without trusting its shape: every accessor answers
//! `None` for a missing field or one of another type.

use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The string at `key`, trimmed; `None` when absent, not a string, or blank.
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The string or number at `key` as text (providers send ids and codes either way).
pub(crate) fn text_or_number(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The boolean at `key`.
pub(crate) fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

/// The array at `key`, empty when absent or not an array.
pub(crate) fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An RFC 3339 timestamp (any number of fraction digits, any offset).
pub(crate) fn rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

/// Seconds since the Unix epoch, whole or fractional, as a number or a string.
pub(crate) fn unix_time(v: &Value) -> Option<OffsetDateTime> {
    let seconds = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !seconds.is_finite() {
        return None;
    }
    let nanos = (seconds * 1e9).round();
    // Beyond what i128 nanoseconds or the calendar can hold: not a time.
    if nanos.abs() > 1e27 {
        return None;
    }
    OffsetDateTime::from_unix_timestamp_nanos(nanos as i128).ok()
}

/// An SMTP reply code given as a number or a string.
pub(crate) fn reply_code(v: &Value, key: &str) -> Option<u16> {
    let code = match v.get(key)? {
        Value::Number(n) => u16::try_from(n.as_u64()?).ok()?,
        Value::String(s) => s.trim().parse::<u16>().ok()?,
        _ => return None,
    };
    (200..600).contains(&code).then_some(code)
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unix_times_in_every_form() {
        let t = unix_time(&json!(1534108637.153125)).map(|t| t.unix_timestamp());
        assert_eq!(t, Some(1534108637));
        assert!(unix_time(&json!("1513299569")).is_some());
        assert!(unix_time(&json!(1e300)).is_none());
        assert!(unix_time(&json!("soon")).is_none());
    }

    #[test]
    fn rfc3339_with_seven_fraction_digits_and_offset() {
        let t = rfc3339("2016-04-27T16:28:50.3963933-04:00").map(|t| t.unix_timestamp());
        assert_eq!(t, Some(1461788930));
    }

    #[test]
    fn reply_codes_are_smtp_codes() {
        assert_eq!(reply_code(&json!({"c": 550}), "c"), Some(550));
        assert_eq!(reply_code(&json!({"c": "421"}), "c"), Some(421));
        assert_eq!(reply_code(&json!({"c": 70000}), "c"), None);
        assert_eq!(reply_code(&json!({"c": 0}), "c"), None);
    }
}
