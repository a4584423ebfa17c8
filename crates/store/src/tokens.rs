//! API bearer tokens: stored as SHA-256 hashes, expiring, revocable.

use sqlx::Row;

use crate::{Db, Result, Tx, new_id, sha256_hex};

/// API tokens live 12 hours, like a browser session's absolute limit.
pub const TOKEN_TTL_SECS: i64 = 12 * 60 * 60;

pub async fn create(tx: &mut Tx, secret: &str, user_id: &str, now: i64) -> Result<(String, i64)> {
    let id = new_id();
    let expires_at = now + TOKEN_TTL_SECS;
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.clone())
    .bind(sha256_hex(secret.as_bytes()))
    .bind(user_id.to_owned())
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok((id, expires_at))
}

/// The user id and token id behind a live token.
pub async fn lookup(db: &Db, secret: &str, now: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("user_id")?, r.try_get("id")?))),
        None => Ok(None),
    }
}

/// A live token of a user, without its secret (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The user's live tokens (not revoked, not expired), newest first.
pub async fn live_for_user(db: &Db, user_id: &str, now: i64) -> Result<Vec<TokenRow>> {
    let rows = sqlx::query(
        "SELECT id, created_at, expires_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL \
         AND expires_at > $2 ORDER BY created_at DESC, id",
    )
    .bind(user_id.to_owned())
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenRow {
                id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect()
}

/// Revokes one live token of `user_id`; false when there is none by that id (another user's included).
pub async fn revoke_own(tx: &mut Tx, user_id: &str, token_id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL \
         AND expires_at > $1",
    )
    .bind(now)
    .bind(token_id.to_owned())
    .bind(user_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn revoke(tx: &mut Tx, token_id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(token_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn revoke_for_user(tx: &mut Tx, user_id: &str, now: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

pub async fn delete_expired(db: &Db, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM api_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
