//! The accreditation after the decision: the record itself, annual maintenance reports
//! (ACC-14), written questions and answers, self-reports (ACC-15), compliance reviews (ACC-16) and certificates.
//! Status changes go through [`crate::accreditations::change_status`]; every function that writes takes the
//! caller's transaction, which also holds the audit event.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, StoreError, Tx, flag, new_id};

fn req_date(r: &AnyRow, column: &str) -> Result<NaiveDate> {
    date(r, column)?.ok_or_else(|| StoreError::Corrupt(column.into()))
}

fn json_of(r: &AnyRow, column: &str) -> Result<Value> {
    let text: Option<String> = r.try_get(column)?;
    match text {
        Some(t) => serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(Value::Null),
    }
}

// ---- the record ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Record {
    pub id: String,
    pub number: String,
    pub organization_id: String,
    pub organization_name: String,
    pub case_id: String,
    pub unit_name: Option<String>,
    pub services: Vec<String>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: String,
}

const RECORD_COLUMNS: &str = "a.id, a.number, a.organization_id, o.name AS organization_name, a.case_id, \
    a.unit_name, a.services, a.accredited_on, a.expires_on, a.status";

fn record_from(r: &AnyRow) -> Result<Record> {
    let services: String = r.try_get("services")?;
    Ok(Record {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        organization_id: r.try_get("organization_id")?,
        organization_name: r.try_get("organization_name")?,
        case_id: r.try_get("case_id")?,
        unit_name: r.try_get("unit_name")?,
        services: serde_json::from_str(&services).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        accredited_on: req_date(r, "accredited_on")?,
        expires_on: req_date(r, "expires_on")?,
        status: r.try_get("status")?,
    })
}

pub async fn by_number<'c, E: Executor<'c, Database = Any>>(ex: E, number: &str) -> Result<Option<Record>> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM accreditations a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.number = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(record_from).transpose()
}

/// Every accreditation (organization_id `None`) or one organization's, newest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Record>> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM accreditations a JOIN organizations o ON o.id = a.organization_id \
         WHERE ($1 = '' OR a.organization_id = $1) ORDER BY a.accredited_on DESC, a.number DESC LIMIT {}",
        limit.max(0)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id.unwrap_or("").to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(record_from).collect()
}

/// A page of accreditations (every one, or one organization's): `q` in the number, organization or unit name,
/// `only` the status as shown on `today` (an active or suspended one past its expiry shows as lapsed, ACC-17);
/// newest first (default), by expiry or by organization; with the number of matches.
pub async fn page<'c, E>(
    ex: E,
    organization_id: Option<&str>,
    f: &crate::listing::Filter<'_>,
    today: NaiveDate,
) -> Result<(Vec<Record>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let order = match f.sort {
        "expires" => "a.expires_on, a.number",
        "organization" => "o.name, a.number",
        _ => "a.accredited_on DESC, a.number DESC",
    };
    let cond = "($1 = '' OR a.organization_id = $1) \
        AND ($2 = '' OR LOWER(a.number) LIKE $3 ESCAPE '\\' OR LOWER(o.name) LIKE $3 ESCAPE '\\' \
             OR LOWER(COALESCE(a.unit_name, '')) LIKE $3 ESCAPE '\\') \
        AND ($4 = '' \
             OR ($4 IN ('active', 'suspended') AND a.status = $4 AND a.expires_on >= $5) \
             OR ($4 = 'lapsed' AND (a.status = 'lapsed' OR (a.status IN ('active', 'suspended') AND a.expires_on < $5))) \
             OR ($4 = 'revoked' AND a.status = 'revoked'))";
    let args = [
        organization_id.unwrap_or("").to_owned(),
        f.q.to_owned(),
        crate::listing::contains(f.q),
        f.only.to_owned(),
        iso(today),
    ];
    let from = "accreditations a JOIN organizations o ON o.id = a.organization_id";
    crate::listing::fetch_page(ex, RECORD_COLUMNS, from, cond, order, &args, f, record_from).await
}

/// Locks the accreditation row for the rest of the transaction (PostgreSQL waits on a concurrent change;
/// SQLite's `BEGIN IMMEDIATE` serializes writers already) and reads it afresh.
pub async fn lock(tx: &mut Tx, number: &str) -> Result<Option<Record>> {
    let r = sqlx::query("UPDATE accreditations SET status = status WHERE number = $1")
        .bind(number.to_owned())
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(None);
    }
    by_number(&mut **tx, number).await
}

/// Active or suspended accreditations whose validity ended before `today` (ACC-17 (4)), a page at a time.
pub async fn past_expiry<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT number FROM accreditations WHERE status IN ('active', 'suspended') AND expires_on < $1 \
         ORDER BY expires_on, number LIMIT {}",
        limit.max(0)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(today))
        .fetch_all(ex)
        .await?;
    rows.iter()
        .map(|r| r.try_get("number").map_err(StoreError::from))
        .collect()
}

// ---- ACC-14 annual reports ----

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub id: String,
    pub year: i64,
    pub due_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub content: Value,
}

pub async fn add_annual_report(
    tx: &mut Tx,
    accreditation_id: &str,
    year: i64,
    due_on: NaiveDate,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_annual_reports (id, accreditation_id, year, due_on, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (accreditation_id, year) DO NOTHING",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(year)
    .bind(iso(due_on))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn annual_reports<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<AnnualReport>> {
    let rows = sqlx::query(
        "SELECT id, year, due_on, submitted_on, content FROM acc_annual_reports WHERE accreditation_id = $1 \
         ORDER BY year",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AnnualReport {
                id: r.try_get("id")?,
                year: r.try_get("year")?,
                due_on: req_date(r, "due_on")?,
                submitted_on: date(r, "submitted_on")?,
                content: json_of(r, "content")?,
            })
        })
        .collect()
}

/// Records the submission; false when it was submitted already (a repeated or concurrent request).
pub async fn submit_annual_report(
    tx: &mut Tx,
    report_id: &str,
    submitted_on: NaiveDate,
    content: &Value,
    by: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE acc_annual_reports SET submitted_on = $1, content = $2, submitted_by = $3 \
         WHERE id = $4 AND submitted_on IS NULL",
    )
    .bind(iso(submitted_on))
    .bind(content.to_string())
    .bind(by.to_owned())
    .bind(report_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---- questions ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub id: String,
    pub subject: String,
    pub subject_id: String,
    pub asked_on: NaiveDate,
    pub question: String,
    pub answer_due_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub answer: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub async fn ask(
    tx: &mut Tx,
    accreditation_id: &str,
    subject: &str,
    subject_id: &str,
    asked_on: NaiveDate,
    question: &str,
    answer_due_on: Option<NaiveDate>,
    by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_questions (id, accreditation_id, subject, subject_id, asked_on, question, answer_due_on, \
         asked_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(subject.to_owned())
    .bind(subject_id.to_owned())
    .bind(iso(asked_on))
    .bind(question.to_owned())
    .bind(answer_due_on.map(iso))
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn questions<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<Question>> {
    let rows = sqlx::query(
        "SELECT id, subject, subject_id, asked_on, question, answer_due_on, answered_on, answer FROM acc_questions \
         WHERE accreditation_id = $1 ORDER BY asked_on, created_at, id",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Question {
                id: r.try_get("id")?,
                subject: r.try_get("subject")?,
                subject_id: r.try_get("subject_id")?,
                asked_on: req_date(r, "asked_on")?,
                question: r.try_get("question")?,
                answer_due_on: date(r, "answer_due_on")?,
                answered_on: date(r, "answered_on")?,
                answer: r.try_get("answer")?,
            })
        })
        .collect()
}

/// Records the answer; false when answered already.
pub async fn answer(
    tx: &mut Tx,
    question_id: &str,
    answered_on: NaiveDate,
    text: &str,
    by: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE acc_questions SET answered_on = $1, answer = $2, answered_by = $3 WHERE id = $4 AND answered_on IS NULL",
    )
    .bind(iso(answered_on))
    .bind(text.to_owned())
    .bind(by.to_owned())
    .bind(question_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---- ACC-15 self-reports ----

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SelfReport {
    pub id: String,
    pub kind: String,
    pub event_on: NaiveDate,
    pub due_on: NaiveDate,
    pub submitted_on: NaiveDate,
    pub late: bool,
    pub content: Value,
}

pub async fn add_self_report(
    tx: &mut Tx,
    accreditation_id: &str,
    s: &SelfReport,
    by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_self_reports (id, accreditation_id, kind, event_on, due_on, submitted_on, late, content, \
         submitted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(s.kind.clone())
    .bind(iso(s.event_on))
    .bind(iso(s.due_on))
    .bind(iso(s.submitted_on))
    .bind(flag(s.late))
    .bind(s.content.to_string())
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn self_reports<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<SelfReport>> {
    let rows = sqlx::query(
        "SELECT id, kind, event_on, due_on, submitted_on, late, content FROM acc_self_reports \
         WHERE accreditation_id = $1 ORDER BY submitted_on, created_at, id",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SelfReport {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                event_on: req_date(r, "event_on")?,
                due_on: req_date(r, "due_on")?,
                submitted_on: req_date(r, "submitted_on")?,
                late: r.try_get::<i64, _>("late")? != 0,
                content: json_of(r, "content")?,
            })
        })
        .collect()
}

// ---- ACC-16 compliance reviews ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub id: String,
    pub trigger: String,
    pub trigger_ref: Option<String>,
    pub opened_on: NaiveDate,
    pub reason: String,
    pub status: String,
    pub site_visit_on: Option<NaiveDate>,
    pub requested_on: Option<NaiveDate>,
    pub method: Option<String>,
    pub request_reason: Option<String>,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closing_note: Option<String>,
}

const REVIEW_COLUMNS: &str = "id, trigger_kind, trigger_ref, opened_on, reason, status, site_visit_on, requested_on, \
    method, request_reason, outcome, closed_on, closing_note";

fn review_from(r: &AnyRow) -> Result<Review> {
    Ok(Review {
        id: r.try_get("id")?,
        trigger: r.try_get("trigger_kind")?,
        trigger_ref: r.try_get("trigger_ref")?,
        opened_on: req_date(r, "opened_on")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        site_visit_on: date(r, "site_visit_on")?,
        requested_on: date(r, "requested_on")?,
        method: r.try_get("method")?,
        request_reason: r.try_get("request_reason")?,
        outcome: r.try_get("outcome")?,
        closed_on: date(r, "closed_on")?,
        closing_note: r.try_get("closing_note")?,
    })
}

/// Opens a review; `None` when one is open already (one open review per accreditation, also concurrently).
#[allow(clippy::too_many_arguments)]
pub async fn open_review(
    tx: &mut Tx,
    accreditation_id: &str,
    trigger: &str,
    trigger_ref: Option<&str>,
    opened_on: NaiveDate,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<Option<String>> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO acc_reviews (id, accreditation_id, trigger_kind, trigger_ref, opened_on, reason, status, \
         opened_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8) \
         ON CONFLICT DO NOTHING",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(trigger.to_owned())
    .bind(trigger_ref.map(str::to_owned))
    .bind(iso(opened_on))
    .bind(reason.to_owned())
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((r.rows_affected() == 1).then_some(id))
}

pub async fn reviews<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<Review>> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM acc_reviews WHERE accreditation_id = $1 ORDER BY opened_on, created_at"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(accreditation_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(review_from).collect()
}

/// One review of this accreditation (a review id of another accreditation is not found).
pub async fn review<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
    review_id: &str,
) -> Result<Option<Review>> {
    let sql = format!("SELECT {REVIEW_COLUMNS} FROM acc_reviews WHERE accreditation_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(accreditation_id.to_owned())
        .bind(review_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(review_from).transpose()
}

/// Sets columns of a review that is in `from`; false when it is not (any more).
pub async fn update_review(
    tx: &mut Tx,
    review_id: &str,
    from: &str,
    fields: &[(&str, Option<String>)],
    now: i64,
) -> Result<bool> {
    const ALLOWED: &[&str] = &[
        "status",
        "site_visit_on",
        "requested_on",
        "method",
        "request_reason",
        "outcome",
        "closed_on",
        "closing_note",
    ];
    let mut sets = Vec::new();
    for (i, (column, _)) in fields.iter().enumerate() {
        if !ALLOWED.contains(column) {
            return Err(StoreError::Corrupt(format!("column {column}")));
        }
        sets.push(format!("{column} = ${}", i + 1));
    }
    let n = fields.len();
    let sql = format!(
        "UPDATE acc_reviews SET {}, updated_at = ${} WHERE id = ${} AND status = ${}",
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (_, v) in fields {
        q = q.bind(v.clone());
    }
    let r = q
        .bind(now)
        .bind(review_id.to_owned())
        .bind(from.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReviewItem {
    pub id: String,
    pub review_id: String,
    pub kind: String,
    pub requested_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub met_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_review_item(
    tx: &mut Tx,
    review_id: &str,
    kind: &str,
    requested_on: NaiveDate,
    due_on: NaiveDate,
    description: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_review_items (id, review_id, kind, requested_on, due_on, description, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(review_id.to_owned())
    .bind(kind.to_owned())
    .bind(iso(requested_on))
    .bind(iso(due_on))
    .bind(description.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn review_items<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    review_id: &str,
) -> Result<Vec<ReviewItem>> {
    let rows = sqlx::query(
        "SELECT id, review_id, kind, requested_on, due_on, description, met_on, note FROM acc_review_items \
         WHERE review_id = $1 ORDER BY requested_on, created_at, id",
    )
    .bind(review_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewItem {
                id: r.try_get("id")?,
                review_id: r.try_get("review_id")?,
                kind: r.try_get("kind")?,
                requested_on: req_date(r, "requested_on")?,
                due_on: req_date(r, "due_on")?,
                description: r.try_get("description")?,
                met_on: date(r, "met_on")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Marks an item met; false when it was met already.
pub async fn meet_review_item(
    tx: &mut Tx,
    item_id: &str,
    met_on: NaiveDate,
    note: Option<&str>,
) -> Result<bool> {
    let r =
        sqlx::query("UPDATE acc_review_items SET met_on = $1, note = $2 WHERE id = $3 AND met_on IS NULL")
            .bind(iso(met_on))
            .bind(note.map(str::to_owned))
            .bind(item_id.to_owned())
            .execute(&mut **tx)
            .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Answer {
    pub member_id: String,
    pub member_name: String,
    pub answer: String,
    pub answered_on: NaiveDate,
}

/// Records one member's answer; false when that member has answered already.
pub async fn add_answer(
    tx: &mut Tx,
    review_id: &str,
    member_id: &str,
    answer: &str,
    answered_on: NaiveDate,
    by: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO acc_review_answers (id, review_id, member_id, answer, answered_on, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (review_id, member_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(review_id.to_owned())
    .bind(member_id.to_owned())
    .bind(answer.to_owned())
    .bind(iso(answered_on))
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn answers<'c, E: Executor<'c, Database = Any>>(ex: E, review_id: &str) -> Result<Vec<Answer>> {
    let rows = sqlx::query(
        "SELECT a.member_id, u.name AS member_name, a.answer, a.answered_on FROM acc_review_answers a \
         JOIN users u ON u.id = a.member_id WHERE a.review_id = $1 ORDER BY a.created_at, a.id",
    )
    .bind(review_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Answer {
                member_id: r.try_get("member_id")?,
                member_name: r.try_get("member_name")?,
                answer: r.try_get("answer")?,
                answered_on: req_date(r, "answered_on")?,
            })
        })
        .collect()
}

// ---- certificates ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: String,
    pub serial: String,
    pub issued_on: NaiveDate,
    pub services: Vec<String>,
    pub reissue: bool,
    pub invoice_id: Option<String>,
    pub returned_on: Option<NaiveDate>,
}

pub async fn certificates<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<Certificate>> {
    let rows = sqlx::query(
        "SELECT id, serial, issued_on, services, reissue, invoice_id, returned_on FROM acc_certificates \
         WHERE accreditation_id = $1 ORDER BY created_at, serial",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let services: String = r.try_get("services")?;
            Ok(Certificate {
                id: r.try_get("id")?,
                serial: r.try_get("serial")?,
                issued_on: req_date(r, "issued_on")?,
                services: serde_json::from_str(&services).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                reissue: r.try_get::<i64, _>("reissue")? != 0,
                invoice_id: r.try_get("invoice_id")?,
                returned_on: date(r, "returned_on")?,
            })
        })
        .collect()
}

/// Marks the current certificate returned; false when there is none.
pub async fn return_certificate(tx: &mut Tx, accreditation_id: &str, returned_on: NaiveDate) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE acc_certificates SET returned_on = $1 WHERE accreditation_id = $2 AND returned_on IS NULL",
    )
    .bind(iso(returned_on))
    .bind(accreditation_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() >= 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_certificate(
    tx: &mut Tx,
    accreditation_id: &str,
    serial: &str,
    issued_on: NaiveDate,
    services: &[String],
    reissue: bool,
    invoice_id: Option<&str>,
    by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_certificates (id, accreditation_id, serial, issued_on, services, reissue, invoice_id, \
         issued_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(serial.to_owned())
    .bind(iso(issued_on))
    .bind(serde_json::to_string(services).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    .bind(flag(reissue))
    .bind(invoice_id.map(str::to_owned))
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The accreditation number a deadline of the accreditation after the decision belongs to: the subject
/// `accreditation` (renewal), `acc_annual_report`, `acc_question` or `acc_review_item`; `None` for any other
/// subject or an unknown id.
pub async fn number_of_deadline_subject<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    subject: &str,
    subject_id: &str,
) -> Result<Option<String>> {
    let sql = match subject {
        "accreditation" => "SELECT number FROM accreditations WHERE id = $1",
        "acc_annual_report" => {
            "SELECT a.number FROM acc_annual_reports r JOIN accreditations a ON a.id = r.accreditation_id \
             WHERE r.id = $1"
        }
        "acc_question" => {
            "SELECT a.number FROM acc_questions q JOIN accreditations a ON a.id = q.accreditation_id \
             WHERE q.id = $1"
        }
        "acc_review_item" => {
            "SELECT a.number FROM acc_review_items i JOIN acc_reviews r ON r.id = i.review_id \
             JOIN accreditations a ON a.id = r.accreditation_id WHERE i.id = $1"
        }
        _ => return Ok(None),
    };
    let row = sqlx::query(sql).bind(subject_id).fetch_optional(ex).await?;
    Ok(match row {
        Some(r) => Some(r.try_get("number")?),
        None => None,
    })
}
