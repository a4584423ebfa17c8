//! The plan (ACC-5) and the self-study's submission (ACC-6).

use crate::acc::{load_for, not_before, office_calendar, parse_day, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::case::{self as machine};
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::role::Role;
use nintei_store::acc::Set;
use nintei_store::{audit, conflicts, users};
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct PlanInput {
    #[serde(default)]
    pub coordinator_id: String,
    pub coordinator_visit_on: Option<String>,
    #[serde(default)]
    pub self_study_due_on: String,
    #[serde(default)]
    pub site_visit_on: String,
}

/// `POST …/plan` (ACC-5): coordinator, the coordinator's visit, the self-study due date and the site visit.
/// Planned dates lie ahead, so only their order is checked: after the acceptance, visit before the due date,
/// due date before the site visit.
pub async fn plan(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &PlanInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Plan).await?;
    let mut errors = Vec::new();
    let coordinator = users::by_id(state.db.pool(), input.coordinator_id.trim()).await?;
    match &coordinator {
        Some(u) if u.role == Role::Coordinator && u.active => {}
        Some(_) => errors.push(FieldError::new(
            "coordinator_id",
            "認定支援員ではありません (not a coordinator)",
        )),
        None => errors.push(FieldError::new(
            "coordinator_id",
            "該当する利用者がいません (no such user)",
        )),
    }
    let accepted_on = loaded.case.eligibility_decided_on.map(|d| (d, "申請受理日"));
    let visit = match input
        .coordinator_visit_on
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => parse_day(&mut errors, "coordinator_visit_on", v),
        None => None,
    };
    let due = parse_day(&mut errors, "self_study_due_on", &input.self_study_due_on);
    let site = parse_day(&mut errors, "site_visit_on", &input.site_visit_on);
    if let Some(v) = visit {
        not_before(&mut errors, "coordinator_visit_on", v, accepted_on);
    }
    if let Some(d) = due {
        not_before(&mut errors, "self_study_due_on", d, accepted_on);
        not_before(
            &mut errors,
            "self_study_due_on",
            d,
            visit.map(|v| (v, "認定支援員の訪問日")),
        );
    }
    if let (Some(s), Some(d)) = (site, due) {
        not_before(
            &mut errors,
            "site_visit_on",
            s,
            Some((d, "セルフスタディ資料の提出期限")),
        );
    }
    invalid(errors)?;
    let (Some(due), Some(site)) = (due, site) else {
        return Err(AppError::BadRequest("dates are required".into()));
    };
    let coordinator_id = input.coordinator_id.trim().to_owned();
    if conflicts::exists(state.db.pool(), &coordinator_id, &loaded.case.organization_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定支援員はこの機関との利益相反を申告しています (declared conflict of interest)"
                .into(),
        ));
    }
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::plan(case.status).map_err(refused)?;
    let fields = [
        ("coordinator_id", Set::text(coordinator_id.clone())),
        ("coordinator_visit_on", Set::opt_date(visit)),
        ("self_study_due_on", Set::date(due)),
        ("site_visit_on", Set::date(site)),
    ];
    apply_transition(&mut tx, &case, status, &fields, now).await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        (
            "coordinator_id",
            json!(case.coordinator_id),
            json!(coordinator_id),
        ),
        ("coordinator_visit_on", Value::Null, json!(visit.map(iso))),
        ("self_study_due_on", Value::Null, json!(iso(due))),
        ("site_visit_on", Value::Null, json!(iso(site))),
    ]);
    super::notices::planned(&mut tx, state, &case, due, site, visit).await?;
    finish(tx, state, caller, "acc_case.plan", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct SelfStudyInput {
    #[serde(default)]
    pub submitted_on: String,
}

/// `POST …/self-study/submission` (ACC-6): the self-study is in; the site visit comes next.
pub async fn submit_self_study(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SelfStudyInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::SubmitSelfStudy).await?;
    let mut errors = Vec::new();
    let submitted_on = past_day(
        &mut errors,
        "submitted_on",
        &input.submitted_on,
        state.clock.today(),
    );
    if let Some(d) = submitted_on {
        not_before(
            &mut errors,
            "submitted_on",
            d,
            loaded.case.eligibility_decided_on.map(|a| (a, "申請受理日")),
        );
    }
    invalid(errors)?;
    let submitted_on = submitted_on.ok_or_else(|| AppError::BadRequest("submitted_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::submit_self_study(case.status).map_err(refused)?;
    // ACC-6: the representative's confirmation comes first; the office's format check follows.
    crate::acc::study::on_submission(&mut tx, id, now).await?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("self_study_submitted_on", Set::date(submitted_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("self_study_submitted_on", Value::Null, json!(iso(submitted_on))),
        (
            "late",
            Value::Null,
            json!(case.self_study_due_on.is_some_and(|due| submitted_on > due)),
        ),
    ]);
    finish(tx, state, caller, "acc_case.self_study_submit", id, changes).await
}
