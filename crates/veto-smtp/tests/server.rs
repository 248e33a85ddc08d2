//! The server over real TCP on 127.0.0.1, spoken to in raw protocol bytes.

mod common;

use std::time::Duration;

use common::{Client, PLAIN_U_P, TestServer, config, tls_config};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use veto_smtp::ServerConfig;

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The extension keywords of an EHLO reply (after the hostname line).
fn extensions(ehlo: &str) -> Vec<String> {
    ehlo.lines().skip(1).map(|l| l[4..].to_owned()).collect()
}

#[tokio::test]
async fn greeting_and_ehlo_on_loopback_without_tls() {
    let server = TestServer::start(config()).await;
    let mut c = server.client().await;
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert!(ehlo.starts_with("250-mx.test\n"), "{ehlo}");
    assert_eq!(
        extensions(&ehlo),
        [
            "PIPELINING",
            "SIZE 1048576",
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
            "AUTH PLAIN LOGIN"
        ],
        "no STARTTLS without a certificate; AUTH for a loopback client"
    );
    assert_eq!(c.expect("HELO client.test", 250).await, "250 mx.test");
    c.expect("QUIT", 221).await;
    c.expect_closed().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn remote_client_gets_starttls_then_auth_only_inside_tls() {
    let (mut cfg, cert) = tls_config();
    // Stands for a remote client: loopback gets no plain-text AUTH.
    cfg.loopback_auth_without_tls = false;
    let server = TestServer::start(cfg).await;
    let mut c = server.client().await;
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert_eq!(
        extensions(&ehlo),
        [
            "PIPELINING",
            "SIZE 1048576",
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
            "STARTTLS"
        ]
    );
    assert_eq!(
        c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 538).await,
        "538 5.7.11 Encryption required for requested authentication mechanism"
    );
    assert_eq!(
        c.expect("MAIL FROM:<a@x.test>", 530).await,
        "530 5.7.0 Authentication required"
    );
    assert_eq!(
        c.expect("STARTTLS", 220).await,
        "220 2.0.0 Ready to start TLS"
    );

    let mut c = c.starttls(&cert).await;
    // RFC 3207 4.2: the EHLO before is forgotten.
    c.expect("MAIL FROM:<a@x.test>", 503).await;
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert_eq!(
        extensions(&ehlo),
        [
            "PIPELINING",
            "SIZE 1048576",
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
            "AUTH PLAIN LOGIN"
        ]
    );
    c.expect("STARTTLS", 503).await;
    c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 235).await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: over TLS\r\n\r\nhi\r\n.\r\n").await;
    c.expect_reply(250).await;
    c.expect("QUIT", 221).await;

    let messages = server.handler.messages();
    assert_eq!(messages.len(), 1);
    let (info, envelope, body) = &messages[0];
    assert!(info.tls);
    assert_eq!(info.helo.as_deref(), Some("client.test"));
    assert_eq!(envelope.rcpt_to, ["b@y.test"]);
    assert_eq!(body, b"Subject: over TLS\r\n\r\nhi\r\n");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn commands_pipelined_after_starttls_are_discarded() {
    let (cfg, cert) = tls_config();
    let server = TestServer::start(cfg).await;
    let mut c = server.client().await;
    c.expect("EHLO client.test", 250).await;
    // CVE-2011-0411: plain-text commands in the same packet as STARTTLS.
    c.send(format!(
        "STARTTLS\r\nEHLO evil\r\nAUTH PLAIN {PLAIN_U_P}\r\nNOOP\r\n"
    ))
    .await;
    c.expect_reply(220).await;
    let mut c = c.starttls(&cert).await;
    // Had the injected lines been read, their replies would come first.
    let (code, text) = c.cmd("NOOP").await;
    assert_eq!((code, text.as_str()), (250, "250 2.0.0 OK"));
    c.expect("MAIL FROM:<a@x.test>", 503).await;
    c.expect("EHLO client.test", 250).await;
    c.expect("MAIL FROM:<a@x.test>", 530).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn implicit_tls_listener() {
    let (mut cfg, cert) = tls_config();
    cfg.implicit_tls = true;
    cfg.loopback_auth_without_tls = false;
    let server = TestServer::start(cfg).await;
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let mut c = Client::new(tcp).starttls(&cert).await;
    assert_eq!(c.expect_reply(220).await, "220 mx.test ESMTP Veto");
    let ehlo = c.expect("EHLO client.test", 250).await;
    assert!(ehlo.ends_with("AUTH PLAIN LOGIN"), "{ehlo}");
    assert!(!ehlo.contains("STARTTLS"));
    c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 235).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn auth_plain_both_forms_and_login_both_forms() {
    let server = TestServer::start(config()).await;

    let mut c = server.client().await;
    c.expect("EHLO c", 250).await;
    assert_eq!(
        c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 235).await,
        "235 2.7.0 Authentication successful"
    );
    c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 503).await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;

    let mut c = server.client().await;
    c.expect("EHLO c", 250).await;
    assert_eq!(c.expect("AUTH PLAIN", 334).await, "334 ");
    // With an authorization identity equal to the user (RFC 4616).
    c.expect(&b64("u\0u\0p"), 235).await;

    let mut c = server.client().await;
    c.expect("EHLO c", 250).await;
    assert_eq!(c.expect("AUTH LOGIN", 334).await, "334 VXNlcm5hbWU6");
    assert_eq!(c.expect(&b64("u"), 334).await, "334 UGFzc3dvcmQ6");
    c.expect(&b64("p"), 235).await;
    c.expect("MAIL FROM:<>", 250).await;

    let mut c = server.client().await;
    c.expect("EHLO c", 250).await;
    assert_eq!(
        c.expect(&format!("AUTH LOGIN {}", b64("u")), 334).await,
        "334 UGFzc3dvcmQ6"
    );
    c.expect(&b64("p"), 235).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn auth_failures_cancel_and_decoding_errors() {
    let server = TestServer::start(config()).await;
    let mut c = server.client().await;
    c.expect("AUTH PLAIN", 503).await; // EHLO first
    c.expect("EHLO c", 250).await;
    assert_eq!(c.expect("AUTH PLAIN", 334).await, "334 ");
    assert_eq!(
        c.expect("*", 501).await,
        "501 5.7.0 Authentication cancelled"
    );
    c.expect("AUTH LOGIN", 334).await;
    c.expect("*", 501).await;
    assert!(
        c.expect("AUTH PLAIN !!notbase64", 501)
            .await
            .starts_with("501 5.5.2 ")
    );
    c.expect("AUTH PLAIN", 334).await;
    assert!(
        c.expect(&b64("no-nuls"), 501)
            .await
            .starts_with("501 5.5.2 ")
    );
    c.expect("AUTH CRAM-MD5", 504).await;
    // None of those counted as failed logins: three wrong passwords do.
    assert_eq!(
        c.expect(&format!("AUTH PLAIN {}", b64("\0u\0wrong")), 535)
            .await,
        "535 5.7.8 Authentication credentials invalid"
    );
    c.expect("AUTH LOGIN", 334).await;
    c.expect(&b64("u"), 334).await;
    c.expect(&b64("wrong"), 535).await;
    c.send(format!("AUTH PLAIN {}\r\n", b64("\0x\0y"))).await;
    c.expect_reply(535).await;
    let (code, text) = c.reply().await;
    assert_eq!(
        (code, text.as_str()),
        (
            421,
            "421 4.7.0 mx.test Too many authentication failures, closing connection"
        )
    );
    c.expect_closed().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn mail_needs_ehlo_and_auth() {
    let server = TestServer::start(config()).await;
    let mut c = server.client().await;
    c.expect("MAIL FROM:<a@x.test>", 503).await;
    c.expect("EHLO c", 250).await;
    assert_eq!(
        c.expect("MAIL FROM:<a@x.test>", 530).await,
        "530 5.7.0 Authentication required"
    );
    c.expect("RCPT TO:<b@y.test>", 503).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn sequencing_syntax_and_simple_commands() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    assert_eq!(
        c.expect("FROB", 500).await,
        "500 5.5.1 Command unrecognized"
    );
    assert!(
        c.expect("VRFY someone", 252)
            .await
            .starts_with("252 2.1.5 ")
    );
    assert_eq!(c.expect("NOOP", 250).await, "250 2.0.0 OK");
    c.expect("HELP", 502).await;
    c.expect("RCPT TO:<b@y.test>", 503).await;
    c.expect("DATA", 503).await;
    c.expect("MAIL FROM:<not an address>", 501).await;
    c.expect("MAIL FROM:<a@x.test> SMTPUTF8", 555).await;
    assert_eq!(
        c.expect("MAIL FROM:<a@x.test> FOO=bar", 555).await,
        "555 5.5.4 Parameter FOO=BAR not supported"
    );
    c.expect("MAIL FROM:<a@x.test> BODY=8BITMIME", 250).await;
    c.expect("MAIL FROM:<a@x.test>", 503).await;
    c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 503).await;
    c.expect("RCPT TO:<b@y.test> NOTIFY=NEVER", 555).await;
    assert_eq!(c.expect("DATA", 554).await, "554 5.5.1 No valid recipients");
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("x\r\n.\r\n").await;
    c.expect_reply(250).await;
    assert_eq!(
        c.expect("QUIT", 221).await,
        "221 2.0.0 mx.test closing connection"
    );
    c.expect_closed().await;
    let messages = server.handler.messages();
    assert!(messages[0].1.body_8bit);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn pipelined_transaction_gets_its_replies_in_order_in_one_write() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    c.send("MAIL FROM:<a@x.test> SIZE=200\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<blocked@y.test>\r\nRCPT TO:<slow@y.test>\r\nDATA\r\n").await;
    // RFC 2920 3.1: the server flushes once the group is answered, so one read holds it all
    // (a server that wrote earlier replies before the slow recipient was decided would be
    // read in two pieces).
    let mut chunk = vec![0u8; 4096];
    let n = tokio::time::timeout(common::WAIT, c.stream.read(&mut chunk))
        .await
        .unwrap()
        .unwrap();
    let got = String::from_utf8_lossy(&chunk[..n]).into_owned();
    let codes: Vec<&str> = got.lines().map(|l| &l[..9.min(l.len())]).collect();
    assert_eq!(
        codes,
        [
            "250 2.1.0",
            "250 2.1.5",
            "550 5.7.1",
            "250 2.1.5",
            "354 End d"
        ],
        "{got}"
    );
    c.send("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n")
        .await;
    c.expect_reply(250).await;
    c.expect_reply(221).await;
    let messages = server.handler.messages();
    let (_, envelope, _) = &messages[0];
    assert_eq!(envelope.mail_from, "a@x.test");
    assert_eq!(envelope.rcpt_to, ["b@y.test", "slow@y.test"]);
    assert_eq!(envelope.size_hint, Some(200));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn dot_unstuffing() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("..line starting with a dot\r\n...\r\nmiddle . dot\r\n..\r\n.\r\n")
        .await;
    c.expect_reply(250).await;
    // The transaction is over: a new one is needed.
    c.expect("RCPT TO:<b@y.test>", 503).await;
    let messages = server.handler.messages();
    assert_eq!(
        String::from_utf8_lossy(&messages[0].2),
        ".line starting with a dot\r\n..\r\nmiddle . dot\r\n.\r\n"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn message_over_the_size_limit() {
    let server = TestServer::start(ServerConfig {
        max_message_bytes: 1000,
        ..config()
    })
    .await;
    let mut c = server.authenticated().await;
    assert_eq!(
        c.expect("MAIL FROM:<a@x.test> SIZE=1001", 552).await,
        "552 5.3.4 Message size exceeds fixed maximum message size"
    );
    c.expect("MAIL FROM:<a@x.test> SIZE=900", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    let line = format!("{}\r\n", "x".repeat(98));
    c.send(line.repeat(50)).await; // 5000 bytes
    c.send(".\r\n").await;
    assert!(c.expect_reply(552).await.starts_with("552 5.3.4 "));
    c.expect("NOOP", 250).await;
    // Just under the limit passes.
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send(line.repeat(10)).await; // 1000 bytes
    c.send(".\r\n").await;
    c.expect_reply(250).await;
    assert_eq!(server.handler.messages().len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bare_lf_and_bare_cr_do_not_end_data() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    for trick in ["\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"] {
        c.expect("MAIL FROM:<a@x.test>", 250).await;
        c.expect("RCPT TO:<b@y.test>", 250).await;
        c.expect("DATA", 354).await;
        // The smuggled part would be a second transaction if the trick ended DATA.
        c.send(format!(
            "Subject: one\r\n\r\nfirst{trick}MAIL FROM:<forged@x.test>\r\nRCPT TO:<victim@y.test>\r\nDATA\r\nSubject: forged\r\n\r\n.\r\n"
        ))
        .await;
        let text = c.expect_reply(554).await;
        assert!(text.starts_with("554 5.6.0 "), "{trick:?}: {text}");
        assert!(c.pending().is_empty(), "{trick:?}: more replies");
    }
    c.expect("NOOP", 250).await;
    assert!(server.handler.messages().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn over_long_command_line() {
    let server = TestServer::start(config()).await;
    let mut c = server.client().await;
    assert_eq!(
        c.expect(&format!("NOOP {}", "x".repeat(5000)), 500).await,
        "500 5.5.6 Line too long"
    );
    c.expect("NOOP", 250).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn too_many_bad_commands_close_the_session() {
    let server = TestServer::start(ServerConfig {
        max_bad_commands: 3,
        ..config()
    })
    .await;
    let mut c = server.client().await;
    c.send("FROB\r\nFROB\r\nFROB\r\nNOOP\r\n").await;
    for _ in 0..3 {
        c.expect_reply(500).await;
    }
    assert!(c.expect_reply(421).await.starts_with("421 4.7.0 "));
    c.expect_closed().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn idle_client_times_out() {
    let server = TestServer::start(ServerConfig {
        command_timeout: Duration::from_millis(300),
        ..config()
    })
    .await;
    let mut c = server.client().await;
    assert_eq!(
        c.expect_reply(421).await,
        "421 4.4.2 mx.test Timeout, closing connection"
    );
    c.expect_closed().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn stalled_data_times_out() {
    let server = TestServer::start(ServerConfig {
        data_timeout: Duration::from_millis(300),
        ..config()
    })
    .await;
    let mut c = server.authenticated().await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: half\r\n").await;
    assert!(c.expect_reply(421).await.starts_with("421 4.4.2 "));
    c.expect_closed().await;
    assert!(server.handler.messages().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn connections_over_the_limit_get_421() {
    let server = TestServer::start(ServerConfig {
        max_connections: 2,
        ..config()
    })
    .await;
    let first = server.client().await;
    let _second = server.client().await;
    let mut third = Client::connect(server.addr).await;
    assert_eq!(
        third.expect_reply(421).await,
        "421 4.7.0 mx.test Too many connections, try again later"
    );
    third.expect_closed().await;
    drop(first);
    // The slot comes back once the first session has noticed the close.
    let deadline = tokio::time::Instant::now() + common::WAIT;
    loop {
        let mut c = Client::connect(server.addr).await;
        let (code, _) = c.reply().await;
        if code == 220 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "slot never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn client_disconnecting_mid_data_or_mid_command_ends_quietly() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send("Subject: cut\r\n\r\nhalf a mess").await;
    drop(c);
    // Half a command, then gone.
    let mut c = server.authenticated().await;
    c.send("MAIL FROM:<a@x.te").await;
    drop(c);
    // The server goes on serving others, and nothing was handed over.
    let mut c = server.authenticated().await;
    c.expect("NOOP", 250).await;
    assert!(server.handler.messages().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_says_421_and_lets_a_message_in_flight_finish() {
    let mut server = TestServer::start(config()).await;
    let mut idle = server.authenticated().await;
    let mut busy = server.authenticated().await;
    busy.expect("MAIL FROM:<a@x.test>", 250).await;
    busy.expect("RCPT TO:<b@y.test>", 250).await;
    busy.expect("DATA", 354).await;
    busy.send("Subject: in flight\r\n").await;

    server.signal_stop();
    assert_eq!(
        idle.expect_reply(421).await,
        "421 4.3.2 mx.test Service shutting down"
    );
    idle.expect_closed().await;
    busy.send("\r\nbody\r\n.\r\n").await;
    busy.expect_reply(250).await;
    busy.expect_reply(421).await;
    busy.expect_closed().await;
    assert_eq!(server.handler.messages().len(), 1);
    let addr = server.addr;
    server.stop().await.unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test]
async fn shutdown_drops_sessions_after_the_grace_period() {
    let server = TestServer::start(ServerConfig {
        shutdown_grace: Duration::from_millis(200),
        ..config()
    })
    .await;
    let mut busy = server.authenticated().await;
    busy.expect("MAIL FROM:<a@x.test>", 250).await;
    busy.expect("RCPT TO:<b@y.test>", 250).await;
    busy.expect("DATA", 354).await;
    let started = std::time::Instant::now();
    server.stop().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    busy.expect_closed().await;
}

#[tokio::test]
async fn many_recipients_some_refused_and_the_recipient_limit() {
    let server = TestServer::start(ServerConfig {
        max_recipients: 40,
        ..config()
    })
    .await;
    let mut c = server.authenticated().await;
    let mut pipelined = String::from("MAIL FROM:<sender@x.test>\r\n");
    for i in 0..50 {
        let name = if i % 5 == 0 { "blocked" } else { "ok" };
        pipelined.push_str(&format!("RCPT TO:<{name}{i}@y.test>\r\n"));
    }
    c.send(pipelined).await;
    c.expect_reply(250).await;
    let mut codes = Vec::new();
    for _ in 0..50 {
        codes.push(c.reply().await.0);
    }
    // 40 of the first 50 are acceptable; all 40 fit the limit.
    assert_eq!(codes.iter().filter(|&&c| c == 550).count(), 10);
    assert_eq!(codes.iter().filter(|&&c| c == 250).count(), 40);
    assert_eq!(
        c.expect("RCPT TO:<one-too-many@y.test>", 452).await,
        "452 4.5.3 Too many recipients"
    );
    c.expect("DATA", 354).await;
    c.send("Subject: many\r\n\r\n.\r\n").await;
    c.expect_reply(250).await;
    let messages = server.handler.messages();
    let rcpts = &messages[0].1.rcpt_to;
    assert_eq!(rcpts.len(), 40);
    assert_eq!(rcpts[0], "ok1@y.test");
    assert_eq!(rcpts[39], "ok49@y.test");
    assert!(rcpts.iter().all(|r| !r.contains("blocked")));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn rset_clears_the_transaction() {
    let server = TestServer::start(config()).await;
    let mut c = server.authenticated().await;
    c.expect("MAIL FROM:<a@x.test>", 250).await;
    c.expect("RCPT TO:<b@y.test>", 250).await;
    assert_eq!(c.expect("RSET", 250).await, "250 2.0.0 OK");
    c.expect("DATA", 503).await;
    c.expect("RCPT TO:<b@y.test>", 503).await;
    c.expect("MAIL FROM:<other@x.test>", 250).await;
    c.expect("RCPT TO:<c@y.test>", 250).await;
    c.expect("DATA", 354).await;
    c.send(".\r\n").await;
    c.expect_reply(250).await;
    let messages = server.handler.messages();
    assert_eq!(messages[0].1.mail_from, "other@x.test");
    assert_eq!(messages[0].1.rcpt_to, ["c@y.test"]);
    assert_eq!(messages[0].2, b"");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn session_ids_are_unique_and_the_handler_sees_the_peer() {
    let server = TestServer::start(config()).await;
    for _ in 0..2 {
        let mut c = server.authenticated().await;
        c.expect("MAIL FROM:<a@x.test>", 250).await;
        c.expect("RCPT TO:<b@y.test>", 250).await;
        c.expect("DATA", 354).await;
        c.send(".\r\n").await;
        c.expect_reply(250).await;
    }
    let messages = server.handler.messages();
    assert_ne!(messages[0].0.id, messages[1].0.id);
    assert!(messages[0].0.peer.ip().is_loopback());
    assert_eq!(messages[0].0.local, server.addr);
    assert!(!messages[0].0.tls);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn invalid_configuration_is_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = veto_smtp::run(
        listener,
        std::sync::Arc::new(ServerConfig {
            implicit_tls: true,
            ..config()
        }),
        std::sync::Arc::new(common::TestHandler::default()),
        async {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("TLS"), "{err}");
}
