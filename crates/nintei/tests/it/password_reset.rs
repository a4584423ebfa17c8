//! Password recovery: a one-time link by mail (1 hour), the same answer for known and unknown addresses, every
//! session and token ended by the reset, and the second factor still asked afterwards.

use chrono::Duration;
use nintei_domain::role::Role;
use serde_json::json;

use crate::support::{Browser, PASSWORD, TestApp, hidden};

const NEW_PASSWORD: &str = "Hinoki-Tsubaki-Koyomi-8841";

/// The reset links mailed to `to`, oldest first (read from the outbox the request wrote in its transaction).
async fn links(app: &TestApp, to: &str) -> Vec<String> {
    let mut mails: Vec<_> = nintei_store::mail::list(app.state.db.pool(), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to == to && m.subject.contains("パスワード再設定"))
        .collect();
    mails.sort_by_key(|m| m.created_at);
    mails
        .iter()
        .map(|m| {
            let at = m.body.find("/password-reset/").expect("a link in the mail");
            m.body[at + "/password-reset/".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

async fn ask(app: &TestApp, email: &str) -> u16 {
    app.post_json("/api/v1/public/password-resets", None, &json!({"email": email}))
        .await
        .status
        .as_u16()
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session_and_token() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let old_token = app.token_for(&email).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&email, PASSWORD).await;
    assert_eq!(app.count("sessions").await, 1);

    assert_eq!(ask(&app, &email.to_uppercase()).await, 202);
    let link = links(&app, &email).await.pop().expect("one mail with a link");
    assert!(
        !app.state
            .db
            .scalar_i64(&format!(
                "SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = '{link}'"
            ))
            .await
            .unwrap()
            .is_positive(),
        "only the token's hash is stored"
    );
    // A weak password is refused and the link stays usable.
    let weak = app
        .post_json(
            &format!("/api/v1/public/password-resets/{link}"),
            None,
            &json!({"password": "password1234"}),
        )
        .await;
    weak.assert_status(400);
    assert_eq!(weak.error_fields(), ["password"]);
    app.post_json(
        &format!("/api/v1/public/password-resets/{link}"),
        None,
        &json!({"password": NEW_PASSWORD}),
    )
    .await
    .assert_status(204);
    assert_eq!(app.count("sessions").await, 0, "every browser session ended");
    app.get("/api/v1/me", Some(&old_token)).await.assert_status(401);
    // Used once: a second use is 404, as is an unknown link.
    app.post_json(
        &format!("/api/v1/public/password-resets/{link}"),
        None,
        &json!({"password": "Another-Long-Passphrase-77"}),
    )
    .await
    .assert_status(404);
    app.post_json(
        "/api/v1/public/password-resets/not-a-token",
        None,
        &json!({"password": NEW_PASSWORD}),
    )
    .await
    .assert_status(404);
    // The new password works, the old one does not.
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(401);
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": NEW_PASSWORD}),
    )
    .await
    .assert_status(200);
    let audited = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'user.password_reset%'")
        .await
        .unwrap();
    assert_eq!(audited, 2, "the request and the reset are audited");
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_and_only_accounts_get_mail() {
    let app = TestApp::new().await;
    let (_, email) = app
        .user(Role::Organization, Some(&app.organization("相談室さくら").await))
        .await;
    let before = app.count("mail_outbox").await;
    assert_eq!(ask(&app, &email).await, 202);
    assert_eq!(ask(&app, "nobody@example.jp").await, 202);
    assert_eq!(
        app.count("mail_outbox").await,
        before + 1,
        "no mail for an unknown address"
    );
    let bad = app
        .post_json(
            "/api/v1/public/password-resets",
            None,
            &json!({"email": "not an address"}),
        )
        .await;
    bad.assert_status(400);
    assert_eq!(bad.error_fields(), ["email"]);
}

#[tokio::test]
async fn a_link_expires_after_an_hour_and_a_newer_link_ends_the_older() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    ask(&app, &email).await;
    let first = links(&app, &email).await.pop().unwrap();
    app.clock.advance(Duration::minutes(61));
    app.get(&format!("/password-reset/{first}"), None)
        .await
        .assert_status(404);
    app.post_json(
        &format!("/api/v1/public/password-resets/{first}"),
        None,
        &json!({"password": NEW_PASSWORD}),
    )
    .await
    .assert_status(404);
    ask(&app, &email).await;
    app.clock.advance(Duration::minutes(1));
    ask(&app, &email).await;
    let all = links(&app, &email).await;
    let (older, newer) = (&all[1], &all[2]);
    app.post_json(
        &format!("/api/v1/public/password-resets/{newer}"),
        None,
        &json!({"password": NEW_PASSWORD}),
    )
    .await
    .assert_status(204);
    app.post_json(
        &format!("/api/v1/public/password-resets/{older}"),
        None,
        &json!({"password": "Another-Long-Passphrase-77"}),
    )
    .await
    .assert_status(404);
}

#[tokio::test]
async fn requests_are_limited_per_address_alike_for_known_and_unknown() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for _ in 0..3 {
        assert_eq!(ask(&app, &email).await, 202);
        assert_eq!(ask(&app, "ghost@example.jp").await, 202);
    }
    assert_eq!(ask(&app, &email).await, 429);
    assert_eq!(ask(&app, "ghost@example.jp").await, 429);
    app.clock.advance(Duration::minutes(61));
    assert_eq!(ask(&app, &email).await, 202);
}

#[tokio::test]
async fn the_screens_lead_from_the_sign_in_page_to_a_new_password_and_the_second_factor_stays() {
    let app = TestApp::new().await;
    let (admin_id, email) = app.user(Role::Admin, None).await;
    // The administrator has a second factor enrolled.
    let mut tx = app.state.db.begin_write().await.unwrap();
    nintei_store::users::set_totp(&mut tx, &admin_id, Some("JBSWY3DPEHPK3PXP"), true, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut b = Browser::new(&app);
    let login = b.get("/login").await;
    assert!(login.text().contains("href=\"/password-reset\""));
    let form = b.get("/password-reset").await;
    form.assert_status(200);
    let csrf = hidden(&form.text(), "csrf");
    // Without the form token the request is refused.
    b.post_form("/password-reset", &[("email", &email)])
        .await
        .assert_status(403);
    let sent = b
        .post_form("/password-reset", &[("csrf", &csrf), ("email", &email)])
        .await;
    sent.assert_status(200);
    assert!(sent.text().contains("再設定用のリンクをお送りしました"));
    let link = links(&app, &email).await.pop().unwrap();
    let page = b.get(&format!("/password-reset/{link}")).await;
    page.assert_status(200);
    let csrf = hidden(&page.text(), "csrf");
    let weak = b
        .post_form(
            &format!("/password-reset/{link}"),
            &[("csrf", &csrf), ("password", "short")],
        )
        .await;
    weak.assert_status(400);
    let csrf = hidden(&weak.text(), "csrf");
    let done = b
        .post_form(
            &format!("/password-reset/{link}"),
            &[("csrf", &csrf), ("password", NEW_PASSWORD)],
        )
        .await;
    done.assert_status(200);
    assert!(done.text().contains("新しいパスワードを設定しました"));
    // Signing in with the new password still asks for the second factor.
    let r = b.sign_in(&email, NEW_PASSWORD).await;
    assert_eq!(r.location(), "/login/totp");
}

#[tokio::test]
async fn the_reset_link_arrives_through_the_real_smtp_sink_and_sets_the_password() {
    let sink = crate::mail::Sink::start();
    let app = crate::mail::app_with_smtp(sink.port).await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let csrf = hidden(&b.get("/password-reset").await.text(), "csrf");
    b.post_form("/password-reset", &[("csrf", &csrf), ("email", &email)])
        .await
        .assert_status(200);
    // Delivered by the send_mail job queued in the request's transaction.
    while nintei_app::jobs::run_due(&app.state, "w").await.unwrap() > 0 {}
    let got = sink.received();
    let m = got
        .iter()
        .find(|m| m["rcpt_tos"] == json!([email.to_lowercase()]))
        .expect("the reset mail at the sink");
    assert!(m["subject"].as_str().unwrap().contains("パスワード再設定"));
    let body = m["body"].as_str().unwrap();
    let link = body
        .split("/password-reset/")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("a link in the delivered mail")
        .to_owned();
    let csrf = hidden(&b.get(&format!("/password-reset/{link}")).await.text(), "csrf");
    b.post_form(
        &format!("/password-reset/{link}"),
        &[("csrf", &csrf), ("password", NEW_PASSWORD)],
    )
    .await
    .assert_status(200);
    let r = b.sign_in(&email, NEW_PASSWORD).await;
    assert_eq!(r.location(), "/dashboard");
}
