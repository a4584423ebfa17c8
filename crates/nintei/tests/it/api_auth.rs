//! API.md "Authentication and accounts": tokens, `/me`, users, throttling, TOTP.

use chrono::Duration;
use nintei_domain::role::Role;
use serde_json::json;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn token_then_me() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Office, None).await;
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    r.assert_status(200);
    let body = r.json();
    let token = body["token"].as_str().unwrap();
    // RFC 3339 with offset, 12 hours ahead (JST).
    let expires = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires.timestamp() - app.clock.unix_now(), 12 * 3600);
    let me = app.get("/api/v1/me", Some(token)).await;
    me.assert_status(200);
    let me = me.json();
    assert_eq!(me["id"], id);
    assert_eq!(me["email"], email);
    assert_eq!(me["role"], "office");
    assert!(me["organization_id"].is_null());
}

#[tokio::test]
async fn bad_credentials_are_401_and_alike_for_unknown_emails() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let wrong = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": "wrong-password-123"}),
        )
        .await;
    wrong.assert_status(401);
    assert_eq!(wrong.header("content-type"), "application/problem+json");
    let unknown = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": "nobody@x.example", "password": "whatever-123"}),
        )
        .await;
    unknown.assert_status(401);
    assert_eq!(
        wrong.json(),
        unknown.json(),
        "unknown and known e-mails must be indistinguishable"
    );
    app.get("/api/v1/me", None).await.assert_status(401);
    app.get("/api/v1/me", Some("not-a-token"))
        .await
        .assert_status(401);
}

#[tokio::test]
async fn tokens_expire_after_twelve_hours() {
    let app = TestApp::new().await;
    let (_, token) = app.login(Role::Office, None).await;
    app.clock.advance(Duration::hours(11) + Duration::minutes(59));
    app.get("/api/v1/me", Some(&token)).await.assert_status(200);
    app.clock.advance(Duration::minutes(2));
    app.get("/api/v1/me", Some(&token)).await.assert_status(401);
}

#[tokio::test]
async fn repeated_failures_for_an_account_are_throttled_even_with_the_right_password() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for _ in 0..5 {
        app.post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": "wrong-password-123"}),
        )
        .await
        .assert_status(401);
    }
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    r.assert_status(429);
    assert!(!r.header("retry-after").is_empty());
    // Unknown e-mails get the same treatment, so 429 does not reveal that an account exists.
    for _ in 0..5 {
        app.post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": "ghost@x.example", "password": "wrong-password-123"}),
        )
        .await;
    }
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": "ghost@x.example", "password": "wrong-password-123"}),
    )
    .await
    .assert_status(429);
    // The window passes.
    app.clock.advance(Duration::minutes(16));
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(200);
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for i in 0..20 {
        let who = format!("spray{i}@x.example");
        app.post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": who, "password": "wrong-password-123"}),
        )
        .await
        .assert_status(401);
    }
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(429);
}

#[tokio::test]
async fn at_most_100_password_checks_per_account_per_hour() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for _ in 0..100 {
        app.post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await
        .assert_status(200);
    }
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(429);
    app.clock.advance(Duration::minutes(61));
    app.post_json(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .assert_status(200);
}

#[tokio::test]
async fn admin_creates_users_and_others_may_not() {
    let app = TestApp::new().await;
    let (_, admin) = app.login(Role::Admin, None).await;
    let (_, office) = app.login(Role::Office, None).await;
    let body = json!({"email": "new.user@x.example", "name": "新規 利用者", "role": "surveyor", "password": "Hinoki-Tsubaki-1177"});
    app.post_json("/api/v1/users", Some(&office), &body)
        .await
        .assert_status(403);
    let r = app.post_json("/api/v1/users", Some(&admin), &body).await;
    r.assert_status(201);
    assert!(r.json()["id"].is_string());
    // The same e-mail again (in another case) conflicts.
    let dup = json!({"email": "New.User@x.example", "name": "重複", "role": "surveyor", "password": "Hinoki-Tsubaki-1177"});
    app.post_json("/api/v1/users", Some(&admin), &dup)
        .await
        .assert_status(409);
    // The new user can sign in.
    let t = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": "new.user@x.example", "password": "Hinoki-Tsubaki-1177"}),
        )
        .await;
    t.assert_status(200);
}

#[tokio::test]
async fn user_validation_names_each_field() {
    let app = TestApp::new().await;
    let (_, admin) = app.login(Role::Admin, None).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "bad", "name": "", "role": "king", "password": "short"}),
        )
        .await;
    r.assert_status(400);
    let fields = r.error_fields();
    for f in ["email", "name", "role", "password"] {
        assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
    }
    // Common passwords are refused although long enough; organization users need an organization.
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "a@x.example", "name": "A", "role": "organization", "password": "password1234"}),
        )
        .await;
    r.assert_status(400);
    let fields = r.error_fields();
    assert!(
        fields.contains(&"password".to_owned()) && fields.contains(&"organization_id".to_owned()),
        "{fields:?}"
    );
    let long = "あ".repeat(129);
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "b@x.example", "name": "B", "role": "office", "password": long}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["password".to_owned()]);
}

#[tokio::test]
async fn totp_is_required_once_enrolled_and_codes_cannot_be_replayed() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Admin, None).await;
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let mut tx = app.state.db.begin_write().await.unwrap();
    nintei_store::users::set_totp(&mut tx, &id, Some(secret), true, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let no_code = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    no_code.assert_status(401);
    let now = app.clock.unix_now();
    let code = nintei_app::security::totp_code(secret, now / 30).unwrap();
    let ok = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD, "totp": code}),
        )
        .await;
    ok.assert_status(200);
    let replay = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD, "totp": code}),
        )
        .await;
    replay.assert_status(401);
}

trait UnixNow {
    fn unix_now(&self) -> i64;
}

impl UnixNow for nintei_app::clock::FixedClock {
    fn unix_now(&self) -> i64 {
        nintei_app::clock::Clock::unix(self)
    }
}

/// A user lists their own live tokens (never the secrets) and revokes them one by one; the others keep working,
/// and another user's token is 404 like one that does not exist.
#[tokio::test]
async fn own_tokens_are_listed_without_secrets_and_revoked_one_by_one() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let laptop = app.token_for(&email).await;
    let script = app.token_for(&email).await;
    let (_, stranger) = app.login(Role::Office, None).await;
    let r = app.get("/api/v1/auth/tokens", Some(&laptop)).await;
    r.assert_status(200);
    let list = r.json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert!(
        !r.text().contains(&laptop) && !r.text().contains(&script),
        "no secrets"
    );
    let current: Vec<&serde_json::Value> = items.iter().filter(|t| t["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let laptop_id = current[0]["id"].as_str().unwrap().to_owned();
    let script_id = items.iter().find(|t| t["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another user cannot revoke it, nor learn it exists.
    let r = app
        .delete(&format!("/api/v1/auth/tokens/{script_id}"), Some(&stranger))
        .await;
    r.assert_status(404);
    let missing = app
        .delete("/api/v1/auth/tokens/no-such-token", Some(&stranger))
        .await;
    missing.assert_status(404);
    assert_eq!(r.text(), missing.text());
    app.delete(&format!("/api/v1/auth/tokens/{script_id}"), None)
        .await
        .assert_status(401);
    // The owner revokes the script's token from the laptop: it ends, the laptop's goes on.
    app.delete(&format!("/api/v1/auth/tokens/{script_id}"), Some(&laptop))
        .await
        .assert_status(204);
    app.get("/api/v1/me", Some(&script)).await.assert_status(401);
    app.get("/api/v1/me", Some(&laptop)).await.assert_status(200);
    app.delete(&format!("/api/v1/auth/tokens/{script_id}"), Some(&laptop))
        .await
        .assert_status(404);
    let left = app.get("/api/v1/auth/tokens", Some(&laptop)).await.json();
    assert_eq!(left["items"].as_array().unwrap().len(), 1);
    // The current token too (signing out a script).
    app.delete(&format!("/api/v1/auth/tokens/{laptop_id}"), Some(&laptop))
        .await
        .assert_status(204);
    app.get("/api/v1/me", Some(&laptop)).await.assert_status(401);
    let revoked = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.token.revoke'")
        .await
        .unwrap();
    assert_eq!(revoked, 2);
}
