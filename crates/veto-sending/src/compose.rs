//! A sequence step's message: RFC 5322 with CR LF line endings, non-ASCII subjects and
//! display names encoded per RFC 2047, bodies quoted-printable or base64 when their bytes or
//! line lengths need it (no line over 998 octets), `multipart/alternative` when there is an
//! HTML body. The MIME writing is `mail-builder`'s; this module checks every value first, so
//! a line break in a subject or a header name with a space is an error, never a header
//! injection.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use veto_domain::Timestamp;
use veto_domain::email::EmailAddress;

use crate::header::{FieldError, check_name};
use crate::list_unsubscribe::{ListUnsubscribe, ONE_CLICK_POST};

/// A display name and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: EmailAddress,
}

impl Mailbox {
    pub fn new(name: Option<&str>, address: EmailAddress) -> Self {
        Self {
            name: name.map(str::to_string),
            address,
        }
    }
}

/// Everything a sequence step's message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepMessage {
    pub from: Mailbox,
    pub to: Mailbox,
    /// Where replies go when not to `from` (a shared inbox, a reply-tracking address).
    pub reply_to: Option<Mailbox>,
    /// One line; a rendered template subject already is (see `template`).
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// `<id@domain>` (as `message_id::new_message_id` makes it); brackets optional.
    pub message_id: String,
    pub date: Timestamp,
    /// The Message-ID of the previous step, so the step threads under it.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub list_unsubscribe: Option<ListUnsubscribe>,
    /// More fields (`X-…`, `Precedence`, …). Fields this module writes itself are refused.
    pub extra_headers: Vec<(String, String)>,
}

/// Why a message could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("the subject contains a line break or another control character")]
    SubjectControl,
    #[error("the display name of {0} contains a line break or another control character")]
    NameControl(&'static str),
    #[error("the {which} {value:?} is not a message id (<left@right>, printable ASCII)")]
    BadMessageId { which: &'static str, value: String },
    #[error("header {0} is written by the composer and cannot be given as an extra header")]
    ReservedHeader(String),
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// Fields the composer writes; an extra header of the same name would duplicate one.
const RESERVED: [&str; 16] = [
    "From",
    "To",
    "Cc",
    "Bcc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "DKIM-Signature",
];

/// The message's bytes, ready to sign and send.
pub fn compose(m: &StepMessage) -> Result<Vec<u8>, ComposeError> {
    if has_control(&m.subject) {
        return Err(ComposeError::SubjectControl);
    }
    let message_id = bare_id(&m.message_id, "Message-ID")?;
    let in_reply_to = m
        .in_reply_to
        .as_deref()
        .map(|i| bare_id(i, "In-Reply-To"))
        .transpose()?;
    let references = m
        .references
        .iter()
        .map(|r| bare_id(r, "References id"))
        .collect::<Result<Vec<_>, _>>()?;

    let mut b = MessageBuilder::new()
        .from(mailbox(&m.from, "From")?)
        .to(mailbox(&m.to, "To")?);
    if let Some(r) = &m.reply_to {
        b = b.reply_to(mailbox(r, "Reply-To")?);
    }
    b = b
        .subject(Text::new(m.subject.as_str()))
        .date(Date::new(m.date.unix_timestamp()))
        .message_id(MessageId::new(message_id));
    if let Some(i) = in_reply_to {
        b = b.in_reply_to(MessageId::new(i));
    }
    if !references.is_empty() {
        b = b.references(MessageId::new_list(references.into_iter()));
    }
    if let Some(l) = &m.list_unsubscribe {
        b = b.header("List-Unsubscribe", Raw::new(l.value()));
        if l.one_click() {
            b = b.header("List-Unsubscribe-Post", Raw::new(ONE_CLICK_POST));
        }
    }
    for (name, value) in &m.extra_headers {
        check_name(name)?;
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(ComposeError::ReservedHeader(name.clone()));
        }
        if has_control(value) {
            return Err(FieldError::ControlInValue(name.clone()).into());
        }
        b = b.header(name.as_str(), Text::new(value.as_str()));
    }
    b = b.text_body(crlf(&m.text_body));
    if let Some(html) = &m.html_body {
        b = b.html_body(crlf(html));
    }
    let mut out = Vec::new();
    b.serialize(&mut out);
    Ok(out)
}

fn mailbox<'a>(m: &'a Mailbox, which: &'static str) -> Result<Address<'a>, ComposeError> {
    let name = m.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(has_control) {
        return Err(ComposeError::NameControl(which));
    }
    Ok(Address::new_address(name, m.address.as_str()))
}

/// A message id without its angle brackets, checked: RFC 5322 §3.6.4 `id-left "@" id-right`,
/// approximated as printable ASCII without brackets or white space around one '@'.
fn bare_id<'a>(id: &'a str, which: &'static str) -> Result<&'a str, ComposeError> {
    let t = id.trim();
    let t = t
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(t);
    let ok = t
        .split_once('@')
        .is_some_and(|(l, r)| !l.is_empty() && !r.is_empty() && !r.contains('@'))
        && t.bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'));
    if ok {
        Ok(t)
    } else {
        Err(ComposeError::BadMessageId {
            which,
            value: id.to_string(),
        })
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Line endings as CR LF: templates and editors produce LF or CR LF, the wire needs CR LF.
fn crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 32);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_normalises_every_ending() {
        assert_eq!(crlf("a\nb\r\nc\rd\n"), "a\r\nb\r\nc\r\nd\r\n");
        assert_eq!(crlf(""), "");
    }

    #[test]
    fn message_ids_are_checked() {
        assert_eq!(bare_id("<a.b@c.d>", "x").unwrap(), "a.b@c.d");
        assert_eq!(bare_id(" a@c ", "x").unwrap(), "a@c");
        for bad in [
            "",
            "<>",
            "a",
            "a@",
            "@b",
            "<a@b",
            "a b@c",
            "a@b@c",
            "a@b\r\nX: y",
            "<a@b>>",
        ] {
            assert!(bare_id(bad, "x").is_err(), "{bad}");
        }
    }
}
