//! Inbound signals: one raw e-mail in, the right action out. [`ingest`] decides, in order:
//!
//! 1. mail to the `unsubscribe+TOKEN@…` address of a `List-Unsubscribe` header → the
//!    one-click unsubscribe of [`crate::api::unsubscribe::apply`];
//! 2. what `veto_bounce` reads: a hard bounce suppresses each dead address (`hard_bounce`,
//!    source `bounce`), a complaint suppresses the complaining recipient (`complaint`, source
//!    `feedback_loop`); soft bounces, auto-replies and delivery reports change nothing;
//! 3. otherwise what `veto_replies` reads: a stop request, "not interested" or "wrong person"
//!    suppresses the sender (source `reply`); out-of-office and every other class change
//!    nothing.
//!
//! Suppressions take the store path of `POST /v1/suppressions` (one transaction with its audit
//! event, actor = the ingesting caller) and the node's index is brought up to date before the
//! answer, so the next check sees them.

use serde::Serialize;
use utoipa::ToSchema;
use veto_bounce::{Analysis, SignalKind};
use veto_domain::actor::Actor;
use veto_domain::email::EmailAddress;
use veto_domain::id::EntryId;
use veto_domain::identifier::Identifier;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_domain::unsubscribe::{SealedToken, token_from_mailto_recipient};
use veto_replies::ReplyClass;
use veto_store::AddOutcome;

use crate::api::unsubscribe::{UnsubscribeError, Via, apply};
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};

/// Largest message `POST /v1/inbound/mime` reads.
pub const MAX_MESSAGE_BYTES: usize = 25 << 20;

/// Why a soft bounce changes nothing yet.
pub const SOFT_BOUNCE_WHY: &str = "soft bounce (counted by the bounce policy; not yet implemented)";

/// Longest reply text quoted in an entry's evidence.
const MAX_QUOTE_CHARS: usize = 500;

/// What was done for one address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignalAction {
    /// The address concerned (lower-case as read; empty when the signal names nobody).
    pub address: String,
    /// suppressed | already_suppressed | ignored
    pub action: String,
    /// The suppression reason, or for an ignored signal what it was (`mailbox_full`,
    /// `vacation`, `out_of_office` …).
    pub reason: String,
    /// The entry in force, when suppressed or already suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// Why nothing was done, when ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// What one inbound message was and what was done about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestOutcome {
    /// bounce | complaint | reply | auto_reply | unsubscribe_link | delivered | not_a_signal
    pub kind: String,
    /// The `Message-ID` of the inbound message, when it has one.
    pub message_id: Option<String>,
    /// For replies: the class (unsubscribe, not_interested, wrong_person, out_of_office,
    /// auto_reply, bounce, interested, other).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// For bounces and complaints: the reasons read, one per recipient.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    pub actions: Vec<SignalAction>,
    /// For out-of-office replies: the first day the person is expected back (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_date: Option<String>,
}

impl IngestOutcome {
    fn new(kind: &str, message_id: Option<String>) -> Self {
        Self {
            kind: kind.to_string(),
            message_id,
            class: None,
            reasons: Vec::new(),
            actions: Vec::new(),
            return_date: None,
        }
    }
}

fn ignored(address: &str, reason: &str, why: impl Into<String>) -> SignalAction {
    SignalAction {
        address: address.to_string(),
        action: "ignored".into(),
        reason: reason.to_string(),
        entry_id: None,
        why: Some(why.into()),
    }
}

/// Reads one raw RFC 5322 message for the tenant of `ctx` and applies what it asks for.
pub async fn ingest(
    state: &AppState,
    ctx: &TenantCtx,
    actor: Actor,
    raw: &[u8],
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
    let message_id = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("message-id"))
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());

    // 1. Mail to the mailto unsubscribe address: the token is read from the raw header value
    //    (tokens are case-sensitive; no address normalisation before this).
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
    if !tokens.is_empty() {
        return unsubscribe_by_mail(state, ctx, message_id, dedup(tokens)).await;
    }

    // 2. Bounces, complaints, auto-replies.
    let analysis = veto_bounce::analyse(raw)
        .map_err(|e| ApiError::invalid("message", format!("not an e-mail message: {e}")))?;
    let message_id = message_id.or_else(|| analysis.message_id.clone());
    let out = match analysis.kind {
        SignalKind::Bounce => bounce(state, ctx, &actor, &analysis, message_id).await?,
        SignalKind::Complaint => complaint(state, ctx, &actor, &analysis, message_id).await?,
        SignalKind::AutoReply => {
            let mut out = IngestOutcome::new("auto_reply", message_id);
            for r in &analysis.recipients {
                out.actions.push(ignored(
                    &r.address,
                    "vacation",
                    "automatic reply: not an opt-out",
                ));
            }
            // An out-of-office often says when the person is back.
            if let Ok(c) = veto_replies::classify(raw)
                && c.class == ReplyClass::OutOfOffice
            {
                out.class = Some(c.class.as_str().to_string());
                out.return_date = c.return_date.map(|d| d.to_string());
            }
            out
        }
        SignalKind::Delivered => {
            let mut out = IngestOutcome::new("delivered", message_id);
            for r in &analysis.recipients {
                out.actions.push(ignored(
                    &r.address,
                    "delivered",
                    "delivery report: the message arrived",
                ));
            }
            out
        }
        SignalKind::NotASignal => reply(state, ctx, &actor, raw, message_id).await?,
    };
    if out
        .actions
        .iter()
        .any(|a| a.action == "suppressed" || a.action == "already_suppressed")
    {
        // The next check on this node must see what was just added.
        state.fresh().await.map_err(ApiError::unavailable)?;
    }
    Ok(out)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.clone()));
    v
}

async fn unsubscribe_by_mail(
    state: &AppState,
    ctx: &TenantCtx,
    message_id: Option<String>,
    tokens: Vec<String>,
) -> Result<IngestOutcome, ApiError> {
    let mut out = IngestOutcome::new("unsubscribe_link", message_id);
    for token in tokens {
        // A token of another organisation is not this caller's to apply.
        match SealedToken::decode(&token) {
            Ok(s) if s.tenant_id() != ctx.tenant.id => {
                out.actions.push(ignored(
                    "",
                    "unsubscribe",
                    "the unsubscribe token belongs to another organisation",
                ));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                out.actions.push(ignored(
                    "",
                    "unsubscribe",
                    format!("invalid unsubscribe token: {e}"),
                ));
                continue;
            }
        }
        match apply(state, &token, Via::Mailto).await {
            Ok(a) => out.actions.push(SignalAction {
                address: a.token.email.to_string(),
                action: if a.created {
                    "suppressed"
                } else {
                    "already_suppressed"
                }
                .into(),
                reason: Reason::Unsubscribe.to_string(),
                entry_id: Some(a.entry.id.to_string()),
                why: None,
            }),
            Err(UnsubscribeError::Store(e)) => return Err(e.into()),
            Err(e) => out.actions.push(ignored(
                "",
                "unsubscribe",
                format!("unsubscribe token not applied: {e}"),
            )),
        }
    }
    Ok(out)
}

async fn bounce(
    state: &AppState,
    ctx: &TenantCtx,
    actor: &Actor,
    analysis: &Analysis,
    message_id: Option<String>,
) -> Result<IngestOutcome, ApiError> {
    let mut out = IngestOutcome::new("bounce", message_id.clone());
    for r in &analysis.recipients {
        out.reasons.push(r.reason.as_str().to_string());
        if !r.hard {
            out.actions
                .push(ignored(&r.address, r.reason.as_str(), SOFT_BOUNCE_WHY));
            continue;
        }
        let mut evidence = format!(
            "Bounce {}: status {}, reply code {}",
            message_id.as_deref().unwrap_or("(no Message-ID)"),
            r.status.as_deref().unwrap_or("-"),
            r.reply_code
                .map_or_else(|| "-".to_string(), |c| c.to_string()),
        );
        if let Some(d) = &r.diagnostic {
            evidence.push_str("; diagnostic: ");
            evidence.push_str(&truncate(d.trim(), MAX_QUOTE_CHARS));
        }
        out.actions.push(
            suppress(
                state,
                ctx,
                actor,
                &r.address,
                Reason::HardBounce,
                SourceChannel::Bounce,
                evidence,
            )
            .await?,
        );
    }
    Ok(out)
}

async fn complaint(
    state: &AppState,
    ctx: &TenantCtx,
    actor: &Actor,
    analysis: &Analysis,
    message_id: Option<String>,
) -> Result<IngestOutcome, ApiError> {
    let mut out = IngestOutcome::new("complaint", message_id.clone());
    for r in &analysis.recipients {
        out.reasons.push(r.reason.as_str().to_string());
        let mut evidence = format!(
            "Feedback report {} (Feedback-Type: {})",
            message_id.as_deref().unwrap_or("(no Message-ID)"),
            r.feedback_type.as_deref().unwrap_or("unknown"),
        );
        if let Some(o) = &analysis.original_message_id {
            evidence.push_str(&format!(" about message {o}"));
        }
        out.actions.push(
            suppress(
                state,
                ctx,
                actor,
                &r.address,
                Reason::Complaint,
                SourceChannel::FeedbackLoop,
                evidence,
            )
            .await?,
        );
    }
    Ok(out)
}

async fn reply(
    state: &AppState,
    ctx: &TenantCtx,
    actor: &Actor,
    raw: &[u8],
    message_id: Option<String>,
) -> Result<IngestOutcome, ApiError> {
    let parsed = veto_replies::message::parse(raw)
        .map_err(|e| ApiError::invalid("message", format!("not an e-mail message: {e}")))?;
    let c = veto_replies::classify_reply(&parsed);
    let from = parsed.from.trim().to_string();
    let kind = if c.class == ReplyClass::Bounce {
        "bounce"
    } else {
        "reply"
    };
    let mut out = IngestOutcome::new(kind, message_id.clone());
    out.class = Some(c.class.as_str().to_string());
    let reason = match c.class {
        ReplyClass::Unsubscribe => Some(Reason::StopRequest),
        ReplyClass::NotInterested => Some(Reason::NotInterested),
        ReplyClass::WrongPerson => Some(Reason::WrongPerson),
        _ => None,
    };
    match reason {
        Some(reason) => {
            let quote = c
                .evidence
                .clone()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| c.new_text.clone());
            let evidence = format!(
                "Reply {}: \"{}\"",
                message_id.as_deref().unwrap_or("(no Message-ID)"),
                truncate(quote.trim(), MAX_QUOTE_CHARS)
            );
            out.actions.push(
                suppress(
                    state,
                    ctx,
                    actor,
                    &from,
                    reason,
                    SourceChannel::Reply,
                    evidence,
                )
                .await?,
            );
        }
        None => {
            let why = match c.class {
                ReplyClass::OutOfOffice => "out of office: not an opt-out",
                ReplyClass::AutoReply => "automatic reply: not an opt-out",
                ReplyClass::Bounce => {
                    "reads as a bounce, but no failed recipient could be read from it"
                }
                ReplyClass::Interested => "the sender is interested",
                _ => "not an opt-out",
            };
            out.return_date = c.return_date.map(|d| d.to_string());
            out.actions.push(ignored(&from, c.class.as_str(), why));
        }
    }
    Ok(out)
}

/// Adds an e-mail suppression of `address` through the store path of `POST /v1/suppressions`.
async fn suppress(
    state: &AppState,
    ctx: &TenantCtx,
    actor: &Actor,
    address: &str,
    reason: Reason,
    source: SourceChannel,
    evidence: String,
) -> Result<SignalAction, ApiError> {
    let email = match EmailAddress::parse(address) {
        Ok(e) => e,
        Err(e) => {
            return Ok(ignored(
                address,
                reason.as_str(),
                format!("no valid address to suppress: {e}"),
            ));
        }
    };
    let policy = &ctx.tenant.policy;
    let id = Identifier::Email(email.clone());
    let now = veto_domain::now();
    let entry = NewEntry {
        id: EntryId::new(),
        tenant_id: ctx.tenant.id,
        kind: id.kind(),
        ident_hash: ctx.hasher.hash(&id),
        role_account: is_role_account(email.local_part(), &policy.role_local_parts),
        identifier: (!policy.hashed_only).then_some(id),
        include_subdomains: false,
        channel: Channel::Email,
        purposes: Purposes::DEFAULT,
        reason,
        source,
        evidence: Some(evidence),
        created_by: actor.clone(),
        created_at: now,
        valid_from: now,
        expires_at: policy.expiry_for(reason, now),
    };
    let out = state.store().add_suppression(entry).await?;
    metrics::counter!("veto_suppressions_added_total", "outcome" => match out { AddOutcome::Created(_) => "created", AddOutcome::Existing(_) => "existing" }).increment(1);
    let action = match out {
        AddOutcome::Created(_) => "suppressed",
        AddOutcome::Existing(_) => "already_suppressed",
    };
    Ok(SignalAction {
        address: email.to_string(),
        action: action.into(),
        reason: reason.as_str().to_string(),
        entry_id: Some(out.entry().id.to_string()),
        why: None,
    })
}

/// At most `max` characters of `s`, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
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
