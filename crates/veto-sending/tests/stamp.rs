//! Relay stamping over generated messages: reading a stamped message gives the stamped
//! values, the body and every untouched field are byte-identical, Bcc is gone, exactly one
//! List-Unsubscribe pair is ours, and stamping again changes nothing.

use proptest::prelude::*;
use veto_domain::domain::DomainName;
use veto_sending::header::{HeaderBlock, LineEnding};
use veto_sending::{ListUnsubscribe, Stamps, read_headers, stamp};

#[derive(Debug, Clone)]
struct Generated {
    raw: Vec<u8>,
    from: String,
    message_id: Option<String>,
    body: Vec<u8>,
    ending: LineEnding,
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "To",
            "Cc",
            "bcc",
            "BCC",
            "Subject",
            "Date",
            "Received",
            "List-Unsubscribe",
            "list-unsubscribe-post",
            "DKIM-Signature",
            "Reply-To",
            "X-Mailer",
        ])
        .prop_map(str::to_string),
        "X-[A-Za-z0-9-]{1,20}",
    ]
}

/// A value of up to ~300 characters, sometimes folded at its spaces.
fn field_value() -> impl Strategy<Value = (String, Vec<bool>)> {
    (
        "[ -~\u{e9}\u{4e2d}]{0,300}",
        prop::collection::vec(any::<bool>(), 0..40),
    )
}

fn message() -> impl Strategy<Value = Generated> {
    (
        "[a-z0-9][a-z0-9_+-]{0,19}",
        "[a-z0-9]{1,15}\\.[a-z]{2,6}",
        prop::collection::vec((field_name(), field_value()), 0..12),
        any::<prop::sample::Index>(),
        prop::option::of("[a-z0-9.]{1,30}"),
        prop::collection::vec(1u8..=255, 0..2000),
        any::<bool>(),
    )
        .prop_map(|(local, domain, fields, at, mid, body, lf)| {
            let ending = if lf { LineEnding::Lf } else { LineEnding::CrLf };
            let nl = std::str::from_utf8(ending.as_bytes()).unwrap();
            let mut lines: Vec<String> = fields
                .into_iter()
                .map(|(name, (value, folds))| {
                    let mut v = String::new();
                    for (i, word) in value.split(' ').enumerate() {
                        if i > 0 {
                            if folds.get(i).copied().unwrap_or(false) {
                                v.push_str(nl);
                            }
                            v.push(' ');
                        }
                        v.push_str(word);
                    }
                    format!("{name}: {v}{nl}")
                })
                .collect();
            let from = format!("{local}@{domain}");
            lines.insert(
                at.index(lines.len() + 1),
                format!("From: \"Some One\" <{}>{nl}", from.to_uppercase()),
            );
            let message_id = mid.map(|m| format!("<{m}@{domain}>"));
            if let Some(m) = &message_id {
                lines.push(format!("Message-ID: {m}{nl}"));
            }
            let mut raw = lines.concat().into_bytes();
            raw.extend_from_slice(nl.as_bytes());
            raw.extend_from_slice(&body);
            Generated {
                raw,
                from,
                message_id,
                body,
                ending,
            }
        })
}

fn names_of(raw: &[u8]) -> Vec<String> {
    let b = HeaderBlock::split(raw).unwrap();
    b.fields
        .iter()
        .map(|f| String::from_utf8_lossy(b.name(raw, f)).to_ascii_lowercase())
        .collect()
}

/// Fields the stamp must leave alone, as raw bytes in order.
fn untouched(raw: &[u8]) -> Vec<Vec<u8>> {
    let b = HeaderBlock::split(raw).unwrap();
    b.fields
        .iter()
        .filter(|f| {
            let n = String::from_utf8_lossy(b.name(raw, f)).to_ascii_lowercase();
            !matches!(
                n.as_str(),
                "bcc" | "list-unsubscribe" | "list-unsubscribe-post"
            )
        })
        .map(|f| raw[f.whole.clone()].to_vec())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn stamped_values_read_back_and_nothing_else_changes(g in message(), with_received in any::<bool>()) {
        let domain = DomainName::parse("relay.example").unwrap();
        let lu = ListUnsubscribe::new("<https://veto.example/u/TOKEN>, <mailto:unsubscribe+TOKEN@veto.example>", true).unwrap();
        let stamps = Stamps {
            message_id_domain: &domain,
            list_unsubscribe: Some(&lu),
            received: with_received.then(|| "from tool ([192.0.2.1]) by relay.example with ESMTPSA id 7; Mon, 02 Nov 2026 10:00:00 +0000".to_string()),
        };
        let before = read_headers(&g.raw).unwrap();
        prop_assert_eq!(before.from.as_str(), g.from.as_str());
        prop_assert_eq!(&before.message_id, &g.message_id);

        let s = stamp(&g.raw, &stamps).unwrap();
        let after = read_headers(&s.message).unwrap();
        prop_assert_eq!(after.from.as_str(), g.from.as_str());
        prop_assert_eq!(after.message_id.as_deref(), Some(s.message_id.as_str()));
        prop_assert_eq!(s.message_id_added, g.message_id.is_none());
        if let Some(m) = &g.message_id {
            prop_assert_eq!(&s.message_id, m);
        }
        // The body, byte for byte.
        prop_assert_eq!(&s.message[after.body_start..], &g.body[..]);
        prop_assert_eq!(&g.raw[before.body_start..], &g.body[..]);

        // Untouched fields, byte for byte and in order (the added ones come before and after).
        let kept = untouched(&g.raw);
        let now = untouched(&s.message);
        let offset = usize::from(with_received);
        prop_assert_eq!(&now[offset..offset + kept.len()], &kept[..]);

        let names = names_of(&s.message);
        prop_assert_eq!(names.iter().filter(|n| *n == "bcc").count(), 0);
        prop_assert_eq!(names.iter().filter(|n| *n == "list-unsubscribe").count(), 1);
        prop_assert_eq!(names.iter().filter(|n| *n == "list-unsubscribe-post").count(), 1);
        prop_assert_eq!(names.iter().filter(|n| *n == "message-id").count(), 1);
        if with_received {
            prop_assert_eq!(names[0].as_str(), "received");
        }
        let parsed = mail_parser::MessageParser::new().parse_headers(&s.message).unwrap();
        let unfolded = |n: &str| parsed.header_raw(n).unwrap().replace(['\r', '\n'], "").trim().to_string();
        prop_assert_eq!(unfolded("List-Unsubscribe"), lu.value());
        prop_assert_eq!(unfolded("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");

        // One line ending throughout the header block.
        let block = HeaderBlock::split(&s.message).unwrap();
        prop_assert_eq!(block.line_ending, g.ending);

        // Idempotent: a second pass (no new trace line) changes nothing.
        let again = stamp(&s.message, &Stamps { received: None, ..stamps.clone() }).unwrap();
        prop_assert_eq!(&again.message, &s.message);
        prop_assert!(!again.message_id_added);
    }

    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..3000)) {
        let domain = DomainName::parse("relay.example").unwrap();
        let lu = ListUnsubscribe::new("<https://veto.example/u/T>", true).unwrap();
        if let Ok(info) = read_headers(&raw) {
            prop_assert!(info.header_end <= info.body_start && info.body_start <= raw.len());
        }
        let r = stamp(&raw, &Stamps { message_id_domain: &domain, list_unsubscribe: Some(&lu), received: None });
        match r {
            Ok(s) => prop_assert!(read_headers(&s.message).is_ok()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
