//! The built `veto` binary end to end on SQLite: provision a tenant, serve it on a free port,
//! and check, suppress and check again through the CLI, asserting output and exit codes.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;

#[test]
fn provision_serve_check_suppress_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}/x.db", dir.path().display());

    let o = veto(&[
        "tenant",
        "create",
        "acme",
        "--admin-email",
        "a@acme.test",
        "--db",
        &db,
        "--json",
    ]);
    assert!(o.status.success(), "tenant create failed: {}", stderr(&o));
    let t = json(&o);
    for f in ["tenant_id", "admin_user_id", "api_key"] {
        assert!(
            t[f].as_str().is_some_and(|s| !s.is_empty()),
            "{f} missing in {t}"
        );
    }
    let key = t["api_key"].as_str().unwrap_or_default().to_string();

    let server = serve(&db);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert!(
        !server.url.ends_with(":0"),
        "the real port is printed: {}",
        server.url
    );
    let api = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--key", &key, "--server", &server.url]);
        veto(&all)
    };

    let o = api(&["check", "someone@acme.test", "--json"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(json(&o)["verdict"], "allow");

    let o = api(&[
        "suppress",
        "add",
        "someone@acme.test",
        "--reason",
        "stop_request",
        "--source",
        "reply",
        "--evidence",
        "Please stop emailing me",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(stdout(&o).starts_with("created"), "{}", stdout(&o));
    let o = api(&[
        "suppress",
        "add",
        "someone@acme.test",
        "--reason",
        "stop_request",
        "--source",
        "reply",
    ]);
    assert!(
        stdout(&o).starts_with("already suppressed"),
        "{}",
        stdout(&o)
    );

    let o = api(&["check", "someone@acme.test", "--json"]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["verdict"], "block");
    assert_eq!(r["matches"][0]["reason"], "stop_request");

    // Human output: one line per item, verdict first.
    let o = api(&["check", "someone@acme.test", "other@acme.test"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("BLOCK") && lines[0].contains("asked to stop"),
        "{text}"
    );
    assert!(lines[1].starts_with("ALLOW"), "{text}");

    // A CSV (BOM, CRLF, a quoted field over two lines) streamed through the bulk endpoint.
    let csv = dir.path().join("contacts.csv");
    let mut f = std::fs::File::create(&csv).expect("create csv");
    f.write_all(b"\xef\xbb\xbfName,Email\r\nAnn,ann@acme.test\r\n\"Some,\r\nOne\",someone@acme.test\r\nBad,not-an-address\r\n")
        .expect("write csv");
    drop(f);
    let path = csv.display().to_string();
    let o = api(&["check", "--file", &path, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "blocked outranks invalid; stderr: {}",
        stderr(&o)
    );
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "blocked, invalid, summary: {lines:?}");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["verdict"], "block");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["verdict"], "invalid");
    assert_eq!(lines[2]["summary"]["checked"], 3);
    let o = api(&["check", "--file", &path, "--column", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("contacts.csv") && stderr(&o).contains("'nope'"),
        "{}",
        stderr(&o)
    );

    // Errors: the server's code and message, exit 2.
    let o = api(&["suppress", "show", "00000000-0000-0000-0000-000000000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not_found"), "{}", stderr(&o));
    let o = veto(&[
        "check",
        "x@acme.test",
        "--key",
        "veto_wrong",
        "--server",
        &server.url,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unauthorized"), "{}", stderr(&o));

    let o = api(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(stdout(&o).starts_with("audit chain OK"), "{}", stdout(&o));
}

#[test]
fn errors_without_a_server_exit_2() {
    let o = veto(&["check", "a@b.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no API key: set VETO_API_KEY or pass --key"),
        "{}",
        stderr(&o)
    );

    // Port 1 on loopback: nothing listens there.
    let o = veto(&[
        "check",
        "a@b.com",
        "--key",
        "k",
        "--server",
        "http://127.0.0.1:1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot reach the Veto server"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("a@b.com"),
        "no addresses in messages: {}",
        stderr(&o)
    );

    let o = veto(&["check", "a@b.com", "--purpose", "spam"]);
    assert_eq!(o.status.code(), Some(2));
    let o = veto(&["migrate", "--db", "mysql://root:hunter2@db/veto"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("mysql://root:***@db/veto"),
        "{}",
        stderr(&o)
    );
    assert!(veto(&["--help"]).status.success());
}
