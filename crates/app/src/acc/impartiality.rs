//! Impartiality of the review and the site-visit timetable (ACC-2, ACC-7, ACC-8), shared by the API and the
//! screens: the head's decision on a department unit, the organization's objection to a surveyor and the
//! office's decision, the cooling-off recorded with each decision and the warnings on surveyors' engagements,
//! and the timetable generated from the seed's standard schedule.

use chrono::NaiveDate;
use nintei_domain::acc::impartiality::{
    EngagementKind, UnitRefusal, cooling_off_after, cooling_offs_hit, unit_acceptance,
};
use nintei_domain::acc::site_visit::{ScheduleItem, standard_schedule, validate_schedule, visit_days};
use nintei_domain::acc::{CaseStatus, UnitConditions};
use nintei_domain::authz::Decision;
use nintei_domain::authz::acc::CaseFacts;
use nintei_domain::authz::acc_impartiality::{
    ImpartialityAction, engagements as engagements_authz, impartiality,
};
use nintei_domain::role::Role;
use nintei_store::acc::Case;
pub use nintei_store::acc_impartiality::Engagement;
use nintei_store::acc_impartiality::{self as store, NewEngagement, Objection, UnitDecision};
use nintei_store::{Conn, Tx, audit, organizations, users};
use serde::Deserialize;
use serde_json::{Value, json};

use super::case::{begin, finish, invalid, optional_text, required_text};
use super::{Loaded, load, not_before, parse_day, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::iso;
use crate::state::AppState;

use crate::input::TEXT_MAX;

pub fn decide(loaded: &Loaded, caller: &Caller, action: ImpartialityAction) -> Decision {
    let pairs = loaded.surveyor_pairs();
    let facts = CaseFacts {
        organization_id: &loaded.case.organization_id,
        coordinator_id: loaded.case.coordinator_id.as_deref(),
        surveyors: &pairs,
        caller_conflicted: loaded.caller_conflicted,
        report_issued: loaded.case.report_issued_on.is_some(),
    };
    impartiality(&caller.actor(), action, &facts)
}

pub fn may(loaded: &Loaded, caller: &Caller, action: ImpartialityAction) -> bool {
    decide(loaded, caller, action).is_allowed()
}

/// Loads a case for an action: 404 when the caller may not see it, 403 when they may not act.
pub async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: ImpartialityAction,
) -> AppResult<Loaded> {
    let loaded = load(state, caller, id).await?.ok_or(AppError::NotFound)?;
    AppError::check(decide(&loaded, caller, action))?;
    Ok(loaded)
}

// ---------------------------------------------------------------------------------------------------------
// ACC-2: the head's decision on a department unit

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct UnitDecisionInput {
    pub qualifies: Option<bool>,
    #[serde(default)]
    pub decided_on: String,
    pub reason: Option<String>,
}

/// The application's three ACC-2 answers, when it has them.
pub fn unit_conditions(case: &Case) -> Option<UnitConditions> {
    case.application
        .get("unit_conditions")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// `unit` of the case JSON: `null` for an application of the legal entity itself.
pub async fn unit_view(state: &AppState, case: &Case) -> AppResult<Option<super::case::Unit>> {
    let Some(name) = &case.unit_name else {
        return Ok(None);
    };
    let decision = store::unit_decision(state.db.pool(), &case.id).await?;
    let conditions = unit_conditions(case);
    Ok(Some(super::case::Unit {
        name: name.clone(),
        conditions,
        conditions_met: conditions.map(|c| c.qualifies()),
        decision: decision.map(|d| super::case::UnitDecisionView {
            qualifies: d.qualifies,
            decided_on: d.decided_on,
            reason: d.reason,
        }),
    }))
}

/// `POST …/unit-decision` (ACC-2): the head decides, once, whether the department applied for qualifies as the
/// unit of accreditation; before the office's eligibility decision.
pub async fn decide_unit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &UnitDecisionInput,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, ImpartialityAction::DecideUnit).await?;
    let mut errors = Vec::new();
    if input.qualifies.is_none() {
        errors.push(FieldError::new(
            "qualifies",
            "該当するかどうかを指定してください (required)",
        ));
    }
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, state.clock.today());
    if let Some(d) = decided_on {
        not_before(
            &mut errors,
            "decided_on",
            d,
            Some((loaded.case.applied_on, "申込日")),
        );
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(qualifies), Some(decided_on)) = (input.qualifies, decided_on) else {
        return Err(AppError::BadRequest(
            "qualifies and decided_on are required".into(),
        ));
    };
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    if case.unit_name.is_none() {
        return Err(AppError::Conflict(
            "ACC-2: 法人単位の申請です。部門の判断は要りません (not a department application)".into(),
        ));
    }
    if case.status != CaseStatus::Submitted {
        return Err(AppError::Conflict(format!(
            "ACC-2: 受審資格の判断の後です（状態「{}」） (only before the eligibility decision: {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    let decision = UnitDecision {
        qualifies,
        decided_on: iso(decided_on),
        reason: reason.clone(),
        decided_by: caller.user.id.clone(),
    };
    store::insert_unit_decision(&mut tx, id, &decision, now).await?;
    let changes = audit::created(&[
        ("unit_name", json!(case.unit_name)),
        ("qualifies", json!(qualifies)),
        ("decided_on", json!(iso(decided_on))),
        ("reason", json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.unit_decision", id, changes).await
}

/// ACC-2 in the office's acceptance: a department case needs the head's "qualifies" first (409). Returns the
/// reason to record when the office refuses a department the head found not qualifying.
/// A renewal or scope addition (ACC-19, ACC-20) keeps the unit of the accreditation it changes: no new decision.
pub async fn check_unit_for_eligibility(
    tx: &mut Tx,
    case: &Case,
    eligible: bool,
) -> AppResult<Option<String>> {
    if case.unit_name.is_none() || case.kind != nintei_domain::acc::renewal::CaseKind::Initial {
        return Ok(None);
    }
    let decided = store::unit_decision(&mut **tx, &case.id)
        .await?
        .map(|d| d.qualifies);
    match unit_acceptance(case.unit_name.as_deref(), decided) {
        Ok(()) => Ok(None),
        Err(refusal) if eligible => Err(AppError::Conflict(refusal.message().into())),
        Err(UnitRefusal::DoesNotQualify) => Ok(Some(UnitRefusal::DoesNotQualify.message().into())),
        Err(UnitRefusal::Undecided) => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------------------
// ACC-8: objections to a surveyor

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ObjectionInput {
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ObjectionDecisionInput {
    pub upheld: Option<bool>,
    #[serde(default)]
    pub decided_on: String,
}

/// Statuses in which the organization may object: while surveyors are assigned and before the report.
const OBJECTION_STATUSES: [CaseStatus; 4] = [
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::Deferred,
];

pub fn objection_view(o: &Objection) -> super::case::ObjectionView {
    super::case::ObjectionView::from(o)
}

/// `POST …/surveyors/{user_id}/objection` (ACC-8): the organization asks for another surveyor. The surveyor must
/// be assigned to the case (404 otherwise: nothing to object to); one open objection per surveyor (409).
pub async fn object(
    state: &AppState,
    caller: &Caller,
    id: &str,
    surveyor_id: &str,
    input: &ObjectionInput,
) -> AppResult<Objection> {
    let loaded = load_for(state, caller, id, ImpartialityAction::Object).await?;
    if !loaded.surveyors.iter().any(|s| s.user_id == surveyor_id) {
        return Err(AppError::NotFound);
    }
    let mut errors = Vec::new();
    let reason = required_text(&mut errors, "reason", input.reason.trim(), TEXT_MAX);
    invalid(errors)?;
    let today = state.clock.today();
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    if !OBJECTION_STATUSES.contains(&case.status) {
        return Err(AppError::Conflict(format!(
            "ACC-8: 状態「{}」では認定調査員の変更を申し出られません (not in status {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    let assigned = nintei_store::acc::surveyors(&mut *tx, id).await?;
    if !assigned.iter().any(|s| s.user_id == surveyor_id) {
        return Err(AppError::NotFound);
    }
    let objection_id = store::insert_objection(
        &mut tx,
        id,
        surveyor_id,
        &reason,
        &iso(today),
        &caller.user.id,
        now,
    )
    .await?;
    let created = store::open_objection(&mut *tx, id, surveyor_id)
        .await?
        .ok_or_else(|| AppError::Internal("objection not stored".into()))?;
    let changes = audit::created(&[
        ("objection_id", json!(objection_id)),
        ("surveyor_id", json!(surveyor_id)),
        ("reason", json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.surveyor_objection", id, changes).await?;
    Ok(created)
}

/// `POST …/surveyors/{user_id}/objection/decision` (ACC-8): the office decides the open objection; upheld
/// removes the assignment (the office then assigns another surveyor; the same one is not assigned again).
pub async fn decide_objection(
    state: &AppState,
    caller: &Caller,
    id: &str,
    surveyor_id: &str,
    input: &ObjectionDecisionInput,
) -> AppResult<Objection> {
    load_for(state, caller, id, ImpartialityAction::DecideObjection).await?;
    let mut errors = Vec::new();
    if input.upheld.is_none() {
        errors.push(FieldError::new(
            "upheld",
            "申し出を認めるかどうかを指定してください (required)",
        ));
    }
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, state.clock.today());
    invalid(errors)?;
    let (Some(upheld), Some(decided_on)) = (input.upheld, decided_on) else {
        return Err(AppError::BadRequest("upheld and decided_on are required".into()));
    };
    let now = state.clock.now().timestamp();
    let (mut tx, _case) = begin(state, id, now).await?;
    let Some(open) = store::open_objection(&mut *tx, id, surveyor_id).await? else {
        return Err(AppError::Conflict(
            "ACC-8: 判断待ちの申し出がありません (no open objection to this surveyor)".into(),
        ));
    };
    let mut errors = Vec::new();
    if let Ok(raised) = NaiveDate::parse_from_str(&open.raised_on, "%Y-%m-%d") {
        not_before(
            &mut errors,
            "decided_on",
            decided_on,
            Some((raised, "申し出の日")),
        );
    }
    invalid(errors)?;
    if !store::decide_objection(&mut tx, &open.id, upheld, &iso(decided_on), &caller.user.id).await? {
        return Err(AppError::Conflict(
            "ACC-8: 申し出はすでに判断されました (already decided)".into(),
        ));
    }
    let removed = upheld && store::remove_surveyor(&mut tx, id, surveyor_id).await?;
    let changes = audit::diff(&[
        ("objection_id", Value::Null, json!(open.id)),
        ("surveyor_id", Value::Null, json!(surveyor_id)),
        ("upheld", Value::Null, json!(upheld)),
        ("decided_on", Value::Null, json!(iso(decided_on))),
        ("assignment_removed", Value::Null, json!(removed)),
    ]);
    let decided = Objection {
        upheld: Some(upheld),
        decided_on: Some(iso(decided_on)),
        ..open
    };
    finish(
        tx,
        state,
        caller,
        "acc_case.surveyor_objection_decision",
        id,
        changes,
    )
    .await?;
    Ok(decided)
}

// ---------------------------------------------------------------------------------------------------------
// ACC-8: cooling-off and engagements

/// ACC-8: with each decision on a case, every assigned surveyor's 6-month cooling-off with the organization.
/// Called inside the decision's transaction; returns what was recorded, for its audit event.
pub async fn record_cooling_offs(
    tx: &mut Tx,
    case: &Case,
    decided_on: NaiveDate,
    now: i64,
) -> AppResult<Value> {
    let Some(c) = cooling_off_after(&case.id, decided_on) else {
        return Ok(Value::Null);
    };
    let surveyors = nintei_store::acc::surveyors(&mut **tx, &case.id).await?;
    for s in &surveyors {
        store::insert_cooling_off(
            tx,
            &case.id,
            &s.user_id,
            &case.organization_id,
            &iso(c.decided_on),
            &iso(c.ends_on),
            now,
        )
        .await?;
    }
    Ok(json!({
        "surveyors": surveyors.iter().map(|s| s.user_id.clone()).collect::<Vec<_>>(),
        "ends_on": iso(c.ends_on),
    }))
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct EngagementInput {
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub started_on: String,
    pub note: Option<String>,
}

/// The surveyor named by the path: 404 unless the user exists and is a surveyor.
async fn surveyor(state: &AppState, user_id: &str) -> AppResult<nintei_store::users::User> {
    match users::by_id(state.db.pool(), user_id).await? {
        Some(u) if u.role == Role::Surveyor => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

/// `POST /api/v1/surveyors/{user_id}/engagements` (ACC-8): the office records a surveyor's consulting, service
/// or research funds with an organization. One starting within a cooling-off is refused (409); one while the
/// surveyor is assigned to an open case of that organization is recorded with a warning the office sees at once
/// and the audit keeps, so that the office declares the conflict and assigns another surveyor.
pub async fn add_engagement(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    input: &EngagementInput,
) -> AppResult<Engagement> {
    AppError::check(engagements_authz(&caller.actor()))?;
    let s = surveyor(state, user_id).await?;
    let mut errors = Vec::new();
    let organization_id = input.organization_id.trim();
    let organization = if organization_id.is_empty() {
        errors.push(FieldError::new(
            "organization_id",
            "機関を選んでください (required)",
        ));
        None
    } else {
        let o = organizations::by_id(state.db.pool(), organization_id).await?;
        if o.is_none() {
            errors.push(FieldError::new(
                "organization_id",
                "該当する機関がありません (no such organization)",
            ));
        }
        o
    };
    let kind = EngagementKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "consulting（コンサルティング）、service（サービスの提供）または research_funds（研究資金）です",
        ));
    }
    let started_on = parse_day(&mut errors, "started_on", &input.started_on);
    let note = optional_text(&mut errors, "note", input.note.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(organization), Some(kind), Some(started_on)) = (organization, kind, started_on) else {
        return Err(AppError::BadRequest(
            "organization_id, kind and started_on are required".into(),
        ));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let rows = store::cooling_offs_of(&mut *tx, user_id).await?;
    let cooling: Vec<_> = rows
        .iter()
        .filter(|r| r.organization_id == organization.id)
        .filter_map(|r| {
            Some(nintei_domain::acc::impartiality::CoolingOff {
                case_id: r.case_id.clone(),
                decided_on: NaiveDate::parse_from_str(&r.decided_on, "%Y-%m-%d").ok()?,
                ends_on: NaiveDate::parse_from_str(&r.ends_on, "%Y-%m-%d").ok()?,
            })
        })
        .collect();
    // ACC-8: the cooling-off is a prohibition, so an engagement inside it is refused, not recorded with a warning.
    if let Some(c) = cooling_offs_hit(started_on, &cooling).first() {
        return Err(AppError::Conflict(format!(
            "ACC-8: {}は{}の判定（{}）から{}まで、この機関に{}をしてはなりません (within the 6-month cooling-off)",
            s.name,
            c.case_id,
            iso(c.decided_on),
            iso(c.ends_on),
            kind.label_ja()
        )));
    }
    let mut warnings: Vec<Value> = Vec::new();
    for case_id in store::open_assignments(&mut *tx, user_id, &organization.id).await? {
        warnings.push(json!({
            "rule": "ACC-8",
            "kind": "assigned",
            "case_id": case_id,
            "message": format!(
                "ACC-8: {}はこの機関の審査中の案件（{case_id}）の認定調査員です (assigned to an open case of this organization)",
                s.name
            ),
        }));
    }
    let warnings = Value::Array(warnings);
    let new = NewEngagement {
        surveyor_id: user_id,
        organization_id: &organization.id,
        kind: kind.as_str(),
        started_on: &iso(started_on),
        note: note.as_deref(),
        warnings: &warnings,
        recorded_by: &caller.user.id,
    };
    let engagement_id = store::insert_engagement(&mut tx, &new, now.timestamp()).await?;
    let changes = audit::created(&[
        ("surveyor_id", json!(user_id)),
        ("organization_id", json!(organization.id)),
        ("kind", json!(kind.as_str())),
        ("started_on", json!(iso(started_on))),
        ("note", json!(note)),
        ("warnings", warnings.clone()),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "surveyor_engagement.create",
            "surveyor_engagement",
            &engagement_id,
            changes,
        ),
    )
    .await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(Engagement {
        id: engagement_id,
        surveyor_id: user_id.to_owned(),
        organization_id: organization.id,
        organization_name: organization.name,
        kind: kind.as_str().to_owned(),
        started_on: iso(started_on),
        note,
        warnings,
        recorded_by: caller.user.id.clone(),
        created_at: now.timestamp(),
    })
}

/// A surveyor's engagements and cooling-offs (ACC-8).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Engagements {
    pub surveyor: SurveyorName,
    pub items: Vec<Engagement>,
    pub cooling_offs: Vec<CoolingOffView>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SurveyorName {
    pub id: String,
    pub name: String,
}

/// Six months after a decision on a case of the organization, the surveyor takes no engagement with it (ACC-8).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CoolingOffView {
    pub case_id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub decided_on: String,
    pub ends_on: String,
    /// Still running today.
    pub active: bool,
}

/// `GET /api/v1/surveyors/{user_id}/engagements` (ACC-8): the surveyor's engagements and cooling-offs.
pub async fn engagements(state: &AppState, caller: &Caller, user_id: &str) -> AppResult<Engagements> {
    AppError::check(engagements_authz(&caller.actor()))?;
    let s = surveyor(state, user_id).await?;
    let pool = state.db.pool();
    let items = store::engagements(pool, user_id).await?;
    let cooling = store::cooling_offs_of(pool, user_id).await?;
    let today = iso(state.clock.today());
    Ok(Engagements {
        surveyor: SurveyorName {
            id: s.id,
            name: s.name,
        },
        items,
        cooling_offs: cooling
            .into_iter()
            .map(|c| CoolingOffView {
                active: c.ends_on >= today,
                case_id: c.case_id,
                organization_id: c.organization_id,
                organization_name: c.organization_name,
                decided_on: c.decided_on,
                ends_on: c.ends_on,
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------------------
// ACC-7: the site-visit timetable

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ScheduleInput {
    #[serde(default)]
    pub items: Vec<Value>,
}

/// The case's timetable: as edited, else the standard one from the planned site-visit day; `None` before the
/// plan (no day yet).
pub async fn schedule_items(conn: &mut Conn, case: &Case) -> AppResult<Option<(Vec<ScheduleItem>, bool)>> {
    let Some(day) = case.site_visit_on else {
        return Ok(None);
    };
    if let Some(text) = store::schedule(conn, &case.id).await?
        && let Ok(items) = serde_json::from_str::<Vec<ScheduleItem>>(&text)
    {
        return Ok(Some((items, true)));
    }
    Ok(Some((standard_schedule(day), false)))
}

/// The site-visit timetable (ACC-7).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SiteVisitSchedule {
    /// The planned first day of the visit; `null` before the plan.
    pub site_visit_on: Option<NaiveDate>,
    /// The visit's days.
    pub days: Vec<NaiveDate>,
    /// The timetable was edited (else it is the standard one).
    pub edited: bool,
    pub items: Vec<ScheduleItem>,
}

pub fn schedule_view(case: &Case, schedule: Option<(Vec<ScheduleItem>, bool)>) -> SiteVisitSchedule {
    let (items, edited) = schedule.unwrap_or_default();
    SiteVisitSchedule {
        site_visit_on: case.site_visit_on,
        days: case.site_visit_on.map(visit_days).unwrap_or_default(),
        edited,
        items,
    }
}

/// `GET …/site-visit/schedule` (ACC-7).
pub async fn schedule(state: &AppState, caller: &Caller, id: &str) -> AppResult<SiteVisitSchedule> {
    let loaded = load_for(state, caller, id, ImpartialityAction::ViewSchedule).await?;
    let s = schedule_items(&mut *state.db.acquire().await?, &loaded.case).await?;
    Ok(schedule_view(&loaded.case, s))
}

/// Parses the items one by one so that a bad one is named (`items[3].start`).
fn parse_items(values: &[Value], errors: &mut Vec<FieldError>) -> Vec<ScheduleItem> {
    let mut items = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let date = parse_day(errors, &format!("items[{i}].date"), &text("date"));
        let mut time = |k: &str| {
            let t = nintei_domain::acc::site_visit::parse_time(&text(k));
            if t.is_none() {
                errors.push(FieldError::new(
                    format!("items[{i}].{k}"),
                    "時刻はHH:MMの形で入力してください (not a time)",
                ));
            }
            t
        };
        let (start, end) = (time("start"), time("end"));
        if let (Some(date), Some(start), Some(end)) = (date, start, end) {
            items.push(ScheduleItem {
                date,
                start,
                end,
                title: text("title"),
                note: v.get("note").and_then(Value::as_str).map(str::to_owned),
            });
        }
    }
    items
}

/// `PUT …/site-visit/schedule` `{items: [{date, start, end, title, note?}]}` (ACC-7): the office or the lead
/// surveyor replaces the timetable; times in order, within the visit's days, titles required.
pub async fn put_schedule(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ScheduleInput,
) -> AppResult<SiteVisitSchedule> {
    load_for(state, caller, id, ImpartialityAction::EditSchedule).await?;
    let mut errors = Vec::new();
    let mut items = parse_items(&input.items, &mut errors);
    invalid(errors)?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    let Some(day) = case.site_visit_on else {
        return Err(AppError::Conflict(
            "ACC-7: 実地調査の日程がまだ計画されていません (no site-visit day planned yet)".into(),
        ));
    };
    if matches!(
        case.status,
        CaseStatus::Ineligible
            | CaseStatus::Accredited
            | CaseStatus::Denied
            | CaseStatus::Withdrawn
            | CaseStatus::Stopped
    ) {
        return Err(AppError::Conflict(format!(
            "ACC-7: 状態「{}」の案件の日程は変更できません (the case is closed: {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    if let Err(list) = validate_schedule(&mut items, day) {
        return Err(AppError::Validation(
            list.into_iter()
                .map(|e| {
                    let field = match e.index {
                        Some(i) => format!("items[{i}].{}", e.field),
                        None => e.field.to_owned(),
                    };
                    FieldError::new(&field, e.message)
                })
                .collect(),
        ));
    }
    let before = store::schedule(&mut *tx, id).await?;
    let text = serde_json::to_string(&items).map_err(|e| AppError::Internal(e.to_string()))?;
    store::put_schedule(&mut tx, id, &text, &caller.user.id, now).await?;
    let changes = audit::diff(&[(
        "site_visit_schedule",
        before
            .and_then(|b| serde_json::from_str::<Value>(&b).ok())
            .unwrap_or(Value::Null),
        json!(items),
    )]);
    finish(tx, state, caller, "acc_case.site_visit_schedule", id, changes).await?;
    Ok(schedule_view(&case, Some((items, true))))
}

// ---------------------------------------------------------------------------------------------------------
// The case JSON's additions

/// Adds `unit`, and for those who may see them `objections` and `cooling_offs`, to the case JSON.
pub async fn extend_view(
    state: &AppState,
    caller: &Caller,
    loaded: &Loaded,
    v: &mut super::case::CaseView,
) -> AppResult<()> {
    v.unit = unit_view(state, &loaded.case).await?;
    let seen = seen(&mut *state.db.acquire().await?, caller, loaded).await?;
    v.objections = seen
        .objections
        .map(|list| list.iter().map(objection_view).collect());
    v.cooling_offs = seen.cooling_offs.map(|list| {
        list.into_iter()
            .map(|c| super::case::CoolingOff {
                surveyor_id: c.surveyor_id,
                surveyor_name: c.surveyor_name,
                decided_on: c.decided_on,
                ends_on: c.ends_on,
            })
            .collect()
    });
    Ok(())
}

/// The objections and cooling-offs of a case as `caller` may see them (ACC-8), for the API's case and the
/// screen's impartiality panel.
#[derive(Debug, Default)]
pub struct Seen {
    /// For those who may see objections.
    pub objections: Option<Vec<store::Objection>>,
    /// For the office, the head and administrators.
    pub cooling_offs: Option<Vec<store::CoolingOffRow>>,
}

/// What of the case's impartiality record `caller` may see.
pub async fn seen(conn: &mut Conn, caller: &Caller, loaded: &Loaded) -> AppResult<Seen> {
    let mut seen = Seen::default();
    if may(loaded, caller, ImpartialityAction::ViewObjections) {
        seen.objections = Some(store::objections(&mut *conn, &loaded.case.id).await?);
    }
    if matches!(caller.user.role, Role::Office | Role::Head | Role::Admin) {
        seen.cooling_offs = Some(store::cooling_offs_of_case(&mut *conn, &loaded.case.id).await?);
    }
    Ok(seen)
}

/// The department's unit decision (ACC-2), if the case applies for a department and the head decided.
pub async fn unit_decision(conn: &mut Conn, case: &Case) -> AppResult<Option<store::UnitDecision>> {
    if case.unit_name.is_none() {
        return Ok(None);
    }
    Ok(store::unit_decision(conn, &case.id).await?)
}

/// The warnings recorded with the surveyor's newest engagement (ACC-8), shown to the office right after it.
pub async fn latest_engagement_warnings(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
) -> AppResult<Value> {
    AppError::check(engagements_authz(&caller.actor()))?;
    Ok(store::engagements(state.db.pool(), user_id)
        .await?
        .into_iter()
        .max_by_key(|e| e.created_at)
        .map(|e| e.warnings)
        .unwrap_or(Value::Null))
}
