//! SMTP replies: a code, an optional enhanced status code (RFC 3463) and text, and their wire
//! form (RFC 5321 4.2, multi-line replies with `-` continuation).

use std::fmt;

/// A reply to the client: code, enhanced status (RFC 3463, written `class.subject.detail`)
/// and text. The text may span several lines (`\n`-separated); each becomes one reply line.
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code (RFC 5321 4.2.1).
    pub code: u16,
    /// The enhanced status code, e.g. `(5, 7, 1)` for `5.7.1`.
    pub status: Option<(u8, u16, u16)>,
    /// Human-readable text; `\n` separates lines.
    pub text: String,
}

/// Longest text written on one reply line; RFC 5321 4.5.3.1.5 allows 512 octets per reply
/// line including the code and CRLF.
const MAX_LINE_TEXT: usize = 480;

impl Reply {
    /// A reply with this code, enhanced status and text.
    pub fn new(code: u16, status: Option<(u8, u16, u16)>, text: impl Into<String>) -> Self {
        Reply {
            code,
            status,
            text: text.into(),
        }
    }

    /// `250 2.0.0 OK`.
    pub fn ok() -> Self {
        Reply::new(250, Some((2, 0, 0)), "OK")
    }

    /// Whether the code is a positive completion (2xx).
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// This reply if it is a failure (4xx/5xx) — what a handler's refusal must be — else a
    /// `451 4.3.0`: a refusal spelled as a success would tell the client its mail was taken.
    pub(crate) fn into_refusal(self) -> Reply {
        if (400..600).contains(&self.code) {
            self
        } else {
            tracing::warn!(
                code = self.code,
                "handler refused with a non-failure reply code"
            );
            Reply::new(451, Some((4, 3, 0)), "Internal error, try again later")
        }
    }

    /// This reply if it can end a DATA transaction (2xx, 4xx, 5xx), else a `451 4.3.0`.
    pub(crate) fn into_final(self) -> Reply {
        if self.is_positive() || (400..600).contains(&self.code) {
            self
        } else {
            tracing::warn!(
                code = self.code,
                "handler answered DATA with an impossible code"
            );
            Reply::new(451, Some((4, 3, 0)), "Internal error, try again later")
        }
    }

    /// Appends the wire form: every line but the last as `code-…`, the last as `code …`, each
    /// ending in CRLF. Control characters in the text become spaces, so a reply can never
    /// split into lines the client would read as separate replies.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        let code = self.code.clamp(100, 999);
        let status = self
            .status
            .map(|(c, s, d)| format!("{c}.{s}.{d} "))
            .unwrap_or_default();
        let lines: Vec<&str> = self.text.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            let mut text: String = line
                .trim_end_matches('\r')
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if text.len() > MAX_LINE_TEXT {
                let mut end = MAX_LINE_TEXT;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            }
            out.extend_from_slice(format!("{code}{sep}{status}{text}").trim_end().as_bytes());
            if text.is_empty() && status.is_empty() {
                // `334 ` (RFC 4954 4: an empty challenge is still "334" SP).
                out.push(b' ');
            }
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// Checks a whole session's output: CRLF-terminated lines of `ddd-` / `ddd ` with a code
/// from 200 to 599, the lines of one reply sharing their code, a `220` greeting first, and
/// nothing after a `221` or `421` (both end the session). For the fuzz target.
pub(crate) fn check_transcript(output: &[u8]) -> Result<(), String> {
    let mut lines = Vec::new();
    let mut rest = output;
    while !rest.is_empty() {
        let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return Err("output does not end with CRLF".into());
        };
        let line = &rest[..end];
        if line.iter().any(|b| matches!(b, b'\r' | b'\n')) {
            return Err(format!("bare CR or LF in line {}", lines.len() + 1));
        }
        lines.push(line);
        rest = &rest[end + 2..];
    }
    let mut reply_code: Option<&[u8]> = None;
    let mut closed = false;
    for (i, line) in lines.iter().enumerate() {
        if closed {
            return Err(format!("line {} after the session closed", i + 1));
        }
        let (code, sep) = (line.get(..3), line.get(3));
        let Some(code) =
            code.filter(|c| c.iter().all(u8::is_ascii_digit) && (b'2'..=b'5').contains(&c[0]))
        else {
            return Err(format!("line {} has no reply code", i + 1));
        };
        if reply_code.is_some_and(|open| open != code) {
            return Err(format!("line {} changes the code inside a reply", i + 1));
        }
        match sep {
            Some(b'-') => reply_code = Some(code),
            Some(b' ') => {
                if i == 0 && code != b"220" {
                    return Err("the first reply is not the 220 greeting".into());
                }
                reply_code = None;
                closed = code == b"221" || code == b"421";
            }
            _ => return Err(format!("line {} has no separator after its code", i + 1)),
        }
    }
    if reply_code.is_some() {
        return Err("the last reply is unfinished".into());
    }
    Ok(())
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some((c, s, d)) = self.status {
            write!(f, " {c}.{s}.{d}")?;
        }
        write!(f, " {}", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(r: &Reply) -> String {
        let mut out = Vec::new();
        r.write_to(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_line_with_status() {
        assert_eq!(wire(&Reply::ok()), "250 2.0.0 OK\r\n");
        assert_eq!(
            wire(&Reply::new(550, Some((5, 7, 1)), "Recipient suppressed")),
            "550 5.7.1 Recipient suppressed\r\n"
        );
    }

    #[test]
    fn multi_line_uses_dash_continuation() {
        let r = Reply::new(250, None, "a.example\nPIPELINING\nSIZE 10");
        assert_eq!(
            wire(&r),
            "250-a.example\r\n250-PIPELINING\r\n250 SIZE 10\r\n"
        );
        let r = Reply::new(550, Some((5, 7, 1)), "first\r\nsecond");
        assert_eq!(wire(&r), "550-5.7.1 first\r\n550 5.7.1 second\r\n");
    }

    #[test]
    fn empty_challenge_keeps_its_space() {
        assert_eq!(wire(&Reply::new(334, None, "")), "334 \r\n");
        assert_eq!(
            wire(&Reply::new(334, None, "VXNlcm5hbWU6")),
            "334 VXNlcm5hbWU6\r\n"
        );
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let r = Reply::new(550, None, "a\rb\u{0}c");
        assert_eq!(wire(&r), "550 a b c\r\n");
        let long = "é".repeat(400);
        let w = wire(&Reply::new(550, None, long));
        assert!(w.len() <= 512, "{}", w.len());
    }

    proptest::proptest! {
        /// Whatever text a handler puts in a reply, the client reads exactly one reply.
        #[test]
        fn any_text_makes_exactly_one_well_formed_reply(
            code in 200u16..600,
            text in ".*",
        ) {
            let mut out = b"220 greeting\r\n".to_vec();
            Reply::new(code, Some((5, 7, 1)), text).write_to(&mut out);
            if code != 221 && code != 421 {
                proptest::prop_assert_eq!(check_transcript(&out), Ok(()));
            }
            let finals = out
                .split(|b| *b == b'\n')
                .filter(|l| l.get(3) == Some(&b' '))
                .count();
            proptest::prop_assert_eq!(finals, 2);
        }
    }

    #[test]
    fn transcript_check() {
        assert_eq!(
            check_transcript(b"220 x\r\n250-a\r\n250 b\r\n221 bye\r\n"),
            Ok(())
        );
        assert!(check_transcript(b"250 x\r\n").is_err());
        assert!(check_transcript(b"220 x\r\n250-a\r\n550 b\r\n").is_err());
        assert!(check_transcript(b"220 x\r\n221 bye\r\n250 more\r\n").is_err());
        assert!(check_transcript(b"220 x\r\n250 a\nb\r\n").is_err());
        assert!(check_transcript(b"220 x\r\n250-a\r\n").is_err());
        assert!(check_transcript(b"220 x").is_err());
    }

    #[test]
    fn refusals_must_be_failures() {
        assert_eq!(Reply::ok().into_refusal().code, 451);
        assert_eq!(Reply::new(550, None, "no").into_refusal().code, 550);
        assert_eq!(Reply::new(354, None, "x").into_final().code, 451);
        assert_eq!(Reply::ok().into_final().code, 250);
    }
}
