//! Models the store reads and writes, beyond the domain's entries, lifts and audit events.

use serde::{Deserialize, Serialize};
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::id::{ApiKeyId, EntryId, LiftId, TenantId, UserId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::keyed_hash::{IdentHash, TenantSecret};
use veto_domain::lift::LiftStatus;
use veto_domain::policy::TenantPolicy;
use veto_domain::role::Role;
use veto_domain::suppression::{Entry, Reason, SourceChannel};

/// A customer organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub created_at: Timestamp,
    pub policy: TenantPolicy,
    /// Key of the identifier hashes. Never leaves the server.
    pub secret: TenantSecret,
}

/// A person with a role in a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    /// Managers read the audit events of their own team.
    pub team: Option<String>,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    pub created_by: Actor,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub role: Option<Role>,
    /// `Some(None)` clears the team.
    pub team: Option<Option<String>>,
    pub name: Option<Option<String>>,
    pub disabled: Option<bool>,
}

/// An API key. Only the SHA-256 of the secret is stored; the secret is shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub name: Option<String>,
    /// The first characters of the secret, to recognise a key in lists.
    pub prefix: String,
    pub key_hash: [u8; 32],
    pub created_at: Timestamp,
    pub created_by: Actor,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<Actor>,
}

/// The result of adding a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// A new entry was written.
    Created(Entry),
    /// The same suppression was already in force; it is returned and the attempt recorded.
    Existing(Entry),
}

impl AddOutcome {
    pub fn entry(&self) -> &Entry {
        match self {
            Self::Created(e) | Self::Existing(e) => e,
        }
    }
}

/// Which entries a list returns, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// In force now (not ended, not past expiry).
    #[default]
    Active,
    /// Lifted or expired.
    Ended,
    /// Both.
    All,
}

/// Filters of an entry list; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFilter {
    pub status: EntryStatus,
    pub kind: Option<IdentifierKind>,
    pub reason: Option<Reason>,
    pub source: Option<SourceChannel>,
    /// Entries keyed on this identifier.
    pub ident_hash: Option<IdentHash>,
    pub created_from: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
    pub role_account: Option<bool>,
    /// "Now", for the active/ended split (entries past `expires_at` count as ended).
    pub now: Option<Timestamp>,
}

/// Keyset pagination: newest first; `after` is the last id of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<C> {
    pub after: Option<C>,
    pub limit: u32,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<C>,
}

/// Filters of a lift-request list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiftFilter {
    pub status: Option<LiftStatus>,
    pub entry_id: Option<EntryId>,
}

/// A decision on a lift request, already checked against the four-eyes rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiftDecision {
    pub lift_id: LiftId,
    pub approve: bool,
    pub decided_by: UserId,
    pub actor: Actor,
    pub note: Option<String>,
    pub at: Timestamp,
}

/// Filters of an audit list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub subject: Option<String>,
    /// Only events by these users (a manager's team).
    pub actor_users: Option<Vec<UserId>>,
    pub from: Option<Timestamp>,
    pub before: Option<Timestamp>,
}

/// The result of a bulk import of entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub inserted: u64,
    /// Rows whose suppression was already in force (nothing written for them).
    pub already_active: u64,
}

/// What an erasure changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureReport {
    /// Entries whose clear identifier and evidence were removed (their keyed hash stays).
    pub entries: u64,
    /// Lift requests whose reason, evidence and notes were removed.
    pub lift_requests: u64,
    /// Inbound signals whose raw message and outcome were removed.
    pub signals: u64,
    /// Send attempts whose clear recipient was removed (their keyed hash stays).
    #[serde(default)]
    pub sends: u64,
}

/// Which signals to list.
#[derive(Debug, Clone, Default)]
pub struct SignalFilter {
    /// Only signals that changed nothing (`Some(true)`) or only those that did (`Some(false)`).
    pub ignored: Option<bool>,
    /// Only signals of this kind (bounce, complaint, reply …).
    pub kind: Option<String>,
}
