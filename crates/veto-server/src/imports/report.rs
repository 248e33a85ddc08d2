//! The per-row report of an import: written in chunks with the import, read back as CSV,
//! JSON or NDJSON. A chunk is NDJSON (one [`ReportRow`] per line), LZ4-compressed with its size
//! prepended: reports of million-row files stay small and cheap to write.

use veto_domain::import::{REPORT_CSV_HEADER, ReportRow};

/// Rows per stored chunk.
pub const ROWS_PER_CHUNK: usize = 20_000;

/// Encodes rows as one stored chunk.
pub fn encode_chunk(rows: &[ReportRow]) -> Result<Vec<u8>, serde_json::Error> {
    let mut ndjson = Vec::with_capacity(rows.len() * 96);
    for r in rows {
        serde_json::to_writer(&mut ndjson, r)?;
        ndjson.push(b'\n');
    }
    Ok(lz4_flex::compress_prepend_size(&ndjson))
}

/// Decodes a stored chunk.
pub fn decode_chunk(data: &[u8]) -> Result<Vec<ReportRow>, String> {
    let ndjson = lz4_flex::decompress_size_prepended(data)
        .map_err(|e| format!("report chunk is damaged: {e}"))?;
    ndjson
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).map_err(|e| format!("report chunk is damaged: {e}")))
        .collect()
}

/// How a report is downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    /// One JSON array.
    Json,
    Ndjson,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Ndjson => "application/x-ndjson",
        }
    }
}

/// Renders rows of one chunk; `first` says whether it is the first chunk (CSV header, JSON
/// opening bracket).
pub fn render(rows: &[ReportRow], format: ReportFormat, first: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(rows.len() * 100);
    match format {
        ReportFormat::Csv => {
            let mut w = csv::WriterBuilder::new().from_writer(&mut out);
            if first {
                w.write_record(REPORT_CSV_HEADER)
                    .map_err(|e| e.to_string())?;
            }
            for r in rows {
                w.write_record(r.csv_fields()).map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())?;
        }
        ReportFormat::Json | ReportFormat::Ndjson => {
            let json = format == ReportFormat::Json;
            if json && first {
                out.push(b'[');
            }
            for (i, r) in rows.iter().enumerate() {
                if json && !(first && i == 0) {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, r).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
        }
    }
    Ok(out)
}

/// The end of a rendered report (closing bracket for JSON; a header for an empty CSV).
pub fn render_end(format: ReportFormat, empty: bool) -> Vec<u8> {
    match format {
        ReportFormat::Json if empty => b"[]\n".to_vec(),
        ReportFormat::Json => b"]\n".to_vec(),
        ReportFormat::Csv if empty => {
            let mut s = REPORT_CSV_HEADER.join(",");
            s.push('\n');
            s.into_bytes()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veto_domain::import::RowOutcome;

    #[test]
    fn chunks_round_trip_and_render() {
        let rows = vec![
            ReportRow {
                line: 2,
                outcome: RowOutcome::Invalid,
                email: Some("x@".into()),
                contact_id: None,
                entry_id: None,
                reason: None,
                since: None,
                message: Some("no domain, \"quoted\"".into()),
                field: Some("email".into()),
                flags: vec![],
                unchanged: false,
            },
            ReportRow {
                line: 3,
                outcome: RowOutcome::Created,
                email: Some("a@b.io".into()),
                contact_id: Some(Default::default()),
                entry_id: None,
                reason: None,
                since: None,
                message: None,
                field: None,
                flags: vec!["role_account".into()],
                unchanged: false,
            },
        ];
        let chunk = encode_chunk(&rows).unwrap();
        assert_eq!(decode_chunk(&chunk).unwrap(), rows);
        assert!(decode_chunk(b"garbage").is_err());
        let csv = String::from_utf8(render(&rows, ReportFormat::Csv, true).unwrap()).unwrap();
        assert!(csv.starts_with("line,outcome,email"));
        assert!(csv.contains("\"no domain, \"\"quoted\"\"\""));
        let mut json = render(&rows, ReportFormat::Json, true).unwrap();
        json.extend(render(&rows, ReportFormat::Json, false).unwrap());
        json.extend(render_end(ReportFormat::Json, false));
        let v: Vec<ReportRow> = serde_json::from_slice(&json).unwrap();
        assert_eq!(v.len(), 4);
        let empty: Vec<ReportRow> =
            serde_json::from_slice(&render_end(ReportFormat::Json, true)).unwrap();
        assert!(empty.is_empty());
    }
}
