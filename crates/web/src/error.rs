//! Errors at the HTTP edge: the use cases' [`AppError`] rendered as RFC 9457 problem+json for the API
//! ([`WebError`]), and [`PageError`], the same error as a friendly page for the browser. Never a 500 for bad input.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
pub use nintei_app::error::{AppError, AppResult, FieldError};
use nintei_store::StoreError;
use serde::Serialize;

/// An [`AppError`] on its way out of an API handler: the status and problem+json body it maps to.
#[derive(Debug)]
pub struct WebError(pub AppError);

/// What an API handler returns.
pub type WebResult<T> = Result<T, WebError>;

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        WebError(e)
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        WebError(AppError::from(e))
    }
}

/// The HTTP status of each kind of use-case error.
pub fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::BadRequest(_) | AppError::Validation(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge | AppError::TooLargeWith(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn type_slug(e: &AppError) -> &'static str {
    match e {
        AppError::BadRequest(_) => "bad-request",
        AppError::Validation(_) => "validation",
        AppError::Unauthorized => "unauthorized",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not-found",
        AppError::Conflict(_) => "conflict",
        AppError::TooLarge | AppError::TooLargeWith(_) => "too-large",
        AppError::TooManyRequests { .. } => "too-many-requests",
        AppError::Unavailable => "unavailable",
        AppError::Internal(_) => "internal",
    }
}

/// The `Retry-After` of an error that passes with time (throttling, an unavailable database).
pub fn retry_after(e: &AppError) -> Option<HeaderValue> {
    let seconds = match e {
        AppError::TooManyRequests { retry_after } => *retry_after,
        AppError::Unavailable => nintei_app::error::UNAVAILABLE_RETRY_AFTER,
        _ => return None,
    };
    HeaderValue::from_str(&seconds.to_string()).ok()
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let WebError(e) = self;
        if let AppError::Internal(msg) = &e {
            tracing::error!(error = %msg, "internal error");
        }
        let status = status(&e);
        let body = Problem {
            kind: format!("https://nintei.example/problems/{}", type_slug(&e)),
            title: e.title(),
            status: status.as_u16(),
            detail: e.detail(),
            errors: match &e {
                AppError::Validation(errs) => Some(errs),
                _ => None,
            },
        };
        let json = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        let mut resp = (status, json).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(v) = retry_after(&e) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(e, AppError::Unauthorized) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<WebError> for PageError {
    fn from(WebError(e): WebError) -> PageError {
        PageError::from(e)
    }
}

/// The browser's version of an error: a page in the visitor's language, or a redirect to the login page.
#[derive(Debug)]
pub enum PageError {
    Login,
    /// To the sign-in page, remembering the page asked for (the `Set-Cookie` value).
    LoginReturn(String),
    Redirect(String),
    /// The form token or the origin did not match (CSRF): 403.
    Csrf,
    App(AppError, crate::i18n::Lang),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        match e {
            AppError::Unauthorized => PageError::Login,
            other => PageError::App(other, crate::i18n::Lang::Ja),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        PageError::from(AppError::from(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Login => Redirect::to("/login").into_response(),
            PageError::LoginReturn(set_cookie) => {
                let mut resp = Redirect::to("/login").into_response();
                if let Ok(v) = set_cookie.parse() {
                    resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
                }
                resp
            }
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::Csrf => crate::ui::csrf_refused(),
            PageError::App(e, lang) => {
                if let AppError::Internal(msg) = &e {
                    tracing::error!(error = %msg, "internal error");
                }
                crate::ui::error_page(&e, lang)
            }
        }
    }
}
