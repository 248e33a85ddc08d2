//! A throwaway Dovecot for tests: its own configuration, certificate, user and maildir in a
//! temporary directory, listening on free loopback ports, killed when dropped.
//!
//! ```no_run
//! # async fn demo() -> Result<(), veto_imap::testing::HarnessError> {
//! use veto_imap::{Security, testing::Dovecot};
//! let Some(dovecot) = Dovecot::start()? else { return Ok(()) }; // prints SKIPPED
//! dovecot.deliver("INBOX", b"Subject: hi\r\n\r\nbody\r\n").await?;
//! let cfg = dovecot.config(Security::Implicit);
//! # Ok(()) }
//! ```
//!
//! Without Dovecot installed, [`Dovecot::start`] prints `SKIPPED: dovecot not installed` and
//! returns `Ok(None)`; with `VETO_REQUIRE_DOVECOT=1` in the environment it fails instead.
//! `VETO_DOVECOT` names another binary than `/usr/sbin/dovecot`.
//!
//! Run as root, Dovecot's login processes use `dovenull` (or `nobody`), its internal processes
//! `dovecot` (or `nobody`), and the mail is owned by `nobody`: Dovecot refuses root for both.
//! Run as another user, every process and the mail run as that user.

use std::fs;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::config::{AfterHandling, MailboxConfig, Security, Trust};
use crate::error::ImapError;
use crate::session::Session;
use crate::wire::Value;

/// The test user's name.
pub const USERNAME: &str = "veto-test";
/// The test user's password.
pub const PASSWORD: &str = "s3cret-Veto-test-pw";

/// Why the harness could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// `VETO_REQUIRE_DOVECOT=1` is set but no Dovecot binary is installed.
    #[error("VETO_REQUIRE_DOVECOT=1 but {0} is not installed (apt-get install dovecot-imapd)")]
    Required(String),
    /// Files or processes could not be set up.
    #[error("dovecot harness: {0}")]
    Io(#[from] std::io::Error),
    /// The test certificate could not be made.
    #[error("dovecot harness: certificate: {0}")]
    Certificate(String),
    /// The user the harness runs as could not be resolved to names Dovecot accepts.
    #[error("dovecot harness: {0}")]
    Users(String),
    /// Dovecot did not come up; its log is included.
    #[error("dovecot did not start: {reason}\n--- dovecot log ---\n{log}")]
    Start {
        /// What was seen.
        reason: String,
        /// Dovecot's log and console output.
        log: String,
    },
    /// An IMAP command of a harness helper failed.
    #[error("dovecot harness: {0}")]
    Imap(#[from] ImapError),
}

/// How the throwaway server behaves.
#[derive(Clone, Debug)]
pub struct DovecotOptions {
    /// Announce MOVE (RFC 6851) after login. Off, clients must fall back to COPY + EXPUNGE.
    pub advertise_move: bool,
}

impl Default for DovecotOptions {
    fn default() -> Self {
        DovecotOptions {
            advertise_move: true,
        }
    }
}

/// A message as the server holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessage {
    /// Its UID in the folder.
    pub uid: u32,
    /// Its flags and keywords as the server spells them.
    pub flags: Vec<String>,
}

impl StoredMessage {
    /// Whether the message carries this flag or keyword (case-insensitive).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

/// A running Dovecot; stopped when dropped.
pub struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    imap_port: u16,
    imaps_port: u16,
    ca_pem: String,
}

impl Dovecot {
    /// Starts a Dovecot with the default options; `Ok(None)` when Dovecot is not installed.
    pub fn start() -> Result<Option<Dovecot>, HarnessError> {
        Self::start_with(DovecotOptions::default())
    }

    /// Starts a Dovecot with these options; `Ok(None)` when Dovecot is not installed.
    pub fn start_with(options: DovecotOptions) -> Result<Option<Dovecot>, HarnessError> {
        let binary = std::env::var("VETO_DOVECOT").unwrap_or_else(|_| "/usr/sbin/dovecot".into());
        if !Path::new(&binary).exists() {
            if std::env::var("VETO_REQUIRE_DOVECOT").is_ok_and(|v| v == "1") {
                return Err(HarnessError::Required(binary));
            }
            eprintln!(
                "SKIPPED: dovecot not installed ({binary} missing; apt-get install dovecot-imapd)"
            );
            return Ok(None);
        }
        // Free ports are picked, released and handed to Dovecot; another process may grab one
        // in between, so a failed start is tried again on new ports.
        let mut last = None;
        for _ in 0..3 {
            match Self::start_once(&binary, &options) {
                Ok(dovecot) => return Ok(Some(dovecot)),
                Err(e @ HarnessError::Start { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| HarnessError::Start {
            reason: "no attempt made".into(),
            log: String::new(),
        }))
    }

    fn start_once(binary: &str, options: &DovecotOptions) -> Result<Dovecot, HarnessError> {
        let dir = tempfile::Builder::new().prefix("veto-dovecot-").tempdir()?;
        let root = dir.path();
        let owner = fs::metadata(root)?;
        let users = Users::for_process(owner.uid(), owner.gid())?;
        if users.as_root {
            // Dovecot's unprivileged processes must reach the files below.
            fs::set_permissions(root, fs::Permissions::from_mode(0o711))?;
        }
        for sub in ["run", "state", "mail"] {
            fs::create_dir(root.join(sub))?;
        }
        let mail = root.join("mail");
        if users.as_root {
            std::os::unix::fs::chown(&mail, Some(users.mail_uid), Some(users.mail_gid))?;
        }

        let ca_pem = write_certificates(root)?;
        fs::write(
            root.join("users"),
            format!(
                "{USERNAME}:{{PLAIN}}{PASSWORD}:{}:{}::{}::\n",
                users.mail_uid,
                users.mail_gid,
                mail.join(USERNAME).display()
            ),
        )?;
        let imap_port = free_port()?;
        let imaps_port = free_port()?;
        let conf = root.join("dovecot.conf");
        fs::write(
            &conf,
            configuration(root, &users, imap_port, imaps_port, options),
        )?;

        let console = fs::File::create(root.join("console.log"))?;
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(console.try_clone()?)
            .stderr(console)
            .spawn()?;
        let mut dovecot = Dovecot {
            child,
            dir,
            imap_port,
            imaps_port,
            ca_pem,
        };
        dovecot.wait_until_listening()?;
        Ok(dovecot)
    }

    fn wait_until_listening(&mut self) -> Result<(), HarnessError> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let ports = [self.imap_port, self.imaps_port];
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(self.start_error(format!("dovecot exited with {status}")));
            }
            let listening = ports.iter().all(|&port| {
                TcpStream::connect_timeout(
                    &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                    Duration::from_millis(200),
                )
                .is_ok()
            });
            if listening {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.start_error(format!(
                    "ports {} and {} not listening after 20 s",
                    self.imap_port, self.imaps_port
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn start_error(&mut self, reason: String) -> HarnessError {
        let _ = self.child.kill();
        let _ = self.child.wait();
        HarnessError::Start {
            reason,
            log: self.log(),
        }
    }

    /// Port of the plain IMAP listener (STARTTLS offered; plain login allowed on loopback).
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// Port of the IMAPS (implicit TLS) listener.
    pub fn imaps_port(&self) -> u16 {
        self.imaps_port
    }

    /// The PEM of the CA that signed the server's certificate (for `127.0.0.1` and
    /// `localhost`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The test user's name.
    pub fn username(&self) -> &str {
        USERNAME
    }

    /// The test user's password.
    pub fn password(&self) -> &str {
        PASSWORD
    }

    /// The temporary directory holding the configuration, the maildirs and the log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Dovecot's log and console output so far.
    pub fn log(&self) -> String {
        let mut out = String::new();
        for name in ["dovecot.log", "console.log"] {
            if let Ok(mut f) = fs::File::open(self.dir.path().join(name)) {
                let _ = f.read_to_string(&mut out);
            }
        }
        out
    }

    /// A configuration for the test user's INBOX over 127.0.0.1 with this security, trusting
    /// the test CA, the default flag keyword, and a 10 s timeout.
    pub fn config(&self, security: Security) -> MailboxConfig {
        let mut cfg = MailboxConfig::new("127.0.0.1", USERNAME, PASSWORD);
        cfg.port = match security {
            Security::Implicit => self.imaps_port,
            Security::StartTls | Security::Plain => self.imap_port,
        };
        cfg.security = security;
        cfg.trust = Trust::CaPem(self.ca_pem.clone());
        cfg.after = AfterHandling::default();
        cfg.timeout = Duration::from_secs(10);
        cfg
    }

    async fn session(&self) -> Result<Session, HarnessError> {
        let cfg = self.config(Security::Implicit);
        let mut session = Session::open(&cfg).await?;
        session.login(USERNAME, PASSWORD).await?;
        Ok(session)
    }

    /// Appends a raw RFC 5322 message to a folder (created if missing); its UID.
    pub async fn deliver(&self, folder: &str, raw: &[u8]) -> Result<u32, HarnessError> {
        self.deliver_with_flags(folder, &[], raw).await
    }

    /// Appends a message with flags already set (e.g. `\Deleted`, `$VetoHandled`); its UID.
    pub async fn deliver_with_flags(
        &self,
        folder: &str,
        flags: &[&str],
        raw: &[u8],
    ) -> Result<u32, HarnessError> {
        let mut session = self.session().await?;
        if !session.exists(folder).await? {
            session.create(folder).await?;
        }
        let uid = session.append(folder, flags, raw).await?;
        session.logout().await;
        uid.ok_or_else(|| {
            HarnessError::Imap(ImapError::protocol(
                "appending a message",
                "no APPENDUID in the answer",
            ))
        })
    }

    /// The messages in a folder with their flags, by UID; empty when the folder is missing.
    pub async fn messages(&self, folder: &str) -> Result<Vec<StoredMessage>, HarnessError> {
        let mut session = self.session().await?;
        if !session.exists(folder).await? {
            session.logout().await;
            return Ok(Vec::new());
        }
        session.select(folder, true).await?;
        let reply = session
            .run_ok("UID FETCH 1:* (UID FLAGS)", "listing messages")
            .await?;
        session.logout().await;
        let mut out: Vec<StoredMessage> = reply
            .untagged
            .into_iter()
            .filter_map(|u| match u {
                crate::wire::Untagged::Fetch(items) => {
                    let uid = items
                        .iter()
                        .find(|(n, _)| n == "UID")
                        .and_then(|(_, v)| v.as_number())
                        .and_then(|n| u32::try_from(n).ok())?;
                    let flags = items
                        .into_iter()
                        .find(|(n, _)| n == "FLAGS")
                        .map(|(_, v)| match v {
                            Value::List(items) => items
                                .into_iter()
                                .filter_map(|f| match f {
                                    Value::Atom(a) => Some(a),
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        })
                        .unwrap_or_default();
                    Some(StoredMessage { uid, flags })
                }
                _ => None,
            })
            .collect();
        out.sort_by_key(|m| m.uid);
        Ok(out)
    }

    /// The folder's current UIDVALIDITY.
    pub async fn uid_validity(&self, folder: &str) -> Result<u32, HarnessError> {
        let mut session = self.session().await?;
        let selected = session.select(folder, true).await?;
        session.logout().await;
        Ok(selected.uid_validity)
    }

    /// Adds flags (e.g. `\Seen`) to one message.
    pub async fn add_flags(
        &self,
        folder: &str,
        uid: u32,
        flags: &[&str],
    ) -> Result<(), HarnessError> {
        let mut session = self.session().await?;
        session.select(folder, false).await?;
        session.add_flags(uid, &flags.join(" ")).await?;
        session.logout().await;
        Ok(())
    }

    /// Creates a folder.
    pub async fn create_folder(&self, folder: &str) -> Result<(), HarnessError> {
        let mut session = self.session().await?;
        session.create(folder).await?;
        session.logout().await;
        Ok(())
    }

    /// Deletes a folder with everything in it (recreating it gives a new UIDVALIDITY).
    pub async fn delete_folder(&self, folder: &str) -> Result<(), HarnessError> {
        let mut session = self.session().await?;
        session
            .run_ok(
                &format!("DELETE {}", crate::wire::mailbox(folder)),
                "deleting a folder",
            )
            .await?;
        session.logout().await;
        Ok(())
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // `-F` keeps the master in the foreground: killing it takes its children down.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The system users Dovecot's processes and the mail run as.
struct Users {
    as_root: bool,
    login_user: String,
    internal_user: String,
    internal_group: String,
    mail_uid: u32,
    mail_gid: u32,
}

impl Users {
    fn for_process(uid: u32, gid: u32) -> Result<Users, HarnessError> {
        let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
        let group = fs::read_to_string("/etc/group").unwrap_or_default();
        let user_by = |pred: &dyn Fn(&[&str]) -> bool| -> Option<(String, u32, u32)> {
            passwd.lines().find_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                if f.len() < 4 || !pred(&f) {
                    return None;
                }
                Some((f[0].to_owned(), f[2].parse().ok()?, f[3].parse().ok()?))
            })
        };
        let group_name = |gid: u32| -> Option<String> {
            group.lines().find_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                (f.len() >= 3 && f[2].parse() == Ok(gid)).then(|| f[0].to_owned())
            })
        };
        let named = |name: &str| user_by(&|f| f[0] == name);
        if uid == 0 {
            let nobody = named("nobody")
                .ok_or_else(|| HarnessError::Users("no user 'nobody' to own the mail".into()))?;
            let login = named("dovenull").unwrap_or_else(|| nobody.clone());
            let internal = named("dovecot").unwrap_or_else(|| nobody.clone());
            let internal_group = group_name(internal.2)
                .ok_or_else(|| HarnessError::Users(format!("no group {}", internal.2)))?;
            Ok(Users {
                as_root: true,
                login_user: login.0,
                internal_user: internal.0,
                internal_group,
                mail_uid: nobody.1,
                mail_gid: nobody.2,
            })
        } else {
            let me = user_by(&|f| f[2].parse() == Ok(uid))
                .ok_or_else(|| HarnessError::Users(format!("uid {uid} has no user name")))?;
            let my_group = group_name(gid)
                .ok_or_else(|| HarnessError::Users(format!("gid {gid} has no group name")))?;
            Ok(Users {
                as_root: false,
                login_user: me.0.clone(),
                internal_user: me.0,
                internal_group: my_group,
                mail_uid: uid,
                mail_gid: gid,
            })
        }
    }
}

fn configuration(
    root: &Path,
    users: &Users,
    imap_port: u16,
    imaps_port: u16,
    options: &DovecotOptions,
) -> String {
    let p = |name: &str| -> PathBuf { root.join(name) };
    // Root may not run the auth process as `dovecot` here: it must read files in a root-owned
    // directory. Non-root runs every process as itself anyway.
    let auth_user = if users.as_root {
        "root".to_owned()
    } else {
        users.internal_user.clone()
    };
    let capability = if options.advertise_move {
        String::new()
    } else {
        // Dovecot 2.3's post-login list without MOVE (the command itself still works).
        "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY \
         THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE \
         UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH \
         ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+\n"
            .to_owned()
    };
    format!(
        "# Throwaway Dovecot for veto-imap tests.
base_dir = {run}
state_dir = {state}
log_path = {log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain login
# Refused logins answer at once (the default waits 2 s).
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
{capability}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No growing delay for logins from an address that failed before (tests fail on purpose).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  user = {auth_user}
}}
service auth-worker {{
  user = {auth_user}
}}
",
        run = p("run").display(),
        state = p("state").display(),
        log = p("dovecot.log").display(),
        cert = p("server.pem").display(),
        key = p("server.key").display(),
        users = p("users").display(),
        login_user = users.login_user,
        internal_user = users.internal_user,
        internal_group = users.internal_group,
    )
}

/// A CA and a server certificate for `127.0.0.1` and `localhost` signed by it (a self-signed
/// server certificate cannot be a trust anchor for rustls); the CA's PEM.
fn write_certificates(root: &Path) -> Result<String, HarnessError> {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let cert_error = |e: rcgen::Error| HarnessError::Certificate(e.to_string());
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(cert_error)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "veto-imap test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().map_err(cert_error)?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(cert_error)?;

    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .map_err(cert_error)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().map_err(cert_error)?;
    let cert = params.signed_by(&key, &ca).map_err(cert_error)?;

    fs::write(root.join("server.pem"), cert.pem())?;
    let key_path = root.join("server.key");
    fs::write(&key_path, key.serialize_pem())?;
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o600))?;
    Ok(ca.pem())
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}
