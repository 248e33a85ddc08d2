//! Inbound signals: one raw e-mail (or provider event) in, the right action out.
//!
//! Every signal is first stored with its raw bytes ([`process`]): a message already processed
//! (same bytes) or an event delivered again (same provider event id) returns its recorded
//! outcome and changes nothing. [`ingest`] then decides, in order:
//!
//! 1. mail to the `unsubscribe+TOKEN@…` address of a `List-Unsubscribe` header → the
//!    one-click unsubscribe of [`crate::api::unsubscribe::apply`];
//! 2. what `veto_bounce` reads:
//!    - a hard bounce suppresses each dead address (`hard_bounce`, source `bounce`), except
//!      that DNS failures and full mailboxes are soft at first;
//!    - a soft bounce of the recipient's side is counted, and the tenant's bounce policy
//!      (default 3 spanning 15 days) blocks the address (`soft_bounce_limit`);
//!    - a complaint suppresses the complaining recipient (`complaint`, source
//!      `feedback_loop`);
//!    - a delivery report starts the recipient's soft-bounce count again;
//!    - auto-replies change nothing and never count as bounces;
//! 3. otherwise what `veto_replies` reads: a stop request suppresses the sender
//!    (`stop_request`, source `reply`); "not interested" and "wrong person" follow the tenant's
//!    reply policy (default: suppress); any reply starts the sender's soft-bounce count again;
//!    out-of-office and every other class change nothing.
//!
//! A reply also stops its sender's pending enrolments, an out-of-office postpones them, and a
//! refusal may pause or suppress the colleagues of the same company ([`sequences`]); a signal
//! that comes back to a VERP return path names the send it answers.
//!
//! Suppressions take the store path of `POST /v1/suppressions` (one transaction with its audit
//! event, actor = the ingesting caller), their evidence names the signal, and the signal's own
//! `signal.processed` audit event lists what was done; the node's index is brought up to date
//! before the answer, so the next check sees them.

pub mod events;
pub mod mailbox;
pub mod process;
pub mod sequences;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc2822;
use utoipa::ToSchema;
use veto_bounce::{Analysis, SignalKind};
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::policy::ReplyAction;
use veto_domain::signal::{Via, raw_message_key};
use veto_domain::suppression::{Reason, SourceChannel};
use veto_domain::unsubscribe::{SealedToken, token_from_mailto_recipient};
use veto_replies::ReplyClass;

use crate::api::unsubscribe::{UnsubscribeError, Via as UnsubscribeVia, apply, apply_send};
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};
use process::{Begun, Processing, Received};

/// Largest message `POST /v1/inbound/mime` reads.
pub const MAX_MESSAGE_BYTES: usize = 25 << 20;

/// Longest reply text quoted in an entry's evidence.
const MAX_QUOTE_CHARS: usize = 500;

/// What was done for one address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalAction {
    /// The address concerned (lower-case as read; empty when the signal names nobody).
    pub address: String,
    /// suppressed | already_suppressed | counted (a soft bounce) | reset (a delivery or reply
    /// restarted the soft-bounce count) | ignored | enrollment_stopped (a reply ended the
    /// sender's sequence; `reason` is the sequence id) | enrollment_postponed (out of office) |
    /// enrollment_paused (the company rule) | company_suppressed | company_already_suppressed
    pub action: String,
    /// The suppression reason, or for other actions what the signal was (`mailbox_full`,
    /// `vacation`, `out_of_office` …).
    pub reason: String,
    /// The entry in force, when suppressed or already suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// Why nothing (or only counting) was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Soft bounces counted for the address so far (for `counted`, and for a
    /// `soft_bounce_limit` suppression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_bounces: Option<u32>,
}

/// What one inbound message was and what was done about it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IngestOutcome {
    /// The stored signal (raw message at `GET /v1/signals/{id}/raw`).
    #[serde(default)]
    pub signal_id: String,
    /// True when this message or event was processed before: the outcome is the one recorded
    /// then, and nothing was done again.
    #[serde(default)]
    pub duplicate: bool,
    /// bounce | complaint | reply | auto_reply | unsubscribe_link | delivered | not_a_signal
    /// (for provider events: the event kind)
    pub kind: String,
    /// The `Message-ID` of the inbound message, when it has one.
    pub message_id: Option<String>,
    /// For replies: the class (unsubscribe, not_interested, wrong_person, out_of_office,
    /// auto_reply, bounce, interested, other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// For bounces and complaints: the reasons read, one per recipient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub actions: Vec<SignalAction>,
    /// For out-of-office replies: the first day the person is expected back (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_date: Option<String>,
    /// The send this signal answers, when it came back to a VERP return path
    /// (`bounces+TOKEN@…`) of this tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_id: Option<String>,
}

impl IngestOutcome {
    pub(crate) fn new(kind: &str, message_id: Option<String>) -> Self {
        Self {
            signal_id: String::new(),
            duplicate: false,
            kind: kind.to_string(),
            message_id,
            class: None,
            reasons: Vec::new(),
            actions: Vec::new(),
            return_date: None,
            send_id: None,
        }
    }
}

/// Reads one raw RFC 5322 message for the tenant of `ctx` and applies what it asks for.
pub async fn ingest(
    state: &AppState,
    ctx: &TenantCtx,
    actor: Actor,
    raw: &[u8],
    via: Via,
) -> Result<IngestOutcome, ApiError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ApiError::invalid(
            "message",
            format!(
                "message of {} bytes is larger than the {MAX_MESSAGE_BYTES}-byte limit",
                raw.len()
            ),
        ));
    }
    let headers = header_fields(raw);
    if headers.is_empty() {
        return Err(ApiError::invalid(
            "message",
            "not an RFC 5322 message: no header field before the first empty line",
        ));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let message_id = header("message-id");
    // When the signal happened: its Date, unless missing, unreadable or in the future.
    let now = veto_domain::now();
    let at = header("date")
        .and_then(|d| Timestamp::parse(&d, &Rfc2822).ok())
        .map(veto_domain::truncate_micros)
        .filter(|d| *d <= now)
        .unwrap_or(now);

    // Mail to the mailto unsubscribe address: the token is read from the raw header value
    // (tokens are case-sensitive; no address normalisation before this).
    let tokens: Vec<String> = headers
        .iter()
        .filter(|(n, _)| {
            ["to", "delivered-to", "x-original-to"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
        })
        .flat_map(|(_, v)| recipients_of(v))
        .filter_map(|r| token_from_mailto_recipient(&r).map(str::to_string))
        .collect();
    // Bounces, complaints, auto-replies: read before anything is stored, so input that is
    // not e-mail at all is refused without a trace.
    let analysis = if tokens.is_empty() {
        Some(
            veto_bounce::analyse(raw)
                .map_err(|e| ApiError::invalid("message", format!("not an e-mail message: {e}")))?,
        )
    } else {
        None
    };
    let message_id = message_id.or_else(|| analysis.as_ref().and_then(|a| a.message_id.clone()));
    let received = Received {
        key: raw_message_key(raw),
        via,
        content_type: "message/rfc822",
        raw: raw.to_vec(),
        message_id,
    };
    let mut p = match Processing::begin(state, ctx, actor, received).await? {
        Begun::Seen(out) => return Ok(*out),
        Begun::New(p) => *p,
    };
    // Came back to one of this tenant's VERP return paths: which send it answers.
    let verp_key = AppState::verp_key(&ctx.tenant.secret);
    p.out.send_id = headers
        .iter()
        .filter(|(n, _)| {
            ["to", "delivered-to", "x-original-to", "envelope-to"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
        })
        .flat_map(|(_, v)| recipients_of(v))
        .find_map(|r| veto_sending::ReturnPath::decode(&r, &verp_key))
        .map(|id| veto_domain::id::SendId(uuid::Uuid::from_bytes(id)).to_string());
    let refs = sequences::referenced_ids(&headers);
    match analysis {
        None => unsubscribe_by_mail(&mut p, dedup(tokens)).await?,
        Some(analysis) => match analysis.kind {
            SignalKind::Bounce => bounce(&mut p, &analysis, at).await?,
            SignalKind::Complaint => complaint(&mut p, &analysis).await?,
            SignalKind::AutoReply => {
                p.out.kind = "auto_reply".into();
                for r in &analysis.recipients {
                    p.ignore(
                        &r.address,
                        "vacation",
                        "automatic reply: not an opt-out, never a bounce",
                    );
                }
                // An out-of-office often says when the person is back.
                if let Ok(c) = veto_replies::classify(raw)
                    && c.class == ReplyClass::OutOfOffice
                {
                    p.out.class = Some(c.class.as_str().to_string());
                    p.out.return_date = c.return_date.map(|d| d.to_string());
                    let from = header("from")
                        .and_then(|f| recipients_of(&f).into_iter().next())
                        .unwrap_or_default();
                    sequences::follow_reply(&mut p, &from, c.class, c.return_date, &refs).await?;
                }
            }
            SignalKind::Delivered => {
                p.out.kind = "delivered".into();
                for r in &analysis.recipients {
                    delivered(&mut p, &r.address, "delivery report: the message arrived").await?;
                }
            }
            SignalKind::NotASignal => reply(&mut p, raw, &refs).await?,
        },
    }
    p.finish().await
}

/// A delivery to `address`: its soft-bounce count starts again.
pub(crate) async fn delivered(
    p: &mut Processing<'_>,
    address: &str,
    what: &str,
) -> Result<(), ApiError> {
    let reset = p.reset(address).await?;
    p.out.actions.push(SignalAction {
        address: address.to_string(),
        action: if reset { "reset" } else { "ignored" }.into(),
        reason: "delivered".into(),
        entry_id: None,
        why: Some(if reset {
            format!("{what}; the soft-bounce count starts again")
        } else {
            what.to_string()
        }),
        soft_bounces: None,
    });
    Ok(())
}

/// Whether a bounce of this reason says something about the recipient's address, so that it
/// counts towards the soft-bounce limit. Failures on the sender's side (its reputation, its
/// content, its rate, its authentication) say nothing about the address and are not counted.
pub fn counts_against_address(reason: veto_bounce::Reason) -> bool {
    use veto_bounce::Reason as R;
    matches!(
        reason,
        R::UserUnknown
            | R::MailboxFull
            | R::HostUnknown
            | R::NotAccept
            | R::HasMoved
            | R::Suspend
            | R::Expired
            | R::NetworkError
            | R::SystemError
            | R::SystemFull
            | R::Filtered
            | R::Undefined
    )
}

/// Whether a hard bounce of this reason is still soft at first: DNS failures and full
/// mailboxes are often temporary whatever the remote server says.
pub fn soft_at_first(reason: veto_bounce::Reason) -> bool {
    matches!(
        reason,
        veto_bounce::Reason::HostUnknown | veto_bounce::Reason::MailboxFull
    )
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.clone()));
    v
}

async fn unsubscribe_by_mail(p: &mut Processing<'_>, tokens: Vec<String>) -> Result<(), ApiError> {
    p.out.kind = "unsubscribe_link".into();
    for token in tokens {
        // The mailto address of a message Veto sent names the send; else it carries a link
        // token.
        let applied = match apply_send(p.state(), p.ctx(), &token).await {
            Some(r) => r,
            None => match SealedToken::decode(&token) {
                // A token of another organisation is not this caller's to apply.
                Ok(s) if s.tenant_id() != p.ctx().tenant.id => {
                    p.ignore(
                        "",
                        "unsubscribe",
                        "the unsubscribe token belongs to another organisation",
                    );
                    continue;
                }
                Ok(_) => apply(p.state(), &token, UnsubscribeVia::Mailto).await,
                Err(e) => {
                    p.ignore("", "unsubscribe", format!("invalid unsubscribe token: {e}"));
                    continue;
                }
            },
        };
        match applied {
            Ok(a) => p.out.actions.push(SignalAction {
                address: a
                    .email
                    .as_ref()
                    .map_or_else(|| a.entry.ident_hash.to_hex(), |e| e.to_string()),
                action: if a.created {
                    "suppressed"
                } else {
                    "already_suppressed"
                }
                .into(),
                reason: Reason::Unsubscribe.to_string(),
                entry_id: Some(a.entry.id.to_string()),
                why: None,
                soft_bounces: None,
            }),
            Err(UnsubscribeError::Store(e)) => return Err(e.into()),
            Err(e) => p.ignore(
                "",
                "unsubscribe",
                format!("unsubscribe token not applied: {e}"),
            ),
        }
    }
    Ok(())
}

async fn bounce(
    p: &mut Processing<'_>,
    analysis: &Analysis,
    at: Timestamp,
) -> Result<(), ApiError> {
    p.out.kind = "bounce".into();
    for r in &analysis.recipients {
        p.out.reasons.push(r.reason.as_str().to_string());
        let mut detail = format!(
            "status {}, reply code {}",
            r.status.as_deref().unwrap_or("-"),
            r.reply_code
                .map_or_else(|| "-".to_string(), |c| c.to_string()),
        );
        if let Some(d) = &r.diagnostic {
            detail.push_str("; diagnostic: ");
            detail.push_str(&truncate(d.trim(), MAX_QUOTE_CHARS));
        }
        if r.hard && !soft_at_first(r.reason) {
            let evidence = format!("Bounce {}: {detail}", p.message_ref());
            p.suppress(
                &r.address,
                Reason::HardBounce,
                SourceChannel::Bounce,
                evidence,
            )
            .await?;
        } else if counts_against_address(r.reason) {
            p.soft_bounce(&r.address, r.reason.as_str(), at, detail)
                .await?;
        } else {
            p.ignore(
                &r.address,
                r.reason.as_str(),
                format!(
                    "a failure on the sending side ({}): says nothing about the address, not counted",
                    r.reason.as_str()
                ),
            );
        }
    }
    Ok(())
}

async fn complaint(p: &mut Processing<'_>, analysis: &Analysis) -> Result<(), ApiError> {
    p.out.kind = "complaint".into();
    for r in &analysis.recipients {
        p.out.reasons.push(r.reason.as_str().to_string());
        let mut evidence = format!(
            "Feedback report {} (Feedback-Type: {})",
            p.message_ref(),
            r.feedback_type.as_deref().unwrap_or("unknown"),
        );
        if let Some(o) = &analysis.original_message_id {
            evidence.push_str(&format!(" about message {o}"));
        }
        p.suppress(
            &r.address,
            Reason::Complaint,
            SourceChannel::FeedbackLoop,
            evidence,
        )
        .await?;
    }
    Ok(())
}

async fn reply(p: &mut Processing<'_>, raw: &[u8], refs: &[String]) -> Result<(), ApiError> {
    let parsed = veto_replies::message::parse(raw)
        .map_err(|e| ApiError::invalid("message", format!("not an e-mail message: {e}")))?;
    let c = veto_replies::classify_reply(&parsed);
    let from = parsed.from.trim().to_string();
    p.out.kind = if c.class == ReplyClass::Bounce {
        "bounce"
    } else {
        "reply"
    }
    .into();
    p.out.class = Some(c.class.as_str().to_string());
    let policy = p.ctx().tenant.policy.replies;
    let reason = match c.class {
        ReplyClass::Unsubscribe => Some(Reason::StopRequest),
        ReplyClass::NotInterested if policy.not_interested == ReplyAction::Suppress => {
            Some(Reason::NotInterested)
        }
        ReplyClass::WrongPerson if policy.wrong_person == ReplyAction::Suppress => {
            Some(Reason::WrongPerson)
        }
        _ => None,
    };
    // A reply from a person shows the address works.
    if !matches!(
        c.class,
        ReplyClass::Bounce | ReplyClass::AutoReply | ReplyClass::OutOfOffice
    ) {
        p.reset(&from).await?;
    }
    match reason {
        Some(reason) => {
            let quote = c
                .evidence
                .clone()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| c.new_text.clone());
            let evidence = format!(
                "Reply {}: \"{}\"",
                p.message_ref(),
                truncate(quote.trim(), MAX_QUOTE_CHARS)
            );
            p.suppress(&from, reason, SourceChannel::Reply, evidence)
                .await?;
        }
        None => {
            let why = match c.class {
                ReplyClass::OutOfOffice => "out of office: not an opt-out",
                ReplyClass::AutoReply => "automatic reply: not an opt-out",
                ReplyClass::Bounce => {
                    "reads as a bounce, but no failed recipient could be read from it"
                }
                ReplyClass::Interested => "the sender is interested",
                ReplyClass::NotInterested => {
                    "not interested: the tenant's reply policy records it without suppressing"
                }
                ReplyClass::WrongPerson => {
                    "wrong person: the tenant's reply policy records it without suppressing"
                }
                _ => "not an opt-out",
            };
            p.out.return_date = c.return_date.map(|d| d.to_string());
            p.ignore(&from, c.class.as_str(), why);
        }
    }
    sequences::follow_reply(p, &from, c.class, c.return_date, refs).await?;
    Ok(())
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The header fields of a raw message, unfolded, as (name, raw value). Stops at the first
/// empty line; lines that are not fields are skipped.
fn header_fields(raw: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(' ') {
                fields.push((name.to_string(), value.trim().to_string()));
            }
        }
    }
    fields
}

/// The addresses of an address-list header value, as written (`<…>` parts, else the bare
/// comma-separated items).
fn recipients_of(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|part| {
            let part = part.trim();
            let addr = match (part.rfind('<'), part.rfind('>')) {
                (Some(a), Some(b)) if a < b => &part[a + 1..b],
                _ => part,
            };
            let addr = addr.trim();
            (!addr.is_empty()).then(|| addr.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_recipients() {
        let raw = b"To: \"Unsub\" <unsubscribe+AbC-_9@u.example>,\r\n b@example.com\r\nSubject: x\r\n\r\nTo: nobody@example.com\r\n";
        let h = header_fields(raw);
        assert_eq!(h.len(), 2);
        let to = recipients_of(&h[0].1);
        assert_eq!(to, vec!["unsubscribe+AbC-_9@u.example", "b@example.com"]);
        assert_eq!(token_from_mailto_recipient(&to[0]), Some("AbC-_9"));
        assert!(header_fields(b"\xff\xfe").is_empty());
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
