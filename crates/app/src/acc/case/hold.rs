//! ACC-11 hold (seed 003 第6章3): the receipt of the requested documents, the head's report to the committee
//! when they did not arrive within 3 months, and the checks a decision on a held case passes.

use crate::acc::{load_for, not_before, office_calendar, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::dates::hold_documents_due;
use nintei_domain::acc::hold::{self as rules, Hold, HoldError};
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::calendar::OfficeCalendar;
use nintei_domain::role::Role;
use nintei_store::acc::Case;
use nintei_store::acc_hold;
use nintei_store::{Tx, audit};
use serde::Deserialize;
use serde_json::json;

#[allow(unused_imports)]
use super::*;

pub(crate) fn hold_refused(e: HoldError) -> AppError {
    AppError::Conflict(e.to_string())
}

/// The hold as recorded for `case` (on hold now), read in the step's transaction.
pub(crate) async fn hold_of(tx: &mut Tx, case: &Case, calendar: &OfficeCalendar) -> AppResult<Hold> {
    let row = acc_hold::get(&mut **tx, &case.id).await?;
    Ok(Hold {
        requested_on: case.notice_sent_on,
        documents_due: case.notice_sent_on.and_then(|s| hold_documents_due(s, calendar)),
        documents_received_on: row.as_ref().and_then(|r| r.documents_received_on),
        head_reported_on: row.as_ref().and_then(|r| r.head_reported_on),
        about_ratings: row.is_some_and(|r| r.about_ratings),
    })
}

fn on_hold(case: &Case) -> AppResult<()> {
    if case.status == CaseStatus::OnHold {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "保留中の案件ではありません（状態「{}」） (not on hold)",
            case.status.label_ja()
        )))
    }
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct HoldDocumentsInput {
    #[serde(default)]
    pub received_on: String,
}

/// `POST …/hold/documents` (the office; an addition to API.md): the requested documents arrived on
/// `received_on`. Their deadline is met; the head then decides.
pub async fn record_hold_documents(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &HoldDocumentsInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::RecordNotice).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let received_on = past_day(&mut errors, "received_on", &input.received_on, today);
    invalid(errors)?;
    let received_on = received_on.ok_or_else(|| AppError::BadRequest("received_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    on_hold(&case)?;
    let hold = hold_of(&mut tx, &case, &calendar).await?;
    rules::check_documents_received(&hold).map_err(hold_refused)?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "received_on",
        received_on,
        hold.requested_on.map(|d| (d, "追加資料の提出依頼の送付日")),
    );
    invalid(errors)?;
    acc_hold::set_documents_received(&mut tx, id, received_on, now).await?;
    // The version moves, so that a stale form or a double submission is a 409.
    apply_transition(&mut tx, &case, case.status, &[], now).await?;
    close_documents_deadline(&mut tx, &case, received_on, now).await?;
    let changes = audit::diff(&[(
        "documents_received_on",
        serde_json::Value::Null,
        json!(iso(received_on)),
    )]);
    finish(tx, state, caller, "acc_case.hold_documents", id, changes).await
}

/// The documents' deadline is met once they arrive (the case's own rows and the shared deadline model).
async fn close_documents_deadline(
    tx: &mut Tx,
    case: &Case,
    on: chrono::NaiveDate,
    now: i64,
) -> AppResult<()> {
    use nintei_domain::acc::DeadlineKind;
    nintei_store::acc::close_deadlines(tx, &case.id, &[DeadlineKind::DocumentsDue]).await?;
    nintei_store::deadlines::meet(
        tx,
        "acc_case",
        &case.id,
        DeadlineKind::DocumentsDue.as_str(),
        on,
        now,
    )
    .await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct HeadReportInput {
    #[serde(default)]
    pub reported_on: String,
    pub report: Option<String>,
}

/// `POST …/hold/report` (the head; an addition to API.md): the documents did not arrive within 3 months of the
/// request; the head reports to the committee, which may then decide defer or deny (seed 第6章3(2)).
pub async fn record_head_report(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &HeadReportInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::Decide).await?;
    if caller.user.role != Role::Head {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    let mut errors = Vec::new();
    let reported_on = past_day(&mut errors, "reported_on", &input.reported_on, today);
    let report = optional_text(&mut errors, "report", input.report.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let reported_on = reported_on.ok_or_else(|| AppError::BadRequest("reported_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    on_hold(&case)?;
    let hold = hold_of(&mut tx, &case, &calendar).await?;
    rules::check_head_report(&hold, reported_on).map_err(hold_refused)?;
    acc_hold::set_head_report(&mut tx, id, reported_on, report.as_deref(), now).await?;
    apply_transition(&mut tx, &case, case.status, &[], now).await?;
    let changes = audit::diff(&[
        (
            "head_reported_on",
            serde_json::Value::Null,
            json!(iso(reported_on)),
        ),
        ("report", serde_json::Value::Null, json!(report)),
    ]);
    finish(tx, state, caller, "acc_case.hold_report", id, changes).await
}
