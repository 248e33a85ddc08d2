//! The relay side: read what the relay needs from a message another tool submitted, and stamp
//! it — a trace `Received` line on top, a Message-ID when it has none, our one-click
//! `List-Unsubscribe` pair in place of the tool's, no `Bcc` — without changing one byte of
//! the body or of any field it does not touch (their folding, order and case stay), and in
//! the message's own line ending.
//!
//! Refused, with the problem named: no end of the header block, a header line over 998
//! octets, NUL bytes, bare CR, lines that are not fields, no `From`, several `From` fields
//! or mailboxes (DMARC, RFC 7489 §6.6.1, cannot evaluate those), an unreadable From address.

use std::net::IpAddr;

use mail_parser::MessageParser;
use veto_domain::Timestamp;
use veto_domain::domain::DomainName;
use veto_domain::email::{AddressError, EmailAddress};

use crate::header::{FieldError, HeaderBlock, HeaderError, RawField, write_folded};
use crate::list_unsubscribe::ListUnsubscribe;
use crate::message_id::new_message_id;

/// Why a message cannot be read or stamped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StampError {
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("the message has no From field")]
    NoFrom,
    #[error("the message has {0} From fields; RFC 5322 §3.6 allows exactly one")]
    SeveralFrom(usize),
    #[error("the From field has no address that can be read")]
    FromUnreadable,
    #[error(
        "the From field names {0} mailboxes; the relay accepts one (DMARC cannot evaluate more)"
    )]
    SeveralMailboxes(usize),
    #[error("the From address is not valid: {0}")]
    FromAddress(#[from] AddressError),
    #[error("cannot write a stamped field: {0}")]
    Field(#[from] FieldError),
}

/// What the relay reads from a message's header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo {
    /// The From address, normalised (lower case, IDNA domain).
    pub from: EmailAddress,
    /// The Message-ID, angle brackets included, when the message has a non-blank one.
    pub message_id: Option<String>,
    /// The subject, RFC 2047 words decoded.
    pub subject: Option<String>,
    /// Where the empty line that ends the header block starts.
    pub header_end: usize,
    /// Where the body starts.
    pub body_start: usize,
}

/// Reads the From address, Message-ID and Subject of `raw` and where its header block ends.
pub fn read_headers(raw: &[u8]) -> Result<HeaderInfo, StampError> {
    let block = HeaderBlock::split(raw)?;
    read(raw, &block)
}

fn read(raw: &[u8], block: &HeaderBlock) -> Result<HeaderInfo, StampError> {
    let mut froms = block.named(raw, "From");
    let from_field = froms.next().ok_or(StampError::NoFrom)?;
    let extra = froms.count();
    if extra > 0 {
        return Err(StampError::SeveralFrom(1 + extra));
    }
    let parsed = parse_field(raw, from_field).ok_or(StampError::FromUnreadable)?;
    let from = parsed.from().ok_or(StampError::FromUnreadable)?;
    let mailboxes = from.iter().count();
    if mailboxes > 1 {
        return Err(StampError::SeveralMailboxes(mailboxes));
    }
    let addr = from
        .first()
        .and_then(|a| a.address.as_deref())
        .ok_or(StampError::FromUnreadable)?;
    let from = EmailAddress::parse(addr)?;

    let message_id = message_id_field(raw, block).map(|f| {
        parse_field(raw, f)
            .and_then(|p| p.message_id().map(|id| format!("<{}>", id.trim())))
            .unwrap_or_else(|| unfold(&raw[f.value.clone()]))
    });
    let subject = block
        .named(raw, "Subject")
        .next()
        .and_then(|f| parse_field(raw, f))
        .and_then(|p| p.subject().map(str::to_string));
    Ok(HeaderInfo {
        from,
        message_id,
        subject,
        header_end: block.header_end,
        body_start: block.body_start,
    })
}

/// One field decoded by `mail-parser` on its own: given the whole header block, a malformed
/// field can swallow the next one (a `Date: +a` line hides the `From` below it).
fn parse_field<'a>(raw: &'a [u8], f: &RawField) -> Option<mail_parser::Message<'a>> {
    MessageParser::new().parse_headers(&raw[f.whole.clone()])
}

/// The first Message-ID field with a non-blank value.
fn message_id_field<'b>(raw: &[u8], block: &'b HeaderBlock) -> Option<&'b RawField> {
    block
        .named(raw, "Message-ID")
        .find(|f| !unfold(&raw[f.value.clone()]).is_empty())
}

/// A field value on one line, trimmed.
fn unfold(v: &[u8]) -> String {
    String::from_utf8_lossy(v)
        .split(['\r', '\n'])
        .collect::<String>()
        .trim()
        .to_string()
}

/// What the relay adds to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamps<'a> {
    /// The domain of a Message-ID added to a message that has none.
    pub message_id_domain: &'a DomainName,
    /// Replaces any `List-Unsubscribe` / `List-Unsubscribe-Post` fields the message has, so
    /// unsubscribes reach the registry. `None` leaves the message's own (if any) alone.
    pub list_unsubscribe: Option<&'a ListUnsubscribe>,
    /// The value of a `Received` trace field to put on top (see [`Received`]).
    pub received: Option<String>,
}

/// A stamped message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    pub message: Vec<u8>,
    /// The message's Message-ID, angle brackets included: its own, or the one added.
    pub message_id: String,
    pub message_id_added: bool,
    pub from: EmailAddress,
}

/// Stamps `raw`. The body and every field not named above are copied byte for byte.
/// Stamping an already stamped message again (without a new `Received`) gives the same bytes.
pub fn stamp(raw: &[u8], stamps: &Stamps<'_>) -> Result<Stamped, StampError> {
    let block = HeaderBlock::split(raw)?;
    let info = read(raw, &block)?;
    let nl = block.line_ending;

    let remove = |f: &RawField| {
        let name = block.name(raw, f);
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        // RFC 5322 §3.6.3: Bcc recipients must not be disclosed to the others.
        is("Bcc")
            // A blank Message-ID is replaced, never kept beside the new one.
            || (is("Message-ID") && info.message_id.is_none())
            || (stamps.list_unsubscribe.is_some()
                && (is("List-Unsubscribe") || is("List-Unsubscribe-Post")))
    };

    let mut out = Vec::with_capacity(raw.len() + 512);
    if let Some(r) = &stamps.received {
        // RFC 5321 §4.4: trace fields go on top.
        write_folded(&mut out, "Received", r, nl)?;
    }
    for f in block.fields.iter().filter(|f| !remove(f)) {
        out.extend_from_slice(&raw[f.whole.clone()]);
    }
    let (message_id, added) = match info.message_id {
        Some(id) => (id, false),
        None => {
            let id = new_message_id(stamps.message_id_domain);
            write_folded(&mut out, "Message-ID", &id, nl)?;
            (id, true)
        }
    };
    if let Some(l) = stamps.list_unsubscribe {
        for (name, value) in l.fields() {
            write_folded(&mut out, name, value, nl)?;
        }
    }
    out.extend_from_slice(&raw[block.header_end..]);
    Ok(Stamped {
        message: out,
        message_id,
        message_id_added: added,
        from: info.from,
    })
}

/// Reads and stamps arbitrary bytes and checks what must hold: no panic; stamping succeeds
/// exactly when reading does; a stamped message reads back with the same From and its
/// Message-ID, keeps the body byte for byte, and stamps again to the same bytes. Used by the
/// fuzz target (`fuzz/fuzz_targets/sending_stamp.rs`) and its corpus replay.
#[doc(hidden)]
pub fn fuzz_check(data: &[u8]) {
    let domain = DomainName::parse("relay.example")
        .unwrap_or_else(|e| unreachable!("a fixed valid domain: {e}"));
    let lu = ListUnsubscribe::new(
        "<https://veto.example/u/T>, <mailto:u+T@veto.example>",
        true,
    )
    .unwrap_or_else(|e| unreachable!("a fixed valid value: {e}"));
    let stamps = Stamps {
        message_id_domain: &domain,
        list_unsubscribe: Some(&lu),
        received: Some("from fuzz ([192.0.2.1]) by relay.example with ESMTPSA id 1; Mon, 02 Nov 2026 10:00:00 +0000".to_string()),
    };
    let read = read_headers(data);
    let stamped = stamp(data, &stamps);
    assert_eq!(read.is_ok(), stamped.is_ok(), "{read:?} / {stamped:?}");
    let (Ok(before), Ok(s)) = (read, stamped) else {
        return;
    };
    let after = read_headers(&s.message).unwrap_or_else(|e| panic!("stamped but unreadable: {e}"));
    assert_eq!(after.from, before.from);
    assert_eq!(after.message_id.as_deref(), Some(s.message_id.as_str()));
    assert_eq!(&s.message[after.body_start..], &data[before.body_start..]);
    let again = stamp(
        &s.message,
        &Stamps {
            received: None,
            ..stamps.clone()
        },
    )
    .unwrap_or_else(|e| panic!("a stamped message cannot be stamped again: {e}"));
    assert_eq!(again.message, s.message);
}

/// The value of the relay's `Received` field (RFC 5321 §4.4):
/// `from HELO ([IP]) by HOST with PROTOCOL id ID [for <RCPT>]; DATE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received<'a> {
    /// What the client said in EHLO (client-supplied: characters that could end the clause
    /// are replaced).
    pub helo: &'a str,
    pub peer_ip: IpAddr,
    /// This relay's host name.
    pub by: &'a str,
    /// `ESMTPSA` for authenticated submission over TLS (RFC 3848).
    pub protocol: &'a str,
    /// The relay's id of the transaction.
    pub id: &'a str,
    /// Only with a single recipient (RFC 5321 §7.2: naming one of several discloses it).
    pub recipient: Option<&'a EmailAddress>,
    pub date: Timestamp,
}

impl Received<'_> {
    pub fn value(&self) -> String {
        let date = self
            .date
            .format(&time::format_description::well_known::Rfc2822)
            .unwrap_or_else(|_| "Thu, 01 Jan 1970 00:00:00 +0000".to_string());
        let mut v = format!(
            "from {} ([{}]) by {} with {} id {}",
            token(self.helo),
            self.peer_ip,
            token(self.by),
            token(self.protocol),
            token(self.id)
        );
        if let Some(r) = self.recipient {
            v.push_str(&format!(" for <{}>", r.as_str()));
        }
        v.push_str("; ");
        v.push_str(&date);
        v
    }
}

/// One word of a Received clause: printable ASCII without parentheses, `;`, `<`, `>`.
fn token(s: &str) -> String {
    let t: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '(' | ')' | ';' | '<' | '>') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if t.is_empty() {
        "unknown".to_string()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> DomainName {
        DomainName::parse("relay.example").unwrap()
    }

    const MSG: &[u8] = b"From: \"Ada L.\" <Ada@Example.COM>\r\nTo: b@c.example\r\nBcc: hidden@c.example\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n  again\r\nList-Unsubscribe: <mailto:theirs@tool.example>\r\nX-Keep:  odd   spacing \r\n\r\nbody line\r\n\r\n.\r\n";

    #[test]
    fn reads_from_id_and_subject() {
        let i = read_headers(MSG).unwrap();
        assert_eq!(i.from.as_str(), "ada@example.com");
        assert_eq!(i.message_id, None);
        assert_eq!(i.subject.as_deref(), Some("Grüße again"));
        assert_eq!(&MSG[i.body_start..], b"body line\r\n\r\n.\r\n");
        assert_eq!(&MSG[i.header_end..i.body_start], b"\r\n");
    }

    #[test]
    fn a_malformed_field_does_not_hide_its_neighbours() {
        let i =
            read_headers(b"Date: +a\r\nFrom: \"A\" <A@B.example>\r\nSubject: s\r\nTo: \r\n\r\n")
                .unwrap();
        assert_eq!(i.from.as_str(), "a@b.example");
        assert_eq!(i.subject.as_deref(), Some("s"));
    }

    #[test]
    fn stamps_and_keeps_everything_else() {
        let lu = ListUnsubscribe::new("<https://v.example/u/T>", true).unwrap();
        let received = Received {
            helo: "client (evil); x",
            peer_ip: "192.0.2.7".parse().unwrap(),
            by: "relay.example",
            protocol: "ESMTPSA",
            id: "01JX",
            recipient: None,
            date: time::macros::datetime!(2026-11-02 10:00 UTC),
        };
        let s = stamp(
            MSG,
            &Stamps {
                message_id_domain: &domain(),
                list_unsubscribe: Some(&lu),
                received: Some(received.value()),
            },
        )
        .unwrap();
        assert!(s.message_id_added);
        assert!(s.message_id.ends_with("@relay.example>"));
        let want = format!(
            "Received: from client__evil___x ([192.0.2.7]) by relay.example with ESMTPSA id\r\n 01JX; Mon, 02 Nov 2026 10:00:00 +0000\r\nFrom: \"Ada L.\" <Ada@Example.COM>\r\nTo: b@c.example\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n  again\r\nX-Keep:  odd   spacing \r\nMessage-ID: {}\r\nList-Unsubscribe: <https://v.example/u/T>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody line\r\n\r\n.\r\n",
            s.message_id
        );
        assert_eq!(String::from_utf8(s.message.clone()).unwrap(), want);
        let i = read_headers(&s.message).unwrap();
        assert_eq!(i.message_id.as_deref(), Some(s.message_id.as_str()));

        // Again, without a new trace line: nothing changes.
        let again = stamp(
            &s.message,
            &Stamps {
                message_id_domain: &domain(),
                list_unsubscribe: Some(&lu),
                received: None,
            },
        )
        .unwrap();
        assert!(!again.message_id_added);
        assert_eq!(again.message, s.message);
    }

    #[test]
    fn keeps_existing_ids_and_lf_endings() {
        let m = b"Message-ID:\n <x.1@tool.example>\nFrom: a@b.example\n\nbody\n";
        let s = stamp(
            m,
            &Stamps {
                message_id_domain: &domain(),
                list_unsubscribe: None,
                received: Some(
                    "from a by b with ESMTPSA id 1; Mon, 02 Nov 2026 10:00:00 +0000".into(),
                ),
            },
        )
        .unwrap();
        assert_eq!(s.message_id, "<x.1@tool.example>");
        assert!(!s.message_id_added);
        assert_eq!(
            s.message,
            b"Received: from a by b with ESMTPSA id 1; Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID:\n <x.1@tool.example>\nFrom: a@b.example\n\nbody\n"
        );
        // A blank Message-ID is replaced, not kept beside the new one.
        let m = b"Message-ID: \r\nFrom: a@b.example\r\n\r\n";
        let s = stamp(
            m,
            &Stamps {
                message_id_domain: &domain(),
                list_unsubscribe: None,
                received: None,
            },
        )
        .unwrap();
        assert!(s.message_id_added);
        let text = String::from_utf8(s.message).unwrap();
        assert_eq!(text.matches("Message-ID").count(), 1, "{text}");
    }

    #[test]
    fn refusals() {
        for (m, want) in [
            (&b"To: a@b.example\r\n\r\nx"[..], StampError::NoFrom),
            (
                b"From: a@b.example\r\nFrom: c@d.example\r\n\r\n",
                StampError::SeveralFrom(2),
            ),
            (
                b"From: a@b.example, c@d.example\r\n\r\n",
                StampError::SeveralMailboxes(2),
            ),
            (b"From: nobody\r\n\r\n", StampError::FromUnreadable),
            (
                b"From: a@b.example\r\n",
                StampError::Header(HeaderError::NoSeparator),
            ),
        ] {
            assert_eq!(read_headers(m).unwrap_err(), want);
        }
        assert!(matches!(
            read_headers(b"From: <a b@c..example>\r\n\r\n"),
            Err(StampError::FromAddress(_) | StampError::FromUnreadable)
        ));
    }

    #[test]
    fn received_value() {
        let r = Received {
            helo: "",
            peer_ip: "2001:db8::1".parse().unwrap(),
            by: "relay.example",
            protocol: "ESMTPSA",
            id: "q1",
            recipient: Some(&EmailAddress::parse("B@c.example").unwrap()),
            date: time::macros::datetime!(2026-11-02 10:00:05 +1),
        };
        assert_eq!(
            r.value(),
            "from unknown ([2001:db8::1]) by relay.example with ESMTPSA id q1 for <b@c.example>; Mon, 02 Nov 2026 10:00:05 +0100"
        );
    }
}
