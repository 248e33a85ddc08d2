//! Replays the fuzz corpus (fuzz/corpus/identifier) as an ordinary test: every input parses or
//! fails cleanly, and normalisation is idempotent.

use veto_domain::identifier::{Identifier, IdentifierKind};

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/identifier");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        for kind in IdentifierKind::ALL {
            if let Ok(id) = Identifier::parse(kind, s) {
                assert_eq!(Identifier::parse(kind, id.value()).unwrap(), id);
            }
        }
        let _ = veto_domain::actor::Actor::parse(s);
        n += 1;
    }
    assert!(n >= 10, "corpus missing: {}", dir.display());
}
