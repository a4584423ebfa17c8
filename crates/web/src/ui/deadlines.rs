//! `GET /deadlines`: what is overdue and due this week, by person (staff), or the organization's own list; and
//! each user's secret calendar feed of their deadlines.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::deadline::Owner;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::PageError;
use crate::routing::{Routes, get, post};
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Page, UiForm, in_lang, render_status};
use nintei_app::deadline::{self, When};
use nintei_app::state::AppState;

pub struct Row {
    due_on: String,
    title: String,
    organization: String,
    owner_key: &'static str,
    assignee: String,
    status_key: &'static str,
    days: i64,
    href: String,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage {
    p: Page,
    controls: Controls,
    pager: Pager,
    sections: Vec<Section>,
    feed: FeedView,
}

/// The calendar feed's part of the page.
pub struct FeedView {
    /// Set right after a feed was made: the secret address, shown this once.
    url: String,
    live: bool,
    revoked: bool,
}

pub struct Section {
    heading_key: &'static str,
    /// Rows of the whole list in this group (the page shows at most 50 of all groups).
    count: i64,
    rows: Vec<Row>,
}

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(flatten)]
    list: ListQuery,
    /// `mine=1`: the staff member's own (kept for old links; `only=mine` says the same).
    mine: Option<String>,
    /// `revoked` after the feed was revoked.
    feed: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let page = build_page(&state, &s, &f, None).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// The page; `feed_url` is the calendar feed's address just after it was made (shown this once only).
async fn build_page(
    state: &AppState,
    s: &AnySession,
    f: &Filter,
    feed_url: Option<String>,
) -> Result<DeadlinesPage, PageError> {
    let err = in_lang(s.lang);
    let today = state.clock.today();
    let staff = s.caller.actor().role.is_staff();
    let mut query = f.list.clone();
    if f.mine.is_some() && query.only.trim().is_empty() {
        query.only = "mine".into();
    }
    let text = query.text();
    let listed = deadline::list(state, &s.caller, today, &query.filter(&text))
        .await
        .map_err(&err)?;
    let mut sections = [
        (When::Overdue, "deadline.overdue"),
        (When::ThisWeek, "deadline.this_week"),
        (When::Later, "deadline.later"),
    ]
    .map(|(when, heading_key)| {
        let count = listed.counts[when as usize];
        (
            when,
            Section {
                heading_key,
                count,
                rows: Vec::new(),
            },
        )
    });
    let shown = listed.rows.len();
    for r in listed.rows {
        let row = Row {
            due_on: r.due_on.to_string(),
            title: r.title,
            organization: r.organization,
            owner_key: match r.owner {
                Owner::Office => "deadline.owner_office",
                Owner::Organization => "deadline.owner_organization",
            },
            assignee: r.assignee,
            status_key: if r.late { "deadline.late" } else { "deadline.open" },
            days: r.days,
            href: r.href,
        };
        if let Some((_, sec)) = sections.iter_mut().find(|(w, _)| *w == r.when) {
            sec.rows.push(row);
        }
    }
    let tr = |k: &str| crate::i18n::t(s.lang, k).to_owned();
    let mut onlys = vec![
        (When::Overdue.key().to_owned(), tr("deadline.overdue")),
        (When::ThisWeek.key().to_owned(), tr("deadline.this_week")),
        (When::Later.key().to_owned(), tr("deadline.later")),
    ];
    if staff {
        onlys.push(("mine".into(), tr("deadline.show_mine")));
    }
    let controls = Controls::new(
        "/deadlines",
        &query,
        tr("deadline.when"),
        onlys,
        vec![
            ("".into(), tr("list.sort_due")),
            ("due_desc".into(), tr("list.sort_due_desc")),
            ("organization".into(), tr("list.sort_organization")),
        ],
    );
    let pager = Pager::new("/deadlines", &query, listed.total, shown);
    let has_feed = deadline::has_feed(state, &s.caller).await.map_err(&err)?;
    Ok(DeadlinesPage {
        p: Page::for_session(s, "deadline.title", "/deadlines"),
        controls,
        pager,
        // Empty groups are shown only on an unfiltered first page (a filtered page says "none" once).
        sections: sections
            .into_iter()
            .map(|(_, sec)| sec)
            .filter(|sec| {
                !sec.rows.is_empty()
                    || (query.only.trim().is_empty() && query.text().is_empty() && query.page() == 1)
            })
            .collect(),
        feed: FeedView {
            url: feed_url.unwrap_or_default(),
            live: has_feed,
            revoked: f.feed.as_deref() == Some("revoked"),
        },
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar feed: a secret, revocable iCalendar (RFC 5545) address per user; only its hash is stored.

/// The feed's routes: making and revoking it on this screen, and the feed itself (no session: the secret is
/// the credential, as calendar applications fetch it on their own).
pub fn feed_routes() -> Routes {
    Routes::new()
        .route("/deadlines/calendar-feed", post(create_feed))
        .route("/deadlines/calendar-feed/revoke", post(revoke_feed))
        .route("/calendar/{token}", get(feed))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// Makes a new feed address (any earlier one stops working) and shows it once.
pub async fn create_feed(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    let secret = nintei_app::deadline::create_feed(&state, &s.caller)
        .await
        .map_err(&err)?;
    let url = state.config.url(&format!("/calendar/{secret}.ics"));
    let page = build_page(&state, &s, &Filter::default(), Some(url)).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// Revokes the user's feed: its address answers 404 from now on.
pub async fn revoke_feed(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    nintei_app::deadline::revoke_feed(&state, &s.caller)
        .await
        .map_err(&err)?;
    Ok(Redirect::to("/deadlines?feed=revoked").into_response())
}

/// Whose deadlines a user's feed carries: an organization's users their organization's; the office, the head
/// and the administrator every open deadline (as on the screen); other staff those assigned to them.
/// `GET /calendar/{secret}.ics`: the open deadlines of the feed's user as all-day events; 404 for an unknown
/// or revoked secret, or a deactivated user.
pub async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match deadline::feed(&state, &token).await {
        Ok(Some(body)) => {
            let mut r = body.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            r
        }
        Ok(None) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}
