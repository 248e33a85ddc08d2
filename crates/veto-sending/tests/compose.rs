//! Composed steps read back with `mail-parser`: every field comes back as given, including
//! non-ASCII names and subjects and very long lines, and the bytes obey RFC 5322 (CR LF only,
//! no line over 998 octets).

use mail_parser::{MessageParser, MimeHeaders};
use proptest::prelude::*;
use veto_domain::email::EmailAddress;
use veto_sending::{ComposeError, ListUnsubscribe, Mailbox, StepMessage, compose};

fn step() -> StepMessage {
    StepMessage {
        from: Mailbox::new(
            Some("Zoë Ångström"),
            EmailAddress::parse("zoe@mail.example.com").unwrap(),
        ),
        to: Mailbox::new(
            Some("Lovelace, Ada \"The Countess\""),
            EmailAddress::parse("Ada@Example.ORG").unwrap(),
        ),
        reply_to: Some(Mailbox::new(
            None,
            EmailAddress::parse("replies@mail.example.com").unwrap(),
        )),
        subject: "Grüße aus Köln — привет — 日本語 and a subject long enough to be folded twice over the header line limit".into(),
        text_body: format!(
            "Hi Ada,\n\n{}\n{}\n  indented line with trailing space \nZoë\n",
            "A long line of text. ".repeat(120),
            "x".repeat(2500)
        ),
        html_body: Some(format!("<p>Hi Ada,</p>\r\n<p>{}</p>\n", "Zoë ".repeat(400))),
        message_id: "<01j.abc@mail.example.com>".into(),
        date: time::macros::datetime!(2026-11-02 10:00:05 UTC),
        in_reply_to: Some("<prev.1@mail.example.com>".into()),
        references: vec![
            "<prev.0@mail.example.com>".into(),
            "prev.1@mail.example.com".into(),
        ],
        list_unsubscribe: Some(
            ListUnsubscribe::new(
                &format!(
                    "<https://veto.example/u/{t}>, <mailto:unsubscribe+{t}@veto.example?subject=unsubscribe>",
                    t = "T".repeat(300)
                ),
                true,
            )
            .unwrap(),
        ),
        extra_headers: vec![
            ("X-Veto-Step".into(), "2".into()),
            ("X-Campaign".into(), "Größe Q4".into()),
        ],
    }
}

/// RFC 5322 §2.1 and §2.1.1: CR and LF only together, lines at most 998 octets.
fn assert_wire_form(raw: &[u8]) {
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && raw[i - 1] == b'\r', "bare LF at {i}");
        }
        if b == b'\r' {
            assert_eq!(raw.get(i + 1), Some(&b'\n'), "bare CR at {i}");
        }
    }
    for line in raw.split(|&b| b == b'\n') {
        assert!(line.len() <= 999, "line of {} octets", line.len() - 1);
    }
}

fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

fn raw_header<'a>(m: &'a mail_parser::Message<'a>, name: &str) -> String {
    m.header_raw(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .replace("\r\n", "")
        .trim()
        .to_string()
}

#[test]
fn every_field_reads_back() {
    let s = step();
    let raw = compose(&s).unwrap();
    assert_wire_form(&raw);
    let m = MessageParser::new().parse(&raw).unwrap();

    let from = m.from().unwrap().first().unwrap();
    assert_eq!(from.name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(from.address.as_deref(), Some("zoe@mail.example.com"));
    let to = m.to().unwrap().first().unwrap();
    assert_eq!(to.name.as_deref(), Some("Lovelace, Ada \"The Countess\""));
    assert_eq!(to.address.as_deref(), Some("ada@example.org"));
    let reply_to = m.reply_to().unwrap().first().unwrap();
    assert_eq!(reply_to.name, None);
    assert_eq!(
        reply_to.address.as_deref(),
        Some("replies@mail.example.com")
    );
    assert_eq!(m.subject(), Some(s.subject.as_str()));
    assert_eq!(m.date().unwrap().to_timestamp(), s.date.unix_timestamp());
    assert_eq!(m.message_id(), Some("01j.abc@mail.example.com"));
    assert_eq!(
        m.in_reply_to().as_text_list().unwrap_or_default(),
        ["prev.1@mail.example.com"]
    );
    assert_eq!(
        m.references().as_text_list().unwrap_or_default(),
        ["prev.0@mail.example.com", "prev.1@mail.example.com"]
    );
    assert_eq!(
        raw_header(&m, "List-Unsubscribe"),
        s.list_unsubscribe.as_ref().unwrap().value()
    );
    assert_eq!(
        raw_header(&m, "List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(raw_header(&m, "X-Veto-Step"), "2");
    // mail-parser keeps unknown fields raw: decode the RFC 2047 words as an unstructured
    // field (a Subject) would be.
    let campaign = format!("Subject: {}\r\n\r\n", raw_header(&m, "X-Campaign"));
    assert_eq!(
        MessageParser::new()
            .parse(campaign.as_bytes())
            .unwrap()
            .subject(),
        Some("Größe Q4")
    );
    assert_eq!(m.header_raw("MIME-Version").map(str::trim), Some("1.0"));
    assert_eq!(m.root_part().content_type().unwrap().ctype(), "multipart");
    assert_eq!(
        m.root_part().content_type().unwrap().subtype(),
        Some("alternative")
    );

    assert_eq!(m.body_text(0).unwrap(), crlf(&s.text_body));
    assert_eq!(
        m.body_html(0).unwrap(),
        crlf(s.html_body.as_deref().unwrap())
    );
    assert_eq!(m.text_body_count(), 1);
    assert_eq!(m.html_body_count(), 1);
}

#[test]
fn text_only_steps_are_single_part() {
    let mut s = step();
    s.html_body = None;
    s.list_unsubscribe = None;
    s.in_reply_to = None;
    s.references.clear();
    s.text_body = "Hi,\nplain ASCII.\n".into();
    let raw = compose(&s).unwrap();
    assert_wire_form(&raw);
    let m = MessageParser::new().parse(&raw).unwrap();
    let ct = m.root_part().content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("plain")));
    assert_eq!(m.body_text(0).unwrap(), "Hi,\r\nplain ASCII.\r\n");
    for absent in [
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "In-Reply-To",
        "References",
    ] {
        assert!(m.header_raw(absent).is_none(), "{absent}");
    }
}

#[test]
fn injection_and_bad_values_are_refused() {
    let mut s = step();
    s.subject = "Hi\r\nBcc: victim@example.com".into();
    assert_eq!(compose(&s), Err(ComposeError::SubjectControl));

    let mut s = step();
    s.from.name = Some("Eve\nBcc: x@y.example".into());
    assert_eq!(compose(&s), Err(ComposeError::NameControl("From")));

    let mut s = step();
    s.message_id = "no-at-sign".into();
    assert!(matches!(
        compose(&s),
        Err(ComposeError::BadMessageId {
            which: "Message-ID",
            ..
        })
    ));

    let mut s = step();
    s.references.push("<a b@c>".into());
    assert!(matches!(
        compose(&s),
        Err(ComposeError::BadMessageId { .. })
    ));

    let mut s = step();
    s.extra_headers
        .push(("list-unsubscribe".into(), "<https://x>".into()));
    assert_eq!(
        compose(&s),
        Err(ComposeError::ReservedHeader("list-unsubscribe".into()))
    );

    let mut s = step();
    s.extra_headers.push(("X Bad".into(), "v".into()));
    assert!(matches!(compose(&s), Err(ComposeError::Field(_))));

    let mut s = step();
    s.extra_headers.push(("X-Ok".into(), "v\r\nBcc: x".into()));
    assert!(matches!(compose(&s), Err(ComposeError::Field(_))));
    for e in [
        ComposeError::SubjectControl,
        ComposeError::ReservedHeader("From".into()),
    ] {
        assert!(!e.to_string().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_subject_names_and_body_read_back(
        subject in "[^\\p{C}\\s]([^\\p{C}\\n\\r]{0,150}[^\\p{C}\\s])?",
        from_name in "[^\\p{C}\\s]([^\\p{C}\\s]| [^\\p{C}\\s]){0,40}",
        body in "(\\PC|[\r\n\t]){0,3000}",
        html in proptest::option::of("(\\PC|[\r\n\t]){0,500}"),
    ) {
        let mut s = step();
        s.subject = subject;
        s.from.name = Some(from_name);
        s.text_body = body;
        s.html_body = html;
        let raw = compose(&s).unwrap();
        assert_wire_form(&raw);
        let m = MessageParser::new().parse(&raw).unwrap();
        prop_assert_eq!(m.subject(), Some(s.subject.as_str()));
        prop_assert_eq!(
            m.from().unwrap().first().unwrap().name.as_deref(),
            s.from.name.as_deref()
        );
        prop_assert_eq!(m.body_text(0).unwrap_or_default(), crlf(&s.text_body));
        if let Some(h) = &s.html_body {
            prop_assert_eq!(m.body_html(0).unwrap_or_default(), crlf(h));
        }
    }
}
