//! `veto-bench`: the benchmark workload for Veto.
//!
//! - `generate` writes a seeded, deterministic workload (suppressed list, candidate CSV).
//! - `load` provisions a tenant and bulk-loads a suppressed list into a store.
//!
//! `bench/check.sh` drives both and measures the `veto` binary against DuckDB.

mod generate;
mod load;
mod names;

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
    }
}
