//! Postmark suppressions (`postmark`).
//!
//! Source: <https://postmarkapp.com/developer/api/suppressions-api> — the suppression dump of
//! a message stream, `GET /message-streams/{stream_id}/suppressions/dump`, answers
//! `{"Suppressions": [{"EmailAddress", "SuppressionReason", "Origin", "CreatedAt"}]}` with
//! `SuppressionReason` one of `HardBounce`, `SpamComplaint`, `ManualSuppression`, `Origin` one
//! of `Recipient`, `Customer`, `Admin`, and `CreatedAt` like `2019-12-17T08:58:33-05:00`.
//!
//! Read: that document (or an array, or JSON lines of suppressions), or a CSV with the same
//! columns (`EmailAddress` required, any spelling).
//!
//! A `ManualSuppression` from origin `Recipient` is the recipient using Postmark's
//! unsubscribe link. From `Customer` (the sender, through the API or the web app) or `Admin`
//! (Postmark staff) it is still read as an unsubscribe: the sender suppressed the address on
//! purpose and nothing says it may be mailed again, so it must not expire. Only the source
//! differs; the origin is kept in the evidence.
//!
//! Written: the dump document, `Origin` `Customer` (Veto is the sender's tool), `CreatedAt` in
//! RFC 3339 (UTC, seconds). The suppressions API also takes it to create suppressions.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};
use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::timestamp::rfc3339_seconds;
use crate::{Format, FormatError, ItemParser, Out, Record, RecordError, RowParser, jsonio};

/// Postmark reason and origin → Veto reason and source; the first matching row wins, `*`
/// matches any origin. A reason not in the table is kept as
/// [`Reason::Migrated`] with the original in the evidence.
pub const IMPORT: &[(&str, &str, Reason, SourceChannel)] = &[
    ("HardBounce", "*", Reason::HardBounce, SourceChannel::Bounce),
    (
        "SpamComplaint",
        "*",
        Reason::Complaint,
        SourceChannel::FeedbackLoop,
    ),
    (
        "ManualSuppression",
        "Recipient",
        Reason::Unsubscribe,
        SourceChannel::UnsubscribeLink,
    ),
    (
        "ManualSuppression",
        "*",
        Reason::Unsubscribe,
        SourceChannel::Import,
    ),
];

/// Veto reason → Postmark reason. Deliverability blocks are hard bounces, complaints spam
/// complaints, every other reason a manual suppression.
pub const EXPORT: &[(Reason, &str)] = &[
    (Reason::HardBounce, "HardBounce"),
    (Reason::SoftBounceLimit, "HardBounce"),
    (Reason::InvalidAddress, "HardBounce"),
    (Reason::Complaint, "SpamComplaint"),
    (Reason::Unsubscribe, "ManualSuppression"),
    (Reason::StopRequest, "ManualSuppression"),
    (Reason::NotInterested, "ManualSuppression"),
    (Reason::LegalRequest, "ManualSuppression"),
    (Reason::WrongPerson, "ManualSuppression"),
    (Reason::Manual, "ManualSuppression"),
    (Reason::Migrated, "ManualSuppression"),
];

fn import(reason: &str, origin: &str) -> (Reason, SourceChannel) {
    IMPORT
        .iter()
        .find(|(r, o, _, _)| {
            r.eq_ignore_ascii_case(reason) && (*o == "*" || o.eq_ignore_ascii_case(origin))
        })
        .map_or((Reason::Migrated, SourceChannel::Import), |(_, _, r, s)| {
            (*r, *s)
        })
}

const EMAIL: &[&str] = &["emailaddress", "email", "address"];
const REASON: &[&str] = &["suppressionreason", "reason"];
const ORIGIN: &[&str] = &["origin"];
const CREATED: &[&str] = &["createdat", "created"];

fn record(
    line: u64,
    email: &str,
    reason: &str,
    origin: &str,
    created: &str,
) -> Result<Record, RecordError> {
    let email = identifier(line, "EmailAddress", email)?;
    let created_at = time(line, "CreatedAt", created)?;
    let (r, s) = import(reason, origin);
    let mut rec = Record::vendor(line, email, r, s);
    rec.created_at = created_at;
    let mut ev = String::from("postmark suppression:");
    kv(&mut ev, "reason", reason);
    kv(&mut ev, "origin", origin);
    if ev.ends_with(':') {
        ev.pop();
    }
    rec.evidence = Some(ev);
    rec.original_reason = (!reason.is_empty()).then(|| reason.to_string());
    Ok(rec)
}

struct Cols {
    email: usize,
    reason: Option<usize>,
    origin: Option<usize>,
    created: Option<usize>,
}

pub(crate) fn csv_parser(h: &Header) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let email = h.require(Format::Postmark, "EmailAddress", EMAIL)?;
    Ok(Box::new(Cols {
        email,
        reason: h.find(REASON),
        origin: h.find(ORIGIN),
        created: h.find(CREATED),
    }))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        record(
            line,
            field(row, Some(self.email), line, "EmailAddress")?,
            field(row, self.reason, line, "SuppressionReason")?,
            field(row, self.origin, line, "Origin")?,
            field(row, self.created, line, "CreatedAt")?,
        )
        .map(Some)
    }
}

struct Items;

pub(crate) fn item_parser() -> Box<dyn ItemParser + Send> {
    Box::new(Items)
}

impl ItemParser for Items {
    fn parse(&self, line: u64, m: &Map<String, Value>) -> Result<Option<Record>, RecordError> {
        record(
            line,
            &jsonio::text(m, EMAIL),
            &jsonio::text(m, REASON),
            &jsonio::text(m, ORIGIN),
            &jsonio::text(m, CREATED),
        )
        .map(Some)
    }
}

/// The Postmark reason an entry is exported with.
pub fn export_reason(r: Reason) -> &'static str {
    EXPORT
        .iter()
        .find(|(x, _)| *x == r)
        .map_or("ManualSuppression", |(_, v)| v)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Suppression<'a> {
    email_address: &'a str,
    suppression_reason: &'a str,
    origin: &'a str,
    created_at: String,
}

pub(crate) fn write<W: Write>(out: &mut Out<W>, e: &Entry, addr: &str) -> io::Result<bool> {
    out.json(
        &Suppression {
            email_address: addr,
            suppression_reason: export_reason(e.reason),
            origin: "Customer",
            created_at: rfc3339_seconds(e.created_at),
        },
        false,
    )?;
    Ok(true)
}
