//! The job table: durable background work with leased claims, retries with backoff and idempotent enqueue.
//!
//! Safe with several `nintei serve` processes on one PostgreSQL: a claim is a conditional UPDATE that only one
//! worker can win (PostgreSQL re-checks the WHERE clause after a concurrent update; SQLite serializes writers).
//! A worker that dies leaves its lease to expire, and another worker takes the job again.

use sqlx::Row;

use crate::{Db, Result, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    /// How many times the job has been claimed, this claim included.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    /// Enqueueing a second job with the same key does nothing (idempotent enqueue).
    pub dedupe_key: Option<&'a str>,
    pub run_at: i64,
    pub max_attempts: i64,
}

/// Enqueues a job; returns false when a job with the same dedupe key exists already.
pub async fn enqueue(db: &Db, job: &NewJob<'_>, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, dedupe_key, status, run_at, attempts, max_attempts, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(job.kind.to_owned())
    .bind(job.payload.to_owned())
    .bind(job.dedupe_key.map(str::to_owned))
    .bind(job.run_at)
    .bind(job.max_attempts.max(1))
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Enqueues a job inside `tx`, so that it exists exactly when the state change that asks for it commits (mail
/// for a decision, for example); returns false when a job with the same dedupe key exists already.
pub async fn enqueue_tx(tx: &mut Tx, job: &NewJob<'_>, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, dedupe_key, status, run_at, attempts, max_attempts, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(job.kind.to_owned())
    .bind(job.payload.to_owned())
    .bind(job.dedupe_key.map(str::to_owned))
    .bind(job.run_at)
    .bind(job.max_attempts.max(1))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims one due job for `worker` until `now + lease_secs`, or returns None when nothing is due.
pub async fn claim(db: &Db, worker: &str, now: i64, lease_secs: i64) -> Result<Option<Job>> {
    // Jobs whose lease ran out after their last allowed attempt are given up first.
    sqlx::query(
        "UPDATE jobs SET status = 'failed', finished_at = $1, lease_owner = NULL, \
         last_error = COALESCE(last_error, 'lease expired') \
         WHERE status = 'running' AND lease_until < $1 AND attempts >= max_attempts",
    )
    .bind(now)
    .execute(db.pool())
    .await?;
    let candidates = sqlx::query(
        "SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1) \
         OR (status = 'running' AND lease_until < $1 AND attempts < max_attempts) ORDER BY run_at LIMIT 8",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    for row in candidates {
        let id: String = row.try_get("id")?;
        let won = sqlx::query(
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = $3 AND ((status = 'queued' AND run_at <= $4) \
             OR (status = 'running' AND lease_until < $4 AND attempts < max_attempts))",
        )
        .bind(worker.to_owned())
        .bind(now + lease_secs)
        .bind(id.clone())
        .bind(now)
        .execute(db.pool())
        .await?;
        if won.rows_affected() == 1 {
            let row = sqlx::query("SELECT id, kind, payload, attempts, max_attempts FROM jobs WHERE id = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await?;
            return Ok(Some(Job {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                max_attempts: row.try_get("max_attempts")?,
            }));
        }
    }
    Ok(None)
}

/// Marks a job done; ignored when the worker no longer holds the lease.
pub async fn complete(db: &Db, job: &Job, worker: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE id = $2 AND lease_owner = $3 AND status = 'running'",
    )
    .bind(now)
    .bind(job.id.clone())
    .bind(worker.to_owned())
    .execute(db.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Backoff before the next attempt: 30 s, 1 min, 2 min, … capped at 1 hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 8) - 1;
    (30_i64 << exp).min(3600)
}

/// Records a failed attempt: retried later with backoff, or given up after `max_attempts`.
pub async fn fail(db: &Db, job: &Job, worker: &str, now: i64, error: &str) -> Result<()> {
    let (status, run_at, finished) = if job.attempts >= job.max_attempts {
        ("failed", now, Some(now))
    } else {
        ("queued", now + backoff_secs(job.attempts), None)
    };
    sqlx::query(
        "UPDATE jobs SET status = $1, run_at = $2, finished_at = $3, last_error = $4, lease_owner = NULL, \
         lease_until = NULL WHERE id = $5 AND lease_owner = $6",
    )
    .bind(status)
    .bind(run_at)
    .bind(finished)
    .bind(error.chars().take(2000).collect::<String>())
    .bind(job.id.clone())
    .bind(worker.to_owned())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Counts jobs by status (for tests and the operations view).
pub async fn count_by_status(db: &Db, kind: &str, status: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE kind = $1 AND status = $2")
        .bind(kind.to_owned())
        .bind(status.to_owned())
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(50), 3600);
    }
}
