//! Requests for an organization account from the public site (self-service onboarding).

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, new_id, sha256_hex};

/// A verification link lives one day.
pub const VERIFY_TTL_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone)]
pub struct AccountRequest {
    pub id: String,
    /// The organization as entered (the shape of the organization form).
    pub organization: Value,
    pub email: String,
    /// `unverified`, `verified`, `approved` or `refused`.
    pub status: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
    pub organization_id: Option<String>,
}

const COLUMNS: &str =
    "id, organization, email, status, created_at, verified_at, decided_at, reason, organization_id";

fn from_row(r: &AnyRow) -> Result<AccountRequest> {
    let organization: String = r.try_get("organization")?;
    Ok(AccountRequest {
        id: r.try_get("id")?,
        organization: serde_json::from_str(&organization)
            .map_err(|e| StoreError::Corrupt(format!("account request: {e}")))?,
        email: r.try_get("email")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        verified_at: r.try_get("verified_at")?,
        decided_at: r.try_get("decided_at")?,
        reason: r.try_get("reason")?,
        organization_id: r.try_get("organization_id")?,
    })
}

/// Stores an unverified request whose link carries `token` (only its hash is kept).
pub async fn insert(
    tx: &mut Tx,
    organization: &Value,
    email: &str,
    address: &str,
    token: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO account_requests (id, organization, email, address, token_hash, status, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, 'unverified', $6, $7)",
    )
    .bind(id.clone())
    .bind(organization.to_string())
    .bind(email.to_owned())
    .bind(address.to_owned())
    .bind(sha256_hex(token.as_bytes()))
    .bind(now)
    .bind(now + VERIFY_TTL_SECS)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Requests from `address` since `since` (the throttle).
pub async fn recent<'c, E: Executor<'c, Database = Any>>(ex: E, address: &str, since: i64) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM account_requests WHERE address = $1 AND created_at > $2")
            .bind(address.to_owned())
            .bind(since)
            .fetch_one(ex)
            .await?
            .try_get("n")?,
    )
}

/// The unverified request whose live link carries `token`.
pub async fn by_token<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    token: &str,
    now: i64,
) -> Result<Option<AccountRequest>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM account_requests WHERE token_hash = $1 AND status = 'unverified' AND expires_at > $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(sha256_hex(token.as_bytes()))
        .bind(now)
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the request verified (once: false when it was not waiting for its link).
pub async fn verify(tx: &mut Tx, id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE account_requests SET status = 'verified', verified_at = $2, token_hash = NULL \
         WHERE id = $1 AND status = 'unverified'",
    )
    .bind(id.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<AccountRequest>> {
    let sql = format!("SELECT {COLUMNS} FROM account_requests WHERE id = $1 AND status <> 'unverified'");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Verified requests first (oldest first), then the 50 latest decided ones; never unverified ones.
pub async fn list<'c, E>(ex: E) -> Result<Vec<AccountRequest>>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let waiting = format!(
        "SELECT {COLUMNS} FROM account_requests WHERE status = 'verified' ORDER BY verified_at, id LIMIT 500"
    );
    let decided = format!(
        "SELECT {COLUMNS} FROM account_requests WHERE status IN ('approved', 'refused') \
         ORDER BY decided_at DESC, id LIMIT 50"
    );
    let mut out = Vec::new();
    for sql in [waiting, decided] {
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ex).await? {
            out.push(from_row(&r)?);
        }
    }
    Ok(out)
}

/// Records the office's decision on a verified request (false when it was decided already).
pub async fn decide(
    tx: &mut Tx,
    id: &str,
    approved: bool,
    by: &str,
    reason: Option<&str>,
    organization_id: Option<&str>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE account_requests SET status = $2, decided_at = $3, decided_by = $4, reason = $5, organization_id = $6 \
         WHERE id = $1 AND status = 'verified'",
    )
    .bind(id.to_owned())
    .bind(if approved { "approved" } else { "refused" })
    .bind(now)
    .bind(by.to_owned())
    .bind(reason.map(str::to_owned))
    .bind(organization_id.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}
