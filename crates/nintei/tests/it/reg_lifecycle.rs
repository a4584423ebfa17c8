//! A registration's life after REG-5: change notices and their acknowledgement (REG-6), abolition (REG-6),
//! renewal within validity (REG-4) and expiry by the daily job with the clock moved (REG-4).

use nintei_domain::role::Role;
use serde_json::json;

use crate::reg_common::{application, register, set_day, setup};
use crate::support::TestApp;

async fn run_jobs(app: &TestApp) -> usize {
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "test").await.unwrap()
}

async fn registration(app: &TestApp, token: &str, number: &str) -> serde_json::Value {
    let r = app
        .get(&format!("/api/v1/registrations/{number}"), Some(token))
        .await;
    r.assert_status(200);
    r.json()
}

async fn expire_events(app: &TestApp) -> i64 {
    app.state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'registration.expire'")
        .await
        .unwrap()
}

// REG-6: the institution notifies, the office acknowledges, the published data and the room follow.
#[tokio::test]
async fn reg6_change_notice_is_published_once_acknowledged() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let changes = format!("/api/v1/registrations/{number}/changes");
    let before = registration(&app, &reg.org, &number).await;
    let mut counselors = application(&reg.org_id, &reg.site_id, "2026-09-01")["counselors"].clone();
    counselors[1] = json!({"name": "高橋 三郎", "qualification": "certified_public_psychologist",
                           "full_time": false, "years_of_practice": 3});
    let mut disclosure = application(&reg.org_id, &reg.site_id, "2026-09-01")["disclosure"].clone();
    disclosure["hours"] = json!("平日 9:00〜20:00");
    let body = json!({
        "notified_on": "2026-11-01",
        "changed_on": "2026-10-25",
        "counselors": counselors,
        "disclosure": disclosure,
        "site": {"address": "福岡県北九州市小倉北区米町2-2-2"},
        "note": "相談対応者の交代、受付時間の延長、相談室の移転"
    });
    let r = app.post_json(&changes, Some(&reg.org), &body).await;
    r.assert_status(201);
    let notice = r.json();
    assert_eq!(notice["status"], "notified");
    assert_eq!(notice["kinds"], json!(["counselors", "hours", "site"]));
    assert_eq!(notice["findings"], json!([]));
    let id = notice["id"].as_str().unwrap().to_owned();
    // Not published before the office acknowledges it.
    assert_eq!(
        registration(&app, &reg.org, &number).await["disclosure"],
        before["disclosure"]
    );
    // Only the office acknowledges; a date before the notice is refused.
    let ack = format!("/api/v1/registration/changes/{id}/acknowledgement");
    app.post_json(&ack, Some(&reg.org), &json!({"acknowledged_on": "2026-11-02"}))
        .await
        .assert_status(403);
    assert_eq!(
        app.post_json(&ack, Some(&reg.office), &json!({"acknowledged_on": "2026-10-31"}))
            .await
            .assert_status(400)
            .error_fields(),
        ["acknowledged_on"]
    );
    let r = app
        .post_json(&ack, Some(&reg.office), &json!({"acknowledged_on": "2026-11-02"}))
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "acknowledged");
    app.post_json(&ack, Some(&reg.office), &json!({"acknowledged_on": "2026-11-02"}))
        .await
        .assert_status(409);
    let after = registration(&app, &reg.org, &number).await;
    assert_eq!(after["disclosure"]["hours"], "平日 9:00〜20:00");
    assert_eq!(after["disclosure"]["counselors"][1]["name"], "高橋 三郎");
    assert_eq!(
        after["disclosure"]["counselors"][1]["qualification"],
        "公認心理師"
    );
    assert_eq!(after["address"], "福岡県北九州市小倉北区米町2-2-2");
    assert_eq!(after["change_notices"][0]["status"], "acknowledged");
    // Nothing different from the registered data is no notice.
    assert_eq!(
        app.post_json(
            &changes,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-03", "disclosure": disclosure})
        )
        .await
        .assert_status(400)
        .error_fields(),
        ["changes"]
    );
    // A change that leaves no full-time counselor with 5 years is flagged for the office (REG-3 1(2)イ).
    let r = app
        .post_json(
            &changes,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-03", "counselors": [counselors[1].clone()]}),
        )
        .await;
    r.assert_status(201);
    let findings = r.json()["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("【1-2-b】")),
        "{findings:?}"
    );
    // Another organization's user does not see the registration.
    let other = app.organization("合同会社ほか").await;
    let (_, other_user) = app.login(Role::Organization, Some(&other)).await;
    app.post_json(&changes, Some(&other_user), &body)
        .await
        .assert_status(404);
    // The office's inbox lists the unacknowledged notice.
    let inbox = app.get("/api/v1/registration/changes", Some(&reg.office)).await;
    assert_eq!(inbox.json()["items"].as_array().unwrap().len(), 1);
}

// REG-6: abolition ends the registration at once; nothing more can be notified.
#[tokio::test]
async fn reg6_abolition_ends_the_registration() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let path = format!("/api/v1/registrations/{number}/abolition");
    let r = app
        .post_json(
            &path,
            Some(&reg.org),
            &json!({"abolished_on": "2026-11-10", "reason": "相談室の閉鎖"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "abolished");
    assert_eq!(r.json()["ended_on"], "2026-11-10");
    app.post_json(&path, Some(&reg.org), &json!({"abolished_on": "2026-11-10"}))
        .await
        .assert_status(409);
    app.post_json(
        &format!("/api/v1/registrations/{number}/changes"),
        Some(&reg.org),
        &json!({"notified_on": "2026-11-11", "disclosure": {"hours": "土曜のみ"}}),
    )
    .await
    .assert_status(409);
    // The room may apply anew.
    app.post_json(
        "/api/v1/registration/cases",
        Some(&reg.org),
        &application(&reg.org_id, &reg.site_id, "2026-11-20"),
    )
    .await
    .assert_status(201);
}

// REG-4: a renewal applied for within validity keeps the registration in force past its expiry while under
// review; registered, it continues the validity from the day after the old expiry under the same number.
#[tokio::test]
async fn reg4_renewal_within_validity_continues_the_registration() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    set_day(&app, "2029-09-10");
    reg.relogin(&app).await;
    let renew = format!("/api/v1/registrations/{number}/renewal");
    let mut body = application(&reg.org_id, &reg.site_id, "2029-09-10");
    body.as_object_mut().unwrap().remove("organization_id");
    body.as_object_mut().unwrap().remove("site_id");
    let r = app.post_json(&renew, Some(&reg.org), &body).await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]));
    let case = r.json()["id"].as_str().unwrap().to_owned();
    app.post_json(&renew, Some(&reg.org), &body)
        .await
        .assert_status(409);
    assert_eq!(
        registration(&app, &reg.org, &number).await["renewal_pending"],
        true
    );
    let got = app
        .get(&format!("/api/v1/registration/cases/{case}"), Some(&reg.org))
        .await;
    assert_eq!(got.json()["renewal_of"], number.as_str());
    // Past the expiry, the job leaves it in force: the renewal is under review.
    set_day(&app, "2029-09-25");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    assert_eq!(
        registration(&app, &reg.org, &number).await["status"],
        "registered"
    );
    assert_eq!(expire_events(&app).await, 0);
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{case}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2029-09-25"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(
        r.json()["registration"],
        json!({"number": number, "registered_on": "2029-09-20", "expires_on": "2032-09-19"})
    );
    let v = registration(&app, &reg.org, &number).await;
    assert_eq!(v["first_registered_on"], "2026-09-20");
    assert_eq!(v["renewal_pending"], false);
    assert_eq!(app.count("registrations").await, 1);
}

// REG-4: the daily job expires what is past its validity, once, and only the day after the last day.
#[tokio::test]
async fn reg4_expiry_by_the_daily_job_with_the_clock_moved() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    set_day(&app, "2029-09-19");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    assert_eq!(
        registration(&app, &reg.org, &number).await["status"],
        "registered",
        "valid through its last day"
    );
    set_day(&app, "2029-09-20");
    reg.relogin(&app).await;
    assert!(run_jobs(&app).await >= 1);
    let v = registration(&app, &reg.org, &number).await;
    assert_eq!(v["status"], "expired");
    assert_eq!(v["ended_on"], "2029-09-20");
    assert_eq!(expire_events(&app).await, 1);
    // The same day again: the job is not scheduled twice; the next day: nothing more to do.
    assert_eq!(run_jobs(&app).await, 0);
    set_day(&app, "2029-09-21");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    assert_eq!(expire_events(&app).await, 1);
    // Too late for a renewal; a change notice on an expired registration is refused; a new application is fine.
    let mut body = application(&reg.org_id, &reg.site_id, "2029-09-21");
    body["renewal_of"] = json!(number);
    app.post_json("/api/v1/registration/cases", Some(&reg.org), &body)
        .await
        .assert_status(409);
    app.post_json(
        &format!("/api/v1/registrations/{number}/changes"),
        Some(&reg.org),
        &json!({"notified_on": "2029-09-21", "disclosure": {"hours": "土曜のみ"}}),
    )
    .await
    .assert_status(409);
    body.as_object_mut().unwrap().remove("renewal_of");
    app.post_json("/api/v1/registration/cases", Some(&reg.org), &body)
        .await
        .assert_status(201);
}

// REG-4: a renewal applied for after the last day of validity is not a renewal, even before the job ran.
#[tokio::test]
async fn reg4_renewal_after_the_last_day_is_refused() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    set_day(&app, "2029-09-20");
    reg.relogin(&app).await;
    let body = application(&reg.org_id, &reg.site_id, "2029-09-20");
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/renewal"),
            Some(&reg.org),
            &body,
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("2029-09-19"), "{}", r.text());
}
