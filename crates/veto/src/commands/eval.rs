//! `veto eval`: how well Veto reads the signals people and mail servers send, measured on a
//! labelled folder of messages.
//!
//! - `veto eval bounces DIR`: bounce, complaint and auto-reply messages plus `labels.jsonl`
//!   (one line per failed recipient: expected reason and hard/soft), scored per reason and
//!   overall (reason, hard/soft and recipient-count agreement).
//! - `veto eval replies DIR`: replies (`*.eml`) plus `labels.jsonl` (one line per message:
//!   class, return date, language), scored per class, with stop-request recall and false
//!   positives.
//!
//! With `--json` each prints one object (the keys are documented in `veto-bounce` and
//! `veto-replies`).

use std::path::PathBuf;

use anyhow::Context;

use super::Global;
use crate::output::{self, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum EvalCmd {
    /// Score bounce classification on a labelled folder (messages + labels.jsonl).
    Bounces {
        /// Folder of messages with a `labels.jsonl`.
        dir: PathBuf,
    },
    /// Score reply classification on a labelled folder (*.eml + labels.jsonl).
    Replies {
        /// Folder of `.eml` files with a `labels.jsonl`.
        dir: PathBuf,
    },
}

pub async fn run(g: &Global, c: &EvalCmd) -> anyhow::Result<Outcome> {
    // Both evaluations read and classify files: off the async runtime.
    let json = g.json;
    let c = match c {
        EvalCmd::Bounces { dir } => Which::Bounces(dir.clone()),
        EvalCmd::Replies { dir } => Which::Replies(dir.clone()),
    };
    let (value, table) = tokio::task::spawn_blocking(move || evaluate(&c))
        .await
        .context("the evaluation stopped")??;
    if json {
        output::print_json(&value)?;
    } else {
        output::write_line(format_args!("{table}"))?;
    }
    Ok(Outcome::Clean)
}

enum Which {
    Bounces(PathBuf),
    Replies(PathBuf),
}

fn evaluate(w: &Which) -> anyhow::Result<(serde_json::Value, String)> {
    Ok(match w {
        Which::Bounces(dir) => {
            let e = veto_bounce::evaluate_dir(dir)
                .with_context(|| format!("cannot evaluate {}", dir.display()))?;
            (e.to_json(), e.render_table())
        }
        Which::Replies(dir) => {
            let e = veto_replies::evaluate_dir(dir)
                .with_context(|| format!("cannot evaluate {}", dir.display()))?;
            (e.to_json(), e.render_table())
        }
    })
}
