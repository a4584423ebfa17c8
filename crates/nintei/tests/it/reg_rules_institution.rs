//! REG-6: the institution notifies a change of its name, representative and contact; the record, the directory
//! and the audit trail follow.

use serde_json::json;

use crate::reg_common::{register, setup};
use crate::support::TestApp;

#[tokio::test]
async fn reg6_institution_notifies_its_name_representative_and_contact() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let path = format!("/api/v1/organizations/{}/changes", reg.org_id);
    let r = app
        .post_json(
            &path,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "name": "株式会社こころケア",
                    "representative": "代表取締役 鈴木 一郎",
                    "contact": {"email": "new-contact@kokoro.example"}}),
        )
        .await;
    r.assert_status(200);
    let v = r.json();
    assert_eq!(v["name"], "株式会社こころケア");
    assert_eq!(v["representative"], "代表取締役 鈴木 一郎");
    assert_eq!(v["contact"]["email"], "new-contact@kokoro.example");
    // The directory shows and finds the new name at once.
    let listed = app
        .get(&format!("/api/v1/public/registrations/{number}"), None)
        .await
        .json();
    assert_eq!(listed["organization_name"], "株式会社こころケア");
    let found = app
        .get("/api/v1/public/registrations?q=こころケア", None)
        .await
        .json();
    assert_eq!(found["items"][0]["number"], number.as_str());
    // Nothing changed, a bad address, a future date: 400 naming the field.
    let r = app
        .post_json(
            &path,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "name": "株式会社こころケア"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["changes"]);
    let r = app
        .post_json(
            &path,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-21", "contact": {"email": "not mail"}}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["notified_on", "contact.email"]);
    // Another organization's user: 404.
    let other = app.organization("株式会社よそ").await;
    let (_, other_email) = app
        .user(nintei_domain::role::Role::Organization, Some(&other))
        .await;
    let other_token = app.token_for(&other_email).await;
    app.post_json(
        &path,
        Some(&other_token),
        &json!({"notified_on": "2026-11-20", "name": "x"}),
    )
    .await
    .assert_status(404);
    let events = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organization.change'")
        .await
        .unwrap();
    assert_eq!(events, 1);
}
