//! Files of the registration scheme (REG-3 application documents, REG-7 answers to document requests). The bytes
//! are stored as the ACC files are (outside the database, by SHA-256); a row says whose they are. Rows are
//! answered as [`FileRow`] so that the downloads share the ACC files' answer.

use sqlx::{Any, Executor, Row};

pub use crate::acc_study::FileRow;
use crate::{Result, Tx, new_id};

/// Files uploaded with a registration application (REG-3).
pub const CASE: &str = "reg_case";
/// Files answering a REG-7 document request.
pub const INVESTIGATION: &str = "reg_investigation";

pub struct NewRegFile<'a> {
    pub owner_type: &'static str,
    pub owner_id: &'a str,
    pub purpose: &'a str,
    pub original_name: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub media_type: &'a str,
    pub uploaded_by: &'a str,
}

const COLS: &str =
    "id, owner_id, purpose, original_name, size_bytes, sha256, media_type, uploaded_by, uploaded_at";

fn row(r: &sqlx::any::AnyRow) -> Result<FileRow> {
    Ok(FileRow {
        id: r.try_get("id")?,
        case_id: r.try_get("owner_id")?,
        purpose: r.try_get("purpose")?,
        standard: None,
        original_name: r.try_get("original_name")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        media_type: r.try_get("media_type")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// The same bytes already uploaded for the same purpose of the same record (a form sent twice stores one row).
pub async fn same<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    owner_type: &str,
    owner_id: &str,
    purpose: &str,
    sha256: &str,
) -> Result<Option<FileRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM reg_files WHERE owner_type = $1 AND owner_id = $2 AND purpose = $3 AND sha256 = $4"
    )))
    .bind(owner_type.to_owned())
    .bind(owner_id.to_owned())
    .bind(purpose.to_owned())
    .bind(sha256.to_owned())
    .fetch_optional(ex)
    .await?;
    r.as_ref().map(row).transpose()
}

pub async fn insert(tx: &mut Tx, f: &NewRegFile<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_files (id, owner_type, owner_id, purpose, original_name, size_bytes, sha256, media_type, \
         uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(f.owner_type.to_owned())
    .bind(f.owner_id.to_owned())
    .bind(f.purpose.to_owned())
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

/// The files of a record, oldest first.
pub async fn files<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    owner_type: &str,
    owner_id: &str,
) -> Result<Vec<FileRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM reg_files WHERE owner_type = $1 AND owner_id = $2 ORDER BY uploaded_at, id"
    )))
    .bind(owner_type.to_owned())
    .bind(owner_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(row).collect()
}

/// One file of a record (`None` when it does not exist or belongs to another record).
pub async fn file<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    owner_type: &str,
    owner_id: &str,
    file_id: &str,
) -> Result<Option<FileRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM reg_files WHERE owner_type = $1 AND owner_id = $2 AND id = $3"
    )))
    .bind(owner_type.to_owned())
    .bind(owner_id.to_owned())
    .bind(file_id.to_owned())
    .fetch_optional(ex)
    .await?;
    r.as_ref().map(row).transpose()
}
