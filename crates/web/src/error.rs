//! Errors of the HTTP layer: one `AppError` rendered as RFC 9457 problem+json for the API, and `PageError`,
//! the same error as a friendly page for the browser. Never a 500 for bad input.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::Decision;
use nintei_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("request body too large")]
    TooLarge,
    /// 413 with a message saying what the limit is (uploads).
    #[error("{0}")]
    TooLargeWith(String),
    #[error("too many attempts")]
    TooManyRequests { retry_after: i64 },
    #[error("internal error")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::Validation(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge | AppError::TooLargeWith(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn type_slug(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad-request",
            AppError::Validation(_) => "validation",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge | AppError::TooLargeWith(_) => "too-large",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "Bad request",
            AppError::Validation(_) => "Invalid input",
            AppError::Unauthorized => "Authentication required",
            AppError::Forbidden => "Forbidden",
            AppError::NotFound => "Not found",
            AppError::Conflict(_) => "Conflict",
            AppError::TooLarge | AppError::TooLargeWith(_) => "Payload too large",
            AppError::TooManyRequests { .. } => "Too many requests",
            AppError::Internal(_) => "Internal error",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            AppError::Internal(_) => "an internal error occurred; it has been logged".into(),
            AppError::Validation(errs) => errs
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            AppError::NotFound => "no such record".into(),
            other => other.to_string(),
        }
    }

    /// A single-field validation error.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// Turns an authorization decision into a result.
    pub fn check(decision: Decision) -> AppResult<()> {
        match decision {
            Decision::Allow => Ok(()),
            Decision::Forbidden => Err(AppError::Forbidden),
            Decision::NotFound => Err(AppError::NotFound),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(msg) = &self {
            tracing::error!(error = %msg, "internal error");
        }
        let status = self.status();
        let body = Problem {
            kind: format!("https://nintei.example/problems/{}", self.type_slug()),
            title: self.title(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match &self {
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
        if let AppError::TooManyRequests { retry_after } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, AppError::Unauthorized) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// The browser's version of an error: a page in the visitor's language, or a redirect to the login page.
#[derive(Debug)]
pub enum PageError {
    Login,
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
