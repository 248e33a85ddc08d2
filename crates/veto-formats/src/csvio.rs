//! Shared CSV input: byte order mark, header matching, field access, format sniffing.

use std::io::{BufRead, BufReader, Read};

use veto_domain::Timestamp;

use crate::{
    Format, FormatError, MailgunList, RecordError, RowParser, listmonk, mailchimp, mailgun,
    postmark, sendgrid, ses, timestamp, veto,
};

/// Skips a UTF-8 byte order mark at the start of the stream.
pub(crate) fn skip_bom<R: Read>(src: &mut BufReader<R>) -> std::io::Result<()> {
    // A BOM split over two reads is not worth handling: fill_buf returns at least 3 bytes for
    // any real file.
    let buf = src.fill_buf()?;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        src.consume(3);
    }
    Ok(())
}

/// The first byte that is not white space, consuming the white space before it; also the
/// number of line feeds consumed.
pub(crate) fn first_significant_byte<R: Read>(
    src: &mut BufReader<R>,
) -> std::io::Result<(Option<u8>, u64)> {
    let mut lines = 0;
    loop {
        let buf = src.fill_buf()?;
        if buf.is_empty() {
            return Ok((None, lines));
        }
        let i = buf.iter().position(|b| !b.is_ascii_whitespace());
        let n = i.unwrap_or(buf.len());
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        src.consume(n);
        if i.is_some() {
            return Ok((src.fill_buf()?.first().copied(), lines));
        }
    }
}

/// A reader that notes where line ends pass, so a record's physical line can be told from its
/// byte offset (the CSV reader's own line count lags after CRLF and blank lines).
pub(crate) struct Lines<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\r` and `\n` bytes not yet passed by a record (`true` for `\n`).
    marks: std::collections::VecDeque<(u64, bool)>,
    lines_before: u64,
}

impl<R: Read> Lines<R> {
    pub(crate) fn new(inner: R, lines_before: u64) -> Self {
        Lines {
            inner,
            offset: 0,
            marks: std::collections::VecDeque::new(),
            lines_before,
        }
    }

    /// The 1-based line of a record the CSV reader places at byte `pos` (which may point at
    /// the line ends before it). Records must be asked for in order.
    pub(crate) fn line_at(&mut self, pos: u64) -> u64 {
        while let Some(&(o, nl)) = self.marks.front() {
            if o >= pos {
                break;
            }
            self.marks.pop_front();
            self.lines_before += u64::from(nl);
        }
        let mut expect = pos;
        while let Some(&(o, nl)) = self.marks.front() {
            if o != expect {
                break;
            }
            self.marks.pop_front();
            self.lines_before += u64::from(nl);
            expect += 1;
        }
        self.lines_before + 1
    }
}

impl<R> Lines<R> {
    /// Notes the line ends of `buf`, eight bytes at a time (most words hold none).
    fn scan(&mut self, buf: &[u8]) {
        const LO: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI != 0;
        let mut chunks = buf.chunks_exact(8);
        let mut at = 0usize;
        for c in chunks.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            let w = u64::from_le_bytes(w);
            if has_zero(w ^ (LO * u64::from(b'\n'))) || has_zero(w ^ (LO * u64::from(b'\r'))) {
                self.mark(c, at);
            }
            at += 8;
        }
        let rest = chunks.remainder();
        self.mark(rest, at);
    }

    fn mark(&mut self, bytes: &[u8], at: usize) {
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' || *b == b'\r' {
                self.marks
                    .push_back((self.offset + (at + i) as u64, *b == b'\n'));
            }
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n]);
        self.offset += n as u64;
        Ok(n)
    }
}

/// Guesses the format of what is buffered.
pub(crate) fn sniff_reader<R: Read>(src: &mut BufReader<R>) -> Option<Format> {
    src.fill_buf().ok().and_then(sniff)
}

/// Normalises a column or JSON key name for matching: lower case, without spaces, `_`, `-`.
pub(crate) fn norm(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A header row: the names as found (trimmed) and normalised.
pub(crate) struct Header {
    pub found: Vec<String>,
    norm: Vec<String>,
}

impl Header {
    pub(crate) fn from_record(r: &csv::ByteRecord) -> Header {
        let found: Vec<String> = r
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        let norm = found.iter().map(|f| norm(f)).collect();
        Header { found, norm }
    }

    /// The index of the first column whose normalised name is one of `aliases` (given
    /// normalised), preferring earlier aliases.
    pub(crate) fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|a| self.norm.iter().position(|n| n == a))
    }

    pub(crate) fn has(&self, aliases: &[&str]) -> bool {
        self.find(aliases).is_some()
    }

    /// The index of a required column, or the error naming it.
    pub(crate) fn require(
        &self,
        format: Format,
        column: &'static str,
        aliases: &[&str],
    ) -> Result<usize, FormatError> {
        self.find(aliases)
            .ok_or_else(|| FormatError::MissingColumn {
                format: format.name(),
                column,
                found: self.found.clone(),
                looks_like: classify(self, None)
                    .filter(|f| !same_family(*f, format))
                    .map(|f| f.name()),
            })
    }
}

fn same_family(a: Format, b: Format) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// An opened CSV source: the format with its list resolved, the reader past the header, the
/// row parser, and a first data row when the file has no header.
pub(crate) type Opened<R> = (
    Format,
    csv::Reader<Lines<BufReader<R>>>,
    Box<dyn RowParser + Send>,
    Option<csv::ByteRecord>,
);

/// Opens a CSV source of `format`: reads the header and builds the row parser. Returns the
/// format with its list resolved.
pub(crate) fn open<R: Read>(
    format: Format,
    src: BufReader<R>,
    lines_before: u64,
) -> Result<Opened<R>, FormatError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(Lines::new(src, lines_before));
    let mut first = csv::ByteRecord::new();
    let got = rdr
        .read_byte_record(&mut first)
        .map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => FormatError::Io(e),
            other => FormatError::NotThisFormat {
                format: format.name(),
                message: format!("the header cannot be read as CSV ({other:?})"),
                looks_like: None,
            },
        })?;
    if !got {
        return Err(FormatError::Empty {
            format: format.name(),
        });
    }
    let header = Header::from_record(&first);
    let unknown = |family: &'static str, choices: Vec<&'static str>| FormatError::UnknownList {
        family,
        found: header.found.clone(),
        choices,
    };
    let (format, parser): (Format, Box<dyn RowParser + Send>) = match format {
        Format::VetoCsv => (format, veto::csv_parser(&header)?),
        Format::Ses => {
            // The bulk import/export CSV has no header: "recipient@example.com,BOUNCE".
            if ses::is_headerless(&first) {
                return Ok((format, rdr, ses::headerless_parser(), Some(first)));
            }
            (format, ses::csv_parser(&header)?)
        }
        Format::Sendgrid(list) => {
            let list = match list {
                Some(l) => l,
                None => sendgrid::classify(&header).ok_or_else(|| {
                    unknown(
                        "SendGrid",
                        vec![
                            "sendgrid-bounces",
                            "sendgrid-spam-reports",
                            "sendgrid-global-unsubscribes",
                            "sendgrid-group-unsubscribes",
                        ],
                    )
                })?,
            };
            (
                Format::Sendgrid(Some(list)),
                sendgrid::csv_parser(list, &header)?,
            )
        }
        Format::Mailgun(list) => {
            let list = match list {
                Some(l) => l,
                None => mailgun::classify(&header).ok_or_else(|| {
                    unknown(
                        "Mailgun",
                        vec![
                            "mailgun-bounces",
                            "mailgun-complaints",
                            "mailgun-unsubscribes",
                        ],
                    )
                })?,
            };
            (
                Format::Mailgun(Some(list)),
                mailgun::csv_parser(list, &header)?,
            )
        }
        Format::Postmark => (format, postmark::csv_parser(&header)?),
        Format::Mailchimp(list) => {
            let list = match list {
                Some(l) => l,
                None => mailchimp::classify(&header).ok_or_else(|| {
                    unknown(
                        "Mailchimp",
                        vec!["mailchimp-unsubscribed", "mailchimp-cleaned"],
                    )
                })?,
            };
            (
                Format::Mailchimp(Some(list)),
                mailchimp::csv_parser(list, &header)?,
            )
        }
        Format::Listmonk => (format, listmonk::csv_parser(&header)?),
        Format::VetoJsonl => {
            return Err(FormatError::NotThisFormat {
                format: format.name(),
                message: "this is CSV, the format is JSON lines".into(),
                looks_like: classify(&header, None).map(|f| f.name()),
            });
        }
    };
    Ok((format, rdr, parser, None))
}

/// A field of a row as trimmed UTF-8; missing columns are empty.
pub(crate) fn field<'r>(
    row: &'r csv::ByteRecord,
    idx: Option<usize>,
    line: u64,
    name: &str,
) -> Result<&'r str, RecordError> {
    let Some(raw) = idx.and_then(|i| row.get(i)) else {
        return Ok("");
    };
    match std::str::from_utf8(raw.trim_ascii()) {
        Ok(s) => Ok(s),
        Err(_) => Err(RecordError::new(
            line,
            Some(name),
            "not valid UTF-8 (save the file as UTF-8)",
        )),
    }
}

/// The fields of one row as text: the row is checked as UTF-8 once, then each field is a
/// slice of it (a field that splits a character is refused like invalid UTF-8).
pub(crate) struct Fields<'r> {
    row: &'r csv::ByteRecord,
    whole: Option<&'r str>,
}

impl<'r> Fields<'r> {
    pub(crate) fn new(row: &'r csv::ByteRecord) -> Self {
        Fields {
            row,
            whole: std::str::from_utf8(row.as_slice()).ok(),
        }
    }

    /// A field, trimmed of ASCII white space; missing columns are empty.
    pub(crate) fn get(
        &self,
        idx: Option<usize>,
        line: u64,
        name: &str,
    ) -> Result<&'r str, RecordError> {
        let Some(i) = idx else { return Ok("") };
        match (self.whole, self.row.range(i)) {
            (_, None) => Ok(""),
            (Some(w), Some(r)) => match w.get(r) {
                Some(s) => Ok(s.trim_ascii()),
                None => field(self.row, idx, line, name),
            },
            (None, Some(_)) => field(self.row, idx, line, name),
        }
    }
}

/// Checks an identifier field: present, one line, no control characters, a sane length.
pub(crate) fn identifier(line: u64, name: &str, s: &str) -> Result<String, RecordError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(RecordError::new(line, Some(name), "no e-mail address"));
    }
    if s.contains(['\n', '\r']) {
        return Err(RecordError::new(
            line,
            Some(name),
            "contains a line break (is a quote left open?)",
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(RecordError::new(
            line,
            Some(name),
            "contains control characters",
        ));
    }
    if s.len() > 1000 {
        return Err(RecordError::new(
            line,
            Some(name),
            format!("is {} bytes long, not an address", s.len()),
        ));
    }
    Ok(s.to_string())
}

/// An optional date field.
pub(crate) fn time(line: u64, name: &str, s: &str) -> Result<Option<Timestamp>, RecordError> {
    if s.is_empty() {
        return Ok(None);
    }
    timestamp::parse(s)
        .map(Some)
        .map_err(|m| RecordError::new(line, Some(name), m))
}

/// Appends ` key=value` to evidence when the value is not empty.
pub(crate) fn kv(out: &mut String, key: &str, value: &str) {
    if !value.is_empty() {
        out.push(' ');
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
}

pub(crate) fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(e) => format!("reading failed: {e}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("not valid UTF-8: {err}"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        other => format!("not CSV: {other:?}"),
    }
}

/// Best-effort guess of the format from the first bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Option<Format> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let bytes = &bytes[start..];
    if matches!(bytes.first(), Some(b'{' | b'[')) {
        return sniff_json(bytes);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut first = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut first).ok()? {
        return None;
    }
    let header = Header::from_record(&first);
    classify(&header, Some(&first))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn sniff_json(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if contains(head, b"\"SuppressedDestinationSummaries\"") {
        return Some(Format::Ses);
    }
    if contains(head, b"\"Suppressions\"") || contains(head, b"\"SuppressionReason\"") {
        return Some(Format::Postmark);
    }
    if contains(head, b"\"ident_hash\"") && contains(head, b"\"reason\"") {
        return Some(Format::VetoJsonl);
    }
    if contains(head, b"\"emailAddress\"") || contains(head, b"\"EmailAddress\"") {
        return Some(Format::Ses);
    }
    if contains(head, b"\"address\"") {
        let list = if contains(head, b"\"code\"") || contains(head, b"\"error\"") {
            Some(MailgunList::Bounces)
        } else if contains(head, b"\"tags\"") {
            Some(MailgunList::Unsubscribes)
        } else {
            None
        };
        return Some(Format::Mailgun(list));
    }
    None
}

/// Which format a header belongs to. `first` is the header row itself, for the header-less
/// SES bulk CSV.
pub(crate) fn classify(h: &Header, first: Option<&csv::ByteRecord>) -> Option<Format> {
    if h.has(&["identhash"]) && h.has(&["reason"]) || h.has(&["identifier"]) && h.has(&["reason"]) {
        return Some(Format::VetoCsv);
    }
    if h.has(&["uuid"]) && h.has(&["email"]) && h.has(&["status"]) {
        return Some(Format::Listmonk);
    }
    if h.has(&["emailaddress"]) {
        if let Some(l) = mailchimp::classify(h) {
            return Some(Format::Mailchimp(Some(l)));
        }
        if h.has(&["suppressionreason"]) {
            return Some(Format::Postmark);
        }
        if h.has(&["reason"]) {
            return Some(Format::Ses);
        }
        if h.has(&["memberrating", "optintime", "leid", "euid"]) {
            return Some(Format::Mailchimp(None));
        }
    }
    if h.has(&["address"]) {
        return Some(Format::Mailgun(mailgun::classify(h)));
    }
    if h.has(&["email"]) && h.has(&["created", "createdat"]) {
        return sendgrid::classify(h).map(|l| Format::Sendgrid(Some(l)));
    }
    if let Some(r) = first
        && ses::is_headerless(r)
    {
        return Some(Format::Ses);
    }
    None
}
