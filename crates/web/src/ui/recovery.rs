//! The password recovery screens: 「パスワードを忘れた方」 from the sign-in page asks for the e-mail address, and
//! the mailed link opens a form for the new password.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nintei_app::recovery;
use nintei_app::security::random_token;
use nintei_app::state::AppState;
use serde::Deserialize;

use crate::auth::{ClientAddr, lang_of};
use crate::error::{AppError, FieldError, PageError};
use crate::middleware::RequestId;
use crate::ui::{Errors, Page, UiForm, render_status};

#[derive(Template)]
#[template(path = "password_reset_request.html")]
struct RequestPage {
    p: Page,
    csrf: String,
    email: String,
    errors: Errors,
    sent: bool,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    p: Page,
    csrf: String,
    token: String,
    errors: Errors,
    done: bool,
}

/// A page with a fresh double-submit form token (there is no session to keep it in).
fn with_form_token<T: Template>(state: &AppState, status: StatusCode, page: &T, csrf: &str) -> Response {
    crate::auth::with_form_token(state, render_status(status, page), csrf)
}

fn request_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: &str,
    errors: Errors,
    sent: bool,
) -> Response {
    let csrf = random_token(24);
    let page = RequestPage {
        p: Page::public(lang_of(headers), "reset.title", "/password-reset"),
        csrf: csrf.clone(),
        email: email.to_owned(),
        errors,
        sent,
    };
    with_form_token(state, status, &page, &csrf)
}

/// `GET /password-reset`.
pub async fn request_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    request_page(&state, &headers, StatusCode::OK, "", Errors::default(), false)
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// `POST /password-reset`: the same answer whether or not an account has the address.
pub async fn request_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    rid: axum::Extension<RequestId>,
    UiForm(f): UiForm<RequestForm>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    match recovery::request(&state, &f.email, &address, &rid.0.0).await {
        Ok(()) => Ok(request_page(
            &state,
            &headers,
            StatusCode::OK,
            "",
            Errors::default(),
            true,
        )),
        Err(AppError::Validation(errors)) => Ok(request_page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &f.email,
            Errors(errors),
            false,
        )),
        Err(e @ AppError::TooManyRequests { .. }) => Ok(request_page(
            &state,
            &headers,
            crate::error::status(&e),
            &f.email,
            Errors(vec![FieldError::new(
                "email",
                "試行回数が多すぎます。しばらく待ってから、もう一度お試しください。 (too many requests; try again later)",
            )]),
            false,
        )),
        Err(e) => Err(PageError::App(e, lang_of(&headers))),
    }
}

fn reset_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    token: &str,
    errors: Errors,
    done: bool,
) -> Response {
    let csrf = random_token(24);
    let page = ResetPage {
        p: Page::public(lang_of(headers), "reset.new_title", "/password-reset"),
        csrf: csrf.clone(),
        token: token.to_owned(),
        errors,
        done,
    };
    with_form_token(state, status, &page, &csrf)
}

/// `GET /password-reset/{token}`: the form, or 404 for a used or expired link.
pub async fn reset_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    recovery::check_link(&state, &token)
        .await
        .map_err(|e| PageError::App(e, lang_of(&headers)))?;
    Ok(reset_page(
        &state,
        &headers,
        StatusCode::OK,
        &token,
        Errors::default(),
        false,
    ))
}

#[derive(Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /password-reset/{token}`.
pub async fn reset_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    rid: axum::Extension<RequestId>,
    UiForm(f): UiForm<ResetForm>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    match recovery::reset(&state, &token, &f.password, &rid.0.0).await {
        Ok(()) => Ok(reset_page(
            &state,
            &headers,
            StatusCode::OK,
            "",
            Errors::default(),
            true,
        )),
        Err(AppError::Validation(errors)) => Ok(reset_page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &token,
            Errors(errors),
            false,
        )),
        Err(e) => Err(PageError::App(e, lang_of(&headers))),
    }
}
