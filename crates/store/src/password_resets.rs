//! Password recovery requests: every request is kept an hour for the rate limits; a request for a known account
//! carries a one-time token (stored hashed) valid for one hour.

use sqlx::Row;

use crate::{Db, Result, Tx, new_id, sha256_hex};

/// A reset link is valid this long.
pub const TOKEN_TTL_SECS: i64 = 60 * 60;
/// An invitation (an account made by an administrator sets its own first password) lives seven days.
pub const INVITATION_TTL_SECS: i64 = 7 * 24 * 60 * 60;

/// One request to record: `token` and `user_id` only for a known, active account.
pub struct NewRequest<'a> {
    pub email: &'a str,
    pub address: &'a str,
    pub user_id: Option<&'a str>,
    pub token: Option<&'a str>,
    /// How long the link lives: a reset one hour, an invitation to set the first password seven days.
    pub ttl_secs: i64,
}

pub async fn insert(tx: &mut Tx, r: &NewRequest<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO password_resets (id, email, address, user_id, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(r.email.to_owned())
    .bind(r.address.to_owned())
    .bind(r.user_id.map(str::to_owned))
    .bind(r.token.map(|t| sha256_hex(t.as_bytes())))
    .bind(now)
    .bind(now + r.ttl_secs)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Requests since `since` for this e-mail address and from this client address.
pub async fn recent(db: &Db, email: &str, address: &str, since: i64) -> Result<(i64, i64)> {
    let by_email =
        sqlx::query("SELECT COUNT(*) AS n FROM password_resets WHERE email = $1 AND created_at > $2")
            .bind(email.to_owned())
            .bind(since)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
    let by_address =
        sqlx::query("SELECT COUNT(*) AS n FROM password_resets WHERE address = $1 AND created_at > $2")
            .bind(address.to_owned())
            .bind(since)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
    Ok((by_email, by_address))
}

/// The account behind a live (unused, unexpired) token.
pub async fn lookup(db: &Db, token: &str, now: i64) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT user_id FROM password_resets \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND user_id IS NOT NULL",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("user_id")?),
        None => None,
    })
}

/// Marks a live token used, inside the transaction that sets the new password; false when it was used or expired
/// meanwhile (of two concurrent uses exactly one wins).
pub async fn use_token(tx: &mut Tx, token: &str, user_id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(sha256_hex(token.as_bytes()))
    .bind(user_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Every other live token of the account ends with a reset (an older mail must not work after a newer one).
pub async fn end_others(tx: &mut Tx, user_id: &str, now: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

/// Forgets requests older than a day (the hourly clean-up).
pub async fn delete_old(db: &Db, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM password_resets WHERE created_at < $1")
        .bind(now - 86_400)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
