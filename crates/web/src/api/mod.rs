//! The JSON API of API.md, under `/api/v1`.

mod auth_token;
mod conflicts;
mod me;
mod organizations;
mod users;

use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::routing::{Routes, get, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/auth/token", post(auth_token::issue))
        .route("/api/v1/me", get(me::show))
        .route("/api/v1/users", post(users::create))
        .route("/api/v1/organizations", post(organizations::create))
        .route("/api/v1/organizations/{id}", get(organizations::show))
        .route("/api/v1/organizations/{id}/sites", post(organizations::add_site))
        .route("/api/v1/conflicts", post(conflicts::create))
}

/// `Json<T>` whose rejections are problem+json: 400 for malformed or mistyped bodies, 413 for oversized ones.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = crate::middleware::buffer_without_nul(req, state).await?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(r)) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge)
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge),
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

/// A created resource: 201 with `{id}`.
pub fn created(id: &str) -> (StatusCode, axum::Json<serde_json::Value>) {
    (StatusCode::CREATED, axum::Json(serde_json::json!({ "id": id })))
}
