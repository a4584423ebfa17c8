//! Registration cases (REG-1 … REG-5): applications, first or renewal, and the office's review.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nintei_domain::reg::application::{Counselor, Disclosure, Documents, Eligibility, Psychiatrist};
use nintei_domain::reg::status::{ReviewDecision, Status};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso, json, opt_date, opt_json, to_json};
use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegCase {
    pub id: String,
    pub organization_id: String,
    pub site_id: String,
    /// The registration this case renews (REG-4), if it is a renewal.
    pub renewal_of: Option<String>,
    pub applied_on: NaiveDate,
    pub status: Status,
    pub version: i64,
    pub eligibility: Option<Eligibility>,
    pub criteria: BTreeMap<String, bool>,
    pub counselors: Vec<Counselor>,
    pub psychiatrists: Vec<Psychiatrist>,
    pub disclosure: Disclosure,
    pub documents: Option<Documents>,
    pub findings: Vec<String>,
    pub decision: Option<ReviewDecision>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub registration_id: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

const COLUMNS: &str = "id, organization_id, site_id, renewal_of, applied_on, status, version, eligibility, criteria, \
    counselors, psychiatrists, disclosure, documents, findings, decision, decided_on, decision_reason, decided_by, \
    registration_id, created_by, created_at";

fn status(row: &AnyRow, col: &str) -> Result<Status> {
    let s: String = row.try_get(col)?;
    Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown status {s}")))
}

fn from_row(row: &AnyRow) -> Result<RegCase> {
    let decision: Option<String> = row.try_get("decision")?;
    let decision = match decision.as_deref() {
        None => None,
        Some("register") => Some(ReviewDecision::Register),
        Some("return") => Some(ReviewDecision::Return),
        Some(other) => return Err(StoreError::Corrupt(format!("decision: {other}"))),
    };
    Ok(RegCase {
        id: row.try_get("id")?,
        organization_id: row.try_get("organization_id")?,
        site_id: row.try_get("site_id")?,
        renewal_of: row.try_get("renewal_of")?,
        applied_on: date(row, "applied_on")?,
        status: status(row, "status")?,
        version: row.try_get("version")?,
        eligibility: opt_json(row, "eligibility")?,
        criteria: json(row, "criteria")?,
        counselors: json(row, "counselors")?,
        psychiatrists: json(row, "psychiatrists")?,
        disclosure: json(row, "disclosure")?,
        documents: opt_json(row, "documents")?,
        findings: json(row, "findings")?,
        decision,
        decided_on: opt_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        decided_by: row.try_get("decided_by")?,
        registration_id: row.try_get("registration_id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Inserts a submitted case (`id`, `status`, `version` and the decision fields of `c` are ignored).
pub async fn insert(tx: &mut Tx, c: &RegCase, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_cases (id, organization_id, site_id, renewal_of, applied_on, status, version, eligibility, \
         criteria, counselors, psychiatrists, disclosure, documents, findings, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'submitted', 1, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(id.clone())
    .bind(c.organization_id.clone())
    .bind(c.site_id.clone())
    .bind(c.renewal_of.clone())
    .bind(iso(c.applied_on))
    .bind(c.eligibility.as_ref().map(to_json).transpose()?)
    .bind(to_json(&c.criteria)?)
    .bind(to_json(&c.counselors)?)
    .bind(to_json(&c.psychiatrists)?)
    .bind(to_json(&c.disclosure)?)
    .bind(c.documents.as_ref().map(to_json).transpose()?)
    .bind(to_json(&c.findings)?)
    .bind(c.created_by.clone())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        e if e.is_unique_violation() => {
            StoreError::Conflict("この相談室の申請は審査中です (an application for this room is under review)".into())
        }
        e => e,
    })?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<RegCase>> {
    let sql = format!("SELECT {COLUMNS} FROM reg_cases WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Cases, newest first: of one organization, or all; optionally only one status.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: Option<&str>,
    status: Option<Status>,
    limit: i64,
) -> Result<Vec<RegCase>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_cases WHERE ($1 = '' OR organization_id = $1) AND ($2 = '' OR status = $2) \
         ORDER BY created_at DESC, id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id.unwrap_or_default().to_owned())
        .bind(status.map(Status::as_str).unwrap_or_default())
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The submitted first application for a counseling room, if one is under review.
pub async fn pending_first_for_site<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    site_id: &str,
) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT id FROM reg_cases WHERE site_id = $1 AND status = 'submitted' AND renewal_of IS NULL LIMIT 1",
    )
    .bind(site_id.to_owned())
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// The submitted renewal of a registration, if one is under review (REG-4 keeps the registration in force
/// meanwhile).
pub async fn pending_renewal<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: &str,
) -> Result<Option<RegCase>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_cases WHERE renewal_of = $1 AND status = 'submitted' ORDER BY created_at LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(registration_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Cases of a registration: the one that registered it and its renewals, oldest first.
pub async fn for_registration<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: &str,
) -> Result<Vec<RegCase>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_cases WHERE registration_id = $1 OR renewal_of = $1 ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(registration_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The review's outcome for [`decide`].
pub struct Decided<'a> {
    pub status: Status,
    pub decision: ReviewDecision,
    pub decided_on: NaiveDate,
    pub reason: Option<&'a str>,
    pub decided_by: &'a str,
    pub registration_id: Option<&'a str>,
}

/// Records the review if the case is still submitted at `expected_version`; false when another review won.
pub async fn decide(tx: &mut Tx, id: &str, expected_version: i64, d: &Decided<'_>, now: i64) -> Result<bool> {
    let decision = match d.decision {
        ReviewDecision::Register => "register",
        ReviewDecision::Return => "return",
    };
    let r = sqlx::query(
        "UPDATE reg_cases SET status = $1, decision = $2, decided_on = $3, decision_reason = $4, decided_by = $5, \
         registration_id = COALESCE($6, registration_id), version = version + 1, updated_at = $7 \
         WHERE id = $8 AND status = 'submitted' AND version = $9",
    )
    .bind(d.status.as_str())
    .bind(decision)
    .bind(iso(d.decided_on))
    .bind(d.reason.map(str::to_owned))
    .bind(d.decided_by.to_owned())
    .bind(d.registration_id.map(str::to_owned))
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Links a registered case to its registration (written after the registration row exists).
pub async fn set_registration(tx: &mut Tx, id: &str, registration_id: &str) -> Result<()> {
    sqlx::query("UPDATE reg_cases SET registration_id = $1 WHERE id = $2")
        .bind(registration_id.to_owned())
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the documents now enclosed and the findings that follow (REG-3: a document uploaded with the
/// application), if the case is still submitted at `expected_version`; false when it changed meanwhile.
pub async fn set_documents(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    documents: Option<&Documents>,
    findings: &[String],
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_cases SET documents = $1, findings = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND status = 'submitted' AND version = $5",
    )
    .bind(documents.map(to_json).transpose()?)
    .bind(to_json(&findings)?)
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Saves the room's application draft (the form's fields as JSON), replacing an earlier one.
pub async fn put_draft(
    tx: &mut Tx,
    site_id: &str,
    organization_id: &str,
    fields: &str,
    by: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM reg_drafts WHERE site_id = $1")
        .bind(site_id.to_owned())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO reg_drafts (site_id, organization_id, fields, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(site_id.to_owned())
    .bind(organization_id.to_owned())
    .bind(fields.to_owned())
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The room's draft: its fields (JSON) and when it was saved.
pub async fn draft<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    site_id: &str,
) -> Result<Option<(String, i64)>> {
    let row = sqlx::query("SELECT fields, saved_at FROM reg_drafts WHERE site_id = $1")
        .bind(site_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.map(|r| Ok((r.try_get("fields")?, r.try_get("saved_at")?)))
        .transpose()
}

/// Removes the room's draft (its application was submitted).
pub async fn delete_draft(tx: &mut Tx, site_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM reg_drafts WHERE site_id = $1")
        .bind(site_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
