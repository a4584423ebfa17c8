//! The audit trail: every change is one event in the same transaction, the chain verifies, and an edited,
//! removed or truncated event is found — by the library and by `nintei audit verify`.

use nintei_domain::role::Role;
use nintei_store::ChainReport;
use serde_json::json;

use crate::support::{TestApp, org_body};

async fn verify(app: &TestApp) -> ChainReport {
    nintei_store::audit::verify(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn each_change_is_an_event_with_who_what_before_after() {
    let app = TestApp::new().await;
    let (office_id, office) = app.login(Role::Office, None).await;
    let before = app.count("audit_events").await;
    let r = app
        .post_raw(
            "/api/v1/organizations",
            Some(&office),
            &org_body("監査 株式会社").to_string(),
            &[("x-request-id", "req-abc-123")],
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(app.count("audit_events").await, before + 1);
    let history = nintei_store::audit::history(&app.state.db, "organization", &id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    let e = &history[0];
    assert_eq!(e.action, "organization.create");
    assert_eq!(e.actor_id.as_deref(), Some(office_id.as_str()));
    assert_eq!(e.actor_role.as_deref(), Some("office"));
    assert_eq!(e.request_id, "req-abc-123");
    assert_eq!(
        e.changes["name"],
        json!({"before": null, "after": "監査 株式会社"})
    );
    assert!(e.at.starts_with("2026-11-20T01:00:00"), "{}", e.at);
    // A rejected request writes nothing.
    let n = app.count("audit_events").await;
    app.post_json("/api/v1/organizations", Some(&office), &json!({"name": ""}))
        .await
        .assert_status(400);
    assert_eq!(app.count("audit_events").await, n);
    assert!(matches!(verify(&app).await, ChainReport::Intact { .. }));
}

#[tokio::test]
async fn verify_names_the_first_edited_event() {
    let app = TestApp::new().await;
    for i in 0..4 {
        app.organization(&format!("株式会社{i}")).await;
    }
    let ChainReport::Intact { events } = verify(&app).await else {
        panic!("chain should verify")
    };
    assert!(events >= 8, "{events}");
    app.state
        .db
        .execute_raw("UPDATE audit_events SET changes = '{\"name\":\"forged\"}' WHERE seq = 3")
        .await
        .unwrap();
    match verify(&app).await {
        ChainReport::Broken { seq, .. } => assert_eq!(seq, 3),
        other => panic!("tampering not detected: {other:?}"),
    }
}

#[tokio::test]
async fn verify_finds_removed_and_truncated_events() {
    let app = TestApp::new().await;
    for i in 0..3 {
        app.organization(&format!("株式会社{i}")).await;
    }
    let ChainReport::Intact { events } = verify(&app).await else {
        panic!()
    };
    app.state
        .db
        .execute_raw(&format!("DELETE FROM audit_events WHERE seq = {events}"))
        .await
        .unwrap();
    assert!(matches!(verify(&app).await, ChainReport::Broken { seq, .. } if seq == events));
    app.state
        .db
        .execute_raw("DELETE FROM audit_events WHERE seq = 2")
        .await
        .unwrap();
    assert!(matches!(verify(&app).await, ChainReport::Broken { seq: 2, .. }));
}

#[tokio::test]
async fn the_cli_verifies_and_detects_an_edited_row() {
    let app = TestApp::new().await;
    app.organization("株式会社CLI").await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_nintei"))
            .args(["audit", "verify", "--database", &app.db.url])
            .output()
            .unwrap()
    };
    let ok = run();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit chain intact"));
    app.state
        .db
        .execute_raw("UPDATE audit_events SET actor_role = 'admin' WHERE seq = 1")
        .await
        .unwrap();
    let bad = run();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("broken at event 1"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let router = app.router.clone();
        let token = office.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/organizations")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::from(org_body(&format!("並行{i}")).to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    assert_eq!(app.count("organizations").await, 12);
    assert!(matches!(verify(&app).await, ChainReport::Intact { .. }));
}
