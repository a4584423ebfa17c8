//! Screen sessions: started on sign-in (the previous one ended, so a session id never survives a change of
//! privilege), ended on sign-out or after too many wrong second-factor codes — each one audited transaction.

use nintei_store::{StoreError, audit, sessions};
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::error::AppResult;
use crate::security::random_token;
use crate::state::AppState;

/// Where a session comes from, kept with it.
pub struct Origin<'a> {
    pub address: &'a str,
    pub user_agent: &'a str,
}

/// The live session behind a browser's `secret` with its user, its last use moved to now (one statement);
/// None when there is none or it has expired. Whether the user is still active is the caller's check.
pub async fn by_secret(
    state: &AppState,
    secret: &str,
) -> AppResult<Option<(sessions::Session, nintei_store::users::User)>> {
    Ok(sessions::touch_with_user(&state.db, secret, state.clock.unix()).await?)
}

/// The user behind an API bearer `token` and the token's id; None when the token is unknown or expired.
pub async fn by_token(
    state: &AppState,
    token: &str,
) -> AppResult<Option<(nintei_store::users::User, String)>> {
    let Some((user_id, token_id)) =
        nintei_store::tokens::lookup(&state.db, token, state.clock.unix()).await?
    else {
        return Ok(None);
    };
    Ok(nintei_store::users::by_id(state.db.pool(), &user_id)
        .await?
        .map(|u| (u, token_id)))
}

/// Starts a session for `caller` (ending `old`), `mfa_pending` until the second factor; returns its secret.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    old: Option<&str>,
    mfa_pending: bool,
    origin: &Origin<'_>,
    action: &str,
) -> AppResult<String> {
    let now = state.clock.now();
    let secret = random_token(32);
    let csrf = random_token(24);
    let mut tx = state.db.begin_write().await?;
    if let Some(old) = old {
        sessions::delete(&mut tx, old).await?;
    }
    let new = sessions::NewSession {
        secret: &secret,
        user_id: &caller.user.id,
        csrf_token: &csrf,
        mfa_pending,
        address: origin.address,
        user_agent: origin.user_agent,
    };
    sessions::create(&mut tx, &new, now.timestamp()).await?;
    let changes = json!({"mfa_pending": {"before": null, "after": mfa_pending}});
    audit::append(
        &mut tx,
        &caller.audit(now, action, "user", &caller.user.id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(secret)
}

/// Ends the session `id_hash` of `caller`, audited as `action`.
pub async fn end(
    state: &AppState,
    caller: &Caller,
    id_hash: &str,
    action: &str,
    changes: Value,
) -> AppResult<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    sessions::delete(&mut tx, id_hash).await?;
    audit::append(
        &mut tx,
        &caller.audit(now, action, "user", &caller.user.id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
