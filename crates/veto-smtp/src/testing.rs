//! A real upstream SMTP server for tests: Python's aiosmtpd, started as a child process on a
//! free loopback port, recording every message it accepts. Used by this crate's tests and by
//! the relay's, which send through Veto to it and read back what arrived.
//!
//! ```no_run
//! # async fn demo() -> Result<(), veto_smtp::testing::SinkError> {
//! use std::time::Duration;
//! use veto_smtp::testing::{Sink, SinkOptions};
//! let Some(sink) = Sink::start_or_skip(SinkOptions::default())? else { return Ok(()) };
//! // … send a message to sink.addr() …
//! let messages = sink.wait_for(1, Duration::from_secs(10)).await?;
//! # Ok(()) }
//! ```
//!
//! Needs `python3` with the `aiosmtpd` package (`python3 -m pip install aiosmtpd`, or
//! `apt-get install python3-aiosmtpd`). Without them [`Sink::start`] fails naming what to
//! install, and [`Sink::start_or_skip`] prints `SKIPPED: …` and returns `Ok(None)` — unless
//! `VETO_REQUIRE_SINK=1` is set, when it fails too. `VETO_PYTHON` names another interpreter
//! than `python3`.
//!
//! The sink answers `451 4.3.0` to recipients whose local part contains `tempfail` and
//! `550 5.1.1` to those containing `reject`, so deferred and failed deliveries can be tested.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The sink's Python program.
const SCRIPT: &str = include_str!("testing/sink.py");

/// How long the sink may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the sink could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Python or aiosmtpd is not installed; the text says what to install.
    #[error("SMTP test sink unavailable: {0}")]
    Missing(String),
    /// Files or processes could not be set up.
    #[error("SMTP test sink: {0}")]
    Io(#[from] std::io::Error),
    /// The sink did not come up; its log is included.
    #[error("SMTP test sink did not start: {reason}\n--- sink log ---\n{log}")]
    Start {
        /// What was seen.
        reason: String,
        /// The sink's standard error.
        log: String,
    },
    /// A line of the message record could not be read.
    #[error("SMTP test sink: unreadable record line {line}: {reason}")]
    Record {
        /// 1-based line number in the record.
        line: usize,
        /// What was wrong.
        reason: String,
    },
    /// [`Sink::wait_for`] ran out of time.
    #[error("SMTP test sink: wanted {wanted} messages, got {got} within {waited:?}")]
    Timeout {
        /// How many messages were awaited.
        wanted: usize,
        /// How many had arrived.
        got: usize,
        /// How long it waited.
        waited: Duration,
    },
}

impl SinkError {
    /// Whether the error only says that Python or aiosmtpd is missing.
    pub fn is_missing(&self) -> bool {
        matches!(self, SinkError::Missing(_))
    }
}

/// How the sink behaves.
#[derive(Clone, Debug, Default)]
pub struct SinkOptions {
    /// Require AUTH with this username and password (PLAIN and LOGIN, allowed without TLS).
    pub auth: Option<(String, String)>,
    /// Offer STARTTLS with this certificate chain and private key (PEM).
    pub starttls: Option<(String, String)>,
}

/// One message the sink accepted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct SinkMessage {
    /// When its DATA ended, in microseconds since the Unix epoch.
    pub at_us: u64,
    /// The reverse-path (`""` for `<>`).
    pub mail_from: String,
    /// The recipients the sink accepted.
    pub rcpt_to: Vec<String>,
    /// The message as received (dot-unstuffed), decoded as UTF-8 with replacement.
    pub data: String,
    /// The user that authenticated, if any.
    pub auth_user: Option<String>,
}

/// A running sink; killed when dropped.
pub struct Sink {
    child: Child,
    dir: tempfile::TempDir,
    addr: SocketAddr,
}

impl Sink {
    /// Starts a sink and waits until it accepts connections.
    pub fn start(options: SinkOptions) -> Result<Sink, SinkError> {
        let python = std::env::var("VETO_PYTHON").unwrap_or_else(|_| "python3".into());
        check_python(&python)?;

        let dir = tempfile::Builder::new()
            .prefix("veto-smtp-sink-")
            .tempdir()?;
        let script = dir.path().join("sink.py");
        fs::write(&script, SCRIPT)?;
        let record = dir.path().join("messages.jsonl");
        fs::write(&record, "")?;
        let log = fs::File::create(dir.path().join("sink.log"))?;

        let mut command = Command::new(&python);
        command
            .arg(&script)
            .arg(&record)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some((user, password)) = &options.auth {
            command
                .env("SINK_AUTH_USER", user)
                .env("SINK_AUTH_PASSWORD", password);
        }
        if let Some((cert, key)) = &options.starttls {
            let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
            fs::write(&cert_path, cert)?;
            fs::write(&key_path, key)?;
            command
                .env("SINK_TLS_CERT", cert_path)
                .env("SINK_TLS_KEY", key_path);
        }
        let mut child = command.spawn()?;
        let port = match listening_port(&mut child) {
            Ok(port) => port,
            Err(reason) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = fs::read_to_string(dir.path().join("sink.log")).unwrap_or_default();
                return Err(SinkError::Start { reason, log });
            }
        };
        Ok(Sink {
            child,
            dir,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        })
    }

    /// [`Sink::start`], or `Ok(None)` after printing `SKIPPED: …` when Python or aiosmtpd is
    /// missing and `VETO_REQUIRE_SINK=1` is not set.
    pub fn start_or_skip(options: SinkOptions) -> Result<Option<Sink>, SinkError> {
        match Sink::start(options) {
            Ok(sink) => Ok(Some(sink)),
            Err(e)
                if e.is_missing() && std::env::var("VETO_REQUIRE_SINK").as_deref() != Ok("1") =>
            {
                eprintln!("SKIPPED: {e}");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Where the sink listens (127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message accepted so far, in order.
    pub fn messages(&self) -> Result<Vec<SinkMessage>, SinkError> {
        let text = fs::read_to_string(self.dir.path().join("messages.jsonl"))?;
        // A line without its newline is still being written.
        let complete = match text.rfind('\n') {
            Some(end) => &text[..=end],
            None => "",
        };
        complete
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                serde_json::from_str(line).map_err(|e| SinkError::Record {
                    line: i + 1,
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// Waits until at least `n` messages arrived; all of them.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<SinkMessage>, SinkError> {
        let started = Instant::now();
        loop {
            let messages = self.messages()?;
            if messages.len() >= n {
                return Ok(messages);
            }
            if started.elapsed() >= timeout {
                return Err(SinkError::Timeout {
                    wanted: n,
                    got: messages.len(),
                    waited: timeout,
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The sink's standard error so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("sink.log")).unwrap_or_default()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn check_python(python: &str) -> Result<(), SinkError> {
    let status = Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(SinkError::Missing(format!(
            "the Python package aiosmtpd is not installed for {python} \
             (python3 -m pip install aiosmtpd, or apt-get install python3-aiosmtpd)"
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SinkError::Missing(format!(
            "{python} is not installed (apt-get install python3, then python3 -m pip install \
             aiosmtpd)"
        ))),
        Err(e) => Err(SinkError::Io(e)),
    }
}

/// Reads the sink's `LISTENING <port>` line.
fn listening_port(child: &mut Child) -> Result<u16, String> {
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| "no standard output to read".to_owned())?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
    });
    let line = match rx.recv_timeout(START_TIMEOUT) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => return Err(format!("reading its output: {e}")),
        Err(_) => return Err(format!("not listening after {START_TIMEOUT:?}")),
    };
    line.trim()
        .strip_prefix("LISTENING ")
        .and_then(|port| port.parse().ok())
        .ok_or_else(|| {
            if line.is_empty() {
                "it exited before listening".to_owned()
            } else {
                format!("unexpected first line {line:?}")
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_interpreter_or_package_names_what_to_install() {
        let err = check_python("veto-no-such-python3").unwrap_err();
        assert!(err.is_missing());
        assert!(err.to_string().contains("apt-get install python3"), "{err}");
        // `false` runs but cannot import anything.
        let err = check_python("false").unwrap_err();
        assert!(err.to_string().contains("pip install aiosmtpd"), "{err}");
    }
}
