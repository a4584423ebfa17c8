//! `GET /livez` (the process is up) and `GET /healthz` (the database answers and takes writes; the documents'
//! fonts are there).

use axum::extract::State;
use axum::http::StatusCode;

use crate::routing::{Routes, get};
use nintei_app::health::{self, Health};
use nintei_app::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/livez", get(livez))
        .route("/healthz", get(healthz))
}

async fn livez() -> &'static str {
    "ok"
}

/// 503 when the database does not answer, since every request would fail; 200 "degraded" when only the Japanese
/// fonts are missing, since then only the PDF documents fail.
async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    match health::check(&state).await {
        Health::Ok => (StatusCode::OK, "ok".into()),
        Health::Degraded(e) => (
            StatusCode::OK,
            format!("degraded: PDF documents unavailable: {e}"),
        ),
        Health::Unavailable(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable".into())
        }
    }
}
