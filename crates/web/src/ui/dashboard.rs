//! The landing page and each user's dashboard.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nintei_domain::authz::{self, GlobalAction};
use nintei_store::{organizations, users};

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
    let actor = s.caller.actor();
    let staff = authz::global(&actor, GlobalAction::ListOrganizations).is_allowed();
    let (organization_count, user_count) = if staff {
        (
            organizations::count(state.db.pool())
                .await
                .map_err(|e| err(e.into()))?,
            users::count(state.db.pool()).await.map_err(|e| err(e.into()))?,
        )
    } else {
        (0, 0)
    };
    let own_organization = match &actor.organization_id {
        Some(id) => organizations::by_id(state.db.pool(), id)
            .await
            .map_err(|e| err(e.into()))?
            .map(|o| (o.id, o.name)),
        None => None,
    };
    // The deadline summary: the same list as /deadlines, counted.
    let today = state.clock.today();
    let week = today.checked_add_days(chrono::Days::new(7)).unwrap_or(today);
    let org_filter = if actor.role.is_staff() {
        None
    } else {
        Some(actor.organization_id.clone().unwrap_or_else(|| "-".into()))
    };
    let open = nintei_store::deadlines::open_until(state.db.pool(), week, org_filter.as_deref())
        .await
        .map_err(|e| err(e.into()))?;
    let open = nintei_app::deadline::DeadlineAccess::new(actor.clone())
        .filter(&state, open)
        .await
        .map_err(&err)?;
    let overdue = open.iter().filter(|d| d.due_on < today.to_string()).count();
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
        overdue,
        due_this_week: open.len() - overdue,
        p: Page::for_session(&s, "dashboard.title", "/dashboard"),
        staff,
        organization_count,
        user_count,
        own_organization,
    };
    Ok(render_status(StatusCode::OK, &page))
}
