//! Deregistration cases (REG-7): the investigation after a report or another sign of non-conformity, its
//! document requests and records, the referral to the registration review committee, the votes and decision.

use chrono::NaiveDate;
use nintei_domain::reg::status::CommitteeOutcome;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso, opt_date};
use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Investigation {
    pub id: String,
    pub registration_id: String,
    pub organization_id: String,
    /// `open`, `referred`, `closed` (no referral needed) or `decided`.
    pub status: String,
    pub opened_on: NaiveDate,
    pub reason: String,
    pub referred_on: Option<NaiveDate>,
    pub referral_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
    pub outcome: Option<CommitteeOutcome>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub version: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DocumentRequest {
    pub id: String,
    pub requested_on: NaiveDate,
    pub due_on: NaiveDate,
    pub items: String,
    pub received_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Record {
    pub id: String,
    /// `on_site_investigation`, `hearing`, `documents_received` or `other`.
    pub kind: String,
    pub held_on: NaiveDate,
    pub summary: String,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Vote {
    pub member_id: String,
    pub outcome: CommitteeOutcome,
    pub comment: String,
    pub voted_at: i64,
}

pub fn outcome_str(o: CommitteeOutcome) -> &'static str {
    match o {
        CommitteeOutcome::Deregister => "deregister",
        CommitteeOutcome::Maintain => "maintain",
    }
}

fn parse_outcome(s: &str) -> Result<CommitteeOutcome> {
    match s {
        "deregister" => Ok(CommitteeOutcome::Deregister),
        "maintain" => Ok(CommitteeOutcome::Maintain),
        other => Err(StoreError::Corrupt(format!("committee outcome {other}"))),
    }
}

const COLUMNS: &str = "id, registration_id, organization_id, status, opened_on, reason, referred_on, referral_reason, \
    closed_on, close_reason, outcome, decided_on, decision_reason, decided_by, version, created_at";

fn from_row(row: &AnyRow) -> Result<Investigation> {
    let outcome: Option<String> = row.try_get("outcome")?;
    Ok(Investigation {
        id: row.try_get("id")?,
        registration_id: row.try_get("registration_id")?,
        organization_id: row.try_get("organization_id")?,
        status: row.try_get("status")?,
        opened_on: date(row, "opened_on")?,
        reason: row.try_get("reason")?,
        referred_on: opt_date(row, "referred_on")?,
        referral_reason: row.try_get("referral_reason")?,
        closed_on: opt_date(row, "closed_on")?,
        close_reason: row.try_get("close_reason")?,
        outcome: outcome.as_deref().map(parse_outcome).transpose()?,
        decided_on: opt_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        decided_by: row.try_get("decided_by")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    registration_id: &str,
    organization_id: &str,
    opened_on: NaiveDate,
    reason: &str,
    created_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_investigations (id, registration_id, organization_id, status, opened_on, reason, version, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, 1, $6, $7, $7)",
    )
    .bind(id.clone())
    .bind(registration_id.to_owned())
    .bind(organization_id.to_owned())
    .bind(iso(opened_on))
    .bind(reason.to_owned())
    .bind(created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Investigation>> {
    let sql = format!("SELECT {COLUMNS} FROM reg_investigations WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Cases, newest first: all, of one registration, or of one status.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: Option<&str>,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<Investigation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reg_investigations WHERE ($1 = '' OR registration_id = $1) \
         AND ($2 = '' OR status = $2) ORDER BY created_at DESC, id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(registration_id.unwrap_or_default().to_owned())
        .bind(status.unwrap_or_default().to_owned())
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A transition of the case's own status, if it is still `from` at `expected_version`; false otherwise.
pub enum Step<'a> {
    Refer {
        on: NaiveDate,
        reason: &'a str,
    },
    Close {
        on: NaiveDate,
        reason: &'a str,
    },
    Decide {
        outcome: CommitteeOutcome,
        on: NaiveDate,
        reason: &'a str,
        by: &'a str,
    },
}

pub async fn step(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    from: &str,
    s: &Step<'_>,
    now: i64,
) -> Result<bool> {
    let q = match s {
        Step::Refer { on, reason } => sqlx::query(
            "UPDATE reg_investigations SET status = 'referred', referred_on = $1, referral_reason = $2, \
             version = version + 1, updated_at = $3 WHERE id = $4 AND status = $5 AND version = $6",
        )
        .bind(iso(*on))
        .bind((*reason).to_owned()),
        Step::Close { on, reason } => sqlx::query(
            "UPDATE reg_investigations SET status = 'closed', closed_on = $1, close_reason = $2, \
             version = version + 1, updated_at = $3 WHERE id = $4 AND status = $5 AND version = $6",
        )
        .bind(iso(*on))
        .bind((*reason).to_owned()),
        Step::Decide { on, reason, .. } => sqlx::query(
            "UPDATE reg_investigations SET status = 'decided', outcome = $7, decided_by = $8, decided_on = $1, \
             decision_reason = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND status = $5 AND version = $6",
        )
        .bind(iso(*on))
        .bind((*reason).to_owned()),
    };
    let q = q
        .bind(now)
        .bind(id.to_owned())
        .bind(from.to_owned())
        .bind(expected_version);
    let q = match s {
        Step::Decide { outcome, by, .. } => q.bind(outcome_str(*outcome)).bind((*by).to_owned()),
        _ => q,
    };
    let r = q.execute(&mut **tx).await?;
    Ok(r.rows_affected() == 1)
}

/// Bumps the case's version (a document request, record or vote changed it), if still at `expected_version`
/// and in one of `statuses`; false otherwise.
pub async fn touch(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    statuses: &[&str],
    now: i64,
) -> Result<bool> {
    let mut changed = false;
    for st in statuses {
        let r = sqlx::query(
            "UPDATE reg_investigations SET version = version + 1, updated_at = $1 \
             WHERE id = $2 AND version = $3 AND status = $4",
        )
        .bind(now)
        .bind(id.to_owned())
        .bind(expected_version)
        .bind((*st).to_owned())
        .execute(&mut **tx)
        .await?;
        if r.rows_affected() == 1 {
            changed = true;
            break;
        }
    }
    Ok(changed)
}

pub async fn insert_document_request(
    tx: &mut Tx,
    investigation_id: &str,
    requested_on: NaiveDate,
    due_on: NaiveDate,
    items: &str,
    created_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_document_requests (id, investigation_id, requested_on, due_on, items, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(investigation_id.to_owned())
    .bind(iso(requested_on))
    .bind(iso(due_on))
    .bind(items.to_owned())
    .bind(created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn document_requests<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    investigation_id: &str,
) -> Result<Vec<DocumentRequest>> {
    let rows = sqlx::query(
        "SELECT id, requested_on, due_on, items, received_on FROM reg_document_requests \
         WHERE investigation_id = $1 ORDER BY requested_on, created_at, id",
    )
    .bind(investigation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DocumentRequest {
                id: r.try_get("id")?,
                requested_on: date(r, "requested_on")?,
                due_on: date(r, "due_on")?,
                items: r.try_get("items")?,
                received_on: opt_date(r, "received_on")?,
            })
        })
        .collect()
}

/// Records the receipt of the requested documents; false if the request is unknown or already received.
pub async fn receive_documents(
    tx: &mut Tx,
    investigation_id: &str,
    request_id: &str,
    received_on: NaiveDate,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE reg_document_requests SET received_on = $1 WHERE id = $2 AND investigation_id = $3 \
         AND received_on IS NULL",
    )
    .bind(iso(received_on))
    .bind(request_id.to_owned())
    .bind(investigation_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_record(
    tx: &mut Tx,
    investigation_id: &str,
    kind: &str,
    held_on: NaiveDate,
    summary: &str,
    created_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_investigation_records (id, investigation_id, kind, held_on, summary, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(investigation_id.to_owned())
    .bind(kind.to_owned())
    .bind(iso(held_on))
    .bind(summary.to_owned())
    .bind(created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn records<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    investigation_id: &str,
) -> Result<Vec<Record>> {
    let rows = sqlx::query(
        "SELECT id, kind, held_on, summary, created_by FROM reg_investigation_records \
         WHERE investigation_id = $1 ORDER BY held_on, created_at, id",
    )
    .bind(investigation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Record {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                held_on: date(r, "held_on")?,
                summary: r.try_get("summary")?,
                created_by: r.try_get("created_by")?,
            })
        })
        .collect()
}

/// A member's vote; a later vote of the same member replaces the earlier one.
pub async fn upsert_vote(
    tx: &mut Tx,
    investigation_id: &str,
    member_id: &str,
    outcome: CommitteeOutcome,
    comment: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reg_committee_votes (investigation_id, member_id, outcome, comment, voted_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (investigation_id, member_id) \
         DO UPDATE SET outcome = excluded.outcome, comment = excluded.comment, voted_at = excluded.voted_at",
    )
    .bind(investigation_id.to_owned())
    .bind(member_id.to_owned())
    .bind(outcome_str(outcome))
    .bind(comment.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The votes that count: a member who declared a conflict with the organization, even after voting, is recused
/// and the vote leaves the tally (REG-7, as ACC-8 recuses; the audit trail keeps the vote cast).
pub async fn votes<'c, E: Executor<'c, Database = Any>>(ex: E, investigation_id: &str) -> Result<Vec<Vote>> {
    let rows = sqlx::query(
        "SELECT v.member_id, v.outcome, v.comment, v.voted_at FROM reg_committee_votes v \
         JOIN reg_investigations i ON i.id = v.investigation_id WHERE v.investigation_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.user_id = v.member_id \
         AND c.organization_id = i.organization_id) ORDER BY v.voted_at, v.member_id",
    )
    .bind(investigation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let outcome: String = r.try_get("outcome")?;
            Ok(Vote {
                member_id: r.try_get("member_id")?,
                outcome: parse_outcome(&outcome)?,
                comment: r.try_get("comment")?,
                voted_at: r.try_get("voted_at")?,
            })
        })
        .collect()
}

/// The institution's answer to a document request (REG-7): one file uploaded in the system with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DocumentAnswer {
    pub id: String,
    pub request_id: String,
    pub file_id: String,
    pub answered_on: NaiveDate,
    pub note: String,
    pub answered_by: String,
    pub answered_at: i64,
}

pub struct NewAnswer<'a> {
    pub investigation_id: &'a str,
    pub request_id: &'a str,
    pub file_id: &'a str,
    pub answered_on: NaiveDate,
    pub note: &'a str,
    pub answered_by: &'a str,
}

pub async fn insert_answer(tx: &mut Tx, a: &NewAnswer<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_document_answers (id, investigation_id, request_id, file_id, answered_on, note, \
         answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.clone())
    .bind(a.investigation_id.to_owned())
    .bind(a.request_id.to_owned())
    .bind(a.file_id.to_owned())
    .bind(iso(a.answered_on))
    .bind(a.note.to_owned())
    .bind(a.answered_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

fn answer_row(r: &AnyRow) -> Result<DocumentAnswer> {
    Ok(DocumentAnswer {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        file_id: r.try_get("file_id")?,
        answered_on: date(r, "answered_on")?,
        note: r.try_get("note")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
    })
}

/// The answers to every document request of a case, by the date answered.
pub async fn answers<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    investigation_id: &str,
) -> Result<Vec<DocumentAnswer>> {
    let rows = sqlx::query(
        "SELECT id, request_id, file_id, answered_on, note, answered_by, answered_at FROM reg_document_answers \
         WHERE investigation_id = $1 ORDER BY answered_on, answered_at, id",
    )
    .bind(investigation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(answer_row).collect()
}

/// The answer a stored file belongs to (`None` when the file answers nothing).
pub async fn answer_for_file<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    file_id: &str,
) -> Result<Option<DocumentAnswer>> {
    let r = sqlx::query(
        "SELECT id, request_id, file_id, answered_on, note, answered_by, answered_at FROM reg_document_answers \
         WHERE file_id = $1",
    )
    .bind(file_id.to_owned())
    .fetch_optional(ex)
    .await?;
    r.as_ref().map(answer_row).transpose()
}
