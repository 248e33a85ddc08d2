//! Broken files: fatal problems are `FormatError`s that name them, bad rows are
//! `RecordError`s with line and field, and nothing panics.

mod common;

use common::{errs, ok, read_all};
use proptest::prelude::*;
use veto_formats::{Format, FormatError, MailgunList, SendgridList};

fn open_err(format: Format, bytes: &[u8]) -> FormatError {
    match veto_formats::reader(format, bytes) {
        Ok(_) => panic!("{format} accepted {:?}", String::from_utf8_lossy(bytes)),
        Err(e) => e,
    }
}

#[test]
fn missing_column_names_it_and_the_header_found() {
    let e = open_err(
        Format::Sendgrid(Some(SendgridList::Bounces)),
        b"created,mail,reason\n1,x@example.com,r\n",
    );
    assert!(matches!(
        &e,
        FormatError::MissingColumn { column: "email", found, .. } if found.len() == 3
    ));
    assert_eq!(
        e.to_string(),
        "not a sendgrid-bounces file: the header has no 'email' column \
         (found: 'created', 'mail', 'reason')"
    );

    let e = open_err(Format::VetoCsv, b"identifier,kind\nx@example.com,email\n");
    assert!(e.to_string().contains("no 'reason' column"), "{e}");

    // A file of another vendor is named.
    let e = open_err(
        Format::Listmonk,
        b"EmailAddress,SuppressionReason,Origin,CreatedAt\nx@example.com,HardBounce,Recipient,\n",
    );
    let msg = e.to_string();
    assert!(
        msg.contains("no 'email' column") && msg.contains("it looks like a postmark file"),
        "{msg}"
    );
}

#[test]
fn unknown_list_asks_for_it() {
    let e = open_err(
        Format::Mailchimp(None),
        b"Email Address,First Name\na@example.com,A\n",
    );
    assert!(
        e.to_string()
            .contains("use one of: mailchimp-unsubscribed, mailchimp-cleaned"),
        "{e}"
    );
    let e = open_err(Format::Sendgrid(None), b"email\na@example.com\n");
    assert!(matches!(e, FormatError::UnknownList { .. }), "{e}");
}

#[test]
fn empty_and_wrong_kind_of_file() {
    for f in Format::all() {
        let e = open_err(*f, b"");
        assert!(matches!(e, FormatError::Empty { .. }), "{f}: {e}");
        let e = open_err(*f, b"\xEF\xBB\xBF \r\n\n");
        assert!(matches!(e, FormatError::Empty { .. }), "{f}: {e}");
    }
    let e = open_err(Format::Listmonk, br#"{"items": []}"#);
    assert!(
        e.to_string().contains("this is JSON, the format is CSV"),
        "{e}"
    );
    let e = open_err(
        Format::VetoJsonl,
        b"identifier,reason\nx@example.com,manual\n",
    );
    assert!(
        e.to_string().contains("it looks like a veto-csv file"),
        "{e}"
    );
}

#[test]
fn broken_json_document() {
    let e = open_err(
        Format::Postmark,
        br#"{"Suppressions": [{"EmailAddress": "a@example.com""#,
    );
    assert!(matches!(e, FormatError::Json { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("the postmark JSON document is broken: "),
        "{e}"
    );
    let e = open_err(Format::Ses, b"{\n \"Something\": [],\n \"Else\": 1\n}\n");
    assert!(
        e.to_string()
            .contains("no 'SuppressedDestinationSummaries' list"),
        "{e}"
    );
    let e = open_err(Format::Mailgun(None), br#"{"items": 5}"#);
    assert!(
        e.to_string().contains("'items' is a number, not a list"),
        "{e}"
    );
    // Items that are not objects are row errors.
    let (_, res) = read_all(
        Format::Postmark,
        br#"{"Suppressions": [1, {"EmailAddress": "a@example.com"}]}"#,
    );
    assert_eq!(errs(&res)[0].line, 1);
    assert_eq!(ok(&res)[0].identifier, "a@example.com");
}

#[test]
fn bad_rows_are_errors_with_line_and_field() {
    let csv = b"email,created,status,reason\n\
                good@example.com,1443651141,5.1.1,x\n\
                ,1443651141,5.1.1,no address\n\
                late@example.com,tomorrow,5.1.1,x\n\
                bad\xffutf8@example.com,1,5.0.0,x\n\
                also.good@example.com,,,\n";
    let (_, res) = read_all(Format::Sendgrid(Some(SendgridList::Bounces)), csv);
    let e: Vec<String> = errs(&res).iter().map(|e| e.to_string()).collect();
    assert_eq!(
        e,
        [
            "line 3, field email: no e-mail address",
            "line 4, field created: 'tomorrow' is not a date (expected RFC 3339 like \
             2024-05-01T12:00:00Z, 'YYYY-MM-DD HH:MM:SS' in UTC, RFC 2822 like 'Fri, 21 Oct \
             2011 11:02:55 UTC', or Unix seconds)",
            "line 5, field email: not valid UTF-8 (save the file as UTF-8)",
        ]
    );
    assert_eq!(ok(&res).len(), 2);

    let veto = b"identifier,reason,kind,created_at,ended_kind\n\
                 a@example.com,unsubscribed,,,\n\
                 b@example.com,manual,fax,,\n\
                 c@example.com,manual,,2024-02-30,\n\
                 d@example.com,manual,,,lifted\n\
                 ,manual,,,\n";
    let (_, res) = read_all(Format::VetoCsv, veto);
    let e: Vec<(u64, Option<&str>)> = errs(&res)
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    assert_eq!(
        e,
        [
            (2, Some("reason")),
            (3, Some("kind")),
            (4, Some("created_at")),
            (5, Some("ended_at")),
            (6, Some("identifier")),
        ]
    );
    assert!(
        errs(&res)[0]
            .message
            .contains("unknown value 'unsubscribed' (use unsubscribe,")
    );
}

#[test]
fn unclosed_quote_is_an_error_not_a_silent_merge() {
    let csv = b"email,created\n\"a@example.com,1\nb@example.com,2\nc@example.com,3\n";
    let (_, res) = read_all(Format::Sendgrid(None), csv);
    let e = errs(&res);
    assert_eq!(e.len(), 1, "{res:?}");
    assert_eq!(e[0].line, 2);
    assert!(e[0].message.contains("line break"), "{}", e[0]);
}

#[test]
fn bad_json_lines_go_on() {
    let lines = b"{\"identifier\":\"a@example.com\",\"reason\":\"manual\"}\n\
                  {\"identifier\":\"b@example.com\",\"reason\":\n\
                  \n\
                  {\"identifier\":5,\"reason\":\"manual\"}\n\
                  {\"ident_hash\":\"zz\",\"reason\":\"manual\"}\n\
                  {\"identifier\":\"c@example.com\",\"reason\":\"manual\",\"purposes\":[\"sales\"]}\n";
    let (_, res) = read_all(Format::VetoJsonl, lines);
    let e: Vec<(u64, Option<&str>)> = errs(&res)
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    assert_eq!(e, [(2, None), (4, None), (5, Some("ident_hash"))]);
    let good = ok(&res);
    assert_eq!(good.len(), 2);
    assert_eq!(good[1].line, 6);
    assert_eq!(good[1].purposes, veto_domain::suppression::Purposes::SALES);
}

#[test]
fn garbage_never_panics() {
    let samples: &[&[u8]] = &[
        b"\x00\x01\x02\xff\xfe",
        b"\"",
        b"\"\"\"\n\"",
        b"{",
        b"[",
        b"[1,2,{}]",
        b"{\"items\":[{\"address\":[{}],\"created_at\":{\"a\":1}}]}",
        b"email,created\n\"",
        b"a,b,c\n1\n1,2,3,4,5\n",
        b"\xEF\xBB\xBF{\"Suppressions\":null}",
        b"x@y,BOUNCE,\"\n",
    ];
    for bytes in samples {
        drain_all(bytes);
    }
}

fn drain_all(bytes: &[u8]) {
    let _ = veto_formats::detect(bytes);
    for f in Format::all() {
        if let Ok(r) = veto_formats::reader(*f, bytes) {
            for item in r.take(100_000) {
                if let Err(e) = item {
                    let _ = e.to_string();
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        drain_all(&bytes);
    }

    #[test]
    fn plausible_files_never_panic(
        header in prop::sample::select(vec![
            "email,created,status,reason,ip,group_id",
            "address,code,error,created_at,tags",
            "EmailAddress,SuppressionReason,Origin,CreatedAt",
            "Email Address,UNSUB_TIME,CLEAN_TIME,UNSUB_REASON",
            "uuid,email,name,attributes,status,created_at,updated_at",
            "id,kind,identifier,ident_hash,reason,created_at,ended_kind,ended_at,ended_by,purposes",
            "",
        ]),
        rows in proptest::collection::vec("[a-z@.,\"\\n\\r 0-9:+TZ-]{0,40}", 0..8),
    ) {
        let text = format!("{header}\n{}", rows.join("\n"));
        drain_all(text.as_bytes());
    }
}

#[test]
fn mailgun_json_list_told_per_document() {
    let (f, res) = read_all(
        Format::Mailgun(None),
        br#"[{"address":"a@example.com","code":"550","error":"gone","created_at":"Fri, 21 Oct 2011 11:02:55 UTC"}]"#,
    );
    assert_eq!(f, Format::Mailgun(Some(MailgunList::Bounces)));
    assert_eq!(ok(&res).len(), 1);
}
