//! The JSON shapes of the API (with their OpenAPI schemas), converted from domain and store
//! models. Kept apart from the domain so the wire contract changes only on purpose.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use veto_domain::audit::AuditEvent;
use veto_domain::identifier::IdentifierInput;
use veto_domain::lift::LiftRequest;
use veto_domain::suppression::{EndKind, Entry};
use veto_domain::verdict::Match;
use veto_store::{ApiKey, User};

use crate::check::Outcome;

pub fn ts(t: veto_domain::Timestamp) -> String {
    veto_domain::rfc3339(t)
}

/// An identifier: exactly one field for suppressions; one or more for checks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct IdentifierDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
}

impl From<IdentifierDto> for IdentifierInput {
    fn from(d: IdentifierDto) -> Self {
        IdentifierInput {
            email: d.email,
            phone: d.phone,
            domain: d.domain,
            company_id: d.company_id,
            contact_id: d.contact_id,
        }
    }
}

impl From<&IdentifierInput> for IdentifierDto {
    fn from(d: &IdentifierInput) -> Self {
        IdentifierDto {
            email: d.email.clone(),
            phone: d.phone.clone(),
            domain: d.domain.clone(),
            company_id: d.company_id.clone(),
            contact_id: d.contact_id.clone(),
        }
    }
}

/// How an entry ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndDto {
    /// lifted | expired
    pub kind: String,
    pub at: String,
    pub by: String,
    pub lift_id: Option<String>,
}

/// A suppression entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDto {
    pub id: String,
    /// email | phone | domain | company_id | contact_id
    pub kind: String,
    /// address | domain | company | contact
    pub scope: String,
    /// The normalised identifier; null when only its keyed hash is kept (hashed-only tenant, or erased).
    pub identifier: Option<String>,
    /// First 16 hex digits of the identifier's keyed hash.
    pub ident_hash: String,
    pub include_subdomains: bool,
    pub channel: String,
    pub purposes: Vec<String>,
    pub reason: String,
    pub source: String,
    pub evidence: Option<String>,
    pub role_account: bool,
    pub created_by: String,
    pub created_at: String,
    pub valid_from: String,
    pub expires_at: Option<String>,
    /// active | lifted | expired
    pub status: String,
    pub ended: Option<EndDto>,
    pub erased: bool,
}

impl EntryDto {
    pub fn of(e: &Entry, now: veto_domain::Timestamp) -> Self {
        let status = match (&e.ended, e.expires_at) {
            (Some(end), _) => end.kind.as_str(),
            (None, Some(x)) if x <= now => EndKind::Expired.as_str(),
            _ => "active",
        };
        Self {
            id: e.id.to_string(),
            kind: e.kind.as_str().into(),
            scope: e.scope().as_str().into(),
            identifier: e.identifier.as_ref().map(|i| i.value().to_string()),
            ident_hash: e.ident_hash.to_hex()[..16].to_string(),
            include_subdomains: e.include_subdomains,
            channel: e.channel.as_str().into(),
            purposes: purposes(e.purposes),
            reason: e.reason.as_str().into(),
            source: e.source.as_str().into(),
            evidence: e.evidence.clone(),
            role_account: e.role_account,
            created_by: e.created_by.to_string(),
            created_at: ts(e.created_at),
            valid_from: ts(e.valid_from),
            expires_at: e.expires_at.map(ts),
            status: status.into(),
            ended: e.ended.as_ref().map(|x| EndDto {
                kind: x.kind.as_str().into(),
                at: ts(x.at),
                by: x.by.to_string(),
                lift_id: x.lift_id.map(|l| l.to_string()),
            }),
            erased: e.erased,
        }
    }
}

fn purposes(p: veto_domain::suppression::Purposes) -> Vec<String> {
    if p == veto_domain::suppression::Purposes::ALL {
        return vec!["all".into()];
    }
    p.list().iter().map(|p| p.as_str().to_string()).collect()
}

/// An entry that matched a check.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchDto {
    pub entry_id: String,
    pub scope: String,
    pub kind: String,
    pub identifier: Option<String>,
    pub reason: String,
    pub source: String,
    pub channel: String,
    pub purposes: Vec<String>,
    pub role_account: bool,
    /// When the entry came into force.
    pub since: String,
    /// Matched through a parent domain of the checked one.
    pub via_parent_domain: bool,
}

impl From<&Match> for MatchDto {
    fn from(m: &Match) -> Self {
        Self {
            entry_id: m.entry_id.to_string(),
            scope: m.scope.as_str().into(),
            kind: m.kind.as_str().into(),
            identifier: m.identifier.clone(),
            reason: m.reason.as_str().into(),
            source: m.source.as_str().into(),
            channel: m.channel.as_str().into(),
            purposes: purposes(m.purposes),
            role_account: m.role_account,
            since: ts(m.since),
            via_parent_domain: m.via_parent_domain,
        }
    }
}

/// A field-level problem of one checked item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemError {
    pub field: String,
    pub message: String,
}

/// The result of checking one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResultDto {
    /// Position of the item in the request (0-based), in compact responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
    pub normalized: Option<String>,
    /// allow | block | invalid
    pub verdict: String,
    pub matches: Vec<MatchDto>,
    pub explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ItemError>,
}

impl CheckResultDto {
    pub fn of(input: serde_json::Value, o: &Outcome, index: Option<usize>) -> Self {
        Self {
            index,
            input,
            normalized: o.normalized.clone(),
            verdict: verdict_str(o.verdict).into(),
            matches: o.matches.iter().map(MatchDto::from).collect(),
            explanation: o.explanation.clone(),
            error: o.error.as_ref().map(|(f, m)| ItemError {
                field: f.clone(),
                message: m.clone(),
            }),
        }
    }
}

pub fn verdict_str(v: veto_domain::verdict::Verdict) -> &'static str {
    match v {
        veto_domain::verdict::Verdict::Allow => "allow",
        veto_domain::verdict::Verdict::Block => "block",
        veto_domain::verdict::Verdict::Invalid => "invalid",
    }
}

/// Counts of a batch check.
#[derive(Debug, Default, Clone, Copy, Serialize, ToSchema)]
pub struct CheckSummary {
    pub checked: u64,
    pub allowed: u64,
    pub blocked: u64,
    pub invalid: u64,
}

impl CheckSummary {
    pub fn add(&mut self, v: veto_domain::verdict::Verdict) {
        self.checked += 1;
        match v {
            veto_domain::verdict::Verdict::Allow => self.allowed += 1,
            veto_domain::verdict::Verdict::Block => self.blocked += 1,
            veto_domain::verdict::Verdict::Invalid => self.invalid += 1,
        }
    }
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    /// sdr | ae | manager | ops | admin
    pub role: String,
    pub team: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    pub created_by: String,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.as_str().into(),
            team: u.team.clone(),
            disabled: u.disabled,
            created_at: ts(u.created_at),
            created_by: u.created_by.to_string(),
        }
    }
}

/// An API key (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyDto {
    pub id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
}

impl From<&ApiKey> for KeyDto {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            user_id: k.user_id.to_string(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            created_at: ts(k.created_at),
            created_by: k.created_by.to_string(),
            revoked_at: k.revoked_at.map(ts),
            revoked_by: k.revoked_by.as_ref().map(|a| a.to_string()),
        }
    }
}

/// A new key: the secret is in `api_key`, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewKeyDto {
    pub api_key: String,
    #[serde(flatten)]
    pub key: KeyDto,
}

/// A lift request.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiftDto {
    pub id: String,
    pub entry_id: String,
    pub requested_by: String,
    pub reason: String,
    pub evidence: Option<String>,
    /// pending | approved | rejected
    pub status: String,
    pub created_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

impl From<&LiftRequest> for LiftDto {
    fn from(l: &LiftRequest) -> Self {
        Self {
            id: l.id.to_string(),
            entry_id: l.entry_id.to_string(),
            requested_by: l.requested_by.to_string(),
            reason: l.reason.clone(),
            evidence: l.evidence.clone(),
            status: l.status.as_str().into(),
            created_at: ts(l.created_at),
            decided_by: l.decided_by.map(|u| u.to_string()),
            decided_at: l.decided_at.map(ts),
            decision_note: l.decision_note.clone(),
        }
    }
}

/// An audit event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventDto {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&AuditEvent> for AuditEventDto {
    fn from(e: &AuditEvent) -> Self {
        Self {
            seq: e.seq,
            id: e.id.to_string(),
            at: ts(e.at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            data: serde_json::from_str(&e.data)
                .unwrap_or(serde_json::Value::String(e.data.clone())),
            prev_hash: veto_domain::keyed_hash::hex(&e.prev_hash),
            hash: veto_domain::keyed_hash::hex(&e.hash),
        }
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListDto<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}
