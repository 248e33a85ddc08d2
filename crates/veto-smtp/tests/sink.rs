//! `veto_smtp::testing::Sink` end to end: a tiny raw-socket client sends to the real aiosmtpd
//! sink, and what it recorded is read back.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::Client;
use veto_smtp::testing::{Sink, SinkOptions};

fn sink(options: SinkOptions) -> Option<Sink> {
    Sink::start_or_skip(options).expect("the SMTP sink starts")
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

#[tokio::test]
async fn records_accepted_messages_and_refuses_marked_recipients() {
    let Some(sink) = sink(SinkOptions::default()) else {
        return;
    };
    let before = now_us();
    let mut c = Client::connect(sink.addr()).await;
    c.expect_reply(220).await;
    c.expect("EHLO client.test", 250).await;
    c.expect("MAIL FROM:<sender@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    assert!(
        c.expect("RCPT TO:<tempfail@y.test>", 451)
            .await
            .starts_with("451 4.3.0")
    );
    assert!(
        c.expect("RCPT TO:<will-reject@y.test>", 550)
            .await
            .starts_with("550 5.1.1")
    );
    c.expect("RCPT TO:<c@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: to the sink\r\n\r\n..dotted\r\nbody é\r\n.\r\n")
        .await;
    c.expect_reply(250).await;
    c.expect("QUIT", 221).await;

    let messages = sink.wait_for(1, Duration::from_secs(10)).await.unwrap();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.mail_from, "sender@x.test");
    assert_eq!(m.rcpt_to, ["b@y.test", "c@y.test"]);
    assert_eq!(m.data, "Subject: to the sink\r\n\r\n.dotted\r\nbody é\r\n");
    assert_eq!(m.auth_user, None);
    assert!(m.at_us >= before && m.at_us <= now_us(), "{}", m.at_us);
}

#[tokio::test]
async fn requires_auth_when_asked() {
    let Some(sink) = sink(SinkOptions {
        auth: Some(("relay".into(), "s3cret".into())),
        ..SinkOptions::default()
    }) else {
        return;
    };
    let mut c = Client::connect(sink.addr()).await;
    c.expect_reply(220).await;
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert!(ehlo.contains("AUTH"), "{ehlo}");
    c.expect("MAIL FROM:<sender@x.test>", 530).await;
    c.expect("AUTH PLAIN AHJlbGF5AHdyb25n", 535).await; // relay / wrong
    c.expect("AUTH PLAIN AHJlbGF5AHMzY3JldA==", 235).await; // relay / s3cret
    c.expect("MAIL FROM:<sender@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: authenticated\r\n\r\nhi\r\n.\r\n").await;
    c.expect_reply(250).await;
    let messages = sink.wait_for(1, Duration::from_secs(10)).await.unwrap();
    assert_eq!(messages[0].auth_user.as_deref(), Some("relay"));
}

#[tokio::test]
async fn offers_starttls_with_the_given_certificate() {
    let (cert, key) = veto_smtp::tls::self_signed("localhost").unwrap();
    let Some(sink) = sink(SinkOptions {
        starttls: Some((cert.clone(), key)),
        ..SinkOptions::default()
    }) else {
        return;
    };
    let mut c = Client::connect(sink.addr()).await;
    c.expect_reply(220).await;
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert!(ehlo.contains("STARTTLS"), "{ehlo}");
    c.expect("STARTTLS", 220).await;
    let mut c = c.starttls(&cert).await;
    c.expect("EHLO client.test", 250).await;
    c.expect("MAIL FROM:<>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: encrypted\r\n\r\nhi\r\n.\r\n").await;
    c.expect_reply(250).await;
    let messages = sink.wait_for(1, Duration::from_secs(10)).await.unwrap();
    assert_eq!(messages[0].mail_from, "");
    assert!(messages[0].data.starts_with("Subject: encrypted"));
}

#[tokio::test]
async fn wait_for_reports_a_shortfall() {
    let Some(sink) = sink(SinkOptions::default()) else {
        return;
    };
    let err = sink
        .wait_for(1, Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("wanted 1 messages, got 0"),
        "{err}"
    );
}
