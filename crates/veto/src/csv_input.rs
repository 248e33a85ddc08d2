//! Reading identifiers out of a CSV file for a bulk check: choosing the column, and feeding
//! its values one per line into a request body from a blocking thread, so that a file of a
//! million rows is never held in memory.
//!
//! Data row n (header excluded) is always body line n: every record yields exactly one line,
//! even when it lacks the column or its value spans lines, so the server's line numbers are
//! the file's data row numbers. File line numbers are not reported: the csv crate's record
//! positions drift on CRLF files and skipped blank lines.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use veto_domain::identifier::IdentifierKind;

/// Headers taken for a kind when no `--column` is given.
fn default_headers(kind: Option<IdentifierKind>) -> &'static [&'static str] {
    match kind {
        None | Some(IdentifierKind::Email) => &["email", "e-mail", "email address", "mail"],
        Some(IdentifierKind::Phone) => &["phone", "phone number", "mobile", "telephone"],
        Some(IdentifierKind::Domain) => &["domain", "website"],
        Some(IdentifierKind::CompanyId) => &["company_id", "company id", "account id"],
        Some(IdentifierKind::ContactId) => &["contact_id", "contact id"],
    }
}

/// How header text is compared: a BOM, surrounding blanks and case do not matter.
fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The column to read: the one named `wanted` (case-insensitive), else the first whose
/// header is a usual name for `kind` (e-mail when no kind is given), else the first.
pub fn select_column(
    headers: &[String],
    wanted: Option<&str>,
    kind: Option<IdentifierKind>,
) -> Result<usize, String> {
    if let Some(w) = wanted {
        let key = header_key(w);
        return headers
            .iter()
            .position(|h| header_key(h) == key)
            .ok_or_else(|| {
                let have: Vec<_> = headers
                    .iter()
                    .map(|h| format!("'{}'", header_key_shown(h)))
                    .collect();
                format!(
                    "no column named '{w}' (the columns are {})",
                    have.join(", ")
                )
            });
    }
    if headers.is_empty() {
        return Err("the header row is empty".into());
    }
    let names = default_headers(kind);
    Ok(headers
        .iter()
        .position(|h| names.contains(&header_key(h).as_str()))
        .unwrap_or(0))
}

fn header_key_shown(h: &str) -> &str {
    h.trim_start_matches('\u{feff}').trim()
}

/// The kind a column's header suggests, for files checked without `--kind`.
pub fn kind_of_header(header: &str) -> Option<IdentifierKind> {
    let key = header_key(header);
    IdentifierKind::ALL
        .into_iter()
        .find(|k| default_headers(Some(*k)).contains(&key.as_str()))
}

/// Appends a value as one body line. Line breaks inside a quoted field would split it in
/// two and shift every later line number, so they are dropped; invalid UTF-8 becomes U+FFFD
/// and comes back as an invalid item instead of failing the whole file.
pub fn push_value(buf: &mut Vec<u8>, value: &[u8]) {
    let text = String::from_utf8_lossy(value);
    buf.extend(text.bytes().filter(|b| *b != b'\r' && *b != b'\n'));
    buf.push(b'\n');
}

/// An open CSV file with its column chosen.
pub struct CsvSource {
    path: PathBuf,
    reader: csv::Reader<File>,
    column: usize,
    header: String,
}

impl std::fmt::Debug for CsvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSource")
            .field("path", &self.path)
            .field("column", &self.column)
            .finish_non_exhaustive()
    }
}

impl CsvSource {
    /// Opens `path`, reads its header row and picks the column (errors name the file).
    pub fn open(
        path: &Path,
        column: Option<&str>,
        kind: Option<IdentifierKind>,
    ) -> anyhow::Result<Self> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(file);
        let headers: Vec<String> = reader
            .byte_headers()
            .with_context(|| format!("cannot read the header row of {}", path.display()))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        if headers.is_empty() || (headers.len() == 1 && header_key(&headers[0]).is_empty()) {
            anyhow::bail!("{} has no header row (it is empty)", path.display());
        }
        let column = select_column(&headers, column, kind)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let header = header_key_shown(&headers[column]).to_string();
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            column,
            header,
        })
    }

    /// The header of the chosen column.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Reads every record and hands its value to `sink` in chunks of about `chunk_bytes`.
    /// Stops early, without error, when `sink` returns `false` (the receiver is gone).
    /// `on_rows` hears how many rows each chunk held. Returns the number of rows read.
    pub fn feed(
        mut self,
        chunk_bytes: usize,
        mut sink: impl FnMut(Vec<u8>) -> bool,
        mut on_rows: impl FnMut(u64),
    ) -> anyhow::Result<u64> {
        let mut rec = csv::ByteRecord::new();
        let mut buf = Vec::with_capacity(chunk_bytes + 256);
        let mut rows = 0u64;
        let mut in_chunk = 0u64;
        loop {
            let more = self.reader.read_byte_record(&mut rec).with_context(|| {
                format!("{}: cannot read data row {}", self.path.display(), rows + 1)
            })?;
            if !more {
                break;
            }
            rows += 1;
            push_value(&mut buf, rec.get(self.column).unwrap_or(b""));
            in_chunk += 1;
            if buf.len() >= chunk_bytes {
                let chunk = std::mem::replace(&mut buf, Vec::with_capacity(chunk_bytes + 256));
                if !sink(chunk) {
                    return Ok(rows);
                }
                on_rows(in_chunk);
                in_chunk = 0;
            }
        }
        if !buf.is_empty() && sink(buf) {
            on_rows(in_chunk);
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_column_is_the_first_email_like_header() {
        assert_eq!(
            select_column(&h(&["Name", "E-Mail", "email"]), None, None),
            Ok(1)
        );
        assert_eq!(
            select_column(&h(&["id", " Email Address "]), None, None),
            Ok(1)
        );
        assert_eq!(select_column(&h(&["Mail", "Email"]), None, None), Ok(0));
        assert_eq!(select_column(&h(&["first", "second"]), None, None), Ok(0));
        assert_eq!(
            select_column(&h(&["x", "\u{feff}Email"]), None, None),
            Ok(1)
        );
        let phone = Some(IdentifierKind::Phone);
        assert_eq!(select_column(&h(&["email", "Mobile"]), None, phone), Ok(1));
    }

    #[test]
    fn named_column_is_case_insensitive_and_missing_is_named() {
        assert_eq!(
            select_column(&h(&["a", "Work Email"]), Some("work email"), None),
            Ok(1)
        );
        let e = select_column(&h(&["a", "b"]), Some("email"), None).unwrap_err();
        assert!(e.contains("'email'") && e.contains("'a', 'b'"), "{e}");
    }

    #[test]
    fn header_kinds() {
        assert_eq!(kind_of_header("E-mail"), Some(IdentifierKind::Email));
        assert_eq!(kind_of_header("Phone Number"), Some(IdentifierKind::Phone));
        assert_eq!(kind_of_header("whatever"), None);
    }

    #[test]
    fn values_lose_line_breaks() {
        let mut b = Vec::new();
        push_value(&mut b, b"jane@x.com\r");
        push_value(&mut b, b"a\nb@c.d");
        push_value(&mut b, b"");
        push_value(&mut b, b"\xffbad");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "jane@x.com\nab@c.d\n\n\u{fffd}bad\n"
        );
    }

    fn read_all(content: &[u8], column: Option<&str>) -> anyhow::Result<(String, String, u64)> {
        let mut f = tempfile::NamedTempFile::new()?;
        f.write_all(content)?;
        let src = CsvSource::open(f.path(), column, None)?;
        let header = src.header().to_string();
        let mut body = Vec::new();
        let mut counted = 0;
        // A tiny chunk size exercises the chunking.
        let rows = src.feed(
            4,
            |c| {
                body.extend(c);
                true
            },
            |n| counted += n,
        )?;
        assert_eq!(counted, rows);
        Ok((header, String::from_utf8(body)?, rows))
    }

    #[test]
    fn bom_crlf_quoted_newlines_and_short_rows() {
        let csv = b"\xef\xbb\xbfEmail,Name\r\njane@x.com,Jane\r\n\"jo\r\nhn@y.com\",\"Doe,\r\nJohn\"\r\n\r\n,Nobody\r\nBob\r\nann@z.com\r\n";
        let (header, body, rows) = read_all(csv, None).unwrap();
        assert_eq!(header, "Email");
        // The BOM did not hide the e-mail header, the quoted newline is gone, the blank line
        // is no row, and the empty cell still gives its (blank) line so rows keep their numbers.
        assert_eq!(body, "jane@x.com\njohn@y.com\n\nBob\nann@z.com\n");
        assert_eq!(rows, 5);
        let (_, body, _) = read_all(b"Name,Email\nBob\nAnn,ann@z.com\n", None).unwrap();
        assert_eq!(
            body, "\nann@z.com\n",
            "a row without the column gives a blank line"
        );
    }

    #[test]
    fn named_column_and_errors_name_the_file() {
        let (_, body, _) = read_all(b"id,Work Email\n1,a@b.c\n", Some("WORK EMAIL")).unwrap();
        assert_eq!(body, "a@b.c\n");
        let e = format!("{:#}", read_all(b"id,x\n1,2\n", Some("email")).unwrap_err());
        assert!(
            e.contains("/") && e.contains("no column named 'email'"),
            "{e}"
        );
        let e = format!("{:#}", read_all(b"", None).unwrap_err());
        assert!(e.contains("no header row"), "{e}");
        let e = CsvSource::open(Path::new("/nonexistent/x.csv"), None, None).unwrap_err();
        assert!(format!("{e:#}").contains("/nonexistent/x.csv"), "{e:#}");
    }
}
