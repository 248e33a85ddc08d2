//! Replays the fuzz corpus (fuzz/corpus/suppression_formats) as an ordinary test: every input
//! opens or fails cleanly in every format, and every row is a record or an error with a line.

use veto_formats::Format;

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus/suppression_formats");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        let _ = veto_formats::detect(&data);
        for format in Format::all() {
            if let Ok(reader) = veto_formats::reader(*format, &data[..]) {
                for item in reader.take(100_000) {
                    match item {
                        Ok(r) => assert!(r.line >= 1, "{format}"),
                        Err(e) => assert!(!e.to_string().is_empty()),
                    }
                }
            }
        }
        n += 1;
    }
    assert!(n >= 10, "corpus missing: {}", dir.display());
}
