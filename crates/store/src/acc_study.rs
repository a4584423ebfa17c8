//! The self-study of an accreditation case (ACC-3, ACC-6): uploaded files (the bytes live outside the database,
//! named by their SHA-256; a row here says whose they are), narratives per section, the representative's
//! confirmation and the office's format check, and the anonymous questionnaires.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{Any, Executor, Row};

use crate::{Result, Tx, new_id};

// ---- files (ACC-3 attachments, ACC-6 evidence) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FileRow {
    pub id: String,
    pub case_id: String,
    /// One of the five ACC-3 attachments, or `evidence` (ACC-6, with `standard`).
    pub purpose: String,
    pub standard: Option<String>,
    pub original_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub media_type: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

pub struct NewFile<'a> {
    pub case_id: &'a str,
    pub purpose: &'a str,
    pub standard: Option<&'a str>,
    pub original_name: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub media_type: &'a str,
    pub uploaded_by: &'a str,
}

pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_files (id, case_id, purpose, standard, original_name, size_bytes, sha256, media_type, \
         uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(f.case_id.to_owned())
    .bind(f.purpose.to_owned())
    .bind(f.standard.map(str::to_owned))
    .bind(f.original_name.to_owned())
    .bind(f.size_bytes)
    .bind(f.sha256.to_owned())
    .bind(f.media_type.to_owned())
    .bind(f.uploaded_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

const FILE_COLS: &str = "id, case_id, purpose, standard, original_name, size_bytes, sha256, media_type, \
                         uploaded_by, uploaded_at";

fn file_row(r: &sqlx::any::AnyRow) -> Result<FileRow> {
    Ok(FileRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        purpose: r.try_get("purpose")?,
        standard: r.try_get("standard")?,
        original_name: r.try_get("original_name")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        media_type: r.try_get("media_type")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// The files of a case, oldest first.
pub async fn files<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<FileRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLS} FROM acc_files WHERE case_id = $1 ORDER BY uploaded_at, id"
    )))
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(file_row).collect()
}

/// One file of a case (`None` when it does not exist or belongs to another case).
pub async fn file<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    file_id: &str,
) -> Result<Option<FileRow>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLS} FROM acc_files WHERE case_id = $1 AND id = $2"
    )))
    .bind(case_id.to_owned())
    .bind(file_id.to_owned())
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(file_row).transpose()
}

// ---- the self-study row: confirmation and format status (ACC-6) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default, utoipa::ToSchema)]
pub struct SelfStudyRow {
    pub confirmed_by_name: Option<String>,
    pub confirmed_on: Option<String>,
    pub confirmed_by: Option<String>,
    /// `draft`, `submitted`, `fixes_requested`, `resubmitted`, `accepted`.
    pub format_status: String,
    pub format_note: Option<String>,
    /// ACC-6: the day the material was destroyed (at the renewal date).
    pub destroyed_on: Option<String>,
}

pub async fn self_study<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<SelfStudyRow> {
    let row = sqlx::query(
        "SELECT confirmed_by_name, confirmed_on, confirmed_by, format_status, format_note, destroyed_on \
         FROM acc_self_study WHERE case_id = $1",
    )
    .bind(case_id.to_owned())
    .fetch_optional(ex)
    .await?;
    match row {
        None => Ok(SelfStudyRow {
            format_status: "draft".into(),
            ..SelfStudyRow::default()
        }),
        Some(r) => Ok(SelfStudyRow {
            confirmed_by_name: r.try_get("confirmed_by_name")?,
            confirmed_on: r.try_get("confirmed_on")?,
            confirmed_by: r.try_get("confirmed_by")?,
            format_status: r.try_get("format_status")?,
            format_note: r.try_get("format_note")?,
            destroyed_on: r.try_get("destroyed_on")?,
        }),
    }
}

// ---- destruction at the renewal date (ACC-6) ----

/// Sets the day the self-study material of `case_id` is to be destroyed (not once it has been).
pub async fn schedule_destruction(tx: &mut Tx, case_id: &str, on: NaiveDate, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_self_study (case_id, format_status, updated_at, destroy_on) VALUES ($1, 'draft', $2, $3) \
         ON CONFLICT (case_id) DO UPDATE SET destroy_on = $3, updated_at = $2 \
         WHERE acc_self_study.destroyed_on IS NULL",
    )
    .bind(case_id.to_owned())
    .bind(now)
    .bind(on.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The cases whose self-study material is due for destruction on `today` and not yet destroyed.
pub async fn due_for_destruction<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT case_id FROM acc_self_study WHERE destroy_on IS NOT NULL AND destroy_on <= $1 \
         AND destroyed_on IS NULL ORDER BY case_id",
    )
    .bind(today.to_string())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("case_id")?))
        .collect()
}

/// Destroys the self-study material of a case: its narratives and evidence file rows go, the row records the
/// day. Returns the evidence files' hashes (the caller removes the stored bytes no other row still names) and
/// how many narratives went; None when the material was destroyed already (another worker won).
pub async fn destroy(
    tx: &mut Tx,
    case_id: &str,
    on: NaiveDate,
    now: i64,
) -> Result<Option<(Vec<String>, u64)>> {
    let marked = sqlx::query(
        "UPDATE acc_self_study SET destroyed_on = $1, updated_at = $2 WHERE case_id = $3 AND destroyed_on IS NULL",
    )
    .bind(on.to_string())
    .bind(now)
    .bind(case_id.to_owned())
    .execute(&mut **tx)
    .await?;
    if marked.rows_affected() != 1 {
        return Ok(None);
    }
    let rows = sqlx::query("SELECT sha256 FROM acc_files WHERE case_id = $1 AND purpose = 'evidence'")
        .bind(case_id.to_owned())
        .fetch_all(&mut **tx)
        .await?;
    let hashes = rows
        .iter()
        .map(|r| Ok(r.try_get::<String, _>("sha256")?))
        .collect::<Result<Vec<String>>>()?;
    sqlx::query("DELETE FROM acc_files WHERE case_id = $1 AND purpose = 'evidence'")
        .bind(case_id.to_owned())
        .execute(&mut **tx)
        .await?;
    let narratives = sqlx::query("DELETE FROM acc_narratives WHERE case_id = $1")
        .bind(case_id.to_owned())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(Some((hashes, narratives)))
}

/// The cases of an accreditation other than `except`: the one that granted it, earlier renewals, scope additions.
pub async fn cases_of_accreditation<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
    except: &str,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id FROM acc_cases WHERE (accreditation_id = $1 \
         OR id = (SELECT case_id FROM accreditations WHERE id = $1)) AND id <> $2 ORDER BY id",
    )
    .bind(accreditation_id.to_owned())
    .bind(except.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(|r| Ok(r.try_get::<String, _>("id")?)).collect()
}

/// Whether any stored file row still names the bytes `sha256` (files are stored once per hash).
pub async fn hash_in_use<'c, E: Executor<'c, Database = Any>>(ex: E, sha256: &str) -> Result<bool> {
    // REG files are stored by the same hash (store/reg_files.rs): bytes they name are in use too.
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM acc_files WHERE sha256 = $1) + (SELECT COUNT(*) FROM reg_files WHERE sha256 = $1) AS n",
    )
        .bind(sha256.to_owned())
        .fetch_one(ex)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Writes the whole self-study row (insert or replace).
pub async fn put_self_study(tx: &mut Tx, case_id: &str, s: &SelfStudyRow, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_self_study (case_id, confirmed_by_name, confirmed_on, confirmed_by, format_status, \
         format_note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (case_id) DO UPDATE SET confirmed_by_name = $2, confirmed_on = $3, confirmed_by = $4, \
         format_status = $5, format_note = $6, updated_at = $7",
    )
    .bind(case_id.to_owned())
    .bind(s.confirmed_by_name.clone())
    .bind(s.confirmed_on.clone())
    .bind(s.confirmed_by.clone())
    .bind(s.format_status.clone())
    .bind(s.format_note.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FormatCheck {
    pub id: String,
    pub result: String,
    pub checked_on: String,
    pub note: Option<String>,
    pub checked_by: String,
}

pub async fn insert_format_check(
    tx: &mut Tx,
    case_id: &str,
    result: &str,
    checked_on: &str,
    note: Option<&str>,
    checked_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_format_checks (id, case_id, result, checked_on, note, checked_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(result.to_owned())
    .bind(checked_on.to_owned())
    .bind(note.map(str::to_owned))
    .bind(checked_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn format_checks<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Vec<FormatCheck>> {
    let rows = sqlx::query(
        "SELECT id, result, checked_on, note, checked_by FROM acc_format_checks WHERE case_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FormatCheck {
                id: r.try_get("id")?,
                result: r.try_get("result")?,
                checked_on: r.try_get("checked_on")?,
                note: r.try_get("note")?,
                checked_by: r.try_get("checked_by")?,
            })
        })
        .collect()
}

// ---- narratives (ACC-6: one per section) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Narrative {
    pub section: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: i64,
}

pub async fn narratives<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<Narrative>> {
    let rows = sqlx::query(
        "SELECT section, body, updated_by, updated_at FROM acc_narratives WHERE case_id = $1 ORDER BY section",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Narrative {
                section: r.try_get("section")?,
                body: r.try_get("body")?,
                updated_by: r.try_get("updated_by")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}

/// Saves a section's narrative; returns the text it replaced (`None` for the first save).
pub async fn put_narrative(
    tx: &mut Tx,
    case_id: &str,
    section: &str,
    body: &str,
    user_id: &str,
    now: i64,
) -> Result<Option<String>> {
    let before = sqlx::query("SELECT body FROM acc_narratives WHERE case_id = $1 AND section = $2")
        .bind(case_id.to_owned())
        .bind(section.to_owned())
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get::<String, _>("body"))
        .transpose()?;
    sqlx::query(
        "INSERT INTO acc_narratives (case_id, section, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (case_id, section) DO UPDATE SET body = $3, updated_by = $4, updated_at = $5",
    )
    .bind(case_id.to_owned())
    .bind(section.to_owned())
    .bind(body.to_owned())
    .bind(user_id.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(before)
}

// ---- questionnaires (ACC-6): one-time anonymous links ----

pub async fn insert_link(
    tx: &mut Tx,
    case_id: &str,
    kind: &str,
    token_hash: &str,
    created_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_questionnaire_links (id, case_id, kind, token_hash, used, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(kind.to_owned())
    .bind(token_hash.to_owned())
    .bind(created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// An unused link by its token's hash: `(case_id, kind)`.
pub async fn open_link<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    token_hash: &str,
) -> Result<Option<(String, String)>> {
    let row =
        sqlx::query("SELECT case_id, kind FROM acc_questionnaire_links WHERE token_hash = $1 AND used = 0")
            .bind(token_hash.to_owned())
            .fetch_optional(ex)
            .await?;
    row.map(|r| Ok((r.try_get("case_id")?, r.try_get("kind")?)))
        .transpose()
}

/// The kind of a link issued by the office or the organization, used or not (a used link must look like an
/// unused one to anyone but its holder at the moment of answering).
pub async fn issued_link_kind<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    token_hash: &str,
) -> Result<Option<String>> {
    let row = sqlx::query("SELECT kind FROM acc_questionnaire_links WHERE token_hash = $1")
        .bind(token_hash.to_owned())
        .fetch_optional(ex)
        .await?;
    row.map(|r| Ok(r.try_get("kind")?)).transpose()
}

/// Marks the link used; false when it was used already (a second answer through one link is refused).
pub async fn use_link(tx: &mut Tx, token_hash: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE acc_questionnaire_links SET used = 1 WHERE token_hash = $1 AND used = 0")
        .bind(token_hash.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The answer, without anything naming the link or the moment it came in (only the day).
pub async fn insert_answer(
    tx: &mut Tx,
    case_id: &str,
    kind: &str,
    answers: &str,
    submitted_on: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_questionnaire_answers (id, case_id, kind, answers, submitted_on) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(kind.to_owned())
    .bind(answers.to_owned())
    .bind(submitted_on.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LinkCount {
    pub kind: String,
    pub issued: i64,
    pub used: i64,
}

pub async fn link_counts<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Vec<LinkCount>> {
    let rows = sqlx::query(
        "SELECT kind, CAST(COUNT(*) AS BIGINT) AS issued, CAST(SUM(used) AS BIGINT) AS used \
         FROM acc_questionnaire_links WHERE case_id = $1 GROUP BY kind ORDER BY kind",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LinkCount {
                kind: r.try_get("kind")?,
                issued: r.try_get("issued")?,
                used: r.try_get::<Option<i64>, _>("used")?.unwrap_or(0),
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Answer {
    pub kind: String,
    pub answers: String,
    pub submitted_on: String,
}

/// The answers of a case, in an order that says nothing about who answered when (by kind, then by their
/// random id).
pub async fn answers<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<Answer>> {
    let rows = sqlx::query(
        "SELECT kind, answers, submitted_on FROM acc_questionnaire_answers WHERE case_id = $1 ORDER BY kind, id",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Answer {
                kind: r.try_get("kind")?,
                answers: r.try_get("answers")?,
                submitted_on: r.try_get("submitted_on")?,
            })
        })
        .collect()
}
