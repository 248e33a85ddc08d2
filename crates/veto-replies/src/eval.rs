//! Scoring the classifier on a labelled folder: `.eml` files plus `labels.jsonl`, one line per
//! message:
//!
//! ```text
//! {"file": "0001.eml", "class": "unsubscribe", "return_date": null, "language": "en"}
//! ```
//!
//! Figures:
//! - `accuracy` — share of messages whose predicted class equals the label;
//! - `stop_recall` — share of messages labelled `unsubscribe` that are classified
//!   `unsubscribe`;
//! - `stop_false_positive_rate` — share of messages labelled anything else that are
//!   classified `unsubscribe`;
//! - `return_date_accuracy` — over messages labelled with a non-null `return_date`: share
//!   whose extracted return date equals it (whatever their predicted class; a message not
//!   classified `out_of_office` has no extracted date and counts as wrong);
//! - `language_accuracy` — over messages with a `language` label: share whose detected
//!   language equals it;
//! - per class: support (labelled), predicted, precision and recall.
//!
//! A message that cannot be parsed counts as predicted `other` and is listed in `errors`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::classify::classify_with;
use crate::learned::Model;
use crate::{Language, ReplyClass, message};

/// A folder that cannot be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line of `labels.jsonl` is not a valid label.
    #[error("labels.jsonl line {line}: {message}")]
    Label {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// `labels.jsonl` has no labels.
    #[error("labels.jsonl in {0} has no labels")]
    NoLabels(PathBuf),
}

#[derive(Deserialize)]
struct LabelLine {
    file: String,
    class: String,
    #[serde(default)]
    return_date: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// One labelled message and what the classifier said.
#[derive(Debug, Clone)]
pub struct EvalRow {
    /// The file name, as listed in `labels.jsonl`.
    pub file: String,
    /// The labelled class.
    pub expected: ReplyClass,
    /// The predicted class (`other` when the message could not be parsed).
    pub predicted: ReplyClass,
    /// The labelled return date.
    pub expected_return: Option<time::Date>,
    /// The extracted return date.
    pub predicted_return: Option<time::Date>,
    /// The labelled language.
    pub expected_language: Option<Language>,
    /// The detected language.
    pub predicted_language: Option<Language>,
    /// The deciding line(s).
    pub evidence: Option<String>,
    /// The parse error, if any.
    pub error: Option<String>,
}

/// Precision and recall of one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassStats {
    /// The class.
    pub class: ReplyClass,
    /// Messages labelled with it.
    pub support: usize,
    /// Messages predicted as it.
    pub predicted: usize,
    /// Messages labelled and predicted as it.
    pub correct: usize,
}

impl ClassStats {
    /// correct / predicted (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    /// correct / support (1 when nothing is labelled).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.support)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The result of [`evaluate_dir`].
#[derive(Debug, Clone)]
pub struct ReplyEval {
    /// Every labelled message, in label order.
    pub rows: Vec<EvalRow>,
}

impl ReplyEval {
    /// Number of labelled messages.
    pub fn messages(&self) -> usize {
        self.rows.len()
    }

    /// Share of messages classified as labelled.
    pub fn accuracy(&self) -> f64 {
        ratio(
            self.rows
                .iter()
                .filter(|r| r.expected == r.predicted)
                .count(),
            self.rows.len(),
        )
    }

    /// Share of `unsubscribe` messages classified `unsubscribe`.
    pub fn stop_recall(&self) -> f64 {
        self.class_stats(ReplyClass::Unsubscribe).recall()
    }

    /// Share of non-`unsubscribe` messages classified `unsubscribe`.
    pub fn stop_false_positive_rate(&self) -> f64 {
        let others: Vec<&EvalRow> = self
            .rows
            .iter()
            .filter(|r| r.expected != ReplyClass::Unsubscribe)
            .collect();
        if others.is_empty() {
            return 0.0;
        }
        others
            .iter()
            .filter(|r| r.predicted == ReplyClass::Unsubscribe)
            .count() as f64
            / others.len() as f64
    }

    /// Messages labelled with a return date.
    pub fn return_date_messages(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.expected_return.is_some())
            .count()
    }

    /// Over messages labelled with a return date: share whose extracted date equals it.
    pub fn return_date_accuracy(&self) -> f64 {
        let labelled: Vec<&EvalRow> = self
            .rows
            .iter()
            .filter(|r| r.expected_return.is_some())
            .collect();
        ratio(
            labelled
                .iter()
                .filter(|r| r.predicted_return == r.expected_return)
                .count(),
            labelled.len(),
        )
    }

    /// Over messages labelled with a language: share whose detected language equals it.
    pub fn language_accuracy(&self) -> f64 {
        let labelled: Vec<&EvalRow> = self
            .rows
            .iter()
            .filter(|r| r.expected_language.is_some())
            .collect();
        ratio(
            labelled
                .iter()
                .filter(|r| r.predicted_language == r.expected_language)
                .count(),
            labelled.len(),
        )
    }

    /// Precision and recall of one class.
    pub fn class_stats(&self, class: ReplyClass) -> ClassStats {
        ClassStats {
            class,
            support: self.rows.iter().filter(|r| r.expected == class).count(),
            predicted: self.rows.iter().filter(|r| r.predicted == class).count(),
            correct: self
                .rows
                .iter()
                .filter(|r| r.expected == class && r.predicted == class)
                .count(),
        }
    }

    /// Messages classified differently from their label, or with a wrong return date.
    pub fn mistakes(&self) -> impl Iterator<Item = &EvalRow> {
        self.rows.iter().filter(|r| {
            r.expected != r.predicted
                || (r.expected_return.is_some() && r.expected_return != r.predicted_return)
        })
    }

    /// All figures as one JSON object.
    pub fn to_json(&self) -> Value {
        let classes: serde_json::Map<String, Value> = ReplyClass::ALL
            .iter()
            .map(|&c| {
                let s = self.class_stats(c);
                (
                    c.as_str().to_string(),
                    json!({"support": s.support, "predicted": s.predicted, "correct": s.correct,
                           "precision": s.precision(), "recall": s.recall()}),
                )
            })
            .collect();
        let mut confusion: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for r in &self.rows {
            *confusion
                .entry(r.expected.as_str())
                .or_default()
                .entry(r.predicted.as_str())
                .or_default() += 1;
        }
        let mistakes: Vec<Value> = self
            .mistakes()
            .map(|r| {
                json!({"file": r.file, "expected": r.expected.as_str(), "predicted": r.predicted.as_str(),
                       "expected_return_date": r.expected_return.map(|d| d.to_string()),
                       "predicted_return_date": r.predicted_return.map(|d| d.to_string()),
                       "evidence": r.evidence, "error": r.error})
            })
            .collect();
        json!({
            "messages": self.messages(),
            "accuracy": self.accuracy(),
            "stop_recall": self.stop_recall(),
            "stop_false_positive_rate": self.stop_false_positive_rate(),
            "return_date_messages": self.return_date_messages(),
            "return_date_accuracy": self.return_date_accuracy(),
            "language_accuracy": self.language_accuracy(),
            "parse_errors": self.rows.iter().filter(|r| r.error.is_some()).count(),
            "classes": classes,
            "confusion": confusion,
            "mistakes": mistakes,
        })
    }

    /// Per-class precision and recall and the totals, as a text table.
    pub fn render_table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>7} {:>9} {:>9} {:>7}\n",
            "class", "support", "predicted", "precision", "recall"
        );
        for c in ReplyClass::ALL {
            let s = self.class_stats(c);
            out.push_str(&format!(
                "{:<16} {:>7} {:>9} {:>8.1}% {:>6.1}%\n",
                c.as_str(),
                s.support,
                s.predicted,
                s.precision() * 100.0,
                s.recall() * 100.0
            ));
        }
        out.push_str(&format!("\nmessages                 {}\n", self.messages()));
        out.push_str(&format!(
            "accuracy                 {:.1}%\n",
            self.accuracy() * 100.0
        ));
        out.push_str(&format!(
            "stop recall              {:.1}%\n",
            self.stop_recall() * 100.0
        ));
        out.push_str(&format!(
            "stop false positive rate {:.1}%\n",
            self.stop_false_positive_rate() * 100.0
        ));
        out.push_str(&format!(
            "return date accuracy     {:.1}% (of {})\n",
            self.return_date_accuracy() * 100.0,
            self.return_date_messages()
        ));
        out.push_str(&format!(
            "language accuracy        {:.1}%\n",
            self.language_accuracy() * 100.0
        ));
        out
    }
}

/// One line of `labels.jsonl`, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The message's file name (a plain name inside the folder).
    pub file: String,
    /// The labelled class.
    pub class: ReplyClass,
    /// The labelled return date.
    pub return_date: Option<time::Date>,
    /// The labelled language.
    pub language: Option<Language>,
}

/// Reads `dir/labels.jsonl`; an empty file is an error.
pub fn read_labels(dir: &Path) -> Result<Vec<Label>, EvalError> {
    let labels_path = dir.join("labels.jsonl");
    let labels = std::fs::read_to_string(&labels_path).map_err(|source| EvalError::Io {
        path: labels_path.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in labels.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| EvalError::Label {
            line: line_no,
            message,
        };
        let label: LabelLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let class: ReplyClass = label
            .class
            .parse()
            .map_err(|e: crate::UnknownClass| bad(e.to_string()))?;
        let return_date = match label.return_date.as_deref() {
            None => None,
            Some(s) => Some(
                time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|e| bad(format!("return_date {s:?}: {e}")))?,
            ),
        };
        let language = match label.language.as_deref() {
            None => None,
            Some(s) => Some(s.parse::<Language>().map_err(|e| bad(e.to_string()))?),
        };
        if label.file.contains(['/', '\\']) || label.file.starts_with('.') {
            return Err(bad(format!(
                "file {:?} is not a plain file name",
                label.file
            )));
        }
        out.push(Label {
            file: label.file,
            class,
            return_date,
            language,
        });
    }
    if out.is_empty() {
        return Err(EvalError::NoLabels(dir.to_path_buf()));
    }
    Ok(out)
}

/// What a line of a phrase list ([`read_phrases`]) is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseLabel {
    /// The reply is of this class.
    Is(ReplyClass),
    /// The reply is of any class but this one ("stop" as in "stop by" is not a stop request).
    IsNot(ReplyClass),
}

/// One line of a phrase list: the whole new text of a reply, with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The label.
    pub label: PhraseLabel,
    /// Its language, when the list names one.
    pub language: Option<Language>,
    /// The grammatical family it stands for (a one-letter code of the list, `-` when none).
    pub family: String,
    /// The text.
    pub text: String,
}

/// Reads a phrase list: tab-separated `class  language  family  text` lines, `#` comments;
/// a class written `!unsubscribe` means "any class but that one", a language `-` none.
pub fn read_phrases(path: &Path) -> Result<Vec<Phrase>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let bad = |message: String| EvalError::Label {
            line: i + 1,
            message,
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [class, language, family, text] = cols.as_slice() else {
            return Err(bad(format!("{} columns, expected 4", cols.len())));
        };
        let label = match class.strip_prefix('!') {
            Some(c) => PhraseLabel::IsNot(
                c.parse()
                    .map_err(|e: crate::UnknownClass| bad(e.to_string()))?,
            ),
            None => PhraseLabel::Is(
                class
                    .parse()
                    .map_err(|e: crate::UnknownClass| bad(e.to_string()))?,
            ),
        };
        let language = match *language {
            "-" => None,
            l => Some(l.parse::<Language>().map_err(|e| bad(e.to_string()))?),
        };
        if text.trim().is_empty() {
            return Err(bad("empty text".to_string()));
        }
        out.push(Phrase {
            label,
            language,
            family: family.to_string(),
            text: text.to_string(),
        });
    }
    Ok(out)
}

/// Reads the message file of a label.
pub fn read_message(dir: &Path, label: &Label) -> Result<Vec<u8>, EvalError> {
    let path = dir.join(&label.file);
    std::fs::read(&path).map_err(|source| EvalError::Io { path, source })
}

/// Classifies every message listed in `dir/labels.jsonl` and compares with the labels.
/// Nothing is keyed on file names beyond finding each file.
pub fn evaluate_dir(dir: &Path) -> Result<ReplyEval, EvalError> {
    evaluate_dir_with(dir, Some(Model::builtin()))
}

/// [`evaluate_dir`] with the rules and a given learned model, or the rules alone (`None`):
/// the rules' own decisions are what cross-validation replays as a set's first scoring
/// (see [`crate::crossval`]).
pub fn evaluate_dir_with(dir: &Path, model: Option<&Model>) -> Result<ReplyEval, EvalError> {
    let mut rows = Vec::new();
    for label in read_labels(dir)? {
        let raw = read_message(dir, &label)?;
        let (expected, expected_return, expected_language) =
            (label.class, label.return_date, label.language);
        let row = match message::parse(&raw).map(|reply| classify_with(&reply, model)) {
            Ok(c) => EvalRow {
                file: label.file,
                expected,
                predicted: c.class,
                expected_return,
                predicted_return: c.return_date,
                expected_language,
                predicted_language: c.language,
                evidence: c.evidence,
                error: None,
            },
            Err(e) => EvalRow {
                file: label.file,
                expected,
                predicted: ReplyClass::Other,
                expected_return,
                predicted_return: None,
                expected_language,
                predicted_language: None,
                evidence: None,
                error: Some(e.to_string()),
            },
        };
        rows.push(row);
    }
    Ok(ReplyEval { rows })
}
