//! Replays the fuzz corpus (fuzz/corpus/sending_stamp) as an ordinary test: every input is
//! stamped or refused with an error, never a panic, and stamped messages keep their body and
//! stamp again to the same bytes (`veto_sending::stamp::fuzz_check`). Each seed's file name
//! says what it exercises; they were written for this corpus.

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/sending_stamp");
    let mut n = 0;
    let mut stamped = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        veto_sending::stamp::fuzz_check(&data);
        stamped += usize::from(veto_sending::read_headers(&data).is_ok());
        n += 1;
    }
    assert!(n >= 5, "corpus missing: {}", dir.display());
    assert!(
        stamped >= 3,
        "the corpus should hold messages that stamp, not only refusals"
    );
}
