//! Errors that stop a lead file from being read.

use std::fmt;
use std::io;

use crate::field::{ALIASES, Field};
use crate::options::ColumnRef;

/// Why a lead file cannot be read at all. Returned by
/// [`LeadReader::open`](crate::LeadReader::open); nothing of the file is processed. The
/// message names the problem; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum FatalError {
    /// Reading the input failed.
    #[error("the file could not be read: {0}")]
    Io(#[from] io::Error),
    /// No header row: the file is empty or holds only blank lines.
    #[error("the file is empty: there is no header row")]
    Empty,
    /// The header row has no column that can be read as the e-mail address.
    #[error("{}", NoEmailColumn(.headers))]
    NoEmailColumn {
        /// The headers of the first row (trimmed).
        headers: Vec<String>,
    },
    /// The input is not valid in the forced encoding.
    #[error(
        "the file is not valid {encoding}: line {line} (byte {offset}) has bytes that are not {encoding} text; choose the file's real encoding"
    )]
    Undecodable {
        encoding: &'static str,
        /// Byte offset of the first undecodable byte.
        offset: u64,
        /// 1-based line of the first undecodable byte.
        line: u64,
    },
    /// A mapping names a column that is not in the header row.
    #[error("the mapping {field}={column} names a column that is not in the header row; the columns are: {}", quoted(.headers))]
    UnknownColumn {
        field: Field,
        column: ColumnRef,
        headers: Vec<String>,
    },
    /// Two mappings give the same column to different fields.
    #[error("{column} is mapped to both {first} and {second}")]
    ColumnMappedTwice {
        column: String,
        first: Field,
        second: Field,
    },
    /// Two mappings give different columns to a field that reads one column.
    #[error("{field} is mapped to two columns ({first} and {second}); it reads only one")]
    FieldMappedTwice {
        field: Field,
        first: String,
        second: String,
    },
    /// The default phone region is not a known region code.
    #[error("unknown phone region '{0}': use a two-letter country code like US or DE")]
    UnknownRegion(String),
    /// The header row is unreasonably long (over 1 MiB or 16,384 columns).
    #[error("the header row is too long (over 1 MiB or 16,384 columns); is this a CSV file?")]
    HeaderTooLong,
}

struct NoEmailColumn<'a>(&'a [String]);

impl fmt::Display for NoEmailColumn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no e-mail column found: the header row has the columns {}. An e-mail column is named like one of: ",
            quoted(self.0)
        )?;
        let names = ALIASES
            .iter()
            .filter(|(fl, _)| *fl == Field::Email)
            .flat_map(|(_, n)| n.iter());
        for (i, n) in names.enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{n}\"")?;
        }
        f.write_str(" (case, spaces and punctuation do not matter); or map one with email=COLUMN")
    }
}

fn quoted(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".to_string();
    }
    let mut s = String::new();
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        if i == 50 {
            s.push_str(&format!("and {} more", headers.len() - 50));
            break;
        }
        s.push('"');
        s.push_str(h);
        s.push('"');
    }
    s
}

/// Reading failed in the middle of the file (an I/O error). The rows yielded before it are
/// valid; nothing after it is read.
#[derive(Debug, thiserror::Error)]
#[error("the file could not be read after line {line}: {source}")]
pub struct ReadError {
    /// The last line read completely.
    pub line: u64,
    #[source]
    pub source: io::Error,
}
