//! `POST /api/v1/conflicts`: a declared conflict of interest (ACC-8), by the office or the user for themself.

use axum::extract::State;
use nintei_domain::authz::{self, OrganizationAction};
use nintei_store::{audit, conflicts, organizations, users};
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::{AppError, FieldError, WebResult};
use nintei_app::state::AppState;

#[derive(Deserialize)]
pub struct CreateConflict {
    user_id: String,
    organization_id: String,
    reason: String,
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(req): ApiJson<CreateConflict>,
) -> WebResult<impl axum::response::IntoResponse> {
    let for_self = req.user_id == caller.user.id;
    AppError::check(authz::organization(
        &caller.actor(),
        OrganizationAction::DeclareConflict { for_self },
        &req.organization_id,
    ))?;
    let reason = req.reason.trim();
    let mut errors = Vec::new();
    if reason.is_empty() {
        errors.push(FieldError::new(
            "reason",
            "理由を入力してください (reason is required)",
        ));
    } else if reason.chars().count() > 2000 {
        errors.push(FieldError::new(
            "reason",
            "2000文字以内で入力してください (at most 2000 characters)",
        ));
    }
    if users::by_id(state.db.pool(), &req.user_id).await?.is_none() {
        errors.push(FieldError::new(
            "user_id",
            "該当する利用者がいません (no such user)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    if organizations::by_id(state.db.pool(), &req.organization_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound.into());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = conflicts::insert(
        &mut tx,
        &req.user_id,
        &req.organization_id,
        reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    let event = caller.audit(
        now,
        "conflict.declare",
        "organization",
        &req.organization_id,
        audit::created(&[
            ("conflict_id", json!(id)),
            ("user_id", json!(req.user_id)),
            ("reason", json!(reason)),
        ]),
    );
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(created(&id))
}
