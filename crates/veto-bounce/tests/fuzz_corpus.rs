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
                for r in &a.recipients {
                    assert_eq!(r.hard, r.reason.is_hard(r.status.as_deref()));
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        n += 1;
    }
    assert!(n >= 5, "corpus missing: {}", dir.display());
}
