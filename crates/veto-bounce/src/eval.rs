//! Agreement of the classifier with a labelled folder: messages (`*.eml`) plus a
//! `labels.jsonl` with one line per (message, recipient), as in the bounce corpus
//! (`file`, `recipient_index`, `recipients`, `reason`, `hard`, optional `status`).
//!
//! Recipients are compared in order: the n-th labelled recipient of a message against the
//! n-th recipient found.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::json;

use crate::{Reason, analyse};

/// Why a folder could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line of `labels.jsonl` is not a label.
    #[error("labels.jsonl line {line}: {message}")]
    Label {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The folder has no labels.
    #[error("no labels in {0}")]
    NoLabels(PathBuf),
}

#[derive(Debug, Deserialize)]
struct Label {
    file: String,
    recipient_index: usize,
    recipients: usize,
    reason: String,
    hard: bool,
}

/// One labelled recipient where the classifier disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Message file name.
    pub file: String,
    /// 1-based recipient position.
    pub index: usize,
    /// The labelled reason and hard flag.
    pub expected: (String, bool),
    /// What was found (`None`: no such recipient found).
    pub found: Option<(Reason, bool)>,
}

/// Counts for one reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReasonCounts {
    /// Labelled with this reason.
    pub labelled: usize,
    /// Predicted as this reason (on labelled recipients).
    pub predicted: usize,
    /// Both.
    pub correct: usize,
}

impl ReasonCounts {
    /// correct / predicted (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    /// correct / labelled (1 when nothing was labelled).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.labelled)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The result of [`evaluate_dir`].
#[derive(Debug, Clone, Default)]
pub struct BounceEval {
    /// Messages evaluated.
    pub messages: usize,
    /// Labelled recipients.
    pub recipients: usize,
    /// Messages whose number of recipients found equals the labelled number.
    pub count_matches: usize,
    /// Labelled recipients whose reason agrees.
    pub reason_matches: usize,
    /// Labelled recipients whose hard flag agrees.
    pub hard_matches: usize,
    /// Messages that could not be analysed at all.
    pub parse_errors: usize,
    /// Per reason name (labelled or predicted).
    pub per_reason: BTreeMap<String, ReasonCounts>,
    /// Every disagreement, in file order.
    pub mismatches: Vec<Mismatch>,
}

impl BounceEval {
    /// Share of messages with the right number of recipients.
    pub fn recipient_count_accuracy(&self) -> f64 {
        ratio(self.count_matches, self.messages)
    }
    /// Share of labelled recipients with the right reason.
    pub fn reason_agreement(&self) -> f64 {
        ratio(self.reason_matches, self.recipients)
    }
    /// Share of labelled recipients with the right hard flag.
    pub fn hard_agreement(&self) -> f64 {
        ratio(self.hard_matches, self.recipients)
    }

    /// One JSON object with the figures, per-reason precision/recall and the mismatches.
    pub fn to_json(&self) -> serde_json::Value {
        let per_reason: serde_json::Map<String, serde_json::Value> = self
            .per_reason
            .iter()
            .map(|(name, c)| {
                (
                    name.clone(),
                    json!({
                        "labelled": c.labelled,
                        "predicted": c.predicted,
                        "correct": c.correct,
                        "precision": c.precision(),
                        "recall": c.recall(),
                    }),
                )
            })
            .collect();
        let mismatches: Vec<serde_json::Value> = self
            .mismatches
            .iter()
            .map(|m| {
                json!({
                    "file": m.file,
                    "recipient_index": m.index,
                    "expected_reason": m.expected.0,
                    "expected_hard": m.expected.1,
                    "found_reason": m.found.map(|f| f.0.as_str()),
                    "found_hard": m.found.map(|f| f.1),
                })
            })
            .collect();
        json!({
            "messages": self.messages,
            "recipients": self.recipients,
            "parse_errors": self.parse_errors,
            "recipient_count_accuracy": self.recipient_count_accuracy(),
            "reason_agreement": self.reason_agreement(),
            "hard_agreement": self.hard_agreement(),
            "per_reason": per_reason,
            "mismatches": mismatches,
        })
    }

    /// A table of per-reason precision and recall, then the overall figures.
    pub fn render_table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>8} {:>9} {:>8} {:>9} {:>7}\n",
            "reason", "labelled", "predicted", "correct", "precision", "recall"
        );
        for (name, c) in &self.per_reason {
            out.push_str(&format!(
                "{:<16} {:>8} {:>9} {:>8} {:>8.1}% {:>6.1}%\n",
                name,
                c.labelled,
                c.predicted,
                c.correct,
                c.precision() * 100.0,
                c.recall() * 100.0
            ));
        }
        out.push_str(&format!(
            "\nmessages {}  recipients {}  parse errors {}\n\
             recipient count accuracy {:>6.2}%\nreason agreement         {:>6.2}%\nhard agreement           {:>6.2}%\n",
            self.messages,
            self.recipients,
            self.parse_errors,
            self.recipient_count_accuracy() * 100.0,
            self.reason_agreement() * 100.0,
            self.hard_agreement() * 100.0
        ));
        out
    }
}

/// Evaluates every labelled message of a folder laid out like the bounce corpus.
pub fn evaluate_dir(dir: &Path) -> Result<BounceEval, EvalError> {
    let labels_path = dir.join("labels.jsonl");
    let text = std::fs::read_to_string(&labels_path).map_err(|source| EvalError::Io {
        path: labels_path.clone(),
        source,
    })?;
    let mut by_file: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let label: Label = serde_json::from_str(line).map_err(|e| EvalError::Label {
            line: i + 1,
            message: e.to_string(),
        })?;
        by_file.entry(label.file.clone()).or_default().push(label);
    }
    if by_file.is_empty() {
        return Err(EvalError::NoLabels(dir.to_path_buf()));
    }
    let mut eval = BounceEval::default();
    for (file, mut labels) in by_file {
        labels.sort_by_key(|l| l.recipient_index);
        let path = dir.join(&file);
        let raw = std::fs::read(&path).map_err(|source| EvalError::Io { path, source })?;
        let found: Vec<(Reason, bool)> = match analyse(&raw) {
            Ok(a) => a.recipients.iter().map(|r| (r.reason, r.hard)).collect(),
            Err(_) => {
                eval.parse_errors += 1;
                Vec::new()
            }
        };
        eval.messages += 1;
        let expected_count = labels.first().map_or(0, |l| l.recipients);
        if found.len() == expected_count {
            eval.count_matches += 1;
        }
        for (i, label) in labels.iter().enumerate() {
            eval.recipients += 1;
            let got = found.get(i).copied();
            eval.per_reason
                .entry(label.reason.clone())
                .or_default()
                .labelled += 1;
            if let Some((reason, _)) = got {
                eval.per_reason
                    .entry(reason.as_str().to_string())
                    .or_default()
                    .predicted += 1;
            }
            let reason_ok = got.is_some_and(|(r, _)| r.as_str() == label.reason);
            let hard_ok = got.is_some_and(|(_, h)| h == label.hard);
            if reason_ok {
                eval.reason_matches += 1;
                eval.per_reason
                    .entry(label.reason.clone())
                    .or_default()
                    .correct += 1;
            }
            if hard_ok {
                eval.hard_matches += 1;
            }
            if !reason_ok || !hard_ok {
                eval.mismatches.push(Mismatch {
                    file: file.clone(),
                    index: label.recipient_index,
                    expected: (label.reason.clone(), label.hard),
                    found: got,
                });
            }
        }
    }
    Ok(eval)
}
