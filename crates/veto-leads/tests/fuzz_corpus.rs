//! Replays the fuzz corpus (fuzz/corpus/leads_csv) as an ordinary test, with the checks of
//! fuzz/fuzz_targets/leads_csv.rs: every input opens or fails cleanly, every row is read, line
//! numbers increase and lead addresses are normalised.

use std::io::Cursor;

use veto_domain::email::EmailAddress;
use veto_leads::{LeadReader, ReadOptions, RowResult};

fn check(data: &[u8]) {
    let (opts, body) = match data.split_first() {
        Some((&b, rest)) if b >= 0xf0 => {
            let mut o = ReadOptions::default();
            match b & 0x0f {
                0 => o.delimiter = Some(b';'),
                1 => o.delimiter = Some(b'\t'),
                2 => o.encoding = veto_leads::parse_encoding("utf-8"),
                3 => o.encoding = veto_leads::parse_encoding("utf-16le"),
                4 => o.encoding = veto_leads::parse_encoding("windows-1252"),
                5 => o.keep_custom = false,
                6 => o.max_field_len = 8,
                _ => {}
            }
            (o, rest)
        }
        _ => (ReadOptions::default(), data),
    };
    let Ok(reader) = LeadReader::open(Cursor::new(body), opts) else {
        return;
    };
    let mut last = reader.info().header_line;
    for row in reader {
        let row = row.unwrap();
        assert!(row.line() > last, "line numbers increase");
        last = row.line();
        if let RowResult::Lead(lead) = row {
            for e in lead.emails() {
                assert_eq!(EmailAddress::parse(e.as_str()).as_ref(), Ok(e));
            }
        }
    }
}

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/leads_csv");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        check(&data);
        n += 1;
    }
    assert!(n >= 10, "corpus missing: {}", dir.display());
}
