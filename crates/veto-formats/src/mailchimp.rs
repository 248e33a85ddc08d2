//! Mailchimp audience exports of unsubscribed and cleaned contacts
//! (`mailchimp-unsubscribed`, `mailchimp-cleaned`; `mailchimp` tells the section from the
//! columns).
//!
//! Sources:
//! - <https://mailchimp.com/developer/marketing/docs/account-exports/> and
//!   <http://kb.mailchimp.com/lists/managing-subscribers/view-unsubscribed-and-cleaned-addresses>:
//!   an audience export is a ZIP of one CSV per section (subscribed, unsubscribed, cleaned);
//!   unsubscribed holds people who used the unsubscribe link or were unsubscribed by an
//!   admin, cleaned holds addresses removed as undeliverable.
//! - <https://mailchimp.com/help/about-cleaned-contacts>: cleaned addresses hard bounced or
//!   soft bounced repeatedly and are considered invalid.
//!
//! Columns: `Email Address`, the audience's merge fields (`First Name`, `Last Name`, …),
//! then `MEMBER_RATING`, `OPTIN_TIME`, `OPTIN_IP`, `CONFIRM_TIME`, `CONFIRM_IP`, `LATITUDE`,
//! `LONGITUDE`, `GMTOFF`, `DSTOFF`, `TIMEZONE`, `CC`, `REGION`, then for unsubscribed
//! `UNSUB_TIME`, `UNSUB_CAMPAIGN_TITLE`, `UNSUB_CAMPAIGN_ID`, `UNSUB_REASON`,
//! `UNSUB_REASON_OTHER`, for cleaned `CLEAN_TIME`, `CLEAN_CAMPAIGN_TITLE`,
//! `CLEAN_CAMPAIGN_ID`, then `LEID`, `EUID`, `NOTES`, `TAGS`. Times are `YYYY-MM-DD HH:MM:SS`
//! in UTC.
//!
//! Read: `Email Address` is required; `UNSUB_TIME` / `CLEAN_TIME` become `created_at` (or
//! `LAST_CHANGED` when they are missing). A `mailchimp` file is unsubscribed when it has an
//! `UNSUB_…` column, cleaned when it has a `CLEAN_…` column.
//!
//! Written: one section per file, with `Email Address`, the section's time, reason and
//! campaign columns and `NOTES` (`veto: <reason>`); Mailchimp's importer takes it to add the
//! contacts as unsubscribed or cleaned.

use std::io::{self, Write};

use veto_domain::suppression::{Entry, Reason, SourceChannel};

use crate::csvio::{Header, field, identifier, kv, time};
use crate::timestamp::sql_seconds;
use crate::{Format, FormatError, MailchimpList, Out, Record, RecordError, RowParser};

/// Unsubscribed contacts, by their `UNSUB_REASON` (case-insensitive substring; the first
/// matching row wins, `*` matches anything) → Veto reason and source. Choosing "The emails
/// are spam and should be reported" in Mailchimp's unsubscribe survey, or an abuse report, is
/// a complaint; an admin's unsubscribe came through the web app, not a link.
pub const IMPORT_UNSUBSCRIBED: &[(&str, Reason, SourceChannel)] = &[
    ("spam", Reason::Complaint, SourceChannel::FeedbackLoop),
    ("abuse", Reason::Complaint, SourceChannel::FeedbackLoop),
    ("admin", Reason::Unsubscribe, SourceChannel::Import),
    ("*", Reason::Unsubscribe, SourceChannel::UnsubscribeLink),
];

/// Cleaned contacts → Veto reason and source. Mailchimp cleans hard bounces and repeated soft
/// bounces alike and the export does not say which, so both are hard bounces.
pub const IMPORT_CLEANED: (Reason, SourceChannel) = (Reason::HardBounce, SourceChannel::Bounce);

/// Veto reason → the section it is exported to and the `UNSUB_REASON` written.
/// Deliverability blocks are cleaned; complaints are unsubscribed with Mailchimp's "spam"
/// survey answer; every other reason is an unsubscribe by the account (the admin answer).
pub const EXPORT: &[(Reason, MailchimpList, &str)] = &[
    (Reason::HardBounce, MailchimpList::Cleaned, ""),
    (Reason::SoftBounceLimit, MailchimpList::Cleaned, ""),
    (Reason::InvalidAddress, MailchimpList::Cleaned, ""),
    (
        Reason::Complaint,
        MailchimpList::Unsubscribed,
        "The emails are spam and should be reported",
    ),
    (
        Reason::Unsubscribe,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
    (
        Reason::StopRequest,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
    (
        Reason::NotInterested,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
    (
        Reason::LegalRequest,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
    (
        Reason::WrongPerson,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
    (Reason::Manual, MailchimpList::Unsubscribed, UNSUB_BY_ADMIN),
    (
        Reason::Migrated,
        MailchimpList::Unsubscribed,
        UNSUB_BY_ADMIN,
    ),
];

const UNSUB_BY_ADMIN: &str = "N/A (Unsubscribed by an admin)";

fn import_unsubscribed(reason: &str) -> (Reason, SourceChannel) {
    let lower = reason.to_lowercase();
    IMPORT_UNSUBSCRIBED
        .iter()
        .find(|(needle, _, _)| *needle == "*" || lower.contains(needle))
        .map_or(
            (Reason::Unsubscribe, SourceChannel::UnsubscribeLink),
            |(_, r, s)| (*r, *s),
        )
}

/// The section of a Mailchimp export, told by its columns.
pub(crate) fn classify(h: &Header) -> Option<MailchimpList> {
    if h.has(&[
        "unsubtime",
        "unsubreason",
        "unsubcampaigntitle",
        "unsubcampaignid",
        "unsubreasonother",
    ]) {
        Some(MailchimpList::Unsubscribed)
    } else if h.has(&["cleantime", "cleancampaigntitle", "cleancampaignid"]) {
        Some(MailchimpList::Cleaned)
    } else {
        None
    }
}

struct Cols {
    list: MailchimpList,
    email: usize,
    time: Option<usize>,
    time_name: &'static str,
    campaign: Option<usize>,
    campaign_id: Option<usize>,
    reason: Option<usize>,
    reason_other: Option<usize>,
}

pub(crate) fn csv_parser(
    list: MailchimpList,
    h: &Header,
) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let email = h.require(
        Format::Mailchimp(Some(list)),
        "Email Address",
        &["emailaddress", "email"],
    )?;
    let cols = match list {
        MailchimpList::Unsubscribed => {
            let t = h.find(&["unsubtime"]);
            Cols {
                list,
                email,
                time: t.or_else(|| h.find(&["lastchanged"])),
                time_name: if t.is_some() {
                    "UNSUB_TIME"
                } else {
                    "LAST_CHANGED"
                },
                campaign: h.find(&["unsubcampaigntitle"]),
                campaign_id: h.find(&["unsubcampaignid"]),
                reason: h.find(&["unsubreason"]),
                reason_other: h.find(&["unsubreasonother"]),
            }
        }
        MailchimpList::Cleaned => {
            let t = h.find(&["cleantime"]);
            Cols {
                list,
                email,
                time: t.or_else(|| h.find(&["lastchanged"])),
                time_name: if t.is_some() {
                    "CLEAN_TIME"
                } else {
                    "LAST_CHANGED"
                },
                campaign: h.find(&["cleancampaigntitle"]),
                campaign_id: h.find(&["cleancampaignid"]),
                reason: None,
                reason_other: None,
            }
        }
    };
    Ok(Box::new(cols))
}

impl RowParser for Cols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        let email = identifier(
            line,
            "Email Address",
            field(row, Some(self.email), line, "Email Address")?,
        )?;
        let created_at = time(
            line,
            self.time_name,
            field(row, self.time, line, self.time_name)?,
        )?;
        let campaign = field(row, self.campaign, line, "campaign title")?;
        let campaign_id = field(row, self.campaign_id, line, "campaign id")?;
        let reason = field(row, self.reason, line, "UNSUB_REASON")?;
        let other = field(row, self.reason_other, line, "UNSUB_REASON_OTHER")?;
        let (r, s, mut ev, original) = match self.list {
            MailchimpList::Unsubscribed => {
                let (r, s) = import_unsubscribed(reason);
                let mut ev = String::from("mailchimp unsubscribed:");
                kv(&mut ev, "reason", reason);
                kv(&mut ev, "other", other);
                (
                    r,
                    s,
                    ev,
                    if reason.is_empty() {
                        "unsubscribed"
                    } else {
                        reason
                    },
                )
            }
            MailchimpList::Cleaned => (
                IMPORT_CLEANED.0,
                IMPORT_CLEANED.1,
                String::from("mailchimp cleaned:"),
                "cleaned",
            ),
        };
        kv(&mut ev, "campaign", campaign);
        kv(&mut ev, "campaign_id", campaign_id);
        if ev.ends_with(':') {
            ev.pop();
        }
        let mut rec = Record::vendor(line, email, r, s);
        rec.created_at = created_at;
        rec.evidence = Some(ev);
        rec.original_reason = Some(original.to_string());
        Ok(Some(rec))
    }
}

/// The header written for a section.
pub(crate) fn header(list: MailchimpList) -> &'static [&'static str] {
    match list {
        MailchimpList::Unsubscribed => &[
            "Email Address",
            "UNSUB_TIME",
            "UNSUB_CAMPAIGN_TITLE",
            "UNSUB_CAMPAIGN_ID",
            "UNSUB_REASON",
            "UNSUB_REASON_OTHER",
            "NOTES",
        ],
        MailchimpList::Cleaned => &[
            "Email Address",
            "CLEAN_TIME",
            "CLEAN_CAMPAIGN_TITLE",
            "CLEAN_CAMPAIGN_ID",
            "NOTES",
        ],
    }
}

/// The section and `UNSUB_REASON` an entry's reason is exported with.
pub fn export_list(r: Reason) -> (MailchimpList, &'static str) {
    EXPORT.iter().find(|(x, _, _)| *x == r).map_or(
        (MailchimpList::Unsubscribed, UNSUB_BY_ADMIN),
        |(_, l, s)| (*l, *s),
    )
}

pub(crate) fn write<W: Write>(
    out: &mut Out<W>,
    list: MailchimpList,
    e: &Entry,
    addr: &str,
) -> io::Result<bool> {
    let (target, reason) = export_list(e.reason);
    if target != list {
        return Ok(false);
    }
    let at = sql_seconds(e.created_at);
    let notes = format!("veto: {}", e.reason.as_str());
    match list {
        MailchimpList::Unsubscribed => {
            out.row([addr, at.as_str(), "", "", reason, "", notes.as_str()])?
        }
        MailchimpList::Cleaned => out.row([addr, at.as_str(), "", "", notes.as_str()])?,
    }
    Ok(true)
}
