//! [`LeadReader`]: opens a lead file and yields its rows.

use std::io::{self, Read, Seek};
use std::sync::Arc;

use csv_core::{ReadRecordResult, Terminator};
use encoding_rs::{Encoding, UTF_8};
use veto_domain::email::{AddressError, EmailAddress};
use veto_domain::phone::{PhoneError, PhoneNumber};

use crate::dnc::{DncValue, DncValues};
use crate::encoding::{self, EncodingSource};
use crate::error::{FatalError, ReadError};
use crate::field::{Field, field_for_header};
use crate::input::Input;
use crate::mapping::{self, ColumnInfo, Plan};
use crate::options::ReadOptions;
use crate::row::{LeadRow, ReadStats, RowProblem, RowResult, RowWarning, excerpt};
use crate::sniff;

/// A record longer than this (bytes of field text) is not buffered: the row is reported invalid.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A record with more fields than this is reported invalid.
pub const MAX_FIELDS: usize = 16_384;
/// How many non-blank rows at the top of the file are tried as the header row when the first
/// one names no e-mail column (title lines above the header).
const HEADER_SEARCH_ROWS: usize = 10;

/// How the delimiter was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelimiterSource {
    /// Given in [`ReadOptions::delimiter`].
    Forced,
    /// Named by an Excel `sep=X` first line (which is skipped).
    SepLine,
    /// Detected from the first rows.
    Detected,
}

/// What was found out about the file when it was opened.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// The encoding the file is read in.
    pub encoding: &'static Encoding,
    pub encoding_source: EncodingSource,
    /// The field delimiter.
    pub delimiter: u8,
    pub delimiter_source: DelimiterSource,
    /// The 1-based line of the header row.
    pub header_line: u64,
    /// The header row, values trimmed.
    pub headers: Vec<String>,
    /// Every column of the header row and the field it feeds.
    pub columns: Vec<ColumnInfo>,
    /// Things the user should know about how the file is read (a `Do Not Call` column read as
    /// do-not-contact, a second e-mail column, rows skipped above the header, ...).
    pub notes: Vec<String>,
}

impl FileInfo {
    /// The encoding's name (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }

    /// The columns that feed `field`, in order.
    pub fn columns_of(&self, field: Field) -> impl Iterator<Item = &ColumnInfo> {
        self.columns.iter().filter(move |c| c.field == field)
    }

    /// The header of the (first) column feeding `field`.
    pub fn column_of(&self, field: Field) -> Option<&str> {
        self.columns_of(field).next().map(|c| c.header.as_str())
    }

    /// The headers of the columns kept as custom fields.
    pub fn custom_columns(&self) -> impl Iterator<Item = &str> {
        self.columns_of(Field::Custom).map(|c| c.header.as_str())
    }
}

/// Reads a lead file (CSV) row by row.
///
/// [`open`](Self::open) reads the file's start to decide its encoding, delimiter and column
/// mapping (see [`FileInfo`]); iterating then yields one [`RowResult`] per data row: a
/// normalised [`LeadRow`] or the [`RowProblem`] that keeps it from being one. Row problems
/// never stop reading. Blank lines and copies of the header row are skipped and counted in
/// [`stats`](Self::stats). An I/O error ends the iteration with `Err`.
///
/// Memory stays the same whatever the file size: two 64 KiB buffers and the current record
/// (at most [`MAX_RECORD_BYTES`]).
///
/// # Rows
///
/// - Values are trimmed (Unicode white space and stray byte order marks).
/// - A row with fewer fields than the header reads the missing ones as empty; extra fields are
///   ignored, with a warning when they are not empty.
/// - **E-mail** is the identity. A row without one is invalid (field `email`), and so is a row
///   whose e-mail column holds an invalid address. A cell holding several addresses
///   (`a@x.com; b@y.com`) gives them all, with a warning. Invalid additional addresses are
///   dropped with a warning.
/// - **Phone** numbers are normalised to E.164 ([`ReadOptions::default_phone_region`] for
///   national numbers). An invalid phone number does not make the row invalid, since the
///   e-mail address is the identity: it is dropped with a warning.
/// - **Do-not-contact** columns: see [`crate::dnc`]. A value that is neither a recognised
///   "yes" nor a recognised "no" makes the row invalid (field `dnc`) so a person decides.
/// - A value longer than [`ReadOptions::max_field_len`] in a column that is read makes the
///   row invalid, and so does a record over [`MAX_RECORD_BYTES`] or [`MAX_FIELDS`] (most often
///   an opening quote that is never closed: the rest of the file is one value).
/// - Bytes that are not valid text are replaced by `�` with a warning.
pub struct LeadReader<R> {
    input: Input<R>,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    oversized: bool,
    /// Line breaks consumed so far (CRLF, LF and a lone CR each count once).
    breaks: u64,
    /// The last byte consumed was a CR (whose LF may follow in the next buffer).
    after_cr: bool,
    info: FileInfo,
    plan: Plan,
    dnc: DncValues,
    region: Option<String>,
    max_field_len: usize,
    stats: ReadStats,
    finished: bool,
}

enum Rec {
    Record(u64),
    Oversized(u64),
    End,
}

#[allow(clippy::large_enum_variant)] // Moved once per row, never stored.
enum Outcome {
    /// The record is not valid UTF-8.
    NotText,
    Blank,
    RepeatedHeader,
    Row(RowResult),
}

impl<R: Read + Seek> LeadReader<R> {
    /// Opens a lead file: decides encoding, delimiter and header mapping, and stops at the first
    /// data row. The whole stream is read from its start (offset 0), wherever it is positioned:
    /// without a forced encoding and a byte order mark, it is scanned once to tell UTF-8 from a
    /// legacy encoding, then read again.
    pub fn open(mut input: R, opts: ReadOptions) -> Result<Self, FatalError> {
        if let Some(r) = &opts.default_phone_region
            && let Err(PhoneError::UnknownRegion(_)) =
                PhoneNumber::parse_with_region("+14155552671", Some(r))
        {
            return Err(FatalError::UnknownRegion(r.clone()));
        }
        let det = encoding::detect(&mut input, opts.encoding)?;
        let decoder =
            (det.encoding != UTF_8).then(|| det.encoding.new_decoder_without_bom_handling());
        let mut inp = Input::new(input, decoder);
        let (sample, eof) = inp.fill_all()?;
        let sep = sniff::sep_line(sample);
        let (delimiter, delimiter_source) = match (opts.delimiter, sep) {
            (Some(d), _) => (d, DelimiterSource::Forced),
            (None, Some((d, _))) => (d, DelimiterSource::SepLine),
            (None, None) => (
                sniff::sniff_delimiter(sample, eof),
                DelimiterSource::Detected,
            ),
        };
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .quote(b'"')
            .double_quote(true)
            .terminator(Terminator::CRLF)
            .build();
        let mut me = Self {
            input: inp,
            core,
            out: vec![0; 4096],
            ends: vec![0; 64],
            nout: 0,
            nend: 0,
            oversized: false,
            breaks: 0,
            after_cr: false,
            info: FileInfo {
                encoding: det.encoding,
                encoding_source: det.source,
                delimiter,
                delimiter_source,
                header_line: 0,
                headers: Vec::new(),
                columns: Vec::new(),
                notes: Vec::new(),
            },
            plan: Plan::default(),
            dnc: DncValues::new(
                opts.dnc_true_values.as_deref(),
                opts.dnc_false_values.as_deref(),
            ),
            region: opts.default_phone_region.clone(),
            max_field_len: opts.max_field_len,
            stats: ReadStats::default(),
            finished: false,
        };
        if let Some((_, n)) = sep {
            let head = me.input.fill()?;
            let n = n.min(head.len());
            me.breaks += count_breaks(&head[..n], &mut me.after_cr);
            me.input.consume(n);
        }
        me.read_header(&opts)?;
        Ok(me)
    }

    fn read_header(&mut self, opts: &ReadOptions) -> Result<(), FatalError> {
        let mut first_err = None;
        let mut tried = 0;
        let mut skipped = Vec::new();
        while tried < HEADER_SEARCH_ROWS {
            let line = match self.next_record()? {
                Rec::End => break,
                Rec::Oversized(_) => return Err(FatalError::HeaderTooLong),
                Rec::Record(line) => line,
            };
            if self.record().is_none() {
                self.fix_utf8();
            }
            let Some(rec) = self.record() else {
                continue;
            };
            if rec.is_blank() {
                self.stats.blank_lines += 1;
                continue;
            }
            tried += 1;
            let headers: Vec<String> = (0..rec.len()).map(|i| rec.get(i).to_string()).collect();
            match mapping::build(&headers, &opts.mapping, opts.keep_custom) {
                Ok(m) => {
                    self.info.header_line = line;
                    self.info.headers = headers;
                    self.info.columns = m.columns;
                    if !skipped.is_empty() {
                        self.info.notes.push(format!(
                            "{} row(s) above the header row were skipped (line {})",
                            skipped.len(),
                            skipped
                                .iter()
                                .map(u64::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    self.info.notes.extend(m.notes);
                    self.plan = m.plan;
                    return Ok(());
                }
                Err(e) => {
                    skipped.push(line);
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or(FatalError::Empty))
    }
}

impl<R> LeadReader<R> {
    /// What was decided about the file: encoding, delimiter, header row and column mapping.
    pub fn info(&self) -> &FileInfo {
        &self.info
    }

    /// What was read so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Gives back the input.
    pub fn into_inner(self) -> R {
        self.input.into_inner()
    }
}

impl<R: Read> LeadReader<R> {
    /// Parses the next record into `out` / `ends`, skipping line breaks before it.
    fn next_record(&mut self) -> io::Result<Rec> {
        let before = self.breaks;
        loop {
            let avail = self.input.fill()?;
            if avail.is_empty() {
                break;
            }
            let n = avail
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .unwrap_or(avail.len());
            self.breaks += count_breaks(&avail[..n], &mut self.after_cr);
            let more = n == avail.len();
            self.input.consume(n);
            if !more {
                break;
            }
        }
        // Every break before a record (after the previous record's own) ends a blank line.
        self.stats.blank_lines += self.breaks - before;
        let line = self.breaks + 1;
        self.nout = 0;
        self.nend = 0;
        self.oversized = false;
        loop {
            let avail = self.input.fill()?;
            let (res, nin, nout, nend) = self.core.read_record(
                avail,
                &mut self.out[self.nout..],
                &mut self.ends[self.nend..],
            );
            self.breaks += count_breaks(&avail[..nin], &mut self.after_cr);
            self.input.consume(nin);
            self.nout += nout;
            self.nend += nend;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.out.len() >= MAX_RECORD_BYTES {
                        self.oversized = true;
                        self.nout = 0;
                    } else {
                        let n = (self.out.len() * 2).min(MAX_RECORD_BYTES);
                        self.out.resize(n, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_FIELDS {
                        self.oversized = true;
                        self.nend = 0;
                    } else {
                        let n = (self.ends.len() * 2).min(MAX_FIELDS);
                        self.ends.resize(n, 0);
                    }
                }
                ReadRecordResult::Record => {
                    return Ok(if self.oversized {
                        Rec::Oversized(line)
                    } else {
                        Rec::Record(line)
                    });
                }
                ReadRecordResult::End => return Ok(Rec::End),
            }
        }
    }

    /// Replaces bytes of the current record that are not UTF-8 by U+FFFD.
    fn fix_utf8(&mut self) {
        let mut fixed = Vec::with_capacity(self.nout + 16);
        let mut start = 0;
        for i in 0..self.nend {
            let end = self.ends[i].min(self.nout);
            let s = start.min(end);
            fixed.extend_from_slice(String::from_utf8_lossy(&self.out[s..end]).as_bytes());
            self.ends[i] = fixed.len();
            start = end;
        }
        if fixed.len() > self.out.len() {
            self.out.resize(fixed.len(), 0);
        }
        self.out[..fixed.len()].copy_from_slice(&fixed);
        self.nout = fixed.len();
    }

    /// The current record; `None` when it is not valid UTF-8.
    fn record(&self) -> Option<Record<'_>> {
        let text = std::str::from_utf8(&self.out[..self.nout]).ok()?;
        Some(Record {
            text,
            ends: &self.ends[..self.nend],
        })
    }

    fn process(&self, line: u64, lossy: bool) -> Outcome {
        let Some(rec) = self.record() else {
            return Outcome::NotText;
        };
        if rec.is_blank() {
            return Outcome::Blank;
        }
        if self.is_header_copy(&rec) {
            return Outcome::RepeatedHeader;
        }
        let plan = &self.plan;
        let column = |i: usize| Some(plan.headers.get(i).cloned().unwrap_or_default());
        let invalid = |field: &'static str, col: Option<usize>, value: Option<&str>, message| {
            Outcome::Row(RowResult::Invalid(RowProblem {
                line,
                field,
                column: col.and_then(column),
                value: value.map(excerpt),
                message,
            }))
        };

        for &(c, f) in &plan.read {
            if rec.raw_len(c) <= self.max_field_len {
                continue;
            }
            let v = rec.get(c);
            if v.len() > self.max_field_len {
                return invalid(
                    f.as_str(),
                    Some(c),
                    Some(v),
                    format!(
                        "the value is {} bytes long; at most {} are accepted",
                        v.len(),
                        self.max_field_len
                    ),
                );
            }
        }

        let mut warnings = Vec::new();
        if lossy {
            warnings.push(RowWarning {
                field: "record",
                column: None,
                value: None,
                message: "the row has bytes that are not valid text in the file's encoding; they were replaced by '�'".to_string(),
            });
        }
        let mut primary: Option<EmailAddress> = None;
        let mut others: Vec<EmailAddress> = Vec::new();
        if let Some(c) = plan.email {
            let v = rec.get(c);
            if !v.is_empty() {
                match EmailAddress::parse(v) {
                    Ok(e) => primary = Some(e),
                    Err(err) => match split_addresses(v) {
                        Some(list) => {
                            warnings.push(RowWarning {
                                field: "email",
                                column: column(c),
                                value: Some(excerpt(v)),
                                message: format!(
                                    "the cell holds {} addresses; all of them are read",
                                    list.len()
                                ),
                            });
                            let mut it = list.into_iter();
                            primary = it.next();
                            others.extend(it);
                        }
                        None => {
                            let message = if field_for_header(v) == Some(Field::Email) {
                                format!(
                                    "{err} (this looks like a header row that differs from the one on line {})",
                                    self.info.header_line
                                )
                            } else {
                                err.to_string()
                            };
                            return invalid("email", Some(c), Some(v), message);
                        }
                    },
                }
            }
        }
        for &c in &plan.extra_emails {
            let v = rec.get(c);
            if v.is_empty() {
                continue;
            }
            let parsed = match EmailAddress::parse(v) {
                Ok(e) => vec![e],
                Err(err) => match split_addresses(v) {
                    Some(list) => list,
                    None => {
                        warnings.push(address_warning(column(c), v, &err));
                        continue;
                    }
                },
            };
            for e in parsed {
                if primary.is_none() {
                    primary = Some(e);
                } else if primary.as_ref() != Some(&e) && !others.contains(&e) {
                    others.push(e);
                }
            }
        }
        let Some(email) = primary else {
            return invalid(
                "email",
                plan.email,
                None,
                "the row has no e-mail address".to_string(),
            );
        };
        others.retain(|e| *e != email);

        let mut dnc = false;
        let mut dnc_columns = Vec::new();
        for &c in &plan.dnc {
            let v = rec.get(c);
            match self.dnc.classify(v) {
                DncValue::No => {}
                DncValue::Yes => {
                    dnc = true;
                    dnc_columns.push(c);
                }
                DncValue::Unknown => {
                    return invalid(
                        "dnc",
                        Some(c),
                        Some(v),
                        "not a recognised do-not-contact value (like yes/no, true/false, 1/0, x); the row is held back rather than read as \"may be contacted\"".to_string(),
                    );
                }
            }
        }

        let mut phones: Vec<PhoneNumber> = Vec::new();
        for &c in &plan.phones {
            let v = rec.get(c);
            if v.is_empty() {
                continue;
            }
            match PhoneNumber::parse_with_region(v, self.region.as_deref()) {
                Ok(p) => {
                    if !phones.contains(&p) {
                        phones.push(p);
                    }
                }
                Err(e) => warnings.push(RowWarning {
                    field: "phone",
                    column: column(c),
                    value: Some(excerpt(v)),
                    message: format!("{e}; the phone number was dropped"),
                }),
            }
        }

        let opt = |c: Option<usize>| {
            c.map(|c| rec.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let name = opt(plan.name).or_else(|| {
            match (
                plan.first_name.map(|c| rec.get(c)).unwrap_or_default(),
                plan.last_name.map(|c| rec.get(c)).unwrap_or_default(),
            ) {
                ("", "") => None,
                (f, "") => Some(f.to_string()),
                ("", l) => Some(l.to_string()),
                (f, l) => Some(format!("{f} {l}")),
            }
        });

        let mut custom = Vec::new();
        for (c, h) in &plan.custom {
            let v = rec.get(*c);
            if !v.is_empty() {
                if custom.is_empty() {
                    custom.reserve(plan.custom.len());
                }
                custom.push((Arc::clone(h), v.to_string()));
            }
        }

        let ncols = plan.headers.len();
        if rec.len() > ncols {
            let extra = (ncols..rec.len())
                .filter(|&i| !rec.get(i).is_empty())
                .count();
            if extra > 0 {
                warnings.push(RowWarning {
                    field: "record",
                    column: None,
                    value: None,
                    message: format!(
                        "the row has {} fields, the header {ncols}; {extra} non-empty value(s) past the last column were ignored",
                        rec.len()
                    ),
                });
            }
        }

        Outcome::Row(RowResult::Lead(LeadRow {
            line,
            email,
            other_emails: others,
            phones,
            name,
            company_id: opt(plan.company_id),
            company_name: opt(plan.company_name),
            owner: opt(plan.owner),
            source_id: opt(plan.source_id),
            dnc,
            dnc_columns,
            custom,
            warnings,
        }))
    }

    /// Whether the record repeats the header row (files joined together).
    fn is_header_copy(&self, rec: &Record<'_>) -> bool {
        let hs = &self.info.headers;
        let key = self.plan.email.unwrap_or(0);
        let same = |i: usize| {
            let h = hs.get(i).map(String::as_str).unwrap_or_default();
            rec.get(i).eq_ignore_ascii_case(h)
        };
        same(key) && (0..hs.len()).all(same) && (hs.len()..rec.len()).all(|i| rec.get(i).is_empty())
    }
}

impl<R: Read> Iterator for LeadReader<R> {
    type Item = Result<RowResult, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            let rec = match self.next_record() {
                Ok(r) => r,
                Err(source) => {
                    self.finished = true;
                    return Some(Err(ReadError {
                        line: self.breaks,
                        source,
                    }));
                }
            };
            let outcome = match rec {
                Rec::End => {
                    self.finished = true;
                    return None;
                }
                Rec::Oversized(line) => Outcome::Row(RowResult::Invalid(RowProblem {
                    line,
                    field: "record",
                    column: None,
                    value: None,
                    message: format!(
                        "the row is longer than {} KiB or has more than {MAX_FIELDS} fields; most often a quote (\") opens a value and is never closed, so the rest of the file reads as one value",
                        MAX_RECORD_BYTES / 1024
                    ),
                })),
                Rec::Record(line) => match self.process(line, false) {
                    Outcome::NotText => {
                        self.fix_utf8();
                        match self.process(line, true) {
                            // Not after the repair; never let it pass as a lead.
                            Outcome::NotText => Outcome::Row(RowResult::Invalid(RowProblem {
                                line,
                                field: "record",
                                column: None,
                                value: None,
                                message: "the row is not valid text".to_string(),
                            })),
                            o => o,
                        }
                    }
                    o => o,
                },
            };
            match outcome {
                Outcome::NotText => {}
                Outcome::Blank => self.stats.blank_lines += 1,
                Outcome::RepeatedHeader => self.stats.repeated_headers += 1,
                Outcome::Row(r) => {
                    if matches!(rec, Rec::Record(_)) && self.nend != self.info.headers.len() {
                        self.stats.ragged_rows += 1;
                    }
                    match &r {
                        RowResult::Lead(_) => self.stats.leads += 1,
                        RowResult::Invalid(_) => self.stats.invalid += 1,
                    }
                    return Some(Ok(r));
                }
            }
        }
        None
    }
}

/// The fields of the current record.
struct Record<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> Record<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i`, trimmed; empty when the record has no such field.
    #[inline]
    fn get(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let v = self.text.get(start..end).unwrap_or_default();
        v.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
    }

    /// Length of field `i` before trimming.
    #[inline]
    fn raw_len(&self, i: usize) -> usize {
        match self.ends.get(i) {
            Some(&end) => end.saturating_sub(if i == 0 { 0 } else { self.ends[i - 1] }),
            None => 0,
        }
    }

    fn is_blank(&self) -> bool {
        (0..self.len()).all(|i| self.get(i).is_empty())
    }
}

/// Counts the line breaks in `s`: CRLF, LF and a lone CR each count once. `after_cr` carries
/// "the previous byte was CR" across buffers.
#[inline]
fn count_breaks(s: &[u8], after_cr: &mut bool) -> u64 {
    let Some(&last) = s.last() else {
        return 0;
    };
    let mut n = 0;
    for i in memchr::memchr2_iter(b'\r', b'\n', s) {
        let lf_of_crlf = s[i] == b'\n' && if i == 0 { *after_cr } else { s[i - 1] == b'\r' };
        n += u64::from(!lf_of_crlf);
    }
    *after_cr = last == b'\r';
    n
}

/// A cell holding several addresses separated by `,` `;` `|` or white space, every one valid.
fn split_addresses(v: &str) -> Option<Vec<EmailAddress>> {
    if v.bytes().filter(|&b| b == b'@').count() < 2 {
        return None;
    }
    let mut out: Vec<EmailAddress> = Vec::new();
    for part in v
        .split(|c: char| matches!(c, ',' | ';' | '|') || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let e = EmailAddress::parse(part).ok()?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    (out.len() >= 2).then_some(out)
}

fn address_warning(column: Option<String>, v: &str, err: &AddressError) -> RowWarning {
    RowWarning {
        field: "additional_email",
        column,
        value: Some(excerpt(v)),
        message: format!("{err}; the address was dropped"),
    }
}
