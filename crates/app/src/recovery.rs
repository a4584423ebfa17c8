//! Password recovery: anyone may ask for a reset link for an e-mail address; the answer is the same whether an
//! account has that address or not. The link is mailed (one hour, once); setting a new password through it ends
//! every session and API token of the account. A second factor stays enrolled and is asked at the next sign-in.

use nintei_store::users::{self, normalize_email};
use nintei_store::{AuditEvent, StoreError, audit, password_resets, sessions, tokens};
use serde_json::json;

use crate::error::{AppError, AppResult, FieldError};
use crate::outbox::enqueue_mail;
use crate::security;
use crate::state::AppState;

/// Requests per e-mail address and per client address in an hour; more are answered 429 (alike for every
/// address, so the limit tells nothing about accounts).
pub const PER_EMAIL_PER_HOUR: i64 = 3;
pub const PER_ADDRESS_PER_HOUR: i64 = 20;

/// The path of a reset link; the mail carries it after the public address.
pub fn link_path(token: &str) -> String {
    format!("/password-reset/{token}")
}

/// Asks for a reset link. `Ok` for known and unknown addresses alike; a link is mailed only to an active account.
pub async fn request(state: &AppState, email: &str, address: &str, request_id: &str) -> AppResult<()> {
    let email = normalize_email(email);
    if email.is_empty() || email.len() > 254 || !crate::account::valid_email(&email) {
        return Err(AppError::field(
            "email",
            "メールアドレスを入力してください (an e-mail address)",
        ));
    }
    let now = state.clock.now();
    let ts = now.timestamp();
    let (by_email, by_address) = password_resets::recent(&state.db, &email, address, ts - 3600).await?;
    if by_email >= PER_EMAIL_PER_HOUR || by_address >= PER_ADDRESS_PER_HOUR {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    let user = users::by_email(state.db.pool(), &email)
        .await?
        .filter(|u| u.active);
    let token = user.as_ref().map(|_| security::random_token(32));
    let mut tx = state.db.begin_write().await?;
    let row = password_resets::NewRequest {
        email: &email,
        address,
        user_id: user.as_ref().map(|u| u.id.as_str()),
        token: token.as_deref(),
        ttl_secs: password_resets::TOKEN_TTL_SECS,
    };
    password_resets::insert(&mut tx, &row, ts).await?;
    if let (Some(user), Some(token)) = (&user, &token) {
        let link = state.config.url(&link_path(token));
        let body = format!(
            "{name} 様\n\nnintei（相談機関登録・認定システム）のパスワード再設定のご依頼を受け付けました。\n\
             次のリンクから1時間以内に新しいパスワードを設定してください（1回のみ有効）。\n\n{link}\n\n\
             お心当たりのない場合は、このメールを破棄してください。パスワードは変わりません。\n\n\
             A password reset was requested for your nintei account. Open the link above within one hour to set a \
             new password; if you did not ask for it, ignore this mail.\n",
            name = user.name
        );
        enqueue_mail(
            &mut tx,
            ts,
            &user.email,
            "【nintei】パスワード再設定のご案内 / Password reset",
            &body,
        )
        .await?;
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: None,
            action: "user.password_reset_request".into(),
            entity: "user".into(),
            entity_id: user.id.clone(),
            changes: json!({"address": address}),
            request_id: request_id.to_owned(),
        };
        audit::append(&mut tx, &event).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Inside the transaction that creates an account without a password: an invitation link (seven days, once) to
/// set its first password, mailed to the account's address. The account cannot sign in until then.
pub async fn invite(
    tx: &mut nintei_store::Tx,
    state: &AppState,
    user_id: &str,
    email: &str,
    name: &str,
    invited_by: &str,
) -> AppResult<()> {
    let token = security::random_token(32);
    let now = state.clock.unix();
    let row = password_resets::NewRequest {
        email,
        address: &format!("invitation:{invited_by}"),
        user_id: Some(user_id),
        token: Some(&token),
        ttl_secs: password_resets::INVITATION_TTL_SECS,
    };
    password_resets::insert(tx, &row, now).await?;
    let link = state.config.url(&link_path(&token));
    let body = format!(
        "{name} 様\n\nnintei（相談機関登録・認定システム）のアカウントを作成しました。\n\
         次のリンクから7日以内にご自身のパスワードを設定してください（1回のみ有効）。\n\n{link}\n\n\
         期限を過ぎた場合は、ログイン画面の「パスワードを忘れた方」から設定できます。\n\n\
         An account was created for you in nintei. Open the link above within seven days to set your password.\n"
    );
    enqueue_mail(
        tx,
        now,
        email,
        "【nintei】アカウントのご案内 / Your nintei account",
        &body,
    )
    .await?;
    Ok(())
}

/// Whether a reset link is live (404 when unknown, used or expired).
pub async fn check_link(state: &AppState, token: &str) -> AppResult<()> {
    password_resets::lookup(&state.db, token, state.clock.unix())
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Sets a new password through a live link: 404 for a used or expired link, 400 for a weak password (the link
/// stays usable); ends every session and API token of the account.
pub async fn reset(state: &AppState, token: &str, password: &str, request_id: &str) -> AppResult<()> {
    let now = state.clock.now();
    let ts = now.timestamp();
    let user_id = password_resets::lookup(&state.db, token, ts)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = users::by_id(state.db.pool(), &user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::NotFound)?;
    if let Err(e) = nintei_domain::password::check_password(password, &user.email, &user.name) {
        return Err(AppError::Validation(vec![FieldError::new(
            "password",
            e.to_string(),
        )]));
    }
    // Hashing is bounded like every other (memory: 19 MiB each); a full house answers 429.
    let hash = crate::hashing::hash_password(Some(password)).await?;
    let mut tx = state.db.begin_write().await?;
    if !password_resets::use_token(&mut tx, token, &user.id, ts).await? {
        return Err(AppError::NotFound);
    }
    password_resets::end_others(&mut tx, &user.id, ts).await?;
    users::set_password(&mut tx, &user.id, &hash, ts).await?;
    let ended = sessions::delete_for_user(&mut tx, &user.id, None).await?;
    let revoked = tokens::revoke_for_user(&mut tx, &user.id, ts).await?;
    let event = AuditEvent {
        at: now,
        actor_id: Some(user.id.clone()),
        actor_role: Some(user.role.as_str().to_owned()),
        action: "user.password_reset".into(),
        entity: "user".into(),
        entity_id: user.id.clone(),
        changes: json!({"password": "changed", "sessions_ended": ended, "tokens_revoked": revoked}),
        request_id: request_id.to_owned(),
    };
    audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
