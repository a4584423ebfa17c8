//! REG-2 one room, one registration (addresses compared normalized) and REG-8 a room listed under the
//! prefecture its address names.

use serde_json::json;

use crate::reg_common::{application, register, setup};
use crate::support::TestApp;

// REG-2: a second room at an address that already has a registration — of another institution, written
// differently (丁目/番/号, full-width digits, without the prefecture) — carries a finding that blocks registration.
#[tokio::test]
async fn reg2_one_room_one_registration_by_normalized_address() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let other_org = app.organization("株式会社となり相談").await;
    let r = app
        .post_json(
            &format!("/api/v1/organizations/{other_org}/sites"),
            Some(&reg.office),
            &json!({"name": "となり相談室", "prefecture": "40",
                    "address": "北九州市小倉北区浅野一丁目２番３号　小倉相談室"}),
        )
        .await;
    r.assert_status(201);
    let site = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&other_org, &site, "2026-11-20"),
        )
        .await;
    r.assert_status(201);
    let findings = r.json()["findings"].clone();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert!(findings[0].as_str().unwrap().contains(&number), "{findings}");
    let case = r.json()["id"].as_str().unwrap().to_owned();
    app.post_json(
        &format!("/api/v1/registration/cases/{case}/review"),
        Some(&reg.office),
        &json!({"decision": "register", "decided_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
    // Another place (another floor) is another room.
    let r = app
        .post_json(
            &format!("/api/v1/organizations/{other_org}/sites"),
            Some(&reg.office),
            &json!({"name": "となり相談室2", "prefecture": "40",
                    "address": "北九州市小倉北区浅野1-2-3 6階"}),
        )
        .await;
    let site2 = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&other_org, &site2, "2026-11-20"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]));
}

// REG-2: a first application that was clean when filed is not registered once another room at the same address
// was registered meanwhile (the review checks again).
#[tokio::test]
async fn reg2_review_checks_the_address_again() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let other_org = app.organization("株式会社となり相談").await;
    let r = app
        .post_json(
            &format!("/api/v1/organizations/{other_org}/sites"),
            Some(&reg.office),
            &json!({"name": "となり相談室", "prefecture": "40",
                    "address": "福岡県北九州市小倉北区浅野1ー2ー3 小倉相談室"}),
        )
        .await;
    let site = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&other_org, &site, "2026-11-20"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]));
    let case = r.json()["id"].as_str().unwrap().to_owned();
    register(&app, &reg, "2026-11-01", "2026-11-20").await;
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{case}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("REG-2"), "{}", r.text());
}

// REG-8: a room's prefecture agrees with its address when the address names one: 400 naming the field.
#[tokio::test]
async fn reg8_prefecture_agrees_with_the_address() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let path = format!("/api/v1/organizations/{}/sites", reg.org_id);
    let r = app
        .post_json(
            &path,
            Some(&reg.office),
            &json!({"name": "港相談室", "prefecture": "47", "address": "東京都港区芝公園1-1-1"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["prefecture"]);
    assert!(r.text().contains("東京都"), "{}", r.text());
    // Agreeing, or an address without a prefecture name: fine.
    app.post_json(
        &path,
        Some(&reg.office),
        &json!({"name": "港相談室", "prefecture": "13", "address": "東京都港区芝公園1-1-1"}),
    )
    .await
    .assert_status(201);
    app.post_json(
        &path,
        Some(&reg.office),
        &json!({"name": "那覇相談室", "prefecture": "47", "address": "那覇市久茂地1-1-1"}),
    )
    .await
    .assert_status(201);
    // The organization's own address likewise.
    let mut body = crate::support::org_body("株式会社ちがう県");
    body["prefecture"] = json!("47");
    let r = app
        .post_json("/api/v1/organizations", Some(&reg.office), &body)
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["prefecture"]);
}
