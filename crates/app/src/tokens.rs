//! API bearer tokens after sign-in: issuing one, and each user's list of their own live tokens, any of which
//! they may revoke (a lost laptop's script ends without ending the others).

use chrono::{DateTime, SecondsFormat};
use nintei_store::{StoreError, audit, tokens};
use serde::Serialize;
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::security::random_token;
use crate::state::AppState;

/// A live token as its owner sees it: never the secret, which is shown once at issue and stored only hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    /// The token this request was made with.
    pub current: bool,
}

fn jst(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&crate::clock::jst())
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default()
}

/// A new token for a caller whose credentials were checked: `(secret, expires_at)`, audited.
pub async fn issue(state: &AppState, caller: &Caller) -> AppResult<(String, String)> {
    let now = state.clock.now();
    let secret = random_token(32);
    let mut tx = state.db.begin_write().await?;
    let (token_id, expires_at) = tokens::create(&mut tx, &secret, &caller.user.id, now.timestamp()).await?;
    let event = caller.audit(
        now,
        "auth.token.issue",
        "user",
        &caller.user.id,
        json!({"token_id": token_id}),
    );
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((secret, jst(expires_at)))
}

/// `GET /api/v1/auth/tokens`: the caller's own live tokens, newest first.
pub async fn list_own(state: &AppState, caller: &Caller, current: Option<&str>) -> AppResult<Vec<TokenInfo>> {
    let rows = tokens::live_for_user(&state.db, &caller.user.id, state.clock.unix()).await?;
    Ok(rows
        .into_iter()
        .map(|t| TokenInfo {
            current: current == Some(t.id.as_str()),
            created_at: jst(t.created_at),
            expires_at: jst(t.expires_at),
            id: t.id,
        })
        .collect())
}

/// `DELETE /api/v1/auth/tokens/{id}`: revokes one of the caller's own live tokens (the current one included);
/// another user's token, or one already ended, is 404 alike.
pub async fn revoke_own(state: &AppState, caller: &Caller, token_id: &str) -> AppResult<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !tokens::revoke_own(&mut tx, &caller.user.id, token_id, now.timestamp()).await? {
        return Err(AppError::NotFound);
    }
    let event = caller.audit(
        now,
        "auth.token.revoke",
        "user",
        &caller.user.id,
        json!({"token_id": token_id}),
    );
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
