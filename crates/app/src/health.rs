//! Whether this instance can serve: the database answers and takes writes, and the documents' fonts are there.

use crate::state::AppState;

/// What the health check finds.
#[derive(Debug)]
pub enum Health {
    Ok,
    /// Only the PDF documents fail: the Japanese fonts are missing (why, for the operator).
    Degraded(String),
    /// Every request would fail: the database does not answer or (SQLite) stays locked past the wait limit.
    Unavailable(String),
}

/// The database first (one probe, which writes), then the fonts.
pub async fn check(state: &AppState) -> Health {
    if let Err(e) = state.db.probe().await {
        return Health::Unavailable(e.to_string());
    }
    match fonts().await {
        Ok(()) => Health::Ok,
        Err(e) => Health::Degraded(e),
    }
}

/// Whether the Japanese fonts of the PDF documents are installed (read once per process, off the async threads).
pub async fn fonts() -> Result<(), String> {
    tokio::task::spawn_blocking(|| nintei_docs::check_fonts().map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())?
}
