//! Notices of changes of registered matters (REG-6), acknowledged by the office.

use chrono::NaiveDate;
use nintei_domain::reg::changes::ChangeSet;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso, json, opt_date, to_json};
use crate::{Result, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangeNotice {
    pub id: String,
    pub registration_id: String,
    pub organization_id: String,
    pub notified_on: NaiveDate,
    pub changed_on: NaiveDate,
    pub kinds: Vec<String>,
    pub changes: ChangeSet,
    pub note: String,
    /// What the registered data would show unmet after the change (REG-3), for the office's attention.
    pub findings: Vec<String>,
    /// `notified`, `acknowledged` (applied), `scheduled` (acknowledged, applied on `changed_on`), `refused` or
    /// `closed` (the registration ended first) (REG-6).
    pub status: String,
    pub acknowledged_on: Option<NaiveDate>,
    pub acknowledged_by: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: i64,
    /// The day a refused or closed notice ended, and why.
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
}

const COLUMNS: &str = "id, registration_id, organization_id, notified_on, changed_on, kinds, changes, note, findings, \
    status, acknowledged_on, acknowledged_by, version, created_by, created_at, closed_on, close_reason";

fn from_row(row: &AnyRow) -> Result<ChangeNotice> {
    Ok(ChangeNotice {
        id: row.try_get("id")?,
        registration_id: row.try_get("registration_id")?,
        organization_id: row.try_get("organization_id")?,
        notified_on: date(row, "notified_on")?,
        changed_on: date(row, "changed_on")?,
        kinds: json(row, "kinds")?,
        changes: json(row, "changes")?,
        note: row.try_get("note")?,
        findings: json(row, "findings")?,
        status: row.try_get("status")?,
        acknowledged_on: opt_date(row, "acknowledged_on")?,
        acknowledged_by: row.try_get("acknowledged_by")?,
        version: row.try_get("version")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        closed_on: opt_date(row, "closed_on")?,
        close_reason: row.try_get("close_reason")?,
    })
}

pub async fn insert(tx: &mut Tx, n: &ChangeNotice, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_change_notices (id, registration_id, organization_id, notified_on, changed_on, kinds, \
         changes, note, findings, status, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'notified', 1, $10, $11, $11)",
    )
    .bind(id.clone())
    .bind(n.registration_id.clone())
    .bind(n.organization_id.clone())
    .bind(iso(n.notified_on))
    .bind(iso(n.changed_on))
    .bind(to_json(&n.kinds)?)
    .bind(to_json(&n.changes)?)
    .bind(n.note.clone())
    .bind(to_json(&n.findings)?)
    .bind(n.created_by.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<ChangeNotice>> {
    let sql = format!("SELECT {COLUMNS} FROM reg_change_notices WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn for_registration<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: &str,
) -> Result<Vec<ChangeNotice>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_change_notices WHERE registration_id = $1 ORDER BY created_at DESC, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(registration_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Notices waiting for the office, oldest first.
pub async fn unacknowledged<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    limit: i64,
) -> Result<Vec<ChangeNotice>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_change_notices WHERE status = 'notified' ORDER BY created_at, id LIMIT $1"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Marks the notice acknowledged if it is still `notified` at `expected_version`.
pub async fn acknowledge(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    on: NaiveDate,
    by: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_change_notices SET status = 'acknowledged', acknowledged_on = $1, acknowledged_by = $2, \
         version = version + 1, updated_at = $3 WHERE id = $4 AND status = 'notified' AND version = $5",
    )
    .bind(iso(on))
    .bind(by.to_owned())
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A notified move or renaming of the counseling room, applied to the site record on acknowledgement.
pub async fn apply_site_change(
    tx: &mut Tx,
    site_id: &str,
    name: Option<&str>,
    prefecture: Option<&str>,
    address: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE sites SET name = COALESCE($1, name), prefecture = COALESCE($2, prefecture), \
         address = COALESCE($3, address) WHERE id = $4",
    )
    .bind(name.map(str::to_owned))
    .bind(prefecture.map(str::to_owned))
    .bind(address.map(str::to_owned))
    .bind(site_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// REG-6: acknowledges a notice whose change takes effect later (`changed_on` in the future): `scheduled` until
/// the daily job applies it on its day. Only from `notified` at `expected_version`.
pub async fn schedule(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    on: NaiveDate,
    by: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_change_notices SET status = 'scheduled', acknowledged_on = $1, acknowledged_by = $2, \
         version = version + 1, updated_at = $3 WHERE id = $4 AND status = 'notified' AND version = $5",
    )
    .bind(iso(on))
    .bind(by.to_owned())
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A scheduled notice applied on its day becomes `acknowledged`.
pub async fn mark_applied(tx: &mut Tx, id: &str, expected_version: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_change_notices SET status = 'acknowledged', version = version + 1, updated_at = $1 \
         WHERE id = $2 AND status = 'scheduled' AND version = $3",
    )
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// REG-6: the office refuses a notice (it breaks REG-3, say): nothing of it is applied or published.
pub async fn refuse(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    on: NaiveDate,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_change_notices SET status = 'refused', closed_on = $1, close_reason = $2, acknowledged_by = $3, \
         version = version + 1, updated_at = $4 WHERE id = $5 AND status = 'notified' AND version = $6",
    )
    .bind(iso(on))
    .bind(reason.to_owned())
    .bind(by.to_owned())
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// REG-6: the notices of a registration still waiting (notified or scheduled) end with it; returns their ids.
pub async fn close_pending(
    tx: &mut Tx,
    registration_id: &str,
    on: NaiveDate,
    reason: &str,
    now: i64,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id FROM reg_change_notices WHERE registration_id = $1 AND status IN ('notified', 'scheduled') \
         ORDER BY created_at, id",
    )
    .bind(registration_id.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let ids = rows
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    sqlx::query(
        "UPDATE reg_change_notices SET status = 'closed', closed_on = $1, close_reason = $2, version = version + 1, \
         updated_at = $3 WHERE registration_id = $4 AND status IN ('notified', 'scheduled')",
    )
    .bind(iso(on))
    .bind(reason.to_owned())
    .bind(now)
    .bind(registration_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(ids)
}

/// Scheduled notices whose day has come by `today`, oldest first (the daily job applies them).
pub async fn scheduled_due<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<ChangeNotice>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_change_notices WHERE status = 'scheduled' AND changed_on <= $1 \
         ORDER BY changed_on, created_at, id LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(today))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}
