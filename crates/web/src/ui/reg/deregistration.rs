//! The public reports inbox, deregistration cases (REG-7) and the public report form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_app::reg::deregistration::view as dereg;
use nintei_domain::role::Role;
use nintei_store::reg_reports::Report;
use serde::Deserialize;

use super::*;
use crate::auth::{AnySession, ClientAddr, WebUser, check_csrf, lang_of};
use crate::error::{AppError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::Caller;
use nintei_app::reg::{self, CaseStep, OpenInvestigationInput, ReportInput, StepInput};
use nintei_app::security::random_token;
use nintei_app::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Public reports inbox and deregistration cases (REG-7)

pub struct ReportRow {
    id: String,
    number: String,
    message: String,
    contact: String,
    received_at: String,
    status_key: &'static str,
    investigation_id: String,
}

#[derive(Template)]
#[template(path = "reg_reports.html")]
struct ReportsPage {
    p: Page,
    rows: Vec<ReportRow>,
    office: bool,
    today: String,
    errors: Errors,
}

fn jst_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| {
            t.with_timezone(&nintei_app::clock::jst())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A report as listed: `investigation` names the case it is part of on that case's page.
fn report_row(r: Report, investigation: Option<&str>) -> ReportRow {
    ReportRow {
        status_key: match (investigation, r.status.as_str()) {
            (Some(_), _) | (None, "investigating") => "reg.report.investigating",
            (None, "new") => "reg.report.new",
            _ => "reg.report.filed",
        },
        id: r.id,
        number: r.registration_number,
        message: r.message,
        contact: r.contact_email.unwrap_or_default(),
        received_at: jst_time(r.received_at),
        investigation_id: investigation
            .map(str::to_owned)
            .or(r.investigation_id)
            .unwrap_or_default(),
    }
}

async fn reports_page(state: &AppState, s: &AnySession, errors: Errors) -> Result<ReportsPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    let rows = dereg::reports(state, &s.caller, None)
        .await
        .map_err(&err)?
        .into_iter()
        .map(|r| report_row(r, None))
        .collect();
    Ok(ReportsPage {
        p: Page::for_session(s, "reg.reports_title", "/registration/reports"),
        rows,
        office: actor.role == Role::Office,
        today: state.clock.today().to_string(),
        errors,
    })
}

pub async fn reports(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = reports_page(&state, &s, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn file_report(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    reg::file_report(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(Redirect::to("/registration/reports").into_response())
}

pub async fn open_investigation(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let input = OpenInvestigationInput {
        registration_number: value(&pairs, "registration_number").to_owned(),
        opened_on: value(&pairs, "opened_on").to_owned(),
        reason: value(&pairs, "reason").to_owned(),
        report_ids: values(&pairs, "report_ids")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    match reg::open_investigation(&state, &s.caller, &input).await {
        Ok(case) => Ok(Redirect::to(&format!("/registration/investigations/{}", case.id)).into_response()),
        Err(e) => {
            // A refused opening shows why beside its reason, as 400 like a missing one.
            let r = form::refused(e, s.lang)?.beside("reason");
            let page = reports_page(&state, &s, r.errors).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "reg_investigation.html")]
pub(super) struct InvestigationPage {
    p: Page,
    id: String,
    number: String,
    org_name: String,
    registration_status_key: &'static str,
    status: String,
    status_key: &'static str,
    opened_on: String,
    internals: bool,
    reason: String,
    referred: Option<(String, String)>,
    closed: Option<(String, String)>,
    decision: Option<(&'static str, String, String)>,
    reports: Vec<ReportRow>,
    /// REG-7: the document requests with the institution's answers and their files.
    requests: Vec<super::hearing::RequestRow>,
    /// The institution's user may answer the requests still open (upload form per request).
    may_answer: bool,
    records: Vec<(&'static str, String, String)>,
    /// REG-7: the hearings notified to the institution (day, place), shown to it too.
    hearings: Vec<(String, String)>,
    votes: Vec<(String, &'static str, String)>,
    tally: (usize, usize),
    may_manage: bool,
    may_vote: bool,
    may_decide: bool,
    record_kinds: Vec<(&'static str, &'static str)>,
    today: String,
    errors: Errors,
}

fn outcome_key(o: nintei_domain::reg::status::CommitteeOutcome) -> &'static str {
    match o {
        nintei_domain::reg::status::CommitteeOutcome::Deregister => "reg.outcome.deregister",
        nintei_domain::reg::status::CommitteeOutcome::Maintain => "reg.outcome.maintain",
    }
}

pub(super) async fn investigation_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
) -> Result<InvestigationPage, PageError> {
    let err = in_lang(s.lang);
    let v = dereg::view(state, &s.caller, id).await.map_err(&err)?;
    let case = v.case;
    let internals = v.internals;
    let reports = v
        .reports
        .into_iter()
        .map(|r| report_row(r, Some(&case.id)))
        .collect();
    let records = v
        .records
        .into_iter()
        .map(|r| {
            let label = reg::RECORD_KINDS
                .iter()
                .find(|(k, _)| *k == r.kind)
                .map(|(_, l)| *l)
                .unwrap_or(if r.kind == reg::HEARING_NOTICE {
                    "聴聞の通知"
                } else {
                    "その他"
                });
            (label, r.held_on.to_string(), r.summary)
        })
        .collect();
    let votes: Vec<(String, &'static str, String)> = v
        .votes
        .into_iter()
        .map(|(name, vote)| (name, outcome_key(vote.outcome), vote.comment))
        .collect();
    let tally = (
        votes.iter().filter(|v| v.1 == "reg.outcome.deregister").count(),
        votes.iter().filter(|v| v.1 == "reg.outcome.maintain").count(),
    );
    let requests = super::hearing::request_rows(state, &case.id)
        .await
        .map_err(&err)?;
    let reg = v.registration;
    Ok(InvestigationPage {
        p: Page::for_session(
            s,
            "reg.investigation_title",
            &format!("/registration/investigations/{id}"),
        ),
        id: case.id.clone(),
        number: reg.number.clone(),
        org_name: v.organization_name,
        registration_status_key: status_key(reg.status),
        status_key: investigation_key(&case.status),
        opened_on: case.opened_on.to_string(),
        internals,
        reason: if internals {
            case.reason.clone()
        } else {
            String::new()
        },
        referred: case
            .referred_on
            .filter(|_| internals)
            .map(|d| (d.to_string(), case.referral_reason.clone().unwrap_or_default())),
        closed: case
            .closed_on
            .map(|d| (d.to_string(), case.close_reason.clone().unwrap_or_default())),
        decision: case.outcome.map(|o| {
            (
                outcome_key(o),
                case.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                case.decision_reason.clone().unwrap_or_default(),
            )
        }),
        reports,
        requests,
        records,
        hearings: v
            .hearings
            .into_iter()
            .map(|r| (r.held_on.to_string(), r.summary))
            .collect(),
        votes,
        tally,
        may_manage: v.may_manage,
        may_answer: v.may_answer,
        may_vote: v.may_vote,
        may_decide: v.may_decide,
        status: case.status,
        record_kinds: reg::RECORD_KINDS.to_vec(),
        today: state.clock.today().to_string(),
        errors,
    })
}

pub async fn show_investigation(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = investigation_page(&state, &s, &id, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

async fn run_investigation_step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    step: &str,
    f: &StepForm,
) -> Result<(), AppError> {
    match step {
        "document-requests" => reg::request_documents(state, caller, id, &f.read()?)
            .await
            .map(|_| ()),
        "receipt" => reg::receive_documents(state, caller, id, &f.get("request_id"), &f.read()?).await,
        "records" => reg::add_record(state, caller, id, &f.read()?).await.map(|_| ()),
        "referral" | "closure" | "decision" => {
            let which = match step {
                "referral" => CaseStep::Refer,
                "closure" => CaseStep::Close,
                _ => CaseStep::Decide,
            };
            // The form names its date `on`: the input's other names for it are aliases, which the form reader
            // cannot tell from fields (each would be read).
            let input = StepInput {
                on: f.get("on"),
                reason: f.get("reason"),
                outcome: f.opt("outcome"),
            };
            reg::case_step(state, caller, id, which, &input).await.map(|_| ())
        }
        "votes" => reg::vote(state, caller, id, &f.read()?).await,
        _ => Err(AppError::NotFound),
    }
}

/// One form of the deregistration case page; `step` names it in the path.
pub async fn investigation_action(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, step)): Path<(String, String)>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let result = run_investigation_step(&state, &s.caller, &id, &step, &f).await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/registration/investigations/{id}")).into_response()),
        Err(e) => {
            let r = form::refused(e, s.lang)?.beside("case");
            let page = investigation_page(&state, &s, &id, r.errors).await?;
            Ok(render_status(r.status, &page))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The public report form (no account; CSRF by a double-submit cookie as on the login form; honeypot)

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    p: Page,
    csrf: String,
    number: String,
    message: String,
    contact_email: String,
    errors: Errors,
    throttled: bool,
    done: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportFormQuery {
    number: String,
}

fn report_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    mut page: ReportFormPage,
) -> Response {
    let csrf = random_token(24);
    page.csrf = csrf.clone();
    let resp = crate::auth::with_form_token(state, render_status(status, &page), &csrf);
    let _ = headers;
    resp
}

fn blank_report(headers: &HeaderMap, number: &str) -> ReportFormPage {
    ReportFormPage {
        p: Page::public(lang_of(headers), "reg.report_form_title", "/report"),
        csrf: String::new(),
        number: number.to_owned(),
        message: String::new(),
        contact_email: String::new(),
        errors: Errors::default(),
        throttled: false,
        done: false,
    }
}

pub async fn report_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportFormQuery>,
) -> Response {
    let page = blank_report(&headers, &q.number);
    report_page(&state, &headers, StatusCode::OK, page)
}

pub async fn report_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    let mut page = blank_report(&headers, &f.get("registration_number"));
    let result = match f.read::<ReportInput>() {
        Ok(input) => reg::receive_report(&state, &address, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            page.done = true;
            Ok(report_page(&state, &headers, StatusCode::ACCEPTED, page))
        }
        Err(AppError::Validation(errors)) => {
            page.message = f.get("message");
            page.contact_email = f.get("contact_email");
            page.errors = Errors(errors);
            Ok(report_page(&state, &headers, StatusCode::BAD_REQUEST, page))
        }
        Err(AppError::TooManyRequests { .. }) => {
            page.throttled = true;
            page.message = f.get("message");
            page.contact_email = f.get("contact_email");
            Ok(report_page(&state, &headers, StatusCode::TOO_MANY_REQUESTS, page))
        }
        Err(e) => Err(PageError::App(e, lang_of(&headers))),
    }
}
