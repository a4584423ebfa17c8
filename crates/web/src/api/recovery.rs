//! `POST /api/v1/public/password-resets` and `POST /api/v1/public/password-resets/{token}`: password recovery
//! through a mailed one-time link (`nintei_app::recovery`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nintei_app::recovery;
use nintei_app::state::AppState;
use serde::Deserialize;

use crate::api::ApiJson;
use crate::auth::ClientAddr;
use crate::error::WebResult;
use crate::middleware::RequestId;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    email: String,
}

/// 202 for known and unknown addresses alike; 429 past the hourly limits.
pub async fn request(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    axum::Extension(rid): axum::Extension<RequestId>,
    ApiJson(req): ApiJson<ResetRequest>,
) -> WebResult<StatusCode> {
    recovery::request(&state, &req.email, &address, &rid.0).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPassword {
    password: String,
}

/// 204 and every session and token of the account ended; 404 for a used or expired link; 400 for a weak password.
pub async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    axum::Extension(rid): axum::Extension<RequestId>,
    ApiJson(req): ApiJson<NewPassword>,
) -> WebResult<StatusCode> {
    recovery::reset(&state, &token, &req.password, &rid.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
