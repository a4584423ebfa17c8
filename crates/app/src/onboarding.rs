//! Self-service onboarding: an organization asks for an account from the public site with its organization's data
//! (法人番号 with its check digit, legal form, prefecture, address, representative, contact). Nothing is kept for
//! the office until the contact's address is verified by the mailed link (one day); the office then approves the
//! request — creating the organization, or linking the one with the same 法人番号, and inviting the contact as its
//! user — or refuses it with a reason. The contact is told by mail either way.

use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use nintei_store::account_requests::{self as store, AccountRequest};
use nintei_store::{StoreError, audit, organizations, users};
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::org::OrganizationInput;
use crate::outbox::enqueue_mail;
use crate::security;
use crate::state::AppState;

/// Requests per client address in an hour.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;

/// The path of a verification link.
pub fn link_path(token: &str) -> String {
    format!("/signup/verify/{token}")
}

/// Takes a request: the organization's data is checked as the office's form checks it (400 naming the fields);
/// a filled honeypot is answered alike and dropped; the verification link is mailed to the contact.
pub async fn request(
    state: &AppState,
    input: &OrganizationInput,
    address: &str,
    honeypot: &str,
) -> AppResult<()> {
    let org = crate::org::validate(input).map_err(AppError::Validation)?;
    if !honeypot.trim().is_empty() {
        return Ok(());
    }
    let now = state.clock.unix();
    if store::recent(state.db.pool(), address, now - 3600).await? >= PER_ADDRESS_PER_HOUR {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    let token = security::random_token(32);
    let entered = input_json(input);
    let mut tx = state.db.begin_write().await?;
    store::insert(&mut tx, &entered, &org.contact.email, address, &token, now).await?;
    let link = state.config.url(&link_path(&token));
    let body = format!(
        "{} {}様\n\nnintei（相談機関登録・認定システム）へのアカウントの申請を受け付けました。\n\
         次のリンクを24時間以内に開き、メールアドレスを確認してください。確認後、認定業務本部が申請を審査します。\n\n\
         {link}\n\nお心当たりのない場合は、このメールを破棄してください。\n\n\
         An account for your organization was requested in nintei. Open the link above within 24 hours to confirm \
         your address; the office then reviews the request.\n",
        org.name, org.contact.name
    );
    enqueue_mail(
        &mut tx,
        now,
        &org.contact.email,
        "【nintei】メールアドレスの確認 / Confirm your address",
        &body,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

fn input_json(input: &OrganizationInput) -> serde_json::Value {
    json!({
        "name": input.name.trim(),
        "legal_form": input.legal_form.trim(),
        "corporate_number": input.corporate_number.as_deref().map(str::trim).filter(|s| !s.is_empty()),
        "prefecture": input.prefecture.trim(),
        "address": input.address.trim(),
        "representative": input.representative.trim(),
        "contact": {"name": input.contact.name.trim(), "email": input.contact.email.trim(), "phone": input.contact.phone.trim()},
    })
}

/// Whether a verification link is live (404 when unknown, used or expired).
pub async fn check_link(state: &AppState, token: &str) -> AppResult<()> {
    store::by_token(state.db.pool(), token, state.clock.unix())
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// The contact confirms its address: the request goes to the office's queue.
pub async fn verify(state: &AppState, token: &str, request_id: &str) -> AppResult<()> {
    let now = state.clock.now();
    let req = store::by_token(state.db.pool(), token, now.timestamp())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    if !store::verify(&mut tx, &req.id, now.timestamp()).await? {
        return Err(AppError::NotFound);
    }
    let event = nintei_store::AuditEvent {
        at: now,
        actor_id: None,
        actor_role: None,
        action: "account_request.verify".into(),
        entity: "account_request".into(),
        entity_id: req.id.clone(),
        changes: json!({"status": {"before": "unverified", "after": "verified"}, "email": req.email}),
        request_id: request_id.to_owned(),
    };
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

fn office(caller: &Caller) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::CreateOrganization))
}

/// The verified requests waiting, then the latest decided (the office's and administrators' list).
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<AccountRequest>> {
    office(caller)?;
    Ok(store::list(state.db.pool()).await?)
}

/// One request (verified or decided) for the office; 404 for anyone else.
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<AccountRequest> {
    if !authz::global(&caller.actor(), GlobalAction::CreateOrganization).is_allowed() {
        return Err(AppError::NotFound);
    }
    store::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

fn conflict(msg: &str) -> AppError {
    AppError::Conflict(msg.to_owned())
}

/// Approves a verified request in one transaction: the organization is created (or the one with the same 法人番号
/// linked), its contact becomes its user and is mailed an invitation to set a password. Returns the organization's id.
pub async fn approve(state: &AppState, caller: &Caller, id: &str) -> AppResult<String> {
    let req = get(state, caller, id).await?;
    if req.status != "verified" {
        return Err(conflict("この申請は処理済みです (already decided)"));
    }
    let input: OrganizationInput =
        serde_json::from_value(req.organization.clone()).map_err(|e| AppError::Internal(e.to_string()))?;
    let org = crate::org::validate(&input).map_err(AppError::Validation)?;
    if users::by_email(state.db.pool(), &org.contact.email)
        .await?
        .is_some()
    {
        return Err(conflict(
            "このメールアドレスの利用者はすでにいます。申請を断るか、利用者の画面で所属を変えてください (an account with this address exists)",
        ));
    }
    // An invited account's hash is of a secret nobody knows (it cannot sign in before the invitation is used).
    let hash = crate::hashing::hash_password(None).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let existing = match org.corporate_number.as_deref() {
        Some(n) => organizations::by_corporate_number(&mut *tx, n).await?,
        None => None,
    };
    let organization_id = match existing {
        Some(o) => o.id,
        None => {
            let extra = [("account_request", json!(req.id))];
            crate::org::insert_audited(&mut tx, caller, &org, now, &extra).await?
        }
    };
    let account = crate::account::Inserted {
        email: &org.contact.email,
        name: &org.contact.name,
        role: Role::Organization,
        organization_id: Some(&organization_id),
        hash: &hash,
        invited: true,
    };
    crate::account::insert_account(&mut tx, state, Some(caller), &account, now).await?;
    if !store::decide(
        &mut tx,
        &req.id,
        true,
        &caller.user.id,
        None,
        Some(&organization_id),
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この申請は処理済みです (already decided)"));
    }
    let changes =
        json!({"status": {"before": "verified", "after": "approved"}, "organization_id": organization_id});
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "account_request.approve",
            "account_request",
            &req.id,
            changes,
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(organization_id)
}

/// Refuses a verified request with a reason, mailed to the contact.
pub async fn refuse(state: &AppState, caller: &Caller, id: &str, reason: &str) -> AppResult<()> {
    let req = get(state, caller, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > crate::input::TEXT_MAX {
        return Err(AppError::Validation(vec![FieldError::new(
            "reason",
            "断る理由を入力してください (a reason is required)",
        )]));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !store::decide(
        &mut tx,
        &req.id,
        false,
        &caller.user.id,
        Some(reason),
        None,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この申請は処理済みです (already decided)"));
    }
    let name = req
        .organization
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let body = format!(
        "{name} ご担当者様\n\nnintei へのアカウントの申請について、認定業務本部で確認した結果、今回はお受けできませんでした。\n\n\
         理由：{reason}\n\nご不明な点は認定業務本部までお問い合わせください。\n\n\
         Your request for a nintei account was not accepted; the reason is given above.\n"
    );
    enqueue_mail(
        &mut tx,
        now.timestamp(),
        &req.email,
        "【nintei】アカウントの申請について",
        &body,
    )
    .await?;
    let changes = json!({"status": {"before": "verified", "after": "refused"}, "reason": reason});
    audit::append(
        &mut tx,
        &caller.audit(now, "account_request.refuse", "account_request", &req.id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
