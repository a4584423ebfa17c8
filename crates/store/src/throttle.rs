//! Login throttling stored in the database, shared by every instance.
//!
//! Keys are the normalized e-mail (whether or not an account has it, so the answer never tells) and the
//! client address. Every password check is recorded, which also caps checks per account per hour.

use sqlx::Row;

use crate::{Db, Result, new_id};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub max_account_failures: i64,
    pub max_address_failures: i64,
    /// At most this many password checks per account per hour, successful ones included.
    pub max_account_checks_per_hour: i64,
    /// Past `max_address_failures`, an address waits 1, 2, 4 … seconds between attempts, at most this long
    /// (slowed down, never locked out: many users may share one address).
    pub max_address_delay_secs: i64,
    /// Wrong second-factor codes per account in the window before codes are refused (as passwords are).
    pub max_totp_failures: i64,
    /// Wrong codes that end a half-signed-in session: the password must be given again.
    pub max_session_code_failures: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window_secs: 15 * 60,
            max_account_failures: 5,
            max_address_failures: 20,
            max_account_checks_per_hour: 100,
            max_address_delay_secs: 60,
            max_totp_failures: 5,
            max_session_code_failures: 3,
        }
    }
}

async fn count(db: &Db, scope: &str, key: &str, outcome: Option<&str>, since: i64) -> Result<i64> {
    let row = match outcome {
        Some(o) => sqlx::query(
            "SELECT COUNT(*) AS n FROM auth_events WHERE scope = $1 AND key = $2 AND outcome = $3 AND at > $4",
        )
        .bind(scope.to_owned())
        .bind(key.to_owned())
        .bind(o.to_owned())
        .bind(since)
        .fetch_one(db.pool())
        .await?,
        None => sqlx::query("SELECT COUNT(*) AS n FROM auth_events WHERE scope = $1 AND key = $2 AND at > $3")
            .bind(scope.to_owned())
            .bind(key.to_owned())
            .bind(since)
            .fetch_one(db.pool())
            .await?,
    };
    Ok(row.try_get("n")?)
}

/// Seconds to wait when a login for `account` from `address` must be refused now, or None when it may proceed.
pub async fn check(
    db: &Db,
    policy: &ThrottlePolicy,
    account: &str,
    address: &str,
    now: i64,
) -> Result<Option<i64>> {
    let since = now - policy.window_secs;
    if count(db, "account", account, Some("fail"), since).await? >= policy.max_account_failures
        || count(db, "address", address, Some("fail"), since).await? >= policy.max_address_failures
    {
        return Ok(Some(policy.window_secs));
    }
    if count(db, "account", account, None, now - 3600).await? >= policy.max_account_checks_per_hour {
        return Ok(Some(3600));
    }
    Ok(None)
}

/// Records one password check for the account and the address.
pub async fn record(db: &Db, account: &str, address: &str, success: bool, now: i64) -> Result<()> {
    let outcome = if success { "ok" } else { "fail" };
    for (scope, key) in [("account", account), ("address", address)] {
        sqlx::query("INSERT INTO auth_events (id, scope, key, outcome, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(scope)
            .bind(key.to_owned())
            .bind(outcome)
            .bind(now)
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// Forgets events older than a day (the `session_cleanup` job).
pub async fn delete_old(db: &Db, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM auth_events WHERE at < $1")
        .bind(now - 86_400)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
