//! REG-7: the document requests of a deregistration case with the institution's answers, the answer (one file
//! per upload with a note) and the audited download, through the registration files' reading of the form and
//! download answer.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nintei_app::reg::files::file_json;
use nintei_app::reg::hearing::{self, Answer, RequestWithAnswers};
use nintei_app::state::AppState;
use serde_json::{Value, json};

use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};

fn download_base(id: &str) -> String {
    format!("/api/v1/registration/investigations/{id}/files")
}

pub fn answer_json(a: &Answer, case_id: &str) -> Value {
    let mut file = file_json(&a.file, &download_base(case_id));
    if let Some(o) = file.as_object_mut() {
        // The file's purpose is the request it answers, said once on the answer.
        o.remove("purpose");
    }
    json!({
        "id": a.answer.id,
        "request_id": a.answer.request_id,
        "answered_on": a.answer.answered_on,
        "note": a.answer.note,
        "answered_by": a.answer.answered_by,
        "answered_at": chrono::DateTime::from_timestamp(a.answer.answered_at, 0).map(|t| t.to_rfc3339()),
        "file": file,
    })
}

/// A document request as API.md's case shows it, with the institution's answers.
pub fn request_json(r: &RequestWithAnswers, case_id: &str) -> Value {
    let mut v = json!(r.request);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "answers".into(),
            json!(
                r.answers
                    .iter()
                    .map(|a| answer_json(a, case_id))
                    .collect::<Vec<_>>()
            ),
        );
    }
    v
}

/// `GET /api/v1/registration/investigations/{id}/document-requests` → the requests with their answers, for
/// whoever may see the case (404 otherwise).
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let (case, requests) = hearing::document_requests(&state, &caller, &id).await?;
    Ok(Json(json!({
        "items": requests.iter().map(|r| request_json(r, &case.id)).collect::<Vec<_>>(),
    })))
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
    Ok((StatusCode::CREATED, Json(answer_json(&a, &id))).into_response())
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
