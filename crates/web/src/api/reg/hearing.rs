//! REG-7: the document requests of a deregistration case with the institution's answers, the answer (one file
//! per upload with a note) and the audited download, through the registration files' reading of the form and
//! download answer.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nintei_app::reg::hearing::{self, AnswerView, RequestView};
use nintei_app::state::AppState;

use crate::api::answers::Items;
use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};

/// `GET /api/v1/registration/investigations/{id}/document-requests` → the requests with their answers, for
/// whoever may see the case (404 otherwise).
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Items<RequestView>>> {
    let (case, requests) = hearing::document_requests(&state, &caller, &id).await?;
    let items = requests.iter().map(|r| RequestView::of(r, &case.id)).collect();
    Ok(Json(Items { items }))
}

/// `POST /api/v1/registration/investigations/{id}/document-requests/{rid}/files` (the institution; multipart:
/// `file`, `note`?, `answered_on`?) → 201 the answer with its file.
pub async fn answer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, rid)): Path<(String, String)>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    hearing::may_answer(&state, &caller, &id, &rid).await?;
    let mp =
        mp.map_err(|e| AppError::BadRequest(format!("multipart/form-data expected: {}", e.body_text())))?;
    let (up, fields) = crate::files::read_multipart(&state, mp).await?;
    let a = hearing::answer_request(&state, &caller, &id, &rid, &up, &fields).await?;
    Ok((StatusCode::CREATED, Json(AnswerView::of(&a, &id))).into_response())
}

/// `GET /api/v1/registration/investigations/{id}/files/{file_id}`: an answer's file as an attachment, audited.
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, file_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let (file, bytes) = hearing::download_answer(&state, &caller, &id, &file_id).await?;
    Ok(crate::files::attachment(&file, bytes))
}
