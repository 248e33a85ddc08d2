//! The relay over implicit TLS (`veto serve --smtps-listen`), end to end with the real binary:
//! a client that speaks TLS from the first byte (Python's `smtplib.SMTP_SSL`, an
//! implementation independent of ours) logs in with a relay credential; the suppressed
//! recipient is refused with 550 5.7.1 and the other reaches the upstream sink, DKIM-signed
//! and with its List-Unsubscribe headers.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use veto_smtp::testing::{Sink, SinkOptions};

/// Sends one message over implicit TLS with AUTH PLAIN; prints the refused recipients as JSON.
const CLIENT: &str = r#"
import json, smtplib, ssl, sys
host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the relay's self-signed certificate
msg = ("From: Kim <kim@acme.test>\r\nTo: a@prospect.test\r\nSubject: Hello\r\n"
       "Message-ID: <smtps-1@acme.test>\r\n\r\nHi there.\r\n")
with smtplib.SMTP_SSL(host, port, context=ctx, timeout=20) as s:
    s.ehlo("rep-laptop.test")
    s.login(user, password)
    try:
        refused = s.sendmail("kim@acme.test", ["ok@prospect.test", "gone@prospect.test"], msg)
    except smtplib.SMTPRecipientsRefused as e:
        refused = e.recipients
    print(json.dumps({k: [c, m.decode()] for k, (c, m) in refused.items()}))
"#;

#[test]
fn the_relay_serves_implicit_tls_with_the_same_gate() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).expect("sink") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}/veto.db", dir.path().display());
    let key = create_acme(&db);
    let server = serve_with(
        &db,
        &[
            "--smtps-listen",
            "127.0.0.1:0",
            "--public-url",
            "https://veto.acme.test",
        ],
    );
    assert!(server.smtp.is_none(), "no STARTTLS listener was asked for");
    let relay = server.smtps.expect("the implicit-TLS relay's address");
    let cli = |args: &[&str]| server.cli(&key, args);
    server.add_sink_route(&key, sink.addr().port());
    ok(&cli(&["domain", "add", "acme.test", "--json"]));
    let o = cli(&["domain", "dkim", "acme.test"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let creds = ok(&cli(&["smtp-credentials", "create", "kims-tool", "--json"]));
    let o = cli(&[
        "suppress",
        "add",
        "gone@prospect.test",
        "--reason",
        "unsubscribe",
        "--json",
    ]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));

    let out = Command::new("python3")
        .args([
            "-c",
            CLIENT,
            "127.0.0.1",
            &relay.port().to_string(),
            creds["username"].as_str().unwrap_or_default(),
            creds["password"].as_str().unwrap_or_default(),
        ])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "the TLS client failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let refused: Value = serde_json::from_slice(&out.stdout).expect("the client's JSON");
    assert_eq!(
        refused,
        json!({"gone@prospect.test": refused["gone@prospect.test"].clone()})
    );
    assert_eq!(refused["gone@prospect.test"][0], 550, "{refused}");
    let text = refused["gone@prospect.test"][1]
        .as_str()
        .unwrap_or_default();
    assert!(text.starts_with("5.7.1"), "{text}");

    let started = Instant::now();
    let messages = loop {
        let m = sink.messages().expect("sink messages");
        if !m.is_empty() || started.elapsed() > Duration::from_secs(20) {
            break m;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(messages.len(), 1, "{}", sink.log());
    let m = &messages[0];
    assert_eq!(m.rcpt_to, vec!["ok@prospect.test".to_string()]);
    assert!(m.data.contains("DKIM-Signature:"), "{}", m.data);
    assert!(
        m.data
            .contains("List-Unsubscribe: <https://veto.acme.test/u/"),
        "{}",
        m.data
    );
    assert!(
        m.data
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{}",
        m.data
    );
}
