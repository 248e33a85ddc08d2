//! Vendor fixtures written after the vendors' documentation, with their quirks (byte order
//! marks, CRLF, quoted commas, extra columns, mixed date shapes).

mod common;

use common::{errs, fixture, ok, read_all};
use time::macros::datetime;
use veto_domain::suppression::{Channel, Purposes, Reason, SourceChannel};
use veto_formats::{Format, MailchimpList, MailgunList, SendgridList};

#[test]
fn ses_cli_document() {
    let (f, res) = read_all(Format::Ses, &fixture("ses-list.json"));
    assert_eq!(f, Format::Ses);
    let recs = ok(&res);
    assert_eq!(recs.len(), 2);
    let a = recs[0];
    assert_eq!(a.line, 1);
    assert_eq!(a.identifier, "bounced@example.com");
    assert_eq!(a.reason, Reason::HardBounce);
    assert_eq!(a.source, SourceChannel::Bounce);
    assert_eq!(a.created_at, Some(datetime!(2020-04-10 21:09:27.123 UTC)));
    assert_eq!(a.original_reason.as_deref(), Some("BOUNCE"));
    assert_eq!(
        a.evidence.as_deref(),
        Some("ses suppression list: reason=BOUNCE")
    );
    assert_eq!(
        (a.channel, a.purposes, a.include_subdomains, a.kind),
        (Channel::Email, Purposes::DEFAULT, false, None)
    );
    let b = recs[1];
    assert_eq!(b.identifier, "Complainer@Example.COM");
    assert_eq!(b.reason, Reason::Complaint);
    assert_eq!(b.source, SourceChannel::FeedbackLoop);
    assert_eq!(b.created_at, Some(datetime!(2020-04-10 21:19:27.5 UTC)));
    let e = errs(&res);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 3);
    assert_eq!(e[0].field.as_deref(), Some("LastUpdateTime"));
    assert!(
        e[0].to_string()
            .starts_with("line 3, field LastUpdateTime: 'yesterday' is not a date")
    );
}

#[test]
fn ses_bulk_csv_without_header() {
    let (_, res) = read_all(Format::Ses, &fixture("ses-bulk.csv"));
    let recs = ok(&res);
    assert_eq!(errs(&res).len(), 0);
    let got: Vec<_> = recs
        .iter()
        .map(|r| (r.line, r.identifier.as_str(), r.reason))
        .collect();
    assert_eq!(
        got,
        [
            (1, "recipient1@example.com", Reason::HardBounce),
            (2, "recipient2@example.com", Reason::Complaint),
            (4, "recipient3@example.com", Reason::HardBounce),
        ]
    );
}

#[test]
fn ses_bulk_json_lines() {
    let (_, res) = read_all(Format::Ses, &fixture("ses-bulk.jsonl"));
    let recs = ok(&res);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[1].reason, Reason::Complaint);
    // A reason SES may add later is kept, as a migrated suppression.
    assert_eq!(recs[2].reason, Reason::Migrated);
    assert_eq!(recs[2].line, 4);
    assert_eq!(recs[2].original_reason.as_deref(), Some("SOMETHING_NEW"));
    let e = errs(&res);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 3);
    assert!(e[0].message.contains("not JSON"), "{}", e[0]);
}

#[test]
fn sendgrid_bounces_with_bom_crlf_and_quoted_commas() {
    let bytes = fixture("sendgrid-bounces.csv");
    for format in [
        Format::Sendgrid(Some(SendgridList::Bounces)),
        Format::Sendgrid(None),
    ] {
        let (f, res) = read_all(format, &bytes);
        assert_eq!(f, Format::Sendgrid(Some(SendgridList::Bounces)));
        let recs = ok(&res);
        assert_eq!(recs.len(), 3, "{res:?}");
        assert_eq!(recs[0].identifier, "user1@example.com");
        assert_eq!(recs[0].line, 2);
        assert_eq!(recs[0].reason, Reason::HardBounce);
        assert_eq!(recs[0].source, SourceChannel::Bounce);
        assert_eq!(recs[0].created_at, Some(datetime!(2015-09-30 22:12:21 UTC)));
        assert_eq!(
            recs[0].evidence.as_deref(),
            Some(
                "sendgrid bounce: status=5.1.1 reason=550 5.1.1 The email account that you \
                 tried to reach does not exist, please check"
            )
        );
        assert_eq!(recs[1].reason, Reason::SoftBounceLimit);
        assert_eq!(recs[1].identifier, "USER2@example.com");
        assert_eq!(recs[2].reason, Reason::HardBounce);
        assert_eq!(recs[2].evidence.as_deref(), Some("sendgrid bounce"));
    }
}

#[test]
fn sendgrid_other_lists_detected() {
    let cases = [
        (
            "sendgrid-spam-reports.csv",
            SendgridList::SpamReports,
            Reason::Complaint,
            "sendgrid spam report: ip=10.63.202.100",
        ),
        (
            "sendgrid-global-unsubscribes.csv",
            SendgridList::GlobalUnsubscribes,
            Reason::Unsubscribe,
            "sendgrid global unsubscribe",
        ),
        (
            "sendgrid-group-unsubscribes.csv",
            SendgridList::GroupUnsubscribes,
            Reason::Unsubscribe,
            "sendgrid group unsubscribe: group_id=42 group_name=Weekly, the newsletter",
        ),
    ];
    for (file, list, reason, evidence) in cases {
        let bytes = fixture(file);
        assert_eq!(
            veto_formats::detect(&bytes),
            Some(Format::Sendgrid(Some(list))),
            "{file}"
        );
        let (f, res) = read_all(Format::Sendgrid(None), &bytes);
        assert_eq!(f, Format::Sendgrid(Some(list)));
        let recs = ok(&res);
        assert!(!recs.is_empty() && errs(&res).is_empty(), "{file}: {res:?}");
        assert_eq!(recs[0].reason, reason);
        assert_eq!(recs[0].evidence.as_deref(), Some(evidence));
        assert_eq!(recs[0].purposes, Purposes::DEFAULT);
    }
    let (_, res) = read_all(
        Format::Sendgrid(None),
        &fixture("sendgrid-global-unsubscribes.csv"),
    );
    let recs = ok(&res);
    assert_eq!(recs[0].identifier, "unsub1@example.com");
    assert_eq!(recs[0].created_at, Some(datetime!(2021-03-04 05:06:07 UTC)));
    assert_eq!(recs[0].source, SourceChannel::UnsubscribeLink);
}

#[test]
fn mailgun_csv_and_json() {
    let (f, res) = read_all(Format::Mailgun(None), &fixture("mailgun-bounces.csv"));
    assert_eq!(f, Format::Mailgun(Some(MailgunList::Bounces)));
    let recs = ok(&res);
    assert_eq!(recs.len(), 3);
    let t = Some(datetime!(2011-10-21 11:02:55 UTC));
    assert!(recs.iter().all(|r| r.created_at == t), "{recs:?}");
    assert_eq!(recs[0].reason, Reason::HardBounce);
    assert_eq!(
        recs[0].evidence.as_deref(),
        Some("mailgun bounce: code=550 error=No such mailbox, sorry")
    );
    assert_eq!(recs[1].reason, Reason::SoftBounceLimit);
    assert_eq!(recs[2].original_reason.as_deref(), Some("550"));

    let (f, res) = read_all(Format::Mailgun(None), &fixture("mailgun-unsubscribes.json"));
    assert_eq!(f, Format::Mailgun(Some(MailgunList::Unsubscribes)));
    let recs = ok(&res);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].line, 2);
    assert_eq!(recs[1].reason, Reason::Unsubscribe);
    assert_eq!(
        recs[1].evidence.as_deref(),
        Some("mailgun unsubscribe: tags=newsletter,promo")
    );
    assert_eq!(recs[1].created_at, Some(datetime!(2011-10-22 11:02:55 UTC)));

    let (f, res) = read_all(Format::Mailgun(None), &fixture("mailgun-complaints.json"));
    assert_eq!(f, Format::Mailgun(Some(MailgunList::Complaints)));
    assert_eq!(ok(&res)[0].reason, Reason::Complaint);
    assert_eq!(ok(&res)[0].source, SourceChannel::FeedbackLoop);

    let (f, res) = read_all(Format::Mailgun(None), &fixture("mailgun-unsubscribes.csv"));
    assert_eq!(f, Format::Mailgun(Some(MailgunList::Unsubscribes)));
    assert_eq!(ok(&res).len(), 1);
}

#[test]
fn mailgun_ambiguous_csv_asks_for_the_list() {
    let e = veto_formats::reader(
        Format::Mailgun(None),
        &b"address,created_at\nx@example.com,1\n"[..],
    )
    .err()
    .unwrap();
    let msg = e.to_string();
    assert!(
        msg.contains("mailgun-complaints") && msg.contains("'address'"),
        "{msg}"
    );
    let (_, res) = read_all(
        Format::Mailgun(Some(MailgunList::Complaints)),
        b"address,created_at\nx@example.com,1\n",
    );
    assert_eq!(ok(&res)[0].reason, Reason::Complaint);
}

#[test]
fn postmark_dump_and_csv() {
    let (_, res) = read_all(Format::Postmark, &fixture("postmark-dump.json"));
    let recs = ok(&res);
    let got: Vec<_> = recs
        .iter()
        .map(|r| (r.identifier.as_str(), r.reason, r.source))
        .collect();
    assert_eq!(
        got,
        [
            (
                "address@wildbit.com",
                Reason::Unsubscribe,
                SourceChannel::UnsubscribeLink
            ),
            (
                "bounce.address@wildbit.com",
                Reason::HardBounce,
                SourceChannel::Bounce
            ),
            (
                "spam.complaint.address@wildbit.com",
                Reason::Complaint,
                SourceChannel::FeedbackLoop
            ),
            (
                "added.by.customer@wildbit.com",
                Reason::Unsubscribe,
                SourceChannel::Import
            ),
        ]
    );
    assert_eq!(recs[0].created_at, Some(datetime!(2019-12-17 13:58:33 UTC)));
    assert_eq!(
        recs[3].evidence.as_deref(),
        Some("postmark suppression: reason=ManualSuppression origin=Customer")
    );
    let (_, res) = read_all(Format::Postmark, &fixture("postmark.csv"));
    assert_eq!(ok(&res).len(), 2);
    assert_eq!(ok(&res)[1].reason, Reason::HardBounce);
}

#[test]
fn mailchimp_sections() {
    let (f, res) = read_all(
        Format::Mailchimp(None),
        &fixture("mailchimp-unsubscribed.csv"),
    );
    assert_eq!(f, Format::Mailchimp(Some(MailchimpList::Unsubscribed)));
    let recs = ok(&res);
    assert_eq!(recs.len(), 4, "{res:?}");
    assert_eq!(recs[0].identifier, "jane@example.com");
    assert_eq!(recs[0].reason, Reason::Unsubscribe);
    assert_eq!(recs[0].source, SourceChannel::UnsubscribeLink);
    assert_eq!(recs[0].created_at, Some(datetime!(2021-06-07 08:09:10 UTC)));
    assert_eq!(
        recs[0].evidence.as_deref(),
        Some(
            "mailchimp unsubscribed: reason=I no longer want to receive these emails \
             campaign=May newsletter, part 2 campaign_id=a1b2c3"
        )
    );
    assert_eq!(recs[1].reason, Reason::Complaint);
    assert_eq!(recs[2].source, SourceChannel::Import);
    assert!(
        recs[3]
            .evidence
            .as_deref()
            .unwrap()
            .contains("other=Too many emails, honestly")
    );

    let (f, res) = read_all(Format::Mailchimp(None), &fixture("mailchimp-cleaned.csv"));
    assert_eq!(f, Format::Mailchimp(Some(MailchimpList::Cleaned)));
    let recs = ok(&res);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].reason, Reason::HardBounce);
    assert_eq!(recs[0].created_at, Some(datetime!(2020-02-03 04:05:06 UTC)));
    assert_eq!(
        recs[0].evidence.as_deref(),
        Some("mailchimp cleaned: campaign=Spring sale campaign_id=f00b")
    );
    let e = errs(&res);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].field.as_deref()), (3, Some("CLEAN_TIME")));
}

#[test]
fn listmonk_blocklisted_only() {
    let bytes = fixture("listmonk.csv");
    assert_eq!(veto_formats::detect(&bytes), Some(Format::Listmonk));
    let mut r = veto_formats::reader(Format::Listmonk, &bytes[..]).unwrap();
    let recs: Vec<_> = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(r.skipped(), 2);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].identifier, "blocked@example.com");
    assert_eq!(recs[0].reason, Reason::Unsubscribe);
    assert_eq!(
        recs[0].created_at,
        Some(datetime!(2023-05-10 08:33:22.514849 UTC))
    );
    assert_eq!(
        recs[0].evidence.as_deref(),
        Some(
            "listmonk subscriber: status=blocklisted uuid=5f8a1c2e-1111-4a4a-9a9a-000000000001 \
             updated_at=2023-06-01 09:00:00.5 +0000 UTC"
        )
    );
    assert_eq!(recs[1].line, 5);
    assert_eq!(
        recs[1].created_at,
        Some(datetime!(2024-01-02 03:04:05.000006 UTC))
    );
}

#[test]
fn veto_csv_minimal_hand_made() {
    let (_, res) = read_all(Format::VetoCsv, &fixture("veto-minimal.csv"));
    let recs = ok(&res);
    assert_eq!(recs.len(), 3, "{res:?}");
    assert_eq!(recs[0].kind, None);
    assert_eq!(recs[0].channel, Channel::Email);
    assert_eq!(recs[0].source, SourceChannel::Import);
    assert_eq!(recs[1].channel, Channel::Phone);
    assert_eq!(recs[1].purposes, Purposes::ALL);
    assert_eq!(recs[2].purposes, Purposes::ALL);
    assert_eq!(recs[2].reason, Reason::LegalRequest);
}

#[test]
fn detect_every_fixture() {
    let cases = [
        ("ses-list.json", Format::Ses),
        ("ses-bulk.csv", Format::Ses),
        ("ses-bulk.jsonl", Format::Ses),
        (
            "sendgrid-bounces.csv",
            Format::Sendgrid(Some(SendgridList::Bounces)),
        ),
        (
            "mailgun-bounces.csv",
            Format::Mailgun(Some(MailgunList::Bounces)),
        ),
        (
            "mailgun-unsubscribes.json",
            Format::Mailgun(Some(MailgunList::Unsubscribes)),
        ),
        ("postmark-dump.json", Format::Postmark),
        ("postmark.csv", Format::Postmark),
        (
            "mailchimp-unsubscribed.csv",
            Format::Mailchimp(Some(MailchimpList::Unsubscribed)),
        ),
        (
            "mailchimp-cleaned.csv",
            Format::Mailchimp(Some(MailchimpList::Cleaned)),
        ),
        ("veto-minimal.csv", Format::VetoCsv),
    ];
    for (file, want) in cases {
        assert_eq!(veto_formats::detect(&fixture(file)), Some(want), "{file}");
    }
    assert_eq!(veto_formats::detect(b"hello,world\n1,2\n"), None);
    assert_eq!(veto_formats::detect(b""), None);
}

#[test]
fn lines_are_physical_lines() {
    // Leading blank lines, CRLF, blank lines between rows, a quoted field over two lines.
    let csv = b"\r\n\r\nemail,created\r\na@example.com,1\r\n\r\n\"b@exam\r\nple.com\",2\r\nc@example.com,3\n\n\nd@example.com,4";
    let (_, res) = read_all(Format::Sendgrid(None), csv);
    let lines: Vec<u64> = res
        .iter()
        .map(|r| match r {
            Ok(r) => r.line,
            Err(e) => e.line,
        })
        .collect();
    assert_eq!(lines, [4, 6, 8, 11]);
    let jsonl = b"\n\n{\"identifier\":\"a@example.com\",\"reason\":\"manual\"}\r\n\r\n{\"identifier\":\"b@example.com\",\"reason\":\"manual\"}";
    let (_, res) = read_all(Format::VetoJsonl, jsonl);
    let lines: Vec<u64> = ok(&res).iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 5]);
}
