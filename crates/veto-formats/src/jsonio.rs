//! Shared JSON input for the vendor APIs' documents (SES, Mailgun, Postmark).
//!
//! Such a document is read whole into memory, then handed out item by item. Accepted shapes:
//! the API document (`{"SuppressedDestinationSummaries": [...]}`, `{"items": [...]}`,
//! `{"Suppressions": [...]}`), several of them one after the other (pages saved into one
//! file), a bare JSON array of items, or JSON lines with one item per line (SES bulk files,
//! `jq -c '.items[]'`).

use std::io::{BufReader, Read};

use serde_json::{Map, Value};

use crate::csvio::norm;
use crate::{Format, FormatError, ItemParser, mailgun, postmark, ses};

/// One item: where it starts and the object, or why it is not one.
pub(crate) struct Item {
    pub line: u64,
    pub value: Result<Map<String, Value>, String>,
}

pub(crate) type Opened = (Format, std::vec::IntoIter<Item>, Box<dyn ItemParser + Send>);

/// The key of the item list in the format's API document.
fn list_key(format: Format) -> &'static str {
    match format {
        Format::Ses => "SuppressedDestinationSummaries",
        Format::Postmark => "Suppressions",
        _ => "items",
    }
}

fn find_key<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let k = norm(key);
    m.iter().find(|(name, _)| norm(name) == k).map(|(_, v)| v)
}

fn json_err(format: Format, e: &serde_json::Error) -> FormatError {
    FormatError::Json {
        format: format.name(),
        message: e.to_string(),
    }
}

pub(crate) fn open<R: Read>(
    format: Format,
    mut src: BufReader<R>,
    lines_before: u64,
) -> Result<Opened, FormatError> {
    let mut bytes = Vec::new();
    src.read_to_end(&mut bytes)?;
    let key = list_key(format);
    let mut stream = serde_json::Deserializer::from_slice(&bytes).into_iter::<Value>();
    let first = match stream.next() {
        None => {
            return Err(FormatError::Empty {
                format: format.name(),
            });
        }
        Some(Err(e)) => return Err(json_err(format, &e)),
        Some(Ok(v)) => v,
    };
    let first_end = stream.byte_offset();
    let mut items = Vec::new();
    let push_list = |items: &mut Vec<Item>, list: Vec<Value>| {
        for v in list {
            let line = items.len() as u64 + 1;
            items.push(Item {
                line,
                value: match v {
                    Value::Object(m) => Ok(m),
                    other => Err(format!("the item is not an object but {}", kind_of(&other))),
                },
            });
        }
    };
    match first {
        Value::Object(mut m) if find_key(&m, key).is_some() => {
            let list = take_list(format, &mut m, key)?;
            push_list(&mut items, list);
            // Further pages saved into the same file.
            for next in stream {
                let mut m = match next {
                    Ok(Value::Object(m)) => m,
                    Ok(other) => {
                        return Err(FormatError::Json {
                            format: format.name(),
                            message: format!(
                                "after the first document comes {} instead of another",
                                kind_of(&other)
                            ),
                        });
                    }
                    Err(e) => return Err(json_err(format, &e)),
                };
                let list = take_list(format, &mut m, key)?;
                push_list(&mut items, list);
            }
        }
        Value::Array(list) => {
            push_list(&mut items, list);
            for next in stream {
                match next {
                    Ok(Value::Array(list)) => push_list(&mut items, list),
                    Ok(other) => {
                        return Err(FormatError::Json {
                            format: format.name(),
                            message: format!(
                                "after the first array comes {} instead of another",
                                kind_of(&other)
                            ),
                        });
                    }
                    Err(e) => return Err(json_err(format, &e)),
                }
            }
        }
        Value::Object(m) => {
            // JSON lines: the first object must sit on one line.
            let start = bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            if bytes[start..first_end.max(start)].contains(&b'\n') {
                return Err(FormatError::NotThisFormat {
                    format: format.name(),
                    message: format!(
                        "the JSON document has no '{key}' list (its keys: {})",
                        m.keys().take(20).cloned().collect::<Vec<_>>().join(", ")
                    ),
                    looks_like: crate::csvio::sniff(&bytes).map(|f| f.name()),
                });
            }
            drop(m);
            for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let value = match serde_json::from_slice::<Value>(line) {
                    Ok(Value::Object(m)) => Ok(m),
                    Ok(other) => Err(format!("the line is not an object but {}", kind_of(&other))),
                    Err(e) => Err(format!("not JSON: {e}")),
                };
                items.push(Item {
                    line: lines_before + i as u64 + 1,
                    value,
                });
            }
        }
        other => {
            return Err(FormatError::NotThisFormat {
                format: format.name(),
                message: format!(
                    "the JSON is {}, not a document or item list",
                    kind_of(&other)
                ),
                looks_like: None,
            });
        }
    }
    let (format, parser): (Format, Box<dyn ItemParser + Send>) = match format {
        Format::Ses => (format, ses::item_parser()),
        Format::Postmark => (format, postmark::item_parser()),
        Format::Mailgun(list) => {
            let list = list.or_else(|| {
                items
                    .iter()
                    .find_map(|i| i.value.as_ref().ok())
                    .map(mailgun::classify_item)
            });
            match list {
                Some(l) => (Format::Mailgun(Some(l)), mailgun::item_parser(l)),
                None => (
                    Format::Mailgun(None),
                    mailgun::item_parser(crate::MailgunList::Complaints),
                ),
            }
        }
        other => {
            return Err(FormatError::NotThisFormat {
                format: other.name(),
                message: "this is JSON, the format is CSV".into(),
                looks_like: None,
            });
        }
    };
    Ok((format, items.into_iter(), parser))
}

fn take_list(
    format: Format,
    m: &mut Map<String, Value>,
    key: &str,
) -> Result<Vec<Value>, FormatError> {
    let k = norm(key);
    let name = m.keys().find(|n| norm(n) == k).cloned();
    match name.and_then(|n| m.remove(&n)) {
        Some(Value::Array(list)) => Ok(list),
        Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(FormatError::Json {
            format: format.name(),
            message: format!("'{key}' is {}, not a list", kind_of(&other)),
        }),
        None => Err(FormatError::Json {
            format: format.name(),
            message: format!("a document without the '{key}' list"),
        }),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A field of an item as text (numbers and booleans as written, lists joined with `,`), by
/// any spelling of its name; empty when absent or null.
pub(crate) fn text(m: &Map<String, Value>, aliases: &[&str]) -> String {
    for (k, v) in m {
        let n = norm(k);
        if aliases.contains(&n.as_str()) {
            return value_text(v);
        }
    }
    String::new()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(","),
        Value::Object(_) => v.to_string(),
    }
}

/// Does the item have any of these keys?
pub(crate) fn has(m: &Map<String, Value>, aliases: &[&str]) -> bool {
    m.keys().any(|k| aliases.contains(&norm(k).as_str()))
}
