//! Administrators' account screens: the list of users, the form to add one, and one user's page to change the
//! name, role and organization, disable or re-enable the account, and send a password-reset mail.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::list::{Controls, ListQuery, Pager};
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

pub struct UserRow {
    id: String,
    email: String,
    name: String,
    role_key: &'static str,
    totp: bool,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    p: Page,
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    organizations: Vec<(String, String)>,
    form: UserForm,
    errors: Errors,
    notice: &'static str,
    controls: Controls,
    pager: Pager,
}

async fn page(
    state: &AppState,
    s: &AnySession,
    form: UserForm,
    errors: Errors,
    notice: &'static str,
    query: &ListQuery,
) -> Result<UsersPage, PageError> {
    let err = in_lang(s.lang);
    let text = query.text();
    let (found, total) = nintei_app::account::page(state, &s.caller, &query.filter(&text))
        .await
        .map_err(&err)?;
    let rows: Vec<UserRow> = found
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            email: u.email,
            name: u.name,
            role_key: role_key(u.role),
            totp: u.totp_enabled,
            active: u.active,
        })
        .collect();
    let organizations = nintei_app::org::picker(state, &s.caller).await.map_err(&err)?;
    let tr = |k: &str| crate::i18n::t(s.lang, k).to_owned();
    let controls = Controls::new(
        "/admin/users",
        query,
        tr("users.role"),
        Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), tr(role_key(*r))))
            .collect(),
        vec![
            ("".into(), tr("list.sort_role")),
            ("name".into(), tr("list.sort_name")),
            ("email".into(), tr("list.sort_email")),
        ],
    );
    let pager = Pager::new("/admin/users", query, total, rows.len());
    Ok(UsersPage {
        controls,
        pager,
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
    #[serde(flatten)]
    list: ListQuery,
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
        &q.list,
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
        Err(e) => {
            // An address already in use is said beside the address.
            let r = crate::ui::form::refused(e, s.lang)?.beside("email");
            let form = UserForm {
                password: String::new(),
                ..f
            };
            let p = page(&state, &s, form, r.errors, "", &ListQuery::default()).await?;
            Ok(render_status(r.status, &p))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// One user

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    p: Page,
    id: String,
    email: String,
    name: String,
    role: String,
    organization_id: String,
    active: bool,
    roles: Vec<(&'static str, &'static str)>,
    organizations: Vec<(String, String)>,
    errors: Errors,
    message: String,
    notice: &'static str,
}

#[derive(Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    active: String,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn user_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    form: Option<&AccountForm>,
    errors: Errors,
    message: String,
    notice: &'static str,
) -> Result<UserPage, PageError> {
    let err = in_lang(s.lang);
    let user = nintei_app::account::user(state, &s.caller, id)
        .await
        .map_err(&err)?;
    let organizations = nintei_app::org::picker(state, &s.caller).await.map_err(&err)?;
    Ok(UserPage {
        p: Page::for_session(s, "users.edit_title", &format!("/admin/users/{id}")),
        id: user.id,
        email: user.email,
        name: form.map_or(user.name, |f| f.name.clone()),
        role: form.map_or_else(|| user.role.as_str().to_owned(), |f| f.role.clone()),
        organization_id: form.map_or_else(
            || user.organization_id.unwrap_or_default(),
            |f| f.organization_id.clone(),
        ),
        active: form.map_or(user.active, |f| !f.active.is_empty()),
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_key(*r))).collect(),
        organizations,
        errors,
        message,
        notice,
    })
}

/// `GET /admin/users/{id}`: the user's page.
pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("saved") => "users.saved",
        Some("reset") => "users.reset_sent",
        _ => "",
    };
    let p = user_page(&state, &s, &id, None, Errors::default(), String::new(), notice).await?;
    Ok(render_status(StatusCode::OK, &p))
}

/// `POST /admin/users/{id}`: saves the name, role, organization and whether the account is active.
pub async fn change(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    UiForm(f): UiForm<AccountForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let input = nintei_app::account::AccountChange {
        name: Some(f.name.clone()),
        role: Some(f.role.clone()),
        organization_id: Some(f.organization_id.clone()),
        active: Some(!f.active.is_empty()),
    };
    let r = match nintei_app::account::change_account(&state, &s.caller, &id, &input).await {
        Ok(_) => return Ok(Redirect::to(&format!("/admin/users/{id}?done=saved")).into_response()),
        Err(e) => crate::ui::form::refused(e, s.lang)?,
    };
    let p = user_page(&state, &s, &id, Some(&f), r.errors, r.message, "").await?;
    Ok(render_status(r.status, &p))
}

#[derive(Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/users/{id}/password-reset`: mails the user a password-reset link.
pub async fn password_reset(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    UiForm(f): UiForm<CsrfOnly>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    match nintei_app::account::send_password_reset(&state, &s.caller, &id).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?done=reset")).into_response()),
        Err(AppError::Conflict(m)) => {
            let p = user_page(&state, &s, &id, None, Errors::default(), m, "").await?;
            Ok(render_status(StatusCode::CONFLICT, &p))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}
