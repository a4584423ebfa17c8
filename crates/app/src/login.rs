//! Password and second-factor checks shared by the browser login and the API token endpoint.
//!
//! Throttled by account and by address in the database; unknown e-mails get the same answers, in the same
//! time (a dummy hash is verified), as known ones.

use nintei_store::users::{self, User};
use nintei_store::{throttle, users::normalize_email};

use crate::error::AppResult;
use crate::security;
use crate::state::AppState;

pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub address: &'a str,
}

pub enum LoginOutcome {
    Ok(User),
    /// Refused without checking the password; retry after this many seconds.
    Throttled(i64),
    Rejected,
}

/// Passwords longer than this are not hashed at all (the policy allows 128 characters).
const MAX_PASSWORD_BYTES: usize = 1024;

pub async fn check_password(state: &AppState, creds: &Credentials<'_>) -> AppResult<LoginOutcome> {
    let account = normalize_email(creds.email);
    let now = state.clock.unix();
    if let Some(wait) =
        throttle::check(&state.db, &state.config.throttle, &account, creds.address, now).await?
    {
        return Ok(LoginOutcome::Throttled(wait));
    }
    let user = if account.len() <= 254 {
        users::by_email(state.db.pool(), &account).await?
    } else {
        None
    };
    let password = creds.password;
    let ok = if password.len() > MAX_PASSWORD_BYTES {
        false
    } else {
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| security::dummy_hash().into());
        let pw = password.to_owned();
        // argon2 is CPU-bound: keep it off the async workers.
        let verified = tokio::task::spawn_blocking(move || security::verify_password(&pw, &hash))
            .await
            .unwrap_or(false);
        verified && user.as_ref().is_some_and(|u| u.active)
    };
    throttle::record(&state.db, &account, creds.address, ok, now).await?;
    match (ok, user) {
        (true, Some(u)) => Ok(LoginOutcome::Ok(u)),
        _ => Ok(LoginOutcome::Rejected),
    }
}

/// Checks a TOTP code, refusing a replayed one; a wrong code counts as a failed attempt.
pub async fn check_totp(state: &AppState, user: &User, code: &str, address: &str) -> AppResult<bool> {
    let now = state.clock.unix();
    let Some(secret) = user.totp_secret.as_deref() else {
        return Ok(false);
    };
    let step = security::totp_verify(secret, code, now);
    let fresh = match step {
        Some(step) => {
            let mut tx = state.db.begin_write().await?;
            let fresh = users::advance_totp_step(&mut tx, &user.id, step).await?;
            tx.commit().await.map_err(nintei_store::StoreError::from)?;
            fresh
        }
        None => false,
    };
    if !fresh {
        throttle::record(&state.db, &user.email, address, false, now).await?;
    }
    Ok(fresh)
}
