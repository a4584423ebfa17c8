//! The landing page and each user's dashboard.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::auth::{SESSION_COOKIE, WebUser, cookie, lang_of};
use crate::error::PageError;
use crate::ui::{Page, in_lang, render_status};
use nintei_app::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    p: Page,
    signed_in: bool,
}

pub async fn home(headers: HeaderMap) -> Response {
    let p = Page::public(lang_of(&headers), "home.title", "/");
    render_status(
        StatusCode::OK,
        &HomePage {
            p,
            signed_in: cookie(&headers, SESSION_COOKIE).is_some(),
        },
    )
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    p: Page,
    staff: bool,
    organization_count: i64,
    user_count: i64,
    own_organization: Option<(String, String)>,
    overdue: usize,
    due_this_week: usize,
    tasks: Vec<TaskRow>,
    task_counts: Vec<(String, usize)>,
}

/// One line of the work queue.
pub struct TaskRow {
    label: String,
    link: String,
    due_on: String,
    overdue: bool,
}

/// A queue kind's name in the page's language; a deadline keeps its own title.
fn kind_label(lang: crate::i18n::Lang, kind: &str) -> Option<String> {
    nintei_app::tasks::KINDS
        .contains(&kind)
        .then(|| crate::i18n::t(lang, &format!("tasks.kind.{kind}")).to_owned())
}

pub async fn dashboard(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let summary = nintei_app::dashboard::summary(&state, &s.caller)
        .await
        .map_err(&err)?;
    let queue = nintei_app::tasks::for_caller(&state, &s.caller)
        .await
        .map_err(&err)?;
    let tasks = queue
        .items
        .iter()
        .map(|t| TaskRow {
            label: match kind_label(s.lang, &t.kind) {
                Some(k) if !t.about.is_empty() => format!("{k}：{}", t.about),
                _ => t.title.clone(),
            },
            link: t.link.clone(),
            due_on: t.due_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: t.overdue,
        })
        .collect();
    let task_counts = queue
        .counts
        .iter()
        .map(|(k, n)| {
            let label = kind_label(s.lang, k)
                .unwrap_or_else(|| crate::i18n::t(s.lang, "tasks.kind.deadline").to_owned());
            (label, *n)
        })
        .fold(Vec::<(String, usize)>::new(), |mut acc, (label, n)| {
            match acc.iter_mut().find(|(l, _)| *l == label) {
                Some((_, m)) => *m += n,
                None => acc.push((label, n)),
            }
            acc
        });
    let page = DashboardPage {
        tasks,
        task_counts,
        overdue: summary.overdue,
        due_this_week: summary.open_this_week - summary.overdue,
        p: Page::for_session(&s, "dashboard.title", "/dashboard"),
        staff: summary.staff,
        organization_count: summary.organization_count,
        user_count: summary.user_count,
        own_organization: summary.own_organization,
    };
    Ok(render_status(StatusCode::OK, &page))
}
