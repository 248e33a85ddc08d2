//! The IMAP4rev1 (RFC 3501) wire format, sans IO: framing a response (lines and literals),
//! parsing the responses this client uses, and encoding strings and folder names.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The longest response line accepted (a `SEARCH` over a very large folder stays well below).
const MAX_LINE: u64 = 8 * 1024 * 1024;

/// Reads one complete response: a line, and when it ends in a literal announcement `{n}`, the
/// `n` bytes and the rest of the response after them, repeatedly. Literals larger than
/// `max_literal` are refused before they are read.
pub(crate) async fn read_response<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max_literal: u64,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let start = out.len();
        let n = (&mut *reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut out)
            .await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        if out.last() != Some(&b'\n') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                if n as u64 >= MAX_LINE {
                    "response line too long"
                } else {
                    "the server closed the connection mid-line"
                },
            ));
        }
        match literal_announcement(&out[start..]) {
            None => return Ok(out),
            Some(len) if len > max_literal => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("literal of {len} bytes exceeds the limit of {max_literal}"),
                ));
            }
            Some(len) => {
                let at = out.len();
                let len = usize::try_from(len)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "literal too large"))?;
                out.resize(at + len, 0);
                reader.read_exact(&mut out[at..]).await?;
            }
        }
    }
}

/// `Some(n)` when the line ends with `{n}` or `{n+}` before its line break.
fn literal_announcement(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let line = line.strip_suffix(b"+").unwrap_or(line);
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Completion status of a command, or the state of an untagged status response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Ok,
    No,
    Bad,
    PreAuth,
    Bye,
}

/// The bracketed response codes this client reads (RFC 3501 §7.1, RFC 4315).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    UidValidity(u32),
    PermanentFlags(Vec<String>),
    Capability(Vec<String>),
    AppendUid { uid: u32 },
    ReadOnly,
    Other(String),
}

/// A value inside a FETCH or LIST response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Nil,
    Atom(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
}

impl Value {
    pub(crate) fn as_number(&self) -> Option<u64> {
        match self {
            Value::Atom(a) => a.parse().ok(),
            _ => None,
        }
    }
}

/// A parsed response. Untagged data this client has no use for is `Untagged::Other`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Response {
    Tagged {
        tag: String,
        status: Status,
        code: Option<Code>,
        text: String,
    },
    Continue,
    Untagged(Untagged),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Untagged {
    Status {
        status: Status,
        code: Option<Code>,
        text: String,
    },
    Capability(Vec<String>),
    Search(Vec<u32>),
    Fetch(Vec<(String, Value)>),
    List {
        attributes: Vec<String>,
        name: Vec<u8>,
    },
    Other,
}

/// Why a response could not be parsed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParseError(pub(crate) String);

pub(crate) fn parse_response(raw: &[u8]) -> Result<Response, ParseError> {
    let mut p = Parser { raw, pos: 0 };
    if p.eat(b"+") {
        return Ok(Response::Continue);
    }
    if p.eat(b"* ") {
        return p.untagged().map(Response::Untagged);
    }
    let tag = p.word();
    if tag.is_empty() || !p.eat(b" ") {
        return Err(p.error("expected a tag"));
    }
    let (status, code, text) = p.status_rest()?;
    Ok(Response::Tagged {
        tag,
        status,
        code,
        text,
    })
}

struct Parser<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> ParseError {
        let shown: String = String::from_utf8_lossy(&self.raw[..self.raw.len().min(120)])
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        ParseError(format!("{what} at byte {} of {shown:?}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.raw.get(self.pos).copied()
    }

    fn eat(&mut self, s: &[u8]) -> bool {
        if self.raw[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Bytes up to the next space or line end.
    fn word(&mut self) -> String {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b' ' || b == b'\r' || b == b'\n' {
                break;
            }
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.raw[start..self.pos]).into_owned()
    }

    /// The rest of the line, without its line break.
    fn rest_of_line(&mut self) -> String {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b'\r' || b == b'\n' {
                break;
            }
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.raw[start..self.pos]).into_owned()
    }

    fn untagged(&mut self) -> Result<Untagged, ParseError> {
        let first = self.word();
        if first.bytes().all(|b| b.is_ascii_digit()) && !first.is_empty() {
            self.eat(b" ");
            let kind = self.word().to_ascii_uppercase();
            if kind == "FETCH" {
                self.eat(b" ");
                return match self.value()? {
                    Value::List(items) => Ok(Untagged::Fetch(pairs(items))),
                    _ => Err(self.error("FETCH without a list")),
                };
            }
            return Ok(Untagged::Other);
        }
        match first.to_ascii_uppercase().as_str() {
            "OK" | "NO" | "BAD" | "PREAUTH" | "BYE" => {
                self.pos -= first.len();
                let (status, code, text) = self.status_rest()?;
                Ok(Untagged::Status { status, code, text })
            }
            "CAPABILITY" => Ok(Untagged::Capability(words(&self.rest_of_line()))),
            "SEARCH" => {
                let uids = self
                    .rest_of_line()
                    .split_ascii_whitespace()
                    .map(str::parse)
                    .collect::<Result<Vec<u32>, _>>()
                    .map_err(|_| self.error("SEARCH with a non-number"))?;
                Ok(Untagged::Search(uids))
            }
            "LIST" | "LSUB" => {
                self.eat(b" ");
                let attributes = match self.value()? {
                    Value::List(items) => items
                        .into_iter()
                        .filter_map(|v| match v {
                            Value::Atom(a) => Some(a),
                            _ => None,
                        })
                        .collect(),
                    _ => return Err(self.error("LIST without attributes")),
                };
                self.eat(b" ");
                let _delimiter = self.value()?;
                self.eat(b" ");
                let name = match self.value()? {
                    Value::Atom(a) => a.into_bytes(),
                    Value::Bytes(b) => b,
                    _ => return Err(self.error("LIST without a name")),
                };
                Ok(Untagged::List { attributes, name })
            }
            _ => Ok(Untagged::Other),
        }
    }

    /// `OK|NO|BAD|PREAUTH|BYE [SP "[" code "]"] [SP text]`.
    fn status_rest(&mut self) -> Result<(Status, Option<Code>, String), ParseError> {
        let status = match self.word().to_ascii_uppercase().as_str() {
            "OK" => Status::Ok,
            "NO" => Status::No,
            "BAD" => Status::Bad,
            "PREAUTH" => Status::PreAuth,
            "BYE" => Status::Bye,
            _ => return Err(self.error("expected OK, NO, BAD, PREAUTH or BYE")),
        };
        self.eat(b" ");
        let mut code = None;
        if self.peek() == Some(b'[') {
            let start = self.pos + 1;
            let Some(len) = self.raw[start..].iter().position(|&b| b == b']') else {
                return Err(self.error("unclosed response code"));
            };
            code = Some(parse_code(&String::from_utf8_lossy(
                &self.raw[start..start + len],
            )));
            self.pos = start + len + 1;
            self.eat(b" ");
        }
        Ok((status, code, self.rest_of_line()))
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some(b'(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    while self.eat(b" ") {}
                    if self.eat(b")") {
                        return Ok(Value::List(items));
                    }
                    if self.peek().is_none() {
                        return Err(self.error("unclosed list"));
                    }
                    items.push(self.value()?);
                }
            }
            Some(b'"') => {
                self.pos += 1;
                let mut out = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            self.pos += 1;
                            return Ok(Value::Bytes(out));
                        }
                        Some(b'\\') => {
                            self.pos += 1;
                            let Some(b) = self.peek() else {
                                return Err(self.error("unclosed quoted string"));
                            };
                            out.push(b);
                            self.pos += 1;
                        }
                        Some(b'\r' | b'\n') | None => {
                            return Err(self.error("unclosed quoted string"));
                        }
                        Some(b) => {
                            out.push(b);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some(b'{') => {
                let Some(close) = self.raw[self.pos..].iter().position(|&b| b == b'}') else {
                    return Err(self.error("unclosed literal length"));
                };
                let digits = String::from_utf8_lossy(&self.raw[self.pos + 1..self.pos + close]);
                let len: usize = digits
                    .trim_end_matches('+')
                    .parse()
                    .map_err(|_| self.error("bad literal length"))?;
                self.pos += close + 1;
                if !self.eat(b"\r\n") && !self.eat(b"\n") {
                    return Err(self.error("literal length not followed by a line break"));
                }
                let end = self.pos.checked_add(len).filter(|&e| e <= self.raw.len());
                let Some(end) = end else {
                    return Err(self.error("literal shorter than announced"));
                };
                let bytes = self.raw[self.pos..end].to_vec();
                self.pos = end;
                Ok(Value::Bytes(bytes))
            }
            Some(_) => {
                // An atom; brackets may enclose spaces (`BODY[HEADER.FIELDS (TO)]`).
                let start = self.pos;
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'[' => depth += 1,
                        b']' => depth = depth.saturating_sub(1),
                        b' ' | b'(' | b')' if depth == 0 => break,
                        b'\r' | b'\n' => break,
                        _ => {}
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.error("expected a value"));
                }
                let atom = String::from_utf8_lossy(&self.raw[start..self.pos]).into_owned();
                Ok(if atom.eq_ignore_ascii_case("NIL") {
                    Value::Nil
                } else {
                    Value::Atom(atom)
                })
            }
            None => Err(self.error("expected a value")),
        }
    }
}

/// FETCH data items come as `name value name value …`; names are upper-cased.
fn pairs(items: Vec<Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut it = items.into_iter();
    while let (Some(name), Some(value)) = (it.next(), it.next()) {
        if let Value::Atom(name) = name {
            out.push((name.to_ascii_uppercase(), value));
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split_ascii_whitespace().map(str::to_owned).collect()
}

fn parse_code(code: &str) -> Code {
    let (name, rest) = code.split_once(' ').unwrap_or((code, ""));
    match name.to_ascii_uppercase().as_str() {
        "UIDVALIDITY" => rest
            .trim()
            .parse()
            .map_or_else(|_| Code::Other(code.to_owned()), Code::UidValidity),
        "PERMANENTFLAGS" => Code::PermanentFlags(words(rest.trim_matches(['(', ')']))),
        "CAPABILITY" => Code::Capability(words(rest)),
        "APPENDUID" => match rest.split_ascii_whitespace().nth(1).map(str::parse) {
            Some(Ok(uid)) => Code::AppendUid { uid },
            _ => Code::Other(code.to_owned()),
        },
        "READ-ONLY" => Code::ReadOnly,
        _ => Code::Other(code.to_owned()),
    }
}

/// An IMAP quoted string. Callers have refused CR, LF and NUL already; other bytes (UTF-8
/// included, which servers accept in practice) pass through with `\` and `"` escaped.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A folder name as sent on the wire: modified UTF-7 (RFC 3501 §5.1.3), quoted.
pub(crate) fn mailbox(name: &str) -> String {
    quoted(&modified_utf7(name))
}

/// RFC 3501 §5.1.3: printable ASCII stays (`&` becomes `&-`); runs of anything else become
/// `&` + modified base64 of their UTF-16BE + `-`.
pub(crate) fn modified_utf7(name: &str) -> String {
    fn flush(run: &mut Vec<u16>, out: &mut String) {
        if run.is_empty() {
            return;
        }
        let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&base64(&bytes, b',', false));
        out.push('-');
        run.clear();
    }
    let mut out = String::with_capacity(name.len());
    let mut run = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Base64 with `+` and the given 64th character, padded or not (standard: `/`, padded).
pub(crate) fn base64(bytes: &[u8], last: u8, pad: bool) -> String {
    const FIRST: &[u8; 63] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+";
    let sym = |i: u32| -> char {
        let i = (i & 63) as usize;
        char::from(if i == 63 { last } else { FIRST[i] })
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        let symbols = chunk.len() + 1;
        for i in 0..4 {
            if i < symbols {
                out.push(sym(n >> (18 - 6 * i)));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// A UID set for a command: consecutive runs collapse to `a:b`.
pub(crate) fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_literals() {
        let wire = b"* 1 FETCH (UID 7 BODY[] {5}\r\nab\r\nc)\r\nA1 OK done\r\n";
        let mut reader = &wire[..];
        let first = read_response(&mut reader, 100).await.unwrap();
        assert_eq!(first, b"* 1 FETCH (UID 7 BODY[] {5}\r\nab\r\nc)\r\n");
        let second = read_response(&mut reader, 100).await.unwrap();
        assert_eq!(second, b"A1 OK done\r\n");
        let mut reader = &wire[..];
        assert!(read_response(&mut reader, 4).await.is_err());
    }

    #[test]
    fn parses_fetch_with_literal() {
        let raw = b"* 1 FETCH (UID 7 RFC822.SIZE 5 BODY[] {5}\r\nab\r\nc)\r\n";
        let Ok(Response::Untagged(Untagged::Fetch(items))) = parse_response(raw) else {
            panic!("not a fetch");
        };
        assert_eq!(items[0], ("UID".into(), Value::Atom("7".into())));
        assert_eq!(items[1].1.as_number(), Some(5));
        assert_eq!(
            items[2],
            ("BODY[]".into(), Value::Bytes(b"ab\r\nc".to_vec()))
        );
    }

    #[test]
    fn parses_status_codes() {
        let raw = b"* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] Flags permitted.\r\n";
        assert_eq!(
            parse_response(raw),
            Ok(Response::Untagged(Untagged::Status {
                status: Status::Ok,
                code: Some(Code::PermanentFlags(vec![
                    "\\Seen".into(),
                    "\\Deleted".into(),
                    "\\*".into()
                ])),
                text: "Flags permitted.".into(),
            }))
        );
        let raw = b"A3 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n";
        let Ok(Response::Tagged {
            tag, status, text, ..
        }) = parse_response(raw)
        else {
            panic!("not tagged");
        };
        assert_eq!(
            (tag.as_str(), status, text.as_str()),
            ("A3", Status::No, "Authentication failed.")
        );
        let raw = b"A4 OK [APPENDUID 1795379896 12] Append completed.\r\n";
        assert!(matches!(
            parse_response(raw),
            Ok(Response::Tagged {
                code: Some(Code::AppendUid { uid: 12 }),
                ..
            })
        ));
        let raw = b"* OK [UIDVALIDITY 1795379896] UIDs valid\r\n";
        assert!(matches!(
            parse_response(raw),
            Ok(Response::Untagged(Untagged::Status {
                code: Some(Code::UidValidity(1795379896)),
                ..
            }))
        ));
    }

    #[test]
    fn parses_search_and_list() {
        assert_eq!(
            parse_response(b"* SEARCH 3 10 4\r\n"),
            Ok(Response::Untagged(Untagged::Search(vec![3, 10, 4])))
        );
        assert_eq!(
            parse_response(b"* SEARCH\r\n"),
            Ok(Response::Untagged(Untagged::Search(vec![])))
        );
        assert_eq!(
            parse_response(b"* LIST (\\HasNoChildren) \".\" \"Veto \\\"done\\\"\"\r\n"),
            Ok(Response::Untagged(Untagged::List {
                attributes: vec!["\\HasNoChildren".into()],
                name: b"Veto \"done\"".to_vec(),
            }))
        );
        assert_eq!(
            parse_response(b"* LIST () NIL INBOX\r\n"),
            Ok(Response::Untagged(Untagged::List {
                attributes: vec![],
                name: b"INBOX".to_vec()
            }))
        );
    }

    #[test]
    fn refuses_garbage() {
        assert!(parse_response(b"\r\n").is_err());
        assert!(parse_response(b"A1 MAYBE\r\n").is_err());
        assert!(parse_response(b"* 1 FETCH (UID 7 BODY[] {50}\r\nab)\r\n").is_err());
        assert!(parse_response(b"* 1 FETCH (UID 7\r\n").is_err());
    }

    #[test]
    fn encodes_folder_names() {
        // RFC 3501 §5.1.3's example.
        assert_eq!(
            modified_utf7("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(modified_utf7("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(mailbox("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn base64_matches_rfc4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes(), b'/', true), encoded);
        }
        assert_eq!(base64(&[0xff, 0xff, 0xff], b'/', true), "////");
    }

    #[test]
    fn uid_sets_collapse_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[4]), "4");
    }
}
