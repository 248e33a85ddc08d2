//! SendGrid suppression lists (`sendgrid-bounces`, `sendgrid-spam-reports`,
//! `sendgrid-global-unsubscribes`, `sendgrid-group-unsubscribes`; `sendgrid` tells the list
//! from the header).
//!
//! Sources (the CSV exports of the Suppressions pages carry the API's fields as columns):
//! - <https://www.twilio.com/docs/sendgrid/api-reference/bounces-api/retrieve-a-bounce>:
//!   `created` (Unix seconds), `email`, `reason` (bounce code, enhanced code and
//!   description), `status` (enhanced SMTP status like `5.1.1`).
//! - <https://www.twilio.com/docs/sendgrid/api-reference/spam-reports-api/retrieve-all-spam-reports>:
//!   `created`, `email`, `ip`.
//! - <https://www.twilio.com/docs/sendgrid/api-reference/suppressions-global-suppressions/retrieve-all-global-suppressions>:
//!   `created`, `email`.
//! - <https://www.twilio.com/docs/sendgrid/api-reference/suppressions-unsubscribe-groups>
//!   (group suppressions as `GET /v3/asm/suppressions` lists them): `email`, `group_id`,
//!   `group_name`, `created_at`.
//!
//! Read: `email` is required; the date column may be `created` or `created_at`, in Unix
//! seconds or any shape of [`crate::timestamp`]. The list of a `sendgrid` file is told by its
//! columns: `status` or `reason` → bounces, `group_id` or `group_name` → group unsubscribes,
//! `ip` → spam reports, otherwise (`email` and a date) → global unsubscribes.
//!
//! Group unsubscribes say the recipient left one unsubscribe group (a kind of mail, like a
//! newsletter). Veto cannot know which of its purposes a group is, so the record keeps the
//! default purposes (sales and marketing) and the group id and name go into the evidence,
//! where an operator can find them to narrow the entry.
//!
//! Written: one list per file with the API's column names and `created` in Unix seconds.
//! Group unsubscribes are not written (Veto has no groups to assign).

use std::io::{self, Write};

use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::timestamp::unix_seconds;
use crate::{Format, FormatError, Out, Record, RecordError, RowParser, SendgridList};

/// SendGrid list (and, for bounces, the start of the enhanced status) → Veto reason and
/// source; the first matching row wins. `*` matches any status.
///
/// A bounce whose status is 4.x.x is a temporary failure that SendGrid kept on the list after
/// retrying: it is a repeated soft bounce, not a dead mailbox.
pub const IMPORT: &[(SendgridList, &str, Reason, SourceChannel)] = &[
    (
        SendgridList::Bounces,
        "4.",
        Reason::SoftBounceLimit,
        SourceChannel::Bounce,
    ),
    (
        SendgridList::Bounces,
        "*",
        Reason::HardBounce,
        SourceChannel::Bounce,
    ),
    (
        SendgridList::SpamReports,
        "*",
        Reason::Complaint,
        SourceChannel::FeedbackLoop,
    ),
    (
        SendgridList::GlobalUnsubscribes,
        "*",
        Reason::Unsubscribe,
        SourceChannel::UnsubscribeLink,
    ),
    (
        SendgridList::GroupUnsubscribes,
        "*",
        Reason::Unsubscribe,
        SourceChannel::UnsubscribeLink,
    ),
];

/// Veto reason → the SendGrid list it is exported to, and the bounce status written there.
/// Deliverability blocks are bounces, complaints spam reports, every other reason a global
/// unsubscribe (the recipient is not to be mailed at all).
pub const EXPORT: &[(Reason, SendgridList, &str)] = &[
    (Reason::HardBounce, SendgridList::Bounces, "5.0.0"),
    (Reason::InvalidAddress, SendgridList::Bounces, "5.0.0"),
    (Reason::SoftBounceLimit, SendgridList::Bounces, "4.0.0"),
    (Reason::Complaint, SendgridList::SpamReports, ""),
    (Reason::Unsubscribe, SendgridList::GlobalUnsubscribes, ""),
    (Reason::StopRequest, SendgridList::GlobalUnsubscribes, ""),
    (Reason::NotInterested, SendgridList::GlobalUnsubscribes, ""),
    (Reason::LegalRequest, SendgridList::GlobalUnsubscribes, ""),
    (Reason::WrongPerson, SendgridList::GlobalUnsubscribes, ""),
    (Reason::Manual, SendgridList::GlobalUnsubscribes, ""),
    (Reason::Migrated, SendgridList::GlobalUnsubscribes, ""),
];

fn import(list: SendgridList, status: &str) -> (Reason, SourceChannel) {
    IMPORT
        .iter()
        .find(|(l, p, _, _)| *l == list && (*p == "*" || status.starts_with(p)))
        .map_or((Reason::Migrated, SourceChannel::Import), |(_, _, r, s)| {
            (*r, *s)
        })
}

fn list_name(list: SendgridList) -> &'static str {
    match list {
        SendgridList::Bounces => "bounce",
        SendgridList::SpamReports => "spam report",
        SendgridList::GlobalUnsubscribes => "global unsubscribe",
        SendgridList::GroupUnsubscribes => "group unsubscribe",
    }
}

/// The list of a SendGrid export, told by its columns.
pub(crate) fn classify(h: &Header) -> Option<SendgridList> {
    if !h.has(&["email", "emailaddress"]) {
        return None;
    }
    if h.has(&["status", "reason"]) {
        Some(SendgridList::Bounces)
    } else if h.has(&["groupid", "groupname"]) {
        Some(SendgridList::GroupUnsubscribes)
    } else if h.has(&["ip"]) {
        Some(SendgridList::SpamReports)
    } else if h.has(&["created", "createdat"]) {
        Some(SendgridList::GlobalUnsubscribes)
    } else {
        None
    }
}

struct Cols {
    list: SendgridList,
    email: usize,
    created: Option<usize>,
    status: Option<usize>,
    reason: Option<usize>,
    ip: Option<usize>,
    group_id: Option<usize>,
    group_name: Option<usize>,
}

pub(crate) fn csv_parser(
    list: SendgridList,
    h: &Header,
) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let format = Format::Sendgrid(Some(list));
    let email = h.require(format, "email", &["email", "emailaddress"])?;
    Ok(Box::new(Cols {
        list,
        email,
        created: h.find(&["created", "createdat"]),
        status: h.find(&["status"]),
        reason: h.find(&["reason"]),
        ip: h.find(&["ip"]),
        group_id: h.find(&["groupid"]),
        group_name: h.find(&["groupname"]),
    }))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        let email = identifier(line, "email", field(row, Some(self.email), line, "email")?)?;
        let created = time(line, "created", field(row, self.created, line, "created")?)?;
        let status = field(row, self.status, line, "status")?;
        let reason = field(row, self.reason, line, "reason")?;
        let (r, s) = import(self.list, status);
        let mut rec = Record::vendor(line, email, r, s);
        rec.created_at = created;
        let mut ev = String::with_capacity(32 + status.len() + reason.len());
        ev.push_str("sendgrid ");
        ev.push_str(list_name(self.list));
        ev.push(':');
        let original = match self.list {
            SendgridList::Bounces => {
                kv(&mut ev, "status", status);
                kv(&mut ev, "reason", reason);
                if reason.is_empty() { status } else { reason }
            }
            SendgridList::SpamReports => {
                kv(&mut ev, "ip", field(row, self.ip, line, "ip")?);
                "spam_report"
            }
            SendgridList::GlobalUnsubscribes => "global_unsubscribe",
            SendgridList::GroupUnsubscribes => {
                kv(
                    &mut ev,
                    "group_id",
                    field(row, self.group_id, line, "group_id")?,
                );
                kv(
                    &mut ev,
                    "group_name",
                    field(row, self.group_name, line, "group_name")?,
                );
                "group_unsubscribe"
            }
        };
        if ev.ends_with(':') {
            ev.pop();
        }
        rec.evidence = Some(ev);
        rec.original_reason = (!original.is_empty()).then(|| original.to_string());
        Ok(Some(rec))
    }
}

/// The header written for a list.
pub(crate) fn header(list: SendgridList) -> &'static [&'static str] {
    match list {
        SendgridList::Bounces => &["email", "created", "status", "reason"],
        SendgridList::SpamReports => &["email", "created", "ip"],
        SendgridList::GlobalUnsubscribes => &["email", "created"],
        SendgridList::GroupUnsubscribes => &["email", "group_id", "group_name", "created_at"],
    }
}

/// The list and bounce status an entry's reason is exported with.
pub fn export_list(r: Reason) -> (SendgridList, &'static str) {
    EXPORT
        .iter()
        .find(|(x, _, _)| *x == r)
        .map_or((SendgridList::GlobalUnsubscribes, ""), |(_, l, s)| (*l, *s))
}

pub(crate) fn write<W: Write>(
    out: &mut Out<W>,
    list: SendgridList,
    e: &Entry,
    addr: &str,
) -> io::Result<bool> {
    let (target, status) = export_list(e.reason);
    if target != list {
        return Ok(false);
    }
    let created = unix_seconds(e.created_at);
    match list {
        SendgridList::Bounces => {
            let reason = format!("veto: {}", e.reason.as_str());
            out.row([addr, created.as_str(), status, reason.as_str()])?
        }
        SendgridList::SpamReports => out.row([addr, created.as_str(), ""])?,
        SendgridList::GlobalUnsubscribes => out.row([addr, created.as_str()])?,
        SendgridList::GroupUnsubscribes => return Ok(false),
    }
    Ok(true)
}
