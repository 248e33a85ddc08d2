//! A flat view of a parsed message for the classifiers: its top-level headers, the
//! human-readable report text, any machine-readable report parts, and the headers of the
//! original message it returns.

use mail_parser::{Address, Header, HeaderValue, Message, MessagePart, MimeHeaders, PartType};

/// What the classifiers need from one message.
#[derive(Debug, Default)]
pub struct MessageView {
    /// Top-level headers: lower-case name, unfolded value (decoded where mail-parser decodes).
    pub headers: Vec<(String, String)>,
    /// The decoded `Subject`.
    pub subject: String,
    /// The `From` address, lower-case.
    pub from_address: String,
    /// The `From` display name and address, as one lower-case string.
    pub from_full: String,
    /// The `To` addresses, lower-case.
    pub to_addresses: Vec<String>,
    /// `Message-ID` without brackets.
    pub message_id: Option<String>,
    /// Bodies of `message/delivery-status` parts.
    pub delivery_status: Vec<String>,
    /// Body of a `message/feedback-report` part.
    pub feedback_report: Option<String>,
    /// The human-readable text (text/plain parts, else text/html reduced to text) that comes
    /// before the returned message.
    pub report_text: String,
    /// The returned original message's headers, when attached as a part.
    pub original: Option<OriginalHeaders>,
    /// The content type of the whole message, lower-case (`multipart/report`).
    pub content_type: String,
    /// The `report-type` parameter of a `multipart/report`.
    pub report_type: Option<String>,
}

/// Headers of the returned original message.
#[derive(Debug, Default, Clone)]
pub struct OriginalHeaders {
    /// `Message-ID`, without brackets.
    pub message_id: Option<String>,
    /// `To` addresses, lower-case.
    pub to: Vec<String>,
    /// `From` address, lower-case.
    pub from: Option<String>,
    /// Every header, lower-case name and value.
    pub headers: Vec<(String, String)>,
}

impl OriginalHeaders {
    /// The first value of a header.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl MessageView {
    /// The first value of a top-level header (name lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a top-level header (name lower-case).
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Builds the view of a parsed message.
    pub fn new(msg: &Message<'_>) -> Self {
        let root = msg.root_part();
        let mut view = MessageView {
            headers: header_list(&root.headers),
            subject: msg.subject().unwrap_or_default().to_string(),
            message_id: msg.message_id().map(str::to_string),
            to_addresses: addresses(msg.to()),
            ..MessageView::default()
        };
        if let Some(from) = msg.from().and_then(|a| a.first()) {
            view.from_address = from.address().unwrap_or_default().to_lowercase();
            view.from_full = format!(
                "{} {}",
                from.name().unwrap_or_default(),
                from.address().unwrap_or_default()
            )
            .to_lowercase();
        } else if let Some(raw) = view.header("from") {
            view.from_full = raw.to_lowercase();
        }
        if let Some(ct) = root.content_type() {
            view.content_type =
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()).to_ascii_lowercase();
            view.report_type = ct.attribute("report-type").map(str::to_ascii_lowercase);
        }

        let mut html = String::new();
        let mut seen_original = false;
        for part in &msg.parts {
            let (ctype, subtype) = part
                .content_type()
                .map(|ct| {
                    (
                        ct.ctype().to_ascii_lowercase(),
                        ct.subtype().unwrap_or_default().to_ascii_lowercase(),
                    )
                })
                .unwrap_or_else(|| ("text".into(), "plain".into()));
            match (&part.body, ctype.as_str(), subtype.as_str()) {
                (PartType::Multipart(_), _, _) => {}
                (PartType::Message(inner), _, _) => {
                    if view.original.is_none() {
                        view.original = Some(original_of(inner));
                    }
                    seen_original = true;
                }
                (_, "message" | "text", "delivery-status" | "global-delivery-status") => {
                    view.delivery_status.push(body_text(part));
                }
                (_, "message", "feedback-report") => {
                    view.feedback_report = Some(body_text(part));
                }
                (_, "text" | "message", s) if s.starts_with("rfc822-header") || s == "rfc822" => {
                    if view.original.is_none() {
                        view.original = Some(original_from_text(&body_text(part)));
                    }
                    seen_original = true;
                }
                (PartType::Text(text), _, _) if !seen_original => {
                    if !view.report_text.is_empty() {
                        view.report_text.push('\n');
                    }
                    view.report_text.push_str(text);
                }
                (PartType::Html(text), _, _) if !seen_original => {
                    html.push_str(&mail_parser::decoders::html::html_to_text(text));
                    html.push('\n');
                }
                _ => {}
            }
        }
        if view.report_text.trim().is_empty() {
            view.report_text = html;
        }
        if view.report_text.trim().is_empty() && view.delivery_status.is_empty() {
            // A broken MIME structure (a part header folded wrongly) leaves no readable part:
            // the raw body is the report.
            let raw = msg.raw_message();
            let body = raw
                .get(root.offset_body as usize..)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            view.report_text = body;
        }
        view
    }
}

/// A part's body as text, whatever mail-parser made of it.
fn body_text(part: &MessagePart<'_>) -> String {
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.to_string(),
        PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b).into_owned(),
        PartType::Message(m) => String::from_utf8_lossy(m.raw_message()).into_owned(),
        PartType::Multipart(_) => String::new(),
    }
}

fn addresses(addr: Option<&Address<'_>>) -> Vec<String> {
    addr.map(|a| {
        a.iter()
            .filter_map(|x| x.address())
            .map(str::to_lowercase)
            .collect()
    })
    .unwrap_or_default()
}

/// Header name and a flat text value.
fn header_list(headers: &[Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| (h.name.as_str().to_ascii_lowercase(), value_text(&h.value)))
        .collect()
}

fn value_text(value: &HeaderValue<'_>) -> String {
    match value {
        HeaderValue::Text(t) => t.to_string(),
        HeaderValue::TextList(list) => list.join(", "),
        HeaderValue::Address(a) => a
            .iter()
            .map(|x| match (x.name(), x.address()) {
                (Some(n), Some(ad)) => format!("{n} <{ad}>"),
                (None, Some(ad)) => ad.to_string(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        HeaderValue::ContentType(ct) => {
            let mut s = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
            for a in ct.attributes().unwrap_or_default() {
                s.push_str(&format!("; {}={}", a.name, a.value));
            }
            s
        }
        HeaderValue::DateTime(d) => d.to_rfc3339(),
        // The hosts a `Received:` names ("from X by Y"), for the remote-host rules.
        HeaderValue::Received(r) => {
            let mut hosts = Vec::new();
            if let Some(h) = r.from() {
                hosts.push(h.to_string());
            }
            if let Some(h) = r.from_iprev() {
                hosts.push(h.to_string());
            }
            if let Some(h) = r.by() {
                hosts.push(h.to_string());
            }
            hosts.join(" ")
        }
        HeaderValue::Empty => String::new(),
    }
}

fn original_of(inner: &Message<'_>) -> OriginalHeaders {
    OriginalHeaders {
        message_id: inner.message_id().map(str::to_string),
        to: addresses(inner.to()),
        from: inner
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_lowercase),
        headers: header_list(&inner.root_part().headers),
    }
}

/// Parses a text/rfc822-headers body (or an inline copy of the original) for its headers.
pub fn original_from_text(text: &str) -> OriginalHeaders {
    match mail_parser::MessageParser::default().parse_headers(text.as_bytes()) {
        Some(m) => original_of(&m),
        None => OriginalHeaders::default(),
    }
}
