//! Input and logs under attack: invalid UTF-8 in a path or a form is a 400 like any malformed input (problem+json
//! for the API); secret-bearing paths are logged without their secret.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, header};
use nintei_domain::role::Role;

use crate::support::{Browser, PASSWORD, TestApp, hidden};

#[tokio::test]
async fn invalid_utf8_in_a_path_or_a_form_is_a_bad_request() {
    let app = TestApp::new().await;
    let (_, token) = app.login(Role::Office, None).await;
    let r = app.get("/api/v1/organizations/%FF%FE", Some(&token)).await;
    r.assert_status(400);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let r = app.get("/organizations/%C3", None).await;
    r.assert_status(400);
    assert!(
        r.header("content-type").starts_with("text/html"),
        "{}",
        r.header("content-type")
    );
    // A form whose field is not UTF-8 is refused, not changed to U+FFFD and used.
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let page = b.get("/login").await;
    let csrf = hidden(&page.text(), "csrf");
    let body = format!(
        "csrf={csrf}&email={}&password=Tsubaki-Hinoki-7741%FF",
        crate::support::enc(&email)
    );
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("nintei_csrf={csrf}"))
        .header(header::HOST, "nintei.test")
        .header(header::ORIGIN, "http://nintei.test")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    let r = app.send(req).await;
    r.assert_status(400);
    assert!(r.header("content-type").starts_with("text/html"));
    // The same form in UTF-8 is fine.
    b.sign_in(&email, PASSWORD).await.assert_status(303);
}

/// A writer that keeps everything logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secret_bearing_paths_are_logged_without_the_secret() {
    let app = TestApp::new().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let secret = "Zk3SecretCalendarToken0000000000000000000000";
    app.get(&format!("/calendar/{secret}.ics"), None).await;
    app.get("/q/QuestionnaireSecretToken123456789", None).await;
    app.get("/deadlines", None).await;
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/calendar/[redacted].ics"), "{text}");
    assert!(text.contains("/deadlines"), "{text}");
    assert!(
        !text.contains(secret) && !text.contains("QuestionnaireSecretToken"),
        "{text}"
    );
}
