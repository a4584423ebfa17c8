//! Browser sessions and forms: login with session rotation, logout, password change, timeouts, TOTP for
//! admins, CSRF tokens and Origin checks, security headers, the language switch.

use chrono::Duration;
use nintei_domain::role::Role;

use crate::support::{Browser, PASSWORD, TestApp, hidden};

#[tokio::test]
async fn login_sets_a_hardened_cookie_and_rotates_the_session_id() {
    let app = TestApp::new().await;
    let (user_id, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let r = b.sign_in(&email, PASSWORD).await;
    r.assert_status(303);
    assert_eq!(r.location(), "/dashboard");
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let session_cookie = set
        .iter()
        .find(|c| c.starts_with("nintei_session="))
        .expect("session cookie");
    assert!(
        session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"),
        "{session_cookie}"
    );
    assert!(!session_cookie.contains("Secure"), "no Secure without HTTPS");
    let first = b.session_cookie().unwrap();
    b.get("/dashboard").await.assert_status(200);
    // Signing in again from the same browser gives a new id and ends the old one.
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let second = b.session_cookie().unwrap();
    assert_ne!(first, second);
    let mut stale = Browser::new(&app);
    stale.cookies.insert("nintei_session".into(), first);
    assert_eq!(stale.get("/dashboard").await.location(), "/login");
    assert_eq!(
        nintei_store::sessions::count_for_user(&app.state.db, &user_id)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn secure_cookies_behind_https() {
    let config = nintei_web::Config {
        secure_cookies: true,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let r = b.sign_in(&email, PASSWORD).await;
    let cookie = r.header("set-cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn wrong_password_shows_the_form_again_and_throttles() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        let r = b.sign_in(&email, "not-the-password").await;
        r.assert_status(401);
        assert!(r.text().contains("正しくありません"));
    }
    let r = b.sign_in(&email, PASSWORD).await;
    r.assert_status(429);
    assert!(b.session_cookie().is_none());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let cookie = b.session_cookie().unwrap();
    let csrf = b.csrf("/dashboard").await;
    b.post_form("/logout", &[("csrf", &csrf)])
        .await
        .assert_status(303);
    let mut replay = Browser::new(&app);
    replay.cookies.insert("nintei_session".into(), cookie);
    assert_eq!(replay.get("/dashboard").await.location(), "/login");
}

#[tokio::test]
async fn idle_and_absolute_timeouts() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    app.clock.advance(Duration::minutes(29));
    b.get("/dashboard").await.assert_status(200);
    app.clock.advance(Duration::minutes(31));
    assert_eq!(
        b.get("/dashboard").await.location(),
        "/login",
        "30 minutes idle ends the session"
    );
    // Active all day: still ends after 12 hours.
    b.sign_in(&email, PASSWORD).await;
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        b.get("/dashboard").await.assert_status(200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        b.get("/dashboard").await.location(),
        "/login",
        "12 hours absolute"
    );
}

#[tokio::test]
async fn password_change_ends_other_sessions_and_tokens() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let token = app.token_for(&email).await;
    let mut laptop = Browser::new(&app);
    laptop.sign_in(&email, PASSWORD).await;
    let mut desk = Browser::new(&app);
    desk.sign_in(&email, PASSWORD).await;
    let csrf = desk.csrf("/account/password").await;
    let new = "Keyaki-Momiji-5530";
    // A weak new password is refused next to its field; nothing changes.
    let weak = desk
        .post_form(
            "/account/password",
            &[("csrf", &csrf), ("current", PASSWORD), ("new", "short")],
        )
        .await;
    weak.assert_status(400);
    assert!(weak.text().contains("id=\"new-error\""));
    let r = desk
        .post_form(
            "/account/password",
            &[("csrf", &csrf), ("current", PASSWORD), ("new", new)],
        )
        .await;
    r.assert_status(303);
    desk.get("/dashboard").await.assert_status(200);
    assert_eq!(laptop.get("/dashboard").await.location(), "/login");
    app.get("/api/v1/me", Some(&token)).await.assert_status(401);
    let t = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"email": email, "password": new}),
        )
        .await;
    t.assert_status(200);
}

#[tokio::test]
async fn administrators_must_enrol_a_second_factor_then_use_it() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Admin, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let r = b.get("/dashboard").await;
    assert_eq!(r.location(), "/account/totp", "no screen before enrolment");
    assert_eq!(b.get("/admin/users").await.location(), "/account/totp");
    let page = b.get("/account/totp").await;
    let secret = hidden(&page.text(), "secret");
    let secret = if secret.is_empty() {
        let html = page.text();
        let i = html.find("secret=").unwrap() + 7;
        html[i..i + 32].to_owned()
    } else {
        secret
    };
    let csrf = hidden(&page.text(), "csrf");
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    let code = nintei_app::security::totp_code(&secret, now / 30).unwrap();
    b.post_form(
        "/account/totp",
        &[("csrf", &csrf), ("secret", &secret), ("code", &code)],
    )
    .await
    .assert_status(303);
    b.get("/admin/users").await.assert_status(200);
    // Next sign-in asks for a code, and the session id changes again after it.
    let mut b2 = Browser::new(&app);
    b2.sign_in(&email, PASSWORD).await;
    assert_eq!(b2.get("/dashboard").await.location(), "/login/totp");
    let pending = b2.session_cookie().unwrap();
    app.clock.advance(Duration::seconds(30));
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    let csrf = b2.csrf("/login/totp").await;
    let wrong = b2
        .post_form("/login/totp", &[("csrf", &csrf), ("code", "000000")])
        .await;
    assert!(wrong.status.as_u16() == 401 || code == "000000");
    let code = nintei_app::security::totp_code(&secret, now / 30).unwrap();
    b2.post_form("/login/totp", &[("csrf", &csrf), ("code", &code)])
        .await
        .assert_status(303);
    assert_ne!(b2.session_cookie().unwrap(), pending);
    b2.get("/admin/users").await.assert_status(200);
}

async fn office_browser(app: &TestApp) -> Browser<'_> {
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    b
}

pub fn org_fields(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("name", "株式会社フォーム".into()),
        ("legal_form", "kabushiki_kaisha".into()),
        ("corporate_number", "".into()),
        ("prefecture", "13".into()),
        ("address", "東京都千代田区1-1".into()),
        ("representative", "代表 太郎".into()),
        ("contact.name", "担当 花子".into()),
        ("contact.email", "tanto@example.jp".into()),
        ("contact.phone", "03-5555-0000".into()),
    ]
}

pub fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn forms_without_a_valid_token_change_nothing() {
    let app = TestApp::new().await;
    let mut b = office_browser(&app).await;
    let csrf = b.csrf("/organizations/new").await;
    assert!(!csrf.is_empty());
    for token in ["", "forged-token"] {
        let r = b.post_form("/organizations", &as_refs(&org_fields(token))).await;
        r.assert_status(403);
    }
    assert_eq!(app.count("organizations").await, 0);
    let r = b.post_form("/organizations", &as_refs(&org_fields(&csrf))).await;
    r.assert_status(303);
    assert!(r.location().starts_with("/organizations/"));
    assert_eq!(app.count("organizations").await, 1);
}

#[tokio::test]
async fn forms_from_another_origin_change_nothing_even_with_the_token() {
    let app = TestApp::new().await;
    let mut b = office_browser(&app).await;
    let csrf = b.csrf("/organizations/new").await;
    let fields = org_fields(&csrf);
    let r = b
        .post_form_with(
            "/organizations",
            &as_refs(&fields),
            &[("origin", "https://evil.example")],
        )
        .await;
    r.assert_status(403);
    let r = b
        .post_form_with(
            "/organizations",
            &as_refs(&fields),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    r.assert_status(403);
    assert_eq!(app.count("organizations").await, 0);
    // Logout is protected too: a foreign page cannot sign the user out.
    b.post_form_with(
        "/logout",
        &[("csrf", &csrf)],
        &[("origin", "https://evil.example")],
    )
    .await
    .assert_status(403);
    b.get("/dashboard").await.assert_status(200);
}

#[tokio::test]
async fn the_login_form_needs_its_own_token() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let r = b
        .post_form(
            "/login",
            &[("csrf", "x"), ("email", &email), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(403);
    assert!(b.session_cookie().is_none());
}

#[tokio::test]
async fn form_errors_are_shown_next_to_their_fields() {
    let app = TestApp::new().await;
    let mut b = office_browser(&app).await;
    let csrf = b.csrf("/organizations/new").await;
    let mut fields = org_fields(&csrf);
    fields[4].1 = "99".into(); // prefecture
    fields[8].1 = "not-an-email".into();
    let r = b.post_form("/organizations", &as_refs(&fields)).await;
    r.assert_status(400);
    let html = r.text();
    assert!(
        html.contains("id=\"prefecture-error\"") && html.contains("id=\"contact_email-error\""),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("株式会社フォーム"), "entered values are kept");
    assert_eq!(app.count("organizations").await, 0);
}

#[tokio::test]
async fn pages_carry_security_headers_and_switch_language() {
    let app = TestApp::new().await;
    let mut b = Browser::new(&app);
    let r = b.get("/login").await;
    r.assert_status(200);
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(!r.header("referrer-policy").is_empty());
    assert!(r.text().contains("<html lang=\"ja\">"));
    assert!(!r.text().contains("<script>"), "no inline script");
    let sw = b.get("/lang/en?next=/login").await;
    assert_eq!(sw.location(), "/login");
    let en = b.get("/login").await;
    assert!(en.text().contains("<html lang=\"en\">") && en.text().contains("Sign in"));
    assert_eq!(
        b.get("/lang/en?next=//evil.example").await.location(),
        "/",
        "no open redirect"
    );
    let nf = b.get("/no/such/page").await;
    nf.assert_status(404);
    assert!(nf.text().contains("not found") || nf.text().contains("見つかりません"));
    for asset in ["/assets/app.css", "/assets/htmx.min.js"] {
        b.get(asset).await.assert_status(200);
    }
}

#[tokio::test]
async fn organization_users_see_only_their_own_organization_page() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    let other = app.organization("B 株式会社").await;
    let (_, email) = app.user(Role::Organization, Some(&a)).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let own = b.get(&format!("/organizations/{a}")).await;
    own.assert_status(200);
    assert!(!own.text().contains("変更履歴"), "the audit history is for staff");
    b.get(&format!("/organizations/{other}")).await.assert_status(404);
    b.get("/organizations").await.assert_status(403);
    let mut office = office_browser(&app).await;
    let page = office.get(&format!("/organizations/{a}")).await;
    assert!(page.text().contains("変更履歴") && page.text().contains("organization.create"));
}

#[tokio::test]
async fn the_public_fee_estimate_reproduces_the_seed_table() {
    // ACC-22: ¥87M with 5 services → ¥800,000 before tax; 10% tax on 2026-11-20.
    let app = TestApp::new().await;
    let mut b = Browser::new(&app);
    let form = b.get("/fee-estimate").await;
    form.assert_status(200);
    assert!(form.text().contains("年間売上高"));
    let r = b.get("/fee-estimate?revenue_yen=87%2C000%2C000&services=5").await;
    r.assert_status(200);
    let html = r.text();
    assert!(
        html.contains("¥800,000") && html.contains("¥80,000") && html.contains("¥880,000"),
        "{html}"
    );
    let bad = b.get("/fee-estimate?revenue_yen=abc&services=9").await;
    bad.assert_status(400);
    assert!(bad.text().contains("id=\"revenue-error\"") && bad.text().contains("id=\"services-error\""));
}
