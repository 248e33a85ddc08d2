//! `poll_once` against a real Dovecot (see `veto_imap::testing`): each test starts its own.

use std::convert::Infallible;
use std::time::Duration;

use veto_imap::testing::{Dovecot, DovecotOptions};
use veto_imap::{
    AfterHandling, Cursor, DEFAULT_KEYWORD, Disposition, ImapError, MailboxConfig, PollReport,
    Security, Trust, poll_once,
};

fn dovecot() -> Option<Dovecot> {
    Dovecot::start().expect("the Dovecot harness starts")
}

fn message(n: usize) -> Vec<u8> {
    format!(
        "From: mailer-daemon@example.net\r\nTo: bounces@example.com\r\nSubject: test {n}\r\n\
         Message-ID: <{n}@example.net>\r\n\r\nBody of message {n}.\r\n"
    )
    .into_bytes()
}

/// Polls, handing every message to `decide` and recording what it was given.
async fn poll(
    cfg: &MailboxConfig,
    cursor: Cursor,
    mut decide: impl FnMut(u32) -> Result<Disposition, String>,
) -> (Result<PollReport, ImapError>, Vec<(u32, Vec<u8>)>) {
    let mut given = Vec::new();
    let report = poll_once(cfg, cursor, |uid, raw| {
        given.push((uid, raw));
        let answer = decide(uid);
        async move { answer }
    })
    .await;
    (report, given)
}

async fn handle_all(cfg: &MailboxConfig, cursor: Cursor) -> (PollReport, Vec<u32>) {
    let (report, given) = poll(cfg, cursor, |_| Ok(Disposition::Handled)).await;
    let report = report.expect("poll succeeds");
    (report, given.into_iter().map(|(uid, _)| uid).collect())
}

#[tokio::test]
async fn implicit_tls_flags_handled_mail_and_resumes_from_the_cursor() {
    let Some(d) = dovecot() else { return };
    let first = d.deliver("INBOX", &message(1)).await.unwrap();
    let second = d.deliver("INBOX", &message(2)).await.unwrap();
    let cfg = d.config(Security::Implicit);

    let (report, given) = poll(&cfg, Cursor::default(), |_| Ok(Disposition::Handled)).await;
    let report = report.unwrap();
    assert_eq!(
        given,
        vec![(first, message(1)), (second, message(2))],
        "whole raw messages, in UID order"
    );
    assert_eq!((report.fetched, report.handled, report.skipped), (2, 2, 0));
    assert_eq!(report.failed, None);
    assert!(!report.more && !report.validity_reset);
    let validity = d.uid_validity("INBOX").await.unwrap();
    assert_eq!(
        report.cursor,
        Cursor {
            uid_validity: validity,
            last_uid: second
        }
    );
    for m in d.messages("INBOX").await.unwrap() {
        assert!(m.has_flag(DEFAULT_KEYWORD), "{m:?}");
        assert!(!m.has_flag("\\Seen"), "fetching must not mark read: {m:?}");
    }

    // A restart with the persisted cursor sees only newer mail.
    let persisted = serde_json::to_string(&report.cursor).unwrap();
    let cursor: Cursor = serde_json::from_str(&persisted).unwrap();
    let third = d.deliver("INBOX", &message(3)).await.unwrap();
    let (report, uids) = handle_all(&cfg, cursor).await;
    assert_eq!(uids, vec![third]);
    assert_eq!(report.cursor.last_uid, third);
    let (report, uids) = handle_all(&cfg, report.cursor).await;
    assert!(uids.is_empty());
    assert_eq!(report.cursor.last_uid, third);
}

#[tokio::test]
async fn starttls_and_plain_loopback_connections_work() {
    let Some(d) = dovecot() else { return };
    let uid = d.deliver("INBOX", &message(1)).await.unwrap();
    let (report, uids) = handle_all(&d.config(Security::StartTls), Cursor::default()).await;
    assert_eq!((uids, report.handled), (vec![uid], 1));

    let uid = d.deliver("INBOX", &message(2)).await.unwrap();
    let (report, uids) = handle_all(&d.config(Security::Plain), report.cursor).await;
    assert_eq!((uids, report.handled), (vec![uid], 1));
}

#[tokio::test]
async fn already_flagged_mail_is_not_fetched_even_from_a_fresh_cursor() {
    let Some(d) = dovecot() else { return };
    d.deliver_with_flags("INBOX", &[DEFAULT_KEYWORD], &message(1))
        .await
        .unwrap();
    let fresh = d.deliver("INBOX", &message(2)).await.unwrap();
    let (_, uids) = handle_all(&d.config(Security::Implicit), Cursor::default()).await;
    assert_eq!(uids, vec![fresh]);
}

#[tokio::test]
async fn batches_are_bounded_and_in_uid_order() {
    let Some(d) = dovecot() else { return };
    let mut delivered = Vec::new();
    for n in 0..5 {
        delivered.push(d.deliver("INBOX", &message(n)).await.unwrap());
    }
    let mut cfg = d.config(Security::Implicit);
    cfg.batch = 2;
    let mut cursor = Cursor::default();
    let mut seen = Vec::new();
    let mut polls = 0;
    loop {
        let (report, uids) = handle_all(&cfg, cursor).await;
        assert!(uids.len() <= 2);
        seen.extend(uids);
        cursor = report.cursor;
        polls += 1;
        if !report.more {
            break;
        }
    }
    assert_eq!(seen, delivered);
    assert_eq!(polls, 3);
}

#[tokio::test]
async fn skipped_mail_is_left_untouched_and_passed_by_the_cursor() {
    let Some(d) = dovecot() else { return };
    let ours = d.deliver("INBOX", &message(1)).await.unwrap();
    let foreign = d.deliver("INBOX", &message(2)).await.unwrap();
    let cfg = d.config(Security::Implicit);
    let (report, _) = poll(&cfg, Cursor::default(), |uid| {
        Ok(if uid == foreign {
            Disposition::Skip
        } else {
            Disposition::Handled
        })
    })
    .await;
    let report = report.unwrap();
    assert_eq!((report.handled, report.skipped), (1, 1));
    assert_eq!(report.cursor.last_uid, foreign);
    let stored = d.messages("INBOX").await.unwrap();
    assert!(stored[0].uid == ours && stored[0].has_flag(DEFAULT_KEYWORD));
    assert_eq!(stored[1].uid, foreign);
    assert!(
        stored[1].flags.is_empty(),
        "skipped mail keeps no flag, not even \\Seen: {:?}",
        stored[1]
    );
    let (_, uids) = handle_all(&cfg, report.cursor).await;
    assert!(uids.is_empty(), "skipped mail is not offered again");
}

#[tokio::test]
async fn a_handler_error_stops_the_batch_and_is_retried_next_poll() {
    let Some(d) = dovecot() else { return };
    let a = d.deliver("INBOX", &message(1)).await.unwrap();
    let b = d.deliver("INBOX", &message(2)).await.unwrap();
    let c = d.deliver("INBOX", &message(3)).await.unwrap();
    let cfg = d.config(Security::Implicit);

    let (report, given) = poll(&cfg, Cursor::default(), |uid| {
        if uid == b {
            Err("store unavailable".to_owned())
        } else {
            Ok(Disposition::Handled)
        }
    })
    .await;
    let report = report.unwrap();
    assert_eq!(given.iter().map(|g| g.0).collect::<Vec<_>>(), vec![a, b]);
    assert_eq!(report.failed, Some((b, "store unavailable".to_owned())));
    assert_eq!((report.handled, report.fetched), (1, 2));
    assert_eq!(
        report.cursor.last_uid, a,
        "the cursor stays before the failure"
    );
    let stored = d.messages("INBOX").await.unwrap();
    assert!(stored[1].flags.is_empty() && stored[2].flags.is_empty());

    let (report, uids) = handle_all(&cfg, report.cursor).await;
    assert_eq!(uids, vec![b, c]);
    assert_eq!(report.failed, None);
    assert_eq!(report.cursor.last_uid, c);
}

#[tokio::test]
async fn a_recreated_folder_is_read_again_but_flagged_mail_is_not_handled_twice() {
    let Some(d) = dovecot() else { return };
    let folder = "Bounces";
    d.deliver(folder, &message(1)).await.unwrap();
    d.deliver(folder, &message(2)).await.unwrap();
    let mut cfg = d.config(Security::Implicit);
    cfg.folder = folder.to_owned();
    let (before, _) = handle_all(&cfg, Cursor::default()).await;
    assert_eq!(before.cursor.last_uid, 2);

    // Recreated (say, restored from a backup that kept the keyword) with one new message.
    d.delete_folder(folder).await.unwrap();
    d.deliver_with_flags(folder, &[DEFAULT_KEYWORD], &message(1))
        .await
        .unwrap();
    let fresh = d.deliver(folder, &message(3)).await.unwrap();
    let validity = d.uid_validity(folder).await.unwrap();
    assert_ne!(validity, before.cursor.uid_validity);
    assert!(
        fresh <= before.cursor.last_uid,
        "UIDs restart in the new folder"
    );

    let (report, given) = poll(&cfg, before.cursor, |_| Ok(Disposition::Handled)).await;
    let report = report.unwrap();
    assert!(report.validity_reset);
    assert_eq!(given, vec![(fresh, message(3))]);
    assert_eq!(
        report.cursor,
        Cursor {
            uid_validity: validity,
            last_uid: fresh
        }
    );
}

#[tokio::test]
async fn seen_mode_marks_read_only_and_reprocesses_after_a_validity_change() {
    let Some(d) = dovecot() else { return };
    let folder = "Replies";
    let uid = d.deliver(folder, &message(1)).await.unwrap();
    let mut cfg = d.config(Security::Implicit);
    cfg.folder = folder.to_owned();
    cfg.after = AfterHandling::Seen;
    let (report, uids) = handle_all(&cfg, Cursor::default()).await;
    assert_eq!(uids, vec![uid]);
    let stored = d.messages(folder).await.unwrap();
    assert_eq!(stored[0].flags, vec!["\\Seen".to_owned()]);

    // Seen mode has only the cursor: a recreated folder is handed over again (documented).
    d.delete_folder(folder).await.unwrap();
    let again = d
        .deliver_with_flags(folder, &["\\Seen"], &message(1))
        .await
        .unwrap();
    let (next, uids) = handle_all(&cfg, report.cursor).await;
    assert!(next.validity_reset);
    assert_eq!(uids, vec![again]);
}

#[tokio::test]
async fn move_mode_creates_the_folder_and_moves_only_handled_mail() {
    let Some(d) = dovecot() else { return };
    let handled = d.deliver("INBOX", &message(1)).await.unwrap();
    let skipped = d.deliver("INBOX", &message(2)).await.unwrap();
    let mut cfg = d.config(Security::Implicit);
    cfg.after = AfterHandling::Move("Veto Handled".to_owned());
    let (report, _) = poll(&cfg, Cursor::default(), |uid| {
        Ok(if uid == handled {
            Disposition::Handled
        } else {
            Disposition::Skip
        })
    })
    .await;
    let report = report.unwrap();
    assert_eq!((report.handled, report.skipped), (1, 1));
    assert_eq!(report.cursor.last_uid, skipped);
    let inbox = d.messages("INBOX").await.unwrap();
    assert_eq!(
        inbox.iter().map(|m| m.uid).collect::<Vec<_>>(),
        vec![skipped]
    );
    // With MOVE no session marks anything \Deleted (Dovecot's logout line counts it).
    assert!(!d.log().contains("deleted=1"), "{}", d.log());
    let moved = d.messages("Veto Handled").await.unwrap();
    assert_eq!(moved.len(), 1);
    assert!(!moved[0].has_flag("\\Deleted"));
}

#[tokio::test]
async fn without_move_the_fallback_expunges_exactly_the_handled_message() {
    let Some(d) = Dovecot::start_with(DovecotOptions {
        advertise_move: false,
    })
    .expect("the Dovecot harness starts") else {
        return;
    };
    // Someone else's message, marked deleted but not yet expunged by its owner.
    let foreign = d
        .deliver_with_flags("INBOX", &["\\Deleted"], &message(1))
        .await
        .unwrap();
    let handled = d.deliver("INBOX", &message(2)).await.unwrap();
    let mut cfg = d.config(Security::Implicit);
    cfg.after = AfterHandling::Move("Processed".to_owned());
    let (report, _) = poll(&cfg, Cursor::default(), |uid| {
        Ok(if uid == handled {
            Disposition::Handled
        } else {
            Disposition::Skip
        })
    })
    .await;
    let report = report.unwrap();
    assert_eq!((report.handled, report.skipped), (1, 1));
    let inbox = d.messages("INBOX").await.unwrap();
    assert_eq!(
        inbox.len(),
        1,
        "the foreign deleted message survives: {inbox:?}"
    );
    assert_eq!(inbox[0].uid, foreign);
    assert!(inbox[0].has_flag("\\Deleted"));
    let processed = d.messages("Processed").await.unwrap();
    assert_eq!(processed.len(), 1);
    assert!(!processed[0].has_flag("\\Deleted"), "{processed:?}");
    // Dovecot's logout line counts what the session did: one \Deleted, one expunge.
    assert!(
        d.log().contains("deleted=1 expunged=1"),
        "the fallback path (COPY, \\Deleted, UID EXPUNGE) was taken:\n{}",
        d.log()
    );
}

#[tokio::test]
async fn oversized_mail_is_left_alone_and_passed() {
    let Some(d) = dovecot() else { return };
    let mut big = message(1);
    big.extend(std::iter::repeat_n(b'x', 4000));
    big.extend(b"\r\n");
    let big_uid = d.deliver("INBOX", &big).await.unwrap();
    let small = d.deliver("INBOX", &message(2)).await.unwrap();
    let mut cfg = d.config(Security::Implicit);
    cfg.max_message_bytes = 1000;
    let (report, uids) = handle_all(&cfg, Cursor::default()).await;
    assert_eq!(uids, vec![small]);
    assert_eq!((report.oversized, report.cursor.last_uid), (1, small));
    let stored = d.messages("INBOX").await.unwrap();
    assert_eq!(stored[0].uid, big_uid);
    assert!(stored[0].flags.is_empty());
}

#[tokio::test]
async fn errors_name_the_problem_and_never_the_password() {
    let Some(d) = dovecot() else { return };
    let never = |_| -> Result<Disposition, String> { panic!("no message expected") };

    let mut cfg = d.config(Security::Implicit);
    cfg.folder = "No Such Folder".to_owned();
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(
        matches!(&err, Err(ImapError::FolderMissing { folder }) if folder == "No Such Folder"),
        "{err:?}"
    );

    // The test CA is not among the platform roots.
    let mut cfg = d.config(Security::Implicit);
    cfg.trust = Trust::Platform;
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(matches!(err, Err(ImapError::Tls { .. })), "{err:?}");
    cfg.security = Security::StartTls;
    cfg.port = d.imap_port();
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(matches!(err, Err(ImapError::Tls { .. })), "{err:?}");

    // Implicit TLS against the plain port: the handshake fails, it does not hang.
    let mut cfg = d.config(Security::Implicit);
    cfg.port = d.imap_port();
    cfg.timeout = Duration::from_secs(5);
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(
        matches!(err, Err(ImapError::Tls { .. } | ImapError::Timeout { .. })),
        "{err:?}"
    );

    // Nothing listens on a just-released port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = d.config(Security::Implicit);
    cfg.port = closed;
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(matches!(err, Err(ImapError::Connect { .. })), "{err:?}");

    // Refused logins last: Dovecot slows later logins from an address that failed one.
    let mut cfg = d.config(Security::Implicit);
    cfg.password = "Wrong-Pa55word-xyz".to_owned();
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    let err = err.unwrap_err();
    assert!(matches!(err, ImapError::LoginRefused { .. }), "{err:?}");
    for shown in [err.to_string(), format!("{err:?}"), format!("{cfg:?}")] {
        assert!(!shown.contains("Wrong-Pa55word-xyz"), "{shown}");
        assert!(!shown.contains(d.password()), "{shown}");
    }

    let mut cfg = d.config(Security::StartTls);
    cfg.password = "Wrong-Pa55word-xyz".to_owned();
    let (err, _) = poll(&cfg, Cursor::default(), never).await;
    assert!(
        matches!(err, Err(ImapError::LoginRefused { .. })),
        "{err:?}"
    );

    let log = d.log();
    assert!(!log.contains("Wrong-Pa55word-xyz") && !log.contains(d.password()));
}

#[tokio::test]
async fn unsafe_configurations_are_refused_before_connecting() {
    let never = |_, _| async { Ok::<_, Infallible>(Disposition::Handled) };
    let mut cfg = MailboxConfig::new("imap.example.com", "user", "pw");
    cfg.security = Security::Plain;
    let err = poll_once(&cfg, Cursor::default(), never).await.unwrap_err();
    assert!(matches!(err, ImapError::Config(_)), "{err:?}");

    let mut cfg = MailboxConfig::new("imap.example.com", "user", "pw");
    cfg.after = AfterHandling::Flag("not a keyword".to_owned());
    let err = poll_once(&cfg, Cursor::default(), never).await.unwrap_err();
    assert!(matches!(err, ImapError::Config(_)), "{err:?}");
}
