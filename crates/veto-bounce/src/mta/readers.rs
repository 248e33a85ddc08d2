//! Readers for bounce formats that the common address-block shape does not fit: they name
//! the recipient somewhere else (a JSON notification, a list manager's reply to the poster,
//! a "Message details" table). Each is recognised by markers its format always has.
//!
//! The markers and fields follow Sisimai's readers `lhost/via-amazonses.go`, `via-fml.go` and
//! `via-apachejames.go`, `via-v5sendmail.go` (BSD 2-Clause, "azumakuniyuki and sisimai development team"),
//! re-expressed here; no code is copied.

use crate::message::MessageView;
use crate::reason::Reason;

use super::address::{find_addresses, is_plausible};

/// One failed recipient as a format reader found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormatRecipient {
    /// The address, lower-case.
    pub address: String,
    /// The remote reply or the reporter's words.
    pub diagnostic: String,
    /// A status code the format gives.
    pub status: Option<String>,
    /// A DSN action the format gives.
    pub action: Option<String>,
    /// A reason the format decides.
    pub preset: Option<Reason>,
}

/// The recipients of a message in one of the formats here, or `None` when it is none of them.
pub fn read(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    amazon_ses_notification(view)
        .or_else(|| fml(view))
        .or_else(|| notes(view))
        .or_else(|| apache_james(view))
        .or_else(|| sendmail_v5(view))
        .filter(|v| !v.is_empty())
}

/// Whether the message has the markers of one of the formats here.
pub fn recognised(view: &MessageView) -> bool {
    is_ses_notification(&view.report_text)
        || is_fml(view)
        || is_apache_james(&view.report_text)
        || view.report_text.contains(NOTES_MARKER)
        || is_sendmail_v5(view)
}

fn is_ses_notification(text: &str) -> bool {
    text.contains("\"notificationType\"") || text.contains("\\\"notificationType\\\"")
}

/// Amazon SES bounce notifications delivered by SNS e-mail: a JSON body whose `Message` is
/// itself JSON (`notificationType`, `bounce.bouncedRecipients[]`).
fn amazon_ses_notification(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    let text = &view.report_text;
    if !is_ses_notification(text) {
        return None;
    }
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let json = text.get(start..=end)?;
    // SNS e-mail folds long lines (a newline and a space inside the JSON strings).
    let outer: serde_json::Value = serde_json::from_str(json)
        .or_else(|_| serde_json::from_str(&json.replace("\n ", "")))
        .or_else(|_| serde_json::from_str(&json.replace('\n', "")))
        .ok()?;
    let inner = match outer.get("Message") {
        Some(serde_json::Value::String(s)) => serde_json::from_str(s).ok()?,
        _ => outer,
    };
    let kind = inner
        .get("notificationType")
        .or_else(|| inner.get("eventType"))?
        .as_str()?;
    let field = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let mut out = Vec::new();
    match kind {
        "Bounce" => {
            let bounce = inner.get("bounce")?;
            for r in bounce.get("bouncedRecipients")?.as_array()? {
                let Some(address) = field(r, "emailAddress") else {
                    continue;
                };
                let diagnostic = field(r, "diagnosticCode").unwrap_or_default();
                let diagnostic = diagnostic
                    .split_once(';')
                    .filter(|(t, _)| t.len() < 12 && !t.contains(' '))
                    .map(|(_, d)| d.trim().to_string())
                    .unwrap_or(diagnostic);
                out.push(FormatRecipient {
                    address: address.to_lowercase(),
                    diagnostic,
                    status: field(r, "status"),
                    action: field(r, "action"),
                    preset: None,
                });
            }
        }
        "Delivery" => {
            let delivery = inner.get("delivery")?;
            for r in delivery.get("recipients")?.as_array()? {
                if let Some(address) = r.as_str() {
                    out.push(FormatRecipient {
                        address: address.to_lowercase(),
                        diagnostic: field(delivery, "smtpResponse").unwrap_or_default(),
                        status: Some("2.0.0".into()),
                        action: Some("delivered".into()),
                        preset: Some(Reason::Delivered),
                    });
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

fn is_fml(view: &MessageView) -> bool {
    view.header("x-mlserver")
        .is_some_and(|v| v.to_ascii_lowercase().contains("fml"))
}

/// fml (a mailing list manager) refusing a post: the poster is the bounce's addressee.
fn fml(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    if !is_fml(view) {
        return None;
    }
    let address = view.to_addresses.first()?.clone();
    let text = format!("{}\n{}", view.subject, view.report_text);
    let lower = text.to_lowercase();
    let preset = if lower.contains("are not member") || lower.contains("not a member of") {
        Some(Reason::Rejected)
    } else if lower.contains("security alert") || lower.contains("security warning") {
        Some(Reason::SecurityError)
    } else {
        None
    };
    Some(vec![FormatRecipient {
        address,
        diagnostic: view.report_text.trim().to_string(),
        preset,
        ..FormatRecipient::default()
    }])
}

const NOTES_MARKER: &str = "------- Failure Reasons";

/// Lotus Notes / Domino: "------- Failure Reasons --------", the reason, then the recipient
/// on a line of its own, up to "------- Returned Message --------".
fn notes(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    let text = &view.report_text;
    let (_, after) = text.split_once(NOTES_MARKER)?;
    let section = after
        .split_once("------- Returned Message")
        .map_or(after, |(s, _)| s);
    let mut reason_lines: Vec<&str> = Vec::new();
    let mut out: Vec<FormatRecipient> = Vec::new();
    for line in section.lines().skip(1) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let address = t.trim_matches(['<', '>']);
        if is_plausible(address) && !address.contains(' ') {
            out.push(FormatRecipient {
                address: address.to_lowercase(),
                diagnostic: reason_lines.join(" "),
                ..FormatRecipient::default()
            });
            reason_lines.clear();
        } else {
            reason_lines.push(t);
        }
    }
    Some(out)
}

fn is_apache_james(text: &str) -> bool {
    text.contains("Error message below:") && text.contains("Message details:")
}

/// Apache James: the remote reply under "Error message below:", the recipient in the
/// "Message details:" table (`RCPT TO: a@b`).
fn apache_james(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    let text = &view.report_text;
    if !is_apache_james(text) {
        return None;
    }
    let (head, details) = text.split_once("Message details:")?;
    let diagnostic = head
        .split_once("Error message below:")
        .map(|(_, d)| d)
        .unwrap_or(head)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out: Vec<FormatRecipient> = Vec::new();
    for line in details.lines() {
        let t = line.trim();
        // `get` rather than indexing: byte 8 may fall inside a multi-byte character.
        if let (Some(label), Some(rest)) = (t.get(..8), t.get(8..))
            && label.eq_ignore_ascii_case("rcpt to:")
        {
            for address in find_addresses(rest) {
                if is_plausible(&address) && !out.iter().any(|r| r.address == address) {
                    out.push(FormatRecipient {
                        address,
                        diagnostic: diagnostic.clone(),
                        ..FormatRecipient::default()
                    });
                }
            }
        }
    }
    Some(out)
}

const TRANSCRIPT_MARKER: &str = "----- Transcript of session follows -----";

/// Sendmail version 5 without a delivery-status part: "Returned mail: " subject and a session
/// transcript with "While talking to" blocks.
fn is_sendmail_v5(view: &MessageView) -> bool {
    view.delivery_status.is_empty()
        && view
            .header("subject")
            .is_some_and(|s| s.starts_with("Returned mail: "))
        && view.report_text.contains(TRANSCRIPT_MARKER)
        && view.report_text.contains("While talking to ")
}

/// Sendmail version 5 transcript. Within a "While talking to HOST:" block, the `<<<` reply to
/// `MAIL` belongs to the recipient line that follows it (the whole envelope was refused), a
/// `>>> RCPT To:<a>` line opens that recipient, and `NNN <a>... text` lines name one; a
/// summary line without an address (`550 example.org (smtp)... 550 Host unknown`) is nobody's.
fn sendmail_v5(view: &MessageView) -> Option<Vec<FormatRecipient>> {
    if !is_sendmail_v5(view) {
        return None;
    }
    let text = &view.report_text;
    let (_, after) = text.split_once(TRANSCRIPT_MARKER)?;
    let section = after
        .split_once("----- Unsent message follows -----")
        .or_else(|| after.split_once("----- No message was collected -----"))
        .map_or(after, |(s, _)| s);
    let mut out: Vec<FormatRecipient> = Vec::new();
    // Lines waiting for the next recipient (the reply to `MAIL`).
    let mut pending = String::new();
    let mut last_command = "";
    let mut talking = false;
    let push = |d: &mut String, l: &str| {
        if !d.is_empty() {
            d.push(' ');
        }
        d.push_str(l);
    };
    for line in section.lines() {
        let t = line.trim_end();
        if t.is_empty() {
            continue;
        }
        if t.starts_with("While talking to ") {
            talking = true;
            continue;
        }
        if let Some(cmd) = t.strip_prefix(">>> ") {
            last_command = if cmd.to_ascii_uppercase().starts_with("MAIL") {
                "MAIL"
            } else {
                ""
            };
        }
        let named = address_in_transcript_line(t);
        let Some(addr) = named.filter(|_| talking) else {
            if t.starts_with("<<< ") || t.starts_with(">>> ") {
                if let Some(r) = out.last_mut() {
                    push(&mut r.diagnostic, t);
                } else {
                    push(&mut pending, t);
                }
            }
            continue;
        };
        if last_command == "MAIL" && t.starts_with("<<< ") {
            push(&mut pending, t);
            continue;
        }
        match out.last_mut() {
            Some(r) if r.address == addr => push(&mut r.diagnostic, t),
            _ => {
                let mut diagnostic = std::mem::take(&mut pending);
                push(&mut diagnostic, t);
                out.push(FormatRecipient {
                    address: addr,
                    diagnostic,
                    ..FormatRecipient::default()
                });
                last_command = "";
            }
        }
    }
    Some(out)
}

/// The address a transcript line is about: `NNN <a>... text`, `<<< NNN <a>... text` or
/// `>>> RCPT To:<a>`.
fn address_in_transcript_line(line: &str) -> Option<String> {
    let upper = line.to_ascii_uppercase();
    let inner = if let Some(at) = upper.find(">>> RCPT TO:") {
        let rest = &line[at + ">>> RCPT TO:".len()..];
        let rest = rest.trim_start().strip_prefix('<')?;
        &rest[..rest.find('>')?]
    } else {
        let open = line.find(" <")?;
        let rest = &line[open + 2..];
        let close = rest.find(">...")?;
        &rest[..close]
    };
    is_plausible(inner).then(|| inner.to_lowercase())
}
