//! Scores the reply classifier on a labelled folder.
//!
//! `cargo run -p veto-replies --example reply_eval -- DIR [--json] [--mistakes] [--rules-only]`
//!
//! `--rules-only` scores the rules without the learned model: its `--json` output is what
//! `examples/crossval.rs --first` reads as a set's first scoring by the rules.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let (mut as_json, mut mistakes, mut rules_only) = (false, false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => as_json = true,
            "--mistakes" => mistakes = true,
            "--rules-only" => rules_only = true,
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: eval DIR [--json] [--mistakes] [--rules-only]");
        return ExitCode::from(2);
    };
    let model = (!rules_only).then(veto_replies::learned::Model::builtin);
    match veto_replies::eval::evaluate_dir_with(&dir, model) {
        Ok(eval) => {
            if as_json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&eval.to_json()).unwrap_or_default()
                );
            } else {
                print!("{}", eval.render_table());
                if mistakes {
                    println!();
                    for r in eval.mistakes() {
                        println!(
                            "{}  {} -> {}  ret {:?} -> {:?}  {:?}{}",
                            r.file,
                            r.expected,
                            r.predicted,
                            r.expected_return.map(|d| d.to_string()),
                            r.predicted_return.map(|d| d.to_string()),
                            r.evidence.as_deref().unwrap_or(""),
                            r.error
                                .as_deref()
                                .map(|e| format!("  error: {e}"))
                                .unwrap_or_default()
                        );
                    }
                    for r in eval
                        .rows
                        .iter()
                        .filter(|r| r.expected_language != r.predicted_language)
                    {
                        println!(
                            "{}  language {:?} -> {:?}",
                            r.file, r.expected_language, r.predicted_language
                        );
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
