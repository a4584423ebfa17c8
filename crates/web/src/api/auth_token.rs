//! `POST /api/v1/auth/token`: e-mail and password (and a TOTP code when enrolled) for a bearer token.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, SecondsFormat};
use nintei_domain::role::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::ApiJson;
use crate::error::{AppError, WebResult};
use crate::middleware::RequestId;
use nintei_app::caller::Caller;
use nintei_app::login::{self, CodeOutcome, Credentials, LoginOutcome};
use nintei_app::security::random_token;
use nintei_app::state::AppState;

#[derive(Deserialize)]
pub struct TokenRequest {
    email: String,
    password: String,
    /// The current TOTP code; required when the account has a second factor enrolled.
    totp: Option<String>,
}

pub async fn issue(
    State(state): State<AppState>,
    crate::auth::ClientAddr(address): crate::auth::ClientAddr,
    axum::Extension(rid): axum::Extension<RequestId>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> WebResult<Json<Value>> {
    let creds = Credentials {
        email: &req.email,
        password: &req.password,
        address: &address,
        code: req.totp.as_deref(),
    };
    let user = match login::check_password(&state, &creds).await? {
        LoginOutcome::Ok(user) => {
            if user.totp_enabled {
                let code = req.totp.as_deref().unwrap_or("");
                match login::check_totp(&state, &user, code, &address).await? {
                    CodeOutcome::Ok => {}
                    CodeOutcome::Wrong => return Err(AppError::Unauthorized.into()),
                    CodeOutcome::Throttled(retry_after) => {
                        return Err(AppError::TooManyRequests { retry_after }.into());
                    }
                }
            } else if user.role == Role::Admin {
                // An administrator's token needs a second factor: enrolled (in the browser, at first sign-in)
                // and given. Same answer as a wrong password.
                return Err(AppError::Unauthorized.into());
            }
            user
        }
        LoginOutcome::PassedLock(user) => user,
        LoginOutcome::Throttled(retry_after) => return Err(AppError::TooManyRequests { retry_after }.into()),
        LoginOutcome::Busy => {
            return Err(AppError::TooManyRequests {
                retry_after: nintei_app::hashing::BUSY_RETRY_AFTER,
            }
            .into());
        }
        LoginOutcome::Rejected => return Err(AppError::Unauthorized.into()),
    };
    let now = state.clock.now();
    let secret = random_token(32);
    let caller = Caller {
        user,
        request_id: rid.0,
    };
    let mut tx = state.db.begin_write().await?;
    let (token_id, expires_at) =
        nintei_store::tokens::create(&mut tx, &secret, &caller.user.id, now.timestamp()).await?;
    let event = caller.audit(
        now,
        "auth.token.issue",
        "user",
        &caller.user.id,
        json!({"token_id": token_id}),
    );
    nintei_store::audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    let expires = DateTime::from_timestamp(expires_at, 0)
        .map(|t| {
            t.with_timezone(&nintei_app::clock::jst())
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default();
    Ok(Json(json!({ "token": secret, "expires_at": expires })))
}
