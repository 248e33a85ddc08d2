//! `veto serve`: open the store, make sure a first admin can log in, and run the HTTP API
//! until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use tokio::net::TcpListener;
use veto_server::{AppState, provision};

use crate::db;

/// Logs go to stderr so stdout stays for what scripts read (the "listening" line).
pub fn init_logging(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VETO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// The file of an SQLite URL (`sqlite://PATH`, `sqlite:PATH`; none for memory databases).
fn sqlite_file(db_url: &str) -> Option<&str> {
    db_url
        .strip_prefix("sqlite://")
        .or_else(|| db_url.strip_prefix("sqlite:"))
        .map(|p| p.split('?').next().unwrap_or(p))
        .filter(|p| !p.is_empty() && !p.starts_with(":memory:"))
}

/// The default snapshot path: beside an SQLite database file, else under ./veto-data.
pub fn default_snapshot(db_url: &str) -> std::path::PathBuf {
    match sqlite_file(db_url)
        .and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_path_buf()))
    {
        Some(dir) => dir.join("index.snapshot"),
        None => std::path::PathBuf::from("veto-data/index.snapshot"),
    }
}

pub async fn run(
    db_url: &str,
    listen: &str,
    snapshot: Option<std::path::PathBuf>,
    dns_servers: &[std::net::SocketAddr],
    links: &LinkOptions,
    secrets: &SecretsOptions,
    smtp: &SmtpOptions,
) -> anyhow::Result<()> {
    let secrets_key = secrets_key(db_url, secrets)?;
    // Fail on a bad relay configuration before anything else starts.
    let smtp_config = match (&smtp.smtp_listen, &smtp.smtps_listen) {
        (None, None) => None,
        _ => Some(smtp_config(db_url, smtp)?),
    };
    let mut upstream_ca_pems = Vec::new();
    for p in &smtp.upstream_ca {
        upstream_ca_pems.push(
            std::fs::read(p)
                .with_context(|| format!("--upstream-ca {}: cannot read", p.display()))?,
        );
    }
    let store = db::open_store(db_url).await?;
    tracing::info!(backend = store.backend(), database = %db::redact(db_url), "store open");
    // One serving node per SQLite file: it is then the only writer, which the check path uses.
    let serving_lock = match store.backend() {
        "sqlite" => serving_lock(db_url)?,
        _ => None,
    };
    let sole_writer = store.backend() == "sqlite";
    if let Some(p) = provision::bootstrap_if_empty(&*store)
        .await
        .context("cannot create the first tenant")?
    {
        eprint!("{}", bootstrap_notice(&p.api_key));
    }
    let opts = veto_server::state::StartOptions {
        snapshot,
        jobs: true,
        sole_writer,
        resolver: if dns_servers.is_empty() {
            None
        } else {
            Some(veto_server::state::DnsResolver::servers(dns_servers)?)
        },
        migration_chunk: None,
        // One-click unsubscribe links; unset, links use the Host of the request asking for one.
        public_url: non_blank(links.public_url.as_deref()),
        unsubscribe_mail_domain: non_blank(links.unsubscribe_mail_domain.as_deref()),
        secrets_key: Some(secrets_key),
        sending: veto_server::sending::SendingOptions {
            hostname: non_blank(smtp.smtp_hostname.as_deref()),
            bounce_domain: non_blank(smtp.bounce_domain.as_deref()),
            upstream_ca_pems,
            concurrency: smtp.send_concurrency,
        },
    };
    let state = AppState::start_with(store, opts)
        .await
        .context("cannot start the server")?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    state.sending().set_fallback_base(format!("http://{addr}"));
    // The relay's listeners: submission with STARTTLS, and submission over implicit TLS.
    let mut smtp_listeners = Vec::new();
    if let Some(cfg) = &smtp_config {
        for (at, implicit) in [(&smtp.smtp_listen, false), (&smtp.smtps_listen, true)] {
            let Some(at) = at else { continue };
            let l = TcpListener::bind(at)
                .await
                .with_context(|| format!("cannot listen for SMTP on {at}"))?;
            let cfg = if implicit {
                let c = veto_smtp::ServerConfig {
                    implicit_tls: true,
                    ..(**cfg).clone()
                };
                c.validate().map_err(anyhow::Error::msg)?;
                std::sync::Arc::new(c)
            } else {
                cfg.clone()
            };
            smtp_listeners.push((l, cfg));
        }
    }
    // Tests and supervisors wait for these exact lines; with port 0 they name the real ports.
    let mut out = std::io::stdout().lock();
    for (l, cfg) in &smtp_listeners {
        let smtp_addr = l
            .local_addr()
            .context("cannot read the bound SMTP address")?;
        let scheme = if cfg.implicit_tls { "smtps" } else { "smtp" };
        writeln!(out, "Veto SMTP relay listening on {scheme}://{smtp_addr}")?;
    }
    writeln!(out, "Veto listening on http://{addr}")?;
    out.flush()?;
    drop(out);
    // One signal stops both servers.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    let http = veto_server::run(state.clone(), listener, stopped(stop_rx.clone()));
    let relays =
        futures::future::join_all(smtp_listeners.into_iter().map(|(l, cfg)| {
            veto_server::run_smtp(state.clone(), l, cfg, stopped(stop_rx.clone()))
        }));
    let (h, relayed) = tokio::join!(http, relays);
    h.context("server failed")?;
    for r in relayed {
        r.context("SMTP relay failed")?;
    }
    // The next start replays only the changes after this point.
    if let Err(e) = state.save_snapshot().await {
        tracing::warn!(error = %e, "writing the index snapshot failed");
    }
    drop(serving_lock);
    tracing::info!("stopped");
    Ok(())
}

/// Where the unsubscribe links this node hands out point.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LinkOptions {
    /// Public base URL of this server, for one-click unsubscribe links (default: from the
    /// request's Host header).
    #[arg(long, env = "VETO_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Mail domain of the `mailto:` unsubscribe address (`unsubscribe+TOKEN@DOMAIN`); without
    /// it links carry only the https form.
    #[arg(long, env = "VETO_UNSUBSCRIBE_MAIL_DOMAIN", value_name = "DOMAIN")]
    pub unsubscribe_mail_domain: Option<String>,
}

/// The SMTP relay and how this node sends.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SmtpOptions {
    /// Serve the SMTP relay here (submission with AUTH PLAIN/LOGIN; STARTTLS offered).
    #[arg(long, env = "VETO_SMTP_LISTEN", value_name = "HOST:PORT")]
    pub smtp_listen: Option<String>,
    /// Also serve the relay over implicit TLS here (submissions, RFC 8314; usually port 465),
    /// with the same certificate, limits and AUTH.
    #[arg(long, env = "VETO_SMTPS_LISTEN", value_name = "HOST:PORT")]
    pub smtps_listen: Option<String>,
    /// The relay's host name, in its greeting and in `Received` fields (default: this host's
    /// name).
    #[arg(long, env = "VETO_SMTP_HOSTNAME", value_name = "NAME")]
    pub smtp_hostname: Option<String>,
    /// The relay's TLS certificate chain (PEM). Without it a self-signed certificate is made
    /// and kept beside the database (`smtp-cert.pem`, `smtp-key.pem`).
    #[arg(
        long,
        env = "VETO_SMTP_TLS_CERT",
        value_name = "PATH",
        requires = "smtp_tls_key"
    )]
    pub smtp_tls_cert: Option<std::path::PathBuf>,
    /// The private key of `--smtp-tls-cert` (PEM).
    #[arg(
        long,
        env = "VETO_SMTP_TLS_KEY",
        value_name = "PATH",
        requires = "smtp_tls_cert"
    )]
    pub smtp_tls_key: Option<std::path::PathBuf>,
    /// Largest message the relay accepts, in bytes.
    #[arg(long, env = "VETO_SMTP_MAX_MESSAGE_BYTES", value_name = "BYTES", default_value_t = 25 << 20)]
    pub smtp_max_message_bytes: usize,
    /// Domain of VERP return paths (`bounces+…@DOMAIN`), whose mail should reach Veto's
    /// ingest (default: the From domain of each message).
    #[arg(long, env = "VETO_BOUNCE_DOMAIN", value_name = "DOMAIN")]
    pub bounce_domain: Option<String>,
    /// A CA certificate (PEM) to trust for upstream TLS, beside the system's; repeatable.
    #[arg(
        long = "upstream-ca",
        env = "VETO_UPSTREAM_CA",
        value_name = "PATH",
        value_delimiter = ','
    )]
    pub upstream_ca: Vec<std::path::PathBuf>,
    /// Messages the scheduler hands to upstreams at once.
    #[arg(long, env = "VETO_SEND_CONCURRENCY", value_name = "N")]
    pub send_concurrency: Option<usize>,
}

/// The relay's configuration: limits, and TLS from the given files or from a self-signed
/// certificate kept beside the database.
fn smtp_config(
    db_url: &str,
    o: &SmtpOptions,
) -> anyhow::Result<std::sync::Arc<veto_smtp::ServerConfig>> {
    let hostname = non_blank(o.smtp_hostname.as_deref())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "localhost".to_string());
    let (cert, key) = match (&o.smtp_tls_cert, &o.smtp_tls_key) {
        (Some(c), Some(k)) => (
            std::fs::read_to_string(c)
                .with_context(|| format!("--smtp-tls-cert {}: cannot read", c.display()))?,
            std::fs::read_to_string(k)
                .with_context(|| format!("--smtp-tls-key {}: cannot read", k.display()))?,
        ),
        _ => self_signed_beside(db_url, &hostname)?,
    };
    let tls = veto_smtp::tls::server_config(&cert, &key).context("the relay's TLS certificate")?;
    let cfg = veto_smtp::ServerConfig {
        hostname,
        max_message_bytes: o.smtp_max_message_bytes,
        tls: Some(tls),
        ..veto_smtp::ServerConfig::default()
    };
    cfg.validate().map_err(anyhow::Error::msg)?;
    Ok(std::sync::Arc::new(cfg))
}

/// The self-signed certificate kept beside the database (made on first use).
fn self_signed_beside(db_url: &str, hostname: &str) -> anyhow::Result<(String, String)> {
    let cert_path = default_snapshot(db_url).with_file_name("smtp-cert.pem");
    let key_path = cert_path.with_file_name("smtp-key.pem");
    if let (Ok(c), Ok(k)) = (
        std::fs::read_to_string(&cert_path),
        std::fs::read_to_string(&key_path),
    ) {
        return Ok((c, k));
    }
    let (cert, key) = veto_smtp::tls::self_signed(hostname)
        .context("cannot make a self-signed certificate for the relay")?;
    if let Some(dir) = cert_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new();
    f.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut f, 0o600);
    f.open(&key_path)
        .and_then(|mut file| file.write_all(key.as_bytes()))
        .with_context(|| format!("cannot write {}", key_path.display()))?;
    std::fs::write(&cert_path, &cert)
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    tracing::warn!(path = %cert_path.display(),
        "the SMTP relay uses a new self-signed certificate; give it --smtp-tls-cert/--smtp-tls-key for production");
    Ok((cert, key))
}

/// The key inbound credentials (mailbox passwords, webhook signing keys) are sealed with.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SecretsOptions {
    /// The key itself: 32 bytes in base64 (e.g. `openssl rand -base64 32`). Every node of a
    /// cluster needs the same key.
    #[arg(
        long,
        env = "VETO_SECRETS_KEY",
        value_name = "BASE64",
        hide_env_values = true
    )]
    pub secrets_key: Option<String>,
    /// A file holding the key (default: `secrets.key` beside an SQLite database, or
    /// ./veto-data/secrets.key; created with a new key, readable by its owner only, when
    /// missing).
    #[arg(
        long,
        env = "VETO_SECRETS_KEY_FILE",
        value_name = "PATH",
        conflicts_with = "secrets_key"
    )]
    pub secrets_key_file: Option<std::path::PathBuf>,
}

/// The default key file: beside an SQLite database file, else under ./veto-data.
pub fn default_secrets_file(db_url: &str) -> std::path::PathBuf {
    default_snapshot(db_url).with_file_name("secrets.key")
}

/// Reads the secrets key from the option, the file, or a new file.
fn secrets_key(
    db_url: &str,
    o: &SecretsOptions,
) -> anyhow::Result<veto_domain::sealed::SecretsKey> {
    use veto_domain::sealed::SecretsKey;
    if let Some(k) = non_blank(o.secrets_key.as_deref()) {
        return SecretsKey::from_base64(&k).context("--secrets-key / VETO_SECRETS_KEY");
    }
    let path = o
        .secrets_key_file
        .clone()
        .unwrap_or_else(|| default_secrets_file(db_url));
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretsKey::from_base64(&text)
            .with_context(|| format!("secrets key file {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretsKey::generate();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let mut f = std::fs::OpenOptions::new();
            f.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut f, 0o600);
            let mut file = f
                .open(&path)
                .with_context(|| format!("cannot create secrets key file {}", path.display()))?;
            writeln!(file, "{}", key.to_base64())?;
            file.sync_all()?;
            tracing::warn!(path = %path.display(), "created a new secrets key file: keep it with the database backups");
            Ok(key)
        }
        Err(e) => {
            Err(e).with_context(|| format!("cannot read secrets key file {}", path.display()))
        }
    }
}

/// A value that is not blank.
fn non_blank(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Holds `<database>.serve-lock` for the life of the process (released by the OS on exit).
/// Other processes may still open the database (`veto tenant create`, `veto migrate`); only a
/// second serving node is refused — several nodes need PostgreSQL.
fn serving_lock(db_url: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(path) = sqlite_file(db_url) else {
        return Ok(None);
    };
    let lock_path = format!("{path}.serve-lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {lock_path}"))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another `veto serve` is serving this SQLite database ({lock_path} is locked); \
             SQLite serves one node — run several nodes on PostgreSQL"
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {lock_path}"))
        }
    }
}

/// The framed notice of the bootstrap admin key: the only time anyone sees it.
fn bootstrap_notice(api_key: &str) -> String {
    let lines = [
        "Veto created tenant \"default\" with admin user admin@localhost.".to_string(),
        "Its API key:".to_string(),
        String::new(),
        format!("    {api_key}"),
        String::new(),
        "Save it now: it is not shown again.".to_string(),
        "Use it with `veto --key KEY …` or VETO_API_KEY.".to_string(),
    ];
    let w = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let rule = format!("+{}+\n", "-".repeat(w + 2));
    let mut s = rule.clone();
    for l in &lines {
        s.push_str(&format!("| {l}{} |\n", " ".repeat(w - l.chars().count())));
    }
    s.push_str(&rule);
    s
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM, which is how service managers stop us.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a handler we can only run until killed.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_beside_sqlite_else_data_dir() {
        assert_eq!(
            default_snapshot("sqlite://./veto-data/veto.db"),
            std::path::PathBuf::from("./veto-data/index.snapshot")
        );
        assert_eq!(
            default_snapshot("sqlite:/srv/v/x.db?mode=rwc"),
            std::path::PathBuf::from("/srv/v/index.snapshot")
        );
        assert_eq!(
            default_snapshot("postgres://h/db"),
            std::path::PathBuf::from("veto-data/index.snapshot")
        );
    }

    #[test]
    fn notice_is_framed_and_holds_the_key() {
        let n = bootstrap_notice("vk_abc123");
        let lines: Vec<_> = n.lines().collect();
        assert!(lines.iter().any(|l| l.contains("vk_abc123")));
        assert!(n.contains("not shown again"));
        let w = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == w), "{n}");
    }
}
