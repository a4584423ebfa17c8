//! `POST /api/v1/auth/token`: e-mail and password (and a TOTP code when enrolled) for a bearer token; the
//! caller's own tokens listed and revoked one by one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use nintei_domain::role::Role;
use serde::Deserialize;

use crate::api::ApiJson;
use crate::api::answers::{IssuedToken, Items};
use crate::auth::{ApiCaller, CurrentToken};
use crate::error::{AppError, WebResult};
use crate::middleware::RequestId;
use nintei_app::caller::Caller;
use nintei_app::login::{self, CodeOutcome, Credentials, LoginOutcome};
use nintei_app::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
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
) -> WebResult<Json<IssuedToken>> {
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
    let caller = Caller {
        user,
        request_id: rid.0,
    };
    let (secret, expires) = nintei_app::tokens::issue(&state, &caller).await?;
    Ok(Json(IssuedToken {
        token: secret,
        expires_at: expires,
    }))
}

/// `GET /api/v1/auth/tokens` (an addition): the caller's own live tokens, without their secrets.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::Extension(current): axum::Extension<CurrentToken>,
) -> WebResult<Json<Items<nintei_app::tokens::TokenInfo>>> {
    let items = nintei_app::tokens::list_own(&state, &caller, Some(&current.0)).await?;
    Ok(Json(Items { items }))
}

/// `DELETE /api/v1/auth/tokens/{id}` (an addition) → 204: revokes one of the caller's own tokens.
pub async fn revoke(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<StatusCode> {
    nintei_app::tokens::revoke_own(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
