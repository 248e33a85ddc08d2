//! Inbound signals from raw e-mail: bounces (delivery status notifications), complaints
//! (ARF feedback-loop reports) and auto-replies, each turned into per-recipient results with a
//! [`Reason`] from one taxonomy and its [`Severity`] (hard, soft, neither) for the policy
//! engine: a hard bounce blocks the address for deliverability, a soft one is counted, a
//! complaint is an opt-out, an auto-reply is never a bounce.
//!
//! Sans-IO: bytes in, [`Analysis`] out. [`analyse`] never panics on any input; input that is
//! not e-mail at all is a [`ParseError`].
//!
//! # Layout
//!
//! - [`reason`]: the reason taxonomy and severities.
//! - [`rules`]: the classification rule table (phrases, status codes, fallbacks).
//! - [`dsn`]: the RFC 3464 `message/delivery-status` field parser.
//! - [`smtp`]: status codes, reply codes and SMTP commands in free text.
//! - [`mta`]: plain-text bounce formats of mail servers and providers.
//! - [`arf`]: complaint reports (RFC 5965).
//! - [`autoreply`]: auto-replies (RFC 3834).
//! - [`message`]: the view of a parsed MIME message the readers share.
//! - [`eval`]: agreement of the classifier with a labelled folder of messages.
#![forbid(unsafe_code)]

pub mod arf;
pub mod autoreply;
pub mod dsn;
mod error;
pub mod eval;
pub mod message;
pub mod mta;
pub mod reason;
pub mod rhost;
pub mod rules;
pub mod smtp;
pub mod wording;

use serde::Serialize;

pub use error::ParseError;
pub use eval::{BounceEval, EvalError, evaluate_dir};
pub use reason::{Reason, Severity, UnknownReason};

use message::MessageView;
use rules::Evidence;
use smtp::Command;

/// Messages larger than this are refused: no real bounce or report comes near it.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// What kind of signal a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// A delivery failure (or delay) report.
    Bounce,
    /// A delivery status notification reporting success only.
    Delivered,
    /// A complaint / feedback-loop report.
    Complaint,
    /// An automatic reply (out of office, vacation).
    AutoReply,
    /// Ordinary mail, or nothing this crate recognises.
    NotASignal,
}

/// The result for one recipient named by the signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientResult {
    /// The recipient address, lower-case (empty when the report names nobody).
    pub address: String,
    /// Enhanced status code (RFC 3463), e.g. `5.1.1`.
    pub status: Option<String>,
    /// SMTP reply code, e.g. `550`.
    pub reply_code: Option<u16>,
    /// The diagnostic text: the remote server's reply or the reporter's words.
    pub diagnostic: Option<String>,
    /// Why.
    pub reason: Reason,
    /// Whether the address itself is dead (a hard bounce).
    pub hard: bool,
    /// The DSN `Action` (`failed`, `delayed`, `delivered` …).
    pub action: Option<String>,
    /// The remote server that answered, when known.
    pub remote_mta: Option<String>,
    /// The SMTP command the refusal answered, when known.
    pub command: Option<Command>,
    /// For complaints, the ARF `Feedback-Type`.
    pub feedback_type: Option<String>,
}

impl RecipientResult {
    /// The severity of this result.
    pub fn severity(&self) -> Severity {
        self.reason.severity_for(self.status.as_deref())
    }
}

/// Everything read from one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// The kind of signal.
    pub kind: SignalKind,
    /// One result per recipient (empty for [`SignalKind::NotASignal`]).
    pub recipients: Vec<RecipientResult>,
    /// `Message-ID` of the returned original message, to tie the signal to a send.
    pub original_message_id: Option<String>,
    /// `Message-ID` of the signal itself.
    pub message_id: Option<String>,
    /// The reporting server (`Reporting-MTA`), when known.
    pub reporting_mta: Option<String>,
}

/// Reads one raw message (RFC 5322 bytes, any line endings).
pub fn analyse(raw: &[u8]) -> Result<Analysis, ParseError> {
    analyse_at(raw, 0)
}

/// [`analyse`] of a message found `depth` levels inside another.
fn analyse_at(raw: &[u8], depth: usize) -> Result<Analysis, ParseError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge {
            size: raw.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NoHeaders)?;
    if msg.root_part().headers.is_empty() {
        return Err(ParseError::NoHeaders);
    }
    let mut view = MessageView::new(&msg);
    if depth > 0 {
        // A returned message's own addressee is the failed recipient, not the bounce's reader.
        view.to_addresses.clear();
    }
    let mut analysis = Analysis {
        kind: SignalKind::NotASignal,
        recipients: Vec::new(),
        original_message_id: view.original.as_ref().and_then(|o| o.message_id.clone()),
        message_id: view.message_id.clone(),
        reporting_mta: None,
    };

    if arf::is_complaint(&view) {
        let complaint = arf::read(raw, &view);
        analysis.kind = SignalKind::Complaint;
        analysis.recipients = complaint
            .recipients
            .into_iter()
            .map(|address| {
                signal_result(address, Reason::Feedback, complaint.feedback_type.clone())
            })
            .collect();
        return Ok(analysis);
    }

    // A message returned inside a relay's notice is read as a bounce whatever its headers.
    let bounce_like =
        depth > 0 || !view.delivery_status.is_empty() || mta::looks_like_bounce(&view);
    if autoreply::is_auto_reply(&view) && !bounce_like {
        analysis.kind = SignalKind::AutoReply;
        analysis.recipients = vec![signal_result(
            view.from_address.clone(),
            Reason::Vacation,
            None,
        )];
        return Ok(analysis);
    }

    let recipients = if bounce_like {
        bounce_recipients(&view, &mut analysis.reporting_mta)
    } else {
        Vec::new()
    };
    if recipients.is_empty() {
        if autoreply::is_auto_reply(&view) {
            analysis.kind = SignalKind::AutoReply;
            analysis.recipients = vec![signal_result(
                view.from_address.clone(),
                Reason::Vacation,
                None,
            )];
        }
        return Ok(analysis);
    }
    // A relay's notice that says nothing of its own (no status, no known wording) around a
    // returned message that is itself a bounce (a gateway forwarding the remote server's
    // DSN): the inner bounce tells.
    let vague = recipients
        .iter()
        .all(|r| r.status.is_none() && matches!(r.reason, Reason::OnHold | Reason::Undefined));
    if vague
        && depth == 0
        && let Some(inner) = embedded_bounce(&msg)
    {
        analysis.kind = inner.kind;
        analysis.recipients = inner.recipients;
        analysis.reporting_mta = analysis.reporting_mta.or(inner.reporting_mta);
        return Ok(analysis);
    }
    analysis.kind = if recipients.iter().all(|r| r.reason == Reason::Delivered) {
        SignalKind::Delivered
    } else {
        SignalKind::Bounce
    };
    analysis.recipients = recipients;
    Ok(analysis)
}

/// The first attached message that is itself a bounce with a definite result.
fn embedded_bounce(msg: &mail_parser::Message<'_>) -> Option<Analysis> {
    msg.parts.iter().find_map(|part| {
        let mail_parser::PartType::Message(inner) = &part.body else {
            return None;
        };
        let a = analyse_at(inner.raw_message(), 1).ok()?;
        (a.kind == SignalKind::Bounce
            && a.recipients
                .iter()
                .any(|r| !matches!(r.reason, Reason::OnHold | Reason::Undefined)))
        .then_some(a)
    })
}

fn signal_result(
    address: String,
    reason: Reason,
    feedback_type: Option<String>,
) -> RecipientResult {
    RecipientResult {
        address,
        status: None,
        reply_code: None,
        diagnostic: None,
        reason,
        hard: false,
        action: None,
        remote_mta: None,
        command: None,
        feedback_type,
    }
}

/// One failed recipient before classification.
#[derive(Debug, Default)]
struct Candidate {
    address: String,
    status: Option<String>,
    diagnostic: String,
    diagnostic_type: Option<String>,
    action: Option<String>,
    remote_mta: Option<String>,
    /// The prose about this recipient in the human-readable part.
    block: String,
    /// A reason the format reader decided from the vendor's own error table.
    preset: Option<Reason>,
}

fn bounce_recipients(
    view: &MessageView,
    reporting_mta: &mut Option<String>,
) -> Vec<RecipientResult> {
    let section = mta::error_section(&view.report_text).to_string();
    let text_blocks = mta::scan(view);
    let mut candidates = dsn_candidates(view, reporting_mta);
    // A format reader has taken the recipient's own lines; the rest of the text is no
    // evidence about the refusal.
    let mut from_reader = false;
    if candidates.is_empty()
        && let Some(found) = mta::readers::read(view)
    {
        from_reader = true;
        candidates = found
            .into_iter()
            .map(|r| Candidate {
                address: r.address,
                status: r.status,
                block: r.diagnostic.clone(),
                diagnostic: r.diagnostic,
                action: r.action,
                preset: r.preset,
                ..Candidate::default()
            })
            .collect();
    }
    if candidates.is_empty() {
        candidates = text_blocks
            .iter()
            .map(|b| Candidate {
                address: b.address.clone(),
                diagnostic: b.diagnostic.clone(),
                block: b.diagnostic.clone(),
                ..Candidate::default()
            })
            .collect();
    } else {
        // Fill a missing or bare diagnostic from the prose block about the same address.
        for c in &mut candidates {
            if let Some(b) = text_blocks.iter().find(|b| b.address == c.address) {
                c.block.clone_from(&b.diagnostic);
            }
            // Postfix's prose ends the remote reply with the stage ("(in reply to MAIL FROM
            // command)") that its `Diagnostic-Code` leaves out; some wordings are known only
            // with it.
            if !c.diagnostic.is_empty()
                && !c.diagnostic.contains("(in reply to ")
                && let Some(at) = c.block.find("(in reply to ")
                && let Some(end) = c.block[at..].find(')')
            {
                let stage = c.block[at..at + end + 1].to_string();
                c.diagnostic.push(' ');
                c.diagnostic.push_str(&stage);
            }
            // Only a missing or empty diagnostic is filled: the prose of a transcript mixes
            // replies about other recipients and earlier attempts.
            let bare = c.diagnostic.trim().len() < 8;
            if bare
                && let Some(b) = text_blocks.iter().find(|b| b.address == c.address)
                && !b.diagnostic.is_empty()
            {
                if c.diagnostic.is_empty() {
                    c.diagnostic = b.diagnostic.clone();
                } else {
                    c.diagnostic = format!("{} {}", c.diagnostic, b.diagnostic);
                }
            }
        }
    }
    let replies = transcript_replies(&view.report_text);
    for c in &mut candidates {
        // A diagnostic that is the first line of a multi-line reply in the session transcript
        // (Sendmail keeps only that line in the `Diagnostic-Code`) is read in full.
        let head = c.diagnostic.trim();
        if head.len() >= 12
            && let Some(full) = replies
                .iter()
                .find(|r| r.len() > head.len() && r.starts_with(head))
        {
            c.diagnostic.clone_from(full);
        }
        if c.preset.is_none() {
            c.preset = mta::vendor::preset(view, &c.diagnostic);
        }
    }
    let context = if candidates.len() == 1 && !from_reader {
        section.as_str()
    } else {
        ""
    };
    // Hosts the bounce passed through, for the remote-service rules.
    let received: Vec<String> = view
        .header_all("received")
        .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let mut received = received;
    // The reporting server is the last place to know the service by (Sisimai's "lhost").
    received.extend(reporting_mta.iter().cloned());
    candidates
        .into_iter()
        .map(|c| finish(c, context, &received))
        .collect()
}

/// The remote server's multi-line replies in a session transcript (`<<< ` lines), each joined
/// into one line: the first line as written, the continuation lines without their reply code
/// and status code.
fn transcript_replies(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let Some(reply) = line.trim_start().strip_prefix("<<<") else {
            out.extend(current.take());
            continue;
        };
        let reply = reply.trim();
        match current.as_mut() {
            None => current = Some(reply.to_string()),
            Some(joined) => {
                let code_len = reply.bytes().take_while(u8::is_ascii_digit).count();
                let rest = if code_len == 3 {
                    let rest = reply[3..].trim_start_matches(['-', ' ']);
                    match smtp::find_status(rest) {
                        Some(st) if rest.starts_with(st.as_str()) => rest[st.len()..].trim_start(),
                        _ => rest,
                    }
                } else {
                    reply
                };
                joined.push(' ');
                joined.push_str(rest);
            }
        }
    }
    out.extend(current);
    out.retain(|r| r.contains(' '));
    out
}

fn dsn_candidates(view: &MessageView, reporting_mta: &mut Option<String>) -> Vec<Candidate> {
    let mut reports: Vec<dsn::DeliveryStatus> =
        view.delivery_status.iter().map(|t| dsn::parse(t)).collect();
    if reports.iter().all(|r| r.recipients.is_empty()) && dsn::looks_like_fields(&view.report_text)
    {
        reports = vec![dsn::parse(&view.report_text)];
    }
    let mut all = Vec::new();
    for report in reports {
        if reporting_mta.is_none() {
            reporting_mta.clone_from(&report.message.reporting_mta);
        }
        for r in report.recipients {
            let Some(address) = r.address().map(str::to_lowercase) else {
                continue;
            };
            if address.is_empty() {
                continue;
            }
            if let Some(existing) = all
                .iter_mut()
                .find(|c: &&mut Candidate| c.address == address)
            {
                // The same recipient twice (e.g. text/plain fields beside the real part).
                if existing.diagnostic.is_empty() {
                    existing.diagnostic = r.diagnostic_code.unwrap_or_default();
                }
                continue;
            }
            all.push(Candidate {
                address,
                status: r.status,
                diagnostic: r.diagnostic_code.unwrap_or_default(),
                diagnostic_type: r.diagnostic_type,
                action: r.action,
                remote_mta: r.remote_mta,
                block: String::new(),
                preset: None,
            });
        }
    }
    // Report failures; a report of deliveries only is kept as such.
    let failed: Vec<Candidate> = all
        .iter()
        .filter(|c| !is_success(c))
        .map(|c| Candidate {
            address: c.address.clone(),
            status: c.status.clone(),
            diagnostic: c.diagnostic.clone(),
            diagnostic_type: c.diagnostic_type.clone(),
            action: c.action.clone(),
            remote_mta: c.remote_mta.clone(),
            block: String::new(),
            preset: None,
        })
        .collect();
    if failed.is_empty() { all } else { failed }
}

/// Classifies one recipient's failure as an e-mail service provider reports it in an event
/// (enhanced status code, the remote server's reply, the remote server): the same rules, service
/// tables and hard/soft judgement as for a recipient of a bounce message. `diagnostic` is the
/// reply without its `smtp;` type prefix; `action` is the DSN action the event stands for
/// (`failed`, `delayed`).
pub fn classify_recipient(
    address: &str,
    status: Option<&str>,
    diagnostic: &str,
    action: Option<&str>,
    remote_mta: Option<&str>,
) -> RecipientResult {
    let candidate = Candidate {
        address: address.to_string(),
        status: status.map(str::to_string),
        diagnostic: diagnostic.to_string(),
        diagnostic_type: None,
        action: action.map(str::to_string),
        remote_mta: remote_mta.map(str::to_string),
        block: String::new(),
        preset: None,
    };
    finish(candidate, "", &[])
}

fn is_success(c: &Candidate) -> bool {
    matches!(
        c.action.as_deref(),
        Some("delivered" | "relayed" | "expanded")
    ) || c.status.as_deref().is_some_and(|s| s.starts_with("2."))
}

fn finish(mut c: Candidate, context: &str, received: &[String]) -> RecipientResult {
    c.diagnostic = smtp::fold_continuations(&c.diagnostic);
    let reply_code = smtp::find_reply_code(&c.diagnostic);
    let mut diag_status = smtp::find_status(&c.diagnostic);
    // A session transcript: the `250 2.0.0 Ok` of earlier commands is not the refusal's
    // status; the one after the failing reply code is.
    if diag_status.as_deref().is_some_and(|s| s.starts_with("2."))
        && let Some(code) = reply_code.filter(|c| *c >= 400)
        && let Some(at) = c.diagnostic.find(&format!("{code} "))
    {
        diag_status = smtp::find_status(&c.diagnostic[at..]).or(diag_status);
    }
    let status = smtp::prefer_status(c.status.as_deref(), diag_status.as_deref(), reply_code);
    let command = smtp::find_command(&c.diagnostic)
        .or_else(|| smtp::find_command(&c.block))
        .or_else(|| smtp::find_command(context));
    // A service with its own error table (the recipient's domain, the remote server, the
    // hosts in the diagnostic or the bounce's path) decides first.
    let destination = c.address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    let mut hosts: Vec<&str> = Vec::new();
    if let Some(r) = c.remote_mta.as_deref() {
        hosts.extend(r.split([' ', ';', '[', ']']));
    }
    hosts.extend(
        c.diagnostic
            .split(|ch: char| ch.is_whitespace() || "<>()[]:;,'\"".contains(ch))
            .filter(|t| t.contains('.') && t.chars().any(|ch| ch.is_ascii_alphabetic())),
    );
    hosts.extend(received.iter().map(String::as_str));
    let settled = c.preset.is_some_and(|p| !rules::is_retried(p));
    let by_service = rhost::service(destination, &hosts)
        .filter(|_| !settled)
        .and_then(|s| {
            rhost::reason_with_reply(s, &c.diagnostic, status.as_deref(), reply_code, command)
        });
    let reason = by_service.unwrap_or_else(|| {
        rules::classify(&Evidence {
            diagnostic: &c.diagnostic,
            status: status.as_deref(),
            reply_code,
            action: c.action.as_deref(),
            diagnostic_type: c.diagnostic_type.as_deref(),
            command,
            preset: c.preset,
            context,
        })
    });
    let status = status.or_else(|| smtp::find_status(context));
    // A reason the format's own table decided stands for the failure as the format reports
    // it (Sisimai gives it its own status code), whatever a queue notice's 4.x.x says.
    let hard = if settled && c.preset == Some(reason) {
        reason.severity() == Severity::Hard
    } else {
        reason.is_hard(status.as_deref())
    };
    RecipientResult {
        hard,
        reply_code,
        diagnostic: (!c.diagnostic.trim().is_empty()).then(|| c.diagnostic.trim().to_string()),
        address: c.address,
        status,
        reason,
        action: c.action,
        remote_mta: c.remote_mta,
        command,
        feedback_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_replies_are_joined() {
        let text = "... while talking to mx.example.jp.:\n>>> DATA\n<<< 550-5.7.1 Unauthenticated email is not accepted due to domain's\n<<< 550 5.7.1 DMARC policy.\n554 5.0.0 Service unavailable\n";
        let r = transcript_replies(text);
        assert_eq!(
            r,
            vec!["550-5.7.1 Unauthenticated email is not accepted due to domain's DMARC policy."]
        );
    }

    #[test]
    fn ses_notification() {
        let raw = b"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\nContent-Type: text/plain\n\n{\"Type\":\"Notification\",\"Message\":\"{\\\"notificationType\\\":\\\"Bounce\\\",\\\"bounce\\\":{\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\"a@example.jp\\\",\\\"action\\\":\\\"failed\\\",\\\"status\\\":\\\"5.1.1\\\",\\\"diagnosticCode\\\":\\\"smtp; 550 5.1.1 user unknown\\\"}]}}\"}\n";
        let a = analyse(raw).unwrap();
        assert_eq!(a.kind, SignalKind::Bounce);
        assert_eq!(a.recipients.len(), 1);
        assert_eq!(a.recipients[0].address, "a@example.jp");
        assert_eq!(a.recipients[0].reason, Reason::UserUnknown);
    }

    #[test]
    fn sendmail_v5_transcript() {
        let raw = b"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\nTo: s@example.co.jp\nSubject: Returned mail: User unknown\n\n   ----- Transcript of session follows -----\nWhile talking to mx.example.org:\n>>> MAIL From:<s@example.co.jp>\n<<< 501 <s@example.co.jp>... no access from mail server [192.0.2.55] which is an open relay.\n554 <a@example.org>... Remote protocol error\n550 example.org (smtp)... 550 Host unknown\n554 <b@example.org>... 550 Host unknown (Authoritative answer from name server)\nWhile talking to smtp.example.edu:\n>>> RCPT To:<c@example.edu>\n<<< 550 <c@example.edu>... User unknown\n550 <c@example.edu>... User unknown\n\n   ----- Unsent message follows -----\nFrom: s@example.co.jp\nTo: a@example.org\n\nhi\n";
        let a = analyse(raw).unwrap();
        let got: Vec<(&str, Reason)> = a
            .recipients
            .iter()
            .map(|r| (r.address.as_str(), r.reason))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a@example.org", Reason::Blocked),
                ("b@example.org", Reason::HostUnknown),
                ("c@example.edu", Reason::UserUnknown),
            ]
        );
    }

    #[test]
    fn transcript_status_is_the_failing_replys() {
        let c = Candidate {
            address: "a@example.jp".into(),
            diagnostic: "Out: 250 2.0.0 Ok In: DATA Out: 451 4.3.0 Error: queue file write error"
                .into(),
            ..Candidate::default()
        };
        let r = finish(c, "", &[]);
        assert_eq!(r.status.as_deref(), Some("4.3.0"));
        assert_eq!(r.reason, Reason::SystemError);
    }
}
