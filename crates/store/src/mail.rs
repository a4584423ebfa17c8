//! The mail outbox: mail is written here in the transaction of the state change it reports, and one
//! `send_mail` job per row delivers it. Delivery attempts are kept one row each.
//!
//! The Message-ID is fixed when the row is written (`<outbox-ID@nintei.local>`), so a send retried after a crash
//! between the SMTP server's acceptance and our commit carries the same id, and the recipient can tell.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::jobs::{self, NewJob};
use crate::{Db, Result, StoreError, Tx, new_id};

/// The job kind that delivers one outbox row; its payload is `{"outbox_id": …}`.
pub const SEND_MAIL: &str = "send_mail";
/// Tries before a mail is given up: with the job table's backoff (30 s doubling, at most 1 h) about 4 hours.
pub const MAX_ATTEMPTS: i64 = 10;
/// The right-hand side of outbox Message-IDs.
pub const MESSAGE_ID_DOMAIN: &str = "nintei.local";

/// Where a mail stands: `queued` until an SMTP server accepted it, `failed` once given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    Queued,
    Sent,
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<MailStatus> {
        match s {
            "queued" => Some(MailStatus::Queued),
            "sent" => Some(MailStatus::Sent),
            "failed" => Some(MailStatus::Failed),
            _ => None,
        }
    }
}

/// A mail to write into the outbox.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// One outbox row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct OutboxMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Attempt {
    pub attempt: i64,
    pub started_at: i64,
    pub finished_at: i64,
    /// `sent` or `error`.
    pub outcome: String,
    /// The server's answer, or the error.
    pub detail: String,
}

/// The Message-ID of the outbox row `id`, angle brackets included.
pub fn message_id_for(id: &str) -> String {
    format!("<outbox-{id}@{MESSAGE_ID_DOMAIN}>")
}

/// The dedupe key of the job that sends the outbox row `id`: one job per row, however often it is asked for.
pub fn job_key(id: &str) -> String {
    format!("{SEND_MAIL}:{id}")
}

const COLUMNS: &str =
    "id, to_address, subject, body, message_id, status, attempts, last_error, created_at, sent_at";

fn from_row(row: &AnyRow) -> Result<OutboxMail> {
    let status: String = row.try_get("status")?;
    Ok(OutboxMail {
        id: row.try_get("id")?,
        to: row.try_get("to_address")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        message_id: row.try_get("message_id")?,
        status: MailStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("mail status {status}")))?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
    })
}

/// Writes `mail` into the outbox and enqueues its `send_mail` job, both inside `tx`: the mail exists exactly when
/// the state change it reports commits. Returns the outbox id. Addresses are checked by the caller.
pub async fn enqueue(tx: &mut Tx, mail: &NewMail<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO mail_outbox (id, to_address, subject, body, message_id, status, attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6)",
    )
    .bind(id.clone())
    .bind(mail.to.to_owned())
    .bind(mail.subject.to_owned())
    .bind(mail.body.to_owned())
    .bind(message_id_for(&id))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({ "outbox_id": id }).to_string();
    let key = job_key(&id);
    let job = NewJob {
        kind: SEND_MAIL,
        payload: &payload,
        dedupe_key: Some(&key),
        run_at: now,
        max_attempts: MAX_ATTEMPTS,
    };
    jobs::enqueue_tx(tx, &job, now).await?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<OutboxMail>> {
    let sql = format!("SELECT {COLUMNS} FROM mail_outbox WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The newest mail first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(ex: E, limit: i64) -> Result<Vec<OutboxMail>> {
    let sql = format!("SELECT {COLUMNS} FROM mail_outbox ORDER BY created_at DESC, id LIMIT $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Counts outbox rows by status.
pub async fn count_by_status<'c, E: Executor<'c, Database = Any>>(ex: E, status: MailStatus) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = $1")
        .bind(status.as_str())
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("n")?)
}

pub async fn attempts<'c, E: Executor<'c, Database = Any>>(ex: E, outbox_id: &str) -> Result<Vec<Attempt>> {
    let rows = sqlx::query(
        "SELECT attempt, started_at, finished_at, outcome, detail FROM mail_attempts WHERE outbox_id = $1 \
         ORDER BY attempt",
    )
    .bind(outbox_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attempt {
                attempt: r.try_get("attempt")?,
                started_at: r.try_get("started_at")?,
                finished_at: r.try_get("finished_at")?,
                outcome: r.try_get("outcome")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted the mail; its answer.
    Sent(String),
    /// The attempt failed; `give_up` marks the mail `failed` (no more tries), otherwise it stays `queued`.
    Error { error: String, give_up: bool },
}

/// Records one attempt and its effect on the outbox row, in one transaction; returns the attempt's number.
/// A row that is `sent` already stays so (a late duplicate attempt only adds its attempt row).
pub async fn record_attempt(
    db: &Db,
    outbox_id: &str,
    started_at: i64,
    finished_at: i64,
    outcome: &Outcome,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let (status, sent_at, last_error, label, detail) = match outcome {
        Outcome::Sent(answer) => (MailStatus::Sent, Some(finished_at), None, "sent", answer.clone()),
        Outcome::Error { error, give_up } => {
            let status = if *give_up {
                MailStatus::Failed
            } else {
                MailStatus::Queued
            };
            (status, None, Some(truncate(error)), "error", error.clone())
        }
    };
    let row = sqlx::query(
        "UPDATE mail_outbox SET attempts = attempts + 1, \
         status = CASE WHEN status = 'sent' THEN status ELSE $1 END, \
         sent_at = CASE WHEN status = 'sent' THEN sent_at ELSE $2 END, \
         last_error = CASE WHEN status = 'sent' THEN last_error ELSE $3 END \
         WHERE id = $4 RETURNING attempts",
    )
    .bind(status.as_str())
    .bind(sent_at)
    .bind(last_error)
    .bind(outbox_id.to_owned())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let attempt: i64 = row.try_get("attempts")?;
    sqlx::query(
        "INSERT INTO mail_attempts (id, outbox_id, attempt, started_at, finished_at, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(outbox_id.to_owned())
    .bind(attempt)
    .bind(started_at)
    .bind(finished_at)
    .bind(label)
    .bind(truncate(&detail))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(attempt)
}

fn truncate(s: &str) -> String {
    s.chars().take(2000).collect()
}

/// A page of the outbox: `q` in the recipient or subject, `only` a status; newest first (default) or oldest
/// first; with the number of matches.
pub async fn page<'c, E>(ex: E, f: &crate::listing::Filter<'_>) -> Result<(Vec<OutboxMail>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let order = match f.sort {
        "oldest" => "created_at, id",
        _ => "created_at DESC, id",
    };
    let cond = "($1 = '' OR LOWER(to_address) LIKE $2 ESCAPE '\\' OR LOWER(subject) LIKE $2 ESCAPE '\\') \
                AND ($3 = '' OR status = $3)";
    let args = [f.q.to_owned(), crate::listing::contains(f.q), f.only.to_owned()];
    crate::listing::fetch_page(ex, COLUMNS, "mail_outbox", cond, order, &args, f, from_row).await
}
