//! Training sessions, enrolment and attendance (REG-9).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::reg::{self as authz, RegGlobalAction};
use nintei_store::reg_trainings;
use nintei_store::registrations::{self};
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::reg::{self, AttendanceInput, TrainingInput};
use nintei_app::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

#[derive(Template)]
#[template(path = "reg_trainings.html")]
struct TrainingsPage {
    p: Page,
    rows: Vec<reg_trainings::Training>,
    may_manage: bool,
    form: TrainingInput,
    errors: Errors,
}

async fn trainings_page(
    state: &AppState,
    s: &AnySession,
    form: TrainingInput,
    errors: Errors,
) -> Result<TrainingsPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining)).map_err(&err)?;
    Ok(TrainingsPage {
        p: Page::for_session(s, "reg.trainings_title", "/registration/trainings"),
        rows: reg_trainings::list(state.db.pool(), 500)
            .await
            .map_err(|e| err(e.into()))?,
        may_manage: authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed(),
        form,
        errors,
    })
}

pub async fn trainings(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = trainings_page(&state, &s, TrainingInput::default(), Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrainingForm {
    csrf: String,
    title: String,
    held_on: String,
    place: String,
    description: String,
}

pub async fn create_training(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<TrainingForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let input = TrainingInput {
        title: f.title,
        held_on: f.held_on,
        place: f.place,
        description: Some(f.description),
    };
    match reg::create_training(&state, &s.caller, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let page = trainings_page(&state, &s, input, Errors(errors)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Template)]
#[template(path = "reg_training.html")]
struct TrainingPage {
    p: Page,
    t: reg_trainings::Training,
    attendance: Vec<(String, String, bool)>,
    may_manage: bool,
    registrations: Vec<(String, String)>,
    errors: Errors,
    /// REG-9: the counselors enrolled (an organization sees its own) and what an institution may enrol.
    enrolments: Vec<(String, String)>,
    enrol_options: Vec<(String, String)>,
}

async fn training_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
) -> Result<TrainingPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining)).map_err(&err)?;
    let pool = state.db.pool();
    let t = reg_trainings::by_id(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or_else(|| err(AppError::NotFound))?;
    let attendance = reg_trainings::attendance(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|a| authz::may_see(&actor, &a.organization_id))
        .map(|a| (a.registration_number, a.counselor_name, a.attended))
        .collect();
    let may_manage = authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed();
    // The office picks a counselor of a registration in force: "REG-… 氏名" options.
    let mut options = Vec::new();
    if may_manage {
        for l in registrations::list(pool, None, 1000)
            .await
            .map_err(|e| err(e.into()))?
        {
            if !l.registration.status.is_in_force() {
                continue;
            }
            for c in &l.registration.counselors {
                options.push((
                    format!("{}|{}", l.registration.number, c.name),
                    format!("{} {} — {}", l.registration.number, l.site_name, c.name),
                ));
            }
        }
    }
    let enrolments = reg_trainings::enrolments(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|e| authz::may_see(&actor, &e.organization_id))
        .map(|e| (e.registration_number, e.counselor_name))
        .collect();
    // An institution enrols the counselors of its own rooms registered today, in sessions still to come.
    let mut enrol_options = Vec::new();
    let today = state.clock.today();
    if let (Some(org), true) = (actor.organization_id.as_deref(), t.held_on >= today) {
        for l in registrations::list(pool, Some(org), 1000)
            .await
            .map_err(|e| err(e.into()))?
        {
            if l.registration.public_status_on(today)
                != nintei_domain::reg::validity::PublicStatus::Registered
            {
                continue;
            }
            for c in &l.registration.counselors {
                enrol_options.push((
                    format!("{}|{}", l.registration.number, c.name),
                    format!("{} {} — {}", l.registration.number, l.site_name, c.name),
                ));
            }
        }
    }
    Ok(TrainingPage {
        p: Page::for_session(s, "reg.training_title", &format!("/registration/trainings/{id}")),
        t,
        attendance,
        may_manage,
        registrations: options,
        errors,
        enrolments,
        enrol_options,
    })
}

pub async fn show_training(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = training_page(&state, &s, &id, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendanceForm {
    csrf: String,
    counselor: String,
    attended: String,
}

pub async fn record_attendance(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<AttendanceForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (number, name) = f.counselor.split_once('|').unwrap_or(("", ""));
    let input = AttendanceInput {
        registration_number: number.to_owned(),
        counselor_name: name.to_owned(),
        attended: Some(f.attended != "no"),
    };
    match reg::record_attendance(&state, &s.caller, &id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = crate::error::status(&e);
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("counselor", other.detail())],
            };
            let page = training_page(&state, &s, &id, Errors(errors)).await?;
            Ok(render_status(status, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

/// REG-9: an institution enrols a counselor in a coming session.
pub async fn enrol(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<AttendanceForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (number, name) = f.counselor.split_once('|').unwrap_or(("", ""));
    let input = reg::EnrolmentInput {
        registration_number: number.to_owned(),
        counselor_name: name.to_owned(),
    };
    match reg::enrol(&state, &s.caller, &id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = crate::error::status(&e);
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("counselor", other.detail())],
            };
            let page = training_page(&state, &s, &id, Errors(errors)).await?;
            Ok(render_status(status, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}
