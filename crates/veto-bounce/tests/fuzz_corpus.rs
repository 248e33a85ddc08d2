//! Replays the fuzz corpus (fuzz/corpus/bounce) as an ordinary test: every input is analysed
//! or refused with an error, never a panic, and every result is consistent.

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/bounce");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        match veto_bounce::analyse(&data) {
            Ok(a) => {
                // Only a reason of the hard kind is ever hard (a mail server's own table may
                // keep `notaccept` hard under a 4.x.x status).
                for r in &a.recipients {
                    if r.hard {
                        assert_eq!(r.reason.severity(), veto_bounce::Severity::Hard, "{r:?}");
                    }
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        n += 1;
    }
    assert!(n >= 5, "corpus missing: {}", dir.display());
}
