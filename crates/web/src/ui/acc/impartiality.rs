//! The impartiality part of the case screen and the surveyors' engagement screens (ACC-2, ACC-7, ACC-8): the
//! head's unit decision, objections to a surveyor and the office's decision, the cooling-offs, the site-visit
//! timetable with its edit form (`acc_impartiality.html`, included in the case page; its forms post to the
//! case's step route), and the office's record of surveyors' engagements with cooling-off warnings. Every
//! form calls the same operations as the API ([`nintei_app::acc::impartiality`]).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::impartiality::EngagementKind;
use nintei_domain::acc::site_visit::visit_days;
use nintei_domain::authz::acc_impartiality::{ImpartialityAction, engagements as engagements_authz};
use nintei_domain::role::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, AppResult, FieldError, PageError};
use crate::i18n::{self, Lang};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::Caller;
use nintei_app::acc::Loaded;
use nintei_app::acc::impartiality::{self as imp, may};
use nintei_app::state::AppState;

fn tr(lang: Lang, key: &str) -> String {
    i18n::t(lang, key).to_owned()
}

/// The case-page steps this module handles (`POST /accreditation/cases/{id}/{step}`).
pub const STEPS: [&str; 4] = ["unit-decision", "objection", "objection-decision", "schedule"];

/// Blank rows offered under the timetable for new items.
const BLANK_ROWS: usize = 3;

pub struct UnitView {
    pub(crate) name: String,
    pub(crate) conditions: Vec<(String, String)>,
    pub(crate) decision: String,
}

pub struct ObjectionRow {
    pub(crate) surveyor_id: String,
    pub(crate) surveyor: String,
    pub(crate) reason: String,
    pub(crate) raised_on: String,
    pub(crate) status: String,
    pub(crate) open: bool,
    pub(crate) decided_on: String,
}

pub struct ScheduleRow {
    pub(crate) date: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) title: String,
    pub(crate) note: String,
}

pub struct EditRow {
    pub(crate) i: usize,
    pub(crate) date: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) title: String,
    pub(crate) note: String,
    pub(crate) errors: Vec<String>,
}

/// What the case page shows of ACC-2, ACC-7 and ACC-8 for the caller.
#[derive(Default)]
pub struct Panel {
    pub(crate) unit: Option<UnitView>,
    pub(crate) unit_form: bool,
    /// `None` when the caller may not see objections.
    pub(crate) objections: Option<Vec<ObjectionRow>>,
    /// Surveyors the organization may object to now (id, name); empty: no form.
    pub(crate) objectable: Vec<(String, String)>,
    pub(crate) decide_objections: bool,
    /// Office: each assigned surveyor's engagement screen (name, address).
    pub(crate) engagement_links: Vec<(String, String)>,
    pub(crate) cooling_offs: Option<Vec<(String, String, String)>>,
    pub(crate) schedule: Option<(bool, Vec<ScheduleRow>)>,
    pub(crate) schedule_form: bool,
    pub(crate) days: Vec<String>,
    pub(crate) edit_rows: Vec<EditRow>,
    pub(crate) today: String,
    pub(crate) form: String,
    pub(crate) v: HashMap<String, String>,
    pub(crate) errors: Errors,
}

impl Panel {
    pub fn val(&self, name: &str, default: &str) -> String {
        self.v.get(name).cloned().unwrap_or_else(|| default.to_owned())
    }

    pub fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.form == form {
            self.errors.get(field)
        } else {
            None
        }
    }

    /// The error of the objection decision form of one surveyor (several forms share field names).
    pub fn decision_err(&self, surveyor_id: &str, field: &str) -> Option<&str> {
        if self.form == "objection-decision" && self.v.get("user_id").map(String::as_str) == Some(surveyor_id)
        {
            self.errors.get(field)
        } else {
            None
        }
    }

    pub fn any(&self) -> bool {
        self.unit.is_some() || self.objections.is_some() || self.schedule.is_some()
    }
}

const OBJECTION_STATUSES: [CaseStatus; 4] = [
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::Deferred,
];

/// Builds the panel of the case page; `form`, `v` and `errors` are the failed form's, if it was one of ours.
#[allow(clippy::too_many_arguments)]
pub async fn panel(
    state: &AppState,
    conn: &mut nintei_store::Conn,
    caller: &Caller,
    lang: Lang,
    loaded: &Loaded,
    form: &str,
    v: &HashMap<String, String>,
    errors: &Errors,
) -> AppResult<Panel> {
    let c = &loaded.case;
    let seen = imp::seen(&mut *conn, caller, loaded).await?;
    let yes_no = |b: bool| tr(lang, if b { "acc.yes" } else { "acc.no" });
    let mut p = Panel {
        today: state.clock.today().to_string(),
        form: form.to_owned(),
        v: if STEPS.contains(&form) {
            v.clone()
        } else {
            HashMap::new()
        },
        errors: if STEPS.contains(&form) {
            Errors(errors.0.clone())
        } else {
            Errors::default()
        },
        ..Panel::default()
    };
    // ACC-2
    if let Some(name) = &c.unit_name {
        let decision = imp::unit_decision(&mut *conn, c).await?;
        let mut conditions = Vec::new();
        if let Some(u) = imp::unit_conditions(c) {
            conditions.push((
                tr(lang, "imp.unit_departments"),
                yes_no(u.has_departments_with_different_services),
            ));
            conditions.push((
                tr(lang, "imp.unit_independent"),
                yes_no(u.independent_policy_and_budget),
            ));
            conditions.push((
                tr(lang, "imp.unit_recognized"),
                yes_no(u.recognized_as_independent),
            ));
        }
        p.unit_form = decision.is_none()
            && c.status == CaseStatus::Submitted
            && may(loaded, caller, ImpartialityAction::DecideUnit);
        p.unit = Some(UnitView {
            name: name.clone(),
            conditions,
            decision: decision.map_or_else(
                || tr(lang, "imp.unit_undecided"),
                |d| {
                    let what = tr(
                        lang,
                        if d.qualifies {
                            "imp.unit_qualifies"
                        } else {
                            "imp.unit_not_qualifies"
                        },
                    );
                    format!("{what}（{}）{}", d.decided_on, d.reason.unwrap_or_default())
                },
            ),
        });
    }
    // ACC-8: objections
    if let Some(list) = seen.objections {
        let open_for = |sid: &str| list.iter().any(|o| o.surveyor_id == sid && o.upheld.is_none());
        if may(loaded, caller, ImpartialityAction::Object) && OBJECTION_STATUSES.contains(&c.status) {
            p.objectable = loaded
                .surveyors
                .iter()
                .filter(|s| !open_for(&s.user_id))
                .map(|s| (s.user_id.clone(), s.name.clone()))
                .collect();
        }
        p.decide_objections = may(loaded, caller, ImpartialityAction::DecideObjection);
        p.objections = Some(
            list.iter()
                .map(|o| ObjectionRow {
                    surveyor_id: o.surveyor_id.clone(),
                    surveyor: o.surveyor_name.clone(),
                    reason: o.reason.clone(),
                    raised_on: o.raised_on.clone(),
                    status: tr(
                        lang,
                        match o.upheld {
                            None => "imp.objection_open",
                            Some(true) => "imp.objection_upheld",
                            Some(false) => "imp.objection_rejected",
                        },
                    ),
                    open: o.upheld.is_none(),
                    decided_on: o.decided_on.clone().unwrap_or_default(),
                })
                .collect(),
        );
    }
    if engagements_authz(&caller.actor()).is_allowed() {
        p.engagement_links = loaded
            .surveyors
            .iter()
            .map(|s| (s.name.clone(), format!("/surveyors/{}/engagements", s.user_id)))
            .collect();
    }
    if let Some(rows) = seen.cooling_offs
        && !rows.is_empty()
    {
        p.cooling_offs = Some(
            rows.into_iter()
                .map(|r| (r.surveyor_name, r.decided_on, r.ends_on))
                .collect(),
        );
    }
    // ACC-7: the timetable
    if may(loaded, caller, ImpartialityAction::ViewSchedule)
        && let (Some(day), Some((items, edited))) =
            (c.site_visit_on, imp::schedule_items(&mut *conn, c).await?)
    {
        p.days = visit_days(day).into_iter().map(|d| d.to_string()).collect();
        p.schedule_form = may(loaded, caller, ImpartialityAction::EditSchedule)
            && !matches!(
                c.status,
                CaseStatus::Ineligible
                    | CaseStatus::Accredited
                    | CaseStatus::Denied
                    | CaseStatus::Withdrawn
                    | CaseStatus::Stopped
            );
        let rows: Vec<ScheduleRow> = items
            .iter()
            .map(|i| ScheduleRow {
                date: i.date.to_string(),
                start: i.start.format("%H:%M").to_string(),
                end: i.end.format("%H:%M").to_string(),
                title: i.title.clone(),
                note: i.note.clone().unwrap_or_default(),
            })
            .collect();
        if p.schedule_form {
            p.edit_rows = if form == "schedule" {
                let n = v
                    .get("rows")
                    .and_then(|r| r.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(60);
                (0..n)
                    .map(|i| {
                        let get = |k: &str| v.get(&format!("{k}_{i}")).cloned().unwrap_or_default();
                        let prefix = format!("items[{i}].");
                        EditRow {
                            i,
                            date: get("date"),
                            start: get("start"),
                            end: get("end"),
                            title: get("title"),
                            note: get("note"),
                            errors: errors
                                .0
                                .iter()
                                .filter(|e| e.field.starts_with(&prefix))
                                .map(|e| e.message.clone())
                                .collect(),
                        }
                    })
                    .collect()
            } else {
                rows.iter()
                    .map(|r| {
                        (
                            r.date.clone(),
                            r.start.clone(),
                            r.end.clone(),
                            r.title.clone(),
                            r.note.clone(),
                        )
                    })
                    .chain(
                        std::iter::repeat_with(|| {
                            (
                                p.days.last().cloned().unwrap_or_default(),
                                String::new(),
                                String::new(),
                                String::new(),
                                String::new(),
                            )
                        })
                        .take(BLANK_ROWS),
                    )
                    .enumerate()
                    .map(|(i, (date, start, end, title, note))| EditRow {
                        i,
                        date,
                        start,
                        end,
                        title,
                        note,
                        errors: Vec::new(),
                    })
                    .collect()
            };
        }
        p.schedule = Some((edited, rows));
    }
    Ok(p)
}

fn get(fields: &HashMap<String, String>, name: &str) -> String {
    fields.get(name).cloned().unwrap_or_default()
}

/// Runs one of [`STEPS`] from the case page's form; `NotFound` for any other step.
pub async fn run_step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    step: &str,
    f: &HashMap<String, String>,
) -> Result<(), AppError> {
    match step {
        "unit-decision" => imp::decide_unit(state, caller, id, &form::read(f)?).await,
        "objection" => {
            let input: imp::ObjectionInput = form::read(f)?;
            let user_id = get(f, "user_id");
            if user_id.trim().is_empty() {
                return Err(AppError::field(
                    "user_id",
                    "認定調査員を選んでください (required)",
                ));
            }
            imp::object(state, caller, id, user_id.trim(), &input)
                .await
                .map(|_| ())
        }
        "objection-decision" => {
            imp::decide_objection(state, caller, id, get(f, "user_id").trim(), &form::read(f)?)
                .await
                .map(|_| ())
        }
        "schedule" => {
            // Rows left blank are skipped; errors name the row as shown (`items[row].field`).
            let n = get(f, "rows").trim().parse::<usize>().unwrap_or(0).min(60);
            let mut shown = Vec::new();
            let mut items = Vec::new();
            for i in 0..n {
                let cell = |k: &str| get(f, &format!("{k}_{i}")).trim().to_owned();
                if cell("title").is_empty() && cell("start").is_empty() && cell("end").is_empty() {
                    continue;
                }
                shown.push(i);
                items.push(
                    json!({"date": cell("date"), "start": cell("start"), "end": cell("end"),
                                  "title": cell("title"), "note": cell("note")}),
                );
            }
            let input = imp::ScheduleInput { items };
            imp::put_schedule(state, caller, id, &input)
                .await
                .map(|_| ())
                .map_err(|e| match e {
                    AppError::Validation(list) => AppError::Validation(
                        list.into_iter()
                            .map(|e| FieldError::new(renumber(&e.field, &shown), e.message))
                            .collect(),
                    ),
                    other => other,
                })
        }
        _ => Err(AppError::NotFound),
    }
}

/// `items[k].x` of the k-th non-blank row → `items[row].x` of the row as shown.
fn renumber(field: &str, shown: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("items[") else {
        return field.to_owned();
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return field.to_owned();
    };
    match k.parse::<usize>().ok().and_then(|k| shown.get(k)) {
        Some(row) => format!("items[{row}]{tail}"),
        None => field.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// The office's surveyor screens (ACC-8)

#[derive(Template)]
#[template(path = "surveyors.html")]
struct SurveyorsPage {
    p: Page,
    rows: Vec<(String, String, String)>,
}

/// `GET /surveyors` (office): the surveyors, each with a link to their engagements.
pub async fn list(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    AppError::check(engagements_authz(&s.caller.actor())).map_err(&err)?;
    let rows = nintei_app::account::staff(&state)
        .await
        .map_err(&err)?
        .into_iter()
        .filter(|u| u.role == Role::Surveyor)
        .map(|u| (u.id, u.name, u.email))
        .collect();
    let page = SurveyorsPage {
        p: Page::for_session(&s, "imp.surveyors_title", "/surveyors"),
        rows,
    };
    Ok(render_status(StatusCode::OK, &page))
}

pub struct EngagementRow {
    organization: String,
    kind: String,
    started_on: String,
    note: String,
    warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "surveyor_engagements.html")]
struct EngagementsPage {
    p: Page,
    user_id: String,
    surveyor: String,
    rows: Vec<EngagementRow>,
    cooling_offs: Vec<(String, String, String, bool)>,
    organizations: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
    notice: String,
    warnings: Vec<String>,
    conflict: String,
    v: HashMap<String, String>,
    errors: Errors,
}

impl EngagementsPage {
    fn val(&self, name: &str, default: &str) -> String {
        self.v.get(name).cloned().unwrap_or_else(|| default.to_owned())
    }
}

fn messages(warnings: &Value) -> Vec<String> {
    warnings
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.get("message").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn engagements_page(
    state: &AppState,
    s: &AnySession,
    user_id: &str,
    notice: String,
    warnings: Vec<String>,
    conflict: String,
    v: HashMap<String, String>,
    errors: Errors,
) -> Result<EngagementsPage, PageError> {
    let err = in_lang(s.lang);
    let data = imp::engagements(state, &s.caller, user_id).await.map_err(&err)?;
    let organizations = nintei_app::org::picker(state, &s.caller).await.map_err(&err)?;
    let rows = data
        .items
        .iter()
        .map(|e| EngagementRow {
            organization: e.organization_name.clone(),
            kind: EngagementKind::parse(&e.kind).map_or_else(
                || e.kind.clone(),
                |k| tr(s.lang, &format!("imp.kind.{}", k.as_str())),
            ),
            started_on: e.started_on.clone(),
            note: e.note.clone().unwrap_or_default(),
            warnings: messages(&e.warnings),
        })
        .collect();
    let cooling_offs = data
        .cooling_offs
        .iter()
        .map(|c| {
            (
                c.organization_name.clone(),
                c.decided_on.clone(),
                c.ends_on.clone(),
                c.active,
            )
        })
        .collect();
    Ok(EngagementsPage {
        p: Page::for_session(
            s,
            "imp.engagements_title",
            &format!("/surveyors/{user_id}/engagements"),
        ),
        user_id: user_id.to_owned(),
        surveyor: data.surveyor.name.clone(),
        rows,
        cooling_offs,
        organizations,
        kinds: EngagementKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    i18n::t(
                        s.lang,
                        match k {
                            EngagementKind::Consulting => "imp.kind.consulting",
                            EngagementKind::Service => "imp.kind.service",
                            EngagementKind::ResearchFunds => "imp.kind.research_funds",
                        },
                    ),
                )
            })
            .collect(),
        today: state.clock.today().to_string(),
        notice,
        warnings,
        conflict,
        v,
        errors,
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// `GET /surveyors/{user_id}/engagements` (office).
pub async fn engagements(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(user_id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let (notice, warnings) = if q.done.is_some() {
        // The newest record's warnings, so that the office sees them right after recording (ACC-8).
        let latest = imp::latest_engagement_warnings(&state, &s.caller, &user_id)
            .await
            .unwrap_or(serde_json::Value::Null);
        (tr(s.lang, "imp.engagement_done"), messages(&latest))
    } else {
        (String::new(), Vec::new())
    };
    let page = engagements_page(
        &state,
        &s,
        &user_id,
        notice,
        warnings,
        String::new(),
        HashMap::new(),
        Errors::default(),
    )
    .await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// `POST /surveyors/{user_id}/engagements` (office): records it (warnings included) and shows the list.
pub async fn add_engagement(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(user_id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let result = match f.read() {
        Ok(input) => imp::add_engagement(&state, &s.caller, &user_id, &input).await,
        Err(e) => Err(e),
    };
    let r = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/surveyors/{user_id}/engagements?done=1")).into_response()),
        Err(e) => form::refused(e, s.lang)?,
    };
    let page = engagements_page(
        &state,
        &s,
        &user_id,
        String::new(),
        Vec::new(),
        r.message,
        f.fields,
        r.errors,
    )
    .await?;
    Ok(render_status(r.status, &page))
}
