//! How a lead file is read: [`ReadOptions`] and explicit column mappings.

use std::fmt;
use std::str::FromStr;

use encoding_rs::Encoding;

use crate::field::Field;

/// Options for [`LeadReader::open`](crate::LeadReader::open). `ReadOptions::default()` detects
/// everything.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Read the file in this encoding instead of detecting it (see [`parse_encoding`]). A byte
    /// order mark still wins: a file that starts with one is in the encoding it names. Input
    /// that is not valid in the forced encoding is a fatal error.
    pub encoding: Option<&'static Encoding>,
    /// Use this delimiter instead of detecting it (see [`parse_delimiter`]).
    pub delimiter: Option<u8>,
    /// Explicit column mappings; they take precedence over the header names.
    pub mapping: Vec<MappingOverride>,
    /// Keep columns that feed no lead field as custom fields (default `true`).
    pub keep_custom: bool,
    /// Values of a do-not-contact column that mark the lead, replacing
    /// [`DEFAULT_DNC_TRUE`](crate::dnc::DEFAULT_DNC_TRUE). Compared case-insensitively, ignoring
    /// spaces, `-`, `_` and `.`.
    pub dnc_true_values: Option<Vec<String>>,
    /// Values of a do-not-contact column that leave the lead unmarked, replacing
    /// [`DEFAULT_DNC_FALSE`](crate::dnc::DEFAULT_DNC_FALSE). An empty cell is always "not marked".
    pub dnc_false_values: Option<Vec<String>>,
    /// The region (ISO 3166 alpha-2, like `DE`) national phone numbers are read in. Without it
    /// only numbers written with their country code (`+49 30 123456`) are valid.
    pub default_phone_region: Option<String>,
    /// The longest value accepted in a column that is read, in bytes (default 4096). A longer
    /// value makes the row invalid.
    pub max_field_len: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            encoding: None,
            delimiter: None,
            mapping: Vec::new(),
            keep_custom: true,
            dnc_true_values: None,
            dnc_false_values: None,
            default_phone_region: None,
            max_field_len: 4096,
        }
    }
}

impl ReadOptions {
    /// Applies one `--map` style setting: `FIELD=COLUMN` (see [`MappingOverride`]) or
    /// `custom=false` / `custom=true` to drop or keep the columns that feed no field.
    pub fn apply_mapping_arg(&mut self, arg: &str) -> Result<(), MappingParseError> {
        if let Some((f, v)) = arg.split_once('=')
            && Field::parse(f) == Some(Field::Custom)
        {
            match v.trim().to_ascii_lowercase().as_str() {
                "false" | "no" | "off" | "none" => {
                    self.keep_custom = false;
                    return Ok(());
                }
                "true" | "yes" | "on" | "all" => {
                    self.keep_custom = true;
                    return Ok(());
                }
                _ => {}
            }
        }
        self.mapping.push(arg.parse()?);
        Ok(())
    }
}

/// A column named by its header text or by its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// The header text. Matched exactly (ignoring surrounding spaces and case) first, then
    /// ignoring punctuation; a header that matches nothing but is a number is read as a
    /// position.
    Header(String),
    /// The 1-based column number (`#3` in the text form).
    Number(usize),
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Header(h) => write!(f, "'{h}'"),
            ColumnRef::Number(n) => write!(f, "column #{n}"),
        }
    }
}

/// "This column feeds that field", given by the caller. Text form: `FIELD=COLUMN`, like
/// `email=Work Mail`, `dnc=Opt-Out`, `phone=#7`, `ignore=Notes`. Field names are those of
/// [`Field::as_str`] (`email`, `additional_email`, `phone`, `name`, `first_name`, `last_name`,
/// `company_id`, `company_name`, `owner`, `source_id`, `dnc`, `custom`, `ignore`) and a few
/// synonyms (`email2`, `company`, `id`, `skip`).
///
/// An override for a single-column field (e-mail, name, ids, ...) makes that column the one
/// read; a column whose header would also have matched becomes a custom field (for e-mail: an
/// additional address). Mapping a column to `custom` or `ignore` stops it from being matched by
/// its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingOverride {
    pub field: Field,
    pub column: ColumnRef,
}

/// A mapping text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingParseError {
    #[error("'{0}' is not a mapping: write FIELD=COLUMN, like email=Work Mail")]
    Syntax(String),
    #[error(
        "'{0}' is not a lead field: use one of email, additional_email, phone, name, first_name, last_name, company_id, company_name, owner, source_id, dnc, custom, ignore"
    )]
    UnknownField(String),
    #[error("'{0}' is not a column number: columns are numbered from 1")]
    BadNumber(String),
}

impl FromStr for MappingOverride {
    type Err = MappingParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (f, c) = s
            .split_once('=')
            .ok_or_else(|| MappingParseError::Syntax(s.to_string()))?;
        let (f, c) = (f.trim(), c.trim());
        if f.is_empty() || c.is_empty() {
            return Err(MappingParseError::Syntax(s.to_string()));
        }
        let field =
            Field::parse(f).ok_or_else(|| MappingParseError::UnknownField(f.to_string()))?;
        let column = match c.strip_prefix('#') {
            Some(n) => match n.trim().parse::<usize>() {
                Ok(n) if n >= 1 => ColumnRef::Number(n),
                _ => return Err(MappingParseError::BadNumber(c.to_string())),
            },
            None => ColumnRef::Header(c.to_string()),
        };
        Ok(Self { field, column })
    }
}

/// Reads an encoding name as given on the command line or in an API parameter: `utf-8`,
/// `windows-1252`, `latin-1` / `iso-8859-1` (both read as Windows-1252, which is what such files
/// are in practice), `utf-16le`, `utf-16be` and every other WHATWG label.
pub fn parse_encoding(label: &str) -> Option<&'static Encoding> {
    let l = label.trim();
    let l = match l.to_ascii_lowercase().as_str() {
        "latin-1" | "latin_1" => "latin1",
        "utf8" => "utf-8",
        "utf16le" | "utf-16-le" => "utf-16le",
        "utf16be" | "utf-16-be" => "utf-16be",
        "cp1252" | "windows1252" => "windows-1252",
        _ => l,
    };
    Encoding::for_label(l.as_bytes())
}

/// Reads a delimiter as given on the command line: `,` `;` `|`, a tab or `tab` / `\t`,
/// `comma`, `semicolon`, `pipe`. Any other single ASCII character except quotes and line
/// breaks is accepted as is.
pub fn parse_delimiter(s: &str) -> Option<u8> {
    let d = match s.to_ascii_lowercase().as_str() {
        "tab" | "\\t" | "\t" | "tsv" => b'\t',
        "comma" | "," => b',',
        "semicolon" | ";" => b';',
        "pipe" | "|" => b'|',
        t if t.len() == 1 => t.as_bytes()[0],
        _ => return None,
    };
    (d.is_ascii() && !matches!(d, b'"' | b'\r' | b'\n')).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse() {
        let m: MappingOverride = "email=Work Mail".parse().unwrap();
        assert_eq!(m.field, Field::Email);
        assert_eq!(m.column, ColumnRef::Header("Work Mail".into()));
        let m: MappingOverride = "Phone = #7".parse().unwrap();
        assert_eq!(m.column, ColumnRef::Number(7));
        assert!(matches!(
            "x".parse::<MappingOverride>(),
            Err(MappingParseError::Syntax(_))
        ));
        assert!(matches!(
            "colour=Red".parse::<MappingOverride>(),
            Err(MappingParseError::UnknownField(_))
        ));
        assert!(matches!(
            "email=#0".parse::<MappingOverride>(),
            Err(MappingParseError::BadNumber(_))
        ));
        let mut o = ReadOptions::default();
        o.apply_mapping_arg("custom=false").unwrap();
        assert!(!o.keep_custom);
        o.apply_mapping_arg("dnc=Opt-Out").unwrap();
        assert_eq!(o.mapping.len(), 1);
    }

    #[test]
    fn encodings_and_delimiters() {
        assert_eq!(parse_encoding("UTF-8"), Some(encoding_rs::UTF_8));
        assert_eq!(parse_encoding("latin-1"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(
            parse_encoding("iso-8859-1"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(parse_encoding("utf-16le"), Some(encoding_rs::UTF_16LE));
        assert_eq!(parse_encoding("utf-16be"), Some(encoding_rs::UTF_16BE));
        assert_eq!(parse_encoding("klingon"), None);
        assert_eq!(parse_delimiter("tab"), Some(b'\t'));
        assert_eq!(parse_delimiter(";"), Some(b';'));
        assert_eq!(parse_delimiter("\""), None);
        assert_eq!(parse_delimiter("ab"), None);
    }
}
