//! REG-9: training sessions the office runs for counselors of registered institutions, with attendance per
//! counselor.

use nintei_domain::role::Role;
use serde_json::json;

use crate::reg_common::{register, setup};
use crate::support::TestApp;

#[tokio::test]
async fn reg9_training_sessions_and_attendance() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let body =
        json!({"title": "相談対応者研修（事例検討）", "held_on": "2026-11-15", "place": "北九州市 会議室A"});
    app.post_json("/api/v1/registration/trainings", Some(&reg.org), &body)
        .await
        .assert_status(403);
    let r = app
        .post_json("/api/v1/registration/trainings", Some(&reg.office), &body)
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let planned = app
        .post_json(
            "/api/v1/registration/trainings",
            Some(&reg.office),
            &json!({"title": "次回研修", "held_on": "2027-02-01", "place": "オンライン"}),
        )
        .await;
    planned.assert_status(201);
    let planned = planned.json()["id"].as_str().unwrap().to_owned();
    let attend = format!("/api/v1/registration/trainings/{id}/attendance");
    let r = app
        .post_json(
            &attend,
            Some(&reg.office),
            &json!({"registration_number": number, "counselor_name": "山田 花子", "attended": true}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(
        app.post_json(
            &attend,
            Some(&reg.office),
            &json!({"registration_number": number, "counselor_name": "知らない人"})
        )
        .await
        .assert_status(400)
        .error_fields(),
        ["counselor_name"]
    );
    // Not held yet: attendance waits.
    app.post_json(
        &format!("/api/v1/registration/trainings/{planned}/attendance"),
        Some(&reg.office),
        &json!({"registration_number": number, "counselor_name": "山田 花子"}),
    )
    .await
    .assert_status(409);
    // The organization sees the sessions and its own counselors' attendance; another organization does not.
    let list = app.get("/api/v1/registration/trainings", Some(&reg.org)).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
    let own = app
        .get(&format!("/api/v1/registration/trainings/{id}"), Some(&reg.org))
        .await;
    assert_eq!(own.json()["attendance"][0]["counselor_name"], "山田 花子");
    let other = app.organization("合同会社ほか").await;
    let (_, other_user) = app.login(Role::Organization, Some(&other)).await;
    let theirs = app
        .get(&format!("/api/v1/registration/trainings/{id}"), Some(&other_user))
        .await;
    assert_eq!(theirs.json()["attendance"], json!([]));
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    app.get("/api/v1/registration/trainings", Some(&surveyor))
        .await
        .assert_status(403);
    let v = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.org))
        .await
        .json();
    assert_eq!(v["training_attendance"][0]["attended"], true);
}
