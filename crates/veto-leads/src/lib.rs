//! Reading lead files: the CSV exports of CRMs, enrichment tools and old spreadsheets that
//! `veto import leads` and `POST /v1/imports/leads` take, turned into normalised lead rows for
//! the import gate.
//!
//! ```no_run
//! use veto_leads::{LeadReader, ReadOptions, RowResult};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let file = std::fs::File::open("leads.csv")?;
//! let reader = LeadReader::open(file, ReadOptions::default())?;
//! println!(
//!     "{} file, delimiter {:?}, e-mail from column {:?}",
//!     reader.info().encoding_name(),
//!     reader.info().delimiter as char,
//!     reader.info().column_of(veto_leads::Field::Email),
//! );
//! for row in reader {
//!     match row? {
//!         RowResult::Lead(lead) => println!("line {}: {}", lead.line, lead.email),
//!         RowResult::Invalid(problem) => println!("{problem}"),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! What is read, and how:
//!
//! - **Input**: any `Read + Seek` (a spooled upload, a file). It is streamed: memory does not
//!   grow with the file.
//! - **Encoding** ([`EncodingSource`]): a byte order mark (UTF-8, UTF-16 LE/BE) decides; else
//!   [`ReadOptions::encoding`] (see [`parse_encoding`]); else UTF-8 when the whole file is valid
//!   UTF-8, and otherwise the legacy encoding its bytes look like (Windows-1252 for Western
//!   European text). UTF-8 is read as it is; other encodings are decoded on the fly.
//! - **Delimiter** ([`DelimiterSource`]): `,` `;` tab or `|`, detected from the first 20 rows
//!   (quotes respected), named by an Excel `sep=X` first line, or forced.
//! - **CSV**: quoted values with line breaks and doubled quotes, CRLF / LF / CR line breaks,
//!   blank lines and copies of the header row skipped, ragged rows.
//! - **Line numbers**: every row carries the 1-based line it starts on, counting line breaks
//!   inside quoted values, as an editor shows it.
//! - **Columns** ([`Field`], [`field::ALIASES`]): mapped from the header names (case, spaces
//!   and punctuation ignored), overridden by [`MappingOverride`]s; other columns become custom
//!   fields.
//! - **Rows**: see [`LeadReader`] for what makes a row invalid and what only warns.

pub mod dnc;
mod encoding;
mod error;
pub mod field;
mod input;
mod mapping;
mod options;
mod reader;
mod row;
mod sniff;

pub use encoding::EncodingSource;
pub use error::{FatalError, ReadError};
pub use field::Field;
pub use mapping::{ColumnInfo, MappedBy};
pub use options::{
    ColumnRef, MappingOverride, MappingParseError, ReadOptions, parse_delimiter, parse_encoding,
};
pub use reader::{DelimiterSource, FileInfo, LeadReader, MAX_FIELDS, MAX_RECORD_BYTES};
pub use row::{LeadRow, ReadStats, RowProblem, RowResult, RowWarning};
pub use sniff::DELIMITERS;

/// The encoding type of [`ReadOptions::encoding`] and [`FileInfo::encoding`].
pub use encoding_rs::Encoding;
