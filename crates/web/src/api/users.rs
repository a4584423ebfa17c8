//! `POST /api/v1/users` (admin): create an account.

use axum::extract::State;
use nintei_domain::authz::{self, GlobalAction};
use serde::Deserialize;

use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};
use nintei_app::account::{NewAccount, create_account};
use nintei_app::state::AppState;

#[derive(Deserialize)]
pub struct CreateUser {
    email: String,
    name: String,
    role: String,
    organization_id: Option<String>,
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
