//! API.md "Registration cases (REG)": the REG-3 criteria, applications with findings (REG-1 … REG-3), the
//! office's review and registration (REG-4, REG-5), validation, visibility and concurrent reviews.

use nintei_domain::role::Role;
use serde_json::json;

use crate::reg_common::{add_site, application, register, setup};
use crate::support::TestApp;

fn codes(findings: &serde_json::Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = f.as_str().unwrap();
            s.trim_start_matches('【').split('】').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn reg3_criteria_lists_every_item_for_any_signed_in_user() {
    let app = TestApp::new().await;
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    let r = app.get("/api/v1/registration/criteria", Some(&surveyor)).await;
    r.assert_status(200);
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 38);
    assert_eq!(items[0]["code"], "1-1-a");
    assert!(items[0]["title"].as_str().unwrap().contains("相談体制の質の確保"));
    assert_eq!(items[37]["code"], "4-2");
    assert!(items.iter().any(|i| i["code"] == "1-3-b-7"));
    app.get("/api/v1/registration/criteria", None)
        .await
        .assert_status(401);
}

// REG-1 … REG-5: application → findings → return → fixed new application → registration (REG-4 dates).
#[tokio::test]
async fn reg5_application_with_findings_is_returned_then_a_fixed_one_is_registered() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let mut body = application(&reg.org_id, &reg.site_id, "2026-09-01");
    body["criteria"]["3-3"] = json!(false);
    body["counselors"][1]["qualification"] = json!("other");
    body["psychiatrists"][0]["clinical_years"] = json!(4);
    body["psychiatrists"][0]["oh_qualification"] = json!("none");
    body["disclosure"]["hours"] = json!("  ");
    // Dated in the past: a paper application the office enters (REG-4).
    let r = app
        .post_json("/api/v1/registration/cases", Some(&reg.office), &body)
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["status"], "submitted");
    let findings = r.json()["findings"].clone();
    assert_eq!(
        codes(&findings),
        ["1-2-a", "1-3-b-3", "1-4-b-1", "1-4-b-2", "3-3"],
        "{findings}"
    );
    assert!(findings[0].as_str().unwrap().contains("佐藤 一郎"));
    assert!(findings[2].as_str().unwrap().contains("臨床歴は4年"));
    assert!(findings[4].as_str().unwrap().contains("「適合していない」"));
    let first = r.json()["id"].as_str().unwrap().to_owned();

    // Registering with findings is a conflict; the case stays submitted.
    let review = format!("/api/v1/registration/cases/{first}/review");
    app.post_json(
        &review,
        Some(&reg.office),
        &json!({"decision": "register", "decided_on": "2026-09-10"}),
    )
    .await
    .assert_status(409);
    let got = app
        .get(&format!("/api/v1/registration/cases/{first}"), Some(&reg.org))
        .await;
    got.assert_status(200);
    assert_eq!(got.json()["status"], "submitted");
    assert_eq!(got.json()["findings"], findings);

    // Returning needs a reason.
    let r = app
        .post_json(
            &review,
            Some(&reg.office),
            &json!({"decision": "return", "decided_on": "2026-09-10"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), ["reason"]);
    let r = app
        .post_json(
            &review,
            Some(&reg.office),
            &json!({"decision": "return", "decided_on": "2026-09-10",
                    "reason": "指摘事項（1-2-a, 1-3-b-3, 1-4-b-1, 1-4-b-2, 3-3）を確認してください"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json(), json!({"status": "returned"}));
    // A returned application is final.
    app.post_json(
        &review,
        Some(&reg.office),
        &json!({"decision": "return", "decided_on": "2026-09-10", "reason": "再度"}),
    )
    .await
    .assert_status(409);

    // The fixed application, filed anew, has no findings and is registered: 2026-09-20 → 2029-09-19 (REG-4).
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&reg.org_id, &reg.site_id, "2026-09-12"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]));
    let second = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{second}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-09-20"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(
        r.json(),
        json!({"status": "registered", "registration": {"number": "REG-2026-0001",
               "registered_on": "2026-09-20", "expires_on": "2029-09-19"}})
    );
    let got = app
        .get(&format!("/api/v1/registration/cases/{second}"), Some(&reg.org))
        .await;
    assert_eq!(got.json()["status"], "registered");
    assert_eq!(got.json()["registration"]["status"], "registered");
    assert_eq!(got.header("etag"), format!("\"{}\"", got.json()["version"]));
    // The first case keeps its return and its findings.
    let old = app
        .get(&format!("/api/v1/registration/cases/{first}"), Some(&reg.org))
        .await;
    assert_eq!(old.json()["status"], "returned");
    assert_eq!(old.json()["decision"]["decision"], "return");
    assert_eq!(old.json()["registration"], json!(null));
    // The registration and what it publishes.
    let r = app
        .get("/api/v1/registrations/REG-2026-0001", Some(&reg.org))
        .await;
    r.assert_status(200);
    let v = r.json();
    assert_eq!(v["status"], "registered");
    assert_eq!(v["disclosure"]["counselors"][0]["qualification"], "臨床心理士");
    assert_eq!(
        v["disclosure"]["methods"],
        json!(["face_to_face", "phone", "email"])
    );
    // The room is registered: another first application is refused, the renewal is the way (REG-4).
    app.post_json(
        "/api/v1/registration/cases",
        Some(&reg.org),
        &application(&reg.org_id, &reg.site_id, "2026-11-20"),
    )
    .await
    .assert_status(409);
    let events = nintei_store::audit::history(&app.state.db, "reg_case", &second)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    // Newest first.
    assert_eq!(actions, ["reg_case.review", "reg_case.submit"]);
    assert_eq!(events[0].changes["registration_number"]["after"], "REG-2026-0001");
}

#[tokio::test]
async fn application_errors_name_their_fields() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let post = |body: serde_json::Value| {
        let app = &app;
        let token = reg.org.clone();
        async move {
            app.post_json("/api/v1/registration/cases", Some(&token), &body)
                .await
        }
    };
    let mut body = application(&reg.org_id, &reg.site_id, "2026-09-01");
    body["criteria"]["9-9"] = json!(true);
    body["counselors"][0]["qualification"] = json!("shaman");
    body["counselors"][1]["name"] = json!(" ");
    body["counselors"][1]["years_of_practice"] = json!(-1);
    body["psychiatrists"][0]["oh_qualification"] = json!("yes");
    body["disclosure"]["methods"] = json!(["fax"]);
    body["applied_on"] = json!("2026-11-21"); // tomorrow
    let fields = post(body).await.assert_status(400).error_fields();
    for f in [
        "criteria.9-9",
        "counselors[0].qualification",
        "counselors[1].years_of_practice",
        "psychiatrists[0].oh_qualification",
        "disclosure.methods[0]",
        "applied_on",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
    }
    // A blank name is reported once the rest is well-formed.
    let mut body = application(&reg.org_id, &reg.site_id, "2026-11-20");
    body["counselors"][1]["name"] = json!("\u{3000}");
    assert_eq!(
        post(body).await.assert_status(400).error_fields(),
        ["counselors[1].name"]
    );
    let mut body = application(&reg.org_id, &reg.site_id, "2026/09/01");
    body["site_id"] = json!("no-such-room");
    let fields = post(body).await.assert_status(400).error_fields();
    assert_eq!(fields, ["site_id", "applied_on"]);
    // Another organization's room is not this organization's: 400 naming site_id, nothing revealed.
    let other_org = app.organization("合同会社ほか").await;
    let other_site = add_site(&app, &reg.office, &other_org, "ほか相談室").await;
    let body = application(&reg.org_id, &other_site, "2026-11-20");
    assert_eq!(post(body).await.assert_status(400).error_fields(), ["site_id"]);
    // Applying for another organization: 404 (not visible); a surveyor: 404; the head: 403.
    let body = application(&other_org, &other_site, "2026-09-01");
    post(body.clone()).await.assert_status(404);
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    app.post_json("/api/v1/registration/cases", Some(&surveyor), &body)
        .await
        .assert_status(404);
    let (_, head) = app.login(Role::Head, None).await;
    app.post_json("/api/v1/registration/cases", Some(&head), &body)
        .await
        .assert_status(403);
    // The office may file for any organization; an unknown one is a field error.
    let mut body = application(&other_org, &other_site, "2026-09-01");
    app.post_json("/api/v1/registration/cases", Some(&reg.office), &body)
        .await
        .assert_status(201);
    body["organization_id"] = json!("nope");
    assert_eq!(
        app.post_json("/api/v1/registration/cases", Some(&reg.office), &body)
            .await
            .assert_status(400)
            .error_fields(),
        ["organization_id"]
    );
    assert_eq!(app.count("reg_cases").await, 1);
}

#[tokio::test]
async fn review_rules_dates_roles_and_visibility() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&reg.org_id, &reg.site_id, "2026-09-01"),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let review = format!("/api/v1/registration/cases/{id}/review");
    let post = |token: String, body: serde_json::Value| {
        let app = &app;
        let review = review.clone();
        async move { app.post_json(&review, Some(&token), &body).await }
    };
    let ok = json!({"decision": "register", "decided_on": "2026-09-20"});
    // Dates: not in the future, not before the application.
    for bad in ["2026-11-21", "2026-08-31", "20260920"] {
        let body = json!({"decision": "register", "decided_on": bad});
        assert_eq!(
            post(reg.office.clone(), body)
                .await
                .assert_status(400)
                .error_fields(),
            ["decided_on"],
            "{bad}"
        );
    }
    assert_eq!(
        post(
            reg.office.clone(),
            json!({"decision": "approve", "decided_on": "2026-09-20"})
        )
        .await
        .assert_status(400)
        .error_fields(),
        ["decision"]
    );
    // Roles: the organization and the head see the case but may not review (403); others do not see it (404).
    post(reg.org.clone(), ok.clone()).await.assert_status(403);
    let (_, head) = app.login(Role::Head, None).await;
    post(head.clone(), ok.clone()).await.assert_status(403);
    app.get(&format!("/api/v1/registration/cases/{id}"), Some(&head))
        .await
        .assert_status(200);
    let other_org = app.organization("合同会社ほか").await;
    let (_, other) = app.login(Role::Organization, Some(&other_org)).await;
    let (_, committee) = app.login(Role::Committee, None).await;
    for token in [other, committee] {
        post(token.clone(), ok.clone()).await.assert_status(404);
        app.get(&format!("/api/v1/registration/cases/{id}"), Some(&token))
            .await
            .assert_status(404);
        app.get("/api/v1/registration/cases/nope", Some(&token))
            .await
            .assert_status(404);
    }
    // A stale If-Match is a conflict; the current one passes.
    let r = app
        .post_raw(
            &review,
            Some(&reg.office),
            &ok.to_string(),
            &[("if-match", "\"7\"")],
        )
        .await;
    r.assert_status(409);
    let r = app
        .post_raw(
            &review,
            Some(&reg.office),
            &ok.to_string(),
            &[("if-match", "\"1\"")],
        )
        .await;
    r.assert_status(200);
    // The organization's list shows its case; another organization's list does not.
    let list = app.get("/api/v1/registration/cases", Some(&reg.org)).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
}

// REG-4: numbers count up per registration year.
#[tokio::test]
async fn numbers_count_up_within_the_year() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, first) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    reg.site_id = add_site(&app, &reg.office, &reg.org_id, "門司相談室").await;
    let (_, second) = register(&app, &reg, "2026-10-01", "2026-10-05").await;
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("REG-2026-0001", "REG-2026-0002")
    );
    let list = app.get("/api/v1/registrations", Some(&reg.org)).await;
    list.assert_status(200);
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    app.get("/api/v1/registrations", Some(&surveyor))
        .await
        .assert_status(403);
    app.get("/api/v1/registrations/REG-2026-0001", Some(&surveyor))
        .await
        .assert_status(404);
}

// Of 20 identical concurrent reviews exactly one registers: one 200, nineteen 409, one audit event.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_reviews_register_once() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&reg.org_id, &reg.site_id, "2026-09-01"),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let router = app.router.clone();
        let token = reg.office.clone();
        let path = format!("/api/v1/registration/cases/{id}/review");
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post(path)
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::from(
                    json!({"decision": "register", "decided_on": "2026-09-20"}).to_string(),
                ))
                .unwrap();
            router.oneshot(req).await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((ok, conflicts), (1, 19), "{statuses:?}");
    assert_eq!(app.count("registrations").await, 1);
    let reviews = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'reg_case.review'")
        .await
        .unwrap();
    assert_eq!(reviews, 1);
    assert!(matches!(
        nintei_store::audit::verify(&app.state.db).await.unwrap(),
        nintei_store::ChainReport::Intact { .. }
    ));
}

// REG-2: one application under review per room, also when eight arrive at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_applications_for_one_room_leave_one_under_review() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let body = application(&reg.org_id, &reg.site_id, "2026-11-20").to_string();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let router = app.router.clone();
        let token = reg.org.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/registration/cases")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::from(body))
                .unwrap();
            router.oneshot(req).await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.count("reg_cases").await, 1);
}
