//! Browser sessions, stored in the database so that several instances share them.
//!
//! The cookie carries a random secret; only its SHA-256 is stored. 30 minutes idle, 12 hours absolute.

use sqlx::Row;

use crate::users::User;
use crate::{Db, Result, Tx, flag, sha256_hex};

pub const IDLE_SECS: i64 = 30 * 60;
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;

#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    /// Password accepted, second factor still to give.
    pub mfa_pending: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// What a new session starts with.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// The cookie value; only its hash is stored.
    pub secret: &'a str,
    pub user_id: &'a str,
    pub csrf_token: &'a str,
    pub mfa_pending: bool,
    pub address: &'a str,
    pub user_agent: &'a str,
}

/// Creates a session for `new.secret` (the cookie value).
pub async fn create(tx: &mut Tx, new: &NewSession<'_>, now: i64) -> Result<Session> {
    let NewSession {
        secret,
        user_id,
        csrf_token,
        mfa_pending,
        address,
        user_agent,
    } = *new;
    let id_hash = sha256_hex(secret.as_bytes());
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, expires_at, \
         address, user_agent) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
    )
    .bind(id_hash.clone())
    .bind(user_id.to_owned())
    .bind(csrf_token.to_owned())
    .bind(flag(mfa_pending))
    .bind(now)
    .bind(now + ABSOLUTE_SECS)
    .bind(address.chars().take(100).collect::<String>())
    .bind(user_agent.chars().take(300).collect::<String>())
    .execute(&mut **tx)
    .await?;
    Ok(Session {
        id_hash,
        user_id: user_id.to_owned(),
        csrf_token: csrf_token.to_owned(),
        mfa_pending,
        created_at: now,
        last_seen_at: now,
        expires_at: now + ABSOLUTE_SECS,
    })
}

/// Looks up a live session by its cookie secret and refreshes its idle timer; expired ones are deleted.
pub async fn touch(db: &Db, secret: &str, now: i64) -> Result<Option<Session>> {
    let id_hash = sha256_hex(secret.as_bytes());
    let row = sqlx::query(
        "SELECT id_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, expires_at \
         FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash.clone())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    keep_alive(db, session_from_row(&row)?, now).await
}

/// [`touch`] and the session's user in one statement (every signed-in page starts with both).
pub async fn touch_with_user(db: &Db, secret: &str, now: i64) -> Result<Option<(Session, User)>> {
    let id_hash = sha256_hex(secret.as_bytes());
    let user_columns: Vec<String> = crate::users::COLUMNS
        .split(',')
        .map(|c| format!("u.{}", c.trim()))
        .collect();
    let sql = format!(
        "SELECT s.id_hash, s.user_id, s.csrf_token, s.mfa_pending, s.created_at, s.last_seen_at, s.expires_at, {} \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        user_columns.join(", ")
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_hash)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let user = crate::users::from_row(&row)?;
    Ok(keep_alive(db, session_from_row(&row)?, now)
        .await?
        .map(|s| (s, user)))
}

fn session_from_row(row: &sqlx::any::AnyRow) -> Result<Session> {
    Ok(Session {
        id_hash: row.try_get("id_hash")?,
        user_id: row.try_get("user_id")?,
        csrf_token: row.try_get("csrf_token")?,
        mfa_pending: row.try_get::<i64, _>("mfa_pending")? != 0,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// Deletes an expired session (None) or refreshes its idle timer, at most once a minute (saves a write on
/// every request).
async fn keep_alive(db: &Db, session: Session, now: i64) -> Result<Option<Session>> {
    if now >= session.expires_at || now - session.last_seen_at >= IDLE_SECS {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(session.id_hash.clone())
            .execute(db.pool())
            .await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(session.id_hash.clone())
            .execute(db.pool())
            .await?;
    }
    Ok(Some(session))
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, deactivation), except `keep` if given.
pub async fn delete_for_user(tx: &mut Tx, user_id: &str, keep: Option<&str>) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id.to_owned())
        .bind(keep.unwrap_or("").to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

/// Removes sessions past their idle or absolute limit (the `session_cleanup` job).
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - IDLE_SECS)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

pub async fn count_for_user(db: &Db, user_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1")
        .bind(user_id.to_owned())
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}
