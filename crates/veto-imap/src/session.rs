//! One authenticated IMAP connection and the commands the poller (and the test harness) send.
//!
//! Commands are written by hand rather than through an IMAP client crate: `async-imap` 0.11
//! builds here, but it logs every command it sends at trace level through `log` — the LOGIN
//! password and the AUTHENTICATE response included — and every response (message bodies,
//! that is personal data), and it offers no way to log in outside it. The subset needed here
//! is small: greeting, CAPABILITY, STARTTLS, AUTHENTICATE PLAIN / LOGIN, LIST, CREATE,
//! SELECT, UID SEARCH/FETCH/STORE/MOVE/COPY/EXPUNGE, APPEND (for tests) and LOGOUT.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::config::{MailboxConfig, Security};
use crate::error::ImapError;
use crate::tls::{Stream, handshake};
use crate::wire::{
    Code, Response, Status, Untagged, Value, base64, mailbox, modified_utf7, parse_response,
    quoted, read_response, uid_set,
};

/// A command's completion and the untagged data that came before it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) untagged: Vec<Untagged>,
    pub(crate) status: Status,
    pub(crate) code: Option<Code>,
    pub(crate) text: String,
}

/// What SELECT tells about the folder.
#[derive(Debug)]
pub(crate) struct Selected {
    pub(crate) uid_validity: u32,
    /// `None` when the server sent no PERMANENTFLAGS (RFC 3501: then all flags persist).
    pub(crate) permanent_flags: Option<Vec<String>>,
    pub(crate) read_only: bool,
}

pub(crate) struct Session {
    io: BufReader<Stream>,
    tag: u32,
    capabilities: Vec<String>,
    timeout: Duration,
    max_literal: u64,
    host: String,
}

impl Session {
    /// Connects, sets up TLS as configured and reads the greeting and capabilities.
    pub(crate) async fn open(cfg: &MailboxConfig) -> Result<Session, ImapError> {
        let timeout = cfg.timeout;
        let tcp = within(
            timeout,
            "connecting",
            TcpStream::connect((cfg.host.as_str(), cfg.port)),
        )
        .await?
        .map_err(|source| ImapError::Connect {
            host: cfg.host.clone(),
            port: cfg.port,
            source,
        })?;
        let _ = tcp.set_nodelay(true);
        let stream = match cfg.security {
            Security::Implicit => {
                let tls = within(
                    timeout,
                    "setting up TLS",
                    handshake(tcp, &cfg.host, &cfg.trust),
                )
                .await??;
                Stream::Tls(Box::new(tls))
            }
            Security::StartTls | Security::Plain => Stream::Plain(tcp),
        };
        let mut session = Session {
            io: BufReader::new(stream),
            tag: 0,
            capabilities: Vec::new(),
            timeout,
            max_literal: cfg.max_message_bytes.max(1 << 20) + (64 << 10),
            host: cfg.host.clone(),
        };
        session.greeting().await?;
        if cfg.security == Security::StartTls {
            session = session.start_tls(cfg).await?;
        }
        Ok(session)
    }

    async fn greeting(&mut self) -> Result<(), ImapError> {
        const DURING: &str = "reading the server greeting";
        let timeout = self.timeout;
        let raw = within(
            timeout,
            DURING,
            read_response(&mut self.io, self.max_literal),
        )
        .await?
        .map_err(|e| io_error(DURING, e))?;
        match parse_response(&raw).map_err(|e| ImapError::protocol(DURING, e.0))? {
            Response::Untagged(Untagged::Status {
                status: Status::Ok | Status::PreAuth,
                code,
                ..
            }) => {
                if let Some(Code::Capability(caps)) = code {
                    self.capabilities = caps;
                }
                Ok(())
            }
            Response::Untagged(Untagged::Status {
                status: Status::Bye,
                text,
                ..
            }) => Err(ImapError::protocol(
                DURING,
                format!("the server refused the connection: {}", shorten(&text)),
            )),
            _ => Err(ImapError::protocol(DURING, "not an IMAP greeting")),
        }
    }

    async fn start_tls(mut self, cfg: &MailboxConfig) -> Result<Session, ImapError> {
        let tls_error = |reason: String| ImapError::Tls {
            host: cfg.host.clone(),
            reason,
        };
        self.refresh_capabilities().await?;
        if !self.has("STARTTLS") {
            return Err(tls_error("the server does not offer STARTTLS".into()));
        }
        let reply = self.run("STARTTLS", "starting TLS").await?;
        if reply.status != Status::Ok {
            return Err(tls_error(format!(
                "the server refused STARTTLS: {}",
                shorten(&reply.text)
            )));
        }
        // Bytes that arrived after the OK but before the handshake were sent in the clear
        // by someone: accepting them would let a man in the middle inject responses.
        if !self.io.buffer().is_empty() {
            return Err(tls_error(
                "the server sent data after agreeing to STARTTLS".into(),
            ));
        }
        let Stream::Plain(tcp) = self.io.into_inner() else {
            return Err(tls_error("the connection is already encrypted".into()));
        };
        let tls = within(
            self.timeout,
            "setting up TLS",
            handshake(tcp, &cfg.host, &cfg.trust),
        )
        .await??;
        // RFC 3501 §6.2.1: capabilities learned before TLS must be forgotten.
        let mut session = Session {
            io: BufReader::new(Stream::Tls(Box::new(tls))),
            capabilities: Vec::new(),
            ..self
        };
        session.refresh_capabilities().await?;
        Ok(session)
    }

    /// Whether the server announced this capability (case-insensitive).
    pub(crate) fn has(&self, capability: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(capability))
    }

    pub(crate) async fn refresh_capabilities(&mut self) -> Result<(), ImapError> {
        let reply = self.run_ok("CAPABILITY", "asking for capabilities").await?;
        for untagged in reply.untagged {
            if let Untagged::Capability(caps) = untagged {
                self.capabilities = caps;
            }
        }
        Ok(())
    }

    /// AUTHENTICATE PLAIN when offered (SASL-IR saves a round trip), else LOGIN.
    pub(crate) async fn login(&mut self, username: &str, password: &str) -> Result<(), ImapError> {
        const DURING: &str = "logging in";
        let refused = |reason: String| ImapError::LoginRefused {
            username: username.to_owned(),
            reason,
        };
        let reply = if self.has("AUTH=PLAIN") {
            let token = base64(format!("\0{username}\0{password}").as_bytes(), b'/', true);
            if self.has("SASL-IR") {
                self.run(&format!("AUTHENTICATE PLAIN {token}"), DURING)
                    .await?
            } else {
                self.run_with_continuation("AUTHENTICATE PLAIN", token.as_bytes(), DURING)
                    .await?
            }
        } else if self.has("LOGINDISABLED") {
            return Err(refused(
                "the server accepts no password on this connection (LOGINDISABLED)".into(),
            ));
        } else {
            self.run(
                &format!("LOGIN {} {}", quoted(username), quoted(password)),
                DURING,
            )
            .await?
        };
        match reply.status {
            Status::Ok => {}
            Status::No => return Err(refused(shorten(&reply.text))),
            _ => {
                return Err(refused(format!(
                    "the server rejected the login command: {}",
                    shorten(&reply.text)
                )));
            }
        }
        match reply.code {
            Some(Code::Capability(caps)) => {
                self.capabilities = caps;
                Ok(())
            }
            _ => self.refresh_capabilities().await,
        }
    }

    /// SELECT (read-write) or EXAMINE (read-only) a folder.
    pub(crate) async fn select(
        &mut self,
        folder: &str,
        read_only: bool,
    ) -> Result<Selected, ImapError> {
        const DURING: &str = "opening the folder";
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        let reply = self
            .run(&format!("{verb} {}", mailbox(folder)), DURING)
            .await?;
        if reply.status != Status::Ok {
            return Err(if self.exists(folder).await? {
                ImapError::FolderRefused {
                    folder: folder.to_owned(),
                    reason: shorten(&reply.text),
                }
            } else {
                ImapError::FolderMissing {
                    folder: folder.to_owned(),
                }
            });
        }
        let mut uid_validity = None;
        let mut permanent_flags = None;
        let codes = reply
            .untagged
            .into_iter()
            .filter_map(|u| match u {
                Untagged::Status { code, .. } => code,
                _ => None,
            })
            .chain(reply.code);
        let mut read_only_answer = false;
        for code in codes {
            match code {
                Code::UidValidity(v) => uid_validity = Some(v),
                Code::PermanentFlags(flags) => permanent_flags = Some(flags),
                Code::ReadOnly => read_only_answer = true,
                _ => {}
            }
        }
        let uid_validity = uid_validity
            .ok_or_else(|| ImapError::protocol(DURING, "the server sent no UIDVALIDITY"))?;
        Ok(Selected {
            uid_validity,
            permanent_flags,
            read_only: read_only_answer,
        })
    }

    /// Whether a selectable folder of exactly this name exists.
    pub(crate) async fn exists(&mut self, folder: &str) -> Result<bool, ImapError> {
        let reply = self
            .run_ok(
                &format!("LIST \"\" {}", mailbox(folder)),
                "looking for a folder",
            )
            .await?;
        let wanted = modified_utf7(folder);
        Ok(reply.untagged.iter().any(|u| match u {
            Untagged::List { attributes, name } => {
                let name = String::from_utf8_lossy(name);
                let same = if wanted.eq_ignore_ascii_case("INBOX") {
                    name.eq_ignore_ascii_case("INBOX")
                } else {
                    name == wanted
                };
                same && !attributes.iter().any(|a| {
                    a.eq_ignore_ascii_case("\\Noselect") || a.eq_ignore_ascii_case("\\NonExistent")
                })
            }
            _ => false,
        }))
    }

    /// Creates a folder (and subscribes to it so mail clients show it); an existing folder is
    /// fine.
    pub(crate) async fn create(&mut self, folder: &str) -> Result<(), ImapError> {
        let reply = self
            .run(&format!("CREATE {}", mailbox(folder)), "creating a folder")
            .await?;
        let already =
            matches!(&reply.code, Some(Code::Other(c)) if c.eq_ignore_ascii_case("ALREADYEXISTS"));
        if reply.status != Status::Ok && !already {
            return Err(ImapError::FolderRefused {
                folder: folder.to_owned(),
                reason: shorten(&reply.text),
            });
        }
        let subscribed = self
            .run(
                &format!("SUBSCRIBE {}", mailbox(folder)),
                "subscribing to a folder",
            )
            .await?;
        if subscribed.status != Status::Ok {
            tracing::debug!(reason = %shorten(&subscribed.text), "folder created but not subscribed");
        }
        Ok(())
    }

    /// UIDs matching the criteria, ascending.
    pub(crate) async fn uid_search(&mut self, criteria: &str) -> Result<Vec<u32>, ImapError> {
        let reply = self
            .run_ok(&format!("UID SEARCH {criteria}"), "searching for new mail")
            .await?;
        let mut uids: Vec<u32> = reply
            .untagged
            .into_iter()
            .flat_map(|u| match u {
                Untagged::Search(uids) => uids,
                _ => Vec::new(),
            })
            .collect();
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// RFC822.SIZE of each message still present.
    pub(crate) async fn sizes(&mut self, uids: &[u32]) -> Result<HashMap<u32, u64>, ImapError> {
        if uids.is_empty() {
            return Ok(HashMap::new());
        }
        let reply = self
            .run_ok(
                &format!("UID FETCH {} (UID RFC822.SIZE)", uid_set(uids)),
                "reading message sizes",
            )
            .await?;
        let mut sizes = HashMap::new();
        for items in fetches(reply.untagged) {
            if let Some(uid) = item_number(&items, "UID")
                && let Ok(uid) = u32::try_from(uid)
                && let Some(size) = item_number(&items, "RFC822.SIZE")
            {
                sizes.insert(uid, size);
            }
        }
        Ok(sizes)
    }

    /// The whole message, without setting `\Seen`; `None` when it is gone.
    pub(crate) async fn body(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let reply = self
            .run_ok(
                &format!("UID FETCH {uid} (UID BODY.PEEK[])"),
                "downloading a message",
            )
            .await?;
        for items in fetches(reply.untagged) {
            if item_number(&items, "UID") != Some(u64::from(uid)) {
                continue;
            }
            for (name, value) in items {
                if name == "BODY[]" {
                    return Ok(match value {
                        Value::Bytes(bytes) => Some(bytes),
                        Value::Atom(atom) => Some(atom.into_bytes()),
                        _ => None,
                    });
                }
            }
        }
        Ok(None)
    }

    /// Adds flags (a parenthesised list's inside, e.g. `\Seen` or `$VetoHandled`).
    pub(crate) async fn add_flags(&mut self, uid: u32, flags: &str) -> Result<(), ImapError> {
        self.run_ok(
            &format!("UID STORE {uid} +FLAGS.SILENT ({flags})"),
            "flagging a message",
        )
        .await
        .map(drop)
    }

    /// Moves exactly one message: UID MOVE, or UID COPY + `\Deleted` + UID EXPUNGE of that UID
    /// (never a plain EXPUNGE, which would also remove other messages marked deleted).
    pub(crate) async fn move_to(&mut self, uid: u32, folder: &str) -> Result<(), ImapError> {
        if self.has("MOVE") {
            self.run_ok(
                &format!("UID MOVE {uid} {}", mailbox(folder)),
                "moving a message",
            )
            .await?;
        } else if self.has("UIDPLUS") {
            self.run_ok(
                &format!("UID COPY {uid} {}", mailbox(folder)),
                "copying a message",
            )
            .await?;
            self.add_flags(uid, "\\Deleted").await?;
            self.run_ok(&format!("UID EXPUNGE {uid}"), "removing a moved message")
                .await?;
        } else {
            return Err(ImapError::Unsupported(
                "moving messages needs MOVE (RFC 6851) or UIDPLUS (RFC 4315)".into(),
            ));
        }
        Ok(())
    }

    /// APPENDs a message; the new UID when the server reports it (UIDPLUS).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) async fn append(
        &mut self,
        folder: &str,
        flags: &[&str],
        raw: &[u8],
    ) -> Result<Option<u32>, ImapError> {
        let command = format!(
            "APPEND {} ({}) {{{}}}",
            mailbox(folder),
            flags.join(" "),
            raw.len()
        );
        let reply = self
            .run_with_continuation(&command, raw, "appending a message")
            .await?;
        let reply = check_ok(reply, "appending a message")?;
        Ok(match reply.code {
            Some(Code::AppendUid { uid }) => Some(uid),
            _ => None,
        })
    }

    /// LOGOUT, best effort: the work is done whatever the server says.
    pub(crate) async fn logout(mut self) {
        let timeout = self.timeout.min(Duration::from_secs(5));
        self.timeout = timeout;
        if let Err(e) = self.run("LOGOUT", "logging out").await {
            tracing::debug!(error = %e, "IMAP logout failed");
        }
        let _ = within(timeout, "closing", self.io.get_mut().shutdown()).await;
    }

    /// Runs a command; a NO or BAD becomes a protocol error naming the step.
    pub(crate) async fn run_ok(
        &mut self,
        command: &str,
        during: &'static str,
    ) -> Result<Reply, ImapError> {
        let reply = self.run(command, during).await?;
        check_ok(reply, during)
    }

    /// Runs a command and returns its completion, whatever the status.
    pub(crate) async fn run(
        &mut self,
        command: &str,
        during: &'static str,
    ) -> Result<Reply, ImapError> {
        let timeout = self.timeout;
        within(timeout, during, self.exchange(command, None, during)).await?
    }

    /// Runs a command that waits for a continuation request (`+`) before `data` is sent.
    async fn run_with_continuation(
        &mut self,
        command: &str,
        data: &[u8],
        during: &'static str,
    ) -> Result<Reply, ImapError> {
        let timeout = self.timeout;
        within(timeout, during, self.exchange(command, Some(data), during)).await?
    }

    async fn exchange(
        &mut self,
        command: &str,
        mut continuation: Option<&[u8]>,
        during: &'static str,
    ) -> Result<Reply, ImapError> {
        self.tag += 1;
        let tag = format!("V{}", self.tag);
        // The command text is not logged: it may carry credentials.
        tracing::trace!(host = %self.host, %tag, during, "IMAP command");
        let io = |e| io_error(during, e);
        let stream = self.io.get_mut();
        stream
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .await
            .map_err(io)?;
        stream.flush().await.map_err(io)?;
        let mut untagged = Vec::new();
        let mut farewell: Option<String> = None;
        loop {
            let raw = match read_response(&mut self.io, self.max_literal).await {
                Ok(raw) => raw,
                Err(e) => {
                    if let (std::io::ErrorKind::UnexpectedEof, Some(text)) =
                        (e.kind(), farewell.as_deref())
                    {
                        return Err(ImapError::protocol(
                            during,
                            format!("the server ended the session: {}", shorten(text)),
                        ));
                    }
                    return Err(io_error(during, e));
                }
            };
            match parse_response(&raw).map_err(|e| ImapError::protocol(during, e.0))? {
                Response::Continue => {
                    let Some(data) = continuation.take() else {
                        return Err(ImapError::protocol(
                            during,
                            "unexpected continuation request",
                        ));
                    };
                    let stream = self.io.get_mut();
                    stream.write_all(data).await.map_err(io)?;
                    stream.write_all(b"\r\n").await.map_err(io)?;
                    stream.flush().await.map_err(io)?;
                }
                Response::Tagged {
                    tag: got,
                    status,
                    code,
                    text,
                } => {
                    if got != tag {
                        return Err(ImapError::protocol(
                            during,
                            format!("completion for unknown tag {got:?}"),
                        ));
                    }
                    return Ok(Reply {
                        untagged,
                        status,
                        code,
                        text,
                    });
                }
                Response::Untagged(Untagged::Status {
                    status: Status::Bye,
                    text,
                    ..
                }) => farewell = Some(text),
                Response::Untagged(u) => untagged.push(u),
            }
        }
    }
}

fn check_ok(reply: Reply, during: &'static str) -> Result<Reply, ImapError> {
    match reply.status {
        Status::Ok => Ok(reply),
        status => Err(ImapError::protocol(
            during,
            format!(
                "the server answered {}: {}",
                if status == Status::No { "NO" } else { "BAD" },
                shorten(&reply.text)
            ),
        )),
    }
}

fn fetches(untagged: Vec<Untagged>) -> impl Iterator<Item = Vec<(String, Value)>> {
    untagged.into_iter().filter_map(|u| match u {
        Untagged::Fetch(items) => Some(items),
        _ => None,
    })
}

fn item_number(items: &[(String, Value)], name: &str) -> Option<u64> {
    items
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_number())
}

/// Our framing errors (oversized literal, overlong line) are protocol errors; the rest is the
/// connection.
fn io_error(during: &'static str, e: std::io::Error) -> ImapError {
    if e.kind() == std::io::ErrorKind::InvalidData {
        ImapError::protocol(during, e.to_string())
    } else {
        ImapError::Io { during, source: e }
    }
}

/// Server text is shown in errors: keep it short and printable.
fn shorten(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

async fn within<T>(
    after: Duration,
    during: &'static str,
    fut: impl Future<Output = T>,
) -> Result<T, ImapError> {
    tokio::time::timeout(after, fut)
        .await
        .map_err(|_| ImapError::Timeout { during, after })
}
