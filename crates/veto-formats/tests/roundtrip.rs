//! Export then import: Veto's formats give back the same entries; vendor formats give back
//! every field they carry.

mod common;

use common::{export, read_all, sample, to_entry};
use veto_domain::id::TenantId;
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::suppression::{Entry, Reason};
use veto_formats::{Format, MailchimpList, MailgunList, SendgridList};

#[test]
fn veto_formats_round_trip_exactly() {
    let tenant = TenantId::new();
    let entries = sample(tenant);
    for format in [Format::VetoCsv, Format::VetoJsonl] {
        let (bytes, counts) = export(format, &entries);
        assert_eq!(counts.written, entries.len() as u64);
        assert_eq!(counts.skipped, 0);
        assert_eq!(veto_formats::detect(&bytes), Some(format));
        let (_, res) = read_all(format, &bytes);
        let back: Vec<Entry> = res
            .iter()
            .map(|r| to_entry(r.as_ref().unwrap(), tenant))
            .collect();
        assert_eq!(back, entries, "{format}");
        // Lines: one per entry in JSON lines; CSV entries start after the header and the
        // multi-line evidence.
        let lines: Vec<u64> = res.iter().map(|r| r.as_ref().unwrap().line).collect();
        if format == Format::VetoJsonl {
            assert_eq!(lines, (1..=entries.len() as u64).collect::<Vec<_>>());
        } else {
            assert_eq!(lines[0], 2);
            assert_eq!(lines[1], 4);
        }
    }
}

#[test]
fn veto_jsonl_keeps_empty_evidence_apart_from_none() {
    let tenant = TenantId::new();
    let mut e = sample(tenant).remove(0);
    e.evidence = Some(String::new());
    let (bytes, _) = export(Format::VetoJsonl, std::slice::from_ref(&e));
    let (_, res) = read_all(Format::VetoJsonl, &bytes);
    assert_eq!(to_entry(res[0].as_ref().unwrap(), tenant), e);
}

/// What an entry of each reason comes back as through a vendor format, `None` when the
/// format (list) does not carry it.
fn expected(format: Format, r: Reason) -> Option<Reason> {
    use Reason::*;
    let deliverability = r.is_deliverability();
    match format {
        Format::Ses => Some(if deliverability {
            HardBounce
        } else {
            Complaint
        }),
        Format::Sendgrid(Some(SendgridList::Bounces))
        | Format::Mailgun(Some(MailgunList::Bounces)) => match r {
            SoftBounceLimit => Some(SoftBounceLimit),
            HardBounce | InvalidAddress => Some(HardBounce),
            _ => None,
        },
        Format::Sendgrid(Some(SendgridList::SpamReports))
        | Format::Mailgun(Some(MailgunList::Complaints)) => (r == Complaint).then_some(Complaint),
        Format::Sendgrid(Some(SendgridList::GlobalUnsubscribes))
        | Format::Mailgun(Some(MailgunList::Unsubscribes)) => {
            (!deliverability && r != Complaint).then_some(Unsubscribe)
        }
        Format::Postmark => Some(if deliverability {
            HardBounce
        } else if r == Complaint {
            Complaint
        } else {
            Unsubscribe
        }),
        Format::Mailchimp(Some(MailchimpList::Cleaned)) => deliverability.then_some(HardBounce),
        Format::Mailchimp(Some(MailchimpList::Unsubscribed)) => {
            (!deliverability).then_some(if r == Complaint {
                Complaint
            } else {
                Unsubscribe
            })
        }
        Format::Listmonk => Some(Unsubscribe),
        _ => unreachable!(),
    }
}

/// How precisely a vendor format keeps the date: `None` not at all, else the step in
/// microseconds.
fn date_step(format: Format) -> Option<i64> {
    match format {
        Format::Ses => None,
        Format::Listmonk => Some(1),
        _ => Some(1_000_000),
    }
}

#[test]
fn vendor_formats_round_trip_what_they_carry() {
    let tenant = TenantId::new();
    let entries = sample(tenant);
    let emails: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.kind == IdentifierKind::Email && e.identifier.is_some())
        .collect();
    let mut covered = 0;
    for format in Format::all()
        .iter()
        .copied()
        .filter(|f| f.can_export() && !f.is_veto())
    {
        let (bytes, counts) = export(format, &entries);
        let carried: Vec<&&Entry> = emails
            .iter()
            .filter(|e| expected(format, e.reason).is_some())
            .collect();
        assert_eq!(counts.written, carried.len() as u64, "{format}");
        assert_eq!(
            counts.skipped,
            (entries.len() - carried.len()) as u64,
            "{format}"
        );
        let (found, res) = read_all(format, &bytes);
        assert_eq!(found, format);
        let recs: Vec<_> = res
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{format}: {e}")))
            .collect();
        assert_eq!(recs.len(), carried.len(), "{format}");
        for (rec, e) in recs.iter().zip(&carried) {
            let Some(Identifier::Email(addr)) = &e.identifier else {
                unreachable!()
            };
            assert_eq!(rec.identifier, addr.as_str(), "{format}");
            assert_eq!(
                Some(rec.reason),
                expected(format, e.reason),
                "{format} {:?}",
                e.reason
            );
            assert_eq!(rec.kind, None);
            assert!(
                rec.evidence
                    .as_deref()
                    .is_some_and(|ev| ev.starts_with(format.name().split('-').next().unwrap())),
                "{format}: {:?}",
                rec.evidence
            );
            match date_step(format) {
                None => assert_eq!(rec.created_at, None),
                Some(step) => {
                    let us = veto_domain::to_micros(e.created_at);
                    let want = veto_domain::from_micros(us - us.rem_euclid(step));
                    assert_eq!(rec.created_at, Some(want), "{format}");
                }
            }
            covered += 1;
        }
        // A vendor export is detected as what it is (the Mailgun complaints CSV has only
        // address and date, which it shares with unsubscribes without tags).
        if format != Format::Mailgun(Some(MailgunList::Complaints)) {
            let d = veto_formats::detect(&bytes);
            assert!(
                d == Some(format) || (format == Format::Ses && d == Some(Format::Ses)),
                "{format}: {d:?}"
            );
        }
    }
    assert!(covered > 30, "{covered}");
}

#[test]
fn every_reason_has_an_export_in_every_vendor_table() {
    for r in Reason::ALL {
        assert!(veto_formats::ses::EXPORT.iter().any(|(x, _)| x == r));
        assert!(
            veto_formats::sendgrid::EXPORT
                .iter()
                .any(|(x, _, _)| x == r)
        );
        assert!(veto_formats::mailgun::EXPORT.iter().any(|(x, _, _)| x == r));
        assert!(veto_formats::postmark::EXPORT.iter().any(|(x, _)| x == r));
        assert!(
            veto_formats::mailchimp::EXPORT
                .iter()
                .any(|(x, _, _)| x == r)
        );
        assert!(veto_formats::listmonk::EXPORT.iter().any(|(x, _)| x == r));
    }
}

#[test]
fn formats_that_cannot_be_written_say_why() {
    for f in [
        Format::Sendgrid(None),
        Format::Sendgrid(Some(SendgridList::GroupUnsubscribes)),
        Format::Mailgun(None),
        Format::Mailchimp(None),
    ] {
        assert!(!f.can_export());
        let e = veto_formats::writer(f, Vec::new())
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with(&format!("cannot export as {f}")), "{e}");
    }
    let e = veto_formats::writer(Format::Sendgrid(None), Vec::new())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("sendgrid-bounces") && !e.contains("group"),
        "{e}"
    );
}

#[test]
fn format_names() {
    assert_eq!(Format::NAMES.len(), Format::all().len());
    for (name, f) in Format::NAMES.iter().zip(Format::all()) {
        assert_eq!(Format::parse(name), Ok(*f));
        assert_eq!(f.name(), *name);
        assert_eq!(f.to_string(), *name);
    }
    assert_eq!(
        Format::parse(" SendGrid_Bounces "),
        Ok(Format::Sendgrid(Some(SendgridList::Bounces)))
    );
    let e = Format::parse("constant-contact").unwrap_err();
    assert!(
        e.contains("unknown format 'constant-contact'") && e.contains("veto-csv, veto-jsonl, ses")
    );
}

#[test]
fn readers_and_writers_move_between_threads() {
    fn send<T: Send>() {}
    send::<veto_formats::RecordReader<std::fs::File>>();
    send::<veto_formats::RecordWriter<std::fs::File>>();
    send::<veto_formats::FormatError>();
    send::<veto_formats::Record>();
}
