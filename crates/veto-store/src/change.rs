//! The change feed. Every transaction that changes which entries are in force, or which keys
//! authenticate, appends a [`Change`] in the same transaction. Sequence numbers are assigned in
//! commit order (the backends serialise feed writers), so a node that has applied every change
//! up to `seq` has seen every commit before it. Nodes follow the feed to keep their in-memory
//! check index and key cache exact across processes.

use veto_domain::Timestamp;
use veto_domain::id::{EntryId, TenantId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::{Channel, Purposes, Reason, SourceChannel};

/// One entry of the change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub tenant_id: TenantId,
    pub op: ChangeOp,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// Entries with row ids in `first_row..=last_row` were added (only this transaction's rows
    /// are in the range; gaps are possible).
    Added { first_row: i64, last_row: i64 },
    /// The entry with this row id and index key stopped being in force (lift, expiry).
    Ended { row_id: i64, short: i64 },
    /// Keys or users of the tenant changed (revocation, disabling, role change).
    Auth,
    /// The tenant's policy changed.
    Policy,
}

impl ChangeOp {
    /// Storage encoding: (op code, a, b).
    pub fn encode(self) -> (i16, i64, i64) {
        match self {
            Self::Added {
                first_row,
                last_row,
            } => (1, first_row, last_row),
            Self::Ended { row_id, short } => (2, row_id, short),
            Self::Auth => (3, 0, 0),
            Self::Policy => (4, 0, 0),
        }
    }

    pub fn decode(op: i16, a: i64, b: i64) -> Option<Self> {
        match op {
            1 => Some(Self::Added {
                first_row: a,
                last_row: b,
            }),
            2 => Some(Self::Ended {
                row_id: a,
                short: b,
            }),
            3 => Some(Self::Auth),
            4 => Some(Self::Policy),
            _ => None,
        }
    }
}

/// One entry as the check index holds it: everything a check needs to decide and explain
/// without reading the database (the clear identifier and evidence are not needed: a match
/// means the checked value *is* the identifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexRow {
    pub row_id: i64,
    pub entry_id: EntryId,
    /// The full keyed hash; the index keeps 128 bits of it.
    pub hash: IdentHash,
    pub kind: IdentifierKind,
    pub include_subdomains: bool,
    pub channel: Channel,
    pub purposes: Purposes,
    pub reason: Reason,
    pub source: SourceChannel,
    pub role_account: bool,
    pub valid_from: Timestamp,
    pub expires_at: Option<Timestamp>,
}

impl IndexRow {
    /// The index row of an entry.
    pub fn of(row_id: i64, e: &veto_domain::suppression::Entry) -> Self {
        Self {
            row_id,
            entry_id: e.id,
            hash: e.ident_hash,
            kind: e.kind,
            include_subdomains: e.include_subdomains,
            channel: e.channel,
            purposes: e.purposes,
            reason: e.reason,
            source: e.source,
            role_account: e.role_account,
            valid_from: e.valid_from,
            expires_at: e.expires_at,
        }
    }
}
