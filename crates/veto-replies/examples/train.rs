//! Trains the learned model shipped with the crate (`src/learned.model`) on labelled sets.
//!
//! `cargo run --release -p veto-replies --example train -- [--out FILE] [--min-count N]
//! [--prune SHARE] [SET_DIR …]` (the defaults are [`TrainOptions::default`]'s).
//!
//! With no set folders, every folder of `testdata/` with a `labels.jsonl` is used, in name
//! order. Training is deterministic: the same sets give the same file. Run it after adding
//! or relabelling a set, and score a blind set only with a model that never saw it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use veto_replies::crossval;
use veto_replies::learned::{self, TrainOptions};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = root.join("src").join("learned.model");
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
    let mut model = learned::train(&crossval::examples(&items), &options);
    model.provenance = vec![
        "veto-replies learned model: regenerate with".to_string(),
        "cargo run --release -p veto-replies --example train".to_string(),
        format!("trained on {} messages: {}", items.len(), names.join(", ")),
        format!("options: {options:?}"),
    ];
    let text = model.to_text();
    if let Err(e) = std::fs::write(&out, &text) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} buckets, {} bytes",
        out.display(),
        model.len(),
        text.len()
    );
    ExitCode::SUCCESS
}
