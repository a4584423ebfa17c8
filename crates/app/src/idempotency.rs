//! Safe retries of the API's changes: a client's `Idempotency-Key` is claimed per caller before the change runs
//! and answered with the stored answer afterwards, so a retried request changes nothing twice. Keys are per
//! caller: an unauthenticated request has no stable owner and is not replayed.

use nintei_store::idempotency;
/// A key's stored request and answer.
pub use nintei_store::idempotency::Stored;

use crate::error::AppResult;
use crate::state::AppState;

/// What a claimed key allows.
#[derive(Debug)]
pub enum Claim {
    /// The key is new: run the request, then [`settle`] it.
    Fresh,
    /// The same request ran before: send its answer again.
    Replay(Stored),
    /// The same key is still being answered by another request.
    InProgress,
    /// The key was used for another request.
    OtherRequest,
}

/// The user who owns the keys of a request with this bearer token; None when the token is unknown.
pub async fn owner(state: &AppState, bearer: &str) -> AppResult<Option<String>> {
    Ok(
        nintei_store::tokens::lookup(&state.db, bearer, state.clock.unix())
            .await?
            .map(|(user_id, _)| user_id),
    )
}

/// Claims `key` of `owner` for the request `fingerprint` (method, path and a hash of the body).
pub async fn claim(state: &AppState, owner: &str, key: &str, fingerprint: &str) -> AppResult<Claim> {
    if let Some(stored) = idempotency::get(&state.db, owner, key).await? {
        return Ok(if stored.request != fingerprint {
            Claim::OtherRequest
        } else if stored.status == 0 {
            Claim::InProgress
        } else {
            Claim::Replay(stored)
        });
    }
    let placeholder = Stored {
        request: fingerprint.to_owned(),
        status: 0,
        body: String::new(),
    };
    let mut tx = state.db.begin_write().await?;
    match idempotency::put(&mut tx, owner, key, &placeholder, state.clock.unix()).await {
        Ok(()) => {
            tx.commit().await.map_err(nintei_store::StoreError::from)?;
            Ok(Claim::Fresh)
        }
        // Another request claimed it between the read and the write.
        Err(e) if e.is_unique_violation() => Ok(Claim::InProgress),
        Err(e) => Err(e.into()),
    }
}

/// Stores the answer of a claimed key; a server error frees the key instead, so that the retry runs again (it
/// is not an answer worth replaying).
pub async fn settle(state: &AppState, owner: &str, key: &str, status: u16, body: &str) -> AppResult<()> {
    if status >= 500 {
        idempotency::release(&state.db, owner, key).await?;
    } else {
        idempotency::finish(&state.db, owner, key, i64::from(status), body).await?;
    }
    Ok(())
}
