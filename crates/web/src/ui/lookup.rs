//! `GET /search?q=`: the staff search box's answer — organizations, ACC cases, accreditations, REG registrations
//! and applications found by name, number or 法人番号, each part as the caller's own lists would show it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::reg::status::Status;
use serde::Deserialize;

use crate::auth::WebUser;
use crate::error::PageError;
use crate::i18n::t as tr;
use crate::ui::{Page, in_lang, render_status};
use nintei_app::state::AppState;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// One line found: where it leads, what it is called, what it says next to the name.
pub struct Hit {
    href: String,
    name: String,
    note: String,
}

/// One part of the answer.
pub struct Part {
    heading: String,
    hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    p: Page,
    q: String,
    searched: bool,
    parts: Vec<Part>,
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let q: String = query.q.trim().chars().take(100).collect();
    let found = nintei_app::lookup::staff(&state, &s.caller, &q)
        .await
        .map_err(&err)?;
    let lang = s.lang;
    let today = state.clock.today();
    let part = |key: &str, hits: Vec<Hit>| Part {
        heading: tr(lang, key).to_owned(),
        hits,
    };
    let reg_status = |st: &str| {
        Status::parse(st)
            .map(|s| tr(lang, super::reg::status_key(s)).to_owned())
            .unwrap_or_else(|| st.to_owned())
    };
    let parts: Vec<Part> = vec![
        part(
            "nav.organizations",
            found
                .organizations
                .iter()
                .map(|o| Hit {
                    href: format!("/organizations/{}", o.id),
                    name: o.name.clone(),
                    note: o.corporate_number.clone().unwrap_or_default(),
                })
                .collect(),
        ),
        part(
            "nav.acc_cases",
            found
                .cases
                .iter()
                .map(|(c, org)| Hit {
                    href: format!("/accreditation/cases/{}", c.id),
                    name: match &c.unit_name {
                        Some(u) => format!("{org}（{u}）"),
                        None => org.clone(),
                    },
                    note: format!(
                        "{} {}",
                        c.applied_on,
                        super::acc::case::status_label(lang, c.status)
                    ),
                })
                .collect(),
        ),
        part(
            "nav.accreditations",
            found
                .accreditations
                .iter()
                .map(|r| Hit {
                    href: format!("/accreditations/{}", r.number),
                    name: format!("{} {}", r.number, r.organization_name),
                    note: nintei_app::acc::record::shown_status(r, today).to_owned(),
                })
                .collect(),
        ),
        part(
            "search.registrations",
            found
                .registrations
                .iter()
                .map(|g| Hit {
                    href: format!("/registration/registrations/{}", g.id),
                    name: format!("{} {} {}", g.id, g.organization, g.site),
                    note: reg_status(&g.status),
                })
                .collect(),
        ),
        part(
            "search.applications",
            found
                .applications
                .iter()
                .map(|c| Hit {
                    href: format!("/registration/cases/{}", c.id),
                    name: format!("{} {}", c.organization, c.site),
                    note: reg_status(&c.status),
                })
                .collect(),
        ),
    ]
    .into_iter()
    .filter(|p| !p.hits.is_empty())
    .collect();
    let page = SearchPage {
        p: Page::for_session(&s, "search.title", "/search"),
        searched: !q.is_empty(),
        q,
        parts,
    };
    Ok(render_status(StatusCode::OK, &page))
}
