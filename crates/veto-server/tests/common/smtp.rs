//! A small SMTP client for tests: raw commands over TCP, replies read whole (multi-line), so
//! tests see exactly the codes and texts the relay sends.
#![allow(dead_code)]

use std::net::SocketAddr;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

pub struct Client {
    r: BufReader<OwnedReadHalf>,
    w: OwnedWriteHalf,
}

/// A reply: the code and the text of every line joined with `\n`.
#[derive(Debug, Clone)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

impl Client {
    /// Connects and reads the greeting.
    pub async fn connect(addr: SocketAddr) -> (Client, Reply) {
        let s = TcpStream::connect(addr).await.unwrap();
        let (r, w) = s.into_split();
        let mut c = Client {
            r: BufReader::new(r),
            w,
        };
        let g = c.reply().await;
        (c, g)
    }

    pub async fn reply(&mut self) -> Reply {
        let mut text = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.r.read_line(&mut line).await.unwrap();
            assert!(n > 0, "connection closed while reading a reply");
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            let code: u16 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            let more = line.as_bytes().get(3) == Some(&b'-');
            text.push(line.get(4..).unwrap_or("").to_string());
            if !more {
                return Reply {
                    code,
                    text: text.join("\n"),
                };
            }
        }
    }

    pub async fn cmd(&mut self, line: &str) -> Reply {
        self.w
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        self.reply().await
    }

    /// EHLO and AUTH PLAIN (loopback: allowed without TLS).
    pub async fn login(addr: SocketAddr, user: &str, pass: &str) -> Client {
        let (mut c, g) = Client::connect(addr).await;
        assert_eq!(g.code, 220, "{g:?}");
        let e = c.cmd("EHLO client.test").await;
        assert_eq!(e.code, 250, "{e:?}");
        let token = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{pass}"));
        let a = c.cmd(&format!("AUTH PLAIN {token}")).await;
        assert_eq!(a.code, 235, "{a:?}");
        c
    }

    /// One transaction: MAIL, each RCPT (their replies), and DATA when any was accepted.
    pub async fn send(
        &mut self,
        from: &str,
        rcpts: &[&str],
        message: &str,
    ) -> (Reply, Vec<Reply>, Option<Reply>) {
        let m = self.cmd(&format!("MAIL FROM:<{from}>")).await;
        if m.code != 250 {
            return (m, vec![], None);
        }
        let mut rs = Vec::new();
        for r in rcpts {
            rs.push(self.cmd(&format!("RCPT TO:<{r}>")).await);
        }
        if !rs.iter().any(|r| r.code == 250) {
            let _ = self.cmd("RSET").await;
            return (m, rs, None);
        }
        let d = self.cmd("DATA").await;
        assert_eq!(d.code, 354, "{d:?}");
        let mut body = String::new();
        for line in message.lines() {
            if line.starts_with('.') {
                body.push('.');
            }
            body.push_str(line);
            body.push_str("\r\n");
        }
        body.push_str(".\r\n");
        self.w.write_all(body.as_bytes()).await.unwrap();
        let done = self.reply().await;
        (m, rs, Some(done))
    }

    pub async fn quit(mut self) {
        let _ = self.cmd("QUIT").await;
    }
}

/// A relay for `state` on a loopback port, stopped when the returned sender is dropped.
pub async fn relay(state: veto_server::AppState) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (cert, key) = veto_smtp::tls::self_signed("relay.test").unwrap();
    let cfg = veto_smtp::ServerConfig {
        hostname: "relay.test".into(),
        tls: Some(veto_smtp::tls::server_config(&cert, &key).unwrap()),
        ..veto_smtp::ServerConfig::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        veto_server::run_smtp(state, listener, std::sync::Arc::new(cfg), async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (addr, tx)
}

/// A plain message from `from` to `to`.
pub fn message(from: &str, to: &str, subject: &str) -> String {
    format!(
        "From: Sam Seller <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: Mon, 07 Dec 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n.a line that starts with a dot\r\nBye\r\n"
    )
}
