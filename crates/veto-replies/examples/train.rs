//! Trains the learned models shipped with the crate — the message-level model
//! (`src/learned.model`) and the request-or-mention model (`src/mention.model`) — on labelled
//! sets and the phrase lists of `testdata/grammar/`.
//!
//! `cargo run --release -p veto-replies --example train -- [--out FILE] [--mention-out FILE]
//! [--min-count N] [--prune SHARE] [--no-phrases] [SET_DIR …]` (the defaults are
//! [`TrainOptions::default`]'s).
//!
//! With no set folders, every folder of `testdata/` with a `labels.jsonl` is used, in name
//! order. Training is deterministic: the same sets give the same files. Run it after adding
//! or relabelling a set, and score a blind set only with models that never saw it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use veto_replies::crossval;
use veto_replies::learned::{self, TrainOptions};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = root.join("src").join("learned.model");
    let mut mention_out = root.join("src").join("mention.model");
    let mut phrases = true;
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut options = TrainOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(p) => out = PathBuf::from(p),
                None => {
                    eprintln!("--out needs a file");
                    return ExitCode::from(2);
                }
            },
            "--mention-out" => match args.next() {
                Some(p) => mention_out = PathBuf::from(p),
                None => {
                    eprintln!("--mention-out needs a file");
                    return ExitCode::from(2);
                }
            },
            "--no-phrases" => phrases = false,
            "--min-count" | "--prune" => {
                let Some(v) = args.next().and_then(|v| v.parse::<f32>().ok()) else {
                    eprintln!("{a} needs a number");
                    return ExitCode::from(2);
                };
                if a == "--prune" {
                    options.prune = v;
                } else {
                    options.min_count = v as usize;
                }
            }
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    if dirs.is_empty() {
        match learned::training_sets(&root.join("testdata")) {
            Ok(d) => dirs = d,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut items = Vec::new();
    let mut names = Vec::new();
    for d in &dirs {
        match crossval::load_set(d) {
            Ok(s) => {
                names.push(format!(
                    "{} ({})",
                    d.file_name().unwrap_or_default().to_string_lossy(),
                    s.len()
                ));
                items.extend(s);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if phrases {
        let path = root.join("testdata").join("grammar").join("phrases.tsv");
        match crossval::load_phrases(&path, "grammar/phrases.tsv") {
            Ok(p) => {
                names.push(format!("grammar/phrases.tsv ({})", p.len()));
                items.extend(p);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let (mut model, mut mention) = crossval::train_models(&items, &options);
    let provenance = |what: &str, examples: usize| {
        vec![
            format!("veto-replies {what}: regenerate with"),
            "cargo run --release -p veto-replies --example train".to_string(),
            format!("trained on {} messages: {}", items.len(), names.join(", ")),
            format!("examples: {examples}"),
            format!("options: {options:?}"),
        ]
    };
    model.provenance = provenance(
        "learned model",
        crossval::examples(&items, options.phrase_weight).len(),
    );
    mention.provenance = provenance(
        "request-or-mention model (unsubscribe: a request, other: a mention)",
        crossval::mention_examples(&items).len(),
    );
    for (m, path) in [(&model, &out), (&mention, &mention_out)] {
        let text = m.to_text();
        if let Err(e) = std::fs::write(path, &text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!(
            "{}: {} buckets, {} bytes",
            path.display(),
            m.len(),
            text.len()
        );
    }
    ExitCode::SUCCESS
}
