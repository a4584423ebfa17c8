//! 不服申立て (ACC-21): the appeals a user may see, and one appeal with its four items, supporting material,
//! review dates, information requests, the members' answers and the decision, with the forms of the review:
//! the office's information requests, a committee member's answer to the poll, and the decision (office or
//! head) with the cost charge. Filing is on the case page (ineligibility, denial) and on the accreditation page
//! (revocation); every form runs the same steps as the API ([`nintei_app::acc::appeal`]).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::appeal::{AppealOutcome, AppealSubject, DecisionMethod};
use nintei_domain::authz::appeal::{self as appeal_authz, AppealAction};
use nintei_domain::role::Role;
use nintei_store::acc_appeals::{Appeal, InfoRequest};
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::appeal as ops;
use nintei_app::state::AppState;

/// The filing form's fields as the API's body: the evidence is one item a line (ACC-21: at least one).
pub(crate) fn filing_input(fields: &HashMap<String, String>) -> ops::AppealInput {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    ops::AppealInput {
        organization_name: get("organization_name"),
        address: get("address"),
        responsible_title: get("responsible_title"),
        responsible_name: get("responsible_name"),
        known_on: get("known_on"),
        purpose: get("purpose"),
        reasons: get("reasons"),
        appealed_on: get("appealed_on"),
        received_on: fields
            .get("received_on")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty()),
        evidence: get("evidence")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

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
    /// (member's name, answer) of the head's poll.
    votes: Vec<(String, &'static str)>,
    show_votes: bool,
    decided_on: String,
    justifiable: String,
    deciders: String,
    today: String,
    notice: String,
    message: String,
    errors: Errors,
    may_request: bool,
    may_vote: bool,
    may_decide: bool,
    /// The committee members the office may name as deliberating in a meeting: (id, name).
    members: Vec<(String, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
}

async fn show_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    notice: String,
    message: String,
    errors: Errors,
) -> Result<ShowPage, AppError> {
    let caller = &s.caller;
    let a = ops::load_for(state, caller, id, AppealAction::View).await?;
    let view = ops::view(state, caller, &a).await?;
    let requests = view.information_requests;
    let show_votes = view.votes.is_some();
    let open = a.status == "received";
    let actor = caller.actor();
    // The page shows a form only to who may use it; the steps check again (the member's exclusion too).
    let may = |action| appeal_authz::appeal(&actor, action, &a.organization_id, false).is_allowed() && open;
    let may_decide = may(AppealAction::Decide);
    let everyone = if show_votes || may_decide {
        nintei_app::account::staff(state).await?
    } else {
        Vec::new()
    };
    let name_of = |uid: &str| {
        everyone
            .iter()
            .find(|u| u.id == uid)
            .map_or_else(|| uid.to_owned(), |u| u.name.clone())
    };
    let votes = view
        .votes
        .unwrap_or_default()
        .into_iter()
        .map(|v| (name_of(&v.user_id), outcome(Some(&v.outcome))))
        .collect();
    let members = if may_decide {
        everyone
            .iter()
            .filter(|u| u.role == Role::Committee && u.active)
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        p: Page::for_session(s, "appeal.title", "/accreditation/appeals"),
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
        deciders: a
            .deciders
            .iter()
            .map(|d| name_of(d))
            .collect::<Vec<_>>()
            .join("、"),
        today: state.clock.today().to_string(),
        notice,
        message,
        errors,
        may_request: may(AppealAction::RequestInformation),
        may_vote: may(AppealAction::Vote),
        may_decide,
        members,
        outcomes: [AppealOutcome::Upheld, AppealOutcome::Overturned]
            .iter()
            .map(|o| (o.as_str(), o.label_ja()))
            .collect(),
        methods: [DecisionMethod::Meeting, DecisionMethod::Polling]
            .iter()
            .map(|m| (m.as_str(), m.label_ja()))
            .collect(),
        a,
        requests,
        votes,
        show_votes,
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let notice = if q.done.is_some() {
        "appeal.saved".to_owned()
    } else {
        String::new()
    };
    let page = show_page(&state, &s, &id, notice, String::new(), Errors::default())
        .await
        .map_err(&err)?;
    Ok(render_status(StatusCode::OK, &page))
}

fn decision_input(f: &HashMap<String, String>) -> Result<ops::AppealDecisionInput, AppError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| f.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let unjustified = opt("unjustified").is_some();
    // The cost is read only with the box ticked: a justified appeal is never charged (ACC-21 第10章5).
    let cost_yen = match opt("cost_yen").filter(|_| unjustified) {
        None => None,
        Some(v) => Some(v.replace([',', '，'], "").parse::<i64>().map_err(|_| {
            AppError::Validation(vec![FieldError::new(
                "cost_yen",
                "金額は半角数字で入力してください (a whole number of yen)",
            )])
        })?),
    };
    let mut members: Vec<String> = f
        .iter()
        .filter(|(k, v)| k.starts_with("member.") && !v.is_empty())
        .filter_map(|(k, _)| k.strip_prefix("member.").map(str::to_owned))
        .collect();
    members.sort();
    Ok(ops::AppealDecisionInput {
        outcome: get("outcome"),
        decided_on: get("decided_on"),
        method: get("method"),
        members,
        reason: opt("reason"),
        // ACC-21 第10章5: the box "no justifiable reason" charges the review cost.
        justifiable: Some(!unjustified),
        cost_yen,
    })
}

async fn run_action(
    state: &AppState,
    s: &AnySession,
    id: &str,
    action: &str,
    f: &StepForm,
) -> Result<(), AppError> {
    let c = &s.caller;
    match action {
        "information-request" => ops::request_information(state, c, id, &f.read()?).await.map(drop),
        "vote" => ops::vote(state, c, id, &f.read()?).await.map(drop),
        "decision" => {
            let input = decision_input(&f.fields)?;
            ops::decide(state, c, id, &input).await
        }
        _ => {
            // An unknown action on an appeal the caller may see is a 404 like an unknown page.
            ops::load_for(state, c, id, AppealAction::View).await?;
            Err(AppError::NotFound)
        }
    }
}

/// `POST /accreditation/appeals/{id}/{action}`: `information-request` (office), `vote` (committee member),
/// `decision` (office or head).
pub async fn step(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, action)): Path<(String, String)>,
    UiForm(mut f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    if let Some(spec) = crate::ui::confirm::appeal_action(&action) {
        if !crate::ui::confirm::confirmed(&f.fields) {
            let may = if action == "vote" {
                AppealAction::Vote
            } else {
                AppealAction::Decide
            };
            let appeal = ops::load_for(&state, &s.caller, &id, may).await.map_err(&err)?;
            let back = format!("/accreditation/appeals/{}", appeal.id);
            let p = Page::for_session(&s, &spec.title_key(), &back);
            let action_url = format!("{back}/{action}");
            return Ok(crate::ui::confirm::page(
                p,
                spec,
                &appeal.organization_name,
                &action_url,
                &f.fields,
                &back,
            ));
        }
        f.fields.remove(crate::ui::confirm::CONFIRMED);
    }
    let r = match run_action(&state, &s, &id, &action, &f).await {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/accreditation/appeals/{id}?done={action}")).into_response());
        }
        Err(e) => form::refused(e, s.lang)?,
    };
    let page = show_page(&state, &s, &id, String::new(), r.message, r.errors)
        .await
        .map_err(&err)?;
    Ok(render_status(r.status, &page))
}
