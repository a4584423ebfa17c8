//! REG-7 on the deregistration case page: the document requests with the institution's answers, the
//! institution's upload form (one file with a note) and the audited download, as the API's.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_app::error::AppResult;
use nintei_app::reg::hearing;
use nintei_app::state::AppState;

use super::deregistration::investigation_page;
use crate::auth::{WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::{in_lang, render_status};

/// One answer as the page shows it.
pub struct AnswerRow {
    pub answered_on: String,
    pub note: String,
    pub file_id: String,
    pub file_name: String,
    pub size_bytes: i64,
}

/// One document request as the page shows it.
pub struct RequestRow {
    pub id: String,
    pub requested_on: String,
    pub due_on: String,
    pub items: String,
    /// Empty while the office has not recorded receipt.
    pub received_on: String,
    pub answers: Vec<AnswerRow>,
}

pub async fn request_rows(state: &AppState, case_id: &str) -> AppResult<Vec<RequestRow>> {
    Ok(hearing::requests_with_answers(state, case_id)
        .await?
        .into_iter()
        .map(|r| RequestRow {
            id: r.request.id,
            requested_on: r.request.requested_on.to_string(),
            due_on: r.request.due_on.to_string(),
            items: r.request.items,
            received_on: r.request.received_on.map(|d| d.to_string()).unwrap_or_default(),
            answers: r
                .answers
                .into_iter()
                .map(|a| AnswerRow {
                    answered_on: a.answer.answered_on.to_string(),
                    note: a.answer.note,
                    file_id: a.file.id,
                    file_name: a.file.original_name,
                    size_bytes: a.file.size_bytes,
                })
                .collect(),
        })
        .collect())
}

/// `POST /registration/investigations/{id}/document-requests/{rid}/files` (multipart with `csrf`, `note`,
/// `answered_on`, `file`): the institution's answer.
pub async fn answer(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, rid)): Path<(String, String)>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    hearing::may_answer(&state, &s.caller, &id, &rid)
        .await
        .map_err(&err)?;
    let mp = mp.map_err(|e| err(AppError::BadRequest(e.body_text())))?;
    let (up, fields) = crate::files::read_multipart(&state, mp).await.map_err(&err)?;
    check_csrf(&s.session, fields.get("csrf").map_or("", String::as_str))?;
    match hearing::answer_request(&state, &s.caller, &id, &rid, &up, &fields).await {
        Ok(_) => Ok(Redirect::to(&format!("/registration/investigations/{id}?answered=1")).into_response()),
        Err(e) => {
            let r = crate::ui::form::refused(e, s.lang)?.beside("file");
            let page = investigation_page(&state, &s, &id, r.errors).await?;
            Ok(render_status(r.status, &page))
        }
    }
}

/// `GET /registration/investigations/{id}/files/{file_id}`: an answer's file, audited.
pub async fn download(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = hearing::download_answer(&state, &s.caller, &id, &file_id)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(crate::files::attachment(&file, bytes))
}
