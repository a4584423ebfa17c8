//! Deadlines of both schemes in one table, and the secret calendar feeds that publish them.

use nintei_domain::deadline::Owner;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, Tx, flag, new_id, sha256_hex};

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Deadline {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub subject_id: String,
    pub organization_id: Option<String>,
    pub owner: String,
    pub assignee_id: Option<String>,
    pub title: String,
    pub due_on: String,
    pub met_on: Option<String>,
    pub waived: bool,
    pub waived_reason: Option<String>,
}

/// A deadline to set; setting one again for the same subject and kind moves its date (and reopens it).
#[derive(Debug, Clone)]
pub struct NewDeadline<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub subject_id: &'a str,
    pub organization_id: Option<&'a str>,
    pub owner: Owner,
    pub assignee_id: Option<&'a str>,
    pub title: &'a str,
    pub due_on: chrono::NaiveDate,
}

const COLUMNS: &str = "id, kind, subject, subject_id, organization_id, owner, assignee_id, title, due_on, met_on, \
                       waived, waived_reason";

fn from_row(r: &AnyRow) -> Result<Deadline> {
    Ok(Deadline {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        subject: r.try_get("subject")?,
        subject_id: r.try_get("subject_id")?,
        organization_id: r.try_get("organization_id")?,
        owner: r.try_get("owner")?,
        assignee_id: r.try_get("assignee_id")?,
        title: r.try_get("title")?,
        due_on: r.try_get("due_on")?,
        met_on: r.try_get("met_on")?,
        waived: r.try_get::<i64, _>("waived")? != 0,
        waived_reason: r.try_get("waived_reason")?,
    })
}

/// Sets (inserts or moves) a deadline inside the transaction of the change that creates it.
pub async fn set(tx: &mut Tx, d: &NewDeadline<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO deadlines (id, kind, subject, subject_id, organization_id, owner, assignee_id, title, due_on, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (subject, subject_id, kind) DO UPDATE SET due_on = excluded.due_on, title = excluded.title, \
         assignee_id = excluded.assignee_id, met_on = NULL, waived = 0, waived_reason = NULL, \
         updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(d.kind.to_owned())
    .bind(d.subject.to_owned())
    .bind(d.subject_id.to_owned())
    .bind(d.organization_id.map(str::to_owned))
    .bind(d.owner.as_str())
    .bind(d.assignee_id.map(str::to_owned))
    .bind(d.title.to_owned())
    .bind(d.due_on.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query("SELECT id FROM deadlines WHERE subject = $1 AND subject_id = $2 AND kind = $3")
        .bind(d.subject.to_owned())
        .bind(d.subject_id.to_owned())
        .bind(d.kind.to_owned())
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("id")?)
}

/// Marks the deadline of `kind` on a subject met on `met_on` (no-op when there is none or it is met already).
pub async fn meet(
    tx: &mut Tx,
    subject: &str,
    subject_id: &str,
    kind: &str,
    met_on: chrono::NaiveDate,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE deadlines SET met_on = $1, updated_at = $2 WHERE subject = $3 AND subject_id = $4 AND kind = $5 \
         AND met_on IS NULL AND waived = 0",
    )
    .bind(met_on.to_string())
    .bind(now)
    .bind(subject.to_owned())
    .bind(subject_id.to_owned())
    .bind(kind.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Waives an open deadline with a reason (e.g. the office extended it on paper).
pub async fn waive(tx: &mut Tx, id: &str, reason: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE deadlines SET waived = $1, waived_reason = $2, updated_at = $3 WHERE id = $4 AND met_on IS NULL \
         AND waived = 0",
    )
    .bind(flag(true))
    .bind(reason.to_owned())
    .bind(now)
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn for_subject<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    subject: &str,
    subject_id: &str,
) -> Result<Vec<Deadline>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM deadlines WHERE subject = $1 AND subject_id = $2 ORDER BY due_on, kind"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(subject.to_owned())
        .bind(subject_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Open deadlines due on or before `until` (overdue ones included), optionally of one organization.
pub async fn open_until<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    until: chrono::NaiveDate,
    organization_id: Option<&str>,
) -> Result<Vec<Deadline>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM deadlines WHERE met_on IS NULL AND waived = 0 AND due_on <= $1 \
         AND ($2 = '' OR organization_id = $2) ORDER BY due_on, kind LIMIT 1000"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(until.to_string())
        .bind(organization_id.unwrap_or("").to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Every open deadline (for the reminder job), in date order.
pub async fn all_open<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Deadline>> {
    let sql = format!("SELECT {COLUMNS} FROM deadlines WHERE met_on IS NULL AND waived = 0 ORDER BY due_on");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ex).await?;
    rows.iter().map(from_row).collect()
}

/// Creates a calendar feed for a user; returns nothing but stores the hash of `secret`.
pub async fn create_feed(tx: &mut Tx, secret: &str, user_id: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO calendar_feeds (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(sha256_hex(secret.as_bytes()))
        .bind(user_id.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Revokes every feed of a user.
pub async fn revoke_feeds(tx: &mut Tx, user_id: &str, now: i64) -> Result<u64> {
    let r =
        sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id.to_owned())
            .execute(&mut **tx)
            .await?;
    Ok(r.rows_affected())
}

/// The user behind a live feed secret.
pub async fn feed_user<'c, E: Executor<'c, Database = Any>>(ex: E, secret: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT user_id FROM calendar_feeds WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(sha256_hex(secret.as_bytes()))
        .fetch_optional(ex)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("user_id")?),
        None => None,
    })
}

/// Claims a reminder point of a deadline for sending; false when it was sent already (by any instance).
pub async fn claim_reminder(
    tx: &mut Tx,
    deadline_id: &str,
    reminder: &str,
    sent_on: chrono::NaiveDate,
    recipient: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO reminders_sent (deadline_id, reminder, sent_on, recipient) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (deadline_id, reminder) DO NOTHING",
    )
    .bind(deadline_id.to_owned())
    .bind(reminder.to_owned())
    .bind(sent_on.to_string())
    .bind(recipient.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Links a claimed reminder to the outbox row that carries it.
pub async fn set_reminder_outbox(
    tx: &mut Tx,
    deadline_id: &str,
    reminder: &str,
    outbox_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE reminders_sent SET outbox_id = $1 WHERE deadline_id = $2 AND reminder = $3")
        .bind(outbox_id.to_owned())
        .bind(deadline_id.to_owned())
        .bind(reminder.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes the open deadlines of one subject exactly `items` (kind, owner, title, due date): each is set (moved or
/// reopened as needed), and an open one no longer listed is marked met on `met_on` — the step that ended it
/// happened then. Used by case workflows that recompute "what is due now" after every change.
#[allow(clippy::too_many_arguments)]
pub async fn sync_subject(
    tx: &mut Tx,
    subject: &str,
    subject_id: &str,
    organization_id: Option<&str>,
    assignee_id: Option<&str>,
    items: &[(&str, Owner, &str, chrono::NaiveDate)],
    met_on: chrono::NaiveDate,
    now: i64,
) -> Result<()> {
    let current = for_subject(&mut **tx, subject, subject_id).await?;
    for d in current.iter().filter(|d| d.met_on.is_none() && !d.waived) {
        let still = items
            .iter()
            .any(|(k, _, _, due)| *k == d.kind && due.to_string() == d.due_on);
        if !still {
            meet(tx, subject, subject_id, &d.kind, met_on, now).await?;
        }
    }
    for (kind, owner, title, due_on) in items {
        let unchanged = current
            .iter()
            .any(|d| d.kind == *kind && d.due_on == due_on.to_string() && d.met_on.is_none());
        if !unchanged {
            let nd = NewDeadline {
                kind,
                subject,
                subject_id,
                organization_id,
                owner: *owner,
                assignee_id,
                title,
                due_on: *due_on,
            };
            set(tx, &nd, now).await?;
        }
    }
    Ok(())
}

/// Whether the user has a calendar feed that has not been revoked (the secret itself is never stored).
pub async fn has_live_feed<'c, E: Executor<'c, Database = Any>>(ex: E, user_id: &str) -> Result<bool> {
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM calendar_feeds WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id.to_owned())
    .fetch_one(ex)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Every deadline, met or not, for the office's exports, in date order.
pub async fn all<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Deadline>> {
    let sql = format!("SELECT {COLUMNS} FROM deadlines ORDER BY due_on, kind, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ex).await?;
    rows.iter().map(from_row).collect()
}
