//! Replays the fuzz corpus (fuzz/corpus/reply) as an ordinary test: every input classifies
//! or fails with a clear error, and the stripper's output is a fixed point.

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/reply");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        match veto_replies::classify(&data) {
            Ok(c) => assert_eq!(veto_replies::new_text(&c.new_text), c.new_text),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        let text = String::from_utf8_lossy(&data);
        let once = veto_replies::new_text(&text);
        assert_eq!(veto_replies::new_text(&once), once);
        n += 1;
    }
    assert!(n >= 10, "corpus missing: {}", dir.display());
}
