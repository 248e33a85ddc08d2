//! listmonk subscriber export, blocklisted subscribers (`listmonk`).
//!
//! Source: listmonk's subscriber export,
//! <https://github.com/knadh/listmonk/blob/master/cmd/subscribers.go> (the "Export" button of
//! the subscribers page and `GET /api/subscribers/export`), writes the header `uuid,email,name,attributes,status,created_at,updated_at`; `attributes`
//! is a JSON object, `status` one of `enabled`, `disabled`, `blocklisted`, and the dates are
//! Go's `time.Time.String()` like `2023-05-10 14:03:22.514849 +0530 IST`.
//!
//! Read: `email` and `status` are required. Only blocklisted subscribers are suppressions;
//! other rows are passed over and counted in
//! [`RecordReader::skipped`](crate::RecordReader::skipped). `created_at` is the subscriber's
//! creation; listmonk records no date for the blocklisting, so `updated_at` is only kept in
//! the evidence.
//!
//! Written: every entry as a blocklisted subscriber, `uuid` the entry id, `attributes`
//! `{"veto_reason": …, "veto_source": …}`, both dates the entry's creation; listmonk's CSV
//! import (mode blocklist) takes the file.

use std::io::{self, Write};

use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::timestamp::go_string;
use crate::{Format, FormatError, Out, Record, RecordError, RowParser};

/// listmonk status → Veto reason and source; other statuses are not suppressions. Blocklisting
/// is how listmonk records an unsubscribe from all lists (and an admin's block); both mean the
/// person is not to be mailed.
pub const IMPORT: &[(&str, Reason, SourceChannel)] =
    &[("blocklisted", Reason::Unsubscribe, SourceChannel::Import)];

/// Veto reason → listmonk status: every entry is blocklisted (listmonk has one way to stop all
/// mail); the reason is kept in the attributes.
pub const EXPORT: &[(Reason, &str)] = &[
    (Reason::Unsubscribe, "blocklisted"),
    (Reason::StopRequest, "blocklisted"),
    (Reason::NotInterested, "blocklisted"),
    (Reason::Complaint, "blocklisted"),
    (Reason::LegalRequest, "blocklisted"),
    (Reason::WrongPerson, "blocklisted"),
    (Reason::HardBounce, "blocklisted"),
    (Reason::SoftBounceLimit, "blocklisted"),
    (Reason::InvalidAddress, "blocklisted"),
    (Reason::Manual, "blocklisted"),
    (Reason::Migrated, "blocklisted"),
];

/// The header listmonk writes and reads.
pub const HEADER: &[&str] = &[
    "uuid",
    "email",
    "name",
    "attributes",
    "status",
    "created_at",
    "updated_at",
];

struct Cols {
    uuid: Option<usize>,
    email: usize,
    status: usize,
    created: Option<usize>,
    updated: Option<usize>,
}

pub(crate) fn csv_parser(h: &Header) -> Result<Box<dyn RowParser + Send>, FormatError> {
    Ok(Box::new(Cols {
        uuid: h.find(&["uuid"]),
        email: h.require(Format::Listmonk, "email", &["email"])?,
        status: h.require(Format::Listmonk, "status", &["status"])?,
        created: h.find(&["createdat"]),
        updated: h.find(&["updatedat"]),
    }))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        let status = field(row, Some(self.status), line, "status")?;
        let Some((_, reason, source)) = IMPORT
            .iter()
            .find(|(s, _, _)| s.eq_ignore_ascii_case(status))
        else {
            return Ok(None);
        };
        let email = identifier(line, "email", field(row, Some(self.email), line, "email")?)?;
        let created_at = time(
            line,
            "created_at",
            field(row, self.created, line, "created_at")?,
        )?;
        let mut ev = String::from("listmonk subscriber:");
        kv(&mut ev, "status", status);
        kv(&mut ev, "uuid", field(row, self.uuid, line, "uuid")?);
        kv(
            &mut ev,
            "updated_at",
            field(row, self.updated, line, "updated_at")?,
        );
        let mut rec = Record::vendor(line, email, *reason, *source);
        rec.created_at = created_at;
        rec.evidence = Some(ev);
        rec.original_reason = Some(status.to_string());
        Ok(Some(rec))
    }
}

pub(crate) fn write<W: Write>(out: &mut Out<W>, e: &Entry, addr: &str) -> io::Result<bool> {
    let status = EXPORT
        .iter()
        .find(|(r, _)| *r == e.reason)
        .map_or("blocklisted", |(_, s)| s);
    let attributes = serde_json::json!({
        "veto_reason": e.reason.as_str(),
        "veto_source": e.source.as_str(),
    })
    .to_string();
    let at = go_string(e.created_at);
    out.row([
        e.id.to_string().as_str(),
        addr,
        "",
        attributes.as_str(),
        status,
        at.as_str(),
        at.as_str(),
    ])?;
    Ok(true)
}
