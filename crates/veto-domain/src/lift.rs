//! Lifts: the only way an entry stops applying before its expiry. Requested with a reason
//! and evidence, decided by someone else with the right role (four eyes).

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::id::{EntryId, LiftId, TenantId, UserId};
use crate::role::{Action, Role};
use crate::suppression::Reason;

/// Where a lift request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiftStatus {
    /// Waiting for a decision.
    Pending,
    /// Approved: the entry ended.
    Approved,
    /// Rejected: the entry stays in force.
    Rejected,
}

impl LiftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A lift request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiftRequest {
    pub id: LiftId,
    pub tenant_id: TenantId,
    pub entry_id: EntryId,
    pub requested_by: UserId,
    pub reason: String,
    pub evidence: Option<String>,
    pub status: LiftStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<Timestamp>,
    pub decision_note: Option<String>,
}

/// Why a lift request or decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiftDenied {
    #[error("a {0} may not request lifts (manager, ops or admin may)")]
    RoleMayNotRequest(Role),
    #[error("a lift request needs a reason")]
    MissingReason,
    #[error("a lift request needs evidence (what shows the person agreed to be contacted again)")]
    MissingEvidence,
    #[error("a {0} may not decide lifts (ops or admin may)")]
    RoleMayNotDecide(Role),
    #[error("only an admin may lift a {0} entry")]
    ProtectedReason(Reason),
    #[error("nobody may decide their own lift request")]
    OwnRequest,
    #[error("the lift request is already {0}")]
    AlreadyDecided(&'static str),
}

/// May `role` request a lift with this reason and evidence?
pub fn check_request(role: Role, reason: &str, evidence: &str) -> Result<(), LiftDenied> {
    if !role.permits(Action::RequestLift).is_allowed() {
        return Err(LiftDenied::RoleMayNotRequest(role));
    }
    if reason.trim().is_empty() {
        return Err(LiftDenied::MissingReason);
    }
    if evidence.trim().is_empty() {
        return Err(LiftDenied::MissingEvidence);
    }
    Ok(())
}

/// May `decider` (with `role`) decide `request` on an entry suppressed for `entry_reason`?
/// Rejections follow the same rule as approvals: the decision is the four-eyes step.
pub fn check_decision(
    request: &LiftRequest,
    decider: UserId,
    role: Role,
    entry_reason: Reason,
) -> Result<(), LiftDenied> {
    if request.status != LiftStatus::Pending {
        return Err(LiftDenied::AlreadyDecided(request.status.as_str()));
    }
    if !role.permits(Action::DecideLift).is_allowed() {
        return Err(LiftDenied::RoleMayNotDecide(role));
    }
    if entry_reason.is_protected() && !role.permits(Action::DecideProtectedLift).is_allowed() {
        return Err(LiftDenied::ProtectedReason(entry_reason));
    }
    if request.requested_by == decider {
        return Err(LiftDenied::OwnRequest);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(by: UserId) -> LiftRequest {
        LiftRequest {
            id: LiftId::new(),
            tenant_id: TenantId::new(),
            entry_id: EntryId::new(),
            requested_by: by,
            reason: "re-engaged".into(),
            evidence: Some("signed form".into()),
            status: LiftStatus::Pending,
            created_at: crate::now(),
            decided_by: None,
            decided_at: None,
            decision_note: None,
        }
    }

    #[test]
    fn four_eyes() {
        let a = UserId::new();
        let r = req(a);
        assert_eq!(
            check_decision(&r, a, Role::Admin, Reason::Manual),
            Err(LiftDenied::OwnRequest)
        );
        assert!(check_decision(&r, UserId::new(), Role::Ops, Reason::Manual).is_ok());
        assert_eq!(
            check_decision(&r, UserId::new(), Role::Ops, Reason::Complaint),
            Err(LiftDenied::ProtectedReason(Reason::Complaint))
        );
        assert!(check_decision(&r, UserId::new(), Role::Admin, Reason::LegalRequest).is_ok());
        assert_eq!(
            check_decision(&r, UserId::new(), Role::Manager, Reason::Manual),
            Err(LiftDenied::RoleMayNotDecide(Role::Manager))
        );
        assert_eq!(
            check_request(Role::Sdr, "x", "y"),
            Err(LiftDenied::RoleMayNotRequest(Role::Sdr))
        );
        assert_eq!(
            check_request(Role::Manager, "x", " "),
            Err(LiftDenied::MissingEvidence)
        );
    }
}
