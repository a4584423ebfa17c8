//! The registration documents on the case page (REG-3, seed 000 別紙2): upload from the screen and the audited
//! download, as the API's.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_app::reg;
use nintei_app::state::AppState;

use super::application::show_case_page;
use crate::auth::{WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::in_lang;

/// `POST /registration/cases/{id}/files` (multipart with `csrf`, `purpose`, `file`).
pub async fn upload(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let mp = mp.map_err(|e| err(AppError::BadRequest(e.body_text())))?;
    let (up, fields) = match crate::files::read_multipart(&state, mp).await {
        Ok(r) => r,
        // The form could not be read, so its token could not be checked: nothing is done, and only a caller
        // who may see the case learns why.
        Err(e) => {
            reg::visible_case(&state, &s.caller, &id).await.map_err(&err)?;
            return Err(err(e));
        }
    };
    check_csrf(&s.session, fields.get("csrf").map_or("", String::as_str))?;
    match reg::files::upload_document(&state, &s.caller, &id, &up).await {
        Ok(_) => Ok(Redirect::to(&format!("/registration/cases/{id}?uploaded=1")).into_response()),
        Err(e) => {
            let r = crate::ui::form::refused(e, s.lang)?.beside("file");
            show_case_page(&state, &s, &id, r.errors, "", r.status).await
        }
    }
}

/// `GET /registration/cases/{id}/files/{file_id}`: the download, audited.
pub async fn download(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = reg::files::download_document(&state, &s.caller, &id, &file_id)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(crate::files::attachment(&file, bytes))
}
