//! `POST …/plan/dates` (an addition to API.md): moving the planned dates after the plan (ACC-5, ACC-7), and the
//! additional site visit during a deferral (ACC-11, seed 第6章4(3)); audited with the dates before and after.

use crate::acc::{load_for, not_before, office_calendar, parse_day};
use crate::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;
use nintei_domain::acc::replan::{Replan, check_replan};
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc::Set;
use nintei_store::audit;
use serde::Deserialize;
use serde_json::json;

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ReplanInput {
    pub coordinator_visit_on: Option<String>,
    pub self_study_due_on: Option<String>,
    pub site_visit_on: Option<String>,
    pub reason: Option<String>,
}

pub async fn replan(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReplanInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::Plan).await?;
    let mut errors = Vec::new();
    let mut day = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .and_then(|v| parse_day(&mut errors, field, v))
    };
    let change = Replan {
        coordinator_visit_on: day("coordinator_visit_on", &input.coordinator_visit_on),
        self_study_due_on: day("self_study_due_on", &input.self_study_due_on),
        site_visit_on: day("site_visit_on", &input.site_visit_on),
    };
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    if change == Replan::default() && errors.is_empty() {
        errors.push(crate::error::FieldError::new(
            "site_visit_on",
            "変更する日付を入力してください (no date to change)",
        ));
    }
    invalid(errors)?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    check_replan(case.status, &change, case.decided_on, case.grace_until)
        .map_err(|e| crate::error::AppError::Conflict(e.to_string()))?;
    // The same order as the plan (ACC-5): nothing before the acceptance, the visit after the self-study due date.
    let accepted_on = case.eligibility_decided_on.map(|d| (d, "申請受理日"));
    let visit = change.coordinator_visit_on.or(case.coordinator_visit_on);
    let due = change.self_study_due_on.or(case.self_study_due_on);
    let site = change.site_visit_on.or(case.site_visit_on);
    let mut errors = Vec::new();
    if let Some(v) = change.coordinator_visit_on {
        not_before(&mut errors, "coordinator_visit_on", v, accepted_on);
    }
    if let Some(d) = change.self_study_due_on {
        not_before(&mut errors, "self_study_due_on", d, accepted_on);
        not_before(
            &mut errors,
            "self_study_due_on",
            d,
            visit.map(|v| (v, "認定支援員の訪問日")),
        );
    }
    if let (Some(s), Some(d)) = (change.site_visit_on, due) {
        not_before(
            &mut errors,
            "site_visit_on",
            s,
            Some((d, "セルフスタディ資料の提出期限")),
        );
    }
    invalid(errors)?;
    let mut fields = Vec::new();
    if let Some(v) = change.coordinator_visit_on {
        fields.push(("coordinator_visit_on", Set::date(v)));
    }
    if let Some(d) = change.self_study_due_on {
        fields.push(("self_study_due_on", Set::date(d)));
    }
    if let Some(s) = change.site_visit_on {
        fields.push(("site_visit_on", Set::date(s)));
    }
    apply_transition(&mut tx, &case, case.status, &fields, now).await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        (
            "coordinator_visit_on",
            json!(case.coordinator_visit_on.map(iso)),
            json!(visit.map(iso)),
        ),
        (
            "self_study_due_on",
            json!(case.self_study_due_on.map(iso)),
            json!(due.map(iso)),
        ),
        (
            "site_visit_on",
            json!(case.site_visit_on.map(iso)),
            json!(site.map(iso)),
        ),
        (
            "additional_visit",
            serde_json::Value::Null,
            json!(case.status == nintei_domain::acc::CaseStatus::Deferred),
        ),
        ("reason", serde_json::Value::Null, json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.replan", id, changes).await
}
