//! Extractors of query strings whose rejections are problem+json naming the parameter (400), not axum's text.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use nintei_app::directory::Params;
use serde::de::DeserializeOwned;

use crate::error::{AppError, WebError};

/// `Query<T>` whose rejection is a 400 problem+json (an unreadable or repeated parameter) instead of axum's text.
pub struct PublicQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PublicQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| PublicQuery(v))
            .map_err(|e| WebError(AppError::field("query", e.body_text())))
    }
}

/// The directory's query string as [`Params`]; a parameter given twice is a 400 naming it (which one would win
/// is not something a caller should have to guess).
pub struct DirectoryQuery(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for DirectoryQuery {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let PublicQuery(pairs) =
            PublicQuery::<Vec<(String, String)>>::from_request_parts(parts, state).await?;
        let mut params = Params::new();
        for (k, v) in pairs {
            if params.contains_key(&k) {
                return Err(WebError(AppError::field(
                    &k,
                    "同じパラメータが複数あります (given more than once)",
                )));
            }
            params.insert(k, v);
        }
        Ok(DirectoryQuery(params))
    }
}
