//! Roles and what each may do: the policy table of the product brief, in one place.

use serde::{Deserialize, Serialize};

/// A user's role in a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sales development rep.
    Sdr,
    /// Account executive.
    Ae,
    /// Sales manager.
    Manager,
    /// Sales operations.
    Ops,
    /// Tenant administrator.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Sdr, Role::Ae, Role::Manager, Role::Ops, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sdr => "sdr",
            Self::Ae => "ae",
            Self::Manager => "manager",
            Self::Ops => "ops",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// What this role may do with `action`.
    pub fn permits(self, action: Action) -> Permission {
        use Action::*;
        use Permission::*;
        use Role::*;
        match (action, self) {
            (Check | ReadSuppressions | AddSuppression, _) => Allowed,
            (RequestLift, Manager | Ops | Admin) => Allowed,
            (DecideLift, Ops | Admin) => Allowed,
            (DecideProtectedLift, Admin) => Allowed,
            (ManageRules, Ops | Admin) => Allowed,
            (ReadRules, _) => Allowed,
            (ManageUsers | ManageKeys | Erase, Admin) => Allowed,
            (ReadAudit, Ops | Admin) => Allowed,
            (ReadAudit, Manager) => OwnTeam,
            (VerifyAudit, Ops | Admin) => Allowed,
            (ImportLeads | ReadContacts, _) => Allowed,
            (ImportSuppressions | ExportSuppressions, Ops | Admin) => Allowed,
            (ReviewSignals, Manager | Ops | Admin) => Allowed,
            (ManageInbound | ManageSending, Ops | Admin) => Allowed,
            (ManageSequences, Manager | Ops | Admin) => Allowed,
            (Enroll | ReadSending, _) => Allowed,
            _ => Denied,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a user can attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Check identifiers against the registry.
    Check,
    /// Read entries and their history.
    ReadSuppressions,
    /// Add a suppression (a reason is always required).
    AddSuppression,
    /// Ask for an entry to be lifted (reason and evidence required).
    RequestLift,
    /// Approve or reject a lift (never one's own request).
    DecideLift,
    /// Approve a lift of a complaint or legal_request entry.
    DecideProtectedLift,
    /// Change tenant rules (expiry, role list, hashing).
    ManageRules,
    /// Read tenant rules.
    ReadRules,
    /// Create and change users.
    ManageUsers,
    /// Create and revoke API keys.
    ManageKeys,
    /// Erase a person's personal data.
    Erase,
    /// Read the audit log.
    ReadAudit,
    /// Verify the audit chain.
    VerifyAudit,
    /// Run a lead file through the import gate, read imports and their reports.
    ImportLeads,
    /// Read contacts.
    ReadContacts,
    /// Bring another provider's suppression list in (a migration).
    ImportSuppressions,
    /// Take the suppression list out, in our format or another provider's.
    ExportSuppressions,
    /// Read stored inbound signals (raw bounces, complaints, replies) and what was done.
    ReviewSignals,
    /// Configure inbound mailboxes and provider webhooks.
    ManageInbound,
    /// Configure outbound routes, sending domains, DKIM keys, mailboxes and relay credentials.
    ManageSending,
    /// Create sequences and pause, resume or stop enrolments.
    ManageSequences,
    /// Enrol contacts in sequences (each is checked against the registry first).
    Enroll,
    /// Read sequences, enrolments, mailboxes and send attempts.
    ReadSending,
}

/// The answer of [`Role::permits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Allowed,
    /// Allowed, limited to the user's own team.
    OwnTeam,
    Denied,
}

impl Permission {
    pub fn is_allowed(self) -> bool {
        !matches!(self, Permission::Denied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_the_product_brief() {
        use Action::*;
        let row = |a| Role::ALL.map(|r| r.permits(a).is_allowed());
        assert_eq!(row(AddSuppression), [true, true, true, true, true]);
        assert_eq!(row(RequestLift), [false, false, true, true, true]);
        assert_eq!(row(DecideLift), [false, false, false, true, true]);
        assert_eq!(row(DecideProtectedLift), [false, false, false, false, true]);
        assert_eq!(row(ManageRules), [false, false, false, true, true]);
        assert_eq!(row(ManageUsers), [false, false, false, false, true]);
        assert_eq!(row(ReadAudit), [false, false, true, true, true]);
        assert_eq!(Role::Manager.permits(ReadAudit), Permission::OwnTeam);
        assert_eq!(row(ImportLeads), [true, true, true, true, true]);
        assert_eq!(row(ImportSuppressions), [false, false, false, true, true]);
        assert_eq!(row(ExportSuppressions), [false, false, false, true, true]);
        assert_eq!(row(ManageSending), [false, false, false, true, true]);
        assert_eq!(row(ManageSequences), [false, false, true, true, true]);
        assert_eq!(row(Enroll), [true, true, true, true, true]);
    }
}
