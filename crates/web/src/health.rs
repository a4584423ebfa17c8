//! `GET /livez` (the process is up) and `GET /healthz` (the database answers).

use axum::extract::State;
use axum::http::StatusCode;

use crate::routing::{Routes, get};
use nintei_app::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/livez", get(livez))
        .route("/healthz", get(healthz))
}

async fn livez() -> &'static str {
    "ok"
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
