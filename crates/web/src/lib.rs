//! The web face of nintei: HTML screens (askama, HTMX where it helps), the JSON API of API.md, sessions,
//! CSRF and security headers. Handlers are one file per resource; domain rules live in `nintei-domain`.

pub mod acc;
pub mod accounts;
pub mod accr;
mod api;
pub mod assets;
pub mod auth;
pub mod clock;
pub mod deadline_access;
pub mod demo;
pub mod demo_scale;
pub mod documents;
pub mod error;
pub mod exports;
pub mod hashing;
pub mod https;
pub mod i18n;
pub mod input;
pub mod jobs;
mod login;
pub mod mail;
pub mod middleware;
pub mod open_data;
pub mod openapi;
mod ops;
mod orgs;
pub mod proxy;
pub mod public;
pub mod redact;
pub mod reg;
pub mod reg_notices;
pub mod reminders;
pub mod routing;
pub mod security;
pub mod state;
mod ui;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

pub use routing::{RouteInfo, Routes};
pub use state::{AppState, Config};

/// Every route of the application, as one table and one router (see `routing`).
fn routes() -> Routes {
    Routes::new()
        .merge(ops::routes())
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
        .layer(from_fn(input::reject_invalid_utf8))
        .layer(from_fn(middleware::origin_check))
        .layer(from_fn_with_state(state.clone(), ui::error_pages_for_the_visitor))
        // The body limit is ours (per route, `middleware::body_limit`); axum's default would cap uploads at 2 MB.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), middleware::body_limit))
        .layer(from_fn(middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), https::hsts))
        .layer(from_fn(middleware::request_id))
        .with_state(state)
}
