//! Password and second-factor checks shared by the browser login and the API token endpoint.
//!
//! Throttled by account and by address in the database; unknown e-mails get the same answers, in the same
//! time (a dummy hash is verified), as known ones. Every attempt is reserved in the database before it is
//! checked (`throttle_reserve`), so that concurrent guesses cannot outrun the limits, and hashing runs under
//! a bound on concurrent hashes (`hashing`).

use nintei_store::throttle_reserve::{self, Kind, Reservation};
use nintei_store::users::normalize_email;
use nintei_store::users::{self, User};

use crate::error::AppResult;
use crate::hashing;
use crate::security;
use crate::state::AppState;

pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub address: &'a str,
    /// A second-factor code sent with the password: it lets an enrolled user past an account lock.
    pub code: Option<&'a str>,
}

pub enum LoginOutcome {
    Ok(User),
    /// The account was locked for passwords alone, and a valid second-factor code came with the right password:
    /// the second factor is done too.
    PassedLock(User),
    /// Refused without checking the password; retry after this many seconds.
    Throttled(i64),
    Rejected,
    /// Too many hashes running: nothing was checked or counted; retry shortly.
    Busy,
}

/// Passwords longer than this are not hashed at all (the policy allows 128 characters).
const MAX_PASSWORD_BYTES: usize = 1024;

enum Verified {
    Ok(User),
    Rejected,
    Busy,
}

/// Checks the password of a reserved attempt and settles the reservation.
async fn verify_reserved(
    state: &AppState,
    account: &str,
    password: &str,
    reservation: &str,
) -> AppResult<Verified> {
    let user = if account.len() <= 254 {
        users::by_email(state.db.pool(), account).await?
    } else {
        None
    };
    let verified = if password.len() > MAX_PASSWORD_BYTES {
        Some(false)
    } else {
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| security::dummy_hash().into());
        let pw = password.to_owned();
        hashing::run(move || security::verify_password(&pw, &hash)).await
    };
    let Some(verified) = verified else {
        throttle_reserve::release(&state.db, reservation).await?;
        return Ok(Verified::Busy);
    };
    let ok = verified && user.as_ref().is_some_and(|u| u.active);
    throttle_reserve::settle(&state.db, reservation, ok).await?;
    Ok(match (ok, user) {
        (true, Some(u)) => Verified::Ok(u),
        _ => Verified::Rejected,
    })
}

pub async fn check_password(state: &AppState, creds: &Credentials<'_>) -> AppResult<LoginOutcome> {
    let account = normalize_email(creds.email);
    let now = state.clock.unix();
    let policy = &state.config.throttle;
    let reservation = throttle_reserve::reserve(
        &state.db,
        policy,
        Kind::Password,
        Some(&account),
        creds.address,
        false,
        now,
    )
    .await?;
    match reservation {
        Reservation::Granted(id) => Ok(
            match verify_reserved(state, &account, creds.password, &id).await? {
                Verified::Ok(u) => LoginOutcome::Ok(u),
                Verified::Rejected => LoginOutcome::Rejected,
                Verified::Busy => LoginOutcome::Busy,
            },
        ),
        Reservation::Refused {
            retry_after,
            account_locked: true,
        } if creds.code.is_some_and(|c| !c.trim().is_empty()) => {
            past_lock(state, creds, &account, retry_after, now).await
        }
        Reservation::Refused { retry_after, .. } => Ok(LoginOutcome::Throttled(retry_after)),
    }
}

/// An account locked by failed passwords still lets its owner in with the right password and a valid second
/// factor, so that anyone's wrong guesses do not lock the owner out. The code is checked first and counted
/// against the address only (nobody can spend the owner's way past the lock); the password is checked only
/// after a valid code. Every refusal here answers exactly as the lock does.
async fn past_lock(
    state: &AppState,
    creds: &Credentials<'_>,
    account: &str,
    retry_after: i64,
    now: i64,
) -> AppResult<LoginOutcome> {
    let locked = Ok(LoginOutcome::Throttled(retry_after));
    let policy = &state.config.throttle;
    let code = creds.code.unwrap_or("");
    let Reservation::Granted(code_res) = throttle_reserve::reserve(
        &state.db,
        policy,
        Kind::SecondFactor,
        None,
        creds.address,
        false,
        now,
    )
    .await?
    else {
        return locked;
    };
    let user = users::by_email(state.db.pool(), account)
        .await?
        .filter(|u| u.active && u.totp_enabled);
    let step = user
        .as_ref()
        .and_then(|u| u.totp_secret.as_deref())
        .and_then(|s| security::totp_verify(s, code, now));
    let Some(step) = step else {
        throttle_reserve::settle(&state.db, &code_res, false).await?;
        return locked;
    };
    let Reservation::Granted(pw_res) = throttle_reserve::reserve(
        &state.db,
        policy,
        Kind::Password,
        Some(account),
        creds.address,
        true,
        now,
    )
    .await?
    else {
        throttle_reserve::release(&state.db, &code_res).await?;
        return locked;
    };
    match verify_reserved(state, account, creds.password, &pw_res).await? {
        Verified::Ok(u) => {
            let mut tx = state.db.begin_write().await?;
            let fresh = users::advance_totp_step(&mut tx, &u.id, step).await?;
            tx.commit().await.map_err(nintei_store::StoreError::from)?;
            throttle_reserve::settle(&state.db, &code_res, fresh).await?;
            if fresh {
                Ok(LoginOutcome::PassedLock(u))
            } else {
                locked
            }
        }
        Verified::Rejected => {
            throttle_reserve::settle(&state.db, &code_res, true).await?;
            locked
        }
        Verified::Busy => {
            throttle_reserve::release(&state.db, &code_res).await?;
            Ok(LoginOutcome::Busy)
        }
    }
}

/// The answer to a second-factor code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    Ok,
    Wrong,
    /// Refused without checking: too many wrong codes for the account or from the address.
    Throttled(i64),
}

/// Counts a wrong second-step code against the half-signed-in session `session_id_hash`; true when the session
/// has had too many and must end, so that the password is asked (and throttled) again and codes cannot be tried
/// on one password indefinitely.
pub async fn wrong_code_in_session(state: &AppState, session_id_hash: &str) -> AppResult<bool> {
    let now = state.clock.unix();
    let failures = throttle_reserve::session_failure(&state.db, session_id_hash, now).await?;
    Ok(failures >= state.config.throttle.max_session_code_failures)
}

/// Checks a TOTP code, refusing a replayed one. Codes are throttled as passwords are (per account and per
/// address, reserved before the check): a wrong code counts as a failed attempt.
pub async fn check_totp(state: &AppState, user: &User, code: &str, address: &str) -> AppResult<CodeOutcome> {
    let now = state.clock.unix();
    let reservation = throttle_reserve::reserve(
        &state.db,
        &state.config.throttle,
        Kind::SecondFactor,
        Some(&user.id),
        address,
        false,
        now,
    )
    .await?;
    let id = match reservation {
        Reservation::Granted(id) => id,
        Reservation::Refused { retry_after, .. } => return Ok(CodeOutcome::Throttled(retry_after)),
    };
    let step = user
        .totp_secret
        .as_deref()
        .and_then(|secret| security::totp_verify(secret, code, now));
    let fresh = match step {
        Some(step) => {
            let mut tx = state.db.begin_write().await?;
            let fresh = users::advance_totp_step(&mut tx, &user.id, step).await?;
            tx.commit().await.map_err(nintei_store::StoreError::from)?;
            fresh
        }
        None => false,
    };
    throttle_reserve::settle(&state.db, &id, fresh).await?;
    Ok(if fresh {
        CodeOutcome::Ok
    } else {
        CodeOutcome::Wrong
    })
}
