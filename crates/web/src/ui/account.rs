//! The user's own account: password change (ends every other session and token) and TOTP enrolment.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::role::Role;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::login::{start_session, with_session_cookie};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::login::{Credentials, LoginOutcome, check_password};
use nintei_app::security;
use nintei_app::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    p: Page,
    errors: Errors,
    done: bool,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn password_form(WebUser(s): WebUser, Query(q): Query<Done>) -> Response {
    let p = Page::for_session(&s, "password.title", "/account/password");
    render_status(
        StatusCode::OK,
        &PasswordPage {
            p,
            errors: Errors::default(),
            done: q.done.is_some(),
        },
    )
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::auth::ClientAddr(address): crate::auth::ClientAddr,
    WebUser(s): WebUser,
    UiForm(f): UiForm<PasswordForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    let user = &s.caller.user;
    let mut errors = Vec::new();
    let creds = Credentials {
        email: &user.email,
        password: &f.current,
        address: &address,
        code: None,
    };
    match check_password(&state, &creds).await.map_err(&err)? {
        LoginOutcome::Ok(_) | LoginOutcome::PassedLock(_) => {}
        LoginOutcome::Throttled(retry_after) => return Err(err(AppError::TooManyRequests { retry_after })),
        LoginOutcome::Busy => {
            return Err(err(AppError::TooManyRequests {
                retry_after: nintei_app::hashing::BUSY_RETRY_AFTER,
            }));
        }
        LoginOutcome::Rejected => errors.push(FieldError::new(
            "current",
            "現在のパスワードが違います (the current password is wrong)",
        )),
    }
    if let Err(e) = nintei_domain::password::check_password(&f.new, &user.email, &user.name) {
        errors.push(FieldError::new("password", e.to_string()));
    }
    if !errors.is_empty() {
        let p = Page::for_session(&s, "password.title", "/account/password");
        return Ok(render_status(
            StatusCode::BAD_REQUEST,
            &PasswordPage {
                p,
                errors: Errors(errors),
                done: false,
            },
        ));
    }
    let hash = nintei_app::hashing::hash_password(Some(&f.new))
        .await
        .map_err(&err)?;
    // A changed password ends every session and API token of the account, this one included.
    nintei_app::account::set_own_password(&state, &s.caller, &hash)
        .await
        .map_err(&err)?;
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secret = start_session(
        &state,
        &s.caller,
        None,
        false,
        &address,
        ua,
        "session.after_password_change",
    )
    .await?;
    let resp = Redirect::to("/account/password?done=1").into_response();
    Ok(with_session_cookie(&state, resp, &secret))
}

#[derive(Template)]
#[template(path = "totp_enroll.html")]
struct TotpEnrollPage {
    p: Page,
    required: bool,
    enabled: bool,
    secret: String,
    uri: String,
    message: &'static str,
}

fn enroll_page(
    state: &AppState,
    s: &AnySession,
    secret: String,
    message: &'static str,
    status: StatusCode,
) -> Response {
    let user = &s.caller.user;
    let uri = security::totp_uri(&state.config.totp_issuer, &user.email, &secret);
    let page = TotpEnrollPage {
        p: Page::for_session(s, "totp.enroll_title", "/account/totp"),
        required: user.role == Role::Admin && !user.totp_enabled,
        enabled: user.totp_enabled,
        secret,
        uri,
        message,
    };
    render_status(status, &page)
}

/// Shows a new secret without storing it (no state change on GET); the confirming POST stores it.
pub async fn totp_form(State(state): State<AppState>, s: AnySession) -> Response {
    if s.session.mfa_pending {
        return Redirect::to("/login/totp").into_response();
    }
    enroll_page(&state, &s, security::new_totp_secret(), "", StatusCode::OK)
}

#[derive(Deserialize, Default)]
pub struct EnrollForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    s: AnySession,
    UiForm(f): UiForm<EnrollForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    if s.session.mfa_pending {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    if s.caller.user.totp_enabled {
        return Ok(Redirect::to("/account/totp").into_response());
    }
    let now = state.clock.now();
    let valid_secret =
        f.secret.len() == 32 && data_encoding::BASE32_NOPAD.decode(f.secret.as_bytes()).is_ok();
    let step = if valid_secret {
        security::totp_verify(&f.secret, &f.code, now.timestamp())
    } else {
        None
    };
    let Some(step) = step else {
        let secret = if valid_secret {
            f.secret.clone()
        } else {
            security::new_totp_secret()
        };
        return Ok(enroll_page(
            &state,
            &s,
            secret,
            "totp.failed",
            StatusCode::BAD_REQUEST,
        ));
    };
    nintei_app::account::enable_totp(&state, &s.caller, &f.secret, step)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(Redirect::to("/dashboard").into_response())
}
