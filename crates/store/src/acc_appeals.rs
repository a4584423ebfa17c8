//! Appeals against ACC decisions (ACC-21): the filing, requests for more information that extend the review,
//! the members' answers to a poll, and the decision.
//!
//! Changes are conditional on the appeal's `version` (`… WHERE id = $1 AND version = $2`), so that of two
//! concurrent changes exactly one wins; one appeal per decision appealed is a unique index.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, StoreError, Tx, flag, new_id};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Appeal {
    pub id: String,
    pub organization_id: String,
    pub subject: String,
    pub case_id: String,
    pub accreditation_id: Option<String>,
    pub decision_on: NaiveDate,
    pub organization_name: String,
    pub address: String,
    pub responsible_title: String,
    pub responsible_name: String,
    pub known_on: NaiveDate,
    pub purpose: String,
    pub reasons: String,
    pub appealed_on: NaiveDate,
    pub received_on: NaiveDate,
    pub evidence: Vec<String>,
    pub filing_due_on: NaiveDate,
    pub review_due_on: NaiveDate,
    /// `received` or `decided`.
    pub status: String,
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub method: Option<String>,
    pub deciders: Vec<String>,
    pub decision_reason: Option<String>,
    pub justifiable: Option<bool>,
    pub cost_invoice_id: Option<String>,
    pub version: i64,
    pub created_at: i64,
}

/// A new filing.
#[derive(Debug, Clone)]
pub struct NewAppeal<'a> {
    pub organization_id: &'a str,
    pub subject: &'a str,
    pub case_id: &'a str,
    pub accreditation_id: Option<&'a str>,
    pub decision_on: NaiveDate,
    pub organization_name: &'a str,
    pub address: &'a str,
    pub responsible_title: &'a str,
    pub responsible_name: &'a str,
    pub known_on: NaiveDate,
    pub purpose: &'a str,
    pub reasons: &'a str,
    pub appealed_on: NaiveDate,
    pub received_on: NaiveDate,
    pub evidence: &'a [String],
    pub filing_due_on: NaiveDate,
    pub review_due_on: NaiveDate,
    pub created_by: &'a str,
}

const COLUMNS: &str = "id, organization_id, subject, case_id, accreditation_id, decision_on, organization_name, \
    address, responsible_title, responsible_name, known_on, purpose, reasons, appealed_on, received_on, evidence, \
    filing_due_on, review_due_on, status, outcome, decided_on, method, deciders, decision_reason, justifiable, \
    cost_invoice_id, version, created_at";

fn req_date(row: &AnyRow, column: &str) -> Result<NaiveDate> {
    date(row, column)?.ok_or_else(|| StoreError::Corrupt(column.into()))
}

fn json_list(text: Option<String>) -> Result<Vec<String>> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

fn from_row(row: &AnyRow) -> Result<Appeal> {
    Ok(Appeal {
        id: row.try_get("id")?,
        organization_id: row.try_get("organization_id")?,
        subject: row.try_get("subject")?,
        case_id: row.try_get("case_id")?,
        accreditation_id: row.try_get("accreditation_id")?,
        decision_on: req_date(row, "decision_on")?,
        organization_name: row.try_get("organization_name")?,
        address: row.try_get("address")?,
        responsible_title: row.try_get("responsible_title")?,
        responsible_name: row.try_get("responsible_name")?,
        known_on: req_date(row, "known_on")?,
        purpose: row.try_get("purpose")?,
        reasons: row.try_get("reasons")?,
        appealed_on: req_date(row, "appealed_on")?,
        received_on: req_date(row, "received_on")?,
        evidence: json_list(row.try_get("evidence")?)?,
        filing_due_on: req_date(row, "filing_due_on")?,
        review_due_on: req_date(row, "review_due_on")?,
        status: row.try_get("status")?,
        outcome: row.try_get("outcome")?,
        decided_on: date(row, "decided_on")?,
        method: row.try_get("method")?,
        deciders: json_list(row.try_get("deciders")?)?,
        decision_reason: row.try_get("decision_reason")?,
        justifiable: row.try_get::<Option<i64>, _>("justifiable")?.map(|v| v != 0),
        cost_invoice_id: row.try_get("cost_invoice_id")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Files an appeal; a second appeal against the same decision is a `Conflict`.
pub async fn insert(tx: &mut Tx, a: &NewAppeal<'_>, now: i64) -> Result<String> {
    let id = new_id();
    let evidence = serde_json::to_string(a.evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let r = sqlx::query(
        "INSERT INTO acc_appeals (id, organization_id, subject, case_id, accreditation_id, decision_on, \
         organization_name, address, responsible_title, responsible_name, known_on, purpose, reasons, appealed_on, \
         received_on, evidence, filing_due_on, review_due_on, status, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'received', 1, \
         $19, $20, $20)",
    )
    .bind(id.clone())
    .bind(a.organization_id.to_owned())
    .bind(a.subject.to_owned())
    .bind(a.case_id.to_owned())
    .bind(a.accreditation_id.map(str::to_owned))
    .bind(iso(a.decision_on))
    .bind(a.organization_name.to_owned())
    .bind(a.address.to_owned())
    .bind(a.responsible_title.to_owned())
    .bind(a.responsible_name.to_owned())
    .bind(iso(a.known_on))
    .bind(a.purpose.to_owned())
    .bind(a.reasons.to_owned())
    .bind(iso(a.appealed_on))
    .bind(iso(a.received_on))
    .bind(evidence)
    .bind(iso(a.filing_due_on))
    .bind(iso(a.review_due_on))
    .bind(a.created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "この処分にはすでに不服申立てがあります (an appeal against this decision exists)".into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Appeal>> {
    let sql = format!("SELECT {COLUMNS} FROM acc_appeals WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Appeals, newest first; `organization_id` limits them to one organization.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Appeal>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM acc_appeals WHERE ($1 = '' OR organization_id = $1) \
         ORDER BY appealed_on DESC, created_at DESC LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id.unwrap_or_default().to_owned())
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Locks the appeal for the rest of the transaction and reads it afresh.
pub async fn lock(tx: &mut Tx, id: &str, now: i64) -> Result<Option<Appeal>> {
    let r = sqlx::query("UPDATE acc_appeals SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(None);
    }
    by_id(&mut **tx, id).await
}

/// A request for more information that extends the review to `review_due_on`; false when the appeal moved on
/// meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn add_request(
    tx: &mut Tx,
    appeal: &Appeal,
    requested_on: NaiveDate,
    items: &str,
    review_due_on: NaiveDate,
    requested_by: &str,
    now: i64,
) -> Result<Option<String>> {
    let r = sqlx::query(
        "UPDATE acc_appeals SET review_due_on = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND status = 'received'",
    )
    .bind(iso(review_due_on))
    .bind(now)
    .bind(appeal.id.clone())
    .bind(appeal.version)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(None);
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_appeal_requests (id, appeal_id, requested_on, items, previous_due_on, review_due_on, \
         requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.clone())
    .bind(appeal.id.clone())
    .bind(iso(requested_on))
    .bind(items.to_owned())
    .bind(iso(appeal.review_due_on))
    .bind(iso(review_due_on))
    .bind(requested_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InfoRequest {
    pub id: String,
    pub requested_on: String,
    pub items: String,
    pub previous_due_on: String,
    pub review_due_on: String,
}

pub async fn requests<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    appeal_id: &str,
) -> Result<Vec<InfoRequest>> {
    let rows = sqlx::query(
        "SELECT id, requested_on, items, previous_due_on, review_due_on FROM acc_appeal_requests \
         WHERE appeal_id = $1 ORDER BY created_at, id",
    )
    .bind(appeal_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(InfoRequest {
                id: r.try_get("id")?,
                requested_on: r.try_get("requested_on")?,
                items: r.try_get("items")?,
                previous_due_on: r.try_get("previous_due_on")?,
                review_due_on: r.try_get("review_due_on")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AppealVote {
    pub id: String,
    pub user_id: String,
    pub outcome: String,
    pub created_at: i64,
}

/// A member's answer to the poll; a second answer replaces the first. Returns the vote id and whether it
/// replaced one.
pub async fn put_vote(
    tx: &mut Tx,
    appeal_id: &str,
    user_id: &str,
    outcome: &str,
    now: i64,
) -> Result<(String, bool)> {
    let existing = sqlx::query("SELECT id FROM acc_appeal_votes WHERE appeal_id = $1 AND user_id = $2")
        .bind(appeal_id.to_owned())
        .bind(user_id.to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = existing {
        let id: String = row.try_get("id")?;
        sqlx::query("UPDATE acc_appeal_votes SET outcome = $1, created_at = $2 WHERE id = $3")
            .bind(outcome.to_owned())
            .bind(now)
            .bind(id.clone())
            .execute(&mut **tx)
            .await?;
        return Ok((id, true));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_appeal_votes (id, appeal_id, user_id, outcome, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.clone())
    .bind(appeal_id.to_owned())
    .bind(user_id.to_owned())
    .bind(outcome.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((id, false))
}

pub async fn votes<'c, E: Executor<'c, Database = Any>>(ex: E, appeal_id: &str) -> Result<Vec<AppealVote>> {
    let rows = sqlx::query(
        "SELECT id, user_id, outcome, created_at FROM acc_appeal_votes WHERE appeal_id = $1 ORDER BY created_at, id",
    )
    .bind(appeal_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AppealVote {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                outcome: r.try_get("outcome")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The decision on an appeal.
#[derive(Debug, Clone)]
pub struct AppealDecision<'a> {
    pub outcome: &'a str,
    pub decided_on: NaiveDate,
    pub method: &'a str,
    pub deciders: &'a [String],
    pub reason: Option<&'a str>,
    pub justifiable: bool,
    pub cost_invoice_id: Option<&'a str>,
}

/// Records the decision; false when the appeal moved on meanwhile.
pub async fn decide(tx: &mut Tx, appeal: &Appeal, d: &AppealDecision<'_>, now: i64) -> Result<bool> {
    let deciders = serde_json::to_string(d.deciders).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let r = sqlx::query(
        "UPDATE acc_appeals SET status = 'decided', outcome = $1, decided_on = $2, method = $3, deciders = $4, \
         decision_reason = $5, justifiable = $6, cost_invoice_id = $7, version = version + 1, updated_at = $8 \
         WHERE id = $9 AND version = $10 AND status = 'received'",
    )
    .bind(d.outcome.to_owned())
    .bind(iso(d.decided_on))
    .bind(d.method.to_owned())
    .bind(deciders)
    .bind(d.reason.map(str::to_owned))
    .bind(flag(d.justifiable))
    .bind(d.cost_invoice_id.map(str::to_owned))
    .bind(now)
    .bind(appeal.id.clone())
    .bind(appeal.version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Who took part in an ACC decision: the committee members who voted on the case and whoever recorded its
/// decisions or its eligibility (from the audit trail), and for an accreditation whoever recorded its events.
pub async fn involved_in<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    accreditation_id: Option<&str>,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT user_id AS u FROM acc_votes WHERE case_id = $1 \
         UNION SELECT recorded_by AS u FROM acc_decisions WHERE case_id = $1 \
         UNION SELECT actor_id AS u FROM audit_events WHERE entity = 'acc_case' AND entity_id = $1 \
               AND action IN ('acc_case.eligibility', 'acc_case.decide') AND actor_id IS NOT NULL \
         UNION SELECT actor_id AS u FROM accreditation_events WHERE accreditation_id = $2 AND actor_id IS NOT NULL",
    )
    .bind(case_id.to_owned())
    .bind(accreditation_id.unwrap_or_default().to_owned())
    .fetch_all(ex)
    .await?;
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("u"))
        .collect::<std::result::Result<_, _>>()?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The appeal as the API shows it (dates as `YYYY-MM-DD`).
pub fn to_json(a: &Appeal) -> Value {
    serde_json::to_value(a).unwrap_or(Value::Null)
}
