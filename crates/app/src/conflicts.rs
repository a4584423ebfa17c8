//! Declared conflicts of interest (ACC-8, REG-7): a staff member's own, or one the office declares for them.

use nintei_domain::authz::{self, OrganizationAction};
use nintei_store::{StoreError, audit, conflicts, organizations, users};
use serde::Deserialize;
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::{invalid, required_text};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ConflictInput {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/conflicts` → the conflict's id. From then on the user neither sees nor acts on the
/// organization's cases (404); a committee member's votes in rounds not yet decided leave the tally in the same
/// transaction (ACC-8: no part in any vote), the audit keeping what was removed.
pub async fn declare(state: &AppState, caller: &Caller, input: &ConflictInput) -> AppResult<String> {
    let for_self = input.user_id == caller.user.id;
    AppError::check(authz::organization(
        &caller.actor(),
        OrganizationAction::DeclareConflict { for_self },
        &input.organization_id,
    ))?;
    let mut errors = Vec::new();
    let reason = required_text(&mut errors, "reason", &input.reason, 2000);
    if users::by_id(state.db.pool(), &input.user_id).await?.is_none() {
        errors.push(FieldError::new(
            "user_id",
            "該当する利用者がいません (no such user)",
        ));
    }
    invalid(errors)?;
    if organizations::by_id(state.db.pool(), &input.organization_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = conflicts::insert(
        &mut tx,
        &input.user_id,
        &input.organization_id,
        &reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    let removed =
        nintei_store::acc::remove_open_votes(&mut tx, &input.user_id, &input.organization_id).await?;
    let removed: Vec<_> = removed
        .into_iter()
        .map(|(vote_id, case_id, round, outcome)| {
            json!({"vote_id": vote_id, "case_id": case_id, "round": round, "outcome": outcome})
        })
        .collect();
    let mut fields = vec![
        ("conflict_id", json!(id)),
        ("user_id", json!(input.user_id)),
        ("reason", json!(reason)),
    ];
    if !removed.is_empty() {
        fields.push(("votes_removed", json!(removed)));
    }
    let event = caller.audit(
        now,
        "conflict.declare",
        "organization",
        &input.organization_id,
        audit::created(&fields),
    );
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}
