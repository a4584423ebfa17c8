//! `GET /livez` (the process is up) and `GET /healthz` (the database answers and takes writes; the documents'
//! fonts are there).

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

/// 503 when the database does not answer or (SQLite) stays locked past the wait limit, since every request would
/// fail; 200 "degraded" when only the Japanese fonts are missing, since then only the PDF documents fail.
async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    if let Err(e) = state.db.probe().await {
        tracing::warn!(error = %e, "health check failed");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable".into());
    }
    match fonts().await {
        Ok(()) => (StatusCode::OK, "ok".into()),
        Err(e) => (
            StatusCode::OK,
            format!("degraded: PDF documents unavailable: {e}"),
        ),
    }
}

/// Whether the Japanese fonts of the PDF documents are installed (read once per process, off the async threads).
pub async fn fonts() -> Result<(), String> {
    tokio::task::spawn_blocking(|| nintei_docs::check_fonts().map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())?
}
