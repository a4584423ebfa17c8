//! Ratings (ACC-9) standard by standard for the assigned surveyors, and the catalog of standards in force.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::{CaseStatus, Rating};
use nintei_domain::authz::acc::CaseAction;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::{self, case};
use nintei_app::state::AppState;

use super::case::tr;
use crate::ui::form::StepForm;

// ---------------------------------------------------------------------------------------------------------
// Ratings (ACC-9): one small form per standard, saved as you go; `?unrated=1` filters.

pub struct StandardRow {
    code: String,
    anchor: String,
    kind: String,
    fundamental: String,
    title: String,
    rating: u8,
    comment: String,
    /// ACC-6: the evidence uploaded for this standard (file id, name), opened beside the rating.
    evidence: Vec<(String, String)>,
    /// The use case's refusal of the last save of this standard.
    error: String,
    /// A 3 or 4 saved without its comment: the cursor goes to the comment.
    focus_comment: bool,
    saved: bool,
}

/// One section of the sheet, with its progress.
pub struct SectionTab {
    name: String,
    href: String,
    rated: usize,
    total: usize,
    current: bool,
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
    labels: Vec<(u8, String)>,
    sections: Vec<SectionTab>,
    /// The section shown (its code), empty when every section is.
    section: String,
    /// ACC-6: the organization's narrative of the section shown.
    narrative: String,
    fragment: bool,
}

/// One standard's part of the sheet after a save through htmx, with the sheet's count out of band.
#[derive(Template)]
#[template(path = "_rating_row.html")]
struct RowFragment {
    p: Page,
    id: String,
    r: StandardRow,
    may_rate: bool,
    unrated_only: bool,
    labels: Vec<(u8, String)>,
    section: String,
    rated: usize,
    total: usize,
    fragment: bool,
}

#[derive(Deserialize, Default)]
pub struct RatingsQuery {
    unrated: Option<String>,
    /// A section code, or `all`; absent: the first section with a standard left to rate.
    section: Option<String>,
}

fn anchor(code: &str) -> String {
    format!("s-{}", code.replace([' ', '.'], "-"))
}

async fn ratings_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    unrated_only: bool,
    section: Option<&str>,
    error_code: String,
    errors: Errors,
) -> Result<RatingsPage, PageError> {
    let err = in_lang(s.lang);
    let sheet = nintei_app::acc::case::rating_sheet(state, &s.caller, id)
        .await
        .map_err(&err)?;
    let (loaded, catalog, current) = (&sheet.loaded, &sheet.catalog, &sheet.ratings);
    let by_code: HashMap<&str, (u8, &str)> = current
        .iter()
        .map(|r| (r.standard.as_str(), (r.rating, r.comment.as_str())))
        .collect();
    let codes = loaded.case.service_codes();
    let in_scope: Vec<_> =
        nintei_domain::acc::renewal::review_scope(catalog, loaded.case.kind, &codes).collect();
    let total = in_scope.len();
    let rated = in_scope
        .iter()
        .filter(|st| by_code.contains_key(st.code.as_str()))
        .count();
    // The sections in catalog order, each with its progress; the sheet shows one at a time.
    let mut sections: Vec<SectionTab> = Vec::new();
    let mut codes_of: Vec<String> = Vec::new();
    for st in &in_scope {
        let code = st.section_code().to_owned();
        let done = usize::from(by_code.contains_key(st.code.as_str()));
        match codes_of.iter().position(|c| *c == code) {
            Some(i) => {
                sections[i].total += 1;
                sections[i].rated += done;
            }
            None => {
                sections.push(SectionTab {
                    name: format!("{code} {}", st.section),
                    href: format!("/accreditation/cases/{id}/ratings?section={code}"),
                    rated: done,
                    total: 1,
                    current: false,
                });
                codes_of.push(code);
            }
        }
    }
    let shown = match section {
        Some("all") => String::new(),
        Some(c) if codes_of.iter().any(|x| x == c) => c.to_owned(),
        _ if unrated_only => String::new(),
        _ => codes_of
            .iter()
            .zip(&sections)
            .find(|(_, t)| t.rated < t.total)
            .or_else(|| codes_of.iter().zip(&sections).next())
            .map(|(c, _)| c.clone())
            .unwrap_or_default(),
    };
    for (c, t) in codes_of.iter().zip(sections.iter_mut()) {
        t.current = *c == shown;
    }
    let files = &sheet.files;
    let narrative = sheet
        .narratives
        .iter()
        .find(|n| !shown.is_empty() && n.section == shown)
        .map(|n| n.body.clone())
        .unwrap_or_default();
    let message = errors
        .0
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(" ");
    let comment_refused = errors.0.iter().any(|e| e.field == "comment");
    let rows = in_scope
        .into_iter()
        .filter(|st| !unrated_only || !by_code.contains_key(st.code.as_str()))
        .filter(|st| shown.is_empty() || st.section_code() == shown)
        .map(|st| {
            let (rating, comment) = by_code.get(st.code.as_str()).copied().unwrap_or((0, ""));
            let refused = error_code == st.code;
            StandardRow {
                anchor: anchor(&st.code),
                code: st.code.clone(),
                kind: tr(s.lang, &format!("acc.kind.{}", st.kind.as_str())),
                fundamental: st
                    .fundamental
                    .map(|f| tr(s.lang, &format!("acc.fundamental.{}", f.as_str())))
                    .unwrap_or_default(),
                title: st.title.clone(),
                rating,
                comment: comment.to_owned(),
                evidence: files
                    .iter()
                    .filter(|f| f.standard.as_deref() == Some(st.code.as_str()))
                    .map(|f| (f.id.clone(), f.original_name.clone()))
                    .collect(),
                error: if refused { message.clone() } else { String::new() },
                focus_comment: refused && comment_refused,
                saved: false,
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
        sections,
        section: shown,
        narrative,
        fragment: false,
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
    let page = ratings_page(
        &state,
        &s,
        &id,
        unrated_only,
        q.section.as_deref(),
        String::new(),
        Errors::default(),
    )
    .await?;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn rate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
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
    let section = f.opt("section");
    // htmx saves the standard in place: the answer is its part of the sheet (200 also when refused, so that the
    // part shows why and the cursor goes to the comment).
    let in_place = headers.get("hx-request").is_some_and(|v| v == "true");
    let outcome = case::rate(&state, &s.caller, &id, &input).await;
    if in_place {
        let (errors, saved) = match outcome {
            Ok(_) => (Errors::default(), true),
            Err(AppError::Validation(errors)) => (Errors(errors), false),
            Err(e) => return Err(err(e)),
        };
        let all = ratings_page(&state, &s, &id, false, Some("all"), code.clone(), errors).await?;
        let Some(mut r) = all.rows.into_iter().find(|r| r.code == code) else {
            return Err(err(AppError::NotFound));
        };
        r.saved = saved;
        let fragment = RowFragment {
            p: all.p,
            id: all.id,
            r,
            may_rate: all.may_rate,
            unrated_only,
            labels: all.labels,
            section: section.unwrap_or_default(),
            rated: all.rated,
            total: all.total,
            fragment: true,
        };
        return Ok(render_status(StatusCode::OK, &fragment));
    }
    let mut query = Vec::new();
    if unrated_only {
        query.push("unrated=1".to_owned());
    }
    if let Some(sec) = &section {
        query.push(format!("section={}", crate::ui::percent_encode(sec, b"-_.")));
    }
    let back = format!(
        "/accreditation/cases/{id}/ratings{}{}#{}",
        if query.is_empty() { "" } else { "?" },
        query.join("&"),
        anchor(&code)
    );
    match outcome {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::Validation(errors)) => {
            let page = ratings_page(
                &state,
                &s,
                &id,
                unrated_only,
                section.as_deref(),
                code,
                Errors(errors),
            )
            .await?;
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
