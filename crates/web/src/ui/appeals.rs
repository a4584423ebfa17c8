//! 不服申立て (ACC-21): the appeals a user may see, and one appeal with its four items, supporting material,
//! review dates, information requests, the members' answers and the decision. Filing and the review steps are
//! in the API (`/api/v1/accreditation/…/appeals`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::acc::appeal::{AppealOutcome, AppealSubject, DecisionMethod};
use nintei_domain::authz::appeal::AppealAction;
use nintei_store::acc_appeals::{self, Appeal, AppealVote, InfoRequest};

use crate::acc::appeals as ops;
use crate::auth::WebUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::ui::{Page, in_lang, render_status};

pub struct Row {
    id: String,
    subject: &'static str,
    organization: String,
    appealed_on: String,
    review_due_on: String,
    status_key: &'static str,
    outcome: &'static str,
}

fn subject(s: &str) -> &'static str {
    AppealSubject::parse(s).map_or("", |s| s.label_ja())
}

fn outcome(o: Option<&str>) -> &'static str {
    o.and_then(AppealOutcome::parse).map_or("", |o| o.label_ja())
}

fn status_key(s: &str) -> &'static str {
    if s == "decided" {
        "appeal.status_decided"
    } else {
        "appeal.status_received"
    }
}

fn row(a: &Appeal) -> Row {
    Row {
        id: a.id.clone(),
        subject: subject(&a.subject),
        organization: a.organization_name.clone(),
        appealed_on: a.appealed_on.to_string(),
        review_due_on: a.review_due_on.to_string(),
        status_key: status_key(&a.status),
        outcome: outcome(a.outcome.as_deref()),
    }
}

#[derive(Template)]
#[template(path = "acc_appeals.html")]
struct ListPage {
    p: Page,
    rows: Vec<Row>,
}

pub async fn list(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let rows = ops::list(&state, &s.caller)
        .await
        .map_err(&err)?
        .iter()
        .map(row)
        .collect();
    let page = ListPage {
        p: Page::for_session(&s, "appeal.title", "/accreditation/appeals"),
        rows,
    };
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "acc_appeal.html")]
struct ShowPage {
    p: Page,
    a: Appeal,
    row: Row,
    method: &'static str,
    requests: Vec<InfoRequest>,
    votes: Vec<AppealVote>,
    show_votes: bool,
    decided_on: String,
    justifiable: String,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let a = ops::load_for(&state, &s.caller, &id, AppealAction::View)
        .await
        .map_err(&err)?;
    let requests = acc_appeals::requests(state.db.pool(), &a.id)
        .await
        .map_err(|e| err(e.into()))?;
    let show_votes = s.caller.user.role != nintei_domain::role::Role::Organization;
    let votes = if show_votes {
        acc_appeals::votes(state.db.pool(), &a.id)
            .await
            .map_err(|e| err(e.into()))?
    } else {
        Vec::new()
    };
    let page = ShowPage {
        p: Page::for_session(&s, "appeal.title", "/accreditation/appeals"),
        row: row(&a),
        method: a
            .method
            .as_deref()
            .and_then(DecisionMethod::parse)
            .map_or("", |m| m.label_ja()),
        decided_on: a.decided_on.map(|d| d.to_string()).unwrap_or_default(),
        justifiable: match a.justifiable {
            Some(true) => "あり".into(),
            Some(false) => "なし（審査費用を請求）".into(),
            None => String::new(),
        },
        a,
        requests,
        votes,
        show_votes,
    };
    Ok(render_status(StatusCode::OK, &page))
}
