//! The self-study of a case and its files (ACC-3, ACC-6; additions to API.md): uploads, audited downloads,
//! narratives, the representative's confirmation, the office's format check, and the anonymous questionnaires.
//! The logic is in [`nintei_app::acc::study`], shared with the screens.

use crate::api::ApiJson;
use crate::api::answers::{Items, Received};
use crate::auth::{ApiCaller, ClientAddr};
use crate::error::{AppError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nintei_app::acc::study;
use nintei_app::state::AppState;
use nintei_domain::authz::acc_study::StudyAction;

/// `GET …/self-study`: progress per section, narratives, files, confirmation and format check.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<study::SelfStudyView>> {
    let loaded = study::load_for(&state, &caller, &id, StudyAction::View).await?;
    let mut v = study::view(&state, &caller, &loaded).await?;
    v.evidence_table = Some(study::evidence_table(&state, &loaded).await?);
    Ok(Json(v))
}

async fn study_json(
    state: &AppState,
    caller: &nintei_app::caller::Caller,
    id: &str,
) -> WebResult<Json<study::SelfStudyView>> {
    let loaded = study::load_for(state, caller, id, StudyAction::View).await?;
    Ok(Json(study::view(state, caller, &loaded).await?))
}

/// `POST …/self-study/narratives` `{section, body}` → 200 self-study.
pub async fn narrative(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<study::NarrativeInput>,
) -> WebResult<Json<study::SelfStudyView>> {
    study::save_narrative(&state, &caller, &id, &input).await?;
    study_json(&state, &caller, &id).await
}

/// `POST …/self-study/confirmation` `{representative?, confirmed_on}` → 200 self-study.
pub async fn confirmation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<study::ConfirmationInput>,
) -> WebResult<Json<study::SelfStudyView>> {
    study::confirm(&state, &caller, &id, &input).await?;
    study_json(&state, &caller, &id).await
}

/// `POST …/self-study/format-check` `{result, checked_on, note?}` → 200 self-study.
pub async fn format_check(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<study::FormatCheckInput>,
) -> WebResult<Json<study::SelfStudyView>> {
    study::check_format(&state, &caller, &id, &input).await?;
    study_json(&state, &caller, &id).await
}

/// `POST …/self-study/resubmission` `{resubmitted_on}` → 200 self-study.
pub async fn resubmission(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<study::ResubmissionInput>,
) -> WebResult<Json<study::SelfStudyView>> {
    study::resubmit(&state, &caller, &id, &input).await?;
    study_json(&state, &caller, &id).await
}

/// `POST …/files` (multipart: `file`, `purpose`, `standard`) → 201 the file's record.
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    // Who may upload is decided before the body is read: a stranger learns nothing from a malformed form.
    study::load_for(&state, &caller, &id, StudyAction::Upload).await?;
    let mp =
        mp.map_err(|e| AppError::BadRequest(format!("multipart/form-data expected: {}", e.body_text())))?;
    let (up, _) = crate::files::read_multipart(&state, mp).await?;
    let file = study::upload(&state, &caller, &id, &up).await?;
    Ok((StatusCode::CREATED, Json(study::FileView::of(&file, &id))).into_response())
}

/// `GET …/files` → the case's files.
pub async fn files(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Items<study::FileView>>> {
    let items = study::files(&state, &caller, &id).await?;
    Ok(Json(Items { items }))
}

/// `GET …/files/{file_id}`: the bytes, as an attachment, never sniffed by the browser; audited.
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, file_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let (file, bytes) = study::download(&state, &caller, &id, &file_id).await?;
    Ok(crate::files::attachment(&file, bytes))
}

/// `POST …/questionnaires/links` `{kind, count}` → 201 `{kind, links}` (shown this once).
pub async fn links(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<study::LinksInput>,
) -> WebResult<Response> {
    let links = study::issue_links(&state, &caller, &id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(study::IssuedLinks {
            kind: input.kind.trim().to_owned(),
            links,
        }),
    )
        .into_response())
}

/// `GET …/questionnaires` → counts per kind (and the answers, for those who may see them).
pub async fn questionnaires(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<study::QuestionnaireSummary>> {
    Ok(Json(study::summary(&state, &caller, &id).await?))
}

/// `GET /api/v1/public/questionnaires/{token}` (no account) → the questions; 404 for an unknown or used link.
pub async fn public_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> WebResult<Json<study::PublicQuestionnaire>> {
    let form = study::public_questionnaire(&state, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(form))
}

/// `POST /api/v1/public/questionnaires/{token}` (no account) `{answers: {q1: 1..5, …}, comment?}` → 201; the
/// link then answers 404.
pub async fn public_answer(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<study::AnswerInput>,
) -> WebResult<Response> {
    study::answer(&state, &address, &token, &input).await?;
    Ok((StatusCode::CREATED, Json(Received { status: "received" })).into_response())
}
