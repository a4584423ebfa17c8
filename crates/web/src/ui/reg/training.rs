//! Training sessions, enrolment and attendance (REG-9).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::reg::{self as authz, RegGlobalAction};
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::reg::{self, AttendanceInput, TrainingInput};
use nintei_app::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

#[derive(Template)]
#[template(path = "reg_trainings.html")]
struct TrainingsPage {
    p: Page,
    rows: Vec<reg::TrainingView>,
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
        rows: reg::training_list(state, &s.caller).await.map_err(&err)?,
        may_manage: authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed(),
        form,
        errors,
    })
}

pub async fn trainings(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = trainings_page(&state, &s, TrainingInput::default(), Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn create_training(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    // Texts only: reading cannot fail, so there is no form to show again for it.
    let input: TrainingInput = f.read().map_err(in_lang(s.lang))?;
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
    t: reg::TrainingView,
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
    let detail = reg::training_detail(state, &s.caller, id).await.map_err(&err)?;
    let choices = reg::counselor_choices(state, &s.caller, &detail.training)
        .await
        .map_err(&err)?;
    let attendance = detail
        .attendance
        .into_iter()
        .map(|a| (a.registration_number, a.counselor_name, a.attended))
        .collect();
    let enrolments = detail
        .enrolments
        .into_iter()
        .map(|e| (e.registration_number, e.counselor_name))
        .collect();
    Ok(TrainingPage {
        p: Page::for_session(s, "reg.training_title", &format!("/registration/trainings/{id}")),
        t: detail.training,
        attendance,
        may_manage: authz::global(&s.caller.actor(), RegGlobalAction::ManageTraining).is_allowed(),
        registrations: choices.attendance,
        errors,
        enrolments,
        enrol_options: choices.enrolment,
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
        Err(e) => {
            let r = form::refused(e, s.lang)?.beside("counselor");
            let page = training_page(&state, &s, &id, r.errors).await?;
            Ok(render_status(r.status, &page))
        }
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
        Err(e) => {
            let r = form::refused(e, s.lang)?.beside("counselor");
            let page = training_page(&state, &s, &id, r.errors).await?;
            Ok(render_status(r.status, &page))
        }
    }
}
