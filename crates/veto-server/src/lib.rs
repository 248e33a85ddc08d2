//! Veto's server: the HTTP API, the check engine with its in-memory index, and the background
//! jobs of a node. Several nodes may share one PostgreSQL: each follows the store's change
//! feed, and every request first catches up with it, so a suppression committed through any
//! node is seen by the next request to any node.
//!
//! Layout:
//! - [`state`] — shared state, tenant contexts, the freshness barrier over the change feed.
//! - [`index`] — the per-tenant in-memory check index.
//! - [`check`] — the check engine (live from the index, historical from the store).
//! - [`auth`] — API keys and the authenticated caller.
//! - [`api`] — routes, request/response shapes, OpenAPI.
//! - [`imports`] — lead files through the import gate, suppression lists in and out, reports.
//! - [`provision`] — creating tenants with their first admin and key.
//! - [`signals`] — inbound mail (bounces, complaints, replies, mailto unsubscribes) to actions.
//! - [`sending`] — the send gate: sequences, their scheduler, the SMTP relay, upstream routes.
//! - [`snapshot`] — node-local snapshots of the index for fast restarts.
//! - [`jobs`] — expiry of entries.
//! - [`error`] — `ApiError`.
//! - [`metrics`] — the Prometheus recorder.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod check;
pub mod error;
pub mod imports;
pub mod index;
pub mod jobs;
pub mod metrics;
pub mod provision;
pub mod sending;
pub mod signals;
pub mod snapshot;
pub mod state;

use std::future::Future;
use std::time::Duration;

pub use state::AppState;

/// Serves the API on an already-bound listener until `shutdown` completes.
pub async fn run(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = api::router(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(600)))
        // Spans carry the method and path only: query strings hold addresses (PII).
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the SMTP relay on an already-bound listener until `shutdown` completes.
pub async fn run_smtp(
    state: AppState,
    listener: tokio::net::TcpListener,
    config: std::sync::Arc<veto_smtp::ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handler = std::sync::Arc::new(sending::relay::Relay::new(state));
    veto_smtp::run(listener, config, handler, shutdown).await
}
