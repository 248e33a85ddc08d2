//! Mailgun suppressions (`mailgun-bounces`, `mailgun-complaints`, `mailgun-unsubscribes`;
//! `mailgun` tells the list from the columns or JSON keys).
//!
//! Sources:
//! - <https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/bounces.md>:
//!   bounces CSV import columns `address, code, error, created_at` (`created_at` in RFC 2822),
//!   API items `{"address", "code", "error", "created_at"}` in `{"items": [...], "paging"}`.
//! - <https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/complaints.md>:
//!   `address, created_at`.
//! - <https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/unsubscribe.md>:
//!   `address, tags, created_at`; tag `*` unsubscribes from all of the domain's mail.
//!
//! Read: CSV with those columns, or the API's JSON (the document, pages one after the other,
//! an array of items, or JSON lines). Dates are RFC 2822 (`Fri, 21
//! Oct 2011 11:02:55 UTC` or `GMT`) or any other shape of [`crate::timestamp`]. A `mailgun`
//! file is bounces when it has `code` or `error`, unsubscribes when it has `tags`; a CSV with
//! only `address` and `created_at` may be either complaints or unsubscribes without tags, so
//! the list must be named. API JSON items without `code`, `error` or `tags` are complaints
//! (the API always gives unsubscribes their tags).
//!
//! Unsubscribes from some tags only keep the default purposes; the tags go into the evidence.
//!
//! Written: the import CSV of one list, dates in RFC 2822.

use std::io::{self, Write};

use serde_json::{Map, Value};
use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::timestamp::rfc2822;
use crate::{
    Format, FormatError, ItemParser, MailgunList, Out, Record, RecordError, RowParser, jsonio,
};

/// Mailgun list (and, for bounces, the start of the SMTP code) → Veto reason and source; the
/// first matching row wins, `*` matches any code. Mailgun keeps only permanent failures on the
/// bounce list; a 4xx code there is a temporary failure kept after retries, a repeated soft
/// bounce.
pub const IMPORT: &[(MailgunList, &str, Reason, SourceChannel)] = &[
    (
        MailgunList::Bounces,
        "4",
        Reason::SoftBounceLimit,
        SourceChannel::Bounce,
    ),
    (
        MailgunList::Bounces,
        "*",
        Reason::HardBounce,
        SourceChannel::Bounce,
    ),
    (
        MailgunList::Complaints,
        "*",
        Reason::Complaint,
        SourceChannel::FeedbackLoop,
    ),
    (
        MailgunList::Unsubscribes,
        "*",
        Reason::Unsubscribe,
        SourceChannel::UnsubscribeLink,
    ),
];

/// Veto reason → the Mailgun list it is exported to, and the bounce code written there.
/// Deliverability blocks are bounces, complaints complaints, every other reason an
/// unsubscribe from all mail (tag `*`).
pub const EXPORT: &[(Reason, MailgunList, &str)] = &[
    (Reason::HardBounce, MailgunList::Bounces, "550"),
    (Reason::InvalidAddress, MailgunList::Bounces, "550"),
    (Reason::SoftBounceLimit, MailgunList::Bounces, "452"),
    (Reason::Complaint, MailgunList::Complaints, ""),
    (Reason::Unsubscribe, MailgunList::Unsubscribes, ""),
    (Reason::StopRequest, MailgunList::Unsubscribes, ""),
    (Reason::NotInterested, MailgunList::Unsubscribes, ""),
    (Reason::LegalRequest, MailgunList::Unsubscribes, ""),
    (Reason::WrongPerson, MailgunList::Unsubscribes, ""),
    (Reason::Manual, MailgunList::Unsubscribes, ""),
    (Reason::Migrated, MailgunList::Unsubscribes, ""),
];

fn import(list: MailgunList, code: &str) -> (Reason, SourceChannel) {
    IMPORT
        .iter()
        .find(|(l, p, _, _)| *l == list && (*p == "*" || code.starts_with(p)))
        .map_or((Reason::Migrated, SourceChannel::Import), |(_, _, r, s)| {
            (*r, *s)
        })
}

/// The list of a Mailgun CSV, told by its columns (`None` when it cannot be told).
pub(crate) fn classify(h: &Header) -> Option<MailgunList> {
    if h.has(&["code", "error"]) {
        Some(MailgunList::Bounces)
    } else if h.has(&["tags", "tag"]) {
        Some(MailgunList::Unsubscribes)
    } else {
        None
    }
}

/// The list of an API item, told by its keys.
pub(crate) fn classify_item(m: &Map<String, Value>) -> MailgunList {
    if jsonio::has(m, &["code", "error"]) {
        MailgunList::Bounces
    } else if jsonio::has(m, &["tags", "tag"]) {
        MailgunList::Unsubscribes
    } else {
        MailgunList::Complaints
    }
}

const ADDRESS: &[&str] = &["address", "email", "emailaddress", "recipient"];
const CREATED: &[&str] = &["createdat", "created"];

fn record(
    list: MailgunList,
    line: u64,
    address: &str,
    created: &str,
    code: &str,
    error: &str,
    tags: &str,
) -> Result<Record, RecordError> {
    let address = identifier(line, "address", address)?;
    let created_at = time(line, "created_at", created)?;
    let (r, s) = import(list, code);
    let mut rec = Record::vendor(line, address, r, s);
    rec.created_at = created_at;
    let (mut ev, original) = match list {
        MailgunList::Bounces => {
            let mut ev = String::from("mailgun bounce:");
            kv(&mut ev, "code", code);
            kv(&mut ev, "error", error);
            (ev, if error.is_empty() { code } else { error })
        }
        MailgunList::Complaints => ("mailgun complaint:".to_string(), "complaint"),
        MailgunList::Unsubscribes => {
            let mut ev = String::from("mailgun unsubscribe:");
            kv(&mut ev, "tags", tags);
            (ev, "unsubscribe")
        }
    };
    if ev.ends_with(':') {
        ev.pop();
    }
    rec.evidence = Some(ev);
    rec.original_reason = (!original.is_empty()).then(|| original.to_string());
    Ok(rec)
}

struct Cols {
    list: MailgunList,
    address: usize,
    created: Option<usize>,
    code: Option<usize>,
    error: Option<usize>,
    tags: Option<usize>,
}

pub(crate) fn csv_parser(
    list: MailgunList,
    h: &Header,
) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let address = h.require(Format::Mailgun(Some(list)), "address", ADDRESS)?;
    Ok(Box::new(Cols {
        list,
        address,
        created: h.find(CREATED),
        code: h.find(&["code"]),
        error: h.find(&["error"]),
        tags: h.find(&["tags", "tag"]),
    }))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        record(
            self.list,
            line,
            field(row, Some(self.address), line, "address")?,
            field(row, self.created, line, "created_at")?,
            field(row, self.code, line, "code")?,
            field(row, self.error, line, "error")?,
            field(row, self.tags, line, "tags")?,
        )
        .map(Some)
    }
}

struct Items(MailgunList);

pub(crate) fn item_parser(list: MailgunList) -> Box<dyn ItemParser + Send> {
    Box::new(Items(list))
}

impl ItemParser for Items {
    fn parse(&self, line: u64, m: &Map<String, Value>) -> Result<Option<Record>, RecordError> {
        record(
            self.0,
            line,
            &jsonio::text(m, ADDRESS),
            &jsonio::text(m, CREATED),
            &jsonio::text(m, &["code"]),
            &jsonio::text(m, &["error"]),
            &jsonio::text(m, &["tags", "tag"]),
        )
        .map(Some)
    }
}

/// The header written for a list.
pub(crate) fn header(list: MailgunList) -> &'static [&'static str] {
    match list {
        MailgunList::Bounces => &["address", "code", "error", "created_at"],
        MailgunList::Complaints => &["address", "created_at"],
        MailgunList::Unsubscribes => &["address", "tags", "created_at"],
    }
}

/// The list and bounce code an entry's reason is exported with.
pub fn export_list(r: Reason) -> (MailgunList, &'static str) {
    EXPORT
        .iter()
        .find(|(x, _, _)| *x == r)
        .map_or((MailgunList::Unsubscribes, ""), |(_, l, c)| (*l, *c))
}

pub(crate) fn write<W: Write>(
    out: &mut Out<W>,
    list: MailgunList,
    e: &Entry,
    addr: &str,
) -> io::Result<bool> {
    let (target, code) = export_list(e.reason);
    if target != list {
        return Ok(false);
    }
    let created = rfc2822(e.created_at);
    match list {
        MailgunList::Bounces => {
            let error = format!("veto: {}", e.reason.as_str());
            out.row([addr, code, error.as_str(), created.as_str()])?
        }
        MailgunList::Complaints => out.row([addr, created.as_str()])?,
        MailgunList::Unsubscribes => out.row([addr, "*", created.as_str()])?,
    }
    Ok(true)
}
