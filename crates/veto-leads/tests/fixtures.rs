//! One real-world lead file per case, with the line numbers and outcomes a user would expect.

use std::fs::File;
use std::io::Cursor;
use std::path::PathBuf;

use veto_leads::{
    DelimiterSource, EncodingSource, FatalError, Field, FileInfo, LeadReader, LeadRow, MappedBy,
    ReadOptions, ReadStats, RowProblem, RowResult,
};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_with(name: &str, opts: ReadOptions) -> (FileInfo, Vec<RowResult>, ReadStats) {
    let r = LeadReader::open(File::open(path(name)).unwrap(), opts)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    read_rest(r)
}

fn read_rest<R: std::io::Read>(mut r: LeadReader<R>) -> (FileInfo, Vec<RowResult>, ReadStats) {
    let rows = r.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (r.info().clone(), rows, r.stats().clone())
}

fn read(name: &str) -> (FileInfo, Vec<RowResult>, ReadStats) {
    read_with(name, ReadOptions::default())
}

fn lead(r: &RowResult) -> &LeadRow {
    match r {
        RowResult::Lead(l) => l,
        RowResult::Invalid(p) => panic!("expected a lead, got {p}"),
    }
}

fn problem(r: &RowResult) -> &RowProblem {
    match r {
        RowResult::Invalid(p) => p,
        RowResult::Lead(l) => panic!("expected a problem, got {l:?}"),
    }
}

fn emails(rows: &[RowResult]) -> Vec<(u64, String)> {
    rows.iter()
        .map(|r| (lead(r).line, lead(r).email.to_string()))
        .collect()
}

fn custom<'a>(l: &'a LeadRow, h: &str) -> Option<&'a str> {
    l.custom
        .iter()
        .find(|(k, _)| &**k == h)
        .map(|(_, v)| v.as_str())
}

#[test]
fn utf8_with_bom_and_crlf() {
    let (info, rows, _) = read("bom_utf8.csv");
    assert_eq!(info.encoding_name(), "UTF-8");
    assert_eq!(info.encoding_source, EncodingSource::Bom);
    assert_eq!(
        info.headers[0], "Email",
        "the BOM is not part of the header"
    );
    assert_eq!(
        emails(&rows),
        [
            (2, "zoe@example.com".into()),
            (3, "john.doe@example.com".into())
        ]
    );
    let l = lead(&rows[0]);
    assert_eq!(l.name.as_deref(), Some("Zoë Saldaña"));
    assert_eq!(l.company_name.as_deref(), Some("Ørsted A/S"));
}

#[test]
fn windows_1252_detected() {
    let (info, rows, _) = read("windows1252.csv");
    assert_eq!(info.encoding_name(), "windows-1252");
    assert_eq!(info.encoding_source, EncodingSource::DetectedLegacy);
    let names: Vec<_> = rows.iter().map(|r| lead(r).name.clone().unwrap()).collect();
    assert_eq!(
        names,
        [
            "José Núñez",
            "Jürgen Müller",
            "François Lefèvre",
            "Anna Größ"
        ]
    );
    assert_eq!(
        lead(&rows[1]).company_name.as_deref(),
        Some("Straße & Söhne GmbH")
    );
    assert_eq!(lead(&rows[2]).company_name.as_deref(), Some("€uro Conseil"));
    assert_eq!(custom(lead(&rows[1]), "City"), Some("Köln"));
}

#[test]
fn forced_encodings() {
    let opts = |label: &str| ReadOptions {
        encoding: veto_leads::parse_encoding(label),
        ..ReadOptions::default()
    };
    let (info, rows, _) = read_with("windows1252.csv", opts("latin-1"));
    assert_eq!(info.encoding_source, EncodingSource::Forced);
    assert_eq!(lead(&rows[3]).name.as_deref(), Some("Anna Größ"));
    // Forcing UTF-8 on a Windows-1252 file: fatal, naming the line.
    let e = LeadReader::open(File::open(path("windows1252.csv")).unwrap(), opts("utf-8"))
        .err()
        .unwrap();
    assert!(matches!(e, FatalError::Undecodable { line: 2, .. }), "{e}");
    assert!(e.to_string().contains("not valid UTF-8"), "{e}");
}

#[test]
fn semicolon_german_export() {
    let (info, rows, _) = read("semicolon.csv");
    assert_eq!(info.delimiter, b';');
    assert_eq!(info.delimiter_source, DelimiterSource::Detected);
    assert_eq!(info.column_of(Field::Email), Some("E-Mail-Adresse"));
    assert_eq!(info.column_of(Field::Phone), Some("Telefon"));
    assert_eq!(info.custom_columns().collect::<Vec<_>>(), ["Umsatz"]);
    assert_eq!(rows.len(), 3);
    let l = lead(&rows[0]);
    assert_eq!(l.name.as_deref(), Some("Klaus Schmidt"));
    assert_eq!(l.company_name.as_deref(), Some("Schmidt, Meyer & Co"));
    assert_eq!(l.phones[0].as_str(), "+4930123456");
    assert_eq!(custom(l, "Umsatz"), Some("1.234,50"));
    assert_eq!(lead(&rows[1]).company_name.as_deref(), Some("Meyer; Söhne"));
    // A national number without a default region is dropped with a warning ...
    let b = lead(&rows[1]);
    assert!(b.phones.is_empty());
    assert_eq!(b.warnings.len(), 1);
    assert_eq!(b.warnings[0].field, "phone");
    assert_eq!(b.warnings[0].value.as_deref(), Some("030 123456"));
    // ... and read with one.
    let (_, rows, _) = read_with(
        "semicolon.csv",
        ReadOptions {
            default_phone_region: Some("DE".into()),
            ..ReadOptions::default()
        },
    );
    assert_eq!(lead(&rows[1]).phones[0].as_str(), "+4930123456");
    assert!(lead(&rows[1]).warnings.is_empty());
}

#[test]
fn tab_separated() {
    let (info, rows, _) = read("tab.tsv");
    assert_eq!(info.delimiter, b'\t');
    assert_eq!(lead(&rows[0]).phones[0].as_str(), "+14155552671");
    assert_eq!(lead(&rows[0]).owner.as_deref(), Some("sdr-team"));
    assert_eq!(lead(&rows[1]).name.as_deref(), Some("Bob, Jr."));
    // Forcing a delimiter.
    let (info, _, _) = read_with(
        "tab.tsv",
        ReadOptions {
            delimiter: Some(b'\t'),
            ..ReadOptions::default()
        },
    );
    assert_eq!(info.delimiter_source, DelimiterSource::Forced);
}

#[test]
fn utf16le_excel_unicode_text() {
    let (info, rows, _) = read("utf16le.txt");
    assert_eq!(info.encoding_name(), "UTF-16LE");
    assert_eq!(info.encoding_source, EncodingSource::Bom);
    assert_eq!(info.delimiter, b'\t');
    assert_eq!(
        emails(&rows),
        [(2, "zoe@example.com".into()), (3, "li@example.cn".into())]
    );
    assert_eq!(lead(&rows[0]).name.as_deref(), Some("Zoë Ünal"));
    assert_eq!(lead(&rows[1]).company_name.as_deref(), Some("北京"));
}

#[test]
fn embedded_newlines_and_doubled_quotes() {
    let (_, rows, _) = read("embedded_newlines.csv");
    assert_eq!(
        emails(&rows),
        [
            (2, "a@example.com".into()),
            (5, "b@example.com".into()),
            (8, "c@example.com".into())
        ]
    );
    assert_eq!(
        custom(lead(&rows[0]), "notes"),
        Some("first line\nsecond line\nthird line")
    );
    assert_eq!(
        lead(&rows[1]).name.as_deref(),
        Some("Bob \"The Builder\" Smith")
    );
    assert_eq!(
        custom(lead(&rows[1]), "notes"),
        Some("said \"hi\"\n\nthen left")
    );
}

#[test]
fn crlf_line_breaks() {
    let (_, rows, stats) = read("crlf.csv");
    assert_eq!(
        emails(&rows),
        [
            (2, "a@example.com".into()),
            (4, "b@example.com".into()),
            (6, "c@example.com".into())
        ]
    );
    assert_eq!(custom(lead(&rows[0]), "notes"), Some("two\r\nlines"));
    assert_eq!(stats.blank_lines, 1);
}

#[test]
fn cr_only_line_breaks() {
    let (_, rows, stats) = read("cr_only.csv");
    assert_eq!(
        emails(&rows),
        [
            (2, "a@example.com".into()),
            (4, "b@example.com".into()),
            (6, "c@example.com".into())
        ]
    );
    assert_eq!(lead(&rows[1]).name.as_deref(), Some("Bob\rSmith"));
    assert_eq!(stats.blank_lines, 1);
}

#[test]
fn blank_lines_skipped() {
    let (info, rows, stats) = read("blank_lines.csv");
    assert_eq!(info.header_line, 3);
    assert_eq!(
        emails(&rows),
        [(5, "a@example.com".into()), (9, "b@example.com".into())]
    );
    // Lines 1, 2, 4, 6 (spaces), 7 (","), 8 (" , "), 10, 11.
    assert_eq!(stats.blank_lines, 8);
    assert_eq!(stats.leads, 2);
}

#[test]
fn ragged_rows() {
    let (_, rows, stats) = read("ragged.csv");
    assert_eq!(rows.len(), 4);
    let a = lead(&rows[0]);
    assert_eq!((a.line, a.company_name.as_deref()), (2, None));
    assert!(a.warnings.is_empty());
    let b = lead(&rows[1]);
    assert_eq!(b.owner.as_deref(), Some("Olga"));
    assert_eq!(b.warnings.len(), 1);
    assert!(
        b.warnings[0].message.contains("2 non-empty value(s)"),
        "{}",
        b.warnings[0]
    );
    // Empty extra fields are not worth a warning.
    assert!(lead(&rows[2]).warnings.is_empty());
    assert_eq!(lead(&rows[3]).email.as_str(), "d@example.com");
    assert_eq!(stats.ragged_rows, 4);
}

#[test]
fn repeated_header_skipped() {
    let (_, rows, stats) = read("repeated_header.csv");
    assert_eq!(
        emails(&rows),
        [
            (2, "a@example.com".into()),
            (3, "b@example.com".into()),
            (5, "c@example.com".into()),
            (7, "d@example.com".into())
        ]
    );
    assert_eq!(stats.repeated_headers, 2);
    assert_eq!(stats.invalid, 0);
}

#[test]
fn hubspot_export() {
    let (info, rows, _) = read("hubspot.csv");
    assert_eq!(info.column_of(Field::SourceId), Some("Record ID"));
    assert_eq!(info.column_of(Field::Email), Some("Email"));
    assert_eq!(info.column_of(Field::Phone), Some("Phone Number"));
    assert_eq!(info.column_of(Field::Owner), Some("Contact owner"));
    assert_eq!(
        info.column_of(Field::CompanyName),
        Some("Associated Company")
    );
    assert_eq!(
        info.column_of(Field::CompanyId),
        Some("Primary Associated Company ID")
    );
    assert_eq!(
        info.column_of(Field::Dnc),
        Some("Unsubscribed from all email")
    );
    assert_eq!(
        info.custom_columns().collect::<Vec<_>>(),
        ["Lead Status", "Create Date"]
    );
    let a = lead(&rows[0]);
    assert_eq!(a.source_id.as_deref(), Some("101"));
    assert_eq!(a.name.as_deref(), Some("Ann Lee"));
    assert_eq!(a.company_id.as_deref(), Some("9001"));
    assert_eq!(a.phone().map(|p| p.as_str()), Some("+14155552671"));
    assert!(!a.dnc);
    let b = lead(&rows[1]);
    assert!(b.dnc);
    assert_eq!(b.dnc_columns, [9]);
    let c = lead(&rows[2]);
    assert_eq!(c.name.as_deref(), Some("Cleo"));
    assert!(c.phones.is_empty());
    assert_eq!(c.warnings[0].field, "phone");
    assert!(c.custom.is_empty(), "empty values are dropped");
}

#[test]
fn salesforce_export() {
    let (info, rows, _) = read("salesforce.csv");
    assert_eq!(info.column_of(Field::SourceId), Some("Lead ID"));
    assert_eq!(info.column_of(Field::CompanyId), Some("Account ID"));
    assert_eq!(info.column_of(Field::Owner), Some("Lead Owner"));
    assert_eq!(
        info.columns_of(Field::Dnc)
            .map(|c| c.header.as_str())
            .collect::<Vec<_>>(),
        ["Email Opt Out", "Do Not Call"]
    );
    assert_eq!(
        info.columns_of(Field::Phone)
            .map(|c| c.header.as_str())
            .collect::<Vec<_>>(),
        ["Phone", "Mobile"]
    );
    assert!(
        info.notes.iter().any(|n| n.contains("'Do Not Call'")),
        "{:?}",
        info.notes
    );
    let d = lead(&rows[0]);
    assert_eq!(d.source_id.as_deref(), Some("00Q5e00000AbCdE"));
    assert_eq!(
        d.phones.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        ["+442079460958", "+447911123456"]
    );
    assert!(!d.dnc);
    assert_eq!(custom(d, "Lead Source"), Some("Web"));
    assert!(lead(&rows[1]).dnc, "Do Not Call marks the lead");
    assert_eq!(lead(&rows[1]).dnc_columns, [10]);
    assert_eq!(lead(&rows[2]).dnc_columns, [9]);
}

#[test]
fn no_email_column_is_fatal() {
    let e = LeadReader::open(
        File::open(path("no_email.csv")).unwrap(),
        ReadOptions::default(),
    )
    .err()
    .unwrap();
    let msg = e.to_string();
    assert!(
        matches!(&e, FatalError::NoEmailColumn { headers } if headers == &["Name", "Phone", "Company"])
    );
    assert!(msg.contains("\"Name\", \"Phone\", \"Company\""), "{msg}");
    assert!(msg.contains("\"e-mail address\""), "{msg}");
    assert!(msg.contains("email=COLUMN"), "{msg}");
}

#[test]
fn empty_files_are_fatal() {
    for name in ["empty.csv", "only_blank.csv"] {
        let e = LeadReader::open(File::open(path(name)).unwrap(), ReadOptions::default())
            .err()
            .unwrap();
        assert!(matches!(e, FatalError::Empty), "{name}: {e}");
    }
}

#[test]
fn sep_line() {
    let (info, rows, _) = read("sep_line.csv");
    assert_eq!(info.delimiter, b';');
    assert_eq!(info.delimiter_source, DelimiterSource::SepLine);
    assert_eq!(info.header_line, 2);
    assert_eq!(emails(&rows), [(3, "a@example.com".into())]);
}

#[test]
fn title_rows_above_the_header() {
    let (info, rows, _) = read("title_rows.csv");
    assert_eq!(info.header_line, 4);
    assert!(info.notes[0].contains("line 1, 2"), "{:?}", info.notes);
    assert_eq!(emails(&rows), [(5, "a@example.com".into())]);
}

#[test]
fn row_problems_and_warnings() {
    let (_, rows, stats) = read("invalid_rows.csv");
    assert_eq!(rows.len(), 8);
    assert!(lead(&rows[0]).warnings.is_empty());

    let p = problem(&rows[1]);
    assert_eq!(
        (p.line, p.field, p.value.as_deref()),
        (3, "email", Some("not-an-address"))
    );
    assert_eq!(p.message, "the address has no '@'");
    assert_eq!(
        p.to_string(),
        "line 3: email 'not-an-address': the address has no '@'"
    );

    let p = problem(&rows[2]);
    assert_eq!((p.line, p.field), (4, "email"));
    assert_eq!(p.message, "the row has no e-mail address");

    // An invalid phone only warns: the e-mail address is the identity.
    let l = lead(&rows[3]);
    assert!(l.phones.is_empty());
    assert_eq!(l.warnings[0].field, "phone");
    assert_eq!(l.warnings[0].value.as_deref(), Some("12345"));

    // An unknown do-not-contact value holds the row back.
    let p = problem(&rows[4]);
    assert_eq!(
        (p.line, p.field, p.column.as_deref(), p.value.as_deref()),
        (6, "dnc", Some("unsubscribed"), Some("maybe"))
    );

    let l = lead(&rows[5]);
    assert_eq!(
        l.emails().map(|e| e.as_str()).collect::<Vec<_>>(),
        ["multi@example.com", "second@example.com"]
    );
    assert!(l.dnc);
    assert_eq!(l.warnings[0].field, "email");

    let l = lead(&rows[6]);
    assert!(l.other_emails.is_empty());
    assert_eq!(l.warnings[0].field, "additional_email");

    let l = lead(&rows[7]);
    assert_eq!(l.email.as_str(), "priv@example.com");
    assert_eq!(l.name.as_deref(), Some("OnlyPersonal"));

    assert_eq!((stats.leads, stats.invalid), (5, 3));
}

#[test]
fn dnc_values_configurable() {
    let opts = ReadOptions {
        dnc_true_values: Some(vec!["maybe".into()]),
        ..ReadOptions::default()
    };
    let (_, rows, _) = read_with("invalid_rows.csv", opts);
    assert!(lead(&rows[4]).dnc);
    // "yes" is no longer a true value: that row is held back now.
    assert_eq!(problem(&rows[5]).field, "dnc");
}

#[test]
fn mapping_overrides() {
    let mut opts = ReadOptions::default();
    opts.apply_mapping_arg("email=personal email").unwrap();
    opts.apply_mapping_arg("custom=false").unwrap();
    let (info, rows, _) = read_with("invalid_rows.csv", opts);
    assert_eq!(info.column_of(Field::Email), Some("personal email"));
    assert_eq!(
        info.columns[0].field,
        Field::AdditionalEmail,
        "the other e-mail column becomes an additional address"
    );
    assert_eq!(info.columns[4].mapped_by, MappedBy::Override);
    assert_eq!(lead(&rows[0]).email.as_str(), "good@example.com");
    assert_eq!(lead(&rows[7]).email.as_str(), "priv@example.com");

    let mut opts = ReadOptions::default();
    opts.apply_mapping_arg("email=Work Mail").unwrap();
    let e = LeadReader::open(File::open(path("invalid_rows.csv")).unwrap(), opts)
        .err()
        .unwrap();
    assert!(matches!(e, FatalError::UnknownColumn { .. }), "{e}");
    assert!(e.to_string().contains("email='Work Mail'"), "{e}");

    // By position; custom fields dropped.
    let mut opts = ReadOptions::default();
    opts.apply_mapping_arg("email=#2").unwrap();
    opts.apply_mapping_arg("custom=false").unwrap();
    let csv = "a,b,c\nx,z@example.com,keep?\n";
    let r = LeadReader::open(Cursor::new(csv), opts).unwrap();
    let (info, rows, _) = read_rest(r);
    assert_eq!(info.columns[2].field, Field::Ignore);
    assert_eq!(lead(&rows[0]).email.as_str(), "z@example.com");
    assert!(lead(&rows[0]).custom.is_empty());
}

#[test]
fn long_values_and_unclosed_quotes() {
    let long = "x".repeat(5000);
    let csv = format!("email,notes\na@example.com,{long}\nb@example.com,ok\n");
    let (_, rows, _) =
        read_rest(LeadReader::open(Cursor::new(csv), ReadOptions::default()).unwrap());
    let p = problem(&rows[0]);
    assert_eq!(
        (p.line, p.field, p.column.as_deref()),
        (2, "custom", Some("notes"))
    );
    assert!(p.message.contains("5000 bytes"), "{}", p.message);
    assert!(p.value.as_ref().unwrap().chars().count() <= 201);
    assert_eq!(lead(&rows[1]).line, 3);

    // A quote that never closes swallows the rest of the file: one invalid row, and memory
    // stays bounded.
    let mut csv = String::from("email,notes\na@example.com,ok\nb@example.com,\"oops\n");
    for i in 0..60_000 {
        csv.push_str(&format!("c{i}@example.com,fine\n"));
    }
    let (_, rows, stats) =
        read_rest(LeadReader::open(Cursor::new(csv), ReadOptions::default()).unwrap());
    assert_eq!(rows.len(), 2);
    let p = problem(&rows[1]);
    assert_eq!((p.line, p.field), (3, "record"));
    assert!(p.message.contains("never closed"), "{}", p.message);
    assert_eq!((stats.leads, stats.invalid), (1, 1));
}

#[test]
fn header_looking_row_that_differs() {
    let csv = "Email,Name\na@example.com,A\nE-mail,Full Name\nb@example.com,B\n";
    let (_, rows, _) =
        read_rest(LeadReader::open(Cursor::new(csv), ReadOptions::default()).unwrap());
    let p = problem(&rows[1]);
    assert_eq!(p.line, 3);
    assert!(p.message.contains("header row"), "{}", p.message);
}

#[test]
fn reads_from_the_start_wherever_the_input_is() {
    let mut c = Cursor::new(b"email\na@example.com\n".to_vec());
    c.set_position(10);
    let (_, rows, _) = read_rest(LeadReader::open(c, ReadOptions::default()).unwrap());
    assert_eq!(emails(&rows), [(2, "a@example.com".into())]);
}

#[test]
fn invalid_utf8_after_a_bom_is_replaced_with_a_warning() {
    let csv = b"\xef\xbb\xbfemail,name\na@example.com,Jos\xe9\n";
    let (_, rows, _) =
        read_rest(LeadReader::open(Cursor::new(csv.to_vec()), ReadOptions::default()).unwrap());
    let l = lead(&rows[0]);
    assert_eq!(l.name.as_deref(), Some("Jos\u{fffd}"));
    assert_eq!(l.warnings[0].field, "record");
}

#[test]
fn fatal_errors_for_bad_options() {
    let opts = ReadOptions {
        default_phone_region: Some("ZZ".into()),
        ..ReadOptions::default()
    };
    let e = LeadReader::open(Cursor::new("email\n"), opts)
        .err()
        .unwrap();
    assert!(matches!(e, FatalError::UnknownRegion(_)), "{e}");
}
