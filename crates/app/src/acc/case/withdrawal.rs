//! Withdrawal by the organization (ACC-3) and the stop for lost eligibility (ACC-1).

use crate::acc::{load_for, not_before, office_calendar, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::acc::case::{self as machine};
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc::Set;
use nintei_store::audit;
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct WithdrawalInput {
    #[serde(default)]
    pub withdrawn_on: String,
    pub reason: Option<String>,
}

/// `POST …/withdrawal` (ACC-3): any time while the case is open; invoices stay due.
pub async fn withdraw(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &WithdrawalInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Withdraw).await?;
    let mut errors = Vec::new();
    let withdrawn_on = past_day(
        &mut errors,
        "withdrawn_on",
        &input.withdrawn_on,
        state.clock.today(),
    );
    if let Some(d) = withdrawn_on {
        not_before(
            &mut errors,
            "withdrawn_on",
            d,
            Some((loaded.case.applied_on, "申込日")),
        );
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let withdrawn_on = withdrawn_on.ok_or_else(|| AppError::BadRequest("withdrawn_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::withdraw(case.status).map_err(refused)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("withdrawn_on", Set::date(withdrawn_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("withdrawn_on", Value::Null, json!(iso(withdrawn_on))),
        ("reason", Value::Null, json!(reason)),
        // ACC-3: a notice in any form; the office records one received on paper (辞退届), dated as received.
        (
            "notice",
            Value::Null,
            json!(if caller.user.role == nintei_domain::role::Role::Office {
                "paper"
            } else {
                "online"
            }),
        ),
    ]);
    finish(tx, state, caller, "acc_case.withdraw", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct StopInput {
    #[serde(default)]
    pub stopped_on: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST …/stop` (ACC-1, an addition to API.md): the office stops a review whose organization lost
/// eligibility.
pub async fn stop(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &StopInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::DecideEligibility).await?;
    let mut errors = Vec::new();
    let stopped_on = past_day(&mut errors, "stopped_on", &input.stopped_on, state.clock.today());
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
    invalid(errors)?;
    let stopped_on = stopped_on.ok_or_else(|| AppError::BadRequest("stopped_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::stop(case.status).map_err(refused)?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "stopped_on",
        stopped_on,
        case.eligibility_decided_on.map(|d| (d, "申請受理日")),
    );
    invalid(errors)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[
            ("decision_reason", Set::text(reason.clone())),
            ("stopped_on", Set::date(stopped_on)),
            // ACC-21: an overturned stop resumes the review here.
            ("stopped_from", Set::text(case.status.as_str())),
        ],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("stopped_on", Value::Null, json!(iso(stopped_on))),
        ("reason", Value::Null, json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.stop", id, changes).await
}
