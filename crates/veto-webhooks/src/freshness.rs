//! Signed timestamps: reading them and refusing those outside the tolerance.

use std::time::Duration;

use time::OffsetDateTime;

use crate::error::WebhookError;
use crate::event::Provider;

/// Refuses a signed time further than `tolerance` from `now`, in either direction.
pub(crate) fn check(
    provider: Provider,
    signed_at: OffsetDateTime,
    now: OffsetDateTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    let age = now - signed_at;
    let limit = i128::try_from(tolerance.as_nanos()).unwrap_or(i128::MAX);
    if age.whole_nanoseconds().abs() > limit {
        return Err(WebhookError::StaleTimestamp {
            provider,
            age_seconds: age.whole_seconds(),
            tolerance_seconds: tolerance.as_secs(),
        });
    }
    Ok(())
}

/// Whole seconds since the Unix epoch, as a header or field carries them.
pub(crate) fn parse_unix_seconds(
    provider: Provider,
    what: &'static str,
    raw: &[u8],
) -> Result<OffsetDateTime, WebhookError> {
    let malformed = |detail: &str| WebhookError::Malformed {
        provider,
        what,
        detail: detail.to_string(),
    };
    let text = std::str::from_utf8(raw)
        .map_err(|_| malformed("not UTF-8"))?
        .trim();
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("expected whole seconds since 1970"));
    }
    let seconds: i64 = text
        .parse()
        .map_err(|_| malformed("expected whole seconds since 1970"))?;
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| malformed("out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn at(s: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(s).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn inside_and_outside_the_tolerance() {
        let five = Duration::from_secs(300);
        let now = at(NOW);
        assert!(check(Provider::Mailgun, at(NOW - 300), now, five).is_ok());
        assert!(check(Provider::Mailgun, at(NOW + 300), now, five).is_ok());
        assert!(matches!(
            check(Provider::Mailgun, at(NOW - 301), now, five),
            Err(WebhookError::StaleTimestamp {
                age_seconds: 301,
                ..
            })
        ));
        assert!(matches!(
            check(Provider::Mailgun, at(NOW + 301), now, five),
            Err(WebhookError::StaleTimestamp {
                age_seconds: -301,
                ..
            })
        ));
    }

    #[test]
    fn only_plain_seconds_are_timestamps() {
        for bad in [&b""[..], b"-5", b"12.5", b"1e9", b"99999999999999", b"\xff"] {
            assert!(parse_unix_seconds(Provider::SendGrid, "timestamp", bad).is_err());
        }
        let t = parse_unix_seconds(Provider::SendGrid, "timestamp", b" 1588788367 ");
        assert_eq!(t.map(|t| t.unix_timestamp()), Ok(1588788367));
    }
}
