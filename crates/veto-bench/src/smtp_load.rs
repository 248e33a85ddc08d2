//! `veto-bench smtp-load`: an SMTP load client, the same for every target, so the relay with
//! its gate and the upstream sink alone are measured with one client in one run.
//!
//! Each connection logs in (AUTH PLAIN when credentials are given), then sends its share of
//! the messages one transaction at a time; a transaction's MAIL, RCPT and DATA go out in one
//! write when the server offers PIPELINING (RFC 2920), as MTAs and sending tools do. A
//! recipient refused at RCPT (550, a suppressed address) ends that transaction with RSET and
//! counts as handled: the gate answered it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What a run measures.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub target: String,
    pub auth: Option<(String, String)>,
    pub from: String,
    pub connections: usize,
    pub messages: u64,
    /// Approximate message size in bytes.
    pub size: usize,
    /// Recipients, cycled (one per transaction).
    pub recipients: Vec<String>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct LoadReport {
    pub target: String,
    pub connections: usize,
    pub messages: u64,
    pub accepted: u64,
    pub refused: u64,
    pub failed: u64,
    pub seconds: f64,
    pub per_second: f64,
}

/// Reads the recipients file (one address per line; a CSV's first column without header).
pub fn read_recipients(path: &PathBuf, limit: usize) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let out: Vec<String> = text
        .lines()
        .filter_map(|l| l.split(',').next())
        .map(|a| a.trim().trim_matches('"').trim().to_string())
        .filter(|a| a.contains('@') && !a.contains(' '))
        .take(limit)
        .collect();
    if out.is_empty() {
        bail!("{}: no addresses", path.display());
    }
    Ok(out)
}

struct Conn {
    r: BufReader<tokio::net::tcp::OwnedReadHalf>,
    w: tokio::net::tcp::OwnedWriteHalf,
    pipelining: bool,
}

impl Conn {
    async fn reply(&mut self) -> anyhow::Result<(u16, String)> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            if self.r.read_line(&mut line).await? == 0 {
                bail!("the server closed the connection");
            }
            let code: u16 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            text.push_str(line.get(4..).unwrap_or("").trim_end());
            text.push('\n');
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, text));
            }
        }
    }

    async fn cmd(&mut self, line: &str) -> anyhow::Result<(u16, String)> {
        self.w.write_all(line.as_bytes()).await?;
        self.w.write_all(b"\r\n").await?;
        self.reply().await
    }

    async fn open(o: &LoadOptions) -> anyhow::Result<Conn> {
        let s = TcpStream::connect(&o.target)
            .await
            .with_context(|| format!("cannot connect to {}", o.target))?;
        s.set_nodelay(true)?;
        let (r, w) = s.into_split();
        let mut c = Conn {
            r: BufReader::new(r),
            w,
            pipelining: false,
        };
        let (g, t) = c.reply().await?;
        if g != 220 {
            bail!("greeting {g} {t}");
        }
        let (e, caps) = c.cmd("EHLO load.bench").await?;
        if e != 250 {
            bail!("EHLO {e} {caps}");
        }
        c.pipelining = caps.lines().any(|l| l.eq_ignore_ascii_case("PIPELINING"));
        if let Some((u, p)) = &o.auth {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("\0{u}\0{p}"));
            let (a, t) = c.cmd(&format!("AUTH PLAIN {token}")).await?;
            if a != 235 {
                bail!("AUTH {a} {t}");
            }
        }
        Ok(c)
    }
}

/// The message body: headers and enough text for `size` bytes.
fn message(from: &str, to: &str, n: u64, size: usize) -> String {
    let mut m = format!(
        "From: Bench <{from}>\r\nTo: <{to}>\r\nSubject: bench {n}\r\nDate: Mon, 07 Dec 2026 09:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    );
    let line = "The quick brown fox jumps over the lazy dog, again and again.\r\n";
    while m.len() + line.len() < size {
        m.push_str(line);
    }
    m.push_str(".\r\n");
    m
}

/// Sends `messages` over `connections` and reports the rate.
pub async fn run(o: LoadOptions) -> anyhow::Result<LoadReport> {
    let o = Arc::new(o);
    let next = Arc::new(AtomicU64::new(0));
    let accepted = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    // Connections are opened (and authenticated) before the clock starts.
    let mut conns = Vec::with_capacity(o.connections);
    for _ in 0..o.connections {
        conns.push(Conn::open(&o).await?);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mut c in conns {
        let (o, next, accepted, refused, failed) = (
            o.clone(),
            next.clone(),
            accepted.clone(),
            refused.clone(),
            failed.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= o.messages {
                    let _ = c.cmd("QUIT").await;
                    return Ok::<(), anyhow::Error>(());
                }
                let to = &o.recipients[(n as usize) % o.recipients.len()];
                let body = message(&o.from, to, n, o.size);
                let envelope = format!("MAIL FROM:<{}>\r\nRCPT TO:<{to}>\r\nDATA\r\n", o.from);
                let (m, r, d) = if c.pipelining {
                    c.w.write_all(envelope.as_bytes()).await?;
                    (c.reply().await?.0, c.reply().await?.0, c.reply().await?.0)
                } else {
                    let m = c.cmd(&format!("MAIL FROM:<{}>", o.from)).await?.0;
                    let r = c.cmd(&format!("RCPT TO:<{to}>")).await?.0;
                    let d = if r == 250 { c.cmd("DATA").await?.0 } else { 0 };
                    (m, r, d)
                };
                if m != 250 {
                    bail!("MAIL refused: {m}");
                }
                if d == 354 {
                    c.w.write_all(body.as_bytes()).await?;
                    let (end, t) = c.reply().await?;
                    match end {
                        250 => accepted.fetch_add(1, Ordering::Relaxed),
                        550..=559 => refused.fetch_add(1, Ordering::Relaxed),
                        _ => {
                            tracing_free_log(&format!("DATA answered {end} {t}"));
                            failed.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                } else {
                    // Refused at RCPT: the pipelined DATA was answered 503/554; start over.
                    if r / 100 == 5 {
                        refused.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    c.cmd("RSET").await?;
                }
            }
        }));
    }
    for t in tasks {
        t.await.context("a load connection panicked")??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (a, r, f) = (
        accepted.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    Ok(LoadReport {
        target: o.target.clone(),
        connections: o.connections,
        messages: o.messages,
        accepted: a,
        refused: r,
        failed: f,
        seconds,
        per_second: (a + r + f) as f64 / seconds,
    })
}

fn tracing_free_log(s: &str) {
    eprintln!("smtp-load: {s}");
}
