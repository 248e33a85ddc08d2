//! Properties: any input is read without panicking, and a table written by the csv crate, in
//! any delimiter, quoting, line break and encoding, reads back to the same values and lines.

use std::io::Cursor;

use proptest::prelude::*;
use veto_leads::{LeadReader, ReadOptions, RowResult};

fn read_all(bytes: Vec<u8>, opts: ReadOptions) {
    if let Ok(r) = LeadReader::open(Cursor::new(bytes), opts) {
        let header_line = r.info().header_line;
        let mut last = header_line;
        for row in r {
            let row = row.expect("reading from memory does not fail");
            assert!(
                row.line() > last,
                "lines increase: {} after {last}",
                row.line()
            );
            last = row.line();
            if let RowResult::Lead(l) = row {
                for e in l.emails() {
                    assert_eq!(
                        veto_domain::email::EmailAddress::parse(e.as_str()).as_ref(),
                        Ok(e)
                    );
                }
            }
        }
    }
}

fn options() -> impl Strategy<Value = ReadOptions> {
    (
        prop::option::of(prop::sample::select(vec![
            "utf-8",
            "windows-1252",
            "utf-16le",
            "utf-16be",
            "shift_jis",
        ])),
        prop::option::of(prop::sample::select(vec![b',', b';', b'\t', b'|', b' '])),
        any::<bool>(),
        1usize..64,
    )
        .prop_map(|(enc, delimiter, keep_custom, max)| ReadOptions {
            encoding: enc.and_then(veto_leads::parse_encoding),
            delimiter,
            keep_custom,
            max_field_len: max,
            ..ReadOptions::default()
        })
}

/// Bytes that look like CSV often enough to get past the header.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        &b"email"[..],
        b"Email Address",
        b"phone",
        b"dnc",
        b"name",
        b"a@b.com",
        b"x@Example.COM",
        b"+1 415 555 2671",
        b"yes",
        b"maybe",
        b",",
        b";",
        b"\t",
        b"|",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xe9",
        b"\xc3",
        b"sep=;",
        b"\x00",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), opts in options()) {
        read_all(bytes, opts);
    }

    #[test]
    fn csv_like_bytes_never_panic(bytes in csvish(), opts in options()) {
        read_all(bytes, opts);
    }
}

/// A value: letters, digits and the characters CSV has to quote.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            'a', 'Z', '7', ' ', ',', ';', '\t', '|', '"', '\n', '\r', 'é', 'ß', '€', '-', '\'',
        ]),
        0..12,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn address() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9][a-zA-Z0-9_%+-]{0,6}",
        "[a-z]{1,8}",
        "com|org|de|CO\\.UK",
    )
        .prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
}

#[derive(Debug, Clone)]
struct Table {
    rows: Vec<[String; 4]>,
    delimiter: u8,
    quote: csv::QuoteStyle,
    crlf: bool,
    encoding: &'static str,
}

fn table() -> impl Strategy<Value = Table> {
    (
        prop::collection::vec((address(), value(), value(), value()), 1..25),
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
        prop::sample::select(vec![
            csv::QuoteStyle::Necessary,
            csv::QuoteStyle::Always,
            csv::QuoteStyle::NonNumeric,
        ]),
        any::<bool>(),
        prop::sample::select(vec![
            "utf-8",
            "utf-8-bom",
            "windows-1252",
            "utf-16le",
            "utf-16be",
            "utf-16le-no-bom",
        ]),
    )
        .prop_map(|(rows, delimiter, quote, crlf, encoding)| Table {
            rows: rows.into_iter().map(|(a, b, c, d)| [a, b, c, d]).collect(),
            delimiter,
            quote,
            crlf,
            encoding,
        })
}

/// Line breaks as an editor counts them: CRLF, LF and a lone CR each once.
fn breaks(b: &[u8]) -> u64 {
    String::from_utf8_lossy(b)
        .replace("\r\n", "\n")
        .matches(['\r', '\n'])
        .count() as u64
}

fn trimmed(v: &str) -> Option<String> {
    let t = v.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    (!t.is_empty()).then(|| t.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn written_tables_read_back(t in table()) {
        let mut text = Vec::new();
        let mut lines = Vec::new();
        let writer = |out: &mut Vec<u8>, rec: &[&str]| {
            let mut w = csv::WriterBuilder::new()
                .delimiter(t.delimiter)
                .quote_style(t.quote)
                .terminator(if t.crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(out);
            w.write_record(rec).unwrap();
            w.flush().unwrap();
        };
        writer(&mut text, &["Email", "Full Name", "Notes", "Company"]);
        for r in &t.rows {
            lines.push(1 + breaks(&text));
            writer(&mut text, &[r[0].as_str(), &r[1], &r[2], &r[3]]);
        }
        let text = String::from_utf8(text).unwrap();
        let (bytes, forced) = match t.encoding {
            "utf-8" => (text.into_bytes(), None),
            "utf-8-bom" => ([&b"\xef\xbb\xbf"[..], text.as_bytes()].concat(), None),
            "windows-1252" => (
                encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
                Some(encoding_rs::WINDOWS_1252),
            ),
            "utf-16le-no-bom" => (text.encode_utf16().flat_map(u16::to_le_bytes).collect(), None),
            "utf-16le" => {
                let mut b = vec![0xff, 0xfe];
                b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                (b, None)
            }
            _ => {
                let mut b = vec![0xfe, 0xff];
                b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                (b, None)
            }
        };
        let opts = ReadOptions { encoding: forced, ..ReadOptions::default() };
        let mut r = LeadReader::open(Cursor::new(bytes), opts).unwrap();
        prop_assert_eq!(r.info().delimiter, t.delimiter);
        let got: Vec<_> = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
        prop_assert_eq!(got.len(), t.rows.len());
        for ((row, want), line) in got.iter().zip(&t.rows).zip(&lines) {
            let RowResult::Lead(l) = row else {
                return Err(TestCaseError::fail(format!("not a lead: {row:?}")));
            };
            prop_assert_eq!(l.line, *line);
            prop_assert_eq!(l.email.as_str(), want[0].to_lowercase());
            prop_assert_eq!(l.name.clone(), trimmed(&want[1]));
            let notes = l.custom.iter().find(|(h, _)| &**h == "Notes").map(|(_, v)| v.clone());
            prop_assert_eq!(notes, trimmed(&want[2]));
            prop_assert_eq!(l.company_name.clone(), trimmed(&want[3]));
            prop_assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        }
        prop_assert_eq!(r.stats().blank_lines, 0);
    }
}
