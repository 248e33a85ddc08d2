//! What the server tests share: a test application, a server on 127.0.0.1:0, and a raw
//! protocol client that reads whole replies.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use veto_smtp::{Envelope, Handler, Reply, ServerConfig, SessionInfo};

/// `AUTH PLAIN` initial response for `u` / `p`.
pub const PLAIN_U_P: &str = "AHUAcA==";
/// How long a test waits for any one reply.
pub const WAIT: Duration = Duration::from_secs(10);

/// Accepts `u` / `p`, refuses recipients containing `blocked`, takes 100 ms over recipients
/// containing `slow`, records every message.
#[derive(Default)]
pub struct TestHandler {
    pub messages: Mutex<Vec<(SessionInfo, Envelope, Vec<u8>)>>,
}

impl TestHandler {
    pub fn messages(&self) -> Vec<(SessionInfo, Envelope, Vec<u8>)> {
        self.messages.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Handler for TestHandler {
    type Principal = String;

    async fn authenticate(
        &self,
        _s: &SessionInfo,
        username: &str,
        password: &str,
    ) -> Result<String, Reply> {
        if username == "u" && password == "p" {
            Ok(username.to_owned())
        } else {
            Err(Reply::new(
                535,
                Some((5, 7, 8)),
                "Authentication credentials invalid",
            ))
        }
    }

    async fn mail_from(
        &self,
        _s: &SessionInfo,
        p: &String,
        _from: &str,
        _size: Option<u64>,
    ) -> Result<(), Reply> {
        assert_eq!(p, "u");
        Ok(())
    }

    async fn rcpt_to(
        &self,
        _s: &SessionInfo,
        _p: &String,
        _from: &str,
        rcpt: &str,
    ) -> Result<(), Reply> {
        if rcpt.contains("slow") {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if rcpt.contains("blocked") {
            Err(Reply::new(
                550,
                Some((5, 7, 1)),
                "Recipient is on the do-not-contact list",
            ))
        } else {
            Ok(())
        }
    }

    async fn data(
        &self,
        s: &SessionInfo,
        _p: &String,
        envelope: &Envelope,
        message: Vec<u8>,
    ) -> Reply {
        self.messages
            .lock()
            .unwrap()
            .push((s.clone(), envelope.clone(), message));
        Reply::new(250, Some((2, 0, 0)), "Queued")
    }
}

/// A server running on 127.0.0.1 with the test handler.
pub struct TestServer {
    pub addr: SocketAddr,
    pub handler: Arc<TestHandler>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

pub fn config() -> ServerConfig {
    ServerConfig {
        hostname: "mx.test".into(),
        max_message_bytes: 1024 * 1024,
        ..ServerConfig::default()
    }
}

/// A config with a fresh self-signed certificate for `localhost`; its PEM.
pub fn tls_config() -> (ServerConfig, String) {
    let (cert, key) = veto_smtp::tls::self_signed("localhost").unwrap();
    let config = ServerConfig {
        tls: Some(veto_smtp::tls::server_config(&cert, &key).unwrap()),
        ..config()
    };
    (config, cert)
}

impl TestServer {
    pub async fn start(config: ServerConfig) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handler = Arc::new(TestHandler::default());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(veto_smtp::run(
            listener,
            Arc::new(config),
            handler.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            addr,
            handler,
            stop: Some(stop),
            task,
        }
    }

    /// Signals shutdown without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Signals shutdown and waits for `run` to return.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.signal_stop();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("run returns after shutdown")
            .unwrap()
    }

    pub async fn client(&self) -> Client<TcpStream> {
        let mut c = Client::connect(self.addr).await;
        let (code, text) = c.reply().await;
        assert_eq!((code, text.as_str()), (220, "220 mx.test ESMTP Veto"));
        c
    }

    /// A client that said EHLO and authenticated (loopback, no TLS).
    pub async fn authenticated(&self) -> Client<TcpStream> {
        let mut c = self.client().await;
        assert_eq!(c.cmd("EHLO client.test").await.0, 250);
        c.expect(&format!("AUTH PLAIN {PLAIN_U_P}"), 235).await;
        c
    }
}

/// A raw SMTP client: writes bytes, reads whole (multi-line) replies.
pub struct Client<S> {
    pub stream: S,
    buf: Vec<u8>,
}

impl Client<TcpStream> {
    pub async fn connect(addr: SocketAddr) -> Client<TcpStream> {
        Client::new(TcpStream::connect(addr).await.unwrap())
    }

    /// After `220` to STARTTLS: the handshake, trusting `cert_pem` for `localhost`.
    pub async fn starttls(self, cert_pem: &str) -> Client<TlsStream<TcpStream>> {
        assert!(self.buf.is_empty(), "unread bytes before the handshake");
        let tls = connector(cert_pem)
            .connect(ServerName::try_from("localhost").unwrap(), self.stream)
            .await
            .unwrap();
        Client::new(tls)
    }
}

pub fn connector(cert_pem: &str) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(cert_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    pub async fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).await.unwrap();
        self.stream.flush().await.unwrap();
    }

    /// One reply: its code and all its lines joined with `\n` (without CRLF).
    pub async fn reply(&mut self) -> (u16, String) {
        tokio::time::timeout(WAIT, self.read_reply())
            .await
            .expect("a reply in time")
    }

    async fn read_reply(&mut self) -> (u16, String) {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            assert!(line.len() >= 3, "short reply line {line:?}");
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                let code = lines[0][..3].parse().unwrap();
                return (code, lines.join("\n"));
            }
        }
    }

    async fn line(&mut self) -> String {
        loop {
            if let Some(at) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..at + 2).collect();
                return String::from_utf8(line[..at].to_vec()).unwrap();
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await.unwrap();
            assert!(
                n > 0,
                "connection closed; unread: {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends one command line and reads its reply.
    pub async fn cmd(&mut self, line: &str) -> (u16, String) {
        self.send(format!("{line}\r\n")).await;
        self.reply().await
    }

    /// Sends one command line and asserts its reply code.
    pub async fn expect(&mut self, line: &str, code: u16) -> String {
        let (got, text) = self.cmd(line).await;
        assert_eq!(got, code, "{line:?} answered {text:?}");
        text
    }

    /// Asserts the next reply's code; its text.
    pub async fn expect_reply(&mut self, code: u16) -> String {
        let (got, text) = self.reply().await;
        assert_eq!(got, code, "{text:?}");
        text
    }

    /// Asserts the server closes the connection with nothing more to say.
    pub async fn expect_closed(&mut self) {
        assert!(
            self.buf.is_empty(),
            "unread: {:?}",
            String::from_utf8_lossy(&self.buf)
        );
        let mut chunk = [0u8; 512];
        let read = tokio::time::timeout(WAIT, self.stream.read(&mut chunk))
            .await
            .expect("closed in time");
        match read {
            Ok(0) | Err(_) => {}
            Ok(n) => panic!("more data: {:?}", String::from_utf8_lossy(&chunk[..n])),
        }
    }

    /// Unread bytes (replies received but not read yet).
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }
}
