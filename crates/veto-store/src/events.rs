//! Audit drafts for the mutations a store composes itself, so both backends write the same
//! events. Audit data never carries a clear identifier or evidence text: the chain cannot be
//! edited later, and erasure must be able to remove personal data. Entries are referred to by
//! id and by the first bits of their keyed hash.

use serde_json::json;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::lift::LiftRequest;
use veto_domain::suppression::Entry;

fn entry_data(e: &Entry) -> serde_json::Value {
    json!({
        "entry_id": e.id.to_string(),
        "kind": e.kind.as_str(),
        "scope": e.scope().as_str(),
        "ident_hash": &e.ident_hash.to_hex()[..16],
        "include_subdomains": e.include_subdomains,
        "channel": e.channel.as_str(),
        "purposes": e.purposes,
        "reason": e.reason.as_str(),
        "source": e.source.as_str(),
        "role_account": e.role_account,
        "has_evidence": e.evidence.is_some(),
        "valid_from": veto_domain::rfc3339(e.valid_from),
        "expires_at": e.expires_at.map(veto_domain::rfc3339),
    })
}

pub fn suppression_created(e: &Entry) -> AuditDraft {
    AuditDraft::new(
        &e.created_by,
        actions::SUPPRESSION_CREATED,
        Some(e.id.to_string()),
        entry_data(e),
    )
}

/// An attempt to add a suppression that was already in force.
pub fn suppression_duplicate(existing: &Entry, actor: &Actor) -> AuditDraft {
    AuditDraft::new(
        actor,
        actions::SUPPRESSION_DUPLICATE,
        Some(existing.id.to_string()),
        entry_data(existing),
    )
}

pub fn suppression_expired(e: &Entry) -> AuditDraft {
    AuditDraft::new(
        &Actor::system("expiry"),
        actions::SUPPRESSION_EXPIRED,
        Some(e.id.to_string()),
        json!({"entry_id": e.id.to_string(), "reason": e.reason.as_str(),
               "expired_at": e.expires_at.map(veto_domain::rfc3339)}),
    )
}

pub fn lift_requested(l: &LiftRequest, actor: &Actor) -> AuditDraft {
    AuditDraft::new(
        actor,
        actions::LIFT_REQUESTED,
        Some(l.entry_id.to_string()),
        json!({"lift_id": l.id.to_string(), "entry_id": l.entry_id.to_string(),
               "has_evidence": l.evidence.as_deref().is_some_and(|e| !e.trim().is_empty())}),
    )
}

pub fn lift_decided(l: &LiftRequest, actor: &Actor) -> AuditDraft {
    let action = if l.status == veto_domain::lift::LiftStatus::Approved {
        actions::LIFT_APPROVED
    } else {
        actions::LIFT_REJECTED
    };
    AuditDraft::new(
        actor,
        action,
        Some(l.entry_id.to_string()),
        json!({"lift_id": l.id.to_string(), "entry_id": l.entry_id.to_string(),
               "requested_by": l.requested_by.to_string(),
               "decided_at": l.decided_at.map(veto_domain::rfc3339)}),
    )
}

pub fn suppression_lifted(e: &Entry, l: &LiftRequest, actor: &Actor) -> AuditDraft {
    AuditDraft::new(
        actor,
        actions::SUPPRESSION_LIFTED,
        Some(e.id.to_string()),
        json!({"entry_id": e.id.to_string(), "lift_id": l.id.to_string(), "reason": e.reason.as_str()}),
    )
}
