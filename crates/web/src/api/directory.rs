//! API.md "Public" (no authentication): the directory of accreditations (ACC-23) and registrations (REG-5,
//! REG-8), and certificate verification. `limit`/`offset` page through the results (an extension).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, WebResult};
use crate::extract::DirectoryQuery;
use nintei_app::directory;
use nintei_app::state::AppState;

/// `GET /api/v1/public/accreditations?q=&prefecture=&service=`: active accreditations only.
pub async fn accreditations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> WebResult<Response> {
    let filter = directory::accreditation_filter(&params)?;
    let today = state.clock.today();
    Ok(json_body(
        directory::accreditations_body(&state, &filter, today).await?,
    ))
}

/// A JSON answer already serialized (the directory's cached bodies are sent without copying).
fn json_body(body: std::sync::Arc<str>) -> Response {
    cached_body(body, "application/json")
}

/// A cached body of the directory (an API answer, a rendered page) as the response, without copying it.
pub(crate) fn cached_body(body: std::sync::Arc<str>, content_type: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], Bytes::from_owner(ArcBytes(body))).into_response()
}

/// The cached body as bytes (`Bytes::from_owner` needs `AsRef<[u8]>`).
struct ArcBytes(std::sync::Arc<str>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `GET /api/v1/public/accreditations/{number}`: certificate verification, counted per number and JST day
/// (in memory, written in batches).
pub async fn accreditation(State(state): State<AppState>, Path(number): Path<String>) -> WebResult<Response> {
    let today = state.clock.today();
    let answer = directory::accreditation_verification_body(&state, &number, today).await?;
    answer.found.ok_or(AppError::NotFound)?;
    Ok(json_body(answer.body))
}

/// `GET /api/v1/public/registrations?q=&prefecture=&method=`: registrations in force only.
pub async fn registrations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> WebResult<Response> {
    let filter = directory::registration_filter(&params)?;
    Ok(json_body(directory::registrations_body(&state, &filter).await?))
}

/// `GET /api/v1/public/registrations/{number}`: the verification of a registration number (REG-4, REG-5), its
/// status judged by the dates at the moment of the request; 404 for an unknown or malformed number.
pub async fn registration(State(state): State<AppState>, Path(number): Path<String>) -> WebResult<Response> {
    let today = state.clock.today();
    let answer = directory::registration_verification_body(&state, &number, today).await?;
    answer.found.ok_or(AppError::NotFound)?;
    Ok(json_body(answer.body))
}
