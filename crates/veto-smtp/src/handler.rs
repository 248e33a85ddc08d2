//! What the application decides: the [`Handler`] trait and what it is shown of a session and
//! a transaction.

use std::net::SocketAddr;

use crate::reply::Reply;

/// What the application sees of a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// Unique per process; the `session` field of this crate's log lines.
    pub id: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// The address the client connected to.
    pub local: SocketAddr,
    /// Whether the session is encrypted now (implicit TLS or after STARTTLS).
    pub tls: bool,
    /// The name the client gave in its last EHLO/HELO (since STARTTLS, if any).
    pub helo: Option<String>,
}

/// One mail transaction as the client declared it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The reverse-path; `""` for the null path `<>`.
    pub mail_from: String,
    /// The recipients the handler accepted, in the order they were given.
    pub rcpt_to: Vec<String>,
    /// The `SIZE=` the client declared at MAIL (RFC 1870), if any.
    pub size_hint: Option<u64>,
    /// Whether the client declared `BODY=8BITMIME` (RFC 6152).
    pub body_8bit: bool,
}

/// The application's side of a session. Each method's `Err` (or `data`'s reply) is sent to
/// the client as it is, so it should carry a failure code and an enhanced status, e.g.
/// `Reply::new(550, Some((5, 7, 1)), "Recipient is on the do-not-contact list")`.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Who an authenticated client is (a user, a tenant's key…), handed back on every call.
    type Principal: Clone + Send + Sync + 'static;

    /// Checks AUTH PLAIN / LOGIN credentials. `Err(reply)` is sent as is (e.g. `535 5.7.8`)
    /// and counts towards the session's failure limit.
    async fn authenticate(
        &self,
        s: &SessionInfo,
        username: &str,
        password: &str,
    ) -> Result<Self::Principal, Reply>;

    /// Accepts or refuses the reverse-path of a new transaction (`""` is the null path).
    async fn mail_from(
        &self,
        s: &SessionInfo,
        p: &Self::Principal,
        from: &str,
        size: Option<u64>,
    ) -> Result<(), Reply>;

    /// Called once per RCPT TO; `Err` refuses that recipient only (the transaction goes on).
    async fn rcpt_to(
        &self,
        s: &SessionInfo,
        p: &Self::Principal,
        from: &str,
        rcpt: &str,
    ) -> Result<(), Reply>;

    /// The whole message after DATA, dot-unstuffed, CRLF line ends as received; its reply
    /// ends the transaction.
    async fn data(
        &self,
        s: &SessionInfo,
        p: &Self::Principal,
        envelope: &Envelope,
        message: Vec<u8>,
    ) -> Reply;
}
