//! `POST /api/v1/users` (admin): create an account; `PATCH /api/v1/users/{id}`: change its name, role,
//! organization or whether it is active; `POST /api/v1/users/{id}/password-reset`: mail it a reset link.

use axum::extract::State;
use nintei_domain::authz::{self, GlobalAction};
use serde::Deserialize;

use crate::api::answers::Account;
use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};
use nintei_app::account::{NewAccount, create_account};
use nintei_app::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateUser {
    email: String,
    name: String,
    role: String,
    organization_id: Option<String>,
    /// Absent or empty: the user is mailed an invitation to set their own password.
    #[serde(default)]
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(req): ApiJson<CreateUser>,
) -> WebResult<impl axum::response::IntoResponse> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::CreateUser))?;
    let account = NewAccount {
        email: &req.email,
        name: &req.name,
        role: &req.role,
        organization_id: req.organization_id.as_deref(),
        password: &req.password,
    };
    let id = create_account(&state, Some(&caller), &account).await?;
    Ok(created(&id))
}

/// `PATCH /api/v1/users/{id}` (admin) → 200 the account (never its password hash or second-factor secret).
pub async fn change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(input): ApiJson<nintei_app::account::AccountChange>,
) -> WebResult<axum::Json<Account>> {
    let u = nintei_app::account::change_account(&state, &caller, &id, &input).await?;
    Ok(axum::Json(Account {
        role: u.role.as_str(),
        id: u.id,
        email: u.email,
        name: u.name,
        organization_id: u.organization_id,
        active: u.active,
        totp_enabled: u.totp_enabled,
    }))
}

/// `POST /api/v1/users/{id}/password-reset` (admin) → 202: the reset mail is queued.
pub async fn password_reset(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> WebResult<axum::http::StatusCode> {
    nintei_app::account::send_password_reset(&state, &caller, &id).await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}
