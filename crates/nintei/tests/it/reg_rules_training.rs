//! REG-9: institutions see the training sessions and enrol their counselors; the office is told and records
//! attendance as before.

use serde_json::json;

use crate::reg_common::{register, set_day, setup};
use crate::support::TestApp;

#[tokio::test]
async fn reg9_institutions_enrol_their_counselors_and_the_office_is_told() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let r = app
        .post_json(
            "/api/v1/registration/trainings",
            Some(&reg.office),
            &json!({"title": "相談員研修（冬）", "held_on": "2026-12-10", "place": "福岡市"}),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // The institution sees the sessions.
    let list = app
        .get("/api/v1/registration/trainings", Some(&reg.org))
        .await
        .json();
    assert_eq!(list["items"][0]["id"], id.as_str());
    let enrol = format!("/api/v1/registration/trainings/{id}/enrolments");
    let mails_before = app.count("mail_outbox").await;
    let r = app
        .post_json(
            &enrol,
            Some(&reg.org),
            &json!({"registration_number": number, "counselor_name": "佐藤 一郎"}),
        )
        .await;
    r.assert_status(201);
    // The office (who scheduled the session) is told by mail.
    assert_eq!(app.count("mail_outbox").await, mails_before + 1);
    let mail = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM mail_outbox WHERE subject LIKE '%研修の申込み%'")
        .await
        .unwrap();
    assert_eq!(mail, 1);
    // Twice: 409; not a counselor of the registration: 400; another institution: 404.
    app.post_json(
        &enrol,
        Some(&reg.org),
        &json!({"registration_number": number, "counselor_name": "佐藤 一郎"}),
    )
    .await
    .assert_status(409);
    let r = app
        .post_json(
            &enrol,
            Some(&reg.org),
            &json!({"registration_number": number, "counselor_name": "知らない 人"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["counselor_name"]);
    let other = app.organization("株式会社よそ").await;
    let (_, other_email) = app
        .user(nintei_domain::role::Role::Organization, Some(&other))
        .await;
    let other_token = app.token_for(&other_email).await;
    app.post_json(
        &enrol,
        Some(&other_token),
        &json!({"registration_number": number, "counselor_name": "佐藤 一郎"}),
    )
    .await
    .assert_status(404);
    // The office sees the enrolment; the institution its own.
    for token in [&reg.office, &reg.org] {
        let v = app
            .get(&format!("/api/v1/registration/trainings/{id}"), Some(token))
            .await
            .json();
        assert_eq!(
            v["enrolments"],
            json!([{"registration_number": number, "counselor_name": "佐藤 一郎"}])
        );
    }
    let v = app
        .get(
            &format!("/api/v1/registration/trainings/{id}"),
            Some(&other_token),
        )
        .await
        .json();
    assert_eq!(v["enrolments"], json!([]));
    // After the session: no more enrolments; the office records attendance as before.
    set_day(&app, "2026-12-11");
    reg.relogin(&app).await;
    app.post_json(
        &enrol,
        Some(&reg.org),
        &json!({"registration_number": number, "counselor_name": "山田 花子"}),
    )
    .await
    .assert_status(409);
    app.post_json(
        &format!("/api/v1/registration/trainings/{id}/attendance"),
        Some(&reg.office),
        &json!({"registration_number": number, "counselor_name": "佐藤 一郎", "attended": true}),
    )
    .await
    .assert_status(201);
}
