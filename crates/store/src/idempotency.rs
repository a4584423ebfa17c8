//! `Idempotency-Key` support (API.md "Conventions"): a retry with the same key gets the first answer.

use sqlx::Row;

use crate::{Db, Result, Tx};

#[derive(Debug, Clone)]
pub struct Stored {
    /// Method and path of the first request; a key reused for another request is refused.
    pub request: String,
    pub status: i64,
    pub body: String,
}

pub async fn get(db: &Db, owner: &str, key: &str) -> Result<Option<Stored>> {
    let row = sqlx::query("SELECT request, status, body FROM idempotency_keys WHERE owner = $1 AND key = $2")
        .bind(owner.to_owned())
        .bind(key.to_owned())
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(r) => Ok(Some(Stored {
            request: r.try_get("request")?,
            status: r.try_get("status")?,
            body: r.try_get("body")?,
        })),
        None => Ok(None),
    }
}

/// Claims a key (a placeholder row with status 0); a second claim of the same key fails as a duplicate.
pub async fn put(tx: &mut Tx, owner: &str, key: &str, stored: &Stored, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (owner, key, request, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(owner.to_owned())
    .bind(key.to_owned())
    .bind(stored.request.clone())
    .bind(stored.status)
    .bind(stored.body.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keys are kept for a day.
pub async fn delete_old(db: &Db, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - 86_400)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Records the answer for a claimed key.
pub async fn finish(db: &Db, owner: &str, key: &str, status: i64, body: &str) -> Result<()> {
    sqlx::query("UPDATE idempotency_keys SET status = $1, body = $2 WHERE owner = $3 AND key = $4")
        .bind(status)
        .bind(body.to_owned())
        .bind(owner.to_owned())
        .bind(key.to_owned())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Frees a claimed key whose request failed on the server side, so that a retry runs again.
pub async fn release(db: &Db, owner: &str, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND status = 0")
        .bind(owner.to_owned())
        .bind(key.to_owned())
        .execute(db.pool())
        .await?;
    Ok(())
}
