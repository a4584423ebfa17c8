//! Public reports (通報, REG-7) and the throttling of the public report form.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Db, Result, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: String,
    pub registration_id: String,
    pub registration_number: String,
    pub message: String,
    /// Confidential: shown to the registrar only.
    pub contact_email: Option<String>,
    pub received_at: i64,
    /// `new`, `investigating` or `filed`.
    pub status: String,
    pub investigation_id: Option<String>,
}

const COLUMNS: &str =
    "id, registration_id, registration_number, message, contact_email, received_at, status, investigation_id";

fn from_row(row: &AnyRow) -> Result<Report> {
    Ok(Report {
        id: row.try_get("id")?,
        registration_id: row.try_get("registration_id")?,
        registration_number: row.try_get("registration_number")?,
        message: row.try_get("message")?,
        contact_email: row.try_get("contact_email")?,
        received_at: row.try_get("received_at")?,
        status: row.try_get("status")?,
        investigation_id: row.try_get("investigation_id")?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    registration_id: &str,
    registration_number: &str,
    message: &str,
    contact_email: Option<&str>,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_reports (id, registration_id, registration_number, message, contact_email, received_at, \
         status, version) VALUES ($1, $2, $3, $4, $5, $6, 'new', 1)",
    )
    .bind(id.clone())
    .bind(registration_id.to_owned())
    .bind(registration_number.to_owned())
    .bind(message.to_owned())
    .bind(contact_email.map(str::to_owned))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Report>> {
    let sql = format!("SELECT {COLUMNS} FROM reg_reports WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Reports, newest first; optionally of one status.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<Report>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_reports WHERE ($1 = '' OR status = $1) ORDER BY received_at DESC, id LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.unwrap_or_default().to_owned())
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn for_investigation<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    investigation_id: &str,
) -> Result<Vec<Report>> {
    let sql =
        format!("SELECT {COLUMNS} FROM reg_reports WHERE investigation_id = $1 ORDER BY received_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(investigation_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Links a new report to an investigation; false if it is not `new` any more.
pub async fn link(tx: &mut Tx, id: &str, investigation_id: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_reports SET status = 'investigating', investigation_id = $1, version = version + 1 \
         WHERE id = $2 AND status = 'new'",
    )
    .bind(investigation_id.to_owned())
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Files a new report without an investigation (nothing to look into); false if it is not `new` any more.
pub async fn file(tx: &mut Tx, id: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_reports SET status = 'filed', version = version + 1 WHERE id = $1 AND status = 'new'",
    )
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Report-form submissions with `scope`/`key` since `since` (throttling; dropped honeypot posts count too).
pub async fn attempts_since(db: &Db, scope: &str, key: &str, since: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM reg_report_attempts WHERE scope = $1 AND key = $2 AND at > $3",
    )
    .bind(scope.to_owned())
    .bind(key.to_owned())
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

pub async fn record_attempt(db: &Db, scope: &str, key: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO reg_report_attempts (id, scope, key, at) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(scope.to_owned())
        .bind(key.to_owned())
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Forgets attempts older than `before` (the daily registration job).
pub async fn delete_attempts_before(db: &Db, before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM reg_report_attempts WHERE at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
