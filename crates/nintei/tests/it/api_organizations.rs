//! API.md "Organizations": creation with validation, visibility (404 for other organizations), sites, conflicts,
//! idempotency and malformed input.

use nintei_domain::role::Role;
use serde_json::json;

use crate::support::{TestApp, org_body};

#[tokio::test]
async fn office_creates_and_reads_an_organization() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    let mut body = org_body("株式会社こころ");
    body["corporate_number"] = json!("7000012050002"); // 国税庁's own number: a valid check digit
    let r = app.post_json("/api/v1/organizations", Some(&office), &body).await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let got = app
        .get(&format!("/api/v1/organizations/{id}"), Some(&office))
        .await;
    got.assert_status(200);
    let org = got.json();
    assert_eq!(org["name"], "株式会社こころ");
    assert_eq!(org["legal_form"], "kabushiki_kaisha");
    assert_eq!(org["corporate_number"], "7000012050002");
    assert_eq!(org["prefecture"], "40");
    assert_eq!(org["contact"]["email"], "contact@example.jp");
    // Admin may create too; a head may read but not create.
    let (_, admin) = app.login(Role::Admin, None).await;
    app.post_json("/api/v1/organizations", Some(&admin), &org_body("合同会社あおば"))
        .await
        .assert_status(201);
    let (_, head) = app.login(Role::Head, None).await;
    app.get(&format!("/api/v1/organizations/{id}"), Some(&head))
        .await
        .assert_status(200);
    app.post_json("/api/v1/organizations", Some(&head), &org_body("x"))
        .await
        .assert_status(403);
}

#[tokio::test]
async fn a_wrong_check_digit_and_other_errors_name_their_fields() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    let mut body = org_body("株式会社こころ");
    body["corporate_number"] = json!("1000012050002"); // check digit should be 7
    let r = app.post_json("/api/v1/organizations", Some(&office), &body).await;
    assert_eq!(
        r.assert_status(400).error_fields(),
        vec!["corporate_number".to_owned()]
    );
    let bad = json!({"name": "", "legal_form": "kumiai", "prefecture": "48", "address": "", "representative": "",
                     "contact": {"name": "", "email": "nope", "phone": "abc"}});
    let r = app.post_json("/api/v1/organizations", Some(&office), &bad).await;
    let fields = r.assert_status(400).error_fields();
    for f in [
        "name",
        "legal_form",
        "prefecture",
        "address",
        "representative",
        "contact.name",
        "contact.email",
        "contact.phone",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
    }
    for p in ["00", "1", "13x", "47"] {
        let mut b = org_body("県");
        b["prefecture"] = json!(p);
        // An address that names no prefecture, so only the code is judged (REG-8 checks the two agree).
        b["address"] = json!("那覇市泉崎1-2-2");
        let r = app.post_json("/api/v1/organizations", Some(&office), &b).await;
        assert_eq!(
            r.status.as_u16(),
            if p == "47" { 201 } else { 400 },
            "prefecture {p}"
        );
    }
    assert_eq!(app.count("organizations").await, 1);
}

#[tokio::test]
async fn malformed_bodies_are_400_and_oversized_413_as_problem_json() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    for body in ["{", "[]", "{\"name\": 5}", "null", "\u{0}"] {
        let r = app
            .post_raw("/api/v1/organizations", Some(&office), body, &[])
            .await;
        r.assert_status(400);
        assert_eq!(r.header("content-type"), "application/problem+json", "{body}");
        assert_eq!(r.json()["status"], 400);
    }
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    app.post_raw("/api/v1/organizations", Some(&office), &huge, &[])
        .await
        .assert_status(413);
    app.get("/api/v1/no-such-thing", Some(&office))
        .await
        .assert_status(404);
    assert_eq!(app.count("organizations").await, 0);
}

#[tokio::test]
async fn organizations_are_invisible_to_other_organizations_and_to_surveyors() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    let b = app.organization("B 株式会社").await;
    let (_, user_a) = app.login(Role::Organization, Some(&a)).await;
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    app.get(&format!("/api/v1/organizations/{a}"), Some(&user_a))
        .await
        .assert_status(200);
    let other = app
        .get(&format!("/api/v1/organizations/{b}"), Some(&user_a))
        .await;
    let missing = app
        .get("/api/v1/organizations/does-not-exist", Some(&user_a))
        .await;
    other.assert_status(404);
    missing.assert_status(404);
    assert_eq!(
        other.json(),
        missing.json(),
        "another organization's record must look like no record"
    );
    app.get(&format!("/api/v1/organizations/{a}"), Some(&surveyor))
        .await
        .assert_status(404);
    app.post_json("/api/v1/organizations", Some(&user_a), &org_body("x"))
        .await
        .assert_status(403);
}

#[tokio::test]
async fn sites_by_the_office_or_the_organizations_own_users() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    let b = app.organization("B 株式会社").await;
    let (_, user_a) = app.login(Role::Organization, Some(&a)).await;
    let (_, office) = app.login(Role::Office, None).await;
    let (_, admin) = app.login(Role::Admin, None).await;
    let site = json!({"name": "小倉相談室", "prefecture": "40", "address": "福岡県北九州市小倉北区1-1"});
    let r = app
        .post_json(&format!("/api/v1/organizations/{a}/sites"), Some(&user_a), &site)
        .await;
    r.assert_status(201);
    app.post_json(&format!("/api/v1/organizations/{a}/sites"), Some(&office), &site)
        .await
        .assert_status(201);
    app.post_json(&format!("/api/v1/organizations/{b}/sites"), Some(&user_a), &site)
        .await
        .assert_status(404);
    app.post_json(&format!("/api/v1/organizations/{a}/sites"), Some(&admin), &site)
        .await
        .assert_status(403);
    app.post_json("/api/v1/organizations/nope/sites", Some(&office), &site)
        .await
        .assert_status(404);
    let bad = json!({"name": "", "prefecture": "99", "address": ""});
    let fields = app
        .post_json(&format!("/api/v1/organizations/{a}/sites"), Some(&office), &bad)
        .await
        .error_fields();
    assert_eq!(fields, vec!["name", "prefecture", "address"]);
    let org = app
        .get(&format!("/api/v1/organizations/{a}"), Some(&office))
        .await
        .json();
    assert_eq!(org["sites"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn conflicts_by_the_office_or_the_user_for_themself() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    let (surveyor_id, surveyor) = app.login(Role::Surveyor, None).await;
    let (other_id, _) = app.login(Role::Surveyor, None).await;
    let (_, office) = app.login(Role::Office, None).await;
    let own = json!({"user_id": surveyor_id, "organization_id": a, "reason": "前職で顧問契約あり"});
    app.post_json("/api/v1/conflicts", Some(&surveyor), &own)
        .await
        .assert_status(201);
    let for_other = json!({"user_id": other_id, "organization_id": a, "reason": "x"});
    app.post_json("/api/v1/conflicts", Some(&surveyor), &for_other)
        .await
        .assert_status(404);
    app.post_json("/api/v1/conflicts", Some(&office), &for_other)
        .await
        .assert_status(201);
    let empty = json!({"user_id": other_id, "organization_id": a, "reason": " "});
    assert_eq!(
        app.post_json("/api/v1/conflicts", Some(&office), &empty)
            .await
            .error_fields(),
        vec!["reason"]
    );
    let no_org = json!({"user_id": other_id, "organization_id": "nope", "reason": "x"});
    app.post_json("/api/v1/conflicts", Some(&office), &no_org)
        .await
        .assert_status(404);
    assert_eq!(app.count("conflicts").await, 2);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    let key = "4b0c7a52-2f0e-4a0e-9d55-1f7f3c0c1a11";
    let body = org_body("株式会社いちど").to_string();
    let first = app
        .post_raw(
            "/api/v1/organizations",
            Some(&office),
            &body,
            &[("idempotency-key", key)],
        )
        .await;
    first.assert_status(201);
    let second = app
        .post_raw(
            "/api/v1/organizations",
            Some(&office),
            &body,
            &[("idempotency-key", key)],
        )
        .await;
    second.assert_status(201);
    assert_eq!(first.json(), second.json());
    assert_eq!(second.header("idempotent-replayed"), "true");
    assert_eq!(app.count("organizations").await, 1);
    let other = org_body("株式会社べつ").to_string();
    app.post_raw(
        "/api/v1/organizations",
        Some(&office),
        &other,
        &[("idempotency-key", key)],
    )
    .await
    .assert_status(409);
    assert_eq!(app.count("organizations").await, 1);
}
