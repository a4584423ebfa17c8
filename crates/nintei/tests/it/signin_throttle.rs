//! Sign-in under attack: second-factor codes are throttled like passwords and end a half-signed-in session;
//! concurrent guesses cannot outrun the throttle (attempts are reserved in the database before hashing); an
//! address is slowed down, never locked out; an account locked by wrong passwords still lets its owner in with
//! the right password and a valid code; administrators' API tokens need a second factor.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use chrono::Duration;
use http_body_util::BodyExt;
use nintei_domain::role::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::harness::TOTP_SECRET;
use crate::support::{Browser, PASSWORD, TestApp, TestResponse, enc, hidden};

fn addr(last: u8) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([192, 0, 2, last], 40000))
}

fn token_request(body: &Value, from: std::net::SocketAddr) -> Request<Body> {
    let mut req = Request::post("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    req.extensions_mut().insert(ConnectInfo(from));
    req
}

async fn token_from(app: &TestApp, body: &Value, from: std::net::SocketAddr) -> TestResponse {
    app.send(token_request(body, from)).await
}

async fn enrol(app: &TestApp, user_id: &str) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    nintei_store::users::set_totp(&mut tx, user_id, Some(TOTP_SECRET), true, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn code_now(app: &TestApp) -> String {
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    nintei_app::security::totp_code(TOTP_SECRET, now / 30).unwrap()
}

/// A code that is not valid now (nor in the steps around it).
fn wrong_code(app: &TestApp) -> String {
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    let valid: Vec<String> = (-1..=1)
        .filter_map(|d| nintei_app::security::totp_code(TOTP_SECRET, now / 30 + d))
        .collect();
    (0..)
        .map(|i: u32| format!("{:06}", 123_456 + i))
        .find(|c| !valid.contains(c))
        .unwrap()
}

#[tokio::test]
async fn wrong_codes_end_the_half_signed_in_session_and_are_throttled_per_account() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Office, None).await;
    enrol(&app, &id).await;
    let wrong = wrong_code(&app);
    // Three wrong codes end the session: the password must be given again.
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let csrf = b.csrf("/login/totp").await;
    for _ in 0..2 {
        b.post_form("/login/totp", &[("csrf", &csrf), ("code", &wrong)])
            .await
            .assert_status(401);
    }
    let r = b
        .post_form("/login/totp", &[("csrf", &csrf), ("code", &wrong)])
        .await;
    assert_eq!((r.status.as_u16(), r.location().as_str()), (303, "/login"));
    assert_eq!(
        b.get("/login/totp").await.location(),
        "/login",
        "the session is over"
    );
    // Two more in a new session make five for the account: now even the right code is refused.
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let csrf = b.csrf("/login/totp").await;
    for _ in 0..2 {
        b.post_form("/login/totp", &[("csrf", &csrf), ("code", &wrong)])
            .await
            .assert_status(401);
    }
    let right = code_now(&app);
    b.post_form("/login/totp", &[("csrf", &csrf), ("code", &right)])
        .await
        .assert_status(429);
    // The API is throttled the same way (the account's codes, whatever the address).
    let r = token_from(
        &app,
        &json!({"email": email, "password": PASSWORD, "totp": right}),
        addr(9),
    )
    .await;
    r.assert_status(429);
    assert!(!r.header("retry-after").is_empty());
    // The window passes.
    app.clock.advance(Duration::minutes(16));
    let right = code_now(&app);
    b.post_form("/login/totp", &[("csrf", &csrf), ("code", &right)])
        .await
        .assert_status(303);
    b.get("/dashboard").await.assert_status(200);
}

#[tokio::test]
async fn wrong_codes_are_throttled_per_address() {
    let app = TestApp::new().await;
    let mut users = Vec::new();
    for _ in 0..6 {
        let (id, email) = app.user(Role::Office, None).await;
        enrol(&app, &id).await;
        users.push(email);
    }
    let wrong = wrong_code(&app);
    // 20 wrong codes from one address, spread so that no account reaches its own limit (4 each).
    for email in users.iter().take(5) {
        for _ in 0..4 {
            token_from(
                &app,
                &json!({"email": email, "password": PASSWORD, "totp": wrong}),
                addr(1),
            )
            .await
            .assert_status(401);
        }
    }
    let body = json!({"email": users[5], "password": PASSWORD, "totp": code_now(&app)});
    token_from(&app, &body, addr(1)).await.assert_status(429);
    token_from(&app, &body, addr(2)).await.assert_status(200);
}

/// 200 wrong passwords for one account at once: at most the limit (5) are checked, every other one is 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_cannot_outrun_the_throttle_api() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let n = 200;
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for i in 0..n {
        let router = app.router.clone();
        let barrier = barrier.clone();
        let body = json!({"email": email, "password": format!("wrong-password-{i}")});
        // From many addresses, so that only the account's limit applies.
        let req = token_request(&body, addr(u8::try_from(i % 250).unwrap()));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            router.oneshot(req).await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + refused, n, "{statuses:?}");
    // Each checked attempt is one row for the account and one for its address; refused ones leave none.
    assert!(app.count("auth_events").await <= 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_cannot_outrun_the_throttle_login_form() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let n = 200;
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for i in 0..n {
        let router = app.router.clone();
        let barrier = barrier.clone();
        let csrf = format!("csrf{i}");
        let body = format!("csrf={csrf}&email={}&password=wrong-password-{i}", enc(&email));
        let mut req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("nintei_csrf={csrf}"))
            .header(header::HOST, "nintei.test")
            .header(header::ORIGIN, "http://nintei.test")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(addr(u8::try_from(i % 250).unwrap())));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = router.oneshot(req).await.unwrap();
            let s = r.status().as_u16();
            let _ = r.into_body().collect().await;
            s
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + refused, n, "{statuses:?}");
}

#[tokio::test]
async fn an_address_is_slowed_down_not_locked_out() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for i in 0..20 {
        token_from(
            &app,
            &json!({"email": format!("spray{i}@x.example"), "password": "wrong-password-123"}),
            addr(7),
        )
        .await
        .assert_status(401);
    }
    let right = json!({"email": email, "password": PASSWORD});
    // Past the limit the address waits a second (doubling with each further failure), not 15 minutes.
    let r = token_from(&app, &right, addr(7)).await;
    r.assert_status(429);
    assert_eq!(r.header("retry-after"), "1");
    app.clock.advance(Duration::seconds(1));
    token_from(&app, &right, addr(7)).await.assert_status(200);
    // Further failures double the delay, up to a minute.
    for expected in [2, 4] {
        app.clock.advance(Duration::seconds(60));
        token_from(
            &app,
            &json!({"email": "spray-more@x.example", "password": "wrong-password-123"}),
            addr(7),
        )
        .await
        .assert_status(401);
        let r = token_from(&app, &right, addr(7)).await;
        r.assert_status(429);
        assert_eq!(r.header("retry-after"), expected.to_string());
    }
    // Another address is not slowed at all.
    token_from(&app, &right, addr(8)).await.assert_status(200);
}

#[tokio::test]
async fn wrong_passwords_do_not_lock_out_the_owner_with_a_second_factor() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Office, None).await;
    enrol(&app, &id).await;
    for i in 0..5 {
        token_from(
            &app,
            &json!({"email": email, "password": "wrong-password-123"}),
            addr(10 + i),
        )
        .await
        .assert_status(401);
    }
    // The password alone is refused, from anywhere, without being checked.
    let r = token_from(&app, &json!({"email": email, "password": PASSWORD}), addr(50)).await;
    r.assert_status(429);
    // A wrong code, or a wrong password with a code, answers exactly as the lock does.
    let wrong = wrong_code(&app);
    let a = token_from(
        &app,
        &json!({"email": email, "password": PASSWORD, "totp": wrong}),
        addr(50),
    )
    .await;
    a.assert_status(429);
    assert_eq!(a.json(), r.json());
    token_from(
        &app,
        &json!({"email": email, "password": "wrong-password-123", "totp": code_now(&app)}),
        addr(50),
    )
    .await
    .assert_status(429);
    // The right password with a valid code passes the lock.
    app.clock.advance(Duration::seconds(30));
    token_from(
        &app,
        &json!({"email": email, "password": PASSWORD, "totp": code_now(&app)}),
        addr(50),
    )
    .await
    .assert_status(200);
    // In the browser too: the sign-in form takes the code with the password.
    app.clock.advance(Duration::seconds(30));
    let mut b = Browser::new(&app);
    let page = b.get("/login").await;
    let csrf = hidden(&page.text(), "csrf");
    b.post_form(
        "/login",
        &[("csrf", &csrf), ("email", &email), ("password", PASSWORD)],
    )
    .await
    .assert_status(429);
    let page = b.get("/login").await;
    let csrf = hidden(&page.text(), "csrf");
    let code = code_now(&app);
    let r = b
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", &email),
                ("password", PASSWORD),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location().as_str()), (303, "/dashboard"));
    b.get("/dashboard").await.assert_status(200);
}

#[tokio::test]
async fn an_administrator_token_needs_an_enrolled_second_factor_and_a_code() {
    let app = TestApp::new().await;
    let (id, email) = app.user(Role::Admin, None).await;
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    r.assert_status(401);
    assert_eq!(app.count("api_tokens").await, 0);
    enrol(&app, &id).await;
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
        &json!({"email": email, "password": PASSWORD, "totp": code_now(&app)}),
    )
    .await
    .assert_status(200);
}

fn via_proxy(body: &Value, proxy: std::net::SocketAddr, forwarded_for: &str) -> Request<Body> {
    let mut req = token_request(body, proxy);
    req.headers_mut()
        .insert("x-forwarded-for", forwarded_for.parse().unwrap());
    req
}

/// Behind a trusted reverse proxy each user is throttled by the address the proxy reports, so one address's
/// failures do not slow everyone down; an untrusted peer's header is ignored.
#[tokio::test]
async fn a_trusted_proxy_reports_the_client_address() {
    let proxy = std::net::SocketAddr::from(([10, 0, 0, 1], 50000));
    let config = nintei_web::Config {
        trusted_proxies: nintei_web::proxy::TrustedProxies::parse("10.0.0.0/8").unwrap(),
        ..nintei_web::Config::default()
    };
    let app = TestApp::with_config(config).await;
    let (_, email) = app.user(Role::Office, None).await;
    for i in 0..20 {
        let body = json!({"email": format!("spray{i}@x.example"), "password": "wrong-password-123"});
        // The attacker prepends an address of its choice: the proxy's right-most entry still counts.
        app.send(via_proxy(&body, proxy, "198.51.100.1, 203.0.113.66"))
            .await
            .assert_status(401);
    }
    let right = json!({"email": email, "password": PASSWORD});
    app.send(via_proxy(&right, proxy, "203.0.113.66"))
        .await
        .assert_status(429);
    app.send(via_proxy(&right, proxy, "198.51.100.1"))
        .await
        .assert_status(200);
    // Without the setting, the header is not believed: everyone behind the proxy is one address.
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    for i in 0..20 {
        let body = json!({"email": format!("spray{i}@x.example"), "password": "wrong-password-123"});
        app.send(via_proxy(&body, proxy, &format!("203.0.113.{i}")))
            .await
            .assert_status(401);
    }
    let right = json!({"email": email, "password": PASSWORD});
    app.send(via_proxy(&right, proxy, "198.51.100.1"))
        .await
        .assert_status(429);
}

/// HSTS only when served behind HTTPS (`--secure-cookies`).
#[tokio::test]
async fn hsts_is_sent_behind_https_only() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/livez", None).await.header("strict-transport-security"),
        ""
    );
    let config = nintei_web::Config {
        secure_cookies: true,
        ..nintei_web::Config::default()
    };
    let app = TestApp::with_config(config).await;
    assert_eq!(
        app.get("/login", None).await.header("strict-transport-security"),
        "max-age=31536000"
    );
    assert_eq!(
        app.get("/api/v1/me", None)
            .await
            .header("strict-transport-security"),
        "max-age=31536000"
    );
}

/// The session cookie has no Max-Age or Expires: it ends with the browser (a shared office PC); the server's
/// limits (30 idle minutes, 12 hours) still apply.
#[tokio::test]
async fn the_session_cookie_ends_with_the_browser() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let r = b.sign_in(&email, PASSWORD).await;
    r.assert_status(303);
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nintei_session="))
        .unwrap()
        .to_owned();
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    app.clock.advance(Duration::minutes(31));
    assert_eq!(b.get("/dashboard").await.location(), "/login");
}
