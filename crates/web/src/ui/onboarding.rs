//! Self-service onboarding screens: the public request form (`/signup`, CSRF by a double-submit cookie and a
//! honeypot, as the public report form), the address check behind the mailed link (`/signup/verify/{token}`: a
//! button, since mail scanners open links), and the office's list of requests with approval and refusal.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::org::{FormField, OrgForm, fields};
use crate::auth::{ClientAddr, WebUser, check_csrf, lang_of};
use crate::error::{AppError, PageError};
use crate::ui::form::StepForm;
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::onboarding;
use nintei_app::org::OrganizationInput;
use nintei_app::security::random_token;
use nintei_app::state::AppState;

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    p: Page,
    csrf: String,
    fields: Vec<FormField>,
    errors: Errors,
    done: bool,
    throttled: bool,
}

/// A public page with a fresh double-submit token in its cookie and form.
fn public_form(state: &AppState, status: StatusCode, mut page: SignupPage) -> Response {
    let csrf = random_token(24);
    page.csrf = csrf.clone();
    crate::auth::with_form_token(state, render_status(status, &page), &csrf)
}

fn blank(headers: &HeaderMap, form: &OrgForm) -> SignupPage {
    SignupPage {
        p: Page::public(lang_of(headers), "signup.title", "/signup"),
        csrf: String::new(),
        fields: fields(form),
        errors: Errors::default(),
        done: false,
        throttled: false,
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    public_form(&state, StatusCode::OK, blank(&headers, &OrgForm::default()))
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    // Texts only: reading the form to show it again cannot fail.
    let shown: OrgForm = f.read().map_err(|e| PageError::App(e, lang_of(&headers)))?;
    let mut page = blank(&headers, &shown);
    let result = match f.read::<OrganizationInput>() {
        Ok(input) => onboarding::request(&state, &input, &address, &shown.website).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            page.done = true;
            page.fields = fields(&OrgForm::default());
            Ok(public_form(&state, StatusCode::ACCEPTED, page))
        }
        Err(AppError::Validation(errors)) => {
            page.errors = Errors(errors);
            Ok(public_form(&state, StatusCode::BAD_REQUEST, page))
        }
        Err(AppError::TooManyRequests { .. }) => {
            page.throttled = true;
            Ok(public_form(&state, StatusCode::TOO_MANY_REQUESTS, page))
        }
        Err(e) => Err(PageError::App(e, lang_of(&headers))),
    }
}

#[derive(Template)]
#[template(path = "signup_verify.html")]
struct VerifyPage {
    p: Page,
    csrf: String,
    token: String,
    done: bool,
}

#[derive(Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn verify_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    onboarding::check_link(&state, &token)
        .await
        .map_err(|e| PageError::App(e, lang_of(&headers)))?;
    let csrf = random_token(24);
    let page = VerifyPage {
        p: Page::public(lang_of(&headers), "signup.verify_title", "/signup"),
        csrf: csrf.clone(),
        token,
        done: false,
    };
    Ok(crate::auth::with_form_token(
        &state,
        render_status(StatusCode::OK, &page),
        &csrf,
    ))
}

pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    UiForm(f): UiForm<CsrfOnly>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    onboarding::verify(&state, &token, "signup")
        .await
        .map_err(|e| PageError::App(e, lang_of(&headers)))?;
    let page = VerifyPage {
        p: Page::public(lang_of(&headers), "signup.verify_title", "/signup"),
        csrf: String::new(),
        token: String::new(),
        done: true,
    };
    Ok(render_status(StatusCode::OK, &page))
}

/// One request on the office's list.
pub struct RequestRow {
    id: String,
    name: String,
    corporate_number: String,
    address: String,
    contact: String,
    status: String,
    waiting: bool,
    reason: String,
}

#[derive(Template)]
#[template(path = "account_requests.html")]
struct RequestsPage {
    p: Page,
    rows: Vec<RequestRow>,
    errors: Errors,
    message: String,
}

async fn requests_page(
    state: &AppState,
    s: &crate::auth::AnySession,
    errors: Errors,
    message: String,
) -> Result<RequestsPage, PageError> {
    let err = in_lang(s.lang);
    let rows = onboarding::list(state, &s.caller)
        .await
        .map_err(&err)?
        .into_iter()
        .map(|r| {
            let o = &r.organization;
            let text = |k: &str| o.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let contact = o.get("contact").cloned().unwrap_or_default();
            let c = |k: &str| contact.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            RequestRow {
                name: text("name"),
                corporate_number: text("corporate_number"),
                address: text("address"),
                contact: format!("{} <{}> {}", c("name"), c("email"), c("phone")),
                status: crate::i18n::t(s.lang, &format!("signup.status.{}", r.status)).to_owned(),
                waiting: r.status == "verified",
                reason: r.reason.clone().unwrap_or_default(),
                id: r.id,
            }
        })
        .collect();
    Ok(RequestsPage {
        p: Page::for_session(s, "signup.requests_title", "/admin/account-requests"),
        rows,
        errors,
        message,
    })
}

pub async fn list(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = requests_page(&state, &s, Errors::default(), String::new()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
pub struct RefuseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn approve(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<CsrfOnly>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    match onboarding::approve(&state, &s.caller, &id).await {
        Ok(org) => Ok(Redirect::to(&format!("/organizations/{org}")).into_response()),
        Err(AppError::Conflict(m)) => {
            let page = requests_page(&state, &s, Errors::default(), m).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

pub async fn refuse(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<RefuseForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    match onboarding::refuse(&state, &s.caller, &id, &f.reason).await {
        Ok(()) => Ok(Redirect::to("/admin/account-requests").into_response()),
        Err(e) => {
            let r = crate::ui::form::refused(e, s.lang)?;
            let page = requests_page(&state, &s, r.errors, r.message).await?;
            Ok(render_status(r.status, &page))
        }
    }
}
