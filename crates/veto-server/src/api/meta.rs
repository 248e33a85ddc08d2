//! `/healthz`, `/metrics`, `/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::state::AppState;

/// Health of the node.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// ok | degraded
    pub status: &'static str,
    pub backend: &'static str,
    pub indexed_entries: usize,
}

#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let ok = state.store().latest_change().await.is_ok();
    let h = Health {
        status: if ok { "ok" } else { "degraded" },
        backend: state.store().backend(),
        indexed_entries: state.indexed_entries(),
    };
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(h),
    )
}

#[utoipa::path(get, path = "/metrics", tag = "meta", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    metrics::gauge!("veto_indexed_entries").set(state.indexed_entries() as f64);
    let body = state
        .0
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}

pub async fn openapi() -> impl IntoResponse {
    Json(super::ApiDoc::openapi())
}
