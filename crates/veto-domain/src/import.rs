//! Imports: one recorded run of a lead file through the import gate, or of another
//! provider's suppression list into the registry. Every row of a lead import gets exactly one
//! outcome; the per-row report is kept with the import.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::actor::Actor;
use crate::id::{ContactId, EntryId, ImportId, TenantId};
use crate::suppression::Reason;

/// What was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Contacts, through the import gate.
    Leads,
    /// Suppression entries (a migration from another provider, or our own export).
    Suppressions,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leads => "leads",
            Self::Suppressions => "suppressions",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "leads" => Some(Self::Leads),
            "suppressions" => Some(Self::Suppressions),
            _ => None,
        }
    }
}

/// The outcome of one row of a lead import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new contact was written.
    Created,
    /// The row's address belongs to a contact, which was updated (or already held the
    /// same values).
    Updated,
    /// The row matches a suppression in force: no contact was created or changed.
    Blocked,
    /// The same person appeared on an earlier row of the file; that row decided.
    DuplicateInFile,
    /// The row cannot be used (line, field and why are in the report).
    Invalid,
}

impl RowOutcome {
    pub const ALL: [RowOutcome; 5] = [
        Self::Created,
        Self::Updated,
        Self::Blocked,
        Self::DuplicateInFile,
        Self::Invalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Blocked => "blocked",
            Self::DuplicateInFile => "duplicate_in_file",
            Self::Invalid => "invalid",
        }
    }
}

/// Row counts of an import. Lead imports fill the outcome counts; suppression imports fill
/// `inserted`, `already_active` and `invalid`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub blocked: u64,
    pub duplicate_in_file: u64,
    pub invalid: u64,
    /// Rows that passed but carry a risk flag (role account, disposable domain, DNS unknown).
    pub flagged: u64,
    /// Suppressions added: a lead file's DNC column, or a migration's new entries.
    pub suppressions_added: u64,
    /// Suppression imports: rows whose suppression was already in force.
    pub already_active: u64,
}

impl ImportCounts {
    pub fn count(&mut self, o: RowOutcome) {
        self.rows += 1;
        match o {
            RowOutcome::Created => self.created += 1,
            RowOutcome::Updated => self.updated += 1,
            RowOutcome::Blocked => self.blocked += 1,
            RowOutcome::DuplicateInFile => self.duplicate_in_file += 1,
            RowOutcome::Invalid => self.invalid += 1,
        }
    }

    pub fn of(&self, o: RowOutcome) -> u64 {
        match o {
            RowOutcome::Created => self.created,
            RowOutcome::Updated => self.updated,
            RowOutcome::Blocked => self.blocked,
            RowOutcome::DuplicateInFile => self.duplicate_in_file,
            RowOutcome::Invalid => self.invalid,
        }
    }
}

/// A recorded import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: ImportId,
    pub tenant_id: TenantId,
    pub kind: ImportKind,
    /// The name the file had on the uploader's side.
    pub file_name: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub file_sha256: String,
    pub file_bytes: u64,
    /// Suppression imports: the source format (`sendgrid-bounces`, `veto-csv`, …).
    pub format: Option<String>,
    /// Encoding, delimiter, column mapping and other options the run used.
    pub options: serde_json::Value,
    pub counts: ImportCounts,
    pub started_by: Actor,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: Timestamp,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<Timestamp>,
    /// Chunks of the per-row report stored with the import.
    pub report_chunks: u32,
}

/// One line of an import's per-row report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    /// 1-based line of the file where the row starts.
    pub line: u64,
    pub outcome: RowOutcome,
    /// The row's primary address, normalised (or as written, for invalid rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    /// Blocked rows: the entry that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<EntryId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<Timestamp>,
    /// Blocked rows: the sentence a check gives. Invalid rows: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Invalid rows: the field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Risk flags and warnings (role_account, disposable, dns_unavailable, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Updated rows whose contact already held these values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unchanged: bool,
}

/// Columns of the CSV form of the report, in order.
pub const REPORT_CSV_HEADER: [&str; 11] = [
    "line",
    "outcome",
    "email",
    "contact_id",
    "entry_id",
    "reason",
    "since",
    "message",
    "field",
    "flags",
    "unchanged",
];

impl ReportRow {
    /// The row as CSV fields, in [`REPORT_CSV_HEADER`] order.
    pub fn csv_fields(&self) -> [String; 11] {
        [
            self.line.to_string(),
            self.outcome.as_str().to_string(),
            self.email.clone().unwrap_or_default(),
            self.contact_id.map(|c| c.to_string()).unwrap_or_default(),
            self.entry_id.map(|c| c.to_string()).unwrap_or_default(),
            self.reason
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            self.since.map(crate::rfc3339).unwrap_or_default(),
            self.message.clone().unwrap_or_default(),
            self.field.clone().unwrap_or_default(),
            self.flags.join(";"),
            if self.unchanged { "true" } else { "" }.to_string(),
        ]
    }
}
