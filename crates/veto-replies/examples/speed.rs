//! Classification speed on the labelled sets: every message of `testdata/` (or of the
//! folders given) classified from its raw bytes, several rounds, messages per second.
//!
//! `cargo run --release -p veto-replies --example speed -- [--rounds N] [SET_DIR …]`

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut rounds = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) => rounds = n,
                None => {
                    eprintln!("--rounds needs a number");
                    return ExitCode::from(2);
                }
            },
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    if dirs.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        match veto_replies::learned::training_sets(&root) {
            Ok(d) => dirs = d,
            Err(e) => {
                eprintln!("cannot read {}: {e}", root.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for d in &dirs {
        let labels = match veto_replies::eval::read_labels(d) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        for l in &labels {
            match veto_replies::eval::read_message(d, l) {
                Ok(raw) => messages.push(raw),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    // The first classification compiles the tables and reads the model.
    let start = Instant::now();
    let _ = veto_replies::classify(b"Subject: x\r\n\r\nhello\r\n");
    println!("first call (tables and model): {:?}", start.elapsed());
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for raw in &messages {
            if veto_replies::classify(raw).is_ok() {
                n += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} classifications of {} messages (mean {} bytes) in {secs:.2} s: {:.0} messages/s, {:.0} µs each",
        messages.len(),
        bytes / messages.len().max(1),
        n as f64 / secs,
        secs * 1e6 / n.max(1) as f64
    );
    let replies: Vec<_> = messages
        .iter()
        .filter_map(|raw| veto_replies::message::parse(raw).ok())
        .collect();
    for (name, model) in [
        ("rules alone", None),
        (
            "rules and model",
            Some(veto_replies::learned::Model::builtin()),
        ),
    ] {
        let start = Instant::now();
        for _ in 0..rounds {
            for r in &replies {
                let _ = veto_replies::classify::classify_with(r, model);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = rounds * replies.len();
        println!(
            "{name}, parsed replies: {:.0} messages/s, {:.0} µs each",
            n as f64 / secs,
            secs * 1e6 / n.max(1) as f64
        );
    }
    ExitCode::SUCCESS
}
