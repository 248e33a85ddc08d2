//! The listener: accepting connections within the connection limit, and shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tracing::Instrument;

use crate::config::ServerConfig;
use crate::connection;
use crate::handler::{Handler, SessionInfo};

/// Session ids, unique per process.
static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// How long a refused connection's `421` may take to write.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves SMTP on `listener` until `shutdown` completes: then stops accepting, tells every
/// session `421 4.3.2` at its next command, and returns once they have ended or after
/// `config.shutdown_grace` (sessions still open then are dropped).
///
/// Fails at once only when the configuration cannot work ([`ServerConfig::validate`]).
pub async fn run<H: Handler>(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    handler: Arc<H>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    config
        .validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let mut sessions = JoinSet::new();
    tokio::pin!(shutdown);
    let listening = listener.local_addr()?;
    tracing::info!(
        addr = %listening,
        tls = config.implicit_tls,
        starttls = config.tls.is_some(),
        "SMTP listening"
    );
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(joined) = sessions.join_next(), if !sessions.is_empty() => {
                if let Err(e) = joined
                    && e.is_panic()
                {
                    tracing::error!("an SMTP session panicked");
                }
            }
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
                let span = tracing::info_span!("smtp", session = id, peer = %peer);
                let Ok(permit) = slots.clone().try_acquire_owned() else {
                    sessions.spawn(refuse(tcp, config.clone()).instrument(span));
                    continue;
                };
                let local = tcp.local_addr().unwrap_or(listening);
                let info = SessionInfo { id, peer, local, tls: config.implicit_tls, helo: None };
                let (config, handler, stop) = (config.clone(), handler.clone(), stop_rx.clone());
                sessions.spawn(
                    async move {
                        connection::serve(tcp, info, config, handler, stop).await;
                        drop(permit);
                    }
                    .instrument(span),
                );
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let open = sessions.len();
    tracing::info!(sessions = open, "SMTP shutting down");
    let drained = timeout(config.shutdown_grace, async {
        while sessions.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            sessions = sessions.len(),
            "SMTP sessions still open after the grace period, dropping them"
        );
        sessions.shutdown().await;
    }
    Ok(())
}

/// A connection over the limit: `421` and close (RFC 5321 3.8). On an implicit-TLS listener
/// the connection is closed without a word: a reply would cost a handshake.
async fn refuse(mut tcp: TcpStream, config: Arc<ServerConfig>) {
    tracing::info!("connection limit reached, refusing");
    if config.implicit_tls {
        return;
    }
    let line = format!(
        "421 4.7.0 {} Too many connections, try again later\r\n",
        config.hostname
    );
    let _ = timeout(REFUSAL_TIMEOUT, async {
        tcp.write_all(line.as_bytes()).await?;
        tcp.shutdown().await
    })
    .await;
}
