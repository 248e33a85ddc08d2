//! Reading a reply: raw RFC 5322 bytes → subject, date, headers and the body as plain text.
//!
//! The body is the first `text/plain` part; a message with only HTML gets its first HTML part
//! converted to text here ([`html_to_text`]) so that quoted history (`<blockquote>`) keeps a
//! `> ` prefix the quote stripper recognises. Charsets and transfer encodings are decoded by
//! `mail-parser`.

use mail_parser::{MessageParser, MimeHeaders};

use crate::ParseError;

/// Messages larger than this are refused with [`ParseError::TooLarge`]: a reply to a sales
/// e-mail is a few kilobytes; attachments beyond this size say nothing about its class.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// Body text beyond this many bytes is ignored (the new text of a reply is at the top).
pub const MAX_BODY_CHARS: usize = 256 * 1024;

/// The parts of a reply the classifier reads.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The decoded `Subject`, empty when absent.
    pub subject: String,
    /// The date of the `Date` header in the sender's own time zone, with that zone's offset
    /// from UTC in minutes.
    pub date: Option<(time::Date, i32)>,
    /// Every header as (lower-case name, raw value with folding removed).
    pub headers: Vec<(String, String)>,
    /// The sender's address, lower-cased.
    pub from: String,
    /// The body as plain text, decoded.
    pub body: String,
    /// The message is (or carries) a delivery status notification (`multipart/report;
    /// report-type=delivery-status` or a `message/delivery-status` part).
    pub delivery_report: bool,
}

impl Reply {
    /// The raw value of the first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses raw message bytes into a [`Reply`].
pub fn parse(raw: &[u8]) -> Result<Reply, ParseError> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge {
            bytes: raw.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotAMessage)?;
    let headers: Vec<(String, String)> = msg
        .headers_raw()
        .map(|(n, v)| {
            (
                n.to_ascii_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    if headers.is_empty() {
        return Err(ParseError::NotAMessage);
    }
    let subject = msg.subject().unwrap_or_default().trim().to_string();
    let date = msg.date().and_then(|d| {
        let month = time::Month::try_from(d.month).ok()?;
        let date = time::Date::from_calendar_date(i32::from(d.year), month, d.day).ok()?;
        let minutes = i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute);
        Some((date, if d.tz_before_gmt { -minutes } else { minutes }))
    });
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let delivery_report = msg.parts.iter().any(|p| {
        p.content_type().is_some_and(|ct| {
            let (t, s) = (ct.ctype(), ct.subtype().unwrap_or_default());
            (t.eq_ignore_ascii_case("multipart")
                && s.eq_ignore_ascii_case("report")
                && ct
                    .attribute("report-type")
                    .is_some_and(|r| r.to_ascii_lowercase().contains("delivery-status")))
                || (t.eq_ignore_ascii_case("message")
                    && (s.eq_ignore_ascii_case("delivery-status")
                        || s.eq_ignore_ascii_case("global-delivery-status")))
        })
    });
    let body = match msg.text_part(0) {
        Some(part) if !part.is_text_html() => part.text_contents().unwrap_or_default().to_string(),
        Some(part) => html_to_text(part.text_contents().unwrap_or_default()),
        None => msg
            .html_part(0)
            .and_then(|p| p.text_contents())
            .map(html_to_text)
            .unwrap_or_default(),
    };
    Ok(Reply {
        subject,
        date,
        headers,
        from,
        body: truncate(body, MAX_BODY_CHARS),
        delivery_report,
    })
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Converts an HTML body to plain text: block elements and `<br>` end lines, `<head>`,
/// `<style>` and `<script>` are dropped, entities are decoded, and every line inside a
/// `<blockquote>` is prefixed with `> ` (one per nesting level) as a plain-text client would
/// quote it.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut line = String::new();
    let mut depth = 0usize;
    let mut skip: Option<&'static str> = None;
    let mut rest = html;
    let flush = |line: &mut String, out: &mut String, depth: usize| {
        let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if depth > 0 {
            out.push_str(&"> ".repeat(depth));
        }
        out.push_str(&text);
        out.push('\n');
        line.clear();
    };
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip.is_none() {
                line.push_str(&decode_entities(rest));
            }
            break;
        };
        if skip.is_none() && lt > 0 {
            line.push_str(&decode_entities(&rest[..lt]));
        }
        let tag_src = &rest[lt..];
        if tag_src.starts_with("<!--") {
            rest = match tag_src.find("-->") {
                Some(end) => &tag_src[end + 3..],
                None => "",
            };
            continue;
        }
        let Some(gt) = tag_src.find('>') else { break };
        let tag = &tag_src[1..gt];
        rest = &tag_src[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(skipped) = skip {
            if closing && name == skipped {
                skip = None;
            }
            continue;
        }
        match name.as_str() {
            "head" | "style" | "script" | "title" | "template" if !closing => {
                skip = Some(match name.as_str() {
                    "head" => "head",
                    "style" => "style",
                    "script" => "script",
                    "title" => "title",
                    _ => "template",
                });
            }
            "blockquote" => {
                if !line.trim().is_empty() {
                    flush(&mut line, &mut out, depth);
                }
                depth = if closing {
                    depth.saturating_sub(1)
                } else {
                    depth + 1
                };
            }
            "br" => flush(&mut line, &mut out, depth),
            "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr"
            | "table" | "ul" | "ol" | "pre"
                if !line.trim().is_empty() =>
            {
                flush(&mut line, &mut out, depth)
            }
            _ => {}
        }
    }
    if !line.trim().is_empty() {
        flush(&mut line, &mut out, depth);
    }
    out
}

/// Named entities beyond the XML five that mail clients write for the languages we read.
const NAMED: &[(&str, char)] = &[
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("aacute", 'á'),
    ("agrave", 'à'),
    ("acirc", 'â'),
    ("atilde", 'ã'),
    ("auml", 'ä'),
    ("aring", 'å'),
    ("ccedil", 'ç'),
    ("iacute", 'í'),
    ("igrave", 'ì'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ograve", 'ò'),
    ("ocirc", 'ô'),
    ("otilde", 'õ'),
    ("ouml", 'ö'),
    ("uacute", 'ú'),
    ("ugrave", 'ù'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
    ("Eacute", 'É'),
    ("Egrave", 'È'),
    ("Agrave", 'À'),
    ("Ccedil", 'Ç'),
    ("Auml", 'Ä'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
    ("Ntilde", 'Ñ'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("ldquo", '\u{201C}'),
    ("rdquo", '\u{201D}'),
    ("bdquo", '\u{201E}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("hellip", '\u{2026}'),
    ("euro", '€'),
    ("copy", '©'),
    ("reg", '®'),
    ("deg", '°'),
    ("ordm", 'º'),
    ("ordf", 'ª'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("middot", '·'),
    ("shy", '\u{AD}'),
];

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.replace(['\r', '\n'], " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks_become_lines_and_quotes_get_prefixed() {
        let html = "<html><head><style>p{x}</style></head><body><div>Yes,&nbsp;let&#39;s talk</div>\
                    <div><br></div><div class=gmail_quote>On Mon wrote:<blockquote><p>Reply STOP</p>\
                    <blockquote>deeper</blockquote></blockquote></div></body></html>";
        let text = html_to_text(html);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines,
            [
                "Yes, let's talk",
                "On Mon wrote:",
                "> Reply STOP",
                "> > deeper"
            ]
        );
    }

    #[test]
    fn broken_html_does_not_panic() {
        for s in [
            "<",
            "<div",
            "&#xZZ;",
            "&#99999999;",
            "<!-- x",
            "a<b>c</",
            "&",
        ] {
            let _ = html_to_text(s);
        }
    }

    #[test]
    fn rejects_empty_and_garbage() {
        assert!(matches!(parse(b""), Err(ParseError::Empty)));
        assert!(matches!(parse(b"  \r\n"), Err(ParseError::Empty)));
        assert!(parse(b"\xff\xfe\x00garbage").is_err() || parse(b"\xff\xfe\x00garbage").is_ok());
    }
}
