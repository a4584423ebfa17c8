//! Files of the registration scheme: the registration documents uploaded with an application (REG-3, seed 000
//! 別紙2 登録申請関係書類), so that the office checks the self-confirmation against documents. The limits, the
//! content sniffing, the storage by SHA-256 and the audited download are the ACC files' (`acc::files`,
//! `acc::study::too_large`); only who may upload, when, and what a file is for are REG's.

use nintei_domain::authz::reg::{self as authz, CaseAction};
use nintei_domain::reg::application::Documents;
use nintei_domain::reg::findings::document_finding;
use nintei_domain::reg::status::Status;
use nintei_store::reg_cases;
use nintei_store::reg_files::{self, FileRow, NewRegFile};
use nintei_store::{audit, sha256_hex};
use serde_json::json;

use super::{commit, conflict};
use crate::acc::files::{self, FileRejection};
use crate::acc::study::{Upload, too_large};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// An upload that passed the ACC files' checks, its bytes stored under their hash.
pub struct Checked {
    pub name: String,
    pub media_type: &'static str,
    pub sha256: String,
    pub size_bytes: i64,
}

/// The ACC files' checks on an upload (a file at all, its size, its name, its content against the name and the
/// declared type); the bytes are stored under their SHA-256 only once all pass.
pub fn check_and_store(state: &AppState, up: &Upload) -> AppResult<Checked> {
    if !up.has_file {
        return Err(AppError::field(
            "file",
            "ファイルを選んでください (a file is required)",
        ));
    }
    if up.bytes.len() > state.config.upload_limit {
        return Err(too_large(state));
    }
    let name = files::clean_name(&up.file_name);
    if name.is_empty() {
        return Err(AppError::field(
            "file",
            "ファイル名がありません (the file has no name)",
        ));
    }
    let kind = files::check(&up.bytes, &name, up.declared_type.as_deref())
        .map_err(|e: FileRejection| AppError::field("file", e.to_string()))?;
    let sha256 = sha256_hex(&up.bytes);
    files::store(&state.config.files_dir, &sha256, &up.bytes)
        .map_err(|e| AppError::Internal(format!("storing an upload: {e}")))?;
    Ok(Checked {
        name,
        media_type: kind.mime(),
        sha256,
        size_bytes: i64::try_from(up.bytes.len()).unwrap_or(i64::MAX),
    })
}

/// The bytes of a stored file, checked against the SHA-256 it is named by.
pub fn stored_bytes(state: &AppState, file: &FileRow) -> AppResult<Vec<u8>> {
    let bytes = files::load(&state.config.files_dir, &file.sha256)
        .map_err(|e| AppError::Internal(format!("reading stored file {}: {e}", file.sha256)))?;
    if sha256_hex(&bytes) != file.sha256 {
        return Err(AppError::Internal(format!(
            "stored file {} does not match its hash",
            file.sha256
        )));
    }
    Ok(bytes)
}

/// A registration document (REG-3) or a document answering a request (REG-7), and where to download it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DocumentFile {
    pub id: String,
    /// The document (`basic_policies`, `floor_plan`, …); left out on an answer, whose request says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The file's name as uploaded.
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub media_type: String,
    pub uploaded_by: String,
    /// RFC 3339.
    pub uploaded_at: Option<String>,
    pub download: String,
}

impl DocumentFile {
    /// The file with its download address under `download` (the list's path).
    pub fn of(f: &FileRow, download: &str) -> Self {
        DocumentFile {
            id: f.id.clone(),
            purpose: Some(f.purpose.clone()),
            name: f.original_name.clone(),
            size_bytes: f.size_bytes,
            sha256: f.sha256.clone(),
            media_type: f.media_type.clone(),
            uploaded_by: f.uploaded_by.clone(),
            uploaded_at: chrono::DateTime::from_timestamp(f.uploaded_at, 0).map(|t| t.to_rfc3339()),
            download: format!("{download}/{}", f.id),
        }
    }
}

/// A registration case the caller may upload documents to: one it may see (404 otherwise), filed by its
/// organization or the office (403 otherwise).
async fn case_for_upload(state: &AppState, caller: &Caller, id: &str) -> AppResult<reg_cases::RegCase> {
    let case = super::visible_case(state, caller, id).await?;
    AppError::check(authz::case(
        &caller.actor(),
        CaseAction::Apply,
        &case.organization_id,
    ))?;
    Ok(case)
}

/// Decides before the body is read who may upload (a stranger learns nothing from a malformed form).
pub async fn may_upload_document(state: &AppState, caller: &Caller, id: &str) -> AppResult<()> {
    case_for_upload(state, caller, id).await.map(|_| ())
}

/// `POST /api/v1/registration/cases/{id}/files` (multipart: `file`, `purpose` = one of the six documents): a
/// registration document uploaded with the application while the office has not decided (REG-3, REG-5). The
/// document counts as enclosed: its "not enclosed" finding goes, in the same transaction as the file's row and
/// the audit event. The same bytes sent again for the same document answer the row already stored.
pub async fn upload_document(state: &AppState, caller: &Caller, id: &str, up: &Upload) -> AppResult<FileRow> {
    let case = case_for_upload(state, caller, id).await?;
    let purpose = up.purpose.trim();
    let Some((label, codes)) = Documents::describe(purpose) else {
        let names: Vec<&str> = Documents::default().items().iter().map(|i| i.0).collect();
        return Err(AppError::Validation(vec![FieldError::new(
            "purpose",
            format!(
                "書類の種類は {} のいずれかです (one of the registration documents)",
                names.join(", ")
            ),
        )]));
    };
    if case.status != Status::Submitted {
        return Err(conflict(format!(
            "審査を終えた申請（{}）には書類を追加できません (the case is decided)",
            super::status_label(case.status)
        )));
    }
    let checked = check_and_store(state, up)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if let Some(f) = reg_files::same(&mut *tx, reg_files::CASE, id, purpose, &checked.sha256).await? {
        return Ok(f);
    }
    let case = reg_cases::by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    // A declaration absent (API.md's minimal body: the office checks the documents on paper) stays absent.
    let documents = case.documents.map(|d| d.with_enclosed(purpose));
    let gone = document_finding(label, codes);
    let findings: Vec<String> = case.findings.iter().filter(|f| **f != gone).cloned().collect();
    if !reg_cases::set_documents(
        &mut tx,
        id,
        case.version,
        documents.as_ref(),
        &findings,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("申請が同時に変更されたか、審査を終えています"));
    }
    let file_id = reg_files::insert(
        &mut tx,
        &NewRegFile {
            owner_type: reg_files::CASE,
            owner_id: id,
            purpose,
            original_name: &checked.name,
            size_bytes: checked.size_bytes,
            sha256: &checked.sha256,
            media_type: checked.media_type,
            uploaded_by: &caller.user.id,
        },
        now.timestamp(),
    )
    .await?;
    let changes = audit::created(&[
        ("file_id", json!(file_id)),
        ("purpose", json!(purpose)),
        ("name", json!(checked.name)),
        ("size_bytes", json!(checked.size_bytes)),
        ("sha256", json!(checked.sha256)),
        ("media_type", json!(checked.media_type)),
        ("findings", json!(findings.len())),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_file.upload", "reg_case", id, changes),
    )
    .await?;
    commit(tx).await?;
    reg_files::file(state.db.pool(), reg_files::CASE, id, &file_id)
        .await?
        .ok_or_else(|| AppError::Internal("the stored file row is missing".into()))
}

/// The documents uploaded with a case the caller may see (404 otherwise).
pub async fn case_documents(state: &AppState, caller: &Caller, id: &str) -> AppResult<Vec<FileRow>> {
    super::visible_case(state, caller, id).await?;
    Ok(reg_files::files(state.db.pool(), reg_files::CASE, id).await?)
}

/// `GET …/cases/{id}/files/{file_id}`: the bytes of a document of a case the caller may see (the institution,
/// the office, those who see every case); 404 otherwise and for a file of another case. Every download is an
/// audit event.
pub async fn download_document(
    state: &AppState,
    caller: &Caller,
    id: &str,
    file_id: &str,
) -> AppResult<(FileRow, Vec<u8>)> {
    super::visible_case(state, caller, id).await?;
    let file = reg_files::file(state.db.pool(), reg_files::CASE, id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = stored_bytes(state, &file)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let changes = json!({"file_id": file.id, "name": file.original_name, "sha256": file.sha256,
                         "size_bytes": file.size_bytes});
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_file.download", "reg_case", id, changes),
    )
    .await?;
    commit(tx).await?;
    Ok((file, bytes))
}
