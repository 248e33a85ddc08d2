//! The scenario that must be impossible, end to end with the real `veto` binary, a real SMTP
//! relay and a real upstream (an aiosmtpd sink):
//!
//! Monday a lead in step 2 of a 5-step sequence replies "please stop emailing me" → Tuesday a
//! rep imports a spreadsheet with the same person (different case, trailing space) and tries
//! to enrol them in a new sequence → Wednesday another rep sends to them through the relay
//! from another mailbox → Thursday step 3 of the original sequence comes due. Nothing reaches
//! the upstream after the reply; every attempt is in the audit log as blocked, with the reason.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use common::*;
use serde_json::json;
use veto_smtp::testing::{Sink, SinkOptions};

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// A blocking SMTP exchange: each command's reply (code, text).
fn smtp(
    addr: std::net::SocketAddr,
    user: &str,
    pass: &str,
    from: &str,
    to: &str,
) -> Vec<(u16, String)> {
    let s = TcpStream::connect(addr).expect("connect to the relay");
    s.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let mut w = s.try_clone().expect("clone");
    let mut r = BufReader::new(s);
    let mut read = || {
        let mut text = Vec::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).expect("read a reply");
            let line = line.trim_end().to_string();
            let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0u16);
            text.push(line.get(4..).unwrap_or("").to_string());
            if line.as_bytes().get(3) != Some(&b'-') {
                return (code, text.join("\n"));
            }
        }
    };
    let mut out = vec![read()];
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{pass}"));
    for cmd in [
        "EHLO rep-laptop.test".to_string(),
        format!("AUTH PLAIN {auth}"),
        format!("MAIL FROM:<{from}>"),
        format!("RCPT TO:<{to}>"),
        "QUIT".to_string(),
    ] {
        write!(w, "{cmd}\r\n").expect("write");
        out.push(read());
    }
    out
}

#[test]
fn a_stop_request_makes_every_later_message_impossible() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).expect("sink") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}/veto.db", dir.path().display());
    let key = create_acme(&db);
    let server = serve_with(
        &db,
        &[
            "--smtp-listen",
            "127.0.0.1:0",
            "--public-url",
            "https://veto.acme.test",
        ],
    );
    let relay = server.smtp.expect("the relay's address");
    let cli = |args: &[&str]| server.cli(&key, args);

    // Sunday: set up sending. (The test domains have no DNS: the import's mail-domain check is
    // switched off for this tenant.)
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        json!({"verify": {"mail_domain": false}}).to_string(),
    )
    .expect("write");
    ok(&cli(&[
        "policy",
        "set",
        "--file",
        policy.to_str().unwrap_or_default(),
        "--json",
    ]));
    server.add_sink_route(&key, sink.addr().port());
    let o = cli(&["domain", "dkim", "acme.test"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("._domainkey.acme.test. IN TXT \"v=DKIM1; k=rsa; p="),
        "{}",
        stdout(&o)
    );
    let sam = ok(&cli(&[
        "mailbox",
        "add",
        "sam@acme.test",
        "--name",
        "Sam Seller",
        "--json",
    ]));
    ok(&cli(&[
        "mailbox",
        "add",
        "kim@acme.test",
        "--name",
        "Kim Closer",
        "--json",
    ]));
    let creds = ok(&cli(&[
        "smtp-credentials",
        "create",
        "kims-sequencer",
        "--json",
    ]));
    let leads = dir.path().join("leads.csv");
    std::fs::write(
        &leads,
        "Email,First Name,Last Name,Company\nlena@prospect.test,Lena,Lead,Prospect Ltd\n",
    )
    .expect("write");
    let o = cli(&[
        "import",
        "leads",
        leads.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let seq_file = dir.path().join("seq.json");
    let step = |delay: &str, subject: &str| json!({"delay": delay, "subject": subject, "body": "Hi {{ first_name }}, ..."});
    let mut steps = vec![
        step("0s", "Hello {{ first_name }}"),
        step("0s", "Quick follow-up"),
    ];
    // Step 3 comes due "on Thursday": a few seconds after step 2.
    steps.push(step("6s", "Checking in"));
    steps.push(step("1d", "Anything?"));
    steps.push(step("2d", "Last note"));
    steps[0]["mailbox_id"] = sam["id"].clone();
    std::fs::write(&seq_file, json!({"name": "q4", "steps": steps}).to_string()).expect("write");
    let seq = ok(&cli(&[
        "sequence",
        "create",
        "--file",
        seq_file.to_str().unwrap_or_default(),
        "--json",
    ]));
    let seq_id = seq["id"].as_str().unwrap_or_default().to_string();
    let e = ok(&cli(&[
        "enroll",
        &seq_id,
        "--email",
        "lena@prospect.test",
        "--json",
    ]));
    assert_eq!(e["summary"]["enrolled"], 1, "{e}");

    // Steps 1 and 2 go out (the scheduler inside `veto serve`).
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let got = rt
        .block_on(sink.wait_for(2, Duration::from_secs(60)))
        .expect("steps 1 and 2 reach the upstream");
    assert!(got.iter().all(|m| m.rcpt_to == ["lena@prospect.test"]));
    let step2_id = got[1]
        .data
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .expect("a Message-ID")
        .to_string();

    // Monday: "please stop emailing me", in reply to step 2.
    let reply = dir.path().join("reply.eml");
    std::fs::write(
        &reply,
        format!(
            "From: Lena Lead <lena@prospect.test>\r\nTo: Sam Seller <sam@acme.test>\r\n\
             Subject: Re: Quick follow-up\r\nDate: Mon, 07 Dec 2026 09:12:00 +0000\r\n\
             Message-ID: <lena-1@prospect.test>\r\nIn-Reply-To: {step2_id}\r\n\r\n\
             Hi Sam, please stop emailing me.\r\n\r\nLena\r\n"
        ),
    )
    .expect("write");
    let o = cli(&["ingest", reply.to_str().unwrap_or_default(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("stop_request"), "{}", stdout(&o));
    let replied_at = now_us();
    let sent_before = sink.messages().expect("sink").len();

    // Tuesday: the same person in a spreadsheet (other case, trailing space), then an
    // enrolment in a new sequence.
    let tuesday = dir.path().join("tuesday.csv");
    std::fs::write(
        &tuesday,
        "email,name\n\"LENA@Prospect.TEST \",Lena Lead\nnew@other.test,New Person\n",
    )
    .expect("write");
    let o = cli(&[
        "import",
        "leads",
        tuesday.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a blocked row exits 1: {}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let imp = json(&o);
    assert_eq!(imp["counts"]["blocked"], 1, "{imp}");
    assert_eq!(imp["counts"]["created"], 1, "{imp}");
    std::fs::write(&seq_file, json!({"name": "q1 nurture", "steps": [{"delay": "0s", "mailbox_id": sam["id"], "subject": "Hi", "body": "Hello"}]}).to_string()).expect("write");
    let seq2 = ok(&cli(&[
        "sequence",
        "create",
        "--file",
        seq_file.to_str().unwrap_or_default(),
        "--json",
    ]));
    let o = cli(&[
        "enroll",
        seq2["id"].as_str().unwrap_or_default(),
        "--email",
        " Lena@Prospect.test ",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    let e = json(&o);
    assert_eq!(e["summary"]["blocked"], 1, "{e}");
    assert!(
        e["results"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("asked to stop"),
        "{e}"
    );

    // Wednesday: another rep, another mailbox, through the relay.
    let r = smtp(
        relay,
        creds["username"].as_str().unwrap_or_default(),
        creds["password"].as_str().unwrap_or_default(),
        "kim@acme.test",
        "lena@prospect.test",
    );
    assert_eq!(r[2].0, 235, "{r:?}");
    assert_eq!(r[4].0, 550, "RCPT refused: {r:?}");
    assert!(
        r[4].1.starts_with("5.7.1") && r[4].1.contains("asked to stop"),
        "{r:?}"
    );

    // Thursday: step 3 of the original sequence comes due (6 s after step 2); give the
    // scheduler time to look at it.
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(500));
    }
    let all = sink.messages().expect("sink");
    assert_eq!(
        all.len(),
        sent_before,
        "nothing reached the upstream after the reply"
    );
    for m in &all {
        if m.rcpt_to.iter().any(|r| r == "lena@prospect.test") {
            assert!(
                m.at_us < replied_at,
                "a message to Lena reached the upstream after her stop request"
            );
        }
    }
    let en = ok(&cli(&[
        "enrollment",
        "list",
        "--sequence",
        &seq_id,
        "--json",
    ]));
    assert_eq!(en["items"][0]["state"], "cancelled", "{en}");
    assert_eq!(en["items"][0]["steps_sent"], 2, "{en}");

    // The audit log holds every attempt as blocked, with the reason.
    let log = ok(&cli(&[
        "audit",
        "log",
        "--action",
        "attempt.blocked",
        "--json",
    ]));
    let events = log["items"].as_array().cloned().unwrap_or_default();
    let attempts: Vec<String> = events
        .iter()
        .map(|e| {
            e["data"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e["data"].to_string())
        })
        .collect();
    for kind in ["import", "enroll", "send"] {
        assert!(
            attempts
                .iter()
                .any(|d| d.contains(&format!("\"attempt\":\"{kind}\""))
                    && d.contains("stop_request")),
            "a blocked {kind} attempt with its reason: {attempts:?}"
        );
    }
    let sends = ok(&cli(&[
        "sends",
        "list",
        "--email",
        "lena@prospect.test",
        "--json",
    ]));
    let outcomes: Vec<&str> = sends["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["blocked", "sent", "sent"], "{sends}");
}
