//! REG-7 deregistration that is fair: a conflict declared after voting takes the vote out of the tally, a further
//! report joins the open investigation, and dates are in order.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::reg_common::{register, set_day, setup};
use crate::support::{TestApp, TestResponse};

async fn report_from(app: &TestApp, address: &str, body: &Value) -> TestResponse {
    let mut req = Request::post("/api/v1/public/reports")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

async fn open_case(app: &TestApp, office: &str, number: &str, on: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(office),
            &json!({"registration_number": number, "opened_on": on, "reason": "通報：勤務実態の疑い"}),
        )
        .await;
    r.assert_status(201);
    r.json()["id"].as_str().unwrap().to_owned()
}

// REG-7 (ACC-8 recusal): a member who declares a conflict after voting has the vote removed from the tally.
#[tokio::test]
async fn reg7_conflict_declared_after_voting_removes_the_vote() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let case = open_case(&app, &reg.office, &number, "2026-11-10").await;
    let base = format!("/api/v1/registration/investigations/{case}");
    app.post_json(
        &format!("{base}/referral"),
        Some(&reg.office),
        &json!({"referred_on": "2026-11-12", "reason": "基準を満たさないおそれ"}),
    )
    .await
    .assert_status(200);
    let (late_id, late) = app.login(Role::Committee, None).await;
    let (_, other) = app.login(Role::Committee, None).await;
    app.post_json(
        &format!("{base}/votes"),
        Some(&late),
        &json!({"outcome": "deregister"}),
    )
    .await
    .assert_status(201);
    app.post_json(
        &format!("{base}/votes"),
        Some(&other),
        &json!({"outcome": "maintain"}),
    )
    .await
    .assert_status(201);
    // After voting, the member declares a conflict with the institution.
    app.post_json(
        "/api/v1/conflicts",
        Some(&late),
        &json!({"user_id": late_id, "organization_id": reg.org_id, "reason": "顧問契約があったことが判明"}),
    )
    .await
    .assert_status(201);
    let view = app.get(&base, Some(&reg.office)).await.json();
    assert_eq!(view["votes"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["votes"][0]["outcome"], "maintain");
    // The tally no longer holds a deregistration majority.
    let decision = format!("{base}/decision");
    app.post_json(
        &decision,
        Some(&reg.office),
        &json!({"outcome": "deregister", "decided_on": "2026-11-18", "reason": "x"}),
    )
    .await
    .assert_status(409);
    app.post_json(
        &decision,
        Some(&reg.office),
        &json!({"outcome": "maintain", "decided_on": "2026-11-18", "reason": "基準を満たしている"}),
    )
    .await
    .assert_status(200);
}

// REG-7: a further public report about a room under investigation joins the open investigation; an investigation
// is not opened before the report that started it was received.
#[tokio::test]
async fn reg7_further_report_joins_the_open_investigation() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    set_day(&app, "2026-11-05");
    reg.relogin(&app).await;
    let report = json!({"registration_number": number, "message": "相談員が不在でした。"});
    report_from(&app, "192.0.2.20", &report).await.assert_status(202);
    let inbox = app
        .get("/api/v1/registration/reports", Some(&reg.office))
        .await
        .json();
    let first = inbox["items"][0]["id"].as_str().unwrap().to_owned();
    // Dates in order: not opened before the report was received.
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-11-04",
                    "reason": "通報", "report_ids": [first]}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["opened_on"]);
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-11-05",
                    "reason": "通報", "report_ids": [first]}),
        )
        .await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    // A second report a few days later joins the case.
    set_day(&app, "2026-11-08");
    reg.relogin(&app).await;
    let report = json!({"registration_number": number, "message": "電話がつながりません。"});
    report_from(&app, "192.0.2.21", &report).await.assert_status(202);
    let inbox = app
        .get("/api/v1/registration/reports", Some(&reg.office))
        .await
        .json();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["status"] == "investigating"), "{inbox}");
    assert!(
        items.iter().all(|i| i["investigation_id"] == case.as_str()),
        "{inbox}"
    );
    let view = app
        .get(
            &format!("/api/v1/registration/investigations/{case}"),
            Some(&reg.office),
        )
        .await
        .json();
    assert_eq!(view["reports"].as_array().unwrap().len(), 2, "{view}");
}

// REG-7: the hearing is a step the institution takes part in: it is told the date and place (by mail and on its
// case), which may lie ahead; dates are in order.
#[tokio::test]
async fn reg7_hearing_date_and_place_are_notified_to_the_institution() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let case = open_case(&app, &reg.office, &number, "2026-11-10").await;
    let path = format!("/api/v1/registration/investigations/{case}/hearing-notice");
    let r = app
        .post_json(
            &path,
            Some(&reg.office),
            &json!({"notified_on": "2026-11-09", "hearing_on": "2026-11-08", "place": ""}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["notified_on", "hearing_on", "place"]);
    app.post_json(
        &path,
        Some(&reg.org),
        &json!({"notified_on": "2026-11-20", "hearing_on": "2026-12-01", "place": "事務局 第1会議室"}),
    )
    .await
    .assert_status(403);
    let mails = app.count("mail_outbox").await;
    app.post_json(
        &path,
        Some(&reg.office),
        &json!({"notified_on": "2026-11-20", "hearing_on": "2026-12-01", "place": "事務局 第1会議室"}),
    )
    .await
    .assert_status(201);
    assert_eq!(app.count("mail_outbox").await, mails + 1);
    let sent = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM mail_outbox WHERE subject LIKE '%聴聞の通知%' AND body LIKE '%第1会議室%'")
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let seen = app
        .get(
            &format!("/api/v1/registration/investigations/{case}"),
            Some(&reg.org),
        )
        .await
        .json();
    assert_eq!(
        seen["hearings"],
        json!([{"hearing_on": "2026-12-01", "place": "事務局 第1会議室"}])
    );
    assert!(seen.get("records").is_none());
    let mut org = crate::reg_screens::signed_in(&app, &reg.org_email).await;
    let page = org
        .get(&format!("/registration/investigations/{case}"))
        .await
        .text();
    assert!(page.contains("第1会議室"), "{page}");
}
