//! What reading a lead file yields, row by row.

use std::fmt;
use std::sync::Arc;

use veto_domain::email::EmailAddress;
use veto_domain::phone::PhoneNumber;

/// One data row of the file: a lead, or the reason it cannot be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowResult {
    Lead(LeadRow),
    Invalid(RowProblem),
}

impl RowResult {
    /// The 1-based line the row starts on.
    pub fn line(&self) -> u64 {
        match self {
            RowResult::Lead(l) => l.line,
            RowResult::Invalid(p) => p.line,
        }
    }
}

/// A lead read from one row, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRow {
    /// The 1-based physical line the row starts on (line breaks inside quoted values are
    /// counted), as an editor shows it.
    pub line: u64,
    /// The primary e-mail address: from the e-mail column, else the first valid additional
    /// address.
    pub email: EmailAddress,
    /// The row's other valid e-mail addresses, without duplicates (nor the primary one).
    pub other_emails: Vec<EmailAddress>,
    /// Every valid phone number of the row in E.164 form, without duplicates, in column order.
    pub phones: Vec<PhoneNumber>,
    /// The full name, or first and last name joined by a space.
    pub name: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub owner: Option<String>,
    /// The lead's id in the system it was exported from.
    pub source_id: Option<String>,
    /// The row is marked do-not-contact in at least one do-not-contact column.
    pub dnc: bool,
    /// The columns (0-based indexes into [`FileInfo::headers`](crate::FileInfo::headers)) whose
    /// value marked the row do-not-contact.
    pub dnc_columns: Vec<usize>,
    /// The non-empty values of the columns that feed no lead field, as (header, value), in
    /// column order.
    pub custom: Vec<(Arc<str>, String)>,
    /// What was dropped or changed while reading the row: invalid phone numbers or additional
    /// addresses, extra fields, bytes that were not valid text.
    pub warnings: Vec<RowWarning>,
}

impl LeadRow {
    /// Every e-mail address of the row, the primary one first.
    pub fn emails(&self) -> impl Iterator<Item = &EmailAddress> {
        std::iter::once(&self.email).chain(&self.other_emails)
    }

    /// The first phone number, if any.
    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phones.first()
    }
}

/// Why a row is not a lead. Reading goes on with the next row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based physical line the row starts on.
    pub line: u64,
    /// The lead field at fault (`email`, `dnc`, `phone`, `name`, ..., `custom`), or `record`
    /// for the row as a whole.
    pub field: &'static str,
    /// The header of the column at fault, when one column is.
    pub column: Option<String>,
    /// The offending value (cut to 200 characters).
    pub value: Option<String>,
    /// What is wrong, as a sentence for the user.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.field)?;
        if let Some(c) = &self.column
            && c != self.field
        {
            write!(f, " (column '{c}')")?;
        }
        if let Some(v) = &self.value {
            write!(f, " '{v}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Something dropped or changed in a row that was still read as a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWarning {
    /// The lead field concerned (`phone`, `additional_email`, `email`, `record`).
    pub field: &'static str,
    /// The header of the column concerned, when one column is.
    pub column: Option<String>,
    /// The value concerned (cut to 200 characters).
    pub value: Option<String>,
    pub message: String,
}

impl fmt::Display for RowWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field)?;
        if let Some(c) = &self.column
            && c != self.field
        {
            write!(f, " (column '{c}')")?;
        }
        if let Some(v) = &self.value {
            write!(f, " '{v}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Counts of what was read so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Physical lines read (including the header and everything skipped).
    pub lines: u64,
    /// Rows yielded as leads.
    pub leads: u64,
    /// Rows yielded as invalid.
    pub invalid: u64,
    /// Lines skipped because they were empty or held only spaces and delimiters.
    pub blank_lines: u64,
    /// Copies of the header row skipped in the middle of the file (files joined together).
    pub repeated_headers: u64,
    /// Rows with fewer or more fields than the header (missing fields read as empty, extra
    /// fields ignored).
    pub ragged_rows: u64,
}

/// Cuts a value for a report.
pub(crate) fn excerpt(v: &str) -> String {
    const MAX: usize = 200;
    match v.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}
