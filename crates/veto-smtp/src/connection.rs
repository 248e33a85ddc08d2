//! One client connection: the socket (plain or TLS), reads and writes with their timeouts,
//! STARTTLS, and the handler calls the session asks for.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::ServerConfig;
use crate::handler::{Handler, SessionInfo};
use crate::reply::Reply;
use crate::session::{Event, Limits, Session};

/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 16 * 1024;
/// How long closing the connection may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection before or after TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// How a stretch of the session over one stream ended.
enum Outcome {
    Closed,
    StartTls,
}

/// Everything one connection needs besides its stream.
struct Connection<H: Handler> {
    config: Arc<ServerConfig>,
    handler: Arc<H>,
    info: SessionInfo,
    session: Session,
    principal: Option<H::Principal>,
    username: Option<String>,
    stop: watch::Receiver<bool>,
    stopping: bool,
}

/// Serves one accepted connection to its end. Never fails: what goes wrong is logged.
pub(crate) async fn serve<H: Handler>(
    tcp: TcpStream,
    info: SessionInfo,
    config: Arc<ServerConfig>,
    handler: Arc<H>,
    stop: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    tracing::info!(local = %info.local, tls = config.implicit_tls, "session started");
    let mut stream = Stream::Plain(tcp);
    if config.implicit_tls {
        match handshake(stream, &config).await {
            Some(tls) => stream = tls,
            None => return,
        }
    }
    // `to_canonical`: an IPv4 loopback client on a dual-stack socket arrives as ::ffff:127.x.
    let loopback = config.loopback_auth_without_tls && info.peer.ip().to_canonical().is_loopback();
    let session = Session::new(Limits::from_config(&config), config.implicit_tls, loopback);
    let mut conn = Connection {
        config,
        handler,
        info,
        session,
        principal: None,
        username: None,
        stop,
        stopping: false,
    };
    loop {
        match conn.drive(&mut stream).await {
            Outcome::Closed => break,
            Outcome::StartTls => match handshake(stream, &conn.config).await {
                Some(tls) => {
                    stream = tls;
                    conn.session.tls_started();
                    conn.principal = None;
                    conn.username = None;
                    tracing::debug!("STARTTLS done");
                }
                None => return,
            },
        }
    }
    let _ = timeout(CLOSE_TIMEOUT, stream.shutdown()).await;
    tracing::info!("session ended");
}

/// The TLS handshake on a plain stream; `None` (logged) when it fails or takes too long.
async fn handshake(stream: Stream, config: &ServerConfig) -> Option<Stream> {
    let (Stream::Plain(tcp), Some(tls)) = (stream, config.tls.clone()) else {
        tracing::error!("TLS requested on a stream that cannot have it");
        return None;
    };
    match timeout(config.command_timeout, TlsAcceptor::from(tls).accept(tcp)).await {
        Ok(Ok(tls)) => Some(Stream::Tls(Box::new(tls))),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}

impl<H: Handler> Connection<H> {
    /// Runs the session over `stream` until it closes or asks for TLS.
    async fn drive(&mut self, stream: &mut Stream) -> Outcome {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            if !self.stopping && *self.stop.borrow() {
                self.stopping = true;
                self.session.shutdown();
            }
            let event = self.session.next_event();
            match event {
                Event::NeedInput => {
                    if self.flush(stream).await.is_err() {
                        return Outcome::Closed;
                    }
                    let limit = if self.session.in_data() {
                        self.config.data_timeout
                    } else {
                        self.config.command_timeout
                    };
                    let read = tokio::select! {
                        read = timeout(limit, stream.read(&mut buf)) => read,
                        changed = self.stop.changed(), if !self.stopping => {
                            if changed.is_err() || *self.stop.borrow() {
                                self.stopping = true;
                                self.session.shutdown();
                            }
                            continue;
                        }
                    };
                    match read {
                        Ok(Ok(0)) => {
                            tracing::debug!(
                                in_data = self.session.in_data(),
                                "client closed the connection"
                            );
                            return Outcome::Closed;
                        }
                        Ok(Ok(n)) => self.session.receive(&buf[..n]),
                        Ok(Err(e)) => {
                            tracing::debug!(error = %e, "read failed");
                            return Outcome::Closed;
                        }
                        Err(_) => {
                            tracing::info!(in_data = self.session.in_data(), "client timed out");
                            self.session.timed_out();
                            let _ = self.flush(stream).await;
                            return Outcome::Closed;
                        }
                    }
                }
                Event::StartTls => {
                    if self.flush(stream).await.is_err() {
                        return Outcome::Closed;
                    }
                    return Outcome::StartTls;
                }
                Event::Close => {
                    let _ = self.flush(stream).await;
                    return Outcome::Closed;
                }
                Event::Authenticate { username, password } => {
                    self.sync_info();
                    let answer = self
                        .handler
                        .authenticate(&self.info, &username, &password)
                        .await;
                    match answer {
                        Ok(principal) => {
                            tracing::info!(user = %username, "authenticated");
                            self.principal = Some(principal);
                            self.username = Some(username);
                            self.session.answer_auth(Ok(()));
                        }
                        Err(reply) => {
                            tracing::info!(user = %username, code = reply.code, "authentication refused");
                            self.session.answer_auth(Err(reply));
                        }
                    }
                }
                Event::MailFrom { from, size } => {
                    self.sync_info();
                    let Some(principal) = &self.principal else {
                        self.session.answer_mail(Err(not_authenticated()));
                        continue;
                    };
                    let answer = self
                        .handler
                        .mail_from(&self.info, principal, &from, size)
                        .await;
                    tracing::debug!(from = %from, ?size, accepted = answer.is_ok(), "MAIL");
                    self.session.answer_mail(answer);
                }
                Event::RcptTo { from, rcpt } => {
                    self.sync_info();
                    let Some(principal) = &self.principal else {
                        self.session.answer_rcpt(Err(not_authenticated()));
                        continue;
                    };
                    let answer = self
                        .handler
                        .rcpt_to(&self.info, principal, &from, &rcpt)
                        .await;
                    match &answer {
                        Ok(()) => tracing::debug!(rcpt = %rcpt, "RCPT accepted"),
                        Err(reply) => {
                            tracing::debug!(rcpt = %rcpt, code = reply.code, "RCPT refused")
                        }
                    }
                    self.session.answer_rcpt(answer);
                }
                Event::Data { envelope, message } => {
                    self.sync_info();
                    let Some(principal) = &self.principal else {
                        self.session.answer_data(not_authenticated());
                        continue;
                    };
                    let bytes = message.len();
                    let reply = self
                        .handler
                        .data(&self.info, principal, &envelope, message)
                        .await;
                    tracing::info!(
                        user = self.username.as_deref().unwrap_or(""),
                        recipients = envelope.rcpt_to.len(),
                        bytes,
                        code = reply.code,
                        "message"
                    );
                    self.session.answer_data(reply);
                }
            }
        }
    }

    fn sync_info(&mut self) {
        self.info.tls = self.session.tls();
        if self.info.helo.as_deref() != self.session.helo() {
            self.info.helo = self.session.helo().map(str::to_owned);
            tracing::info!(
                helo = self.info.helo.as_deref().unwrap_or(""),
                "client named itself"
            );
        }
    }

    /// Writes what the session produced; a client that stops reading is given
    /// `command_timeout` before the connection is dropped.
    async fn flush(&mut self, stream: &mut Stream) -> io::Result<()> {
        let out = self.session.take_output();
        if out.is_empty() {
            return Ok(());
        }
        let write = async {
            stream.write_all(&out).await?;
            stream.flush().await
        };
        match timeout(self.config.command_timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "write failed");
                Err(e)
            }
            Err(_) => {
                tracing::debug!("write timed out");
                Err(io::ErrorKind::TimedOut.into())
            }
        }
    }
}

/// The session let a command through that needs authentication the connection does not
/// hold: cannot happen while the two agree, answered safely if it does.
fn not_authenticated() -> Reply {
    tracing::error!("SMTP session and connection disagree about authentication");
    Reply::new(451, Some((4, 3, 0)), "Internal error, try again later")
}
