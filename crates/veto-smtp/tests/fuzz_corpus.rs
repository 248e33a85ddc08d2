//! Replays the fuzz corpus (fuzz/corpus/smtp_session) as an ordinary test: every input drives
//! a session without a panic, and the server's output follows the reply grammar (checked by
//! `fuzz_session` itself). The seeds were written by hand to reach each part of the session:
//! transactions, every AUTH form, STARTTLS injection, smuggling tricks, limits, garbage.

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/smtp_session");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let output = veto_smtp::fuzz_session(&data);
        assert!(
            output.starts_with(b"220 fuzz.example ESMTP Veto\r\n"),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 10, "corpus missing: {}", dir.display());
}

/// The seeds reach what they were written for (so a change that makes them stop short is
/// noticed rather than fuzzing nothing).
#[test]
fn seeds_reach_their_targets() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/smtp_session");
    let run = |name: &str| {
        let data = std::fs::read(dir.join(name)).unwrap();
        String::from_utf8_lossy(&veto_smtp::fuzz_session(&data)).into_owned()
    };
    let t = run("transaction");
    assert!(
        t.contains("235 2.7.0") && t.contains("550 5.7.1") && t.contains("221 2.0.0"),
        "{t}"
    );
    assert!(
        t.contains("250 2.0.0 27\r\n"),
        "the message's length as taken: {t}"
    );
    let t = run("transaction_bytewise");
    assert!(t.contains("250 2.0.0 0\r\n"), "{t}");
    assert!(run("auth_login").contains("235 2.7.0"));
    assert!(run("auth_failures").contains("421 4.7.0"));
    let t = run("starttls_injection");
    assert!(
        t.ends_with(
            "220 2.0.0 Ready to start TLS\r\n421 4.4.2 fuzz.example Timeout, closing connection\r\n"
        ),
        "{t}"
    );
    assert!(run("smuggling_lf").contains("554 5.6.0"));
    assert!(run("too_big").contains("552 5.3.4"));
    assert!(run("long_line").contains("500 5.5.6"));
    assert!(run("recipients").contains("452 4.5.3"));
    assert!(run("bad_commands").contains("421 4.7.0"));
    assert!(run("no_tls_remote").contains("538 5.7.11"));
}
