//! Creating and changing accounts: one path for the API, the admin screens, `nintei user add` and the demo data.

use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use nintei_store::{AuditEvent, StoreError, audit, organizations, sessions, tokens, users};
use serde::Deserialize;
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
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

/// A person's name: 1 to 100 characters.
fn check_name(errors: &mut Vec<FieldError>, name: &str) {
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "name",
            "氏名を100文字以内で入力してください (1 to 100 characters)",
        ));
    }
}

fn parse_role(errors: &mut Vec<FieldError>, raw: &str) -> Option<Role> {
    let role = Role::parse(raw);
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            "admin, office, head, coordinator, surveyor, committee, organization のいずれかです",
        ));
    }
    role
}

/// An organization user belongs to an existing organization; nobody else belongs to one (the role, when it
/// could be read).
async fn check_membership(
    state: &AppState,
    errors: &mut Vec<FieldError>,
    role: Option<Role>,
    organization_id: Option<&str>,
) -> AppResult<()> {
    match (role, organization_id) {
        (Some(Role::Organization), None) => errors.push(FieldError::new(
            "organization_id",
            "機関の利用者には所属機関が必要です (required for organization users)",
        )),
        (Some(r), Some(_)) if r != Role::Organization => errors.push(FieldError::new(
            "organization_id",
            "事務局・委員の利用者は機関に所属しません (only organization users belong to one)",
        )),
        _ => {}
    }
    if let Some(org) = organization_id
        && organizations::by_id(state.db.pool(), org).await?.is_none()
    {
        errors.push(FieldError::new(
            "organization_id",
            "該当する機関がありません (no such organization)",
        ));
    }
    Ok(())
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
    check_name(&mut errors, name);
    let role = parse_role(&mut errors, a.role);
    check_membership(state, &mut errors, role, a.organization_id).await?;
    // Without a password the account is invited to set its own (the link mailed in this transaction).
    let invited = a.password.is_empty();
    if !invited && let Err(e) = nintei_domain::password::check_password(a.password, email, name) {
        errors.push(FieldError::new("password", e.to_string()));
    }
    let Some(role) = role else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // An invited account's hash is of a secret nobody knows: it cannot sign in until the invitation is used.
    let hash = crate::hashing::hash_password((!invited).then_some(a.password)).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let account = Inserted {
        email,
        name,
        role,
        organization_id: a.organization_id,
        hash: &hash,
        invited,
    };
    let id = insert_account(&mut tx, state, by, &account, now).await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(id)
}

/// A checked account, its password hash made.
pub(crate) struct Inserted<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub organization_id: Option<&'a str>,
    pub hash: &'a str,
    /// Without a password of its own: mailed an invitation to set it.
    pub invited: bool,
}

/// Inserts a checked account inside `tx`, audits it and, when `invited`, mails the invitation in the same
/// transaction.
pub(crate) async fn insert_account(
    tx: &mut nintei_store::Tx,
    state: &AppState,
    by: Option<&Caller>,
    a: &Inserted<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<String> {
    let (email, name, role, invited) = (a.email, a.name, a.role, a.invited);
    let new = users::NewUser {
        email,
        name,
        role,
        organization_id: a.organization_id,
        password_hash: a.hash,
    };
    let id = users::insert(tx, &new, now.timestamp()).await?;
    let changes = audit::created(&[
        ("email", json!(users::normalize_email(email))),
        ("name", json!(name)),
        ("role", json!(role.as_str())),
        ("organization_id", json!(a.organization_id)),
        ("invited", json!(invited)),
    ]);
    if invited {
        let by_id = by.map_or("cli", |c| c.user.id.as_str());
        crate::recovery::invite(tx, state, &id, &users::normalize_email(email), name, by_id).await?;
    }
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
    audit::append(tx, &event).await?;
    Ok(id)
}

/// The body of `PATCH /api/v1/users/{id}` and of the account's form: only what is given changes.
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AccountChange {
    pub name: Option<String>,
    #[schema(pattern = "^(admin|office|head|coordinator|surveyor|committee|organization)$")]
    pub role: Option<String>,
    /// An organization user's organization; `""` or null for staff.
    pub organization_id: Option<String>,
    pub active: Option<bool>,
}

/// An administrator changes an account: name, role (with the organization an organization user belongs to) and
/// whether it may sign in. Disabling an account or changing its role ends its sessions and API tokens at once.
/// Administrators do not disable or demote themselves, and the last active administrator stays one (409).
pub async fn change_account(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AccountChange,
) -> AppResult<users::User> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::CreateUser))?;
    let user = users::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let name = match &input.name {
        Some(n) => {
            let n = n.trim();
            check_name(&mut errors, n);
            n.to_owned()
        }
        None => user.name.clone(),
    };
    let role = match &input.role {
        Some(r) => parse_role(&mut errors, r.trim()).unwrap_or(user.role),
        None => user.role,
    };
    let organization_id = match &input.organization_id {
        Some(o) if o.trim().is_empty() => None,
        Some(o) => Some(o.trim().to_owned()),
        None if role == Role::Organization => user.organization_id.clone(),
        None => None,
    };
    check_membership(state, &mut errors, Some(role), organization_id.as_deref()).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let active = input.active.unwrap_or(user.active);
    let demoted_admin = user.role == Role::Admin && user.active && (role != Role::Admin || !active);
    if demoted_admin && user.id == caller.user.id {
        return Err(AppError::Conflict(
            "自分自身を無効にしたり管理者から外したりはできません (not your own account)".into(),
        ));
    }
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    if demoted_admin && users::active_admins(&mut *tx).await? <= 1 {
        return Err(AppError::Conflict(
            "有効な管理者が1人もいなくなります (the last active administrator)".into(),
        ));
    }
    if !users::update_account(
        &mut tx,
        id,
        &name,
        role,
        organization_id.as_deref(),
        active,
        user.version,
        ts,
    )
    .await?
    {
        return Err(AppError::Conflict(
            "利用者が同時に変更されました。再読み込みしてください (changed concurrently)".into(),
        ));
    }
    // A disabled account, or one whose role changed, signs in again (and gets new tokens) before acting.
    let (mut ended_sessions, mut ended_tokens) = (0, 0);
    if !active || role != user.role || organization_id != user.organization_id {
        ended_sessions = sessions::delete_for_user(&mut tx, id, None).await?;
        ended_tokens = tokens::revoke_for_user(&mut tx, id, ts).await?;
    }
    let mut changes = audit::diff(&[
        ("name", json!(user.name), json!(name)),
        ("role", json!(user.role.as_str()), json!(role.as_str())),
        (
            "organization_id",
            json!(user.organization_id),
            json!(organization_id),
        ),
        ("active", json!(user.active), json!(active)),
    ]);
    if let Some(obj) = changes.as_object_mut()
        && ended_sessions + ended_tokens > 0
    {
        obj.insert(
            "ended".into(),
            json!({"sessions": ended_sessions, "tokens": ended_tokens}),
        );
    }
    audit::append(&mut tx, &caller.audit(now, "user.change", "user", id, changes)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    users::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

/// An administrator sends an account the password-reset mail (the same one-hour, one-use link as the public
/// request), audited as the administrator's; 409 for a disabled account.
pub async fn send_password_reset(state: &AppState, caller: &Caller, id: &str) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::CreateUser))?;
    let user = users::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.active {
        return Err(AppError::Conflict(
            "無効な利用者にはパスワード再設定のメールを送れません (the account is disabled)".into(),
        ));
    }
    crate::recovery::request(
        state,
        &user.email,
        &format!("admin:{}", caller.user.id),
        &caller.request_id,
    )
    .await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "user.password_reset_sent",
            "user",
            id,
            json!({"email": user.email}),
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The caller's own password changed (checked and hashed by the caller of this): every session and API token of the
/// account ends, this one included. Returns how many sessions and tokens ended.
pub async fn set_own_password(state: &AppState, caller: &Caller, hash: &str) -> AppResult<(u64, u64)> {
    let now = state.clock.now();
    let user = &caller.user;
    let mut tx = state.db.begin_write().await?;
    users::set_password(&mut tx, &user.id, hash, now.timestamp()).await?;
    let ended = sessions::delete_for_user(&mut tx, &user.id, None).await?;
    let revoked = tokens::revoke_for_user(&mut tx, &user.id, now.timestamp()).await?;
    let changes = json!({"password": "changed", "sessions_ended": ended, "tokens_revoked": revoked});
    audit::append(
        &mut tx,
        &caller.audit(now, "user.password_change", "user", &user.id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok((ended, revoked))
}

/// The caller enrolls a second factor whose code at `step` was checked by the caller of this.
pub async fn enable_totp(state: &AppState, caller: &Caller, secret: &str, step: i64) -> AppResult<()> {
    let now = state.clock.now();
    let id = &caller.user.id;
    let mut tx = state.db.begin_write().await?;
    users::set_totp(&mut tx, id, Some(secret), true, now.timestamp()).await?;
    users::advance_totp_step(&mut tx, id, step).await?;
    let changes = json!({"totp_enabled": {"before": false, "after": true}});
    audit::append(
        &mut tx,
        &caller.audit(now, "user.totp_enable", "user", id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A page of the administrator's user list (searched, filtered by role, sorted) with the number of matches.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    filter: &nintei_store::listing::Filter<'_>,
) -> AppResult<(Vec<users::User>, i64)> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::ListUsers))?;
    Ok(users::page(state.db.pool(), filter).await?)
}

/// One user's account for the administrator's edit screen; 404 when there is none.
pub async fn user(state: &AppState, caller: &Caller, id: &str) -> AppResult<users::User> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::ListUsers))?;
    users::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

/// Every staff account (every role but the organizations'), for the names and pickers of the pages that already
/// authorized their caller.
pub async fn staff(state: &AppState) -> AppResult<Vec<users::User>> {
    Ok(users::staff(state.db.pool()).await?)
}
