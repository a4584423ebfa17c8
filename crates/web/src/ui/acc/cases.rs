//! The list of ACC cases the caller may see (`/accreditation/cases`): searched, filtered by status, sorted and
//! paged; the organization's name comes with each case in one query.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::acc::CaseStatus;
use nintei_domain::role::Role;

use super::case::status_label;
use crate::auth::WebUser;
use crate::error::PageError;
use crate::i18n::t as tr;
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Page, in_lang, render_status};
use nintei_app::acc;
use nintei_app::state::AppState;

pub struct ListRow {
    id: String,
    organization: String,
    unit: String,
    applied_on: String,
    status: String,
}

#[derive(Template)]
#[template(path = "acc_cases.html")]
struct ListPage {
    p: Page,
    rows: Vec<ListRow>,
    may_apply: bool,
    controls: Controls,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let text = query.text();
    let (cases, total) = acc::cases_page(&state, &s.caller, &query.filter(&text))
        .await
        .map_err(&err)?;
    let rows: Vec<ListRow> = cases
        .into_iter()
        .map(|(c, organization)| ListRow {
            organization,
            unit: c.unit_name.clone().unwrap_or_default(),
            applied_on: c.applied_on.to_string(),
            status: status_label(s.lang, c.status),
            id: c.id,
        })
        .collect();
    let may_apply = matches!(s.caller.user.role, Role::Office | Role::Organization);
    let lang = s.lang;
    let controls = Controls::new(
        "/accreditation/cases",
        &query,
        tr(lang, "acc.status").to_owned(),
        CaseStatus::ALL
            .iter()
            .map(|st| (st.as_str().to_owned(), status_label(lang, *st)))
            .collect(),
        [
            ("", "list.sort_newest"),
            ("oldest", "list.sort_oldest"),
            ("organization", "list.sort_organization"),
            ("status", "list.sort_status"),
        ]
        .iter()
        .map(|(v, k)| ((*v).to_owned(), tr(lang, k).to_owned()))
        .collect(),
    );
    let pager = Pager::new("/accreditation/cases", &query, total, rows.len());
    let page = ListPage {
        p: Page::for_session(&s, "acc.list_title", "/accreditation/cases"),
        rows,
        may_apply,
        controls,
        pager,
    };
    Ok(render_status(StatusCode::OK, &page))
}
