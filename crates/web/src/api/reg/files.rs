//! The registration documents uploaded with an application (REG-3, seed 000 別紙2): upload, list, audited
//! download, through the ACC files' reading of the form and download answer.

use crate::api::answers::Items;
use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nintei_app::reg::files;
use nintei_app::state::AppState;

fn base(id: &str) -> String {
    format!("/api/v1/registration/cases/{id}/files")
}

/// `POST /api/v1/registration/cases/{id}/files` (multipart: `file`, `purpose`) → 201 the file's record.
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    files::may_upload_document(&state, &caller, &id).await?;
    let mp =
        mp.map_err(|e| AppError::BadRequest(format!("multipart/form-data expected: {}", e.body_text())))?;
    let (up, _) = crate::files::read_multipart(&state, mp).await?;
    let file = files::upload_document(&state, &caller, &id, &up).await?;
    Ok((
        StatusCode::CREATED,
        Json(files::DocumentFile::of(&file, &base(&id))),
    )
        .into_response())
}

/// `GET /api/v1/registration/cases/{id}/files` → the documents uploaded with the case.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Items<files::DocumentFile>>> {
    let rows = files::case_documents(&state, &caller, &id).await?;
    let items = rows
        .iter()
        .map(|f| files::DocumentFile::of(f, &base(&id)))
        .collect();
    Ok(Json(Items { items }))
}

/// `GET /api/v1/registration/cases/{id}/files/{file_id}`: the bytes as an attachment, audited.
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, file_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let (file, bytes) = files::download_document(&state, &caller, &id, &file_id).await?;
    Ok(crate::files::attachment(&file, bytes))
}
