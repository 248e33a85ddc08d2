//! Raw header fields (RFC 5322 §2.2): a message's header block split into fields with their
//! exact byte ranges, and new fields written folded.
//!
//! Written by hand rather than with `mail-parser`: the relay must copy every field it does not
//! touch byte for byte (folding, case, order) and must refuse what `mail-parser` forgives
//! (over-long lines, NUL, bare CR), so it needs the raw line structure, which a parser that
//! decodes values does not give. Values are still decoded by `mail-parser` where they are read.

use std::ops::Range;

/// Longest line, line ending excluded (RFC 5322 §2.1.1: MUST be no more than 998 characters).
pub const MAX_LINE: usize = 998;
/// Lines written here are folded before this many characters (RFC 5322 §2.1.1: SHOULD be no
/// more than 78 characters).
const FOLD_AT: usize = 78;

/// Why a message's header block cannot be read. Lines are counted from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the message is empty")]
    Empty,
    #[error(
        "the message has no empty line between its header and its body (the header block never ends)"
    )]
    NoSeparator,
    #[error("header line {line} is {len} octets long; RFC 5322 allows at most 998")]
    LineTooLong { line: usize, len: usize },
    #[error("header line {line} contains a NUL byte")]
    NulInHeader { line: usize },
    #[error("the body contains a NUL byte at octet {offset} of the message")]
    NulInBody { offset: usize },
    #[error("header line {line} contains a carriage return that does not end the line")]
    BareCr { line: usize },
    #[error("header line {line} ends with {found} while the lines before it end with {expected}")]
    MixedLineEndings {
        line: usize,
        found: &'static str,
        expected: &'static str,
    },
    #[error("the first header line starts with white space (a continuation of no field)")]
    LeadingContinuation,
    #[error("header line {line} is not a header field: it has no colon")]
    NoColon { line: usize },
    #[error(
        "header line {line} has an invalid field name (printable ASCII other than ':' expected)"
    )]
    BadName { line: usize },
}

/// The line ending a message uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// CR LF, as RFC 5322 and SMTP require.
    CrLf,
    /// A bare LF, as some local tools write.
    Lf,
}

impl LineEnding {
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::CrLf => b"\r\n",
            LineEnding::Lf => b"\n",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            LineEnding::CrLf => "CR LF",
            LineEnding::Lf => "a bare LF",
        }
    }
}

/// One field of the header block, as byte ranges of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField {
    /// The field name, trimmed.
    pub name: Range<usize>,
    /// The value after the colon, up to (not including) the line ending of its last line;
    /// continuation lines included.
    pub value: Range<usize>,
    /// The whole field, from its first byte through the line ending of its last line.
    pub whole: Range<usize>,
    /// The line the field starts on (from 1).
    pub line: usize,
}

/// A message's header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderBlock {
    pub fields: Vec<RawField>,
    /// Where the empty line that ends the header block starts.
    pub header_end: usize,
    /// Where the body starts (after the empty line).
    pub body_start: usize,
    pub line_ending: LineEnding,
}

impl HeaderBlock {
    /// Splits the header block of `raw`. Refuses what a relay must not pass on: no end of the
    /// header block, over-long lines, NUL anywhere, bare CR, mixed line endings in the header
    /// block, and lines that are not fields.
    pub fn split(raw: &[u8]) -> Result<Self, HeaderError> {
        if raw.is_empty() {
            return Err(HeaderError::Empty);
        }
        let mut fields: Vec<RawField> = Vec::new();
        let mut ending: Option<LineEnding> = None;
        let mut pos = 0;
        let mut line_no = 0;
        loop {
            line_no += 1;
            let Some(lf) = memchr::memchr(b'\n', &raw[pos..]) else {
                // The last line has no line ending: the header block never ended.
                check_line(&raw[pos..], line_no)?;
                return Err(HeaderError::NoSeparator);
            };
            let line_end_incl = pos + lf + 1;
            let (content_end, this_ending) = if lf > 0 && raw[pos + lf - 1] == b'\r' {
                (pos + lf - 1, LineEnding::CrLf)
            } else {
                (pos + lf, LineEnding::Lf)
            };
            let line = &raw[pos..content_end];
            check_line(line, line_no)?;
            match ending {
                None => ending = Some(this_ending),
                Some(e) if e != this_ending => {
                    return Err(HeaderError::MixedLineEndings {
                        line: line_no,
                        found: this_ending.describe(),
                        expected: e.describe(),
                    });
                }
                Some(_) => {}
            }
            if line.is_empty() {
                // A message may start with the empty line (no fields at all): the caller
                // decides whether that is acceptable (a relay needs a From).
                let body_start = line_end_incl;
                if let Some(off) = memchr::memchr(0, &raw[body_start..]) {
                    return Err(HeaderError::NulInBody {
                        offset: body_start + off,
                    });
                }
                return Ok(HeaderBlock {
                    fields,
                    header_end: pos,
                    body_start,
                    line_ending: this_ending,
                });
            }
            if line[0] == b' ' || line[0] == b'\t' {
                let Some(last) = fields.last_mut() else {
                    return Err(HeaderError::LeadingContinuation);
                };
                last.value.end = content_end;
                last.whole.end = line_end_incl;
            } else {
                let colon = line
                    .iter()
                    .position(|&b| b == b':')
                    .ok_or(HeaderError::NoColon { line: line_no })?;
                // RFC 5322 §4.5 (obsolete syntax) allows white space before the colon.
                let name = trim_end_wsp(&line[..colon]);
                if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
                    return Err(HeaderError::BadName { line: line_no });
                }
                fields.push(RawField {
                    name: pos..pos + name.len(),
                    value: pos + colon + 1..content_end,
                    whole: pos..line_end_incl,
                    line: line_no,
                });
            }
            pos = line_end_incl;
        }
    }

    /// The name of a field.
    pub fn name<'a>(&self, raw: &'a [u8], f: &RawField) -> &'a [u8] {
        &raw[f.name.clone()]
    }

    /// The fields called `name` (ASCII case-insensitive).
    pub fn named<'s, 'a>(
        &'s self,
        raw: &'a [u8],
        name: &'s str,
    ) -> impl Iterator<Item = &'s RawField> + use<'s, 'a> {
        self.fields
            .iter()
            .filter(move |f| raw[f.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
    }
}

fn check_line(line: &[u8], line_no: usize) -> Result<(), HeaderError> {
    if line.len() > MAX_LINE {
        return Err(HeaderError::LineTooLong {
            line: line_no,
            len: line.len(),
        });
    }
    if line.contains(&0) {
        return Err(HeaderError::NulInHeader { line: line_no });
    }
    if line.contains(&b'\r') {
        return Err(HeaderError::BareCr { line: line_no });
    }
    Ok(())
}

fn trim_end_wsp(mut b: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = b {
        b = rest;
    }
    b
}

/// Why a header field cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("the header name {0:?} is not valid (printable ASCII other than ':' expected)")]
    BadName(String),
    #[error("the value of header {0} contains a line break or another control character")]
    ControlInValue(String),
    #[error(
        "the value of header {0} has a word longer than RFC 5322's 998-octet line limit, so it cannot be folded"
    )]
    Unfoldable(String),
}

/// Checks a field name: RFC 5322 §3.6.8 `ftext`, printable ASCII except the colon.
pub fn check_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(FieldError::BadName(name.to_string()));
    }
    Ok(())
}

/// Writes `Name: value` folded at white space so that lines stay within 78 characters where
/// the words allow and never exceed 998, each line ended with `ending`. The value must be
/// one line already (no CR, LF or other control characters; tabs are allowed).
pub fn write_folded(
    out: &mut Vec<u8>,
    name: &str,
    value: &str,
    ending: LineEnding,
) -> Result<(), FieldError> {
    check_name(name)?;
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(FieldError::ControlInValue(name.to_string()));
    }
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    let mut col = name.len() + 1;
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if col + 1 + word.len() > FOLD_AT && col > name.len() + 1 {
            out.extend_from_slice(ending.as_bytes());
            col = 0;
        }
        if 1 + word.len() + col > MAX_LINE {
            return Err(FieldError::Unfoldable(name.to_string()));
        }
        out.push(b' ');
        out.extend_from_slice(word.as_bytes());
        col += 1 + word.len();
    }
    out.extend_from_slice(ending.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_fields_with_continuations() {
        let raw = b"From: a@b.example\r\nSubject: one\r\n two\r\nX-Y : z\r\n\r\nbody\r\n";
        let h = HeaderBlock::split(raw).unwrap();
        assert_eq!(h.fields.len(), 3);
        assert_eq!(h.name(raw, &h.fields[1]), b"Subject");
        assert_eq!(&raw[h.fields[1].value.clone()], b" one\r\n two");
        assert_eq!(&raw[h.fields[1].whole.clone()], b"Subject: one\r\n two\r\n");
        assert_eq!(h.name(raw, &h.fields[2]), b"X-Y");
        assert_eq!(&raw[h.body_start..], b"body\r\n");
        assert_eq!(h.header_end, raw.len() - 8);
        assert_eq!(h.line_ending, LineEnding::CrLf);
        assert_eq!(h.named(raw, "subject").count(), 1);
    }

    #[test]
    fn lf_messages_are_read() {
        let raw = b"From: a@b.example\nSubject: x\n\nbody";
        let h = HeaderBlock::split(raw).unwrap();
        assert_eq!(h.line_ending, LineEnding::Lf);
        assert_eq!(&raw[h.body_start..], b"body");
    }

    #[test]
    fn refusals_name_the_problem() {
        let long = format!("Subject: {}\r\n\r\n", "x".repeat(990));
        for (raw, want) in [
            (&b""[..], HeaderError::Empty),
            (b"From: a@b.example\r\n", HeaderError::NoSeparator),
            (b"From: a@b.example", HeaderError::NoSeparator),
            (
                long.as_bytes(),
                HeaderError::LineTooLong { line: 1, len: 999 },
            ),
            (b"From: a\0@b\r\n\r\n", HeaderError::NulInHeader { line: 1 }),
            (
                b"From: a@b\r\n\r\nx\0",
                HeaderError::NulInBody { offset: 14 },
            ),
            (b"From: a\r@b\r\n\r\n", HeaderError::BareCr { line: 1 }),
            (
                b"From: a@b\r\nTo: c@d\n\r\n",
                HeaderError::MixedLineEndings {
                    line: 2,
                    found: "a bare LF",
                    expected: "CR LF",
                },
            ),
            (b" From: a@b\r\n\r\n", HeaderError::LeadingContinuation),
            (b"From a@b\r\n\r\n", HeaderError::NoColon { line: 1 }),
            (b": a@b\r\n\r\n", HeaderError::BadName { line: 1 }),
            (
                "Fr\u{f6}m: a@b\r\n\r\n".as_bytes(),
                HeaderError::BadName { line: 1 },
            ),
        ] {
            assert_eq!(HeaderBlock::split(raw), Err(want.clone()), "{want}");
            assert!(!want.to_string().is_empty());
        }
    }

    #[test]
    fn folding_keeps_words_whole() {
        let mut out = Vec::new();
        let value = format!(
            "<https://u.example/u/{}>, <mailto:x@y.example>",
            "A".repeat(120)
        );
        write_folded(&mut out, "List-Unsubscribe", &value, LineEnding::CrLf).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            format!(
                "List-Unsubscribe: <https://u.example/u/{}>,\r\n <mailto:x@y.example>\r\n",
                "A".repeat(120)
            )
        );
        let mut out = Vec::new();
        write_folded(&mut out, "X", "short value", LineEnding::Lf).unwrap();
        assert_eq!(out, b"X: short value\n");
        assert!(matches!(
            write_folded(&mut Vec::new(), "X", &"a".repeat(998), LineEnding::CrLf),
            Err(FieldError::Unfoldable(_))
        ));
        assert!(matches!(
            write_folded(&mut Vec::new(), "X", "a\r\nBcc: x", LineEnding::CrLf),
            Err(FieldError::ControlInValue(_))
        ));
        assert!(matches!(
            write_folded(&mut Vec::new(), "X Y", "a", LineEnding::CrLf),
            Err(FieldError::BadName(_))
        ));
    }
}
