//! The date shapes e-mail services put in their suppression exports, read into UTC
//! timestamps, and the shapes Veto writes back.
//!
//! Accepted on input (surrounding whitespace ignored):
//!
//! | shape | example | who writes it |
//! | --- | --- | --- |
//! | RFC 3339 / ISO 8601, `T` or space, optional fraction, `Z`, `±HH:MM`, `±HHMM` or `±HH` | `2019-12-17T08:58:33-05:00`, `2020-04-10T21:09:27.123000+00:00` | Veto, Postmark, AWS CLI |
//! | the same without a zone (read as UTC) | `2013-06-25 17:38:27` | Mailchimp, SendGrid UI |
//! | a date alone (midnight UTC) | `2020-02-01` | hand-made lists |
//! | Go's `time.Time.String()` | `2023-05-10 14:03:22.514849 +0530 IST` | listmonk |
//! | RFC 2822 / RFC 822, with or without weekday, seconds optional | `Fri, 21 Oct 2011 11:02:55 UTC`, `21 Oct 2011 11:02 -0700` | Mailgun |
//! | Unix time in seconds, integer or fraction | `1443651141`, `1586553567.123` | SendGrid, SES API |
//! | Unix time in milliseconds (13 digits or more) | `1443651141000` | JavaScript tools |
//!
//! A number is taken as milliseconds when its integer part has 13 or more digits (from
//! 2001-09-09 in milliseconds on); seconds with 13 digits would be past the year 33 000.

use std::fmt::Write as _;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use veto_domain::Timestamp;

/// Reads a timestamp in any of the shapes above; the error says what was expected.
pub fn parse(raw: &str) -> Result<Timestamp, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("the date is empty".into());
    }
    let b = s.as_bytes();
    let r = if b
        .iter()
        .all(|c| c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b.iter().filter(|c| c.is_ascii_digit()).count() > 0
        && !(b.len() >= 10 && b[4] == b'-')
    {
        parse_unix(s)
    } else if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        parse_iso(b)
    } else {
        parse_rfc2822(s)
    };
    r.ok_or_else(|| {
        format!(
            "'{}' is not a date (expected RFC 3339 like 2024-05-01T12:00:00Z, \
             'YYYY-MM-DD HH:MM:SS' in UTC, RFC 2822 like 'Fri, 21 Oct 2011 11:02:55 UTC', \
             or Unix seconds)",
            shorten(s)
        )
    })
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(57).collect();
        t.push_str("...");
        t
    }
}

fn parse_unix(s: &str) -> Option<Timestamp> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int.is_empty() || int.len() > 18 || !int.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = int.parse().ok()?;
    // Nanoseconds from the fraction, at most 9 digits kept.
    let mut nanos: i128 = 0;
    for (i, c) in frac.bytes().take(9).enumerate() {
        nanos += i128::from(c - b'0') * 10i128.pow(8 - i as u32);
    }
    let total = if int.len() >= 13 {
        whole * 1_000_000 + nanos / 1000
    } else {
        whole * 1_000_000_000 + nanos
    };
    let total = if neg { -total } else { total };
    OffsetDateTime::from_unix_timestamp_nanos(total).ok()
}

/// A cursor over ASCII bytes.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }
    /// One or more digits (up to `max`), returning the value and count.
    fn some_digits(&mut self, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut v = 0u32;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i > start).then_some((v, self.i - start))
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    fn rest(&self) -> &'a [u8] {
        &self.b[self.i.min(self.b.len())..]
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

fn parse_iso(b: &[u8]) -> Option<Timestamp> {
    let mut c = Cur { b, i: 0 };
    let y = c.digits(4)?;
    c.eat(b'-').then_some(())?;
    let mo = c.digits(2)?;
    c.eat(b'-').then_some(())?;
    let d = c.digits(2)?;
    let date = Date::from_calendar_date(y as i32, Month::try_from(mo as u8).ok()?, d as u8).ok()?;
    if c.done() {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let time = parse_clock(&mut c, true)?;
    let pdt = PrimitiveDateTime::new(date, time);
    // Zone: none (UTC), Z, ±HH:MM, ±HHMM, ±HH, or Go's " +0000 UTC" (and its monotonic suffix).
    c.skip_spaces();
    if c.done() {
        return Some(pdt.assume_utc());
    }
    let offset = if c.eat(b'Z') || c.eat(b'z') {
        UtcOffset::UTC
    } else if matches!(c.peek(), Some(b'+' | b'-')) {
        parse_numeric_offset(&mut c)?
    } else if let Some(o) = zone_name(c.rest()) {
        c.i = c.b.len();
        o
    } else {
        return None;
    };
    // Go appends the zone abbreviation after the numeric offset, and sometimes "m=+0.001".
    c.skip_spaces();
    if !c.done() {
        let rest = c.rest();
        let word_end = rest.iter().position(|x| *x == b' ').unwrap_or(rest.len());
        if !rest[..word_end].iter().all(|x| x.is_ascii_alphanumeric()) {
            return None;
        }
        c.i += word_end;
        c.skip_spaces();
        if !c.done() && !c.rest().starts_with(b"m=") {
            return None;
        }
    }
    Some(pdt.assume_offset(offset).to_offset(UtcOffset::UTC))
}

/// `HH:MM[:SS[.fraction]]`; `HH:MM` alone is allowed.
fn parse_clock(c: &mut Cur<'_>, fraction: bool) -> Option<Time> {
    let h = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let mi = c.digits(2)?;
    let mut s = 0;
    let mut nanos = 0u32;
    if c.eat(b':') {
        s = c.digits(2)?;
        if fraction && (c.peek() == Some(b'.') || c.peek() == Some(b',')) {
            c.i += 1;
            let start = c.i;
            let (v, n) = c.some_digits(9)?;
            nanos = v * 10u32.pow(9 - n as u32);
            // Digits past nanoseconds are dropped.
            while matches!(c.peek(), Some(x) if x.is_ascii_digit()) {
                c.i += 1;
            }
            let _ = start;
        }
    }
    Time::from_hms_nano(h as u8, mi as u8, s as u8, nanos).ok()
}

fn parse_numeric_offset(c: &mut Cur<'_>) -> Option<UtcOffset> {
    let neg = c.peek() == Some(b'-');
    c.i += 1;
    let h = c.digits(2)?;
    let m = if c.eat(b':') {
        c.digits(2)?
    } else {
        c.digits(2).unwrap_or(0)
    };
    if h > 23 || m > 59 {
        return None;
    }
    let (h, m) = (h as i8, m as i8);
    if neg {
        UtcOffset::from_hms(-h, -m, 0).ok()
    } else {
        UtcOffset::from_hms(h, m, 0).ok()
    }
}

/// Zone names of RFC 2822 (and the military `Z`).
fn zone_name(s: &[u8]) -> Option<UtcOffset> {
    let h = match s {
        b"UTC" | b"UT" | b"GMT" | b"Z" | b"utc" | b"gmt" => 0,
        b"EST" => -5,
        b"EDT" => -4,
        b"CST" => -6,
        b"CDT" => -5,
        b"MST" => -7,
        b"MDT" => -6,
        b"PST" => -8,
        b"PDT" => -7,
        _ => return None,
    };
    UtcOffset::from_hms(h, 0, 0).ok()
}

fn parse_rfc2822(s: &str) -> Option<Timestamp> {
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    // Optional weekday: "Fri,".
    if let Some(comma) = s.find(',')
        && comma <= 9
        && s[..comma].bytes().all(|x| x.is_ascii_alphabetic())
    {
        c.i = comma + 1;
    }
    c.skip_spaces();
    let (d, _) = c.some_digits(2)?;
    c.skip_spaces();
    let mon = c.b.get(c.i..c.i + 3)?;
    let month = month_from_abbrev(mon)?;
    c.i += 3;
    // Tolerate a full month name ("October").
    while matches!(c.peek(), Some(x) if x.is_ascii_alphabetic()) {
        c.i += 1;
    }
    c.skip_spaces();
    let (y, ny) = c.some_digits(4)?;
    let y = match ny {
        4 => y as i32,
        2 if y < 50 => 2000 + y as i32,
        2 => 1900 + y as i32,
        _ => return None,
    };
    c.skip_spaces();
    let date = Date::from_calendar_date(y, month, d as u8).ok()?;
    let time = parse_clock(&mut c, true)?;
    c.skip_spaces();
    let offset = if c.done() {
        UtcOffset::UTC
    } else if matches!(c.peek(), Some(b'+' | b'-')) {
        let o = parse_numeric_offset(&mut c)?;
        c.skip_spaces();
        // "+0000 (UTC)" comments.
        let comment = c.peek() == Some(b'(') && c.b.last() == Some(&b')');
        if !c.done() && !comment {
            return None;
        }
        o
    } else {
        zone_name(c.rest())?
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

fn month_from_abbrev(m: &[u8]) -> Option<Month> {
    let lower = [
        m[0].to_ascii_lowercase(),
        m[1].to_ascii_lowercase(),
        m[2].to_ascii_lowercase(),
    ];
    Some(match &lower {
        b"jan" => Month::January,
        b"feb" => Month::February,
        b"mar" => Month::March,
        b"apr" => Month::April,
        b"may" => Month::May,
        b"jun" => Month::June,
        b"jul" => Month::July,
        b"aug" => Month::August,
        b"sep" => Month::September,
        b"oct" => Month::October,
        b"nov" => Month::November,
        b"dec" => Month::December,
        _ => return None,
    })
}

fn utc(t: Timestamp) -> Timestamp {
    t.to_offset(UtcOffset::UTC)
}

fn push_date_time(out: &mut String, t: Timestamp, sep: char) {
    let t = utc(t);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

/// RFC 3339 in UTC with exactly six fraction digits: `2024-05-01T12:00:00.000000Z`. Veto's
/// own formats use it; it keeps every microsecond a store keeps.
pub fn push_rfc3339_micros(out: &mut String, t: Timestamp) {
    push_date_time(out, t, 'T');
    let _ = write!(out, ".{:06}Z", utc(t).microsecond());
}

/// [`push_rfc3339_micros`] into a new string.
pub fn rfc3339_micros(t: Timestamp) -> String {
    let mut s = String::with_capacity(27);
    push_rfc3339_micros(&mut s, t);
    s
}

/// RFC 3339 in UTC to the second: `2024-05-01T12:00:00Z`.
pub fn rfc3339_seconds(t: Timestamp) -> String {
    let mut s = String::with_capacity(20);
    push_date_time(&mut s, t, 'T');
    s.push('Z');
    s
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, as Mailchimp writes it.
pub fn sql_seconds(t: Timestamp) -> String {
    let mut s = String::with_capacity(19);
    push_date_time(&mut s, t, ' ');
    s
}

/// RFC 2822 in UTC as Mailgun writes it: `Fri, 21 Oct 2011 11:02:55 UTC`.
pub fn rfc2822(t: Timestamp) -> String {
    let t = utc(t);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} UTC",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Go's `time.Time.String()` in UTC, as listmonk writes it: `2023-05-10 08:33:22.514849 +0000
/// UTC` (fraction without trailing zeros, none when whole).
pub fn go_string(t: Timestamp) -> String {
    let mut s = String::with_capacity(36);
    push_date_time(&mut s, t, ' ');
    let nanos = utc(t).nanosecond();
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push_str(" +0000 UTC");
    s
}

/// Unix seconds (fraction dropped).
pub fn unix_seconds(t: Timestamp) -> String {
    t.unix_timestamp().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shapes() {
        let t = datetime!(2011-10-21 11:02:55 UTC);
        for s in [
            "Fri, 21 Oct 2011 11:02:55 UTC",
            "Fri, 21 Oct 2011 11:02:55 GMT",
            "21 Oct 2011 11:02:55 +0000",
            "Fri, 21 Oct 2011 07:02:55 -0400",
            "Fri, 21 Oct 2011 11:02:55 +0000 (UTC)",
            "2011-10-21T11:02:55Z",
            "2011-10-21T11:02:55+00:00",
            "2011-10-21T06:02:55-05:00",
            "2011-10-21T13:02:55+0200",
            "2011-10-21T13:02:55+02",
            "2011-10-21 11:02:55",
            "2011-10-21 11:02:55 +0000 UTC",
            "2011-10-21 16:32:55 +0530 IST",
            "2011-10-21 11:02:55 +0000 UTC m=+0.000000001",
            "1319194975",
            "1319194975000",
            " 1319194975 ",
        ] {
            assert_eq!(parse(s), Ok(t), "{s}");
        }
        assert_eq!(
            parse("2020-04-10T21:09:27.123000+00:00").unwrap(),
            datetime!(2020-04-10 21:09:27.123 UTC)
        );
        assert_eq!(
            parse("1586553567.5").unwrap(),
            datetime!(2020-04-10 21:19:27.5 UTC)
        );
        assert_eq!(
            parse("2020-02-01").unwrap(),
            datetime!(2020-02-01 00:00:00 UTC)
        );
        assert_eq!(
            parse("2023-05-10 14:03:22.514849 +0530 IST").unwrap(),
            datetime!(2023-05-10 08:33:22.514849 UTC)
        );
    }

    #[test]
    fn refusals() {
        for s in [
            "",
            "yesterday",
            "2020-13-01",
            "2020-02-30 10:00:00",
            "2020-02-01T25:00:00Z",
            "2020-02-01T10:00:00 nonsense here",
            "Fri, 21 Foo 2011 11:02:55 UTC",
            "1.2.3",
            "--5",
            "99999999999999999999999",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
        let e = parse("soon").unwrap_err();
        assert!(e.contains("'soon' is not a date"), "{e}");
    }

    #[test]
    fn writers_read_back() {
        let t = datetime!(2024-02-29 23:59:58.123456 UTC);
        assert_eq!(rfc3339_micros(t), "2024-02-29T23:59:58.123456Z");
        assert_eq!(parse(&rfc3339_micros(t)).unwrap(), t);
        assert_eq!(go_string(t), "2024-02-29 23:59:58.123456 +0000 UTC");
        assert_eq!(parse(&go_string(t)).unwrap(), t);
        let whole = datetime!(2024-02-29 23:59:58 UTC);
        assert_eq!(rfc2822(t), "Thu, 29 Feb 2024 23:59:58 UTC");
        assert_eq!(parse(&rfc2822(t)).unwrap(), whole);
        assert_eq!(parse(&sql_seconds(t)).unwrap(), whole);
        assert_eq!(parse(&rfc3339_seconds(t)).unwrap(), whole);
        assert_eq!(parse(&unix_seconds(t)).unwrap(), whole);
        assert_eq!(go_string(whole), "2024-02-29 23:59:58 +0000 UTC");
    }
}
