//! Misbehaving servers Dovecot cannot play: a scripted IMAP peer on a loopback port.

use std::convert::Infallible;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use veto_imap::{Cursor, Disposition, ImapError, MailboxConfig, Security, Trust, poll_once};

fn config(port: u16, security: Security) -> MailboxConfig {
    let mut cfg = MailboxConfig::new("127.0.0.1", "user", "Secret-Pw-123");
    cfg.port = port;
    cfg.security = security;
    cfg.trust = Trust::CaPem(String::new());
    cfg.timeout = Duration::from_secs(2);
    cfg
}

async fn handled(_: u32, _: Vec<u8>) -> Result<Disposition, Infallible> {
    Ok(Disposition::Handled)
}

/// Bytes sent in the clear right behind the STARTTLS OK would be read as if they came over
/// TLS (response injection): the client must refuse them.
#[tokio::test]
async fn data_injected_after_starttls_ok_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write
            .write_all(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
            .await
            .unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let (tag, command) = line.split_once(' ').unwrap();
            let answer = match command {
                "CAPABILITY" => format!("* CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK done\r\n"),
                "STARTTLS" => {
                    format!("{tag} OK go ahead\r\n* OK [CAPABILITY IMAP4rev1] injected\r\n")
                }
                _ => format!("{tag} BAD unexpected\r\n"),
            };
            write.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    // A CA is needed to get as far as the handshake; any will do, none is reached.
    let mut cfg = config(port, Security::StartTls);
    cfg.trust = Trust::Platform;
    let err = poll_once(&cfg, Cursor::default(), handled)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ImapError::Tls { reason, .. } if reason.contains("after agreeing to STARTTLS")),
        "{err:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_server_without_starttls_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"* OK ready\r\n").await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let (tag, _) = line.split_once(' ').unwrap();
            let answer = format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n");
            write.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    let err = poll_once(
        &config(port, Security::StartTls),
        Cursor::default(),
        handled,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, ImapError::Tls { reason, .. } if reason.contains("does not offer STARTTLS")),
        "{err:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mut cfg = config(port, Security::Plain);
    cfg.timeout = Duration::from_millis(300);
    let err = poll_once(&cfg, Cursor::default(), handled)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ImapError::Timeout {
                during: "reading the server greeting",
                ..
            }
        ),
        "{err:?}"
    );
    server.abort();
}
