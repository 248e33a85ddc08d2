//! Reading SMTP facts out of free text: enhanced status codes (RFC 3463), reply codes
//! (RFC 5321) and the SMTP command a server was answering when it refused.

/// The SMTP stage a refusal happened at, as far as the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Command {
    /// The greeting or the connection itself.
    Connect,
    /// `HELO` / `EHLO`.
    Helo,
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO`.
    Rcpt,
    /// `DATA` or the end of the data.
    Data,
}

/// A multi-line reply kept on one line (`550-5.2.1 The user ... 550-5.2.1 prevents ...
/// 550 5.2.1 https://...`): the continuation lines' reply and status codes are dropped so
/// that the reply's sentences read whole.
pub fn fold_continuations(text: &str) -> String {
    let head = text.trim_start();
    let code_len = head.bytes().take_while(u8::is_ascii_digit).count();
    if code_len != 3 || !matches!(head.as_bytes().get(3), Some(b'-' | b' ')) {
        return text.to_string();
    }
    let code = &head[..3];
    let after = &head[4..];
    let status = find_status(after).filter(|st| after.starts_with(st.as_str()));
    let mut markers = vec![format!(" {code}-"), format!(" {code} ")];
    if let Some(st) = &status {
        markers.insert(0, format!(" {code} {st} "));
        markers.insert(0, format!(" {code}-{st} "));
    }
    let mut out = text.to_string();
    for m in &markers {
        let first = out.find(code).map_or(0, |at| at + 3);
        let (keep, rest) = out.split_at(first);
        let rest = rest.replace(m.as_str(), " ");
        out = format!("{keep}{rest}");
    }
    out
}

/// The first enhanced status code (`5.1.1`, `4.7.0`, `2.0.0`) in a text.
pub fn find_status(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'2' | b'4' | b'5')
            && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.'))
            && b.get(i + 1) == Some(&b'.')
            && let Some(end) = status_tail(b, i + 2)
        {
            return text.get(i..end).map(str::to_string);
        }
        i += 1;
    }
    None
}

/// After `C.`: `S.D` with 1–3 digits each; returns the end offset.
fn status_tail(b: &[u8], start: usize) -> Option<usize> {
    let subject = digits(b, start)?;
    if b.get(subject) != Some(&b'.') {
        return None;
    }
    let detail = digits(b, subject + 1)?;
    // Not part of a longer dotted number (an IP address or a version).
    match b.get(detail) {
        Some(c) if c.is_ascii_digit() => None,
        Some(b'.') if b.get(detail + 1).is_some_and(u8::is_ascii_digit) => None,
        _ => Some(detail),
    }
}

fn digits(b: &[u8], start: usize) -> Option<usize> {
    let mut end = start;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    (end > start && end - start <= 3).then_some(end)
}

/// Chooses between the DSN's `Status:` field and the code found in the remote reply, the way
/// Sisimai's `status.Prefer` does (BSD 2-Clause): the one whose class agrees with the reply
/// code; otherwise the field, unless it is vaguer (`X.0.0`, `X.Y.0`, `4.4.7`, `4.7.0`, `5.3.Z`,
/// `X.5.{1,2,4,5}`) than the reply's code.
pub fn prefer_status(
    field: Option<&str>,
    in_reply: Option<&str>,
    reply: Option<u16>,
) -> Option<String> {
    let (field, found) = match (field, in_reply) {
        (None, f) => return f.map(str::to_string),
        (Some(s), None) => return Some(s.to_string()),
        (Some(s), Some(f)) => (s, f),
    };
    if field.len() < 5 {
        return Some(found.to_string());
    }
    if found.len() < 5 {
        return Some(field.to_string());
    }
    let class = |s: &str| s.as_bytes().first().copied();
    if let Some(r) = reply.and_then(|r| r.to_string().bytes().next())
        && class(field) != class(found)
    {
        if Some(r) == class(field) {
            return Some(field.to_string());
        }
        if Some(r) == class(found) {
            return Some(found.to_string());
        }
    }
    if field == found {
        return Some(field.to_string());
    }
    let pick_found = if field.contains(".0.0") {
        !found.contains(".0.0")
    } else if field.contains(".0") && !found.contains(".0") {
        true
    } else if found.contains(".0.0") {
        false
    } else if matches!(field, "4.4.7" | "4.7.0")
        || field.starts_with("5.3.")
        || [".5.1", ".5.2", ".5.4", ".5.5"]
            .iter()
            .any(|p| field.get(1..).is_some_and(|t| t.starts_with(p)))
    {
        true
    } else if field == "5.1.1" {
        !(found.contains(".0") || found.starts_with("5.5."))
    } else {
        field == "5.1.3" && found.starts_with("5.7.")
    };
    Some(if pick_found { found } else { field }.to_string())
}

/// The first SMTP reply code (`550`, `421`, `250`) standing on its own in a text.
pub fn find_reply_code(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 3 <= b.len() {
        if matches!(b[i], b'2' | b'4' | b'5')
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && (i == 0
                || matches!(
                    b[i - 1],
                    b' ' | b'\t' | b'(' | b':' | b'"' | b'[' | b'\n' | b'<' | b'#'
                ))
            && (i + 3 == b.len()
                || matches!(
                    b[i + 3],
                    b' ' | b'-' | b'\t' | b')' | b'\n' | b'\r' | b'"' | b',' | b']'
                ))
            && !followed_by_unit(b, i + 3)
        {
            let code = u16::from(b[i] - b'0') * 100
                + u16::from(b[i + 1] - b'0') * 10
                + u16::from(b[i + 2] - b'0');
            // 2xx only counts at the very start (a delivered notice), never in prose.
            if b[i] != b'2' || i == 0 {
                return Some(code);
            }
        }
        i += 1;
    }
    None
}

/// `552 bytes`, `400 seconds`: a number with a unit is no reply code.
fn followed_by_unit(b: &[u8], at: usize) -> bool {
    let rest = b.get(at..).unwrap_or_default();
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    [
        &b"bytes"[..],
        b"byte",
        b"kb",
        b"mb",
        b"seconds",
        b"second",
        b"minutes",
        b"hours",
        b"days",
        b"messages",
        b"recipients",
    ]
    .iter()
    .any(|u| rest.len() >= u.len() && rest[..u.len()].eq_ignore_ascii_case(u))
}

/// The SMTP command a refusal answered, from phrases such as Postfix's
/// "(in reply to RCPT TO command)" or Exim's "after RCPT TO:".
pub fn find_command(text: &str) -> Option<Command> {
    let lower = text.to_ascii_lowercase();
    // Ordered: the most specific phrases first.
    const PHRASES: &[(&str, Command)] = &[
        ("in reply to rcpt to", Command::Rcpt),
        ("after rcpt to", Command::Rcpt),
        ("rcpt to:", Command::Rcpt),
        ("rcpt to command", Command::Rcpt),
        ("for rcpt to response", Command::Rcpt),
        ("[rcpt_to]", Command::Rcpt),
        ("in reply to mail from", Command::Mail),
        ("after mail from", Command::Mail),
        ("mail from command", Command::Mail),
        ("in reply to end of data", Command::Data),
        ("after end of data", Command::Data),
        ("in reply to data", Command::Data),
        ("after data", Command::Data),
        ("our final data", Command::Data),
        ("end of data", Command::Data),
        ("in reply to helo", Command::Helo),
        ("in reply to ehlo", Command::Helo),
        ("after helo", Command::Helo),
        ("after ehlo", Command::Helo),
        ("after initial connection", Command::Connect),
        ("while connected to", Command::Connect),
        ("greeting", Command::Connect),
        ("in reply to mail", Command::Mail),
        // qmail: "192.0.2.1 does not like recipient."
        ("does not like recipient", Command::Rcpt),
        ("does not like sender", Command::Mail),
        (" but sender was rejected", Command::Mail),
        (" but my name was rejected", Command::Helo),
        (" but greeting failed", Command::Connect),
        (" failed on data command", Command::Data),
        (" failed after i sent the message", Command::Data),
    ];
    PHRASES
        .iter()
        .find(|(p, _)| lower.contains(p))
        .map(|(_, c)| *c)
        .or_else(|| command_word(text))
}

/// An SMTP command written as a word of its own in upper case (a session transcript's
/// `>>> RCPT To:<a@b>`, `SMTP:RCPT host …`). Of several, the latest stage counts, as in
/// Sisimai's `smtp/command` reading.
fn command_word(text: &str) -> Option<Command> {
    // In the order of the session; the last one found wins.
    const WORDS: &[(&str, Command)] = &[
        ("HELO", Command::Helo),
        ("EHLO", Command::Helo),
        ("MAIL F", Command::Mail),
        ("RCPT", Command::Rcpt),
        ("DATA", Command::Data),
    ];
    let b = text.as_bytes();
    let mut found = None;
    for (word, command) in WORDS {
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|t| t.find(word)) {
            let start = from + at;
            let end = start + word.len();
            from = end;
            let before = start.checked_sub(1).and_then(|i| b.get(i));
            let after = b.get(end);
            let glued = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'@');
            // "MAIL F" ends inside a word ("MAIL FROM"); the others stand alone.
            if glued(before) || (!word.contains(' ') && glued(after)) {
                continue;
            }
            found = Some(*command);
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(
            find_status("550 5.1.1 <a@b>... User Unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(find_status("(#5.5.0)").as_deref(), Some("5.5.0"));
        assert_eq!(find_status("host 192.0.2.153 said").as_deref(), None);
        assert_eq!(find_status("Status: 4.4.7.").as_deref(), Some("4.4.7"));
        assert_eq!(
            find_status("5.7.509 Access denied").as_deref(),
            Some("5.7.509")
        );
        assert_eq!(find_status("version 5.1.12.3").as_deref(), None);
    }

    #[test]
    fn reply_codes() {
        assert_eq!(
            find_reply_code("host mx [192.0.2.1]: 550 5.1.1 unknown"),
            Some(550)
        );
        assert_eq!(
            find_reply_code("said: 452-4.2.2 The email account"),
            Some(452)
        );
        assert_eq!(find_reply_code("message of 552 bytes"), None);
        assert_eq!(find_reply_code("192.0.2.250 refused"), None);
        assert_eq!(find_reply_code("250 2.0.0 OK"), Some(250));
    }

    #[test]
    fn commands() {
        assert_eq!(
            find_command("(in reply to RCPT TO command)"),
            Some(Command::Rcpt)
        );
        assert_eq!(
            find_command("SMTP error from remote mail server after MAIL FROM:<a@b>"),
            Some(Command::Mail)
        );
        assert_eq!(
            find_command("did not like our final DATA:"),
            Some(Command::Data)
        );
        assert_eq!(find_command("User unknown"), None);
    }

    #[test]
    fn continuation_codes_are_folded() {
        assert_eq!(
            fold_continuations(
                "550-5.2.1 The user is receiving mail at a rate that 550-5.2.1 prevents additional messages 550 5.2.1 https://x"
            ),
            "550-5.2.1 The user is receiving mail at a rate that prevents additional messages https://x"
        );
        assert_eq!(fold_continuations("User unknown 550"), "User unknown 550");
    }
}
