//! Reserving a sign-in attempt before it is checked, atomically in the database (so that it holds across
//! instances): the budget is read and the attempt recorded in one write transaction, serialized per key, and the
//! attempt counts as a failure until it is settled. So concurrent guesses cannot outrun the limits: at most the
//! limit is ever checked, the rest are refused without hashing.
//!
//! The rules (see `docs/decisions.md`, "Sign-in throttling"):
//! - an account is locked for the window after `max_account_failures` failed (or unsettled) attempts — for the
//!   password alone; the caller may skip that lock only after proving a valid second factor;
//! - at most `max_account_checks_per_hour` checks per account per hour, whatever the outcome;
//! - an address is never locked out: past `max_address_failures` failures in the window each further attempt
//!   from it must wait a delay that doubles with every failure, capped at `max_address_delay_secs`.

use sqlx::Row;

use crate::throttle::ThrottlePolicy;
use crate::{Backend, Db, Result, new_id};

/// Which attempts a reservation is about: passwords or second-factor codes, each with its own scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Password,
    SecondFactor,
}

impl Kind {
    fn scopes(self) -> (&'static str, &'static str) {
        match self {
            Kind::Password => ("account", "address"),
            Kind::SecondFactor => ("totp_account", "totp_address"),
        }
    }

    fn lock_key(self) -> i64 {
        match self {
            Kind::Password => 0x6e69_6e74_0001,
            Kind::SecondFactor => 0x6e69_6e74_0002,
        }
    }
}

/// What [`reserve`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may be checked; settle it with this id.
    Granted(String),
    /// Refused without a check; retry after this many seconds. `account_locked` tells that the account's
    /// failure limit (not the address, not the hourly cap) refused it.
    Refused { retry_after: i64, account_locked: bool },
}

async fn count(tx: &mut crate::Tx, scope: &str, key: &str, outcome: Option<&str>, since: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auth_events WHERE scope = $1 AND key = $2 \
         AND ($3 = '' OR outcome = $3) AND at > $4",
    )
    .bind(scope.to_owned())
    .bind(key.to_owned())
    .bind(outcome.unwrap_or("").to_owned())
    .bind(since)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("n")?)
}

async fn last_at(tx: &mut crate::Tx, scope: &str, key: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT MAX(at) AS m FROM auth_events WHERE scope = $1 AND key = $2")
        .bind(scope.to_owned())
        .bind(key.to_owned())
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<Option<i64>, _>("m")?)
}

/// The delay an address must wait after `failures` failures in the window: none up to the limit, then 1, 2,
/// 4 … seconds, at most `cap`.
pub fn address_delay(policy: &ThrottlePolicy, failures: i64) -> i64 {
    let over = failures.saturating_sub(policy.max_address_failures);
    if over < 0 {
        return 0;
    }
    let exp = u32::try_from(over.min(30)).unwrap_or(30);
    (1_i64 << exp).min(policy.max_address_delay_secs.max(1))
}

/// Reserves one attempt for `account` (None: the address alone is counted, e.g. a code checked before any
/// password) from `address`. With `skip_account_lock` the account's failure limit is not applied (the caller
/// has already proved a second factor); the hourly cap still is.
pub async fn reserve(
    db: &Db,
    policy: &ThrottlePolicy,
    kind: Kind,
    account: Option<&str>,
    address: &str,
    skip_account_lock: bool,
    now: i64,
) -> Result<Reservation> {
    let (account_scope, address_scope) = kind.scopes();
    let account_limit = match kind {
        Kind::Password => policy.max_account_failures,
        Kind::SecondFactor => policy.max_totp_failures,
    };
    let since = now - policy.window_secs;
    let mut tx = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        // SQLite's write transaction (BEGIN IMMEDIATE) already runs alone; on PostgreSQL the read-then-insert
        // below is made atomic by a transaction-scoped advisory lock.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(kind.lock_key())
            .execute(&mut *tx)
            .await?;
    }
    if let Some(account) = account {
        if !skip_account_lock
            && count(&mut tx, account_scope, account, Some("fail"), since).await? >= account_limit
        {
            return Ok(Reservation::Refused {
                retry_after: policy.window_secs,
                account_locked: true,
            });
        }
        if kind == Kind::Password
            && count(&mut tx, account_scope, account, None, now - 3600).await?
                >= policy.max_account_checks_per_hour
        {
            return Ok(Reservation::Refused {
                retry_after: 3600,
                account_locked: false,
            });
        }
    }
    let failures = count(&mut tx, address_scope, address, Some("fail"), since).await?;
    let delay = address_delay(policy, failures);
    if delay > 0 {
        let waited = now - last_at(&mut tx, address_scope, address).await?.unwrap_or(0);
        if waited < delay {
            return Ok(Reservation::Refused {
                retry_after: (delay - waited).max(1),
                account_locked: false,
            });
        }
    }
    let id = new_id();
    let mut rows = vec![(format!("{id}:d"), address_scope, address)];
    if let Some(account) = account {
        rows.push((format!("{id}:a"), account_scope, account));
    }
    for (row_id, scope, key) in rows {
        // Recorded as a failure until settled: an attempt whose check never ends still counts.
        sqlx::query("INSERT INTO auth_events (id, scope, key, outcome, at) VALUES ($1, $2, $3, 'fail', $4)")
            .bind(row_id)
            .bind(scope)
            .bind(key.to_owned())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Reservation::Granted(id))
}

/// Records the outcome of a granted attempt.
pub async fn settle(db: &Db, reservation: &str, success: bool) -> Result<()> {
    let outcome = if success { "ok" } else { "fail" };
    sqlx::query("UPDATE auth_events SET outcome = $1 WHERE id = $2 OR id = $3")
        .bind(outcome)
        .bind(format!("{reservation}:a"))
        .bind(format!("{reservation}:d"))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Gives a granted attempt back when it could not be checked at all (the server was too busy to hash).
pub async fn release(db: &Db, reservation: &str) -> Result<()> {
    sqlx::query("DELETE FROM auth_events WHERE id = $1 OR id = $2")
        .bind(format!("{reservation}:a"))
        .bind(format!("{reservation}:d"))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records one failed code in a half-signed-in session and returns how many it has had.
pub async fn session_failure(db: &Db, session_hash: &str, now: i64) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO auth_events (id, scope, key, outcome, at) VALUES ($1, 'totp_session', $2, 'fail', $3)",
    )
    .bind(new_id())
    .bind(session_hash.to_owned())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let n = count(&mut tx, "totp_session", session_hash, Some("fail"), 0).await?;
    tx.commit().await?;
    Ok(n)
}
