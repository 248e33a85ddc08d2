//! The lead file reader: any bytes open or fail cleanly, every row is read without panicking,
//! line numbers increase, and lead addresses are normalised. The first byte picks a forced
//! delimiter or encoding so those paths are fuzzed too.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use veto_domain::email::EmailAddress;
use veto_leads::{LeadReader, ReadOptions, RowResult};

fuzz_target!(|data: &[u8]| {
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
        let row = row.expect("reading from memory does not fail");
        assert!(row.line() > last, "line numbers increase");
        last = row.line();
        if let RowResult::Lead(lead) = row {
            for e in lead.emails() {
                assert_eq!(EmailAddress::parse(e.as_str()).as_ref(), Ok(e));
            }
        }
    }
});
