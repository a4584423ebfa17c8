//! Visibility under attack: a conflict declared after the assignment takes the case away from every assigned
//! role at once (ACC-8), and deadline rows (list, dashboard, calendar feed) follow the record's own check; the
//! browser enrolment of a second factor works with the form as it is rendered.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::NaiveDate;
use nintei_app::security::random_token;
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::deadlines::{self, NewDeadline};
use nintei_store::sessions;
use serde_json::json;

use crate::acc_fixture::Acc;
use crate::authz_matrix::dashboard_counts;
use crate::support::{Browser, PASSWORD, TestApp, TestResponse, hidden};

/// A signed-in browser session for `user_id`, made directly (second factor done).
async fn session_for(app: &TestApp, user_id: &str) -> String {
    let secret = random_token(32);
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    let mut tx = app.state.db.begin_write().await.unwrap();
    let new = sessions::NewSession {
        secret: &secret,
        user_id,
        csrf_token: &random_token(24),
        mfa_pending: false,
        address: "local",
        user_agent: "test",
    };
    sessions::create(&mut tx, &new, now).await.unwrap();
    tx.commit().await.unwrap();
    secret
}

async fn page(app: &TestApp, session: &str, path: &str) -> TestResponse {
    let req = Request::get(path)
        .header(header::COOKIE, format!("nintei_session={session}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

async fn declare(app: &TestApp, token: &str, user_id: &str, org: &str) {
    app.post_json(
        "/api/v1/conflicts",
        Some(token),
        &json!({"user_id": user_id, "organization_id": org, "reason": "親族が勤務 (a relative works there)"}),
    )
    .await
    .assert_status(201);
}

/// ACC-8: a surveyor who declares a conflict after being assigned gets 404 on the case at once, and can no
/// longer rate or issue the report; the same for the coordinator.
#[tokio::test]
async fn a_conflict_declared_after_assignment_takes_the_case_away() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    acc.submit_self_study("2025-10-20").await;
    acc.assign_surveyors().await;
    let code = acc.codes_in_scope(&["a", "b"]).await[0].clone();
    acc.get(&acc.lead).await.assert_status(200);
    acc.rate(&acc.lead, &code, 1).await.assert_status(201);
    declare(&app, &acc.lead, &acc.lead_id, &acc.org_id).await;
    acc.get(&acc.lead).await.assert_status(404);
    acc.rate(&acc.lead, &code, 2).await.assert_status(404);
    acc.post("report", &acc.lead, json!({"issued_on": "2025-11-20"}))
        .await
        .assert_status(404);
    let list = app
        .get("/api/v1/accreditation/cases", Some(&acc.lead))
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
    // The other surveyor, without a conflict, still works on the case.
    acc.get(&acc.second).await.assert_status(200);
    // The coordinator likewise.
    acc.get(&acc.coordinator).await.assert_status(200);
    declare(&app, &acc.coordinator, &acc.coordinator_id, &acc.org_id).await;
    acc.get(&acc.coordinator).await.assert_status(404);
    let s = session_for(&app, &acc.lead_id).await;
    page(&app, &s, &format!("/accreditation/cases/{}", acc.case_id))
        .await
        .assert_status(404);
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn set_deadline(
    app: &TestApp,
    subject: &str,
    subject_id: &str,
    org: &str,
    assignee: Option<&str>,
    title: &str,
) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let nd = NewDeadline {
        kind: "documents",
        subject,
        subject_id,
        organization_id: Some(org),
        owner: Owner::Organization,
        assignee_id: assignee,
        title,
        due_on: d("2026-11-24"),
    };
    deadlines::set(&mut tx, &nd, 0).await.unwrap();
    tx.commit().await.unwrap();
}

/// The deadline list, the dashboard and the calendar feed show a case's deadlines only to those who may open the
/// case: a recused committee member and an assigned coordinator who declared a conflict see none; REG-7
/// investigation deadlines are not shown to staff who may not open the investigation.
#[tokio::test]
async fn deadline_rows_follow_the_records_visibility() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-11-02", None).await;
    acc.accept("2026-11-05").await;
    // The self-study is due within the week, with the coordinator as assignee.
    acc.plan("2026-11-25", "2026-12-10").await;
    let case_link = format!("href=\"/accreditation/cases/{}\"", acc.case_id);
    set_deadline(
        &app,
        "reg_investigation",
        "00000000-0000-4000-8000-00000000abcd",
        &acc.org_id,
        None,
        "REG-7 書類提出（調査中）",
    )
    .await;
    let (member_id, _) = app.user(Role::Committee, None).await;
    let (recused_id, recused_token) = app.login(Role::Committee, None).await;
    declare(&app, &recused_token, &recused_id, &acc.org_id).await;
    let member = session_for(&app, &member_id).await;
    let recused = session_for(&app, &recused_id).await;
    let coordinator = session_for(&app, &acc.coordinator_id).await;
    let list = page(&app, &member, "/deadlines").await.text();
    assert!(
        list.contains(&case_link),
        "a member without a conflict sees the case's deadline"
    );
    assert!(
        !list.contains("REG-7 書類提出"),
        "nor REG-7 deadlines of cases not referred"
    );
    let list = page(&app, &recused, "/deadlines").await.text();
    assert!(
        !list.contains(&case_link),
        "ACC-8: a recused member sees none of it"
    );
    assert!(
        !list.contains("株式会社こころ認定"),
        "not even the organization's name"
    );
    assert_eq!(
        dashboard_counts(&page(&app, &member, "/dashboard").await.text()),
        (0, 1)
    );
    assert_eq!(
        dashboard_counts(&page(&app, &recused, "/dashboard").await.text()),
        (0, 0),
        "the dashboard counts nothing for the recused member"
    );
    // The coordinator's feed and list carry the case until the coordinator declares a conflict.
    let list = page(&app, &coordinator, "/deadlines").await.text();
    assert!(list.contains(&case_link));
    assert!(!list.contains("REG-7 書類提出"));
    let csrf = hidden(&list, "csrf");
    let req = Request::post("/deadlines/calendar-feed")
        .header(header::COOKIE, format!("nintei_session={coordinator}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "nintei.test")
        .header(header::ORIGIN, "http://nintei.test")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    let made = app.send(req).await;
    made.assert_status(200);
    let html = made.text();
    let i = html.find("/calendar/").unwrap();
    let feed = html[i..i + html[i..].find(".ics").unwrap() + 4].to_owned();
    let before = app.get(&feed, None).await;
    before.assert_status(200);
    assert!(before.text().contains("SUMMARY:"), "{}", before.text());
    declare(&app, &acc.coordinator, &acc.coordinator_id, &acc.org_id).await;
    let after = app.get(&feed, None).await.text();
    assert!(
        !after.contains("SUMMARY:"),
        "the feed drops the case at once: {after}"
    );
    assert!(
        !page(&app, &coordinator, "/deadlines")
            .await
            .text()
            .contains(&case_link)
    );
}

/// The enrolment form, posted as the browser renders it (its hidden fields and the code), enrols the second
/// factor: the secret shown is the secret stored.
#[tokio::test]
async fn a_new_administrator_enrols_with_the_form_as_rendered() {
    let app = TestApp::new().await;
    let (_, email) = app.user(Role::Admin, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    assert_eq!(b.get("/dashboard").await.location(), "/account/totp");
    let html = b.get("/account/totp").await.text();
    let form = &html[html
        .find("<form method=\"post\" action=\"/account/totp\"")
        .unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    // The secret as shown to the person (what they type into their authenticator app).
    let shown = {
        let i = html.find("<dd><code>").unwrap() + "<dd><code>".len();
        html[i..i + html[i..].find('<').unwrap()].to_owned()
    };
    let now = nintei_app::clock::Clock::unix(app.clock.as_ref());
    let code = nintei_app::security::totp_code(&shown, now / 30).unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find("<input type=\"hidden\" name=\"") {
        rest = &rest[i + "<input type=\"hidden\" name=\"".len()..];
        let name = rest[..rest.find('"').unwrap()].to_owned();
        let value_at = rest.find("value=\"").unwrap() + 7;
        let value = rest[value_at..value_at + rest[value_at..].find('"').unwrap()].to_owned();
        fields.push((name, value));
    }
    fields.push(("code".into(), code));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = b.post_form("/account/totp", &refs).await;
    assert_eq!(
        (r.status.as_u16(), r.location().as_str()),
        (303, "/dashboard"),
        "{}",
        r.text()
    );
    b.get("/admin/users").await.assert_status(200);
}
