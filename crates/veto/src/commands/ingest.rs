//! `veto ingest PATH`: inbound mail to `POST /v1/inbound/mime`, one message at a time. PATH
//! is an .eml file, a directory of message files (recursively), a Maildir (`cur/`, `new/`) or
//! an mbox file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Global;
use crate::output::{Outcome, Table};

#[derive(Debug, Clone, clap::Args)]
pub struct IngestArgs {
    /// An .eml file, a directory or Maildir of messages, or an mbox file.
    pub path: PathBuf,
}

/// One message to send: where it came from and its bytes.
struct Message {
    label: String,
    raw: Vec<u8>,
}

pub async fn run(g: &Global, a: &IngestArgs) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let messages = collect(&a.path)?;
    let url = client.url(&["v1", "inbound", "mime"], &[]);
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_action: BTreeMap<String, u64> = BTreeMap::new();
    let mut errors = 0u64;
    for m in messages {
        match client
            .post_bytes(url.clone(), "message/rfc822", m.raw)
            .await
        {
            Ok(reply) => {
                let v = reply.body;
                let kind = v["kind"].as_str().unwrap_or("?").to_string();
                // A message processed before is reported once, not counted again.
                let duplicate = v["duplicate"].as_bool().unwrap_or(false);
                *by_kind.entry(kind.clone()).or_default() += 1;
                let actions = v["actions"].as_array().cloned().unwrap_or_default();
                if duplicate {
                    *by_action.entry("already processed".into()).or_default() += 1;
                } else {
                    for act in &actions {
                        let a = act["action"].as_str().unwrap_or("?").to_string();
                        *by_action.entry(a).or_default() += 1;
                    }
                }
                if g.json {
                    let mut line = serde_json::json!({ "file": m.label });
                    if let (Some(o), Value::Object(src)) = (line.as_object_mut(), v) {
                        o.extend(src);
                    }
                    crate::outln!("{}", serde_json::to_string(&line)?)?;
                } else {
                    let done: Vec<String> = actions
                        .iter()
                        .map(|a| {
                            format!(
                                "{} {} ({})",
                                a["action"].as_str().unwrap_or("?"),
                                a["address"].as_str().unwrap_or(""),
                                a["reason"].as_str().unwrap_or("")
                            )
                        })
                        .collect();
                    if duplicate {
                        crate::outln!(
                            "{}\t{}\talready processed (signal {}): {}",
                            m.label,
                            kind,
                            v["signal_id"].as_str().unwrap_or("?"),
                            done.join("; ")
                        )?;
                    } else {
                        crate::outln!("{}\t{}\t{}", m.label, kind, done.join("; "))?;
                    }
                }
            }
            Err(e) => {
                errors += 1;
                if g.json {
                    let line = serde_json::json!({ "file": m.label, "error": e.to_string() });
                    crate::outln!("{}", serde_json::to_string(&line)?)?;
                } else {
                    eprintln!("{}: {e}", m.label);
                }
            }
        }
    }
    if !g.json {
        let mut t = Table::new(["summary", "count"]);
        for (k, n) in &by_kind {
            t.row([format!("kind {k}"), n.to_string()]);
        }
        for (k, n) in &by_action {
            t.row([format!("action {k}"), n.to_string()]);
        }
        t.row(["errors".to_string(), errors.to_string()]);
        t.print()?;
    }
    Ok(if errors > 0 {
        Outcome::Invalid
    } else {
        Outcome::Clean
    })
}

/// Every message under `path`.
fn collect(path: &Path) -> anyhow::Result<Vec<Message>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files)?;
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let raw = std::fs::read(&f)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
            out.push(Message {
                label: f.display().to_string(),
                raw,
            });
        }
        return Ok(out);
    }
    let raw =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if raw.starts_with(b"From ") {
        return Ok(split_mbox(&raw)
            .into_iter()
            .enumerate()
            .map(|(i, raw)| Message {
                label: format!("{}#{}", path.display(), i + 1),
                raw,
            })
            .collect());
    }
    Ok(vec![Message {
        label: path.display().to_string(),
        raw,
    }])
}

/// The regular files under `dir`, recursively. A Maildir's `tmp/` (messages still being
/// delivered) and hidden files are skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let p = entry.path();
        let ft = entry.file_type()?;
        if ft.is_dir() {
            if name != "tmp" {
                walk(&p, out)?;
            }
        } else if ft.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// The messages of an mbox: split on lines starting with `From `, the separator line
/// dropped and `>From ` unescaped.
fn split_mbox(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"From ") {
            if let Some(m) = cur.take() {
                out.push(m);
            }
            cur = Some(Vec::new());
            continue;
        }
        let Some(m) = cur.as_mut() else { continue };
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            m.extend_from_slice(&line[1..]);
        } else {
            m.extend_from_slice(line);
        }
    }
    if let Some(m) = cur {
        out.push(m);
    }
    out.retain(|m| !m.iter().all(u8::is_ascii_whitespace));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_an_mbox() {
        let mbox = b"From a@x Mon Dec  7 10:00:00 2026\nSubject: one\n\n>From here\n>>From there\n\nFrom b@x Mon Dec  7 10:01:00 2026\nSubject: two\n\nbody\n";
        let m = split_mbox(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], b"Subject: one\n\nFrom here\n>From there\n\n".to_vec());
        assert_eq!(m[1], b"Subject: two\n\nbody\n".to_vec());
    }
}
