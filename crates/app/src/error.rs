//! What a use case answers when it cannot do what was asked, without HTTP: the web layer maps each kind to a
//! status and to problem+json or a page (`nintei_web::error`). Never a panic for bad input: a wrong value is
//! `Validation` naming its field, a state that forbids the step is `Conflict`, a record the caller may not see
//! is `NotFound`.

use nintei_domain::authz::Decision;
use nintei_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
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
    /// The database is unreachable or locked past the wait limit; nothing was changed, try again shortly.
    #[error("the database is unavailable; nothing was changed, please try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(String),
}

/// Seconds a client is told to wait before retrying after [`AppError::Unavailable`].
pub const UNAVAILABLE_RETRY_AFTER: i64 = 5;

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
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
            AppError::Unavailable => "Service unavailable",
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
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}
