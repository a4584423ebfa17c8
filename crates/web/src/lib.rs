//! The web face of nintei: HTML screens (askama, HTMX where it helps), the JSON API of API.md, sessions,
//! CSRF and security headers: HTTP only. Every state change and read model is a use case of `nintei-app`; the
//! handlers here read the request, call it, and turn its answer or its `AppError` into a response.

mod api;
pub mod assets;
pub mod auth;
pub mod documents;
pub mod error;
pub mod exports;
pub mod extract;
pub mod files;
pub mod health;
pub mod https;
pub mod i18n;
pub mod middleware;
pub mod open_data;
pub mod openapi;
pub mod proxy;
pub mod redact;
pub mod routing;
mod ui;
pub mod utf8;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

pub use nintei_app::state::{AppState, Config};
pub use routing::{RouteInfo, Routes};

/// Every route of the application, as one table and one router (see `routing`).
fn routes() -> Routes {
    Routes::new()
        .merge(health::routes())
        .merge(api::routes())
        .merge(ui::routes())
        .merge(assets::routes())
        .merge(documents::routes())
        .merge(exports::routes())
        .merge(open_data::routes())
}

/// Every (method, path) the router answers, in registration order: what the authorization matrix, the CSRF
/// sweep and the property tests walk. Built by the same calls as `router`, so it cannot drift from it.
pub fn route_table() -> Vec<RouteInfo> {
    routes().table().to_vec()
}

/// The application: every route of `route_table()`, the fallback and the cross-cutting layers.
pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
        .fallback(ui::not_found)
        .layer(from_fn_with_state(state.clone(), middleware::idempotency))
        .layer(from_fn(middleware::reject_nul))
        .layer(from_fn(utf8::reject_invalid_utf8))
        .layer(from_fn(middleware::origin_check))
        .layer(from_fn_with_state(state.clone(), ui::error_pages_for_the_visitor))
        .layer(from_fn_with_state(state.clone(), ui::dates::with_office_style))
        // The body limit is ours (per route, `middleware::body_limit`); axum's default would cap uploads at 2 MB.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), middleware::body_limit))
        .layer(from_fn(middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), https::hsts))
        .layer(from_fn(middleware::request_id))
        .with_state(state)
}
