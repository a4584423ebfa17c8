//! Who is calling: bearer tokens for the API, database sessions for the browser, and the cookies behind them.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use nintei_domain::role::Role;
use nintei_store::sessions::Session;

use crate::error::{AppError, PageError, WebError};
use crate::i18n::Lang;
use crate::middleware::RequestId;
use nintei_app::Caller;
use nintei_app::state::AppState;

pub const SESSION_COOKIE: &str = "nintei_session";
/// Double-submit token for forms shown before login (the login form itself).
pub const PRE_CSRF_COOKIE: &str = "nintei_csrf";
pub const LANG_COOKIE: &str = "nintei_lang";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The page a visitor opened before signing in (a path on this site, percent-encoded), for ten minutes.
pub const NEXT_COOKIE: &str = "nintei_next";

/// Whether `path` may be returned to after signing in: a path on this site (not `//host`, no backslash or control
/// character), and not the sign-in pages themselves.
pub fn safe_return_path(path: &str) -> bool {
    crate::ui::is_local_path(path)
        && !path.chars().any(char::is_control)
        && !path.starts_with("/login")
        && !path.starts_with("/logout")
        && path != "/"
        && path.len() <= 1000
}

fn encode_path(path: &str) -> String {
    crate::ui::percent_encode(path, b"/-_.~")
}

fn decode_path(raw: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut it = raw.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// Where a completed sign-in goes: the page asked for before it (if any, and safe), else the dashboard; with the
/// `Set-Cookie` that forgets it.
pub fn after_sign_in(state: &AppState, headers: &HeaderMap) -> (String, String) {
    let to = cookie(headers, NEXT_COOKIE)
        .and_then(decode_path)
        .filter(|p| safe_return_path(p))
        .unwrap_or_else(|| "/dashboard".to_owned());
    (to, set_cookie(state, NEXT_COOKIE, "", 0))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure behind HTTPS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// A browser-session cookie (no Max-Age): it ends when the browser closes, which matters on a shared office PC;
/// the server still ends the session after 30 idle minutes or 12 hours.
pub fn set_session_cookie(state: &AppState, name: &str, value: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(Lang::parse) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().starts_with("en") {
        Lang::En
    } else {
        Lang::Ja
    }
}

/// The client's address for throttling: the socket peer (a proxy in front must be trusted explicitly; it is not).
pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

pub fn request_id(parts: &Parts) -> String {
    parts
        .extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// The client's address as an extractor (never fails).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Behind a trusted reverse proxy, the address it reports (else every user would share the proxy's).
        let trusted = &state.config.trusted_proxies;
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| ci.0.ip());
        Ok(ClientAddr(match peer {
            Some(peer) if !trusted.is_empty() => {
                crate::proxy::client(trusted, peer, &parts.headers).to_string()
            }
            _ => client_address(parts),
        }))
    }
}

/// The API caller (`Authorization: Bearer …`). The API never reads cookies, so CSRF cannot reach it.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Caller);

/// The id of the bearer token a request was made with (set by [`ApiCaller`]).
#[derive(Debug, Clone)]
pub struct CurrentToken(pub String);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let (user, token_id) = nintei_app::session::by_token(state, token)
            .await?
            .ok_or(AppError::Unauthorized)?;
        parts.extensions.insert(CurrentToken(token_id));
        if !user.active {
            return Err(AppError::Unauthorized.into());
        }
        Ok(ApiCaller(Caller {
            user,
            request_id: request_id(parts),
        }))
    }
}

/// A browser session in any state (second factor possibly still pending).
#[derive(Debug, Clone)]
pub struct AnySession {
    pub caller: Caller,
    pub session: Session,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A page asked for before signing in is where the sign-in returns.
        let login = || {
            let wanted = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            if parts.method == axum::http::Method::GET && safe_return_path(wanted) {
                PageError::LoginReturn(set_cookie(state, NEXT_COOKIE, &encode_path(wanted), 600))
            } else {
                PageError::Login
            }
        };
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(login)?;
        let (session, user) = nintei_app::session::by_secret(state, secret)
            .await?
            .ok_or_else(login)?;
        if !user.active {
            return Err(login());
        }
        Ok(AnySession {
            caller: Caller {
                user,
                request_id: request_id(parts),
            },
            session,
            lang: lang_of(&parts.headers),
        })
    }
}

/// A fully signed-in browser user: second factor given, and an administrator has one enrolled.
#[derive(Debug, Clone)]
pub struct WebUser(pub AnySession);

impl FromRequestParts<AppState> for WebUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let s = AnySession::from_request_parts(parts, state).await?;
        if s.session.mfa_pending {
            return Err(PageError::Redirect("/login/totp".into()));
        }
        if s.caller.user.role == Role::Admin && !s.caller.user.totp_enabled {
            // TOTP is required for administrators: enrolment comes before anything else.
            return Err(PageError::Redirect("/account/totp".into()));
        }
        Ok(WebUser(s))
    }
}

/// Checks a form token of a page without a session (sign-in, recovery, public forms): the double-submit cookie
/// must be there and equal the form's field.
pub fn check_form_token(headers: &HeaderMap, submitted: &str) -> Result<(), PageError> {
    let expected = cookie(headers, PRE_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !nintei_app::security::constant_time_eq(expected, submitted) {
        return Err(PageError::Csrf);
    }
    Ok(())
}

/// Sets the double-submit cookie carrying `csrf`, the token the page's form sends back (one hour).
pub fn with_form_token(
    state: &AppState,
    mut resp: axum::response::Response,
    csrf: &str,
) -> axum::response::Response {
    if let Ok(v) = set_cookie(state, PRE_CSRF_COOKIE, csrf, 3600).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Checks the per-session form token (CSRF synchronizer token).
pub fn check_csrf(session: &Session, submitted: &str) -> Result<(), PageError> {
    if nintei_app::security::constant_time_eq(&session.csrf_token, submitted) {
        Ok(())
    } else {
        Err(PageError::Csrf)
    }
}
