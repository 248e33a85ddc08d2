//! One SMTP session as a state machine without I/O: bytes in ([`Session::receive`]), replies
//! out ([`Session::take_output`]), and [`Event`]s for what the application must decide or
//! the connection must do. The connection (`connection`) drives it over a socket; the fuzz
//! target and the unit tests drive it directly.
//!
//! Order of work follows RFC 2920: commands are taken from the input one at a time, in order;
//! replies accumulate in the output until no complete command is left ([`Event::NeedInput`]),
//! and only then does the connection write and flush them.

use std::fmt;

use memchr::memchr;

use crate::command::{self, Command};
use crate::config::ServerConfig;
use crate::data::{DataEnd, DataReader};
use crate::handler::Envelope;
use crate::reply::Reply;
use crate::sasl::{self, LOGIN_PASSWORD, LOGIN_USERNAME, Mechanism, SaslError};

/// RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF; command lines are
/// held to the same bound here (4.5.3.1.4's 512 is too tight once parameters are added).
pub(crate) const MAX_COMMAND_LINE: usize = 1000;
/// RFC 4954 4: a SASL response line may be up to 12288 octets.
pub(crate) const MAX_SASL_LINE: usize = 12288;

/// The parts of [`ServerConfig`] the state machine needs.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    pub(crate) hostname: String,
    pub(crate) max_message_bytes: usize,
    pub(crate) max_recipients: usize,
    pub(crate) max_auth_failures: u32,
    pub(crate) max_bad_commands: u32,
    /// A TLS certificate is configured, so STARTTLS can be offered.
    pub(crate) starttls: bool,
}

impl Limits {
    pub(crate) fn from_config(c: &ServerConfig) -> Limits {
        Limits {
            hostname: c.hostname.clone(),
            max_message_bytes: c.max_message_bytes,
            max_recipients: c.max_recipients,
            max_auth_failures: c.max_auth_failures,
            max_bad_commands: c.max_bad_commands,
            starttls: c.tls.is_some(),
        }
    }
}

/// What the session needs next.
pub(crate) enum Event {
    /// Write the output, then read more input.
    NeedInput,
    /// Check these credentials; answer with [`Session::answer_auth`].
    Authenticate { username: String, password: String },
    /// A new transaction; answer with [`Session::answer_mail`].
    MailFrom { from: String, size: Option<u64> },
    /// A recipient of the open transaction; answer with [`Session::answer_rcpt`].
    RcptTo { from: String, rcpt: String },
    /// A complete message; answer with [`Session::answer_data`].
    Data {
        envelope: Envelope,
        message: Vec<u8>,
    },
    /// Write the output, then run the TLS handshake and call [`Session::tls_started`].
    StartTls,
    /// Write the output, then close the connection.
    Close,
}

impl fmt::Debug for Event {
    // Written out so a password or a message can never end up in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::NeedInput => f.write_str("NeedInput"),
            Event::Authenticate { username, .. } => f
                .debug_struct("Authenticate")
                .field("username", username)
                .finish_non_exhaustive(),
            Event::MailFrom { size, .. } => f
                .debug_struct("MailFrom")
                .field("size", size)
                .finish_non_exhaustive(),
            Event::RcptTo { .. } => f.write_str("RcptTo"),
            Event::Data { message, .. } => f
                .debug_struct("Data")
                .field("bytes", &message.len())
                .finish_non_exhaustive(),
            Event::StartTls => f.write_str("StartTls"),
            Event::Close => f.write_str("Close"),
        }
    }
}

enum SaslStep {
    Plain,
    LoginUsername,
    LoginPassword(String),
}

/// The event handed out whose answer is due.
enum Pending {
    Auth(String),
    Mail {
        from: String,
        size: Option<u64>,
        body_8bit: bool,
    },
    Rcpt(String),
    Data,
    StartTls,
}

enum Mode {
    Command,
    /// An over-long line is being skipped up to its LF; its reply comes then.
    Discarding,
    Sasl(SaslStep),
    Data(DataReader),
    Waiting(Pending),
    Closed,
}

struct Transaction {
    from: String,
    size: Option<u64>,
    body_8bit: bool,
    rcpts: Vec<String>,
}

pub(crate) struct Session {
    limits: Limits,
    input: Vec<u8>,
    output: Vec<u8>,
    mode: Mode,
    tls: bool,
    loopback: bool,
    helo: Option<String>,
    esmtp: bool,
    user: Option<String>,
    tx: Option<Transaction>,
    auth_failures: u32,
    bad_commands: u32,
    shutting_down: bool,
}

impl Session {
    /// A new session; the greeting is already in the output. `tls`: the connection is
    /// encrypted from the start; `loopback`: the peer is on this machine (AUTH without TLS).
    pub(crate) fn new(limits: Limits, tls: bool, loopback: bool) -> Session {
        let mut session = Session {
            limits,
            input: Vec::new(),
            output: Vec::new(),
            mode: Mode::Command,
            tls,
            loopback,
            helo: None,
            esmtp: false,
            user: None,
            tx: None,
            auth_failures: 0,
            bad_commands: 0,
            shutting_down: false,
        };
        let greeting = format!("{} ESMTP Veto", session.limits.hostname);
        session.reply(Reply::new(220, None, greeting));
        session
    }

    /// Adds bytes read from the client.
    pub(crate) fn receive(&mut self, bytes: &[u8]) {
        if !matches!(self.mode, Mode::Closed) {
            self.input.extend_from_slice(bytes);
        }
    }

    /// The replies produced since the last call.
    pub(crate) fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    /// Whether a message is being read (the data timeout applies).
    pub(crate) fn in_data(&self) -> bool {
        matches!(self.mode, Mode::Data(_))
    }

    pub(crate) fn helo(&self) -> Option<&str> {
        self.helo.as_deref()
    }

    pub(crate) fn tls(&self) -> bool {
        self.tls
    }

    /// The client went quiet for too long: `421` and close (RFC 5321 4.5.3.2).
    pub(crate) fn timed_out(&mut self) {
        if !matches!(self.mode, Mode::Closed) {
            let text = format!("{} Timeout, closing connection", self.limits.hostname);
            self.reply(Reply::new(421, Some((4, 4, 2)), text));
            self.mode = Mode::Closed;
        }
    }

    /// The server is stopping: the next command (or now, if the session waits for one) gets
    /// `421 4.3.2`; a message being read is read to its end and handed over first.
    pub(crate) fn shutdown(&mut self) {
        self.shutting_down = true;
    }

    /// Processes input until something is needed.
    pub(crate) fn next_event(&mut self) -> Event {
        loop {
            match std::mem::replace(&mut self.mode, Mode::Closed) {
                Mode::Closed => return Event::Close,
                Mode::Waiting(pending) => {
                    // The connection asked for more before answering: a bug, not the client's.
                    self.mode = Mode::Waiting(pending);
                    self.internal_error();
                }
                Mode::Data(mut reader) => {
                    let (used, done) = reader.feed(&self.input);
                    self.input.drain(..used);
                    if !done {
                        self.mode = Mode::Data(reader);
                        return Event::NeedInput;
                    }
                    self.mode = Mode::Command;
                    if let Some(event) = self.data_end(reader) {
                        return event;
                    }
                }
                Mode::Discarding => match memchr(b'\n', &self.input) {
                    None => {
                        self.input.clear();
                        self.mode = Mode::Discarding;
                        return Event::NeedInput;
                    }
                    Some(at) => {
                        self.input.drain(..=at);
                        self.mode = Mode::Command;
                        self.line_too_long();
                    }
                },
                mode @ (Mode::Command | Mode::Sasl(_)) => {
                    if self.shutting_down {
                        let text = format!("{} Service shutting down", self.limits.hostname);
                        self.reply(Reply::new(421, Some((4, 3, 2)), text));
                        return Event::Close;
                    }
                    let limit = match mode {
                        Mode::Sasl(_) => MAX_SASL_LINE,
                        _ => MAX_COMMAND_LINE,
                    };
                    let Some(at) = memchr(b'\n', &self.input) else {
                        if self.input.len() >= limit {
                            self.input.clear();
                            self.mode = Mode::Discarding;
                            continue;
                        }
                        self.mode = mode;
                        return Event::NeedInput;
                    };
                    let line: Vec<u8> = self.input.drain(..=at).collect();
                    self.mode = Mode::Command;
                    if line.len() > limit {
                        self.line_too_long();
                        continue;
                    }
                    let event = match mode {
                        Mode::Sasl(step) => self.sasl_response(step, &line),
                        _ => self.command(&line),
                    };
                    if let Some(event) = event {
                        return event;
                    }
                }
            }
        }
    }

    /// The handler's answer to [`Event::Authenticate`].
    pub(crate) fn answer_auth(&mut self, answer: Result<(), Reply>) {
        let Mode::Waiting(Pending::Auth(user)) = self.take_waiting() else {
            return self.internal_error();
        };
        match answer {
            Ok(()) => {
                self.user = Some(user);
                self.reply(Reply::new(
                    235,
                    Some((2, 7, 0)),
                    "Authentication successful",
                ));
            }
            Err(reply) => self.auth_failed(reply.into_refusal()),
        }
    }

    /// The handler's answer to [`Event::MailFrom`].
    pub(crate) fn answer_mail(&mut self, answer: Result<(), Reply>) {
        let Mode::Waiting(Pending::Mail {
            from,
            size,
            body_8bit,
        }) = self.take_waiting()
        else {
            return self.internal_error();
        };
        match answer {
            Ok(()) => {
                self.tx = Some(Transaction {
                    from,
                    size,
                    body_8bit,
                    rcpts: Vec::new(),
                });
                self.reply(Reply::new(250, Some((2, 1, 0)), "Sender OK"));
            }
            Err(reply) => self.reply(reply.into_refusal()),
        }
    }

    /// The handler's answer to [`Event::RcptTo`].
    pub(crate) fn answer_rcpt(&mut self, answer: Result<(), Reply>) {
        let Mode::Waiting(Pending::Rcpt(rcpt)) = self.take_waiting() else {
            return self.internal_error();
        };
        let Some(tx) = self.tx.as_mut() else {
            return self.internal_error();
        };
        match answer {
            Ok(()) => {
                tx.rcpts.push(rcpt);
                self.reply(Reply::new(250, Some((2, 1, 5)), "Recipient OK"));
            }
            Err(reply) => self.reply(reply.into_refusal()),
        }
    }

    /// The handler's answer to [`Event::Data`]; it ends the transaction.
    pub(crate) fn answer_data(&mut self, answer: Reply) {
        let Mode::Waiting(Pending::Data) = self.take_waiting() else {
            return self.internal_error();
        };
        self.tx = None;
        self.reply(answer.into_final());
    }

    /// The TLS handshake after [`Event::StartTls`] succeeded. RFC 3207 4.2: the client must
    /// start over with EHLO, and nothing learnt before (name, authentication) is kept.
    pub(crate) fn tls_started(&mut self) {
        let Mode::Waiting(Pending::StartTls) = self.take_waiting() else {
            return self.internal_error();
        };
        self.tls = true;
        self.helo = None;
        self.esmtp = false;
        self.user = None;
        self.tx = None;
        self.input.clear();
    }

    fn take_waiting(&mut self) -> Mode {
        match std::mem::replace(&mut self.mode, Mode::Command) {
            waiting @ Mode::Waiting(_) => waiting,
            other => {
                self.mode = other;
                Mode::Closed
            }
        }
    }

    fn reply(&mut self, reply: Reply) {
        reply.write_to(&mut self.output);
    }

    /// A refused command: its reply, and `421` once there were too many.
    fn refuse(&mut self, reply: Reply) {
        tracing::debug!(code = reply.code, "command refused");
        self.reply(reply);
        self.bad_commands += 1;
        if self.bad_commands >= self.limits.max_bad_commands {
            tracing::info!(count = self.bad_commands, "too many bad commands, closing");
            let text = format!(
                "{} Too many errors, closing connection",
                self.limits.hostname
            );
            self.reply(Reply::new(421, Some((4, 7, 0)), text));
            self.mode = Mode::Closed;
        }
    }

    fn auth_failed(&mut self, reply: Reply) {
        self.reply(reply);
        self.auth_failures += 1;
        if self.auth_failures >= self.limits.max_auth_failures {
            tracing::info!(
                count = self.auth_failures,
                "too many authentication failures, closing"
            );
            let text = format!(
                "{} Too many authentication failures, closing connection",
                self.limits.hostname
            );
            self.reply(Reply::new(421, Some((4, 7, 0)), text));
            self.mode = Mode::Closed;
        }
    }

    fn internal_error(&mut self) {
        tracing::error!("SMTP session driven out of order");
        let text = format!(
            "{} Internal error, closing connection",
            self.limits.hostname
        );
        self.reply(Reply::new(421, Some((4, 3, 0)), text));
        self.mode = Mode::Closed;
    }

    fn line_too_long(&mut self) {
        self.refuse(Reply::new(500, Some((5, 5, 6)), "Line too long"));
    }

    fn auth_permitted(&self) -> bool {
        self.tls || self.loopback
    }

    fn command(&mut self, line: &[u8]) -> Option<Event> {
        let command = match command::parse(line) {
            Ok(command) => command,
            Err(reply) => {
                self.refuse(reply);
                return None;
            }
        };
        match command {
            Command::Ehlo(host) => {
                // RFC 5321 4.1.4: EHLO in a transaction ends it, as RSET would.
                self.tx = None;
                self.helo = Some(host);
                self.esmtp = true;
                self.ehlo_reply();
            }
            Command::Helo(host) => {
                self.tx = None;
                self.helo = Some(host);
                self.esmtp = false;
                let name = self.limits.hostname.clone();
                self.reply(Reply::new(250, None, name));
            }
            Command::Auth { mechanism, initial } => return self.auth(mechanism, initial),
            Command::Mail {
                from,
                size,
                body_8bit,
            } => return self.mail(from, size, body_8bit),
            Command::Rcpt(rcpt) => return self.rcpt(rcpt),
            Command::Data => self.data(),
            Command::Rset => {
                self.tx = None;
                self.reply(Reply::ok());
            }
            Command::Noop => self.reply(Reply::ok()),
            Command::Quit => {
                let text = format!("{} closing connection", self.limits.hostname);
                self.reply(Reply::new(221, Some((2, 0, 0)), text));
                self.mode = Mode::Closed;
                return Some(Event::Close);
            }
            // RFC 5321 3.5.3: 252 when the server will not verify but will take mail.
            Command::Vrfy => self.reply(Reply::new(
                252,
                Some((2, 1, 5)),
                "Cannot VRFY user, but will accept message and attempt delivery",
            )),
            Command::StartTls => return self.starttls(),
            Command::NotImplemented(name) => self.refuse(Reply::new(
                502,
                Some((5, 5, 1)),
                format!("{name} not implemented"),
            )),
        }
        None
    }

    fn ehlo_reply(&mut self) {
        let mut lines = vec![
            self.limits.hostname.clone(),
            "PIPELINING".to_owned(),
            format!("SIZE {}", self.limits.max_message_bytes),
            "8BITMIME".to_owned(),
            "ENHANCEDSTATUSCODES".to_owned(),
        ];
        if self.limits.starttls && !self.tls {
            lines.push("STARTTLS".to_owned());
        }
        if self.auth_permitted() && self.user.is_none() {
            lines.push("AUTH PLAIN LOGIN".to_owned());
        }
        // RFC 2034 3: EHLO replies carry no enhanced status code.
        self.reply(Reply::new(250, None, lines.join("\n")));
    }

    fn auth(&mut self, mechanism: Mechanism, initial: Option<String>) -> Option<Event> {
        if !self.auth_permitted() {
            self.refuse(Reply::new(
                538,
                Some((5, 7, 11)),
                "Encryption required for requested authentication mechanism",
            ));
            return None;
        }
        let sequence_error = if self.user.is_some() {
            Some("Already authenticated")
        } else if !self.esmtp {
            Some("Send EHLO first")
        } else if self.tx.is_some() {
            Some("AUTH not permitted during a mail transaction")
        } else {
            None
        };
        if let Some(text) = sequence_error {
            self.refuse(Reply::new(503, Some((5, 5, 1)), text));
            return None;
        }
        match (mechanism, initial) {
            (Mechanism::Plain, None) => {
                self.reply(Reply::new(334, None, ""));
                self.mode = Mode::Sasl(SaslStep::Plain);
                None
            }
            (Mechanism::Plain, Some(response)) => self.plain(&response),
            (Mechanism::Login, None) => {
                self.reply(Reply::new(334, None, LOGIN_USERNAME));
                self.mode = Mode::Sasl(SaslStep::LoginUsername);
                None
            }
            (Mechanism::Login, Some(response)) => {
                self.login_username(&response);
                None
            }
        }
    }

    fn sasl_response(&mut self, step: SaslStep, line: &[u8]) -> Option<Event> {
        let Ok(text) = std::str::from_utf8(line) else {
            self.sasl_error(SaslError::Base64);
            return None;
        };
        if sasl::is_cancel(text) {
            self.refuse(Reply::new(501, Some((5, 7, 0)), "Authentication cancelled"));
            return None;
        }
        match step {
            SaslStep::Plain => self.plain(text),
            SaslStep::LoginUsername => {
                self.login_username(text);
                None
            }
            SaslStep::LoginPassword(username) => match sasl::decode_login(text) {
                Ok(password) => self.authenticate(username, password),
                Err(e) => {
                    self.sasl_error(e);
                    None
                }
            },
        }
    }

    fn plain(&mut self, response: &str) -> Option<Event> {
        match sasl::decode_plain(response) {
            Ok((username, password)) => self.authenticate(username, password),
            Err(e) => {
                self.sasl_error(e);
                None
            }
        }
    }

    fn login_username(&mut self, response: &str) {
        match sasl::decode_login(response) {
            Ok(username) => {
                self.reply(Reply::new(334, None, LOGIN_PASSWORD));
                self.mode = Mode::Sasl(SaslStep::LoginPassword(username));
            }
            Err(e) => self.sasl_error(e),
        }
    }

    fn sasl_error(&mut self, e: SaslError) {
        match e {
            SaslError::Authzid => {
                self.auth_failed(Reply::new(535, Some((5, 7, 8)), e.describe()));
            }
            _ => self.refuse(Reply::new(501, Some((5, 5, 2)), e.describe())),
        }
    }

    fn authenticate(&mut self, username: String, password: String) -> Option<Event> {
        self.mode = Mode::Waiting(Pending::Auth(username.clone()));
        Some(Event::Authenticate { username, password })
    }

    fn mail(&mut self, from: String, size: Option<u64>, body_8bit: bool) -> Option<Event> {
        if self.helo.is_none() {
            self.refuse(Reply::new(503, Some((5, 5, 1)), "Send EHLO/HELO first"));
            return None;
        }
        if self.user.is_none() {
            self.refuse(Reply::new(530, Some((5, 7, 0)), "Authentication required"));
            return None;
        }
        if self.tx.is_some() {
            self.refuse(Reply::new(503, Some((5, 5, 1)), "Nested MAIL command"));
            return None;
        }
        // RFC 1870 6: a declared size over the limit is refused at MAIL.
        if size.is_some_and(|s| s > self.limits.max_message_bytes as u64) {
            self.reply(too_big());
            return None;
        }
        self.mode = Mode::Waiting(Pending::Mail {
            from: from.clone(),
            size,
            body_8bit,
        });
        Some(Event::MailFrom { from, size })
    }

    fn rcpt(&mut self, rcpt: String) -> Option<Event> {
        let Some(tx) = &self.tx else {
            self.refuse(Reply::new(503, Some((5, 5, 1)), "Need MAIL before RCPT"));
            return None;
        };
        if tx.rcpts.len() >= self.limits.max_recipients {
            // RFC 5321 4.5.3.1.10: 452 for too many recipients.
            self.reply(Reply::new(452, Some((4, 5, 3)), "Too many recipients"));
            return None;
        }
        let from = tx.from.clone();
        self.mode = Mode::Waiting(Pending::Rcpt(rcpt.clone()));
        Some(Event::RcptTo { from, rcpt })
    }

    fn data(&mut self) {
        let Some(tx) = &self.tx else {
            self.refuse(Reply::new(503, Some((5, 5, 1)), "Need MAIL command"));
            return;
        };
        if tx.rcpts.is_empty() {
            self.reply(Reply::new(554, Some((5, 5, 1)), "No valid recipients"));
            return;
        }
        self.reply(Reply::new(354, None, "End data with <CR><LF>.<CR><LF>"));
        self.mode = Mode::Data(DataReader::new(self.limits.max_message_bytes));
    }

    fn data_end(&mut self, reader: DataReader) -> Option<Event> {
        let size = reader.size();
        match reader.finish() {
            DataEnd::TooBig => {
                tracing::info!(bytes = size, "message over the size limit refused");
                self.tx = None;
                self.reply(too_big());
                None
            }
            DataEnd::BareLineEnd => {
                tracing::info!(bytes = size, "message with bare CR or LF refused");
                self.tx = None;
                self.reply(Reply::new(
                    554,
                    Some((5, 6, 0)),
                    "Message refused: bare CR or LF (lines must end with CRLF, RFC 5321 2.3.8)",
                ));
                None
            }
            DataEnd::Message(message) => {
                let Some(tx) = &self.tx else {
                    self.internal_error();
                    return None;
                };
                let envelope = Envelope {
                    mail_from: tx.from.clone(),
                    rcpt_to: tx.rcpts.clone(),
                    size_hint: tx.size,
                    body_8bit: tx.body_8bit,
                };
                self.mode = Mode::Waiting(Pending::Data);
                Some(Event::Data { envelope, message })
            }
        }
    }

    fn starttls(&mut self) -> Option<Event> {
        if self.tls {
            self.refuse(Reply::new(503, Some((5, 5, 1)), "Already in TLS"));
            return None;
        }
        if !self.limits.starttls {
            self.refuse(Reply::new(502, Some((5, 5, 1)), "STARTTLS not available"));
            return None;
        }
        self.reply(Reply::new(220, Some((2, 0, 0)), "Ready to start TLS"));
        // RFC 3207 5 / CVE-2011-0411: bytes sent after STARTTLS in the clear must not be read
        // as commands of the encrypted session.
        if !self.input.is_empty() {
            tracing::info!(
                bytes = self.input.len(),
                "discarded input pipelined after STARTTLS"
            );
            self.input.clear();
        }
        self.mode = Mode::Waiting(Pending::StartTls);
        Some(Event::StartTls)
    }
}

fn too_big() -> Reply {
    Reply::new(
        552,
        Some((5, 3, 4)),
        "Message size exceeds fixed maximum message size",
    )
}

/// Drives a session over `input` without sockets, answering as a test application would
/// (user `u`, password `p`; recipients containing `blocked` refused; every message taken),
/// and returns everything the server wrote. The first input byte picks how the rest is split
/// into reads (1 to 256 bytes each) and whether the peer counts as loopback.
pub(crate) fn transcript(input: &[u8]) -> Vec<u8> {
    let (control, mut rest) = match input.split_first() {
        Some((c, rest)) => (*c, rest),
        None => (0, input),
    };
    let limits = Limits {
        hostname: "fuzz.example".into(),
        max_message_bytes: 4096,
        max_recipients: 5,
        max_auth_failures: 3,
        max_bad_commands: 20,
        starttls: true,
    };
    let chunk = usize::from(control >> 1) + 1;
    let mut session = Session::new(limits, false, control & 1 == 1);
    let mut written = Vec::new();
    loop {
        written.extend(session.take_output());
        match session.next_event() {
            Event::NeedInput => {
                if rest.is_empty() {
                    break;
                }
                let n = chunk.min(rest.len());
                session.receive(&rest[..n]);
                rest = &rest[n..];
            }
            Event::Authenticate { username, password } => {
                session.answer_auth(if username == "u" && password == "p" {
                    Ok(())
                } else {
                    Err(Reply::new(535, Some((5, 7, 8)), "Bad credentials"))
                });
            }
            Event::MailFrom { .. } => session.answer_mail(Ok(())),
            Event::RcptTo { rcpt, .. } => session.answer_rcpt(if rcpt.contains("blocked") {
                Err(Reply::new(550, Some((5, 7, 1)), "Suppressed"))
            } else {
                Ok(())
            }),
            Event::Data { message, .. } => {
                session.answer_data(Reply::new(250, Some((2, 0, 0)), message.len().to_string()))
            }
            Event::StartTls => session.tls_started(),
            Event::Close => break,
        }
    }
    session.timed_out();
    written.extend(session.take_output());
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            hostname: "mx.test".into(),
            max_message_bytes: 100,
            max_recipients: 2,
            max_auth_failures: 3,
            max_bad_commands: 5,
            starttls: true,
        }
    }

    /// Feeds `input`, answers events like the fuzz driver, returns the replies' first lines'
    /// codes in order (continuation lines skipped).
    fn codes(session: &mut Session, input: &str) -> Vec<u16> {
        session.receive(input.as_bytes());
        let mut out = Vec::new();
        loop {
            match session.next_event() {
                Event::NeedInput | Event::Close => break,
                Event::Authenticate { username, password } => {
                    session.answer_auth(if (username.as_str(), password.as_str()) == ("u", "p") {
                        Ok(())
                    } else {
                        Err(Reply::new(535, Some((5, 7, 8)), "no"))
                    })
                }
                Event::MailFrom { .. } => session.answer_mail(Ok(())),
                Event::RcptTo { rcpt, .. } => session.answer_rcpt(if rcpt.contains("blocked") {
                    Err(Reply::new(550, Some((5, 7, 1)), "suppressed"))
                } else {
                    Ok(())
                }),
                Event::Data { .. } => session.answer_data(Reply::ok()),
                Event::StartTls => session.tls_started(),
            }
        }
        out.extend(session.take_output());
        String::from_utf8(out)
            .unwrap()
            .lines()
            .filter(|l| l.as_bytes().get(3) != Some(&b'-'))
            .map(|l| l[..3].parse().unwrap())
            .collect()
    }

    fn authenticated() -> Session {
        let mut s = Session::new(limits(), false, true);
        assert_eq!(
            codes(&mut s, "EHLO c\r\nAUTH PLAIN AHUAcA==\r\n"),
            [220, 250, 235]
        );
        s
    }

    #[test]
    fn a_whole_transaction_in_one_read() {
        let mut s = authenticated();
        let got = codes(
            &mut s,
            "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<blocked@y>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n",
        );
        assert_eq!(got, [250, 250, 550, 354, 250, 221]);
    }

    #[test]
    fn recipient_limit_and_rset() {
        let mut s = authenticated();
        let got = codes(
            &mut s,
            "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@y>\r\nRCPT TO:<d@y>\r\nRSET\r\nRCPT TO:<e@y>\r\n",
        );
        assert_eq!(got, [250, 250, 250, 452, 250, 503]);
    }

    #[test]
    fn bad_commands_close_the_session() {
        let mut s = Session::new(limits(), false, true);
        let got = codes(&mut s, &"FROB\r\n".repeat(10));
        assert_eq!(got, [220, 500, 500, 500, 500, 500, 421]);
        assert!(matches!(s.next_event(), Event::Close));
    }

    #[test]
    fn long_line_is_discarded_to_its_end_even_across_reads() {
        let mut s = Session::new(limits(), false, true);
        let long = "X".repeat(3000);
        assert_eq!(codes(&mut s, &long), [220]);
        assert_eq!(codes(&mut s, &long), Vec::<u16>::new());
        assert_eq!(codes(&mut s, "Y\r\nNOOP\r\n"), [500, 250]);
    }

    #[test]
    fn the_state_after_starttls_is_fresh() {
        let mut s = Session::new(limits(), false, false);
        assert_eq!(
            codes(&mut s, "EHLO c\r\nAUTH PLAIN AHUAcA==\r\n"),
            [220, 250, 538]
        );
        assert_eq!(codes(&mut s, "STARTTLS\r\nMAIL FROM:<a@x>\r\n"), [220]);
        assert!(s.tls());
        assert_eq!(s.helo(), None);
        assert_eq!(codes(&mut s, "MAIL FROM:<a@x>\r\n"), [503]);
    }

    #[test]
    fn shutdown_answers_the_next_command_with_421() {
        let mut s = authenticated();
        s.shutdown();
        assert_eq!(codes(&mut s, "NOOP\r\n"), [421]);
        assert!(matches!(s.next_event(), Event::Close));
    }

    #[test]
    fn transcript_never_stalls_on_garbage() {
        let out = transcript(b"\x07EHLO x\r\n\xff\xfe\r\nDATA\r\n");
        assert!(out.starts_with(b"220 fuzz.example ESMTP Veto\r\n"));
    }
}
