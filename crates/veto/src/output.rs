//! What the binary prints: aligned tables and sentences for people, JSON for scripts, and
//! the exit status that tells a script whether anything was blocked.

use std::io::Write;
use std::process::ExitCode;

use serde_json::Value;

/// How a command ended, as the process exit status scripts branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; every checked item allowed (exit 0).
    Clean,
    /// A checked item is blocked, or a verification found a problem (exit 1).
    Flagged,
    /// Some input could not be checked (exit 2, like an error: nothing can be concluded).
    Invalid,
}

impl Outcome {
    /// The outcome of a check run from its counts: a block outranks invalid input, because
    /// "do not contact" is the answer a script must never miss.
    pub fn of_counts(blocked: u64, invalid: u64) -> Self {
        if blocked > 0 {
            Self::Flagged
        } else if invalid > 0 {
            Self::Invalid
        } else {
            Self::Clean
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Flagged => 1,
            Self::Invalid => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(o.code())
    }
}

/// The exit status of any error.
pub const ERROR_EXIT: u8 = 2;

/// Writes one line to stdout, returning the error (a closed pipe) instead of panicking as
/// `println!` would.
pub fn write_line(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.write_all(b"\n")
}

/// `println!` that returns an `io::Result`.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($t:tt)*) => {
        $crate::output::write_line(format_args!($($t)*))
    };
}

/// Prints one JSON document to stdout.
pub fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A table of left-aligned columns separated by two spaces.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Self {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// A table without a header line.
    pub fn headless() -> Self {
        Self {
            headers: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table as text, one line per row, no trailing spaces.
    pub fn render(&self) -> String {
        let n = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; n];
        for r in self.rows.iter().chain([&self.headers]) {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let with_header = !self.headers.is_empty();
        for r in with_header
            .then_some(&self.headers)
            .into_iter()
            .chain(&self.rows)
        {
            out.push_str(&render_line(r, &widths));
            out.push('\n');
        }
        out
    }

    pub fn print(&self) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(self.render().as_bytes())?;
        out.flush()
    }
}

/// Cells padded to `widths`, the last one unpadded.
fn render_line(cells: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(c);
        if i + 1 < cells.len() {
            let w = widths.get(i).copied().unwrap_or(0);
            line.extend(std::iter::repeat_n(' ', w.saturating_sub(width(c))));
        }
    }
    line.truncate(line.trim_end().len());
    line
}

/// Display width, counting characters: good enough for addresses and ids.
fn width(s: &str) -> usize {
    s.chars().count()
}

/// A field of a JSON object as table text: `-` for missing or null, lists joined with ',',
/// one-field objects (an identifier like `{"email": "…"}`) as their value.
pub fn field(v: &Value, key: &str) -> String {
    v.get(key).map(text).unwrap_or_else(|| "-".into())
}

/// A JSON value as table text (see [`field`]).
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => clean(s),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) if a.is_empty() => "-".into(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Object(o) if o.len() == 1 => o.values().next().map(text).unwrap_or_default(),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}={}", text(v)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Control characters would break the alignment of a table (and let stored text move the
/// terminal's cursor), so they are shown as spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The first present, non-null field among `keys`, as text.
pub fn first_field(v: &Value, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|k| v.get(*k).filter(|x| !x.is_null()))
        .map(text)
        .next()
        .unwrap_or_else(|| "-".into())
}

/// A timestamp field shortened to the minute for tables (`2026-11-02 10:00`).
pub fn time_field(v: &Value, key: &str) -> String {
    let Some(s) = v.get(key).and_then(Value::as_str) else {
        return "-".into();
    };
    // `get` rather than indexing: text that is not a timestamp must not panic on a
    // multi-byte character.
    match (s.get(..10), s.get(10..11), s.get(11..16)) {
        (Some(day), Some("T"), Some(minute)) => format!("{day} {minute}"),
        _ => clean(s),
    }
}

/// Prints `label: value` lines with the values aligned.
pub fn print_pairs(pairs: &[(&str, String)]) -> std::io::Result<()> {
    let w = pairs.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    for (k, v) in pairs {
        write_line(format_args!("{k}:{}{v}", " ".repeat(w - width(k) + 1)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exit_codes() {
        assert_eq!(Outcome::of_counts(0, 0).code(), 0);
        assert_eq!(Outcome::of_counts(3, 0).code(), 1);
        assert_eq!(Outcome::of_counts(0, 2).code(), 2);
        // A block outranks invalid rows.
        assert_eq!(Outcome::of_counts(1, 5).code(), 1);
    }

    #[test]
    fn table_aligns_and_trims() {
        let mut t = Table::new(["ID", "EMAIL", "ROLE"]);
        t.row(["1", "a@longer.example", "admin"]);
        t.row(["22", "b@x.io", ""]);
        assert_eq!(
            t.render(),
            "ID  EMAIL             ROLE\n1   a@longer.example  admin\n22  b@x.io\n"
        );
    }

    #[test]
    fn headless_table() {
        let mut t = Table::headless();
        t.row(["BLOCK", "jane@x.com", "Suppressed."]);
        t.row(["INVALID", "x", "Not checked."]);
        assert_eq!(
            t.render(),
            "BLOCK    jane@x.com  Suppressed.\nINVALID  x           Not checked.\n"
        );
    }

    #[test]
    fn json_values_as_cells() {
        let v = json!({
            "identifier": {"email": "a@b.com"},
            "purposes": ["sales", "marketing"],
            "team": null,
            "disabled": false,
            "evidence": "line1\nline2",
            "at": "2026-11-02T10:00:59.123Z"
        });
        assert_eq!(field(&v, "identifier"), "a@b.com");
        assert_eq!(field(&v, "purposes"), "sales,marketing");
        assert_eq!(field(&v, "team"), "-");
        assert_eq!(field(&v, "missing"), "-");
        assert_eq!(field(&v, "disabled"), "no");
        assert_eq!(field(&v, "evidence"), "line1 line2");
        assert_eq!(time_field(&v, "at"), "2026-11-02 10:00");
        assert_eq!(
            time_field(&json!({"at": "2026-11-02T€€"}), "at"),
            "2026-11-02T€€"
        );
        assert_eq!(time_field(&json!({"at": "soon"}), "at"), "soon");
        assert_eq!(first_field(&v, &["team", "identifier"]), "a@b.com");
    }
}
