//! Bounces that carry no `message/delivery-status` part: the plain-text formats of Exim,
//! qmail, Sendmail (V5), Yahoo, Gmail, Courier, DragonFly, Domino, Japanese carriers and
//! others.
//!
//! Almost all of them share one shape: some prose, then per failed recipient an address on a
//! line of its own (bare, in angle brackets, or followed by `:` or `...`) and the remote
//! server's reply on the lines after it, then a separator and a copy of the original message.
//! [`scan`] reads that shape.

pub mod address;
pub mod readers;
pub mod vendor;

use crate::message::MessageView;
use address::{find_addresses, is_plausible};

/// One failed recipient as read from the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextRecipient {
    /// The address, lower-case.
    pub address: String,
    /// The lines that belong to it: the remote reply and the reporter's words.
    pub diagnostic: String,
}

/// Lines that start the copy of the original message in a plain-text bounce.
const ORIGINAL_MESSAGE_MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "this is a copy of the message",
    "copy of the original message",
    "original message follows",
    "original message headers",
    "headers of the original message",
    "message headers follow",
    "unsent message below",
    "----- original message",
    "--- original message",
    "-- original message",
    "------ original message",
    "original message --",
    "----- message header follows",
    "------- returned message",
    "----- returned message",
    "the header of the original message",
    "your message reads (in part)",
    "--- below this line",
    "-------- original",
    "message text follows",
    "original mail header",
    "included is a copy of the message",
    "the original message headers",
    "--- the header of the original",
];

/// The part of the report text before the copy of the original message.
pub fn error_section(text: &str) -> &str {
    let mut offset = 0;
    let mut previous_blank = false;
    for line in text.split_inclusive('\n') {
        let lower = line.trim().to_ascii_lowercase();
        if ORIGINAL_MESSAGE_MARKERS.iter().any(|m| lower.contains(m))
            || (previous_blank
                && (lower.starts_with("return-path:") || lower.starts_with("received: from")))
        {
            return &text[..offset];
        }
        previous_blank = lower.is_empty();
        offset += line.len();
    }
    text
}

/// Whether a message without a delivery-status part still looks like a bounce.
pub fn looks_like_bounce(view: &MessageView) -> bool {
    const SENDERS: &[&str] = &[
        "mailer-daemon",
        "postmaster",
        "mail delivery",
        "mail administrator",
        "mailadmin",
        "mail.delivery",
        "mailer",
        "delivery subsystem",
        "bounce",
        "noreply@ses",
        "no-reply@sns",
        "daemon@",
        "root@",
    ];
    const SUBJECTS: &[&str] = &[
        "undeliver",
        "undelivered",
        "delivery status notification",
        "delivery failure",
        "delivery failed",
        "delivery has failed",
        "delivery problem",
        "returned mail",
        "return mail",
        "failure notice",
        "failure delivery",
        "mail failure",
        "mail delivery",
        "non-delivery",
        "nondelivery",
        "non delivery",
        "not delivered",
        "could not send",
        "could not be delivered",
        "unable to deliver",
        "delivery notification",
        "mail system error",
        "message not delivered",
        "rejected",
        "bounce",
        "warning: ",
        "delayed mail",
        "delivery delay",
        "error sending",
        "nicht zustellbar",
        "no se puede entregar",
        "non remis",
    ];
    let subject = view.subject.to_lowercase();
    const BODY_MARKERS: &[&str] = &[
        "did not reach the following recipient(s):",
        "Could not be delivered to: <",
    ];
    view.header("x-failed-recipients").is_some()
        || readers::recognised(view)
        || BODY_MARKERS.iter().any(|m| view.report_text.contains(m))
        || SENDERS.iter().any(|s| view.from_full.contains(s))
        || SUBJECTS.iter().any(|s| subject.contains(s))
}

/// Reads the failed recipients of a plain-text bounce.
pub fn scan(view: &MessageView) -> Vec<TextRecipient> {
    let section = error_section(&view.report_text);
    let exclude = excluded(view);
    let mut found = address_blocks(section, &exclude);

    // Exim and Gmail name the failed addresses in a header: trust it for the list.
    let failed: Vec<String> = view
        .header_all("x-failed-recipients")
        .flat_map(find_addresses)
        .collect();
    if !failed.is_empty() {
        let mut out = Vec::new();
        for addr in failed {
            if out.iter().any(|r: &TextRecipient| r.address == addr) {
                continue;
            }
            let diagnostic = found
                .iter()
                .find(|r| r.address == addr)
                .map(|r| r.diagnostic.clone())
                .unwrap_or_else(|| section.trim().to_string());
            out.push(TextRecipient {
                address: addr,
                diagnostic,
            });
        }
        return out;
    }
    if found.is_empty() {
        // A sentence naming the recipient ("There was an error delivering your mail to <a>.").
        if let Some(addr) = find_addresses(section)
            .into_iter()
            .find(|a| !exclude.contains(a))
        {
            found.push(TextRecipient {
                address: addr,
                diagnostic: section.trim().to_string(),
            });
        }
    }
    if found.is_empty() {
        // The returned message's own recipient.
        let to = view
            .original
            .as_ref()
            .and_then(|o| o.to.first().cloned())
            .or_else(|| inline_original_to(&view.report_text));
        if let Some(addr) = to.filter(|a| !exclude.contains(a)) {
            found.push(TextRecipient {
                address: addr,
                diagnostic: section.trim().to_string(),
            });
        }
    }
    found
}

/// Addresses that are never the failed recipient: the bounce's own sender and addressee.
fn excluded(view: &MessageView) -> Vec<String> {
    let mut out = view.to_addresses.clone();
    if !view.from_address.is_empty() {
        out.push(view.from_address.clone());
    }
    out
}

/// The `To:` of an original message copied inline after the error section.
fn inline_original_to(text: &str) -> Option<String> {
    let section_len = error_section(text).len();
    let rest = text.get(section_len..)?;
    rest.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("to:"))
        .and_then(|l| find_addresses(l).into_iter().next())
}

/// How a line introduces a recipient, if it does.
fn address_line(line: &str) -> Option<(String, &str)> {
    let t = line.trim();
    // Optional reply code in front (Sendmail's transcript: "550 <a@b>... User unknown").
    let b = t.as_bytes();
    let t = if b.len() > 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' ' {
        t.get(4..).unwrap_or(t).trim_start()
    } else {
        t
    };
    let t = strip_prefix_ci(t, "RCPT To:").unwrap_or(t).trim_start();
    let t = t
        .strip_prefix("Failed recipient:")
        .unwrap_or(t)
        .trim_start();
    // au (KDDI): "Could not be delivered to: <a@b>".
    let t = strip_prefix_ci(t, "Could not be delivered to:")
        .unwrap_or(t)
        .trim_start();

    // GMX: the address in double quotes (`"a@b":`).
    let quoted = t
        .strip_prefix('"')
        .and_then(|r| r.split_once('"'))
        .filter(|(inner, _)| is_plausible(inner));
    let (addr_text, rest) = match t.strip_prefix('<') {
        _ if quoted.is_some() => quoted.unwrap_or_default(),
        Some(inner) => {
            let end = inner.find('>')?;
            (&inner[..end], &inner[end + 1..])
        }
        None => {
            let end = t
                .find(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == '>' || c == '(')
                .unwrap_or(t.len());
            let token = &t[..end];
            let token = token.strip_suffix("...").unwrap_or(token);
            (token.trim_end_matches('.'), &t[end.min(t.len())..])
        }
    };
    let addr_text = addr_text.trim().trim_start_matches("mailto:");
    if !is_plausible(addr_text) {
        return None;
    }
    let rest_trim = rest.trim_start();
    // What may follow the address: nothing, a colon, Sendmail's "...", Postfix's
    // "(expanded from …)", or the reply on the same line after a colon.
    let ok = rest_trim.is_empty()
        || rest_trim.starts_with(':')
        || rest_trim.starts_with("...")
        || rest_trim.starts_with("(expanded from")
        || rest_trim.starts_with('(')
        || rest_trim.starts_with('>')
        || rest_trim.starts_with(',')
        // Exchange 2003: "a@b on Thu, 29 Apr 2007 16:51:51 -0500".
        || (rest_trim.starts_with("on ") && rest_trim.bytes().any(|b| b.is_ascii_digit()))
        || rest_trim.len() <= 2;
    ok.then(|| (addr_text.to_lowercase(), rest_trim))
}

/// `text` without `prefix`, compared without regard to ASCII case.
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Address lines and the text under each.
fn address_blocks(section: &str, exclude: &[String]) -> Vec<TextRecipient> {
    let mut out: Vec<TextRecipient> = Vec::new();
    let mut current: Option<usize> = None;
    let mut lines_in_block = 0usize;
    for line in section.lines() {
        if let Some((addr, rest)) = address_line(line)
            && !exclude.contains(&addr)
        {
            {
                let existing = out.iter().position(|r| r.address == addr);
                match existing {
                    Some(i) => current = Some(i),
                    None => {
                        out.push(TextRecipient {
                            address: addr,
                            diagnostic: String::new(),
                        });
                        current = Some(out.len() - 1);
                    }
                }
                lines_in_block = 0;
                let rest = rest.trim_start_matches([':', '.', '>']).trim();
                if let Some(r) = current.and_then(|i| out.get_mut(i))
                    && !rest.is_empty()
                {
                    push_line(&mut r.diagnostic, rest);
                }
                continue;
            }
        }
        if let Some(r) = current.and_then(|i| out.get_mut(i))
            && lines_in_block < 40
        {
            let l = line.trim();
            if !l.is_empty() {
                push_line(&mut r.diagnostic, l);
                lines_in_block += 1;
            }
        }
    }
    out
}

fn push_line(target: &mut String, line: &str) {
    if !target.is_empty() {
        target.push(' ');
    }
    target.push_str(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lines() {
        assert_eq!(
            address_line("  kijitora@example.jp")
                .map(|a| a.0)
                .as_deref(),
            Some("kijitora@example.jp")
        );
        assert_eq!(
            address_line("<kijitora@example.jp>:")
                .map(|a| a.0)
                .as_deref(),
            Some("kijitora@example.jp")
        );
        assert_eq!(
            address_line("550 <kijitora@example.jp>... User unknown").map(|a| a.1),
            Some("... User unknown")
        );
        assert!(
            address_line("Your message to kijitora@example.jp could not be delivered").is_none()
        );
    }

    #[test]
    fn exim_blocks() {
        let text = "The following address(es) failed:\n\n  a@example.jp\n    SMTP error from remote mail server after RCPT TO:<a@example.jp>:\n    host mx: 550 5.1.1 User unknown\n  b@example.jp\n    host mx: 552 mailbox full\n\n------ This is a copy of the message, including all the headers. ------\nTo: x@example.org\n";
        let blocks = address_blocks(error_section(text), &[]);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].diagnostic.contains("User unknown"));
        assert!(blocks[1].diagnostic.contains("mailbox full"));
    }
}
