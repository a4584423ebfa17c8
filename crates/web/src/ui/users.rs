//! Administrators' account screen: the list of users and the form to add one.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use nintei_store::{organizations, users};
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status, role_key};
use nintei_app::account::{NewAccount, create_account};
use nintei_app::state::AppState;

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    p: Page,
    rows: Vec<(String, String, &'static str, bool)>,
    roles: Vec<(&'static str, &'static str)>,
    organizations: Vec<(String, String)>,
    form: UserForm,
    errors: Errors,
    notice: &'static str,
}

async fn page(
    state: &AppState,
    s: &AnySession,
    form: UserForm,
    errors: Errors,
    notice: &'static str,
) -> Result<UsersPage, PageError> {
    let err = in_lang(s.lang);
    let rows = users::list(state.db.pool())
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|u| (u.email, u.name, role_key(u.role), u.totp_enabled))
        .collect();
    let organizations = organizations::list(state.db.pool(), 1000)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(UsersPage {
        p: Page::for_session(s, "users.title", "/admin/users"),
        rows,
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_key(*r))).collect(),
        organizations,
        form,
        errors,
        notice,
    })
}

#[derive(Deserialize)]
pub struct Created {
    created: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    axum::extract::Query(q): axum::extract::Query<Created>,
) -> Result<Response, PageError> {
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::ListUsers)).map_err(in_lang(s.lang))?;
    let notice = if q.created.is_some() { "users.created" } else { "" };
    let p = page(
        &state,
        &s,
        UserForm {
            role: "office".into(),
            ..UserForm::default()
        },
        Errors::default(),
        notice,
    )
    .await?;
    Ok(render_status(StatusCode::OK, &p))
}

pub async fn create(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<UserForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::CreateUser)).map_err(&err)?;
    let org = Some(f.organization_id.trim()).filter(|o| !o.is_empty());
    let account = NewAccount {
        email: &f.email,
        name: &f.name,
        role: &f.role,
        organization_id: org,
        password: &f.password,
    };
    match create_account(&state, Some(&s.caller), &account).await {
        Ok(_) => Ok(Redirect::to("/admin/users?created=1").into_response()),
        Err(AppError::Validation(errors)) => {
            let form = UserForm {
                password: String::new(),
                ..f
            };
            let p = page(&state, &s, form, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &p))
        }
        Err(AppError::Conflict(m)) => {
            let form = UserForm {
                password: String::new(),
                ..f
            };
            let p = page(
                &state,
                &s,
                form,
                Errors(vec![crate::error::FieldError::new("email", m)]),
                "",
            )
            .await?;
            Ok(render_status(StatusCode::CONFLICT, &p))
        }
        Err(e) => Err(err(e)),
    }
}
