//! `GET /deadlines`: what is overdue and due this week, by person (staff), or the organization's own list.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::calendar::wareki;
use nintei_domain::deadline::{Status, status_on};
use nintei_domain::role::Role;
use nintei_store::{deadlines, organizations, users};
use serde::Deserialize;

use crate::auth::WebUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::ui::{Page, in_lang, render_status};

pub struct Row {
    due_on: String,
    due_label: String,
    title: String,
    kind: String,
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
    sections: Vec<Section>,
    mine_only: bool,
    staff: bool,
}

pub struct Section {
    heading_key: &'static str,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
pub struct Filter {
    mine: Option<String>,
}

/// Where a deadline's subject is shown.
fn subject_href(subject: &str, id: &str) -> String {
    match subject {
        "acc_case" => format!("/accreditation/cases/{id}"),
        "reg_case" => format!("/registration/cases/{id}"),
        "registration" => format!("/registration/registrations/{id}"),
        "organization" => format!("/organizations/{id}"),
        "acc_appeal" => format!("/accreditation/appeals/{id}"),
        _ => String::new(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let today = state.clock.today();
    let until = today.checked_add_days(chrono::Days::new(30)).unwrap_or(today);
    let actor = s.caller.actor();
    let staff = actor.role.is_staff();
    // An organization's user sees its own organization's deadlines; staff see all, or only theirs.
    let org_filter = if actor.role == Role::Organization {
        Some(actor.organization_id.clone().unwrap_or_else(|| "-".into()))
    } else {
        None
    };
    let mine_only = staff && f.mine.is_some();
    let rows = deadlines::open_until(state.db.pool(), until, org_filter.as_deref())
        .await
        .map_err(|e| err(e.into()))?;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut org_names: HashMap<String, String> = HashMap::new();
    let (mut overdue, mut this_week, mut later) = (Vec::new(), Vec::new(), Vec::new());
    for d in rows {
        if mine_only && d.assignee_id.as_deref() != Some(actor.user_id.as_str()) {
            continue;
        }
        let Ok(due) = d.due_on.parse::<chrono::NaiveDate>() else {
            continue;
        };
        let assignee = match &d.assignee_id {
            Some(id) => match names.get(id) {
                Some(n) => n.clone(),
                None => {
                    let n = users::by_id(state.db.pool(), id)
                        .await
                        .map_err(|e| err(e.into()))?
                        .map(|u| u.name)
                        .unwrap_or_default();
                    names.insert(id.clone(), n.clone());
                    n
                }
            },
            None => String::new(),
        };
        let organization = match &d.organization_id {
            Some(id) => match org_names.get(id) {
                Some(n) => n.clone(),
                None => {
                    let n = organizations::by_id(state.db.pool(), id)
                        .await
                        .map_err(|e| err(e.into()))?
                        .map(|o| o.name)
                        .unwrap_or_default();
                    org_names.insert(id.clone(), n.clone());
                    n
                }
            },
            None => String::new(),
        };
        let status = status_on(due, None, false, today);
        let row = Row {
            due_label: wareki(due).unwrap_or_else(|| d.due_on.clone()),
            due_on: d.due_on.clone(),
            title: d.title.clone(),
            kind: d.kind.clone(),
            organization,
            owner_key: if d.owner == "office" {
                "deadline.owner_office"
            } else {
                "deadline.owner_organization"
            },
            assignee,
            status_key: if status == Status::Late {
                "deadline.late"
            } else {
                "deadline.open"
            },
            days: (due - today).num_days(),
            href: subject_href(&d.subject, &d.subject_id),
        };
        if due < today {
            overdue.push(row);
        } else if (due - today).num_days() <= 7 {
            this_week.push(row);
        } else {
            later.push(row);
        }
    }
    let sections = vec![
        Section {
            heading_key: "deadline.overdue",
            rows: overdue,
        },
        Section {
            heading_key: "deadline.this_week",
            rows: this_week,
        },
        Section {
            heading_key: "deadline.later",
            rows: later,
        },
    ];
    let page = DeadlinesPage {
        p: Page::for_session(&s, "deadline.title", "/deadlines"),
        sections,
        mine_only,
        staff,
    };
    Ok(render_status(StatusCode::OK, &page))
}
