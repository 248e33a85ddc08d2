//! The classifier against the labelled fixtures (real messages, Sisimai's labels).

use std::path::Path;

use veto_bounce::{Reason, SignalKind, analyse, evaluate_dir};

fn fixtures(sub: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

#[test]
fn bounces_agree_with_labels() {
    let eval = evaluate_dir(&fixtures("bounces")).expect("fixtures evaluate");
    println!("{}", eval.render_table());
    assert!(eval.messages >= 40);
    assert_eq!(eval.parse_errors, 0);
    assert!(
        eval.recipient_count_accuracy() >= 0.97,
        "{}",
        eval.render_table()
    );
    assert!(eval.reason_agreement() >= 0.93, "{}", eval.render_table());
    assert!(eval.hard_agreement() >= 0.95, "{}", eval.render_table());
    let json = eval.to_json();
    for key in [
        "messages",
        "recipient_count_accuracy",
        "reason_agreement",
        "hard_agreement",
        "per_reason",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn complaints_and_auto_replies_agree_fully() {
    for sub in ["complaints", "autoreplies"] {
        let eval = evaluate_dir(&fixtures(sub)).expect("fixtures evaluate");
        assert_eq!(
            eval.reason_agreement(),
            1.0,
            "{sub}\n{}",
            eval.render_table()
        );
        assert_eq!(eval.hard_agreement(), 1.0, "{sub}");
        assert_eq!(eval.recipient_count_accuracy(), 1.0, "{sub}");
    }
}

#[test]
fn complaint_names_every_reported_recipient() {
    let raw = std::fs::read(fixtures("complaints/arf-16.eml")).expect("fixture");
    let a = analyse(&raw).expect("parses");
    assert_eq!(a.kind, SignalKind::Complaint);
    assert_eq!(a.recipients.len(), 7);
    assert!(
        a.recipients
            .iter()
            .all(|r| r.reason == Reason::Feedback && !r.hard)
    );
    assert_eq!(a.recipients[0].address, "kijitora@example.com");
    assert_eq!(a.recipients[0].feedback_type.as_deref(), Some("abuse"));
}

#[test]
fn exim_user_unknown_is_hard() {
    let raw = std::fs::read(fixtures("bounces/lhost-exim-02.eml")).expect("fixture");
    let a = analyse(&raw).expect("parses");
    assert_eq!(a.kind, SignalKind::Bounce);
    assert_eq!(a.recipients.len(), 2);
    let r = &a.recipients[0];
    assert_eq!(r.address, "kijitora@example.jp");
    assert_eq!(r.reason, Reason::UserUnknown);
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.reply_code, Some(550));
    assert!(r.hard);
}

#[test]
fn rfc3464_report_is_read_from_its_fields() {
    let raw = b"From: MAILER-DAEMON@mx.example.org\r\nTo: sender@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn-1@mx.example.org>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n\
Final-Recipient: rfc822; box@example.net\r\nAction: failed\r\nStatus: 5.2.2\r\n\
Remote-MTA: dns; mx.example.net\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n\r\n\
--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig-1@example.org>\r\nTo: box@example.net\r\n\r\n--b--\r\n";
    let a = analyse(raw).expect("parses");
    assert_eq!(a.kind, SignalKind::Bounce);
    assert_eq!(a.reporting_mta.as_deref(), Some("mx.example.org"));
    assert_eq!(a.original_message_id.as_deref(), Some("orig-1@example.org"));
    let r = &a.recipients[0];
    assert_eq!(
        (r.address.as_str(), r.reason, r.hard),
        ("box@example.net", Reason::MailboxFull, false)
    );
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));
    assert_eq!(r.action.as_deref(), Some("failed"));
}

#[test]
fn ordinary_mail_is_no_signal() {
    let raw =
        b"From: a@example.org\r\nTo: b@example.net\r\nSubject: lunch?\r\n\r\nSee you at noon.\r\n";
    let a = analyse(raw).expect("parses");
    assert_eq!(a.kind, SignalKind::NotASignal);
    assert!(a.recipients.is_empty());
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    assert!(analyse(b"").is_err());
    assert!(analyse(b"   \r\n").is_err());
    for raw in [
        &b"\xff\xfe\x00garbage"[..],
        b"From: x\r\n",
        b"Content-Type: multipart/report; boundary=\"",
        b"--\r\n--\r\n",
    ] {
        let _ = analyse(raw);
    }
}
