//! The self-study of a case and its files (ACC-3, ACC-6), shared by the API and the screens: uploads and audited
//! downloads, narratives per section, the representative's confirmation, the office's format check with
//! requests for fixes, and the anonymous one-time questionnaires.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::study::{
    self as rules, FormatStatus, Purpose, QuestionnaireKind, SectionProgress, attachments_open, evidence_row,
    progress, study_editable,
};
use nintei_domain::authz::Decision;
use nintei_domain::authz::acc::CaseFacts;
use nintei_domain::authz::acc_study::{StudyAction, study as study_authz};
use nintei_domain::org::NonEmptyText;
use nintei_store::acc_study::{self as store, FileRow, NewFile, SelfStudyRow};
use nintei_store::{AuditEvent, StoreError, Tx, audit, sha256_hex};
use serde::Deserialize;
use serde_json::{Value, json};

use super::files::{self, FileRejection};
use super::{Loaded, catalog, catalog_on, load, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::iso;
use crate::state::AppState;

mod view;
pub use view::*;

/// Longest narrative of one section, in characters.
pub const NARRATIVE_MAX: usize = 20_000;
/// Most questionnaire links issued in one request.
pub const LINKS_MAX: i64 = 200;
/// Questionnaire answers accepted per client address per hour (like the public reports, REG-7).
pub const ANSWERS_PER_ADDRESS_PER_HOUR: i64 = 30;

pub fn decide(loaded: &Loaded, caller: &Caller, action: StudyAction) -> Decision {
    let pairs = loaded.surveyor_pairs();
    let facts = CaseFacts {
        organization_id: &loaded.case.organization_id,
        coordinator_id: loaded.case.coordinator_id.as_deref(),
        surveyors: &pairs,
        caller_conflicted: loaded.caller_conflicted,
        report_issued: loaded.case.report_issued_on.is_some(),
    };
    study_authz(&caller.actor(), action, &facts)
}

pub fn may(loaded: &Loaded, caller: &Caller, action: StudyAction) -> bool {
    decide(loaded, caller, action).is_allowed()
}

/// Loads a case for a self-study action: 404 when the caller may not see it, 403 when they may not act.
pub async fn load_for(state: &AppState, caller: &Caller, id: &str, action: StudyAction) -> AppResult<Loaded> {
    let loaded = load(state, caller, id).await?.ok_or(AppError::NotFound)?;
    AppError::check(decide(&loaded, caller, action))?;
    Ok(loaded)
}

/// Starts a write: locks the case and reads it and its self-study afresh.
async fn begin(
    state: &AppState,
    id: &str,
    now: i64,
) -> AppResult<(Tx, nintei_store::acc::Case, SelfStudyRow)> {
    let mut tx = state.db.begin_write().await?;
    let case = nintei_store::acc::lock(&mut tx, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = store::self_study(&mut *tx, id).await?;
    Ok((tx, case, row))
}

pub(crate) fn format_of(row: &SelfStudyRow) -> FormatStatus {
    FormatStatus::parse(&row.format_status).unwrap_or(FormatStatus::Draft)
}

fn not_editable(status: CaseStatus, format: FormatStatus) -> AppError {
    AppError::Conflict(format!(
        "ACC-6: セルフスタディは今は変更できません（案件の状態「{}」、書式確認「{}」） (the self-study cannot be changed now: {}, {})",
        status.label_ja(),
        format_label_ja(format),
        status.as_str(),
        format.as_str()
    ))
}

pub fn format_label_ja(f: FormatStatus) -> &'static str {
    match f {
        FormatStatus::Draft => "作成中",
        FormatStatus::Submitted => "提出済み（確認待ち）",
        FormatStatus::FixesRequested => "修正依頼中",
        FormatStatus::Resubmitted => "再提出済み（確認待ち）",
        FormatStatus::Accepted => "確認済み",
    }
}

async fn commit(mut tx: Tx, event: AuditEvent) -> AppResult<()> {
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A change of the material clears the representative's confirmation: it covered the material as it was.
fn unconfirm(row: &mut SelfStudyRow) -> bool {
    let had = row.confirmed_on.is_some();
    row.confirmed_on = None;
    row.confirmed_by_name = None;
    row.confirmed_by = None;
    had
}

// ---------------------------------------------------------------------------------------------------------
// Files (ACC-3 attachments, ACC-6 evidence)

/// One uploaded file as it arrived.
#[derive(Debug, Default)]
pub struct Upload {
    pub purpose: String,
    pub standard: Option<String>,
    pub file_name: String,
    pub declared_type: Option<String>,
    pub bytes: Vec<u8>,
    /// The multipart body had a `file` part at all.
    pub has_file: bool,
}

/// `POST …/files`: checks the purpose (and the standard of evidence), the size, the content against the name
/// and declared type, and the case's state; then stores the bytes under their SHA-256 and the row, in one
/// transaction with its audit event. Nothing is stored when anything is refused.
pub async fn upload(state: &AppState, caller: &Caller, id: &str, up: &Upload) -> AppResult<FileRow> {
    let loaded = load_for(state, caller, id, StudyAction::Upload).await?;
    let mut errors = Vec::new();
    let purpose = Purpose::parse(up.purpose.trim());
    if purpose.is_none() {
        errors.push(FieldError::new(
            "purpose",
            format!(
                "用途は evidence または添付書類（{}）です (evidence or one of the attachments)",
                rules::ATTACHMENTS.join(", ")
            ),
        ));
    }
    let standard = up.standard.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match (&purpose, standard) {
        (Some(Purpose::Evidence), None) => errors.push(FieldError::new(
            "standard",
            "エビデンスはどの認定基準のものか指定してください (the standard is required for evidence)",
        )),
        (Some(Purpose::Evidence), Some(code)) => {
            let catalog = catalog(state, &loaded.case.catalog_version).await?;
            let codes = loaded.case.service_codes();
            if !catalog.in_scope(&codes).any(|s| s.code == code) {
                errors.push(FieldError::new(
                    "standard",
                    "この案件の対象となる認定基準ではありません (not a standard in scope)",
                ));
            }
        }
        (Some(Purpose::Attachment(_)), Some(_)) => errors.push(FieldError::new(
            "standard",
            "添付書類には認定基準を指定しません (attachments name no standard)",
        )),
        _ => {}
    }
    if !up.has_file {
        errors.push(FieldError::new(
            "file",
            "ファイルを選んでください (a file is required)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
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
    let Some(purpose) = purpose else {
        return Err(AppError::BadRequest("purpose".into()));
    };
    let sha = sha256_hex(&up.bytes);
    let now = state.clock.now();
    let (mut tx, case, mut row) = begin(state, id, now.timestamp()).await?;
    let format = format_of(&row);
    let open = match purpose {
        Purpose::Attachment(_) => attachments_open(case.status),
        Purpose::Evidence => study_editable(case.status, format),
    };
    if !open {
        return Err(match purpose {
            Purpose::Evidence => not_editable(case.status, format),
            Purpose::Attachment(_) => AppError::Conflict(format!(
                "ACC-3: 添付書類は申請からセルフスタディ提出までに提出します（現在「{}」） (attachments are closed in {})",
                case.status.label_ja(),
                case.status.as_str()
            )),
        });
    }
    files::store(&state.config.files_dir, &sha, &up.bytes)
        .map_err(|e| AppError::Internal(format!("storing an upload: {e}")))?;
    let size = i64::try_from(up.bytes.len()).unwrap_or(i64::MAX);
    let new = NewFile {
        case_id: id,
        purpose: purpose.as_str(),
        standard,
        original_name: &name,
        size_bytes: size,
        sha256: &sha,
        media_type: kind.mime(),
        uploaded_by: &caller.user.id,
    };
    let file_id = store::insert_file(&mut tx, &new, now.timestamp()).await?;
    let mut unconfirmed = false;
    if purpose == Purpose::Evidence && unconfirm(&mut row) {
        unconfirmed = true;
        store::put_self_study(&mut tx, id, &row, now.timestamp()).await?;
    }
    let changes = audit::created(&[
        ("file_id", json!(file_id)),
        ("purpose", json!(purpose.as_str())),
        ("standard", json!(standard)),
        ("name", json!(name)),
        ("size_bytes", json!(size)),
        ("sha256", json!(sha)),
        ("media_type", json!(kind.mime())),
        ("confirmation_cleared", json!(unconfirmed)),
    ]);
    commit(tx, caller.audit(now, "acc_file.upload", "acc_case", id, changes)).await?;
    store::file(state.db.pool(), id, &file_id)
        .await?
        .ok_or_else(|| AppError::Internal("the stored file row is missing".into()))
}

pub fn too_large(state: &AppState) -> AppError {
    AppError::TooLargeWith(format!(
        "ファイルは{}MiBまでです (at most {} MiB)",
        state.config.upload_limit / 1024 / 1024,
        state.config.upload_limit / 1024 / 1024
    ))
}

/// The bytes of a stored file, checked against the SHA-256 it is named by (a changed file on disk is an error,
/// never handed out).
fn stored_bytes(state: &AppState, file: &FileRow) -> AppResult<Vec<u8>> {
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

/// `GET …/files/{file_id}`: the bytes of a file of a case the caller may see (404 otherwise, and for a file of
/// another case). Every download is an audit event.
pub async fn download(
    state: &AppState,
    caller: &Caller,
    id: &str,
    file_id: &str,
) -> AppResult<(FileRow, Vec<u8>)> {
    load_for(state, caller, id, StudyAction::View).await?;
    let file = store::file(state.db.pool(), id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = stored_bytes(state, &file)?;
    let now = state.clock.now();
    let tx = state.db.begin_write().await?;
    let changes = json!({"file_id": file.id, "name": file.original_name, "sha256": file.sha256,
                         "size_bytes": file.size_bytes});
    commit(
        tx,
        caller.audit(now, "acc_file.download", "acc_case", id, changes),
    )
    .await?;
    Ok((file, bytes))
}

// ---------------------------------------------------------------------------------------------------------
// The self-study view (progress, narratives, confirmation, format check)

/// Progress per section over the case's standards in scope, from its stored evidence files and narratives.
pub(crate) fn sections_of(
    catalog: &nintei_domain::acc::standards::Catalog,
    loaded: &Loaded,
    files: &[FileRow],
    narratives: &[store::Narrative],
) -> Vec<SectionProgress> {
    let codes = loaded.case.service_codes();
    let with_evidence: HashSet<String> = files
        .iter()
        .filter(|f| f.purpose == "evidence")
        .filter_map(|f| f.standard.clone())
        .collect();
    let written: HashSet<String> = narratives
        .iter()
        .filter(|n| !n.body.trim().is_empty())
        .map(|n| n.section.clone())
        .collect();
    progress(catalog.in_scope(&codes), &with_evidence, &written)
}

/// ACC-6: the sections still lacking their narrative or evidence for a standard, which the submission form shows
/// before the self-study is submitted (a warning: the office's format check decides what must be fixed).
/// Read on `conn` (the case page's).
pub async fn incomplete_sections(
    state: &AppState,
    conn: &mut nintei_store::Conn,
    loaded: &Loaded,
) -> AppResult<Vec<SectionProgress>> {
    let catalog = catalog_on(state, &mut *conn, &loaded.case.catalog_version).await?;
    let files = store::files(&mut *conn, &loaded.case.id).await?;
    let narratives = store::narratives(&mut *conn, &loaded.case.id).await?;
    Ok(sections_of(&catalog, loaded, &files, &narratives)
        .into_iter()
        .filter(|s| !s.has_narrative || !s.missing.is_empty())
        .collect())
}

/// The evidence table of a case's standards in scope (ACC-6).
pub async fn evidence_table(state: &AppState, loaded: &Loaded) -> AppResult<Vec<rules::EvidenceRow>> {
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let codes = loaded.case.service_codes();
    Ok(catalog.in_scope(&codes).map(evidence_row).collect())
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct NarrativeInput {
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub body: String,
}

/// `POST …/self-study/narratives`: saves one section's narrative (save as you go; an empty text clears it).
pub async fn save_narrative(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &NarrativeInput,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, StudyAction::Write).await?;
    let section = input.section.trim();
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let codes = loaded.case.service_codes();
    let mut errors = Vec::new();
    if !catalog.in_scope(&codes).any(|s| s.section_code() == section) {
        errors.push(FieldError::new(
            "section",
            "この案件の対象となるセクションではありません (not a section in scope)",
        ));
    }
    let body = input.body.replace("\r\n", "\n");
    if body.chars().count() > NARRATIVE_MAX {
        errors.push(FieldError::new(
            "body",
            format!("{NARRATIVE_MAX}文字までです (at most {NARRATIVE_MAX} characters)"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let (mut tx, case, mut row) = begin(state, id, now.timestamp()).await?;
    let format = format_of(&row);
    if !study_editable(case.status, format) {
        return Err(not_editable(case.status, format));
    }
    let before = store::put_narrative(&mut tx, id, section, &body, &caller.user.id, now.timestamp()).await?;
    if before.as_deref() == Some(body.as_str()) {
        // Saving the same text again changes nothing (a double submission, an autosave without edits).
        return Ok(());
    }
    let cleared = unconfirm(&mut row);
    if cleared {
        store::put_self_study(&mut tx, id, &row, now.timestamp()).await?;
    }
    let changes = json!({
        "section": section,
        "chars": {"before": before.as_deref().map(|b| b.chars().count()), "after": body.chars().count()},
        "sha256": sha256_hex(body.as_bytes()),
        "confirmation_cleared": cleared,
    });
    commit(
        tx,
        caller.audit(now, "acc_self_study.narrative", "acc_case", id, changes),
    )
    .await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ConfirmationInput {
    /// The representative who signed (理事長等); the organization's representative when empty.
    pub representative: Option<String>,
    #[serde(default)]
    pub confirmed_on: String,
}

/// `POST …/self-study/confirmation` (ACC-6): the representative's signed confirmation that goes at the front of
/// the binder. Required before the submission and before a resubmission; a later change to narratives or
/// evidence clears it.
pub async fn confirm(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ConfirmationInput,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, StudyAction::Write).await?;
    let mut errors = Vec::new();
    let representative = input
        .representative
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(loaded.organization.representative.as_str());
    let representative = match NonEmptyText::with_max_chars(representative, 100) {
        Ok(t) => t.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("representative", e.to_string()));
            String::new()
        }
    };
    let on = past_day(
        &mut errors,
        "confirmed_on",
        &input.confirmed_on,
        state.clock.today(),
    );
    if let (Some(on), Some(accepted)) = (on, loaded.case.eligibility_decided_on) {
        super::not_before(&mut errors, "confirmed_on", on, Some((accepted, "申請受理日")));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let on = on.ok_or_else(|| AppError::BadRequest("confirmed_on".into()))?;
    let now = state.clock.now();
    let (mut tx, case, mut row) = begin(state, id, now.timestamp()).await?;
    let format = format_of(&row);
    if !study_editable(case.status, format) {
        return Err(not_editable(case.status, format));
    }
    let before = row.confirmed_on.clone();
    row.confirmed_by_name = Some(representative.clone());
    row.confirmed_on = Some(iso(on));
    row.confirmed_by = Some(caller.user.id.clone());
    store::put_self_study(&mut tx, id, &row, now.timestamp()).await?;
    let changes = audit::diff(&[
        ("confirmed_on", json!(before), json!(iso(on))),
        ("representative", Value::Null, json!(representative)),
    ]);
    commit(
        tx,
        caller.audit(now, "acc_self_study.confirm", "acc_case", id, changes),
    )
    .await
}

/// Called by the submission (`POST …/self-study/submission`) inside its transaction: 409 without the
/// representative's confirmation (ACC-6); otherwise the self-study goes to the office's format check.
pub async fn on_submission(tx: &mut Tx, id: &str, now: i64) -> AppResult<()> {
    let mut row = store::self_study(&mut **tx, id).await?;
    if row.confirmed_on.is_none() {
        return Err(AppError::Conflict(
            "ACC-6: 代表者の確認書がありません。提出の前に確認を記録してください (the representative's confirmation is required before submission)"
                .into(),
        ));
    }
    row.format_status = FormatStatus::Submitted.as_str().to_owned();
    row.format_note = None;
    store::put_self_study(tx, id, &row, now).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct FormatCheckInput {
    /// `accepted` or `fixes_requested`.
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub checked_on: String,
    /// What to fix (required with `fixes_requested`).
    pub note: Option<String>,
}

/// `POST …/self-study/format-check` (ACC-6): the office checks the submitted binder's format; a request for
/// fixes returns the self-study to the organization (editable again), which resubmits.
pub async fn check_format(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &FormatCheckInput,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, StudyAction::CheckFormat).await?;
    let mut errors = Vec::new();
    let result = match input.result.trim() {
        "accepted" => Some(FormatStatus::Accepted),
        "fixes_requested" => Some(FormatStatus::FixesRequested),
        _ => {
            errors.push(FieldError::new(
                "result",
                "accepted（確認済み）または fixes_requested（修正依頼）です",
            ));
            None
        }
    };
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if result == Some(FormatStatus::FixesRequested) && note.is_none() {
        errors.push(FieldError::new(
            "note",
            "修正・追加が必要な点を書いてください (say what to fix)",
        ));
    }
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        errors.push(FieldError::new(
            "note",
            "2000文字までです (at most 2000 characters)",
        ));
    }
    let on = past_day(&mut errors, "checked_on", &input.checked_on, state.clock.today());
    if let (Some(on), Some(sub)) = (on, loaded.case.self_study_submitted_on) {
        super::not_before(&mut errors, "checked_on", on, Some((sub, "セルフスタディ提出日")));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (Some(result), Some(on)) = (result, on) else {
        return Err(AppError::BadRequest("result".into()));
    };
    let now = state.clock.now();
    let (mut tx, _case, mut row) = begin(state, id, now.timestamp()).await?;
    let format = format_of(&row);
    if !format.awaits_check() {
        return Err(AppError::Conflict(format!(
            "ACC-6: 確認待ちのセルフスタディがありません（{}） (nothing awaits the format check: {})",
            format_label_ja(format),
            format.as_str()
        )));
    }
    row.format_status = result.as_str().to_owned();
    row.format_note = note.clone();
    store::put_self_study(&mut tx, id, &row, now.timestamp()).await?;
    let check_id = store::insert_format_check(
        &mut tx,
        id,
        result.as_str(),
        &iso(on),
        note.as_deref(),
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    let email = loaded.organization.contact.email.trim();
    if result == FormatStatus::FixesRequested && !email.is_empty() {
        let body = format!(
            "{} 御中\n\nセルフスタディ資料の書式を確認しました。次の点の修正・追加をお願いします。\n\n{}\n\n修正後、nintei から再提出してください。\n",
            loaded.organization.name,
            note.as_deref().unwrap_or("")
        );
        crate::outbox::enqueue_mail(
            &mut tx,
            now.timestamp(),
            email,
            "セルフスタディ資料の修正のお願い",
            &body,
        )
        .await?;
    }
    let changes = audit::diff(&[
        ("format_status", json!(format.as_str()), json!(result.as_str())),
        ("checked_on", Value::Null, json!(iso(on))),
        ("note", Value::Null, json!(note)),
        ("check_id", Value::Null, json!(check_id)),
    ]);
    commit(
        tx,
        caller.audit(now, "acc_self_study.format_check", "acc_case", id, changes),
    )
    .await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ResubmissionInput {
    #[serde(default)]
    pub resubmitted_on: String,
}

/// `POST …/self-study/resubmission` (ACC-6): after the requested fixes, back to the office's check; the
/// representative's confirmation is required again.
pub async fn resubmit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ResubmissionInput,
) -> AppResult<()> {
    load_for(state, caller, id, StudyAction::Write).await?;
    let mut errors = Vec::new();
    let on = past_day(
        &mut errors,
        "resubmitted_on",
        &input.resubmitted_on,
        state.clock.today(),
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let on = on.ok_or_else(|| AppError::BadRequest("resubmitted_on".into()))?;
    let now = state.clock.now();
    let (mut tx, _case, mut row) = begin(state, id, now.timestamp()).await?;
    let format = format_of(&row);
    if format != FormatStatus::FixesRequested {
        return Err(AppError::Conflict(format!(
            "ACC-6: 修正依頼中ではありません（{}） (no request for fixes is open: {})",
            format_label_ja(format),
            format.as_str()
        )));
    }
    if row.confirmed_on.is_none() {
        return Err(AppError::Conflict(
            "ACC-6: 代表者の確認書がありません。再提出の前に確認を記録してください (the representative's confirmation is required)"
                .into(),
        ));
    }
    row.format_status = FormatStatus::Resubmitted.as_str().to_owned();
    store::put_self_study(&mut tx, id, &row, now.timestamp()).await?;
    let changes = audit::diff(&[
        (
            "format_status",
            json!(format.as_str()),
            json!(FormatStatus::Resubmitted.as_str()),
        ),
        ("resubmitted_on", Value::Null, json!(iso(on))),
    ]);
    commit(
        tx,
        caller.audit(now, "acc_self_study.resubmit", "acc_case", id, changes),
    )
    .await
}

// ---------------------------------------------------------------------------------------------------------
// Questionnaires (ACC-6): one-time anonymous links

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct LinksInput {
    /// `staff` or `client`.
    #[serde(default)]
    pub kind: String,
    pub count: Option<i64>,
}

/// `POST …/questionnaires/links`: `count` new one-time links; the tokens are shown this once and only their
/// hashes are kept. Returns the links' addresses.
pub async fn issue_links(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &LinksInput,
) -> AppResult<Vec<String>> {
    load_for(state, caller, id, StudyAction::IssueLinks).await?;
    let mut errors = Vec::new();
    let kind = QuestionnaireKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "staff（職員用）または client（顧客企業用）です",
        ));
    }
    let count = input.count.unwrap_or(1);
    if !(1..=LINKS_MAX).contains(&count) {
        errors.push(FieldError::new(
            "count",
            format!("1〜{LINKS_MAX}件です (1 to {LINKS_MAX})"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let Some(kind) = kind else {
        return Err(AppError::BadRequest("kind".into()));
    };
    let now = state.clock.now();
    let (mut tx, case, _row) = begin(state, id, now.timestamp()).await?;
    if !matches!(case.status, CaseStatus::SelfStudy | CaseStatus::SiteVisit) {
        return Err(AppError::Conflict(format!(
            "ACC-6: 質問票はセルフスタディから実地調査までの間に配布します（現在「{}」） (not in {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    let mut links = Vec::new();
    for _ in 0..count {
        let token = crate::security::random_token(24);
        store::insert_link(
            &mut tx,
            id,
            kind.as_str(),
            &token_hash(&token),
            &caller.user.id,
            now.timestamp(),
        )
        .await?;
        links.push(format!("{base}/q/{token}"));
    }
    let changes = json!({"kind": kind.as_str(), "count": count});
    commit(
        tx,
        caller.audit(now, "acc_questionnaire.links", "acc_case", id, changes),
    )
    .await?;
    Ok(links)
}

pub fn token_hash(token: &str) -> String {
    sha256_hex(format!("acc-questionnaire:{token}").as_bytes())
}

/// The questionnaire behind a link, while the link is unused (`None`: unknown or used — one answer for both).
pub async fn questionnaire(state: &AppState, token: &str) -> AppResult<Option<QuestionnaireKind>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    // A used link shows the same form as an unused one: whoever handed the links out must not learn, by trying
    // them, who answered. Only a link never issued is unknown.
    Ok(store::issued_link_kind(state.db.pool(), &token_hash(token))
        .await?
        .and_then(|kind| QuestionnaireKind::parse(&kind)))
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AnswerInput {
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
    pub comment: Option<String>,
}

/// Answers a questionnaire through its link (no account): throttled per address; the link is spent in the same
/// transaction as the answer is stored, so a link works once. Nothing kept names the link or the answerer.
pub async fn answer(state: &AppState, address: &str, token: &str, input: &AnswerInput) -> AppResult<()> {
    let now = state.clock.now();
    let address_key = sha256_hex(format!("acc-questionnaire:{address}").as_bytes());
    nintei_store::reg_reports::record_attempt(&state.db, "questionnaire", &address_key, now.timestamp())
        .await?;
    if nintei_store::reg_reports::attempts_since(
        &state.db,
        "questionnaire",
        &address_key,
        now.timestamp() - 3600,
    )
    .await?
        > ANSWERS_PER_ADDRESS_PER_HOUR
    {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    let kind = questionnaire(state, token).await?.ok_or(AppError::NotFound)?;
    let scores: BTreeMap<String, String> = input
        .answers
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    let valid = rules::validate_answer(kind, &scores, input.comment.as_deref()).map_err(|errs| {
        AppError::Validation(errs.into_iter().map(|(f, m)| FieldError::new(f, m)).collect())
    })?;
    let hash = token_hash(token);
    let mut tx = state.db.begin_write().await?;
    // A used link answers as an unused one does ("received") but keeps nothing: the first answer stands, and
    // nobody can tell a used link from an unused one by answering through it.
    let Some((case_id, _)) = store::open_link(&mut *tx, &hash).await? else {
        return Ok(());
    };
    if !store::use_link(&mut tx, &hash).await? {
        return Ok(());
    }
    let answers = serde_json::to_string(&valid).map_err(|e| AppError::Internal(e.to_string()))?;
    store::insert_answer(
        &mut tx,
        &case_id,
        kind.as_str(),
        &answers,
        &iso(state.clock.today()),
    )
    .await?;
    let event = AuditEvent {
        at: now,
        actor_id: None,
        actor_role: Some("public".into()),
        action: "acc_questionnaire.answer".into(),
        entity: "acc_case".into(),
        entity_id: case_id,
        // Only the kind: not the link, not the answers (their row holds them), not the address.
        changes: json!({"kind": kind.as_str()}),
        request_id: "public".into(),
    };
    commit(tx, event).await
}

// ---------------------------------------------------------------------------------------------------------
// The binder (ACC-6)

/// The self-study as one binder (ACC-6 order), for whoever sees the case. 409 until the representative has
/// confirmed it (the confirmation is the binder's first page). The evidence files are read and their hashes
/// checked; handing them all out at once is audited like a download.
pub async fn binder(state: &AppState, caller: &Caller, id: &str) -> AppResult<nintei_docs::Binder> {
    use nintei_docs::{Binder, BinderEvidence, BinderFile, BinderSection};
    let loaded = load_for(state, caller, id, StudyAction::View).await?;
    let pool = state.db.pool();
    let row = store::self_study(pool, id).await?;
    let (Some(on), Some(representative)) = (row.confirmed_on.as_deref(), row.confirmed_by_name.clone())
    else {
        return Err(AppError::Conflict(
            "ACC-6: 代表者の確認がまだのため、バインダーは作成できません (the representative has not confirmed the \
             self-study yet)"
                .into(),
        ));
    };
    let confirmed_on = NaiveDate::parse_from_str(on, "%Y-%m-%d")
        .map_err(|e| AppError::Internal(format!("stored confirmation date {on}: {e}")))?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let codes = loaded.case.service_codes();
    let narratives = store::narratives(pool, id).await?;
    let files = store::files(pool, id).await?;
    let mut sections: Vec<BinderSection> = Vec::new();
    let mut evidence = Vec::new();
    for s in catalog.in_scope(&codes) {
        let code = s.section_code();
        let item = (s.code.clone(), s.title.clone());
        match sections.iter_mut().find(|x| x.code == code) {
            Some(x) => {
                x.standards += 1;
                x.items.push(item);
            }
            None => sections.push(BinderSection {
                code: code.to_owned(),
                name: s.section.clone(),
                group: s.group.clone(),
                standards: 1,
                narrative: narratives
                    .iter()
                    .find(|n| n.section == code)
                    .map(|n| n.body.trim().to_owned())
                    .unwrap_or_default(),
                items: vec![item],
            }),
        }
        let mut of_standard = Vec::new();
        for f in files
            .iter()
            .filter(|f| f.purpose == "evidence" && f.standard.as_deref() == Some(s.code.as_str()))
        {
            let bytes = stored_bytes(state, f)?;
            of_standard.push(BinderFile {
                name: f.original_name.clone(),
                media_type: f.media_type.clone(),
                sha256: f.sha256.clone(),
                bytes,
            });
        }
        if !of_standard.is_empty() {
            evidence.push(BinderEvidence {
                standard: s.code.clone(),
                title: s.title.clone(),
                files: of_standard,
            });
        }
    }
    let now = state.clock.now();
    let tx = state.db.begin_write().await?;
    let changes =
        json!({"binder": true, "evidence_files": evidence.iter().map(|e| e.files.len()).sum::<usize>()});
    commit(
        tx,
        caller.audit(now, "acc_self_study.binder", "acc_case", id, changes),
    )
    .await?;
    Ok(Binder {
        organization_name: loaded.organization.name.clone(),
        unit_name: loaded.case.unit_name.clone(),
        representative,
        confirmed_on,
        applied_on: loaded.case.applied_on,
        sections,
        evidence,
        destroyed_on: row
            .destroyed_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    })
}
