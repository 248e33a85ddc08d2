//! `veto-bench`: the benchmark workload for Veto.
//!
//! - `generate` writes a seeded, deterministic workload (suppressed list, candidate CSV).
//! - `load` provisions a tenant and bulk-loads a suppressed list into a store.
//! - `smtp-load` sends messages over SMTP to any server (the relay, or the sink alone), so
//!   both are measured with one client (`bench/send.sh`).
//!
//! `bench/check.sh` drives both and measures the `veto` binary against DuckDB.

mod generate;
mod load;
mod names;
mod smtp_load;

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "veto-bench",
    version,
    about = "Veto's benchmark workload: generate data, bulk-load it"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Write DIR/suppressed.txt, DIR/candidates.csv, DIR/values.txt and DIR/expected.json.
    Generate {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Addresses in the suppressed list.
        #[arg(long, default_value_t = 10_000_000)]
        suppressed: u64,
        /// Rows in the candidate file.
        #[arg(long, default_value_t = 1_000_000)]
        candidates: u64,
        /// Share of candidates drawn from the suppressed list.
        #[arg(long, default_value_t = 0.05)]
        blocked_share: f64,
        /// Share of deliberately invalid candidates.
        #[arg(long, default_value_t = 0.001)]
        invalid_share: f64,
        /// Share of candidates with noise (case, spaces, tabs).
        #[arg(long, default_value_t = 0.30)]
        noise_share: f64,
        /// Distinct domains (webmail first, then a Zipf-like tail of company domains).
        #[arg(long, default_value_t = 50_000)]
        domains: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Create a tenant and bulk-load a file of addresses (one per line) into it.
    Load {
        /// sqlite:PATH, sqlite://PATH, postgres://… or postgresql://…
        #[arg(long, value_name = "URL", env = "VETO_DATABASE_URL")]
        db: String,
        /// The addresses, one per line (e.g. DIR/suppressed.txt).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[arg(long, default_value = "bench")]
        tenant_name: String,
        #[arg(long, default_value = "bench-admin@example.com")]
        admin_email: String,
        /// Entries per `import_entries` call (one transaction, one audit event).
        #[arg(long, default_value_t = 50_000)]
        chunk: usize,
    },
    /// Send messages over SMTP and print the rate (JSON).
    SmtpLoad {
        /// HOST:PORT of the server.
        #[arg(long)]
        target: String,
        /// USER:PASSWORD for AUTH PLAIN.
        #[arg(long)]
        auth: Option<String>,
        #[arg(long, default_value = "rep@acme.test")]
        from: String,
        #[arg(long, default_value_t = 8)]
        connections: usize,
        #[arg(long, default_value_t = 10_000)]
        messages: u64,
        /// Approximate message size in bytes.
        #[arg(long, default_value_t = 2048)]
        size: usize,
        /// Recipients, one address per line (or a CSV's first column), cycled.
        #[arg(long, value_name = "FILE")]
        recipients: PathBuf,
        /// At most this many recipients are read from the file.
        #[arg(long, default_value_t = 200_000)]
        recipient_limit: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Generate {
            out,
            suppressed,
            candidates,
            blocked_share,
            invalid_share,
            noise_share,
            domains,
            seed,
        } => {
            let spec = generate::Spec {
                suppressed,
                candidates,
                blocked_share,
                invalid_share,
                noise_share,
                domains,
                seed,
            };
            let t = Instant::now();
            let c = generate::generate(spec, &out)?;
            let s = serde_json::json!({
                "out": out.display().to_string(),
                "suppressed": c.suppressed,
                "candidates": c.candidates,
                "blocked": c.blocked,
                "invalid": c.invalid,
                "allowed": c.allowed,
                "noisy": c.noisy,
                "elapsed_s": t.elapsed().as_secs_f64(),
            });
            println!("{s}");
            Ok(())
        }
        Cmd::Load {
            db,
            file,
            tenant_name,
            admin_email,
            chunk,
        } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(load::run(load::LoadArgs {
                db,
                file,
                tenant_name,
                admin_email,
                chunk,
            }))
        }
        Cmd::SmtpLoad {
            target,
            auth,
            from,
            connections,
            messages,
            size,
            recipients,
            recipient_limit,
        } => {
            let auth = match auth {
                Some(a) => {
                    let (u, p) = a
                        .split_once(':')
                        .ok_or_else(|| anyhow::anyhow!("--auth USER:PASSWORD"))?;
                    Some((u.to_string(), p.to_string()))
                }
                None => None,
            };
            let recipients = smtp_load::read_recipients(&recipients, recipient_limit)?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let report = rt.block_on(smtp_load::run(smtp_load::LoadOptions {
                target,
                auth,
                from,
                connections: connections.max(1),
                messages,
                size,
                recipients,
            }))?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
    }
}
