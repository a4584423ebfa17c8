//! Administrators manage accounts: change the name, role and organization, disable and re-enable an account
//! (a disabled account's sessions and API tokens end at once), and send a password-reset mail.

use axum::body::Body;
use axum::http::{Request, header};
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::support::{Browser, PASSWORD, TestApp, TestResponse};

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> TestResponse {
    let req = Request::patch(format!("/api/v1/users/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(req).await
}

#[tokio::test]
async fn an_administrator_changes_disables_and_re_enables_an_account_whose_sessions_and_tokens_end() {
    let app = TestApp::new().await;
    let (admin_id, admin) = app.login(Role::Admin, None).await;
    let (id, email) = app.user(Role::Surveyor, None).await;
    let token = app.token_for(&email).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&email, PASSWORD).await.assert_status(303);
    browser.get("/dashboard").await.assert_status(200);

    // Name and role; only what is given changes.
    let r = patch(
        &app,
        &admin,
        &id,
        json!({"name": "調査 次郎", "role": "coordinator"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["name"], "調査 次郎");
    assert_eq!(r.json()["role"], "coordinator");
    assert_eq!(r.json()["active"], true);
    assert!(r.json().get("password_hash").is_none());
    // A role change ends the sessions and tokens: the new role is taken up at the next sign-in.
    browser.get("/dashboard").await.assert_status(303);
    app.get("/api/v1/me", Some(&token)).await.assert_status(401);

    // Disabled: no sign-in at all, whatever the password.
    let mut browser = Browser::new(&app);
    browser.sign_in(&email, PASSWORD).await.assert_status(303);
    let token = app.token_for(&email).await;
    let r = patch(&app, &admin, &id, json!({"active": false})).await;
    r.assert_status(200);
    assert_eq!(r.json()["active"], false);
    browser.get("/dashboard").await.assert_status(303);
    app.get("/api/v1/me", Some(&token)).await.assert_status(401);
    let mut again = Browser::new(&app);
    again.sign_in(&email, PASSWORD).await.assert_status(401);
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(401);
    // No reset mail for a disabled account.
    app.post_json(
        &format!("/api/v1/users/{id}/password-reset"),
        Some(&admin),
        &json!({}),
    )
    .await
    .assert_status(409);

    // Re-enabled: signs in again, and the administrator can mail it a reset link.
    patch(&app, &admin, &id, json!({"active": true}))
        .await
        .assert_status(200);
    let mut back = Browser::new(&app);
    back.sign_in(&email, PASSWORD).await.assert_status(303);
    assert_eq!(back.get("/dashboard").await.status.as_u16(), 200);
    app.post_json(
        &format!("/api/v1/users/{id}/password-reset"),
        Some(&admin),
        &json!({}),
    )
    .await
    .assert_status(202);
    let mails = nintei_store::mail::list(app.state.db.pool(), 100).await.unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.to == email.to_lowercase() && m.subject.contains("パスワード再設定")),
        "the reset mail is queued"
    );
    let audited = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('user.change', 'user.password_reset_sent')")
        .await
        .unwrap();
    assert_eq!(audited, 4);

    // Bad input names its field; an organization user needs its organization; unknown users are 404.
    let r = patch(&app, &admin, &id, json!({"role": "organization"})).await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["organization_id"]);
    patch(&app, &admin, &id, json!({"role": "wizard"}))
        .await
        .assert_status(400);
    patch(&app, &admin, "no-such-user", json!({"name": "x"}))
        .await
        .assert_status(404);

    // Administrators do not disable or demote themselves; with a second one, one can be disabled.
    patch(&app, &admin, &admin_id, json!({"active": false}))
        .await
        .assert_status(409);
    patch(&app, &admin, &admin_id, json!({"role": "office"}))
        .await
        .assert_status(409);
    let (other_admin, _) = app.login(Role::Admin, None).await;
    patch(&app, &admin, &other_admin, json!({"active": false}))
        .await
        .assert_status(200);
    // Only administrators manage accounts.
    let (_, office) = app.login(Role::Office, None).await;
    patch(&app, &office, &id, json!({"name": "x"}))
        .await
        .assert_status(403);
}

#[tokio::test]
async fn an_account_made_without_a_password_is_invited_to_set_its_own() {
    let app = TestApp::new().await;
    let (_, admin) = app.login(Role::Admin, None).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "new.office@example.jp", "name": "新人 事務", "role": "office"}),
        )
        .await;
    r.assert_status(201);
    let mails: Vec<_> = nintei_store::mail::list(app.state.db.pool(), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to == "new.office@example.jp")
        .collect();
    assert_eq!(mails.len(), 1, "one invitation");
    assert!(mails[0].subject.contains("アカウントのご案内") && mails[0].body.contains("7日以内"));
    let at = mails[0].body.find("/password-reset/").expect("a link");
    let token = mails[0].body[at + "/password-reset/".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    // Nobody can sign in before the invitation is used.
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": "new.office@example.jp", "password": "Hinoki-Tsubaki-Koyomi-8841"}),
        )
        .await;
    r.assert_status(401);
    // Six days later the link still works; the user sets their password and signs in with it.
    app.clock.advance(chrono::Duration::days(6));
    app.get(&format!("/password-reset/{token}"), None)
        .await
        .assert_status(200);
    app.post_json(
        &format!("/api/v1/public/password-resets/{token}"),
        None,
        &json!({"password": "Hinoki-Tsubaki-Koyomi-8841"}),
    )
    .await
    .assert_status(204);
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": "new.office@example.jp", "password": "Hinoki-Tsubaki-Koyomi-8841"}),
    )
    .await
    .assert_status(200);
    // Used once only.
    app.get(&format!("/password-reset/{token}"), None)
        .await
        .assert_status(404);
}
