//! Screens found wanting in the browser journeys' screenshots: error pages keep the signed-in visitor's
//! navigation and return to the same address after a language switch; histories read as Japan time, names
//! and "before → after"; a sign-in returns to the page asked for; a form's address opened again leads back.

use nintei_domain::role::Role;

use crate::support::{Browser, PASSWORD, TestApp};

#[tokio::test]
async fn an_error_page_keeps_the_signed_in_visitors_navigation() {
    let app = TestApp::new().await;
    let org = app.organization("株式会社みえない").await;
    let (_, email) = app.user(Role::Surveyor, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let r = b.get(&format!("/organizations/{org}")).await;
    r.assert_status(404);
    let html = r.text();
    assert!(html.contains("action=\"/logout\""), "no sign-out on the 404 page");
    assert!(
        !html.contains("href=\"/login\""),
        "a signed-in visitor is offered to sign in"
    );
    assert!(!html.contains("株式会社みえない"));
    assert!(
        html.contains(&format!("/lang/en?next=/organizations/{org}")),
        "the switch leaves the page"
    );
    // Anonymous visitors still get the sign-in link, in their language.
    let mut anon = Browser::new(&app);
    anon.cookies.insert("nintei_lang".into(), "en".into());
    let r = anon.get("/no/such/page").await;
    r.assert_status(404);
    assert!(r.text().contains("<html lang=\"en\">") && r.text().contains("href=\"/login\""));
}

#[tokio::test]
async fn a_history_reads_as_japan_time_names_and_changes() {
    let app = TestApp::new().await;
    let org = app.organization("株式会社れきし").await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let html = b.get(&format!("/organizations/{org}")).await.text();
    // support::t0() is 2026-11-20 10:00 JST.
    assert!(html.contains("2026-11-20 10:00:00"), "{html}");
    assert!(html.contains("試験 利用者（事務局）"), "the actor is not named");
    assert!(
        html.contains("— → 株式会社れきし"),
        "the change is not before → after"
    );
}

#[tokio::test]
async fn a_page_opened_before_signing_in_is_where_the_sign_in_returns() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    let r = b.get("/accreditation/cases?status=committee").await;
    r.assert_status(303);
    assert_eq!(r.location(), "/login");
    let r = b.sign_in(&email, PASSWORD).await;
    r.assert_status(303);
    assert_eq!(r.location(), "/accreditation/cases?status=committee");
    // Once only: the next sign-in lands on the dashboard.
    let r = b.sign_in(&email, PASSWORD).await;
    assert_eq!(r.location(), "/dashboard");
    // Never another site, nor the sign-in page itself.
    for wanted in ["//evil.example/x", "/login/totp"] {
        let mut c = Browser::new(&app);
        c.cookies.insert("nintei_next".into(), wanted.replace('/', "%2F"));
        let r = c.sign_in(&email, PASSWORD).await;
        assert_eq!(r.location(), "/dashboard", "{wanted}");
    }
}

#[tokio::test]
async fn a_forms_address_opened_again_leads_back_to_its_record_not_to_a_405() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Office, None).await;
    let org = app.organization("株式会社フォーム確認").await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let r = b.get(&format!("/organizations/{org}/changes")).await;
    r.assert_status(303);
    assert_eq!(r.location(), format!("/organizations/{org}"));
    // The API keeps its 405.
    let api = app
        .send(
            axum::http::Request::get("/api/v1/organizations")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(api.status.as_u16(), 405);
}
