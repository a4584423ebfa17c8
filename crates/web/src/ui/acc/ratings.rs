//! Ratings (ACC-9) standard by standard for the assigned surveyors, and the catalog of standards in force.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::standards::Catalog;
use nintei_domain::acc::{CaseStatus, Rating};
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc as store;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::{self, case};
use nintei_app::state::AppState;

use super::case::{StepForm, tr};

// ---------------------------------------------------------------------------------------------------------
// Ratings (ACC-9): one small form per standard, saved as you go; `?unrated=1` filters.

pub struct StandardRow {
    code: String,
    anchor: String,
    section: String,
    kind: String,
    fundamental: String,
    title: String,
    rating: u8,
    comment: String,
}

#[derive(Template)]
#[template(path = "acc_ratings.html")]
struct RatingsPage {
    p: Page,
    id: String,
    organization: String,
    rows: Vec<StandardRow>,
    rated: usize,
    total: usize,
    unrated_only: bool,
    sample: bool,
    may_rate: bool,
    error_code: String,
    errors: Errors,
    labels: Vec<(u8, String)>,
}

#[derive(Deserialize, Default)]
pub struct RatingsQuery {
    unrated: Option<String>,
}

fn anchor(code: &str) -> String {
    format!("s-{}", code.replace([' ', '.'], "-"))
}

async fn ratings_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    unrated_only: bool,
    error_code: String,
    errors: Errors,
) -> Result<RatingsPage, PageError> {
    let err = in_lang(s.lang);
    let loaded = acc::load_for(state, &s.caller, id, CaseAction::ViewAssessment)
        .await
        .map_err(&err)?;
    let catalog: Catalog = acc::catalog(state, &loaded.case.catalog_version)
        .await
        .map_err(&err)?;
    let current = store::ratings(state.db.pool(), id, true)
        .await
        .map_err(|e| err(e.into()))?;
    let by_code: HashMap<&str, (u8, &str)> = current
        .iter()
        .map(|r| (r.standard.as_str(), (r.rating, r.comment.as_str())))
        .collect();
    let codes = loaded.case.service_codes();
    let in_scope: Vec<_> =
        nintei_domain::acc::renewal::review_scope(&catalog, loaded.case.kind, &codes).collect();
    let total = in_scope.len();
    let rated = in_scope
        .iter()
        .filter(|st| by_code.contains_key(st.code.as_str()))
        .count();
    let rows = in_scope
        .into_iter()
        .filter(|st| !unrated_only || !by_code.contains_key(st.code.as_str()))
        .map(|st| {
            let (rating, comment) = by_code.get(st.code.as_str()).copied().unwrap_or((0, ""));
            StandardRow {
                anchor: anchor(&st.code),
                code: st.code.clone(),
                section: st.section.clone(),
                kind: tr(s.lang, &format!("acc.kind.{}", st.kind.as_str())),
                fundamental: st
                    .fundamental
                    .map(|f| tr(s.lang, &format!("acc.fundamental.{}", f.as_str())))
                    .unwrap_or_default(),
                title: st.title.clone(),
                rating,
                comment: comment.to_owned(),
            }
        })
        .collect();
    let may_rate = loaded.may(&s.caller, CaseAction::Rate)
        && matches!(loaded.case.status, CaseStatus::SiteVisit | CaseStatus::Deferred);
    Ok(RatingsPage {
        p: Page::for_session(
            s,
            "acc.ratings_title",
            &format!("/accreditation/cases/{id}/ratings"),
        ),
        id: id.to_owned(),
        organization: loaded.organization.name.clone(),
        rows,
        rated,
        total,
        unrated_only,
        sample: catalog.sample,
        may_rate,
        error_code,
        errors,
        labels: (1..=4)
            .filter_map(|v| Rating::new(v).ok())
            .map(|r| (r.get(), tr(s.lang, &format!("acc.rating.{}", r.get()))))
            .collect(),
    })
}

pub async fn ratings(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    Query(q): Query<RatingsQuery>,
) -> Result<Response, PageError> {
    let unrated_only = q.unrated.is_some_and(|u| !u.is_empty());
    let page = ratings_page(&state, &s, &id, unrated_only, String::new(), Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn rate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    let code = f.get("standard");
    let rating = f
        .get("rating")
        .trim()
        .parse::<i64>()
        .map(serde_json::Value::from)
        .unwrap_or_default();
    let input = case::RatingInput {
        standard: code.clone(),
        rating,
        comment: f.opt("comment"),
    };
    let unrated_only = f.checked("unrated");
    let back = format!(
        "/accreditation/cases/{id}/ratings{}#{}",
        if unrated_only { "?unrated=1" } else { "" },
        anchor(&code)
    );
    match case::rate(&state, &s.caller, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::Validation(errors)) => {
            let page = ratings_page(&state, &s, &id, unrated_only, code, Errors(errors)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(err(e)),
    }
}

// ---------------------------------------------------------------------------------------------------------
// The catalog in force

#[derive(Template)]
#[template(path = "acc_standards.html")]
struct StandardsPage {
    p: Page,
    version: String,
    sample: bool,
    rows: Vec<(String, String, String, String, String, String)>,
}

pub async fn standards(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let catalog = acc::catalog_in_force(&state).await.map_err(&err)?;
    let rows = catalog
        .standards
        .iter()
        .map(|st| {
            (
                st.code.clone(),
                st.group.clone(),
                st.section.clone(),
                tr(s.lang, &format!("acc.kind.{}", st.kind.as_str())),
                st.fundamental
                    .map(|f| tr(s.lang, &format!("acc.fundamental.{}", f.as_str())))
                    .unwrap_or_default(),
                st.title.clone(),
            )
        })
        .collect();
    let page = StandardsPage {
        p: Page::for_session(&s, "acc.standards_title", "/accreditation/standards"),
        version: catalog.version,
        sample: catalog.sample,
        rows,
    };
    Ok(render_status(StatusCode::OK, &page))
}
