//! Self-service onboarding: an organization asks for an account from the public site, confirms its address by the
//! mailed link, and the office approves it (the organization and its invited user are created) or refuses it with a
//! reason; nothing reaches the office before the address is confirmed.

use nintei_domain::role::Role;

use crate::support::{Browser, PASSWORD, TestApp, hidden};

fn form<'a>(csrf: &'a str, email: &'a str, corporate_number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", "株式会社わかば相談室"),
        ("legal_form", "kabushiki_kaisha"),
        ("corporate_number", corporate_number),
        ("prefecture", "40"),
        ("address", "福岡県北九州市小倉北区浅野1-2-3"),
        ("representative", "代表取締役 若葉 一郎"),
        ("contact.name", "担当 若葉"),
        ("contact.email", email),
        ("contact.phone", "093-555-0101"),
    ]
}

async fn mail_link(app: &TestApp, to: &str, marker: &str) -> Option<String> {
    let mails = nintei_store::mail::list(app.state.db.pool(), 1000).await.unwrap();
    mails
        .iter()
        .filter(|m| m.to == to)
        .find_map(|m| m.body.split(marker).nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

async fn ask(app: &TestApp, email: &str) -> String {
    let mut b = Browser::new(app);
    let csrf = hidden(&b.get("/signup").await.text(), "csrf");
    b.post_form("/signup", &form(&csrf, email, ""))
        .await
        .assert_status(202);
    let token = mail_link(app, email, "/signup/verify/")
        .await
        .expect("a verification link");
    let csrf = hidden(&b.get(&format!("/signup/verify/{token}")).await.text(), "csrf");
    let r = b
        .post_form(&format!("/signup/verify/{token}"), &[("csrf", &csrf)])
        .await;
    r.assert_status(200);
    assert!(r.text().contains("id=\"verify-done\""));
    token
}

#[tokio::test]
async fn an_organization_asks_for_an_account_confirms_its_address_and_the_office_approves_it() {
    let app = TestApp::new().await;
    let orgs_before = app.count("organizations").await;
    let mut public = Browser::new(&app);
    let html = public.get("/login").await.text();
    assert!(
        html.contains("href=\"/signup\""),
        "the sign-in page offers the request"
    );
    let csrf = hidden(&public.get("/signup").await.text(), "csrf");
    // A 法人番号 with a wrong check digit is named; nothing is kept.
    let r = public
        .post_form("/signup", &form(&csrf, "wakaba@example.jp", "1234567890123"))
        .await;
    r.assert_status(400);
    assert!(r.text().contains("corporate_number-error") || r.text().contains("法人番号"));
    assert_eq!(app.count("account_requests").await, 0);
    // The page that comes back carries a fresh form token.
    let csrf = hidden(&r.text(), "csrf");
    public
        .post_form("/signup", &form(&csrf, "wakaba@example.jp", ""))
        .await
        .assert_status(202);
    assert_eq!(
        app.count("organizations").await,
        orgs_before,
        "no record before the office decides"
    );
    let token = mail_link(&app, "wakaba@example.jp", "/signup/verify/")
        .await
        .expect("link");

    // Not in the office's queue until the address is confirmed.
    let (_, office) = app.login(Role::Office, None).await;
    let queue = app.get("/api/v1/me/tasks", Some(&office)).await.json();
    assert!(!queue.to_string().contains("account_request"), "{queue}");
    let csrf = hidden(
        &public.get(&format!("/signup/verify/{token}")).await.text(),
        "csrf",
    );
    public
        .post_form(&format!("/signup/verify/{token}"), &[("csrf", &csrf)])
        .await
        .assert_status(200);
    // The link works once.
    public
        .post_form(&format!("/signup/verify/{token}"), &[("csrf", &csrf)])
        .await
        .assert_status(404);
    let queue = app.get("/api/v1/me/tasks", Some(&office)).await.json();
    assert_eq!(queue["counts"]["account_request"], 1, "{queue}");

    // The office approves: the organization and its invited user exist; the contact is mailed the invitation.
    let (_, office_email) = app.user(Role::Office, None).await;
    let mut ob = Browser::new(&app);
    ob.sign_in(&office_email, PASSWORD).await;
    let html = ob.get("/admin/account-requests").await.text();
    assert!(html.contains("株式会社わかば相談室"));
    let id = html
        .split("/admin/account-requests/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_owned();
    let csrf = hidden(&html, "csrf");
    let r = ob
        .post_form(
            &format!("/admin/account-requests/{id}/approve"),
            &[("csrf", &csrf)],
        )
        .await;
    r.assert_status(303);
    assert!(r.location().starts_with("/organizations/"));
    assert_eq!(app.count("organizations").await, orgs_before + 1);
    let user = nintei_store::users::by_email(app.state.db.pool(), "wakaba@example.jp")
        .await
        .unwrap()
        .expect("the contact's account");
    assert_eq!(user.role, Role::Organization);
    assert!(
        mail_link(&app, "wakaba@example.jp", "/password-reset/")
            .await
            .is_some(),
        "invited"
    );
    // A second approval of the same request is refused.
    ob.post_form(
        &format!("/admin/account-requests/{id}/approve"),
        &[("csrf", &csrf)],
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn the_office_refuses_a_request_with_a_reason_that_is_mailed() {
    let app = TestApp::new().await;
    ask(&app, "kaede@example.jp").await;
    let (_, office_email) = app.user(Role::Office, None).await;
    let mut ob = Browser::new(&app);
    ob.sign_in(&office_email, PASSWORD).await;
    let html = ob.get("/admin/account-requests").await.text();
    let id = html
        .split("/admin/account-requests/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_owned();
    let csrf = hidden(&html, "csrf");
    ob.post_form(
        &format!("/admin/account-requests/{id}/refuse"),
        &[("csrf", &csrf), ("reason", "")],
    )
    .await
    .assert_status(400);
    ob.post_form(
        &format!("/admin/account-requests/{id}/refuse"),
        &[("csrf", &csrf), ("reason", "法人の実在が確認できませんでした")],
    )
    .await
    .assert_status(303);
    let mails = nintei_store::mail::list(app.state.db.pool(), 100).await.unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.to == "kaede@example.jp" && m.body.contains("法人の実在が確認できませんでした"))
    );
    assert!(
        nintei_store::users::by_email(app.state.db.pool(), "kaede@example.jp")
            .await
            .unwrap()
            .is_none()
    );
    // Someone other than the office learns nothing of the request.
    let (_, head_email) = app.user(Role::Head, None).await;
    let mut hb = Browser::new(&app);
    hb.sign_in(&head_email, PASSWORD).await;
    hb.get("/admin/account-requests").await.assert_status(403);
    let csrf = hidden(&hb.get("/dashboard").await.text(), "csrf");
    hb.post_form(
        &format!("/admin/account-requests/{id}/approve"),
        &[("csrf", &csrf)],
    )
    .await
    .assert_status(404);
}
