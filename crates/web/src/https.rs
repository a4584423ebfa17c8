//! Served behind HTTPS (`--secure-cookies`): browsers are told to use HTTPS only for a year (HSTS), so that a
//! first plain-HTTP request cannot be intercepted to strip it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use nintei_app::state::AppState;

pub async fn hsts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if state.config.secure_cookies {
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}
