//! `GET /lang/{ja|en}?next=…`: the language switch (a preference cookie, no server state).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{LANG_COOKIE, set_cookie};
use crate::i18n::Lang;
use nintei_app::state::AppState;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    // Only local paths: never an open redirect, and nothing that cannot be a Location header (control
    // characters such as CR/LF would otherwise end in a 500).
    let next = q
        .next
        .filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
        })
        .unwrap_or("/".into());
    let mut resp = Redirect::to(&next).into_response();
    if let Ok(v) = set_cookie(&state, LANG_COOKIE, lang.code(), 365 * 86_400).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
