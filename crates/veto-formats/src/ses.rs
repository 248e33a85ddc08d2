//! Amazon SES account-level suppression list (`ses`).
//!
//! Sources:
//! - <https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListSuppressedDestinations.html>
//!   and <https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SuppressedDestinationSummary.html>:
//!   `{"SuppressedDestinationSummaries": [{"EmailAddress", "Reason": "BOUNCE"|"COMPLAINT",
//!   "LastUpdateTime"}], "NextToken"}`; the API gives `LastUpdateTime` in Unix seconds, `aws
//!   sesv2 list-suppressed-destinations` prints it as ISO 8601.
//! - <https://docs.aws.amazon.com/ses/latest/dg/sending-email-suppression-list.html>: the bulk
//!   files of import jobs, CSV without header (`recipient1@example.com,BOUNCE`) or JSON lines
//!   (`{"emailAddress": "recipient1@example.com", "reason": "BOUNCE"}`).
//!
//! Read: the API/CLI document (pages concatenated are fine), a JSON array of summaries, the
//! bulk JSON lines, the bulk CSV without header (an optional third column is read as the
//! date), or a CSV with a header naming `EmailAddress`, `Reason` and optionally
//! `LastUpdateTime` in any spelling. `LastUpdateTime` is the date SES last updated the
//! suppression; it becomes `created_at`.
//!
//! Written: the bulk CSV without header, as a `CreateImportJob` with a
//! `SuppressionListDestination` takes it. It carries no date.

use std::io::{self, Write};

use serde_json::{Map, Value};
use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::{Format, FormatError, ItemParser, Out, Record, RecordError, RowParser, jsonio};

/// SES reason → Veto reason and source. A value not in the table (or none) is kept as
/// [`UNKNOWN`], the original in the evidence.
pub const IMPORT: &[(&str, Reason, SourceChannel)] = &[
    ("BOUNCE", Reason::HardBounce, SourceChannel::Bounce),
    ("COMPLAINT", Reason::Complaint, SourceChannel::FeedbackLoop),
];

/// What an SES reason outside [`IMPORT`] becomes.
pub const UNKNOWN: (Reason, SourceChannel) = (Reason::Migrated, SourceChannel::Import);

/// Veto reason → SES reason. SES knows only bounces and complaints: deliverability blocks
/// are `BOUNCE`; every other reason is `COMPLAINT`, the SES reason for a recipient who does
/// not want the mail (both stop sending alike).
pub const EXPORT: &[(Reason, &str)] = &[
    (Reason::HardBounce, "BOUNCE"),
    (Reason::SoftBounceLimit, "BOUNCE"),
    (Reason::InvalidAddress, "BOUNCE"),
    (Reason::Complaint, "COMPLAINT"),
    (Reason::Unsubscribe, "COMPLAINT"),
    (Reason::StopRequest, "COMPLAINT"),
    (Reason::NotInterested, "COMPLAINT"),
    (Reason::LegalRequest, "COMPLAINT"),
    (Reason::WrongPerson, "COMPLAINT"),
    (Reason::Manual, "COMPLAINT"),
    (Reason::Migrated, "COMPLAINT"),
];

fn import(reason: &str) -> (Reason, SourceChannel) {
    IMPORT
        .iter()
        .find(|(v, _, _)| v.eq_ignore_ascii_case(reason))
        .map_or(UNKNOWN, |(_, r, s)| (*r, *s))
}

/// `names`: how the address and date fields are called in this file, for errors.
fn record(
    line: u64,
    email: &str,
    reason: &str,
    date: &str,
    names: (&str, &str),
) -> Result<Record, RecordError> {
    let identifier = identifier(line, names.0, email)?;
    let created_at = time(line, names.1, date)?;
    let (r, s) = import(reason);
    let mut rec = Record::vendor(line, identifier, r, s);
    rec.created_at = created_at;
    let mut ev = String::from("ses suppression list:");
    kv(&mut ev, "reason", reason);
    rec.evidence = Some(ev);
    rec.original_reason = (!reason.is_empty()).then(|| reason.to_string());
    Ok(rec)
}

/// Is this first row data of the header-less bulk CSV (an address in the first field)?
pub(crate) fn is_headerless(first: &csv::ByteRecord) -> bool {
    first.get(0).is_some_and(|f| f.contains(&b'@'))
}

struct Cols {
    email: Option<usize>,
    reason: Option<usize>,
    date: Option<usize>,
    names: (&'static str, &'static str, &'static str),
}

pub(crate) fn headerless_parser() -> Box<dyn RowParser + Send> {
    Box::new(Cols {
        email: Some(0),
        reason: Some(1),
        date: Some(2),
        names: ("1 (address)", "2 (reason)", "3 (date)"),
    })
}

pub(crate) fn csv_parser(h: &Header) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let email = h.require(
        Format::Ses,
        "EmailAddress",
        &["emailaddress", "email", "address", "destination"],
    )?;
    let reason = h.require(Format::Ses, "Reason", &["reason"])?;
    let date = h.find(&[
        "lastupdatetime",
        "lastupdated",
        "updatedat",
        "createdat",
        "date",
    ]);
    Ok(Box::new(Cols {
        email: Some(email),
        reason: Some(reason),
        date,
        names: ("EmailAddress", "Reason", "LastUpdateTime"),
    }))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        let email = field(row, self.email, line, self.names.0)?;
        let reason = field(row, self.reason, line, self.names.1)?;
        let date = field(row, self.date, line, self.names.2)?;
        record(line, email, reason, date, (self.names.0, self.names.2)).map(Some)
    }
}

struct Items;

pub(crate) fn item_parser() -> Box<dyn ItemParser + Send> {
    Box::new(Items)
}

impl ItemParser for Items {
    fn parse(&self, line: u64, m: &Map<String, Value>) -> Result<Option<Record>, RecordError> {
        let email = jsonio::text(m, &["emailaddress", "email", "destination"]);
        let reason = jsonio::text(m, &["reason"]);
        let date = jsonio::text(m, &["lastupdatetime", "lastupdated", "createdat"]);
        record(
            line,
            &email,
            &reason,
            &date,
            ("EmailAddress", "LastUpdateTime"),
        )
        .map(Some)
    }
}

/// The SES reason an entry is exported with.
pub fn export_reason(r: Reason) -> &'static str {
    EXPORT
        .iter()
        .find(|(x, _)| *x == r)
        .map_or("COMPLAINT", |(_, v)| v)
}

pub(crate) fn write<W: Write>(out: &mut Out<W>, e: &Entry, addr: &str) -> io::Result<bool> {
    out.row([addr, export_reason(e.reason)])?;
    Ok(true)
}
