//! `veto`, the one binary of Veto, a do-not-contact registry: it runs the server
//! (`veto serve`), administers the database directly (`veto migrate`, `veto tenant create`),
//! and is a command-line client of the HTTP API for everything else (`veto check`,
//! `veto suppress`, `veto lift`, …).
//!
//! Exit status: 0 done (every checked item allowed), 1 a checked item is blocked (or the audit
//! chain is broken), 2 any error, with the message on stderr.
//!
//! Layout:
//! - `main.rs` — the command line (clap) and dispatch.
//! - [`commands`] — one module per command group: its arguments and what it does.
//! - [`client`] — the HTTP client of the API and its typed errors.
//! - [`csv_input`] — streaming identifiers out of a CSV file for bulk checks.
//! - [`kind`] — guessing whether an argument is an e-mail address, a phone number or a domain.
//! - [`db`] — opening the SQLite or PostgreSQL store from a URL.
//! - [`serve`] — `veto serve`: store, bootstrap tenant, HTTP listener, graceful shutdown.
//! - [`output`] — tables, JSON output and exit codes.
#![forbid(unsafe_code)]

mod client;
mod commands;
mod csv_input;
mod db;
mod kind;
mod output;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{DbArg, Global};
use output::{ERROR_EXIT, Outcome};

#[derive(Debug, Parser)]
#[command(
    name = "veto",
    version,
    about = "Veto: a do-not-contact registry",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API (and, with --smtp-listen, the SMTP relay) and the scheduler.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
        listen: String,
        /// Where this node keeps its check-index snapshot for fast restarts (default: beside
        /// an SQLite database, or ./veto-data/index.snapshot for PostgreSQL).
        #[arg(
            long,
            env = "VETO_SNAPSHOT",
            value_name = "PATH",
            conflicts_with = "no_snapshot"
        )]
        snapshot: Option<std::path::PathBuf>,
        /// Always load the check index from the database.
        #[arg(long)]
        no_snapshot: bool,
        /// DNS servers for address verification (default: the system's), repeatable.
        #[arg(
            long = "dns-server",
            env = "VETO_DNS_SERVER",
            value_name = "IP:PORT",
            value_delimiter = ','
        )]
        dns_servers: Vec<std::net::SocketAddr>,
        #[command(flatten)]
        links: serve::LinkOptions,
        #[command(flatten)]
        secrets: serve::SecretsOptions,
        #[command(flatten)]
        smtp: serve::SmtpOptions,
    },
    /// Create or upgrade the database schema.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Tenants (directly in the database).
    #[command(subcommand)]
    Tenant(commands::tenant::TenantCmd),
    /// Users of your tenant.
    #[command(subcommand)]
    User(commands::users::UserCmd),
    /// API keys.
    #[command(subcommand)]
    Key(commands::keys::KeyCmd),
    /// Suppression entries.
    #[command(subcommand)]
    Suppress(commands::suppress::SuppressCmd),
    /// Check whether contact is allowed (exit 1 if anything is blocked).
    Check(commands::check::CheckArgs),
    /// Lift requests.
    #[command(subcommand)]
    Lift(commands::lift::LiftCmd),
    /// The audit log.
    #[command(subcommand)]
    Audit(commands::audit::AuditCmd),
    /// Erase a person's personal data (they stay blocked).
    Erase(commands::erase::EraseArgs),
    /// Tenant policy.
    #[command(subcommand)]
    Policy(commands::policy::PolicyCmd),
    /// Lead files through the import gate; suppression lists of other providers; reports.
    #[command(subcommand)]
    Import(commands::import::ImportCmd),
    /// Take the suppression list out.
    #[command(subcommand)]
    Export(commands::export::ExportCmd),
    /// Score bounce or reply classification on a labelled folder of messages.
    #[command(subcommand)]
    Eval(commands::eval::EvalCmd),
    /// Read inbound mail (.eml files, a directory, a Maildir or an mbox): bounces,
    /// complaints, replies and mailto unsubscribes become suppressions.
    Ingest(commands::ingest::IngestArgs),
    /// Sending domains and their DKIM keys (`veto domain dkim DOMAIN`).
    #[command(subcommand)]
    Domain(commands::domain::DomainCmd),
    /// Mailboxes (From addresses).
    #[command(subcommand)]
    Mailbox(commands::mailbox::MailboxCmd),
    /// Outbound SMTP routes.
    #[command(subcommand)]
    Route(commands::route::RouteCmd),
    /// Logins for the SMTP relay.
    #[command(subcommand, name = "smtp-credentials")]
    SmtpCredentials(commands::relay::SmtpCredentialCmd),
    /// Sequences.
    #[command(subcommand)]
    Sequence(commands::sequence::SequenceCmd),
    /// Enrol contacts in a sequence (each checked first; exit 1 if any is blocked).
    Enroll(commands::sequence::EnrollArgs),
    /// Enrolments: list, pause, resume, stop.
    #[command(subcommand)]
    Enrollment(commands::sequence::EnrollmentCmd),
    /// Send attempts and their outcomes.
    #[command(subcommand)]
    Sends(commands::sends::SendsCmd),
}

/// mimalloc instead of the system allocator: bulk imports and migrations allocate and free a
/// few small values per row by the million, and glibc's allocator spent about a quarter of a
/// migration's reading time in `malloc`/`free` (measured with `perf`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are successes; everything else is a usage error.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { ERROR_EXIT } else { 0 });
        }
    };
    serve::init_logging(if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    });
    match dispatch(&cli).await {
        Ok(outcome) => outcome.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(ERROR_EXIT),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(ERROR_EXIT)
        }
    }
}

/// The reader of our output went away (`veto … | head`): nothing to tell anyone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn dispatch(cli: &Cli) -> anyhow::Result<Outcome> {
    let g = &cli.global;
    match &cli.command {
        Command::Serve {
            db,
            listen,
            snapshot,
            no_snapshot,
            dns_servers,
            links,
            secrets,
            smtp,
        } => {
            let snapshot = if *no_snapshot {
                None
            } else {
                Some(
                    snapshot
                        .clone()
                        .unwrap_or_else(|| serve::default_snapshot(&db.db)),
                )
            };
            serve::run(&db.db, listen, snapshot, dns_servers, links, secrets, smtp)
                .await
                .map(|()| Outcome::Clean)
        }
        Command::Migrate { db } => migrate(g, db).await,
        Command::Tenant(c) => commands::tenant::run(g, c).await,
        Command::User(c) => commands::users::run(g, c).await,
        Command::Key(c) => commands::keys::run(g, c).await,
        Command::Suppress(c) => commands::suppress::run(g, c).await,
        Command::Check(a) => commands::check::run(g, a).await,
        Command::Lift(c) => commands::lift::run(g, c).await,
        Command::Audit(c) => commands::audit::run(g, c).await,
        Command::Erase(a) => commands::erase::run(g, a).await,
        Command::Policy(c) => commands::policy::run(g, c).await,
        Command::Import(c) => commands::import::run(g, c).await,
        Command::Export(c) => commands::export::run(g, c).await,
        Command::Eval(c) => commands::eval::run(g, c).await,
        Command::Ingest(a) => commands::ingest::run(g, a).await,
        Command::Domain(c) => commands::domain::run(g, c).await,
        Command::Mailbox(c) => commands::mailbox::run(g, c).await,
        Command::Route(c) => commands::route::run(g, c).await,
        Command::SmtpCredentials(c) => commands::relay::run(g, c).await,
        Command::Sequence(c) => commands::sequence::run(g, c).await,
        Command::Enroll(a) => commands::sequence::enroll(g, a).await,
        Command::Enrollment(c) => commands::sequence::enrollments(g, c).await,
        Command::Sends(c) => commands::sends::run(g, c).await,
    }
}

async fn migrate(g: &Global, db: &DbArg) -> anyhow::Result<Outcome> {
    let store = db::open_store(&db.db).await?;
    if g.json {
        output::print_json(&serde_json::json!({ "backend": store.backend(), "migrated": true }))?;
    } else {
        outln!(
            "database {} is up to date ({})",
            db::redact(&db.db),
            store.backend()
        )?;
    }
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use veto_domain::identifier::IdentifierKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("veto").chain(args.iter().copied()))
    }

    #[test]
    fn serve_takes_the_public_url_for_unsubscribe_links() {
        let c = parse(&[
            "serve",
            "--public-url",
            "https://veto.example.com",
            "--unsubscribe-mail-domain",
            "u.example.com",
        ])
        .unwrap();
        let Command::Serve { links, .. } = c.command else {
            panic!("not serve")
        };
        assert_eq!(
            links.public_url.as_deref(),
            Some("https://veto.example.com")
        );
        assert_eq!(
            links.unsubscribe_mail_domain.as_deref(),
            Some("u.example.com")
        );
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_anywhere() {
        let c = parse(&[
            "check",
            "a@b.com",
            "--json",
            "--server",
            "http://h:1",
            "--key",
            "k",
        ])
        .unwrap();
        assert!(c.global.json);
        assert_eq!(c.global.server, "http://h:1");
        assert_eq!(c.global.key.as_deref(), Some("k"));
        let c = parse(&["--json", "audit", "verify"]).unwrap();
        assert!(c.global.json);
    }

    #[test]
    fn check_arguments() {
        let c = parse(&[
            "check",
            "a@b.com",
            "x.org",
            "--purpose",
            "marketing",
            "--as-of",
            "2026-11-02T10:00:00Z",
        ])
        .unwrap();
        let Command::Check(a) = c.command else {
            panic!("not check")
        };
        assert_eq!(a.items, ["a@b.com", "x.org"]);
        assert_eq!(a.purpose.as_str(), "marketing");
        assert_eq!(a.as_of.as_deref(), Some("2026-11-02T10:00:00Z"));

        let c = parse(&[
            "check",
            "--file",
            "x.csv",
            "--column",
            "Work Email",
            "--kind",
            "email",
            "--all",
        ])
        .unwrap();
        let Command::Check(a) = c.command else {
            panic!("not check")
        };
        assert_eq!(a.file.as_deref(), Some(std::path::Path::new("x.csv")));
        assert_eq!(a.kind, Some(IdentifierKind::Email));
        assert!(a.all);
        assert_eq!(a.purpose.as_str(), "sales", "sales is the default purpose");

        for bad in [
            &["check"][..],
            &["check", "a@b.com", "--file", "x.csv"],
            &["check", "a@b.com", "--column", "email"],
            &["check", "a@b.com", "--all"],
            &["check", "a@b.com", "--purpose", "spam"],
            &["check", "a@b.com", "--as-of", "yesterday"],
            &["check", "a@b.com", "--kind", "fax"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0() {
        let e = parse(&["check", "--purpose", "spam", "a@b.com"]).unwrap_err();
        assert!(e.use_stderr());
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("operational"), "{e}");
        let e = parse(&["--help"]).unwrap_err();
        assert!(!e.use_stderr());
    }

    #[test]
    fn other_commands() {
        assert!(parse(&["serve", "--db", "sqlite:x.db", "--listen", "127.0.0.1:0"]).is_ok());
        assert!(parse(&["migrate"]).is_ok());
        assert!(
            parse(&[
                "tenant",
                "create",
                "acme",
                "--admin-email",
                "a@acme.test",
                "--json"
            ])
            .is_ok()
        );
        assert!(
            parse(&["tenant", "create", "acme"]).is_err(),
            "admin e-mail is required"
        );
        assert!(
            parse(&[
                "user", "create", "x@y.z", "--role", "manager", "--team", "east"
            ])
            .is_ok()
        );
        assert!(parse(&["user", "create", "x@y.z", "--role", "boss"]).is_err());
        assert!(parse(&["user", "update", "ID", "--disable", "--enable"]).is_err());
        assert!(parse(&["key", "create", "--user", "U", "--name", "ci"]).is_ok());
        assert!(parse(&["key", "revoke", "K"]).is_ok());
        assert!(
            parse(&[
                "suppress",
                "add",
                "x@y.z",
                "--reason",
                "complaint",
                "--source",
                "feedback_loop"
            ])
            .is_ok()
        );
        assert!(
            parse(&[
                "suppress",
                "add",
                "x@y.z",
                "--reason",
                "complaint",
                "--source",
                "pigeon"
            ])
            .is_err()
        );
        assert!(
            parse(&[
                "suppress",
                "list",
                "--status",
                "all",
                "--limit",
                "10",
                "--all-pages"
            ])
            .is_ok()
        );
        assert!(parse(&["suppress", "list", "--limit", "-1"]).is_err());
        assert!(parse(&["suppress", "show", "E"]).is_ok());
        assert!(parse(&["lift", "request", "E", "--reason", "r", "--evidence", "e"]).is_ok());
        assert!(
            parse(&["lift", "request", "E", "--reason", "r"]).is_err(),
            "evidence is required"
        );
        assert!(parse(&["lift", "approve", "L", "--note", "ok"]).is_ok());
        assert!(parse(&["lift", "list", "--status", "pending", "--entry", "E"]).is_ok());
        assert!(
            parse(&[
                "audit",
                "log",
                "--action",
                "suppression.created",
                "--limit",
                "5"
            ])
            .is_ok()
        );
        assert!(parse(&["erase", "x@y.z"]).is_ok());
        assert!(
            parse(&[
                "policy",
                "set",
                "--expiry",
                "soft_bounce_limit=90",
                "--expiry",
                "hard_bounce=30"
            ])
            .is_ok()
        );
        assert!(
            parse(&["policy", "set"]).is_err(),
            "needs --file or --expiry"
        );
        assert!(parse(&["policy", "set", "--file", "p.json", "--expiry", "manual=3"]).is_err());
    }
}
