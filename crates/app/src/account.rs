//! Creating accounts: one path for the API, the admin screens, `nintei user add` and the demo data.

use nintei_domain::role::Role;
use nintei_store::{AuditEvent, audit, organizations, users};
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::security;
use crate::state::AppState;

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub organization_id: Option<&'a str>,
    pub password: &'a str,
}

/// A plausible e-mail address: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn valid_email(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
}

/// Validates and creates an account; `by` is None for the command line.
pub async fn create_account(state: &AppState, by: Option<&Caller>, a: &NewAccount<'_>) -> AppResult<String> {
    let mut errors = Vec::new();
    let email = a.email.trim();
    let name = a.name.trim();
    if !valid_email(email) {
        errors.push(FieldError::new(
            "email",
            "メールアドレスの形式が正しくありません (not a valid e-mail address)",
        ));
    }
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "name",
            "氏名を100文字以内で入力してください (1 to 100 characters)",
        ));
    }
    let role = Role::parse(a.role);
    match role {
        None => errors.push(FieldError::new(
            "role",
            "admin, office, head, coordinator, surveyor, committee, organization のいずれかです",
        )),
        Some(Role::Organization) if a.organization_id.is_none() => errors.push(FieldError::new(
            "organization_id",
            "組織の利用者には所属組織が必要です (required for organization users)",
        )),
        Some(r) if r != Role::Organization && a.organization_id.is_some() => errors.push(FieldError::new(
            "organization_id",
            "事務局・委員の利用者は組織に所属しません (only organization users belong to one)",
        )),
        _ => {}
    }
    if let Some(org) = a.organization_id
        && organizations::by_id(state.db.pool(), org).await?.is_none()
    {
        errors.push(FieldError::new(
            "organization_id",
            "該当する組織がありません (no such organization)",
        ));
    }
    if let Err(e) = nintei_domain::password::check_password(a.password, email, name) {
        errors.push(FieldError::new("password", e.to_string()));
    }
    let Some(role) = role else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let pw = a.password.to_owned();
    let hash = crate::hashing::run(move || security::hash_password(&pw))
        .await
        .ok_or(AppError::TooManyRequests {
            retry_after: crate::hashing::BUSY_RETRY_AFTER,
        })?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let new = users::NewUser {
        email,
        name,
        role,
        organization_id: a.organization_id,
        password_hash: &hash,
    };
    let id = users::insert(&mut tx, &new, now.timestamp()).await?;
    let changes = audit::created(&[
        ("email", json!(users::normalize_email(email))),
        ("name", json!(name)),
        ("role", json!(role.as_str())),
        ("organization_id", json!(a.organization_id)),
    ]);
    let event = match by {
        Some(c) => c.audit(now, "user.create", "user", &id, changes),
        None => AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("cli".into()),
            action: "user.create".into(),
            entity: "user".into(),
            entity_id: id.clone(),
            changes,
            request_id: "cli".into(),
        },
    };
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(id)
}
