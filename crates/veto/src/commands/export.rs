//! `veto export suppressions --format F [--as-of TIME] [-o FILE]`: the suppressions in force
//! (now, or as of a moment) in our lossless format or another provider's, streamed.

use std::path::PathBuf;

use clap::Subcommand;

use super::Global;
use super::import::download;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// The suppression list.
    Suppressions {
        /// veto-csv, veto-jsonl, ses, sendgrid-bounces, sendgrid-spam-reports,
        /// sendgrid-global-unsubscribes, sendgrid-group-unsubscribes, mailgun-bounces,
        /// mailgun-complaints, mailgun-unsubscribes, postmark, mailchimp-unsubscribed,
        /// mailchimp-cleaned, listmonk.
        #[arg(long)]
        format: String,
        /// The entries in force at this moment (RFC 3339; default now).
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

pub async fn run(g: &Global, cmd: &ExportCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        ExportCmd::Suppressions {
            format,
            as_of,
            output,
        } => {
            let url = client.url(
                &["v1", "exports", "suppressions"],
                &[("format", Some(format.clone())), ("as_of", as_of.clone())],
            );
            download(&client, url, output.as_deref()).await?;
            Ok(Outcome::Clean)
        }
    }
}
