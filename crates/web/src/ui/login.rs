//! Signing in and out: password, then the second factor when enrolled; a new session id at every step up.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, AnySession, PRE_CSRF_COOKIE, SESSION_COOKIE, check_csrf, cookie, lang_of};
use crate::error::PageError;
use crate::ui::{Page, UiForm, render_status};
use nintei_app::Caller;
use nintei_app::login::{self as checks, CodeOutcome, Credentials, LoginOutcome};
use nintei_app::security::random_token;
use nintei_app::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    csrf: String,
    email: String,
    message: &'static str,
    demo_accounts: Vec<String>,
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: &str,
    message: &'static str,
) -> Response {
    let mut p = Page::public(lang_of(headers), "login.title", "/login");
    p.demo = state.config.demo;
    // The form token is a double-submit cookie: there is no session yet to keep it in.
    let csrf = random_token(24);
    let page = LoginPage {
        p,
        csrf: csrf.clone(),
        email: email.to_owned(),
        message,
        demo_accounts: if state.config.demo {
            nintei_app::demo::account_lines()
        } else {
            Vec::new()
        },
    };
    crate::auth::with_form_token(state, render_status(status, &page), &csrf)
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    login_page(&state, &headers, StatusCode::OK, "", "")
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Optional: the second-factor code, which lets an enrolled user past an account lock.
    #[serde(default)]
    code: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::auth::ClientAddr(address): crate::auth::ClientAddr,
    rid: axum::Extension<crate::middleware::RequestId>,
    UiForm(f): UiForm<LoginForm>,
) -> Result<Response, PageError> {
    crate::auth::check_form_token(&headers, &f.csrf)?;
    let code = f.code.trim();
    let creds = Credentials {
        email: &f.email,
        password: &f.password,
        address: &address,
        code: (!code.is_empty()).then_some(code),
    };
    let (user, pending) = match checks::check_password(&state, &creds).await? {
        LoginOutcome::Ok(u) => {
            // A code given with the password spares the second step; a wrong one leads to it.
            let pending = u.totp_enabled
                && (code.is_empty()
                    || checks::check_totp(&state, &u, code, &address).await? != CodeOutcome::Ok);
            (u, pending)
        }
        LoginOutcome::PassedLock(u) => (u, false),
        LoginOutcome::Throttled(_) | LoginOutcome::Busy => {
            return Ok(login_page(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &f.email,
                "login.throttled",
            ));
        }
        LoginOutcome::Rejected => {
            return Ok(login_page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                &f.email,
                "login.failed",
            ));
        }
    };
    let old = cookie(&headers, SESSION_COOKIE).map(|s| nintei_store::sha256_hex(s.as_bytes()));
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let caller = Caller {
        user,
        request_id: rid.0.0.clone(),
    };
    let cookie_value = start_session(
        &state,
        &caller,
        old.as_deref(),
        pending,
        &address,
        ua,
        "session.login",
    )
    .await?;
    if pending {
        return Ok(with_session_cookie(
            &state,
            Redirect::to("/login/totp").into_response(),
            &cookie_value,
        ));
    }
    Ok(with_session_cookie(
        &state,
        returned(&state, &headers),
        &cookie_value,
    ))
}

/// Creates a fresh session (a new id: no session fixation), ending `old` if given; audited.
pub(crate) async fn start_session(
    state: &AppState,
    caller: &Caller,
    old: Option<&str>,
    mfa_pending: bool,
    address: &str,
    user_agent: &str,
    action: &str,
) -> Result<String, PageError> {
    let origin = nintei_app::session::Origin { address, user_agent };
    let secret = nintei_app::session::start(state, caller, old, mfa_pending, &origin, action)
        .await
        .map_err(PageError::from)?;
    Ok(secret)
}

pub(crate) fn with_session_cookie(state: &AppState, mut resp: Response, secret: &str) -> Response {
    for c in [
        auth::set_session_cookie(state, SESSION_COOKIE, secret),
        auth::set_cookie(state, PRE_CSRF_COOKIE, "", 0),
    ] {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[derive(Template)]
#[template(path = "totp_login.html")]
struct TotpLoginPage {
    p: Page,
    message: &'static str,
    /// In demo mode only: the demo administrator's current code.
    demo_code: String,
}

fn totp_page(state: &AppState, s: &AnySession, message: &'static str) -> TotpLoginPage {
    let demo_code = if state.config.demo && s.caller.user.email == nintei_app::demo::DEMO_USERS[0].0 {
        nintei_app::demo::current_admin_code(state.clock.unix())
    } else {
        String::new()
    };
    TotpLoginPage {
        p: Page::for_session(s, "totp.login_title", "/login/totp"),
        message,
        demo_code,
    }
}

pub async fn totp_form(State(state): State<AppState>, s: AnySession) -> Response {
    if !s.session.mfa_pending {
        return Redirect::to("/dashboard").into_response();
    }
    render_status(StatusCode::OK, &totp_page(&state, &s, ""))
}

#[derive(Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::auth::ClientAddr(address): crate::auth::ClientAddr,
    s: AnySession,
    UiForm(f): UiForm<CodeForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    if !s.session.mfa_pending {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    match checks::check_totp(&state, &s.caller.user, &f.code, &address).await? {
        CodeOutcome::Ok => {}
        CodeOutcome::Throttled(_) => {
            return Ok(render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &totp_page(&state, &s, "login.throttled"),
            ));
        }
        CodeOutcome::Wrong => {
            if checks::wrong_code_in_session(&state, &s.session.id_hash).await? {
                return end_pending_session(&state, &s).await;
            }
            return Ok(render_status(
                StatusCode::UNAUTHORIZED,
                &totp_page(&state, &s, "totp.failed"),
            ));
        }
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secret = start_session(
        &state,
        &s.caller,
        Some(&s.session.id_hash),
        false,
        &address,
        ua,
        "session.second_factor",
    )
    .await?;
    Ok(with_session_cookie(&state, returned(&state, &headers), &secret))
}

/// The redirect of a completed sign-in: back to the page asked for before it, or the dashboard.
fn returned(state: &AppState, headers: &HeaderMap) -> Response {
    let (to, forget) = crate::auth::after_sign_in(state, headers);
    let mut resp = Redirect::to(&to).into_response();
    if let Ok(v) = forget.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Ends a half-signed-in session after too many wrong codes; audited; back to the sign-in page.
async fn end_pending_session(state: &AppState, s: &AnySession) -> Result<Response, PageError> {
    let changes = json!({"session": {"before": "mfa_pending", "after": "ended"}});
    nintei_app::session::end(
        state,
        &s.caller,
        &s.session.id_hash,
        "session.second_factor_failed",
        changes,
    )
    .await
    .map_err(PageError::from)?;
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = auth::set_cookie(state, SESSION_COOKIE, "", 0).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[derive(Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    s: AnySession,
    UiForm(f): UiForm<CsrfOnly>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    nintei_app::session::end(&state, &s.caller, &s.session.id_hash, "session.logout", json!({}))
        .await
        .map_err(PageError::from)?;
    let mut resp = Redirect::to("/").into_response();
    if let Ok(v) = auth::set_cookie(&state, SESSION_COOKIE, "", 0).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
