//! The institution's part in a REG-7 case before its hearing (聴聞): it sees the document requests addressed to
//! it and answers them with files in the system (one file per upload, with a note), and the office sees the
//! answers and downloads the files. The limits, content sniffing, storage and audited download are the
//! registration files' (`reg::files`, itself the ACC files'); the rows are `reg_files` (owner
//! `reg_investigation`, purpose the request) and `reg_document_answers`.

use nintei_domain::authz::reg::DeregistrationAction;
use nintei_store::audit;
use nintei_store::reg_files::{self, FileRow, NewRegFile};
use nintei_store::reg_investigations::{
    self as inv, DocumentAnswer, DocumentRequest, Investigation, NewAnswer,
};
use serde_json::json;

use super::files::{check_and_store, stored_bytes};
use super::{Check, LONG_TEXT, authorized_investigation, commit, conflict};
use crate::acc::study::Upload;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// An answer to a document request as the API shows it (REG-7).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AnswerView {
    pub id: String,
    pub request_id: String,
    pub answered_on: chrono::NaiveDate,
    pub note: String,
    pub answered_by: String,
    /// RFC 3339.
    pub answered_at: Option<String>,
    pub file: super::files::DocumentFile,
}

impl AnswerView {
    /// The answer of case `case_id`, its file downloaded under the case's files.
    pub fn of(a: &Answer, case_id: &str) -> Self {
        let mut file = super::files::DocumentFile::of(
            &a.file,
            &format!("/api/v1/registration/investigations/{case_id}/files"),
        );
        // The file's purpose is the request it answers, said once on the answer.
        file.purpose = None;
        AnswerView {
            id: a.answer.id.clone(),
            request_id: a.answer.request_id.clone(),
            answered_on: a.answer.answered_on,
            note: a.answer.note.clone(),
            answered_by: a.answer.answered_by.clone(),
            answered_at: chrono::DateTime::from_timestamp(a.answer.answered_at, 0).map(|t| t.to_rfc3339()),
            file,
        }
    }
}

/// A document request with the institution's answers (REG-7).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: DocumentRequest,
    pub answers: Vec<AnswerView>,
}

impl RequestView {
    pub fn of(r: &RequestWithAnswers, case_id: &str) -> Self {
        RequestView {
            request: r.request.clone(),
            answers: r.answers.iter().map(|a| AnswerView::of(a, case_id)).collect(),
        }
    }
}

/// An answer with its file.
pub struct Answer {
    pub answer: DocumentAnswer,
    pub file: FileRow,
}

/// A document request with the institution's answers, oldest first.
pub struct RequestWithAnswers {
    pub request: DocumentRequest,
    pub answers: Vec<Answer>,
}

/// The document requests of a case the caller may see (404 otherwise), each with its answers: the institution
/// sees what is addressed to it and what it answered; the office, the head, the administrator and (once
/// referred) the committee see the same.
pub async fn document_requests(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<(Investigation, Vec<RequestWithAnswers>)> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::View).await?;
    let requests = requests_with_answers(state, &case.id).await?;
    Ok((case, requests))
}

/// The requests of a case with their answers (no authorization: for a case already shown to the caller).
pub async fn requests_with_answers(state: &AppState, case_id: &str) -> AppResult<Vec<RequestWithAnswers>> {
    let pool = state.db.pool();
    let requests = inv::document_requests(pool, case_id).await?;
    let answers = inv::answers(pool, case_id).await?;
    let files = reg_files::files(pool, reg_files::INVESTIGATION, case_id).await?;
    Ok(requests
        .into_iter()
        .map(|request| {
            let answers = answers
                .iter()
                .filter(|a| a.request_id == request.id)
                .filter_map(|a| {
                    let file = files.iter().find(|f| f.id == a.file_id)?.clone();
                    Some(Answer {
                        answer: a.clone(),
                        file,
                    })
                })
                .collect();
            RequestWithAnswers { request, answers }
        })
        .collect())
}

/// Decides before the body is read who may answer (a stranger learns nothing from a malformed form): the case
/// must be visible (404) and the caller the institution (403); the request must be the case's (404).
pub async fn may_answer(state: &AppState, caller: &Caller, id: &str, request_id: &str) -> AppResult<()> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Answer).await?;
    inv::document_requests(state.db.pool(), &case.id)
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// `POST …/investigations/{id}/document-requests/{rid}/files` (multipart: `file`, `note`?, `answered_on`?): the
/// institution answers a document request with one file and a note (REG-7). The answer is dated `answered_on`
/// (today when absent), not before the request and not in the future. The file passes the registration files'
/// checks; its row, the answer and the audit event are one transaction. The same bytes sent again for the same
/// request answer the row already stored. Once the office has recorded the receipt, or the case has ended, the
/// request takes no more answers (409).
pub async fn answer_request(
    state: &AppState,
    caller: &Caller,
    id: &str,
    request_id: &str,
    up: &Upload,
    fields: &std::collections::BTreeMap<String, String>,
) -> AppResult<Answer> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Answer).await?;
    let request = inv::document_requests(state.db.pool(), &case.id)
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or(AppError::NotFound)?;
    let today = state.clock.today();
    let mut check = Check::default();
    let answered_on = match fields
        .get("answered_on")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(s) => check.past_date("answered_on", s, today),
        None => Some(today),
    };
    check.not_before("answered_on", answered_on, request.requested_on, "依頼日");
    let note = check.optional_text("note", fields.get("note").map_or("", String::as_str), LONG_TEXT);
    check.finish()?;
    let Some(answered_on) = answered_on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    open_for_answers(&case, &request)?;
    let checked = check_and_store(state, up)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // A form sent twice: the same bytes for the same request are the answer already stored.
    if let Some(f) = reg_files::same(
        &mut *tx,
        reg_files::INVESTIGATION,
        &case.id,
        request_id,
        &checked.sha256,
    )
    .await?
        && let Some(a) = inv::answer_for_file(&mut *tx, &f.id).await?
    {
        return Ok(Answer { answer: a, file: f });
    }
    // Still open when written: the receipt or the end of the case may have been recorded meanwhile.
    let fresh = inv::by_id(&mut *tx, &case.id).await?.ok_or(AppError::NotFound)?;
    let fresh_request = inv::document_requests(&mut *tx, &case.id)
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or(AppError::NotFound)?;
    open_for_answers(&fresh, &fresh_request)?;
    if !inv::touch(
        &mut tx,
        &fresh.id,
        fresh.version,
        &["open", "referred"],
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("案件が同時に変更されました"));
    }
    let file_id = reg_files::insert(
        &mut tx,
        &NewRegFile {
            owner_type: reg_files::INVESTIGATION,
            owner_id: &case.id,
            purpose: request_id,
            original_name: &checked.name,
            size_bytes: checked.size_bytes,
            sha256: &checked.sha256,
            media_type: checked.media_type,
            uploaded_by: &caller.user.id,
        },
        now.timestamp(),
    )
    .await?;
    let answer_id = inv::insert_answer(
        &mut tx,
        &NewAnswer {
            investigation_id: &case.id,
            request_id,
            file_id: &file_id,
            answered_on,
            note: &note,
            answered_by: &caller.user.id,
        },
        now.timestamp(),
    )
    .await?;
    let changes = audit::created(&[
        ("answer_id", json!(answer_id)),
        ("document_request_id", json!(request_id)),
        ("answered_on", json!(answered_on)),
        ("note", json!(note)),
        ("file_id", json!(file_id)),
        ("name", json!(checked.name)),
        ("size_bytes", json!(checked.size_bytes)),
        ("sha256", json!(checked.sha256)),
        ("media_type", json!(checked.media_type)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.answer_documents",
            "reg_investigation",
            &case.id,
            changes,
        ),
    )
    .await?;
    commit(tx).await?;
    let pool = state.db.pool();
    let file = reg_files::file(pool, reg_files::INVESTIGATION, &case.id, &file_id)
        .await?
        .ok_or_else(|| AppError::Internal("the stored file row is missing".into()))?;
    let answer = inv::answer_for_file(pool, &file_id)
        .await?
        .ok_or_else(|| AppError::Internal("the stored answer is missing".into()))?;
    Ok(Answer { answer, file })
}

fn open_for_answers(case: &Investigation, request: &DocumentRequest) -> AppResult<()> {
    if !matches!(case.status.as_str(), "open" | "referred") {
        return Err(conflict(format!(
            "この抹消審査案件は「{}」のため資料の提出はできません (the case has ended)",
            super::investigation_status_label(&case.status)
        )));
    }
    if let Some(on) = request.received_on {
        return Err(conflict(format!(
            "事務局はこの依頼の資料を{on}に受領済みです (the office recorded receipt)"
        )));
    }
    Ok(())
}

/// `GET …/investigations/{id}/files/{file_id}`: the bytes of a file answering a document request of a case the
/// caller may see (404 otherwise, and for a file of another case). Every download is an audit event
/// (`reg_file.download`).
pub async fn download_answer(
    state: &AppState,
    caller: &Caller,
    id: &str,
    file_id: &str,
) -> AppResult<(FileRow, Vec<u8>)> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::View).await?;
    let file = reg_files::file(state.db.pool(), reg_files::INVESTIGATION, &case.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = stored_bytes(state, &file)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let changes = json!({"file_id": file.id, "document_request_id": file.purpose, "name": file.original_name,
                         "sha256": file.sha256, "size_bytes": file.size_bytes});
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_file.download", "reg_investigation", &case.id, changes),
    )
    .await?;
    commit(tx).await?;
    Ok((file, bytes))
}
