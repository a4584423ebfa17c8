//! `POST /api/v1/conflicts`: a declared conflict of interest (ACC-8), by the office or the user for themself.

use axum::extract::State;
use nintei_app::conflicts::{self, ConflictInput};

use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::WebResult;
use nintei_app::state::AppState;

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ConflictInput>,
) -> WebResult<impl axum::response::IntoResponse> {
    let id = conflicts::declare(&state, &caller, &input).await?;
    Ok(created(&id))
}
