//! Suppression lists in and out: the exports of other e-mail services, read into
//! [`Record`]s a team can import into Veto, and Veto's entries written back in those services'
//! formats or in Veto's own lossless ones.
//!
//! This crate does no I/O of its own beyond the [`std::io::Read`] and [`std::io::Write`] it is
//! given, and knows nothing of stores: the caller normalises each record's identifier with
//! `veto-domain`, hashes it, applies the tenant's policy and stores it.
//!
//! # Formats
//!
//! | name | what | in | out |
//! | --- | --- | --- | --- |
//! | `veto-csv`, `veto-jsonl` | Veto's own export, every field of an entry ([`veto`]) | yes | yes |
//! | `ses` | Amazon SES account-level suppression list: `list-suppressed-destinations` JSON and the bulk CSV/JSON lines ([`ses`]) | yes | yes |
//! | `sendgrid-bounces`, `sendgrid-spam-reports`, `sendgrid-global-unsubscribes`, `sendgrid-group-unsubscribes`, `sendgrid` (list told by the header) | SendGrid suppression CSV exports ([`sendgrid`]) | yes | one list each, not group unsubscribes |
//! | `mailgun-bounces`, `mailgun-complaints`, `mailgun-unsubscribes`, `mailgun` | Mailgun suppression CSV and API JSON ([`mailgun`]) | yes | one list each |
//! | `postmark` | Postmark suppressions dump, JSON or CSV ([`postmark`]) | yes | yes (JSON) |
//! | `mailchimp-unsubscribed`, `mailchimp-cleaned`, `mailchimp` | Mailchimp audience exports ([`mailchimp`]) | yes | one list each |
//! | `listmonk` | listmonk subscriber export, blocklisted rows ([`listmonk`]) | yes | yes |
//!
//! Each vendor module states, in one table, how the vendor's reasons map to Veto's
//! [`Reason`]s and back.
//!
//! # Reading
//!
//! [`reader`] checks the header (or the JSON document's shape) and returns a
//! [`RecordReader`], an iterator of `Result<Record, RecordError>`. A bad row is one
//! [`RecordError`] naming its line and field; reading goes on with the next row. Problems that
//! make the whole file unusable (a required column missing, a file of another format, a broken
//! JSON document, an I/O error before the first row) are a [`FormatError`] from [`reader`].
//!
//! CSV and JSON lines are streamed row by row. The JSON documents of the SES, Mailgun and
//! Postmark APIs are read whole, then handed out item by item.
//!
//! Headers are matched ignoring case, surrounding spaces, `_`, `-` and inner spaces (so
//! `Email Address`, `email_address` and `EMAILADDRESS` are one column), a UTF-8 byte order mark
//! is skipped, extra columns are ignored and columns may come in any order. Dates are read in
//! every shape listed in [`timestamp`].
//!
//! # Writing
//!
//! [`writer`] returns a [`RecordWriter`]; [`RecordWriter::write`] writes one
//! [`Entry`] or skips it when the format cannot carry it
//! (vendor formats carry only e-mail addresses with a clear value, and a list-specific format
//! only the reasons that belong on that list). [`RecordWriter::finish`] flushes and returns the
//! counts. Which entries to export (for example those in force at some instant, with
//! [`Entry::active_at`]) is the caller's choice.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use veto_domain::Timestamp;
use veto_domain::identifier::IdentifierKind;
use veto_domain::suppression::{Channel, Entry, EntryEnd, Purposes, Reason, SourceChannel};

mod csvio;
mod jsonio;
pub mod listmonk;
pub mod mailchimp;
pub mod mailgun;
pub mod postmark;
pub mod sendgrid;
pub mod ses;
pub mod timestamp;
pub mod veto;

/// The SendGrid suppression lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendgridList {
    Bounces,
    SpamReports,
    GlobalUnsubscribes,
    GroupUnsubscribes,
}

/// The Mailgun suppression lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailgunList {
    Bounces,
    Complaints,
    Unsubscribes,
}

/// The inactive sections of a Mailchimp audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailchimpList {
    Unsubscribed,
    Cleaned,
}

/// A suppression list format. `None` in a vendor variant means "tell the list from the
/// header"; it reads, but cannot be written (a file holds one list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    VetoCsv,
    VetoJsonl,
    Ses,
    Sendgrid(Option<SendgridList>),
    Mailgun(Option<MailgunList>),
    Postmark,
    Mailchimp(Option<MailchimpList>),
    Listmonk,
}

const ALL_FORMATS: &[Format] = &[
    Format::VetoCsv,
    Format::VetoJsonl,
    Format::Ses,
    Format::Sendgrid(None),
    Format::Sendgrid(Some(SendgridList::Bounces)),
    Format::Sendgrid(Some(SendgridList::SpamReports)),
    Format::Sendgrid(Some(SendgridList::GlobalUnsubscribes)),
    Format::Sendgrid(Some(SendgridList::GroupUnsubscribes)),
    Format::Mailgun(None),
    Format::Mailgun(Some(MailgunList::Bounces)),
    Format::Mailgun(Some(MailgunList::Complaints)),
    Format::Mailgun(Some(MailgunList::Unsubscribes)),
    Format::Postmark,
    Format::Mailchimp(None),
    Format::Mailchimp(Some(MailchimpList::Unsubscribed)),
    Format::Mailchimp(Some(MailchimpList::Cleaned)),
    Format::Listmonk,
];

impl Format {
    /// Every format name [`Format::parse`] accepts, in the order of [`Format::all`].
    pub const NAMES: &[&str] = &[
        "veto-csv",
        "veto-jsonl",
        "ses",
        "sendgrid",
        "sendgrid-bounces",
        "sendgrid-spam-reports",
        "sendgrid-global-unsubscribes",
        "sendgrid-group-unsubscribes",
        "mailgun",
        "mailgun-bounces",
        "mailgun-complaints",
        "mailgun-unsubscribes",
        "postmark",
        "mailchimp",
        "mailchimp-unsubscribed",
        "mailchimp-cleaned",
        "listmonk",
    ];

    /// Every format, one per name in [`Format::NAMES`].
    pub fn all() -> &'static [Format] {
        ALL_FORMATS
    }

    /// Parses a CLI name (case-insensitive, surrounding spaces ignored, `_` as `-`); the error
    /// lists the accepted names.
    pub fn parse(name: &str) -> Result<Format, String> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        Self::NAMES
            .iter()
            .position(|x| *x == n)
            .map(|i| ALL_FORMATS[i])
            .ok_or_else(|| {
                format!(
                    "unknown format '{}' (use one of: {})",
                    name.trim(),
                    Self::NAMES.join(", ")
                )
            })
    }

    /// The CLI name.
    pub fn name(&self) -> &'static str {
        let i = ALL_FORMATS.iter().position(|f| f == self).unwrap_or(0);
        Self::NAMES[i]
    }

    /// Can entries be exported in this format? Not the auto-detecting names (a file holds one
    /// list) and not SendGrid group unsubscribes (Veto has no unsubscribe groups to assign).
    pub fn can_export(&self) -> bool {
        !matches!(
            self,
            Format::Sendgrid(None | Some(SendgridList::GroupUnsubscribes))
                | Format::Mailgun(None)
                | Format::Mailchimp(None)
        )
    }

    /// Is this one of Veto's own lossless formats?
    pub fn is_veto(&self) -> bool {
        matches!(self, Format::VetoCsv | Format::VetoJsonl)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s)
    }
}

/// One suppression read from a file, not yet normalised: the caller parses `identifier` with
/// `veto-domain`, hashes it and applies the tenant's policy.
///
/// Vendor formats fill `identifier`, `reason`, `source`, `created_at`, `evidence` and
/// `original_reason`; the scope fields are an e-mail address for sales and marketing
/// (`Channel::Email`, `Purposes::DEFAULT`, no subdomains) and the Veto-only fields are empty.
/// Veto's own formats fill every field the file has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the record starts: the 1-based physical line for CSV (a quoted field may span
    /// lines) and JSON lines, the 1-based item number for a JSON document.
    pub line: u64,
    /// The identifier as written (surrounding spaces removed). Empty only in Veto formats, for
    /// an entry without a clear identifier; `ident_hash` is then set.
    pub identifier: String,
    /// The identifier's kind; `None` means an e-mail address (every vendor format).
    pub kind: Option<IdentifierKind>,
    /// Veto formats: the keyed hash of the identifier, 64 lower-case hex digits.
    pub ident_hash: Option<String>,
    /// The vendor's reason mapped to Veto's (see the table of the vendor's module).
    pub reason: Reason,
    /// Where the vendor got the signal (bounce, feedback loop, unsubscribe link, …).
    pub source: SourceChannel,
    pub channel: Channel,
    pub purposes: Purposes,
    pub include_subdomains: bool,
    /// The original date from the file (when the vendor recorded the suppression).
    pub created_at: Option<Timestamp>,
    /// Veto formats: when the entry took effect.
    pub valid_from: Option<Timestamp>,
    /// Veto formats: the scheduled end of the entry.
    pub expires_at: Option<Timestamp>,
    /// Veto formats: how and when the entry ended, if it did.
    pub ended: Option<EntryEnd>,
    /// Veto formats: personal data of the entry was erased.
    pub erased: bool,
    /// What the file said, for people: vendor, list and the vendor's own reason, status,
    /// codes and names, e.g. `sendgrid bounce: status=5.1.1 reason=550 5.1.1 user unknown`.
    /// Veto formats: the entry's evidence.
    pub evidence: Option<String>,
    /// The vendor's own reason value before mapping (`BOUNCE`, `HardBounce`, the bounce text,
    /// or the list name when the list is the reason).
    pub original_reason: Option<String>,
    /// Veto formats: the role-account flag.
    pub role_account: Option<bool>,
    /// Veto formats: who created the entry (`user:…`, `key:…/user:…`, `system:…`).
    pub created_by: Option<String>,
    /// Veto formats: the entry id (a UUID).
    pub id: Option<String>,
}

impl Record {
    /// A vendor record with the e-mail scope defaults.
    pub(crate) fn vendor(
        line: u64,
        identifier: String,
        reason: Reason,
        source: SourceChannel,
    ) -> Self {
        Record {
            line,
            identifier,
            kind: None,
            ident_hash: None,
            reason,
            source,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            include_subdomains: false,
            created_at: None,
            valid_from: None,
            expires_at: None,
            ended: None,
            erased: false,
            evidence: None,
            original_reason: None,
            role_account: None,
            created_by: None,
            id: None,
        }
    }
}

/// One row that could not be read; reading goes on with the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Where the row starts (see [`Record::line`]).
    pub line: u64,
    /// The column or JSON field at fault, as named in the file's format.
    pub field: Option<String>,
    pub message: String,
}

impl RecordError {
    pub(crate) fn new(line: u64, field: Option<&str>, message: impl Into<String>) -> Self {
        RecordError {
            line,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, field {}: {}", self.line, field, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for RecordError {}

/// A problem that makes the whole file unusable in the format asked for.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("the {format} file is empty")]
    Empty { format: &'static str },
    #[error(
        "not a {format} file: the header has no '{column}' column (found: {}){}",
        found_list(.found),
        looks_like_hint(.looks_like)
    )]
    MissingColumn {
        format: &'static str,
        column: &'static str,
        found: Vec<String>,
        looks_like: Option<&'static str>,
    },
    #[error(
        "cannot tell which {family} list this is from the header (found: {}); use one of: {}",
        found_list(.found),
        .choices.join(", ")
    )]
    UnknownList {
        family: &'static str,
        found: Vec<String>,
        choices: Vec<&'static str>,
    },
    #[error("not a {format} file: {message}{}", looks_like_hint(.looks_like))]
    NotThisFormat {
        format: &'static str,
        message: String,
        looks_like: Option<&'static str>,
    },
    #[error("the {format} JSON document is broken: {message}")]
    Json {
        format: &'static str,
        message: String,
    },
    #[error("cannot export as {format}: {message}")]
    CannotExport {
        format: &'static str,
        message: String,
    },
    #[error("reading the file failed: {0}")]
    Io(#[from] io::Error),
}

fn found_list(found: &[String]) -> String {
    if found.is_empty() {
        return "no columns".into();
    }
    let mut s = found
        .iter()
        .take(30)
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if found.len() > 30 {
        s.push_str(&format!(" and {} more", found.len() - 30));
    }
    s
}

fn looks_like_hint(l: &Option<&'static str>) -> String {
    match l {
        Some(name) => format!("; it looks like a {name} file (--format {name})"),
        None => String::new(),
    }
}

/// A parser of one CSV data row, built from the header.
pub(crate) trait RowParser {
    /// `Ok(None)` skips the row (not a suppression, like a listmonk subscriber who is not
    /// blocklisted).
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError>;
}

/// A parser of one JSON item (an element of a document's list, or one JSON line).
pub(crate) trait ItemParser {
    fn parse(
        &self,
        line: u64,
        item: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Option<Record>, RecordError>;
}

enum Inner<R: Read> {
    Csv {
        rdr: csv::Reader<csvio::Lines<BufReader<R>>>,
        row: csv::ByteRecord,
        parser: Box<dyn RowParser + Send>,
        pending: Option<csv::ByteRecord>,
    },
    JsonLines {
        src: BufReader<R>,
        buf: Vec<u8>,
        line: u64,
        parser: veto::JsonlParser,
    },
    Items {
        items: std::vec::IntoIter<jsonio::Item>,
        parser: Box<dyn ItemParser + Send>,
    },
    Done,
}

/// Reads records of one format from a stream; see [`reader`].
pub struct RecordReader<R: Read> {
    format: Format,
    inner: Inner<R>,
    skipped: u64,
}

impl<R: Read> RecordReader<R> {
    /// The format being read; for the auto-detecting names, the list found in the header.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Rows passed over because they are not suppressions (listmonk subscribers who are not
    /// blocklisted, blank rows).
    pub fn skipped(&self) -> u64 {
        self.skipped
    }
}

impl<R: Read> Iterator for RecordReader<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let out = match &mut self.inner {
                Inner::Done => return None,
                Inner::Csv {
                    rdr,
                    row,
                    parser,
                    pending,
                } => match match pending.take() {
                    Some(p) => {
                        *row = p;
                        Ok(true)
                    }
                    None => rdr.read_byte_record(row),
                } {
                    Ok(false) => {
                        self.inner = Inner::Done;
                        return None;
                    }
                    Ok(true) => {
                        let line = row
                            .position()
                            .map_or(0, |p| rdr.get_mut().line_at(p.byte()));
                        if row.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                            Ok(None)
                        } else {
                            parser.parse(line, row)
                        }
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| rdr.get_mut().line_at(p.byte()));
                        let fatal = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                        if fatal {
                            self.inner = Inner::Done;
                        }
                        Err(RecordError::new(line, None, csvio::describe_csv_error(&e)))
                    }
                },
                Inner::JsonLines {
                    src,
                    buf,
                    line,
                    parser,
                } => {
                    buf.clear();
                    match src.read_until(b'\n', buf) {
                        Ok(0) => {
                            self.inner = Inner::Done;
                            return None;
                        }
                        Ok(_) => {
                            *line += 1;
                            parser.parse_line(*line, buf)
                        }
                        Err(e) => {
                            let l = *line + 1;
                            self.inner = Inner::Done;
                            Err(RecordError::new(l, None, format!("reading failed: {e}")))
                        }
                    }
                }
                Inner::Items { items, parser } => match items.next() {
                    None => {
                        self.inner = Inner::Done;
                        return None;
                    }
                    Some(item) => match item.value {
                        Ok(map) => parser.parse(item.line, &map),
                        Err(msg) => Err(RecordError::new(item.line, None, msg)),
                    },
                },
            };
            match out {
                Ok(Some(r)) => return Some(Ok(r)),
                Ok(None) => self.skipped += 1,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Opens `input` as a file of `format`: checks its header (or document shape) and returns the
/// streaming reader. For the auto-detecting names the list is told from the header; see
/// [`RecordReader::format`].
pub fn reader<R: Read>(format: Format, input: R) -> Result<RecordReader<R>, FormatError> {
    let mut src = BufReader::with_capacity(64 * 1024, input);
    csvio::skip_bom(&mut src)?;
    let (first, lines_before) = csvio::first_significant_byte(&mut src)?;
    let name = format.name();
    let json_start = matches!(first, Some(b'{' | b'['));
    let (format, inner) = match format {
        Format::VetoJsonl => {
            if first.is_none() {
                return Err(FormatError::Empty { format: name });
            }
            if !json_start {
                return Err(FormatError::NotThisFormat {
                    format: name,
                    message: "each line must be a JSON object".into(),
                    looks_like: csvio::sniff_reader(&mut src).map(|f| f.name()),
                });
            }
            (
                format,
                Inner::JsonLines {
                    src,
                    buf: Vec::with_capacity(1024),
                    line: lines_before,
                    parser: veto::JsonlParser,
                },
            )
        }
        Format::Ses | Format::Mailgun(_) | Format::Postmark if json_start => {
            let (format, items, parser) = jsonio::open(format, src, lines_before)?;
            (format, Inner::Items { items, parser })
        }
        _ => {
            if first.is_none() {
                return Err(FormatError::Empty { format: name });
            }
            if json_start {
                return Err(FormatError::NotThisFormat {
                    format: name,
                    message: "this is JSON, the format is CSV".into(),
                    looks_like: csvio::sniff_reader(&mut src).map(|f| f.name()),
                });
            }
            let (format, rdr, parser, pending) = csvio::open(format, src, lines_before)?;
            (
                format,
                Inner::Csv {
                    rdr,
                    row: csv::ByteRecord::new(),
                    parser,
                    pending,
                },
            )
        }
    };
    Ok(RecordReader {
        format,
        inner,
        skipped: 0,
    })
}

/// Best-effort guess of a file's format from its first bytes (the header line, or the start
/// of a JSON document; a few kilobytes are plenty). `None` when nothing fits.
pub fn detect(header_or_first_bytes: &[u8]) -> Option<Format> {
    csvio::sniff(header_or_first_bytes)
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportCounts {
    pub written: u64,
    /// Entries the format cannot carry: not e-mail addresses, no clear identifier, or (for a
    /// list-specific format) a reason that belongs on another list.
    pub skipped: u64,
}

/// Writes entries in one format; see [`writer`].
pub struct RecordWriter<W: Write> {
    format: Format,
    out: Out<W>,
    counts: ExportCounts,
}

pub(crate) enum Out<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { w: io::BufWriter<W>, first: bool },
}

/// Opens an export of `format` into `out`, writing the header (or the document start). Fails
/// for formats that cannot be exported (see [`Format::can_export`]).
///
/// Vendor formats have no notion of validity: every entry written is a suppression the
/// vendor will apply. Pass only the entries in force at the instant exported (usually
/// [`Entry::active_at`] now, or at `--as-of`); Veto's own formats carry validity and may take
/// every entry, ended ones included.
pub fn writer<W: Write>(format: Format, out: W) -> Result<RecordWriter<W>, FormatError> {
    if !format.can_export() {
        let message = match format {
            Format::Sendgrid(Some(SendgridList::GroupUnsubscribes)) => {
                "Veto has no unsubscribe groups to put entries in; export \
                 sendgrid-global-unsubscribes instead"
                    .to_string()
            }
            _ => format!(
                "a file holds one list; name it: {}",
                Format::NAMES
                    .iter()
                    .filter(|n| n.starts_with(format.name()) && **n != format.name())
                    .filter(|n| Format::parse(n).is_ok_and(|f| f.can_export()))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(FormatError::CannotExport {
            format: format.name(),
            message,
        });
    }
    let mut out = match format {
        Format::VetoJsonl | Format::Postmark => Out::Json {
            w: io::BufWriter::with_capacity(64 * 1024, out),
            first: true,
        },
        Format::Ses => Out::Csv(Box::new(
            csv::WriterBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_writer(out),
        )),
        _ => Out::Csv(Box::new(
            csv::WriterBuilder::new().flexible(true).from_writer(out),
        )),
    };
    write_header(format, &mut out)?;
    Ok(RecordWriter {
        format,
        out,
        counts: ExportCounts::default(),
    })
}

fn write_header<W: Write>(format: Format, out: &mut Out<W>) -> io::Result<()> {
    match (format, out) {
        (Format::VetoCsv, Out::Csv(w)) => w.write_record(veto::CSV_COLUMNS).map_err(csv_io),
        (Format::Sendgrid(Some(l)), Out::Csv(w)) => {
            w.write_record(sendgrid::header(l)).map_err(csv_io)
        }
        (Format::Mailgun(Some(l)), Out::Csv(w)) => {
            w.write_record(mailgun::header(l)).map_err(csv_io)
        }
        (Format::Mailchimp(Some(l)), Out::Csv(w)) => {
            w.write_record(mailchimp::header(l)).map_err(csv_io)
        }
        (Format::Listmonk, Out::Csv(w)) => w.write_record(listmonk::HEADER).map_err(csv_io),
        (Format::Postmark, Out::Json { w, .. }) => w.write_all(b"{\"Suppressions\":["),
        _ => Ok(()),
    }
}

pub(crate) fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<W: Write> RecordWriter<W> {
    /// The format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Writes one entry; `Ok(false)` when the format cannot carry it (it is counted as
    /// skipped).
    pub fn write(&mut self, e: &Entry) -> io::Result<bool> {
        let written = match self.format {
            Format::VetoCsv | Format::VetoJsonl => veto::write(&mut self.out, e)?,
            _ => match vendor_email(e) {
                None => false,
                Some(addr) => match self.format {
                    Format::Ses => ses::write(&mut self.out, e, addr)?,
                    Format::Sendgrid(Some(l)) => sendgrid::write(&mut self.out, l, e, addr)?,
                    Format::Mailgun(Some(l)) => mailgun::write(&mut self.out, l, e, addr)?,
                    Format::Postmark => postmark::write(&mut self.out, e, addr)?,
                    Format::Mailchimp(Some(l)) => mailchimp::write(&mut self.out, l, e, addr)?,
                    Format::Listmonk => listmonk::write(&mut self.out, e, addr)?,
                    _ => false,
                },
            },
        };
        if written {
            self.counts.written += 1;
        } else {
            self.counts.skipped += 1;
        }
        Ok(written)
    }

    /// Ends the document, flushes and returns the counts.
    pub fn finish(self) -> io::Result<ExportCounts> {
        match self.out {
            Out::Csv(mut w) => w.flush()?,
            Out::Json { mut w, .. } => {
                if self.format == Format::Postmark {
                    w.write_all(b"]}\n")?;
                }
                w.flush()?;
            }
        }
        Ok(self.counts)
    }
}

/// The clear e-mail address of an entry, if it has one.
fn vendor_email(e: &Entry) -> Option<&str> {
    match &e.identifier {
        Some(veto_domain::identifier::Identifier::Email(a)) if !e.erased => Some(a.as_str()),
        _ => None,
    }
}

impl<W: Write> Out<W> {
    /// Writes one CSV row (no-op for JSON outputs).
    pub(crate) fn row<I, T>(&mut self, fields: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        match self {
            Out::Csv(w) => w.write_record(fields).map_err(csv_io),
            Out::Json { .. } => Ok(()),
        }
    }

    /// Writes one JSON value: as a line for JSON lines, as the next array element for a
    /// document.
    pub(crate) fn json<T: serde::Serialize>(&mut self, v: &T, lines: bool) -> io::Result<()> {
        match self {
            Out::Json { w, first } => {
                if !lines && !*first {
                    w.write_all(b",")?;
                }
                *first = false;
                serde_json::to_writer(&mut *w, v).map_err(io::Error::other)?;
                if lines {
                    w.write_all(b"\n")?;
                }
                Ok(())
            }
            Out::Csv(_) => Ok(()),
        }
    }
}
