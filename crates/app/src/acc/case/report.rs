//! The review report (ACC-10) and the organization's response.

use crate::acc::{catalog, load_for, not_before, office_calendar, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::acc::case::{self as machine};
use nintei_domain::acc::site_visit::last_visit_day;
use nintei_domain::acc::study::FormatStatus;
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc::Set;
use nintei_store::audit;
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    pub issued_on: String,
}

/// `POST …/report` (ACC-10): once every standard in scope is rated; `report_issued` when any is rated 3 or 4,
/// else straight to `committee`.
pub async fn issue_report(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReportInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::IssueReport).await?;
    let mut errors = Vec::new();
    let issued_on = past_day(&mut errors, "issued_on", &input.issued_on, state.clock.today());
    if let Some(d) = issued_on {
        not_before(
            &mut errors,
            "issued_on",
            d,
            loaded
                .case
                .self_study_submitted_on
                .map(|s| (s, "セルフスタディ資料の提出日")),
        );
        // ACC-10: the report records what the visit found, so it is not dated before the visit has ended.
        not_before(
            &mut errors,
            "issued_on",
            d,
            loaded
                .case
                .site_visit_on
                .map(|v| (last_visit_day(v), "実地調査の最終日")),
        );
    }
    invalid(errors)?;
    let issued_on = issued_on.ok_or_else(|| AppError::BadRequest("issued_on".into()))?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let assessment = assessment_in(&mut tx, &catalog, &case).await?;
    let status = machine::issue_report(case.status, &assessment).map_err(refused)?;
    // ACC-6: while the office's request for fixes is open, the self-study the report rests on is not final.
    let format = nintei_store::acc_study::self_study(&mut *tx, id)
        .await?
        .format_status;
    if FormatStatus::parse(&format).is_some_and(FormatStatus::holds_the_report) {
        return Err(AppError::Conflict(
            "ACC-6: セルフスタディ資料の修正依頼が完了していません。書式確認で確認済みとしてから報告書を発行してください (the requested fixes to the self-study are not accepted yet)"
                .into(),
        ));
    }
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("report_issued_on", Set::date(issued_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("report_issued_on", Value::Null, json!(iso(issued_on))),
        ("below_threshold", Value::Null, json!(assessment.below_threshold)),
    ]);
    let response_needed = status == CaseStatus::ReportIssued;
    super::notices::report_issued(&mut tx, state, &case, issued_on, response_needed).await?;
    finish(tx, state, caller, "acc_case.report", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ResponseInput {
    #[serde(default)]
    pub submitted_on: String,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub action_plan: String,
}

/// `POST …/response` (ACC-10): the organization's opinion and action plan for the standards rated 3 or 4.
pub async fn respond(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ResponseInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Respond).await?;
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
            loaded
                .case
                .report_issued_on
                .map(|r| (r, "実地調査報告書の発行日")),
        );
    }
    let opinion = required_text(&mut errors, "opinion", &input.opinion, LONG_TEXT_MAX);
    let action_plan = required_text(&mut errors, "action_plan", &input.action_plan, LONG_TEXT_MAX);
    invalid(errors)?;
    let submitted_on = submitted_on.ok_or_else(|| AppError::BadRequest("submitted_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::respond(case.status).map_err(refused)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[
            ("response_submitted_on", Set::date(submitted_on)),
            ("response_opinion", Set::text(opinion.clone())),
            ("response_action_plan", Set::text(action_plan.clone())),
        ],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("response_submitted_on", Value::Null, json!(iso(submitted_on))),
        ("response_opinion", Value::Null, json!(opinion)),
        ("response_action_plan", Value::Null, json!(action_plan)),
    ]);
    finish(tx, state, caller, "acc_case.response", id, changes).await
}

/// One standard rated 3 or 4 as the site-visit report states it (ACC-10): what the organization answers with its
/// opinion and action plan, and what the committee weighs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReportFinding {
    pub code: String,
    pub section: String,
    pub title: String,
    pub rating: u8,
    pub comment: Option<String>,
}

/// The report's standards rated 3 or 4 with the surveyors' comments, in catalog order; for those who may see the
/// assessment (the organization once the report is issued).
pub async fn report_findings(
    state: &AppState,
    caller: &Caller,
    loaded: &crate::acc::Loaded,
) -> AppResult<Vec<ReportFinding>> {
    AppError::check(loaded.decide(caller, CaseAction::ViewAssessment))?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let rows = nintei_store::acc::ratings(state.db.pool(), &loaded.case.id, true).await?;
    Ok(findings_of(&catalog, rows))
}

/// ACC-9's assessment and ACC-10's findings of a case from one read of its current ratings (the staff case page
/// shows both; reading them twice was a repeated query), for those who may see the assessment.
pub async fn assessment_and_findings(
    state: &AppState,
    conn: &mut nintei_store::Conn,
    caller: &Caller,
    loaded: &crate::acc::Loaded,
) -> AppResult<(nintei_domain::acc::Assessment, Vec<ReportFinding>)> {
    AppError::check(loaded.decide(caller, CaseAction::ViewAssessment))?;
    let catalog = crate::acc::catalog_on(state, &mut *conn, &loaded.case.catalog_version).await?;
    let rows = nintei_store::acc::ratings(conn, &loaded.case.id, true).await?;
    let assessment = crate::acc::assessment_of(&catalog, &loaded.case, &rows);
    Ok((assessment, findings_of(&catalog, rows)))
}

/// The current ratings of 3 or 4 in catalog order, with their comments.
fn findings_of(
    catalog: &nintei_domain::acc::standards::Catalog,
    rows: Vec<nintei_store::acc::RatingRow>,
) -> Vec<ReportFinding> {
    let mut rated: std::collections::HashMap<String, nintei_store::acc::RatingRow> = rows
        .into_iter()
        .filter(|r| r.rating >= 3)
        .map(|r| (r.standard.clone(), r))
        .collect();
    catalog
        .standards
        .iter()
        .filter_map(|s| {
            rated.remove(&s.code).map(|r| ReportFinding {
                code: s.code.clone(),
                section: s.section.clone(),
                title: s.title.clone(),
                rating: r.rating,
                comment: Some(r.comment).filter(|c| !c.trim().is_empty()),
            })
        })
        .collect()
}
