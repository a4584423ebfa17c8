//! Accreditation cases (ACC-3 … ACC-12): the case row, its surveyors, ratings (with history), votes, decisions,
//! deadlines, and the accreditation an `accredit` decision creates.
//!
//! Transitions are conditional updates (`… WHERE id = $1 AND version = $2`): of two concurrent transitions from
//! the same version exactly one changes the row; the other sees no row changed and answers 409.

use chrono::NaiveDate;
use nintei_domain::acc::renewal::CaseKind;
use nintei_domain::acc::service::{ServiceCode, ServiceEntry};
use nintei_domain::acc::{CaseStatus, DeadlineKind, Outcome, Rating};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, flag, new_id};

/// An accreditation case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    pub organization_id: String,
    pub unit_name: Option<String>,
    pub services: Vec<ServiceEntry>,
    pub other_services: Vec<String>,
    pub annual_revenue_yen: i64,
    pub applied_on: NaiveDate,
    /// The rest of the application form (department, contact, attachments, board decision, unit conditions).
    pub application: Value,
    pub catalog_version: String,
    pub status: CaseStatus,
    pub version: i64,
    pub eligibility_decision: Option<bool>,
    pub eligibility_decided_on: Option<NaiveDate>,
    pub eligibility_reason: Option<String>,
    pub coordinator_id: Option<String>,
    pub coordinator_visit_on: Option<NaiveDate>,
    pub self_study_due_on: Option<NaiveDate>,
    pub site_visit_on: Option<NaiveDate>,
    pub self_study_submitted_on: Option<NaiveDate>,
    pub report_issued_on: Option<NaiveDate>,
    pub response_submitted_on: Option<NaiveDate>,
    pub response_opinion: Option<String>,
    pub response_action_plan: Option<String>,
    pub outcome: Option<Outcome>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub grace_until: Option<NaiveDate>,
    pub first_deferred_on: Option<NaiveDate>,
    pub notice_sent_on: Option<NaiveDate>,
    pub notice_received_on: Option<NaiveDate>,
    /// ACC-12: the day the office sent the review report.
    pub review_report_sent_on: Option<NaiveDate>,
    /// ACC-1: the day the review was stopped for lost eligibility, and the status it was stopped in.
    pub stopped_on: Option<NaiveDate>,
    pub stopped_from: Option<CaseStatus>,
    pub withdrawn_on: Option<NaiveDate>,
    pub accreditation_number: Option<String>,
    pub accredited_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub created_at: i64,
    /// First application, renewal (ACC-19) or added services (ACC-20).
    pub kind: CaseKind,
    /// The accreditation a renewal or scope case changes.
    pub accreditation_id: Option<String>,
}

impl Case {
    pub fn service_codes(&self) -> Vec<ServiceCode> {
        let mut codes: Vec<ServiceCode> = self.services.iter().map(|s| s.code).collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

/// A new application (ACC-3).
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub organization_id: &'a str,
    pub unit_name: Option<&'a str>,
    pub services: &'a [ServiceEntry],
    pub other_services: &'a [String],
    pub annual_revenue_yen: i64,
    pub applied_on: NaiveDate,
    pub application: &'a Value,
    pub catalog_version: &'a str,
    pub created_by: &'a str,
}

pub(crate) const COLUMNS: &str = "id, organization_id, unit_name, services, other_services, annual_revenue_yen, applied_on, \
    application, catalog_version, status, version, eligibility_decision, eligibility_decided_on, eligibility_reason, \
    coordinator_id, coordinator_visit_on, self_study_due_on, site_visit_on, self_study_submitted_on, \
    report_issued_on, response_submitted_on, response_opinion, response_action_plan, outcome, decided_on, \
    decision_reason, grace_until, first_deferred_on, notice_sent_on, notice_received_on, withdrawn_on, \
    review_report_sent_on, stopped_on, stopped_from, accreditation_number, accredited_on, expires_on, created_at, kind, accreditation_id";

pub(crate) fn date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| parse_date(&t)).transpose()
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date {text}")))
}

pub(crate) fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn opt_iso(date: Option<NaiveDate>) -> Option<String> {
    date.map(iso)
}

fn json_text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_row(row: &AnyRow) -> Result<Case> {
    let status: String = row.try_get("status")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let services: String = row.try_get("services")?;
    let other: String = row.try_get("other_services")?;
    let application: String = row.try_get("application")?;
    Ok(Case {
        id: row.try_get("id")?,
        organization_id: row.try_get("organization_id")?,
        unit_name: row.try_get("unit_name")?,
        services: from_json(&services)?,
        other_services: from_json(&other)?,
        annual_revenue_yen: row.try_get("annual_revenue_yen")?,
        applied_on: date(row, "applied_on")?.ok_or_else(|| StoreError::Corrupt("applied_on".into()))?,
        application: from_json(&application)?,
        catalog_version: row.try_get("catalog_version")?,
        status: CaseStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        version: row.try_get("version")?,
        eligibility_decision: row
            .try_get::<Option<i64>, _>("eligibility_decision")?
            .map(|v| v != 0),
        eligibility_decided_on: date(row, "eligibility_decided_on")?,
        eligibility_reason: row.try_get("eligibility_reason")?,
        coordinator_id: row.try_get("coordinator_id")?,
        coordinator_visit_on: date(row, "coordinator_visit_on")?,
        self_study_due_on: date(row, "self_study_due_on")?,
        site_visit_on: date(row, "site_visit_on")?,
        self_study_submitted_on: date(row, "self_study_submitted_on")?,
        report_issued_on: date(row, "report_issued_on")?,
        response_submitted_on: date(row, "response_submitted_on")?,
        response_opinion: row.try_get("response_opinion")?,
        response_action_plan: row.try_get("response_action_plan")?,
        outcome: match outcome {
            Some(o) => Some(Outcome::parse(&o).ok_or_else(|| StoreError::Corrupt(format!("outcome {o}")))?),
            None => None,
        },
        decided_on: date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        grace_until: date(row, "grace_until")?,
        first_deferred_on: date(row, "first_deferred_on")?,
        notice_sent_on: date(row, "notice_sent_on")?,
        notice_received_on: date(row, "notice_received_on")?,
        review_report_sent_on: date(row, "review_report_sent_on")?,
        stopped_on: date(row, "stopped_on")?,
        stopped_from: {
            let from: Option<String> = row.try_get("stopped_from")?;
            match from {
                Some(f) => Some(
                    CaseStatus::parse(&f).ok_or_else(|| StoreError::Corrupt(format!("stopped_from {f}")))?,
                ),
                None => None,
            }
        },
        withdrawn_on: date(row, "withdrawn_on")?,
        accreditation_number: row.try_get("accreditation_number")?,
        accredited_on: date(row, "accredited_on")?,
        expires_on: date(row, "expires_on")?,
        created_at: row.try_get("created_at")?,
        kind: {
            let kind: String = row.try_get("kind")?;
            CaseKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?
        },
        accreditation_id: row.try_get("accreditation_id")?,
    })
}

/// Marks a just-inserted case as a renewal or scope case of `accreditation_id` (ACC-19, ACC-20).
pub async fn set_kind(tx: &mut Tx, id: &str, kind: CaseKind, accreditation_id: &str) -> Result<()> {
    sqlx::query("UPDATE acc_cases SET kind = $1, accreditation_id = $2 WHERE id = $3")
        .bind(kind.as_str())
        .bind(accreditation_id.to_owned())
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert(tx: &mut Tx, case: &NewCase<'_>, now: i64) -> Result<String> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO acc_cases (id, organization_id, unit_name, services, other_services, annual_revenue_yen, \
         applied_on, application, catalog_version, status, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $12)",
    )
    .bind(id.clone())
    .bind(case.organization_id.to_owned())
    .bind(case.unit_name.map(str::to_owned))
    .bind(json_text(&case.services)?)
    .bind(json_text(&case.other_services)?)
    .bind(case.annual_revenue_yen)
    .bind(iso(case.applied_on))
    .bind(json_text(case.application)?)
    .bind(case.catalog_version.to_owned())
    .bind(CaseStatus::Submitted.as_str())
    .bind(case.created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "この機関（部門）には審査中の申請があります (an open case exists for this organization and unit)"
                        .into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM acc_cases WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Whom a case list is for.
#[derive(Debug, Clone, Copy)]
pub enum CaseScope<'a> {
    All,
    Organization(&'a str),
    Coordinator(&'a str),
    Surveyor(&'a str),
    /// Cases in front of the committee (and after), leaving out organizations the member has a conflict with.
    Committee(&'a str),
}

impl CaseScope<'_> {
    /// The SQL condition (on `acc_cases` columns, `$1` bound to the returned text) of the cases in scope.
    pub(crate) fn condition(&self) -> (&'static str, String) {
        match self {
            CaseScope::All => ("$1 = ''", String::new()),
            CaseScope::Organization(id) => ("organization_id = $1", (*id).to_owned()),
            // ACC-8: an assigned coordinator or surveyor with a conflict no longer sees the case.
            CaseScope::Coordinator(id) => (
                "coordinator_id = $1 AND organization_id NOT IN (SELECT organization_id FROM conflicts WHERE user_id = $1)",
                (*id).to_owned(),
            ),
            CaseScope::Surveyor(id) => (
                "id IN (SELECT case_id FROM acc_case_surveyors WHERE user_id = $1) AND organization_id NOT IN \
                 (SELECT organization_id FROM conflicts WHERE user_id = $1)",
                (*id).to_owned(),
            ),
            CaseScope::Committee(id) => (
                "status IN ('committee', 'on_hold', 'deferred', 'accredited', 'denied') AND organization_id NOT IN \
                 (SELECT organization_id FROM conflicts WHERE user_id = $1)",
                (*id).to_owned(),
            ),
        }
    }
}

/// Cases, newest application first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    scope: CaseScope<'_>,
    limit: i64,
) -> Result<Vec<Case>> {
    let (filter, arg) = scope.condition();
    let sql = format!(
        "SELECT {COLUMNS} FROM acc_cases WHERE {filter} ORDER BY applied_on DESC, created_at DESC LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(arg)
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// True when the organization has an open case (not in a final status) for the same unit.
pub async fn has_open_case<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
    unit_name: Option<&str>,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM acc_cases WHERE organization_id = $1 AND COALESCE(unit_name, '') = $2 \
         AND status NOT IN ('ineligible', 'accredited', 'denied', 'withdrawn', 'stopped')",
    )
    .bind(organization_id.to_owned())
    .bind(unit_name.unwrap_or_default().to_owned())
    .fetch_one(ex)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// A column value for [`transition`].
#[derive(Debug, Clone)]
pub enum Set {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Set {
    pub fn date(d: NaiveDate) -> Set {
        Set::Text(Some(iso(d)))
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Set {
        Set::Text(opt_iso(d))
    }

    pub fn text(s: impl Into<String>) -> Set {
        Set::Text(Some(s.into()))
    }

    pub fn opt_text(s: Option<String>) -> Set {
        Set::Text(s)
    }

    pub fn flag(b: bool) -> Set {
        Set::Int(Some(flag(b)))
    }
}

/// Columns a transition may set (a fixed list, so that no caller text reaches the SQL).
const SETTABLE: &[&str] = &[
    "application",
    "eligibility_decision",
    "eligibility_decided_on",
    "eligibility_reason",
    "coordinator_id",
    "coordinator_visit_on",
    "self_study_due_on",
    "site_visit_on",
    "self_study_submitted_on",
    "report_issued_on",
    "response_submitted_on",
    "response_opinion",
    "response_action_plan",
    "outcome",
    "decided_on",
    "decision_reason",
    "grace_until",
    "first_deferred_on",
    "notice_sent_on",
    "notice_received_on",
    "review_report_sent_on",
    "stopped_on",
    "stopped_from",
    "withdrawn_on",
    "accreditation_number",
    "accredited_on",
    "expires_on",
];

/// Moves the case from `expected_version` to `status` (version + 1) and sets `fields`. Returns false when the
/// case is no longer at `expected_version` (a concurrent change won): the caller answers 409.
pub async fn transition(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    status: CaseStatus,
    fields: &[(&str, Set)],
    now: i64,
) -> Result<bool> {
    let mut sql = String::from("UPDATE acc_cases SET status = $1, version = version + 1, updated_at = $2");
    for (i, (column, _)) in fields.iter().enumerate() {
        if !SETTABLE.contains(column) {
            return Err(StoreError::Corrupt(format!("not a settable column: {column}")));
        }
        sql.push_str(&format!(", {column} = ${}", i + 5));
    }
    sql.push_str(" WHERE id = $3 AND version = $4");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.as_str())
        .bind(now)
        .bind(id.to_owned())
        .bind(expected_version);
    for (_, value) in fields {
        q = match value {
            Set::Text(v) => q.bind(v.clone()),
            Set::Int(v) => q.bind(*v),
        };
    }
    let r = q.execute(&mut **tx).await?;
    Ok(r.rows_affected() == 1)
}

/// Locks the case row for the rest of the transaction and reads it afresh. Every change to a case starts here:
/// on PostgreSQL a concurrent change waits for the row lock and then sees the committed result (SQLite's
/// `BEGIN IMMEDIATE` already serializes writers), so each change checks the state it really starts from.
pub async fn lock(tx: &mut Tx, id: &str, now: i64) -> Result<Option<Case>> {
    let r = sqlx::query("UPDATE acc_cases SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(None);
    }
    by_id(&mut **tx, id).await
}

// ---- surveyors (ACC-7, ACC-8) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Surveyor {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub lead: bool,
}

pub async fn surveyors<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<Surveyor>> {
    let rows = sqlx::query(
        "SELECT s.id, s.user_id, u.name, s.lead FROM acc_case_surveyors s JOIN users u ON u.id = s.user_id \
         WHERE s.case_id = $1 ORDER BY s.lead DESC, s.created_at, s.id",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Surveyor {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                lead: r.try_get::<i64, _>("lead")? != 0,
            })
        })
        .collect()
}

pub async fn add_surveyor(
    tx: &mut Tx,
    case_id: &str,
    user_id: &str,
    lead: bool,
    assigned_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO acc_case_surveyors (id, case_id, user_id, lead, assigned_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(user_id.to_owned())
    .bind(flag(lead))
    .bind(assigned_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "ACC-7: この認定調査員はすでに割り当てられているか、主任認定調査員がすでにいます".into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

// ---- ratings (ACC-9) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RatingRow {
    pub id: String,
    pub standard: String,
    pub rating: u8,
    pub comment: String,
    pub surveyor_id: String,
    pub current: bool,
    pub created_at: i64,
}

/// Records a rating; the earlier current rating of the same standard stays as history.
pub async fn add_rating(
    tx: &mut Tx,
    case_id: &str,
    standard: &str,
    rating: Rating,
    comment: &str,
    surveyor_id: &str,
    now: i64,
) -> Result<String> {
    sqlx::query(
        "UPDATE acc_ratings SET current = 0 WHERE case_id = $1 AND standard_code = $2 AND current = 1",
    )
    .bind(case_id.to_owned())
    .bind(standard.to_owned())
    .execute(&mut **tx)
    .await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_ratings (id, case_id, standard_code, rating, comment, surveyor_id, current, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(standard.to_owned())
    .bind(i64::from(rating.get()))
    .bind(comment.to_owned())
    .bind(surveyor_id.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Ratings of a case: only the current ones, or the whole history (oldest first).
pub async fn ratings<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    current_only: bool,
) -> Result<Vec<RatingRow>> {
    let sql = if current_only {
        "SELECT id, standard_code, rating, comment, surveyor_id, current, created_at FROM acc_ratings \
         WHERE case_id = $1 AND current = 1 ORDER BY standard_code"
    } else {
        "SELECT id, standard_code, rating, comment, surveyor_id, current, created_at FROM acc_ratings \
         WHERE case_id = $1 ORDER BY created_at, id"
    };
    let rows = sqlx::query(sql).bind(case_id.to_owned()).fetch_all(ex).await?;
    rows.iter()
        .map(|r| {
            let rating: i64 = r.try_get("rating")?;
            Ok(RatingRow {
                id: r.try_get("id")?,
                standard: r.try_get("standard_code")?,
                rating: u8::try_from(rating).map_err(|_| StoreError::Corrupt(format!("rating {rating}")))?,
                comment: r.try_get("comment")?,
                surveyor_id: r.try_get("surveyor_id")?,
                current: r.try_get::<i64, _>("current")? != 0,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

// ---- votes and decisions (ACC-8, ACC-11) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Vote {
    pub id: String,
    pub round: i64,
    pub user_id: String,
    pub name: String,
    pub outcome: String,
}

/// The number of decisions recorded so far: votes after a decision belong to the next round.
pub async fn decision_count<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM acc_decisions WHERE case_id = $1")
        .bind(case_id.to_owned())
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("n")?)
}

/// The number of committee members who may vote on a case of the organization bound to `$1`: active, with no
/// declared conflict with it (ACC-8).
const VOTING_MEMBERS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM users u WHERE u.role = 'committee' \
     AND u.active = 1 AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.user_id = u.id AND c.organization_id = $1)";

/// ACC-8, ACC-11: how many committee members may vote on a case of `organization_id` (active, no declared
/// conflict with it) — the base of the round's quorum.
pub async fn voting_members<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
) -> Result<i64> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT ({VOTING_MEMBERS}) AS n")))
        .bind(organization_id.to_owned())
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("n")?)
}

/// The outcomes voted in `round` of a case.
pub async fn round_votes<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    round: i64,
) -> Result<Vec<Outcome>> {
    let rows = sqlx::query("SELECT outcome FROM acc_votes WHERE case_id = $1 AND round = $2")
        .bind(case_id.to_owned())
        .bind(round)
        .fetch_all(ex)
        .await?;
    rows.iter()
        .map(|r| {
            let o: String = r.try_get("outcome")?;
            Outcome::parse(&o).ok_or_else(|| StoreError::Corrupt(format!("vote outcome {o}")))
        })
        .collect()
}

/// The outcomes voted in the round now open on a case of `organization_id` (the rounds before were decided) and
/// how many committee members may vote on it (ACC-8, ACC-11), in one statement: what the decision form shows.
pub async fn open_round<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    organization_id: &str,
) -> Result<(Vec<Outcome>, i64)> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT v.outcome, r.members FROM (SELECT \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM acc_decisions WHERE case_id = $2) AS round, \
         ({VOTING_MEMBERS}) AS members) r LEFT JOIN acc_votes v ON v.case_id = $2 AND v.round = r.round"
    )))
    .bind(organization_id.to_owned())
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    let mut members = 0;
    let mut outcomes = Vec::with_capacity(rows.len());
    for r in &rows {
        members = r.try_get("members")?;
        if let Some(o) = r.try_get::<Option<String>, _>("outcome")? {
            outcomes
                .push(Outcome::parse(&o).ok_or_else(|| StoreError::Corrupt(format!("vote outcome {o}")))?);
        }
    }
    Ok((outcomes, members))
}

/// Records (or, within the same round, replaces) a member's vote; returns the vote id and whether it replaced
/// an earlier vote.
pub async fn put_vote(
    tx: &mut Tx,
    case_id: &str,
    round: i64,
    user_id: &str,
    outcome: Outcome,
    now: i64,
) -> Result<(String, bool)> {
    let existing = sqlx::query("SELECT id FROM acc_votes WHERE case_id = $1 AND round = $2 AND user_id = $3")
        .bind(case_id.to_owned())
        .bind(round)
        .bind(user_id.to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = existing {
        let id: String = row.try_get("id")?;
        sqlx::query("UPDATE acc_votes SET outcome = $1, created_at = $2 WHERE id = $3")
            .bind(outcome.as_str())
            .bind(now)
            .bind(id.clone())
            .execute(&mut **tx)
            .await?;
        return Ok((id, true));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_votes (id, case_id, round, user_id, outcome, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(round)
    .bind(user_id.to_owned())
    .bind(outcome.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((id, false))
}

/// The votes of every round (a member who declares a conflict loses the votes of the rounds not yet decided:
/// [`remove_open_votes`]).
pub async fn votes<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<Vote>> {
    let rows = sqlx::query(
        "SELECT v.id, v.round, v.user_id, u.name, v.outcome FROM acc_votes v JOIN users u ON u.id = v.user_id \
         WHERE v.case_id = $1 ORDER BY v.round, v.created_at, v.id",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Vote {
                id: r.try_get("id")?,
                round: r.try_get("round")?,
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                outcome: r.try_get("outcome")?,
            })
        })
        .collect()
}

/// ACC-8: removes a member's votes in the rounds not yet decided of every case of `organization_id` (the member
/// has just declared a conflict with it); returns them, `(vote id, case id, round, outcome)`, for the audit.
pub async fn remove_open_votes(
    tx: &mut Tx,
    user_id: &str,
    organization_id: &str,
) -> Result<Vec<(String, String, i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, case_id, round, outcome FROM acc_votes WHERE user_id = $1 \
         AND case_id IN (SELECT id FROM acc_cases WHERE organization_id = $2) \
         AND round >= (SELECT COUNT(*) FROM acc_decisions d WHERE d.case_id = acc_votes.case_id) \
         ORDER BY case_id, round",
    )
    .bind(user_id.to_owned())
    .bind(organization_id.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let mut removed = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        sqlx::query("DELETE FROM acc_votes WHERE id = $1")
            .bind(id.clone())
            .execute(&mut **tx)
            .await?;
        removed.push((
            id,
            r.try_get("case_id")?,
            r.try_get("round")?,
            r.try_get("outcome")?,
        ));
    }
    Ok(removed)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DecisionRow {
    pub round: i64,
    pub outcome: String,
    pub decided_on: String,
    pub grace_until: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_decision(
    tx: &mut Tx,
    case_id: &str,
    round: i64,
    outcome: Outcome,
    decided_on: NaiveDate,
    grace_until: Option<NaiveDate>,
    reason: Option<&str>,
    recorded_by: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_decisions (id, case_id, round, outcome, decided_on, grace_until, reason, recorded_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(case_id.to_owned())
    .bind(round)
    .bind(outcome.as_str())
    .bind(iso(decided_on))
    .bind(opt_iso(grace_until))
    .bind(reason.map(str::to_owned))
    .bind(recorded_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn decisions<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Vec<DecisionRow>> {
    let rows = sqlx::query(
        "SELECT round, outcome, decided_on, grace_until, reason, recorded_by FROM acc_decisions \
         WHERE case_id = $1 ORDER BY round",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DecisionRow {
                round: r.try_get("round")?,
                outcome: r.try_get("outcome")?,
                decided_on: r.try_get("decided_on")?,
                grace_until: r.try_get("grace_until")?,
                reason: r.try_get("reason")?,
                recorded_by: r.try_get("recorded_by")?,
            })
        })
        .collect()
}

// ---- deadlines ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeadlineRow {
    pub kind: String,
    pub due_on: NaiveDate,
}

/// Closes the open deadlines of a case (met, or superseded by a later step); `kinds` empty closes all.
pub async fn close_deadlines(tx: &mut Tx, case_id: &str, kinds: &[DeadlineKind]) -> Result<()> {
    if kinds.is_empty() {
        sqlx::query("UPDATE acc_deadlines SET open = 0 WHERE case_id = $1 AND open = 1")
            .bind(case_id.to_owned())
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    for kind in kinds {
        sqlx::query("UPDATE acc_deadlines SET open = 0 WHERE case_id = $1 AND open = 1 AND kind = $2")
            .bind(case_id.to_owned())
            .bind(kind.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn add_deadline(
    tx: &mut Tx,
    case_id: &str,
    kind: DeadlineKind,
    due_on: NaiveDate,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_deadlines (id, case_id, kind, due_on, open, created_at) VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(new_id())
    .bind(case_id.to_owned())
    .bind(kind.as_str())
    .bind(iso(due_on))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The open deadlines of a case, soonest first.
pub async fn open_deadlines<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Vec<DeadlineRow>> {
    let rows = sqlx::query(
        "SELECT kind, due_on FROM acc_deadlines WHERE case_id = $1 AND open = 1 ORDER BY due_on, kind",
    )
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DeadlineRow {
                kind: r.try_get("kind")?,
                due_on: date(r, "due_on")?.ok_or_else(|| StoreError::Corrupt("due_on".into()))?,
            })
        })
        .collect()
}

// ---- numbering ----

/// The next number of the counter `name` for `year` (1, 2, …). The counter row's update takes its lock, so two
/// concurrent transactions never get the same number.
pub async fn next_number(tx: &mut Tx, name: &str, year: i32) -> Result<i64> {
    sqlx::query(
        "INSERT INTO acc_sequences (name, year, last) VALUES ($1, $2, 0) ON CONFLICT (name, year) DO NOTHING",
    )
    .bind(name.to_owned())
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await?;
    let row =
        sqlx::query("UPDATE acc_sequences SET last = last + 1 WHERE name = $1 AND year = $2 RETURNING last")
            .bind(name.to_owned())
            .bind(i64::from(year))
            .fetch_one(&mut **tx)
            .await?;
    Ok(row.try_get("last")?)
}

// ---- accreditations (ACC-11, ACC-23) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Accreditation {
    pub number: String,
    pub organization_id: String,
    pub case_id: String,
    pub unit_name: Option<String>,
    pub services: Vec<ServiceCode>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: String,
}

pub async fn insert_accreditation(tx: &mut Tx, a: &Accreditation, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO accreditations (id, number, organization_id, case_id, unit_name, services, accredited_on, \
         expires_on, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(a.number.clone())
    .bind(a.organization_id.clone())
    .bind(a.case_id.clone())
    .bind(a.unit_name.clone())
    .bind(json_text(&a.services)?)
    .bind(iso(a.accredited_on))
    .bind(iso(a.expires_on))
    .bind(a.status.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn accreditation_by_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<Accreditation>> {
    let row = sqlx::query(
        "SELECT number, organization_id, case_id, unit_name, services, accredited_on, expires_on, status \
         FROM accreditations WHERE number = $1",
    )
    .bind(number.to_owned())
    .fetch_optional(ex)
    .await?;
    row.as_ref()
        .map(|r| {
            let services: String = r.try_get("services")?;
            Ok(Accreditation {
                number: r.try_get("number")?,
                organization_id: r.try_get("organization_id")?,
                case_id: r.try_get("case_id")?,
                unit_name: r.try_get("unit_name")?,
                services: from_json(&services)?,
                accredited_on: date(r, "accredited_on")?
                    .ok_or_else(|| StoreError::Corrupt("accredited_on".into()))?,
                expires_on: date(r, "expires_on")?.ok_or_else(|| StoreError::Corrupt("expires_on".into()))?,
                status: r.try_get("status")?,
            })
        })
        .transpose()
}

/// The accreditations in force (active or suspended, not past their expiry on `on`) of an organization's unit
/// (`None`: the organization as a whole), oldest first: `(number, services)`.
pub async fn in_force_for_unit<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
    unit_name: Option<&str>,
    on: NaiveDate,
) -> Result<Vec<(String, Vec<ServiceCode>)>> {
    let rows = sqlx::query(
        "SELECT number, services FROM accreditations WHERE organization_id = $1 \
         AND COALESCE(unit_name, '') = $2 AND status IN ('active', 'suspended') AND expires_on >= $3 \
         ORDER BY accredited_on, number",
    )
    .bind(organization_id.to_owned())
    .bind(unit_name.unwrap_or_default().to_owned())
    .bind(iso(on))
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let services: String = r.try_get("services")?;
            Ok((r.try_get("number")?, from_json(&services)?))
        })
        .collect()
}

// The public directory's queries (ACC-23) live in `acc_public`; re-exported for the callers of this module.
pub use crate::acc_public::*;
