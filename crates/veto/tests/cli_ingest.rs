//! `veto ingest` end to end on SQLite: an mbox and a Maildir made in a temp dir, posted to a
//! real `veto serve`, and the suppressions they make seen by `veto check`.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;

#[test]
fn ingest_an_mbox_and_a_maildir() {
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
    let key = json(&o)["api_key"].as_str().unwrap_or_default().to_string();
    let server = serve(&db);

    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../veto-server/tests/fixtures/signals"
    );
    let read = |f: &str| std::fs::read(format!("{fixtures}/{f}")).expect("fixture");

    // An mbox of a stop reply and an out-of-office, the second with an escaped From line.
    let mut mbox = b"From jane@example.com Mon Dec  7 10:05:00 2026\n".to_vec();
    mbox.extend(read("stop-reply.eml"));
    mbox.extend(b"\nFrom bob@example.org Mon Dec  7 10:06:00 2026\n");
    mbox.extend(read("out-of-office.eml"));
    mbox.extend(b"\n>From the desk of Bob\n");
    let mbox_path = dir.path().join("inbox.mbox");
    std::fs::File::create(&mbox_path)
        .and_then(|mut f| f.write_all(&mbox))
        .expect("write mbox");
    let o = veto(&[
        "ingest",
        mbox_path.to_str().unwrap_or_default(),
        "--server",
        &server.url,
        "--key",
        &key,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("inbox.mbox#1\treply\tsuppressed jane.roe@example.com (stop_request)"),
        "{out}"
    );
    assert!(out.contains("inbox.mbox#2\t"), "{out}");
    assert!(out.contains("action suppressed"), "{out}");

    // The same mbox again: every message recognised, nothing counted twice.
    let o = veto(&[
        "ingest",
        mbox_path.to_str().unwrap_or_default(),
        "--server",
        &server.url,
        "--key",
        &key,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let again = stdout(&o);
    assert!(
        again.contains("inbox.mbox#1\treply\talready processed (signal "),
        "{again}"
    );
    assert!(again.contains("action already processed"), "{again}");
    assert!(!again.contains("action suppressed"), "{again}");

    // A Maildir with a hard bounce in new/ and a complaint in cur/; --json gives NDJSON.
    let md = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).expect("mkdir");
    }
    std::fs::write(md.join("new/1.host"), read("hard-bounce.eml")).expect("write");
    std::fs::write(md.join("cur/2.host:2,S"), read("complaint.eml")).expect("write");
    std::fs::write(md.join("tmp/3.host"), b"half-delivered").expect("write");
    let o = veto(&[
        "ingest",
        md.to_str().unwrap_or_default(),
        "--server",
        &server.url,
        "--key",
        &key,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert!(
        kinds.contains(&"bounce") && kinds.contains(&"complaint"),
        "{kinds:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["actions"][0]["action"] == "suppressed"),
        "{lines:?}"
    );

    let o = veto(&[
        "check",
        "neko@example.co.jp",
        "--server",
        &server.url,
        "--key",
        &key,
        "--json",
    ]);
    assert_eq!(json(&o)["verdict"], "block", "{}", stdout(&o));

    // Not a message: exit 2.
    let bad = dir.path().join("bad.eml");
    std::fs::write(&bad, b"   \n").expect("write");
    let o = veto(&[
        "ingest",
        bad.to_str().unwrap_or_default(),
        "--server",
        &server.url,
        "--key",
        &key,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}\n{}", stdout(&o), stderr(&o));
}
