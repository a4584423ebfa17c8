//! ACC API status codes one by one (API.md "Accreditation cases"): 400 naming fields, 401, 403, 404 for what
//! the caller may not see (ACC-8 recusal included), 409 for the wrong state or a rule.

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::{Acc, BASE, application};
use crate::support::TestApp;

#[tokio::test]
async fn standards_in_force_are_the_marked_sample_with_the_seeds_structure() {
    let app = TestApp::new().await;
    app.get("/api/v1/accreditation/standards", None)
        .await
        .assert_status(401);
    let (_, committee) = app.login(Role::Committee, None).await;
    let r = app.get("/api/v1/accreditation/standards", Some(&committee)).await;
    let body = r.assert_status(200).json();
    assert_eq!(body["sample"], true);
    let items = body["items"].as_array().unwrap();
    assert!(items.len() > 50);
    let first = &items[0];
    for field in ["code", "group", "section", "kind", "fundamental", "title"] {
        assert!(first.get(field).is_some(), "{field} missing");
    }
    let sections: std::collections::BTreeSet<&str> =
        items.iter().map(|i| i["section"].as_str().unwrap()).collect();
    for s in [
        "倫理実践",
        "財務管理",
        "組織の統治",
        "人材管理",
        "能力および品質の向上",
        "リスクの予防と管理",
        "業務およびサービス環境",
        "クライアントの権利",
        "訓練および監督",
    ] {
        assert!(sections.contains(s), "{s}");
    }
    for category in ["life_safety", "health_welfare", "client_rights"] {
        assert!(items.iter().any(|i| i["fundamental"] == category), "{category}");
    }
    assert!(items.iter().any(|i| i["kind"] == "core_concept"));
}

#[tokio::test]
async fn applications_validate_every_field_and_only_the_own_organization_or_office_apply() {
    let app = TestApp::new().await;
    let org = app.organization("株式会社さくら").await;
    let (_, org_user) = app.login(Role::Organization, Some(&org)).await;
    let (_, office) = app.login(Role::Office, None).await;
    let (_, head) = app.login(Role::Head, None).await;
    let bad = json!({
        "organization_id": org,
        "services": [{"code": "f", "started_on": "2025-03-01"}, {"code": "a", "started_on": "2025-02-30"}],
        "annual_revenue_yen": -1,
        "applied_on": "2026-11-21",
    });
    let r = app.post_json(BASE, Some(&org_user), &bad).await;
    let fields = r.assert_status(400).error_fields();
    for f in [
        "services[0].code",
        "services[1].started_on",
        "annual_revenue_yen",
        "applied_on",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} missing from {fields:?}");
    }
    let r = app
        .post_json(
            BASE,
            Some(&org_user),
            &json!({"organization_id": org, "services": [], "applied_on": "2026-01-10"}),
        )
        .await;
    let fields = r.assert_status(400).error_fields();
    assert!(fields.contains(&"services".to_owned()) && fields.contains(&"annual_revenue_yen".to_owned()));
    app.post_json(
        BASE,
        Some(&org_user),
        &json!({"organization_id": org, "annual_revenue_yen": "many"}),
    )
    .await
    .assert_status(400);
    // Another organization's id: 404; a head: 403; nobody: 401.
    let other = app.organization("株式会社よそ").await;
    app.post_json(BASE, Some(&org_user), &application(&other, "2026-01-10"))
        .await
        .assert_status(404);
    app.post_json(BASE, Some(&head), &application(&org, "2026-01-10"))
        .await
        .assert_status(403);
    app.post_json(BASE, None, &application(&org, "2026-01-10"))
        .await
        .assert_status(401);
    // The office files a paper application; a second open case for the same unit is a conflict.
    app.post_json(BASE, Some(&office), &application(&org, "2026-01-10"))
        .await
        .assert_status(201);
    app.post_json(BASE, Some(&org_user), &application(&org, "2026-01-11"))
        .await
        .assert_status(409);
    // The application form's additions are kept.
    let mut unit = application(&org, "2026-01-12");
    unit["unit_name"] = json!("EAP事業部");
    unit["contact"] = json!({"department": "産業保健推進課", "name": "産業 花子", "phone": "093-691-7464",
                             "fax": "093-691-1211", "email": "nintei@example.jp"});
    unit["attachments"] = json!([
        "pamphlets",
        "philosophy",
        "audit_report",
        "pre_check_sheet",
        "organization_chart"
    ]);
    unit["board_decided"] = json!(true);
    unit["unit_conditions"] = json!({"has_departments_with_different_services": true,
        "independent_policy_and_budget": true, "recognized_as_independent": false});
    let r = app.post_json(BASE, Some(&org_user), &unit).await;
    let id = r.assert_status(201).json()["id"].as_str().unwrap().to_owned();
    let case = app
        .get(&format!("{BASE}/{id}"), Some(&org_user))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["unit_name"], "EAP事業部");
    assert_eq!(case["application"]["contact"]["fax"], "093-691-1211");
    assert_eq!(case["application"]["unit_conditions_met"], false);
    assert_eq!(case["application"]["board_decided"], true);
    let mut bad_attachment = application(&org, "2026-01-12");
    bad_attachment["unit_name"] = json!("別部門");
    bad_attachment["attachments"] = json!(["photos"]);
    let r = app.post_json(BASE, Some(&org_user), &bad_attachment).await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["attachments[0]"]);
}

#[tokio::test]
async fn who_sees_a_case_others_get_404() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    acc.accept("2026-01-20").await;
    acc.plan("2026-02-28", "2026-03-10").await;
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.lead_id, "lead": true}),
    )
    .await
    .assert_status(201);
    let (_, admin) = app.login(Role::Admin, None).await;
    for token in [
        &acc.office,
        &acc.head,
        &admin,
        &acc.coordinator,
        &acc.lead,
        &acc.member,
        &acc.org_user,
    ] {
        acc.get(token).await.assert_status(200);
    }
    let (_, other_coordinator) = app.login(Role::Coordinator, None).await;
    let other_org = app.organization("株式会社ほか").await;
    let (_, other_org_user) = app.login(Role::Organization, Some(&other_org)).await;
    for token in [&other_coordinator, &acc.second, &other_org_user] {
        acc.get(token).await.assert_status(404);
    }
    app.get(&format!("{BASE}/no-such-case"), Some(&acc.office))
        .await
        .assert_status(404);
    app.get(&acc.path(""), None).await.assert_status(401);
    // Surveyors and the committee do not see invoices; the organization does.
    assert!(acc.get(&acc.lead).await.json().get("invoices").is_none());
    assert!(acc.get(&acc.member).await.json().get("invoices").is_none());
    assert!(acc.get(&acc.org_user).await.json().get("invoices").is_some());
    // Lists follow the same visibility.
    let list = app
        .get(BASE, Some(&other_org_user))
        .await
        .assert_status(200)
        .json();
    assert_eq!(list["items"], json!([]));
    let list = app.get(BASE, Some(&acc.org_user)).await.assert_status(200).json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn acc_8_a_conflicted_committee_member_gets_404_on_everything() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    let (conflicted_id, conflicted) = app.login(Role::Committee, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": conflicted_id, "organization_id": acc.org_id, "reason": "顧問契約あり"}),
    )
    .await
    .assert_status(201);
    acc.get(&conflicted).await.assert_status(404);
    app.get(&acc.path("assessment"), Some(&conflicted))
        .await
        .assert_status(404);
    app.get(&acc.path("votes"), Some(&conflicted))
        .await
        .assert_status(404);
    acc.post("votes", &conflicted, json!({"outcome": "deny"}))
        .await
        .assert_status(404);
    let list = app.get(BASE, Some(&conflicted)).await.assert_status(200).json();
    assert_eq!(list["items"], json!([]));
    // The member without a conflict voted; bad outcomes are 400; the head sees the votes.
    acc.post("votes", &acc.member, json!({"outcome": "maybe"}))
        .await
        .assert_status(400);
    let votes = app
        .get(&acc.path("votes"), Some(&acc.head))
        .await
        .assert_status(200)
        .json();
    assert_eq!(votes["items"].as_array().unwrap().len(), 1);
    // A second vote in the same round replaces the first.
    acc.post("votes", &acc.member, json!({"outcome": "hold"}))
        .await
        .assert_status(201);
    let votes = app
        .get(&acc.path("votes"), Some(&acc.office))
        .await
        .assert_status(200)
        .json();
    assert_eq!(votes["items"].as_array().unwrap().len(), 1);
    assert_eq!(votes["items"][0]["outcome"], "hold");
    // Organizations and surveyors do not see votes, and cannot vote.
    app.get(&acc.path("votes"), Some(&acc.org_user))
        .await
        .assert_status(403);
    acc.post("votes", &acc.lead, json!({"outcome": "accredit"}))
        .await
        .assert_status(403);
}

#[tokio::test]
async fn eligibility_plan_and_self_study_status_codes() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    // Only the office decides eligibility; the organization sees the case (403), a surveyor does not (404).
    acc.post(
        "eligibility",
        &acc.org_user,
        json!({"eligible": true, "decided_on": "2026-01-20"}),
    )
    .await
    .assert_status(403);
    acc.post(
        "eligibility",
        &acc.lead,
        json!({"eligible": true, "decided_on": "2026-01-20"}),
    )
    .await
    .assert_status(404);
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2026-01-09"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["decided_on"]);
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2026-11-21"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["decided_on"]);
    let r = acc
        .post("eligibility", &acc.office, json!({"decided_on": "2026-01-20"}))
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["eligible"]);
    // Plan before acceptance: 409.
    acc.post(
        "plan",
        &acc.office,
        json!({"coordinator_id": acc.coordinator_id, "self_study_due_on": "2026-02-28", "site_visit_on": "2026-03-10"}),
    )
    .await
    .assert_status(409);
    acc.accept("2026-01-20").await;
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": true, "decided_on": "2026-01-21"}),
    )
    .await
    .assert_status(409);
    // Plan: a coordinator is needed, dates in order.
    let r = acc
        .post(
            "plan",
            &acc.office,
            json!({"coordinator_id": acc.lead_id, "self_study_due_on": "2026-03-10", "site_visit_on": "2026-02-28"}),
        )
        .await;
    let fields = r.assert_status(400).error_fields();
    assert!(fields.contains(&"coordinator_id".to_owned()) && fields.contains(&"site_visit_on".to_owned()));
    let r = acc
        .post(
            "plan",
            &acc.office,
            json!({"coordinator_id": acc.coordinator_id, "self_study_due_on": "2026-01-19", "site_visit_on": "2026-03-10"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["self_study_due_on"]);
    // A coordinator with a declared conflict is refused (409).
    let (busy_id, _) = app.login(Role::Coordinator, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": busy_id, "organization_id": acc.org_id, "reason": "元職員"}),
    )
    .await
    .assert_status(201);
    acc.post(
        "plan",
        &acc.office,
        json!({"coordinator_id": busy_id, "self_study_due_on": "2026-02-28", "site_visit_on": "2026-03-10"}),
    )
    .await
    .assert_status(409);
    // Self-study submission before the plan: 409; by the office: 403.
    acc.post(
        "self-study/submission",
        &acc.org_user,
        json!({"submitted_on": "2026-02-25"}),
    )
    .await
    .assert_status(409);
    acc.plan("2026-02-28", "2026-03-10").await;
    acc.post(
        "self-study/submission",
        &acc.office,
        json!({"submitted_on": "2026-02-25"}),
    )
    .await
    .assert_status(403);
    let r = acc
        .post(
            "self-study/submission",
            &acc.org_user,
            json!({"submitted_on": "2026-01-19"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["submitted_on"]);
    // The assigned coordinator sees the case now.
    acc.get(&acc.coordinator).await.assert_status(200);
    acc.submit_self_study("2026-02-25").await;
    acc.post(
        "self-study/submission",
        &acc.org_user,
        json!({"submitted_on": "2026-02-26"}),
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn acc_7_acc_8_surveyor_assignment_rules() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    // Before acceptance: 409.
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.lead_id, "lead": true}),
    )
    .await
    .assert_status(409);
    acc.accept("2026-01-20").await;
    // Not a surveyor: 409; unknown user: 400; not the office: 403.
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.coordinator_id, "lead": false}),
    )
    .await
    .assert_status(409);
    let r = acc
        .post(
            "surveyors",
            &acc.office,
            json!({"user_id": "nobody", "lead": false}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["user_id"]);
    acc.post(
        "surveyors",
        &acc.org_user,
        json!({"user_id": acc.lead_id, "lead": true}),
    )
    .await
    .assert_status(403);
    // ACC-8: a declared conflict blocks the assignment.
    let (conflicted_id, conflicted) = app.login(Role::Surveyor, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&conflicted),
        &json!({"user_id": conflicted_id, "organization_id": acc.org_id, "reason": "研究費の受領"}),
    )
    .await
    .assert_status(201);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": conflicted_id, "lead": false}),
    )
    .await
    .assert_status(409);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.lead_id, "lead": true}),
    )
    .await
    .assert_status(201);
    // Twice the same, a second lead: 409.
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.lead_id, "lead": false}),
    )
    .await
    .assert_status(409);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.second_id, "lead": true}),
    )
    .await
    .assert_status(409);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.second_id, "lead": false}),
    )
    .await
    .assert_status(201);
    // A third: 409.
    let (third_id, _) = app.login(Role::Surveyor, None).await;
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": third_id, "lead": false}),
    )
    .await
    .assert_status(409);
    let case = acc.case().await;
    assert_eq!(case["surveyors"].as_array().unwrap().len(), 2);
    assert_eq!(case["surveyors"][0]["user_id"], acc.lead_id.as_str());
    assert_eq!(case["surveyors"][0]["lead"], true);
}

#[tokio::test]
async fn acc_9_rating_rules_and_history() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    acc.accept("2026-01-20").await;
    acc.plan("2026-02-28", "2026-03-10").await;
    acc.assign_surveyors().await;
    // In self_study: 409.
    acc.rate(&acc.lead, "ETH 1", 1).await.assert_status(409);
    acc.submit_self_study("2026-02-25").await;
    // Any other surveyor: 403; office: 403; the organization: 403; another organization: 404.
    let (_, stranger) = app.login(Role::Surveyor, None).await;
    acc.rate(&stranger, "ETH 1", 1).await.assert_status(403);
    acc.rate(&acc.office, "ETH 1", 1).await.assert_status(403);
    acc.rate(&acc.org_user, "ETH 1", 1).await.assert_status(403);
    // Unknown standard, outside the case's services, rating outside 1..4: 400.
    for (code, rating, field) in [
        ("XYZ 1", 1, "standard"),
        ("SUR 1", 1, "standard"),
        ("ETH 1", 0, "rating"),
        ("ETH 1", 5, "rating"),
        ("ETH 1", -1, "rating"),
    ] {
        let r = acc.rate(&acc.lead, code, rating).await;
        assert_eq!(
            r.assert_status(400).error_fields(),
            vec![field],
            "{code} {rating}"
        );
    }
    let r = acc
        .post(
            "ratings",
            &acc.lead,
            json!({"standard": "ETH 1", "rating": "2", "comment": ""}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["rating"]);
    let r = acc
        .post(
            "ratings",
            &acc.lead,
            json!({"standard": "ETH 1", "rating": 2.5, "comment": ""}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["rating"]);
    // A 3 or 4 needs a comment.
    let r = acc
        .post(
            "ratings",
            &acc.lead,
            json!({"standard": "ETH 1.01", "rating": 3, "comment": " "}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["comment"]);
    // A later rating replaces the earlier; both are kept.
    acc.rate(&acc.lead, "ETH 1.01", 3).await.assert_status(201);
    acc.rate(&acc.second, "ETH 1.01", 2).await.assert_status(201);
    let ratings = app
        .get(&acc.path("ratings"), Some(&acc.office))
        .await
        .assert_status(200)
        .json();
    let current = ratings["items"].as_array().unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["rating"], 2);
    assert_eq!(current[0]["surveyor_id"], acc.second_id.as_str());
    assert_eq!(ratings["history"].as_array().unwrap().len(), 1);
    assert_eq!(ratings["history"][0]["rating"], 3);
    // The organization sees ratings only once the report is issued (ACC-10).
    app.get(&acc.path("assessment"), Some(&acc.org_user))
        .await
        .assert_status(403);
    let a = app
        .get(&acc.path("assessment"), Some(&acc.lead))
        .await
        .assert_status(200)
        .json();
    assert_eq!(a["complete"], false);
    assert_eq!(a["core_concept_ok"], false, "unrated core concepts are not ok");
}

#[tokio::test]
async fn acc_10_report_needs_every_standard_rated_and_the_lead_or_office() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    acc.accept("2026-01-20").await;
    acc.plan("2026-02-28", "2026-03-10").await;
    acc.assign_surveyors().await;
    // In self_study: 409.
    acc.post("report", &acc.lead, json!({"issued_on": "2026-03-16"}))
        .await
        .assert_status(409);
    acc.submit_self_study("2026-02-25").await;
    acc.rate(&acc.lead, "ETH 1", 1).await.assert_status(201);
    // Not all rated: 409; the second surveyor: 403; before the self-study: 400.
    acc.post("report", &acc.lead, json!({"issued_on": "2026-03-16"}))
        .await
        .assert_status(409);
    acc.post("report", &acc.second, json!({"issued_on": "2026-03-16"}))
        .await
        .assert_status(403);
    let r = acc
        .post("report", &acc.office, json!({"issued_on": "2026-02-24"}))
        .await;
    // Before the self-study's submission and before the visit's last day: both named.
    assert_eq!(
        r.assert_status(400).error_fields(),
        vec!["issued_on", "issued_on"]
    );
    acc.rate_all(&[]).await;
    // All 1 or 2: straight to the committee; the office may issue it too.
    let case = acc
        .post("report", &acc.office, json!({"issued_on": "2026-03-16"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "committee");
    assert_eq!(case["report_issued_on"], "2026-03-16");
    // No response is asked for then.
    acc.post(
        "response",
        &acc.org_user,
        json!({"submitted_on": "2026-03-20", "opinion": "x", "action_plan": "y"}),
    )
    .await
    .assert_status(409);
    app.get(&acc.path("assessment"), Some(&acc.org_user))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn response_and_decision_status_codes() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    acc.submit_self_study("2025-10-20").await;
    acc.assign_surveyors().await;
    acc.rate_all(&[("GOV 1.02", 3)]).await;
    // Decision before the committee: 409; a surveyor deciding: 403.
    acc.decide(json!({"outcome": "accredit", "decided_on": "2026-01-10"}))
        .await
        .assert_status(409);
    acc.post(
        "decision",
        &acc.lead,
        json!({"outcome": "accredit", "decided_on": "2026-01-10"}),
    )
    .await
    .assert_status(403);
    acc.report("2025-11-20").await;
    // Response: empty texts and a date before the report: 400; by the office: 403.
    let r = acc
        .post(
            "response",
            &acc.org_user,
            json!({"submitted_on": "2025-11-19", "opinion": "", "action_plan": ""}),
        )
        .await;
    let fields = r.assert_status(400).error_fields();
    for f in ["submitted_on", "opinion", "action_plan"] {
        assert!(fields.contains(&f.to_owned()), "{f}");
    }
    acc.post(
        "response",
        &acc.office,
        json!({"submitted_on": "2025-12-01", "opinion": "a", "action_plan": "b"}),
    )
    .await
    .assert_status(403);
    // Votes before the committee stage: 409.
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(409);
    acc.respond("2025-12-01").await;
    // Decision input: unknown outcome, future, before the response.
    let r = acc
        .decide(json!({"outcome": "approve", "decided_on": "2026-01-10"}))
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["outcome"]);
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-11-21"}))
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["decided_on"]);
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2025-11-30"}))
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["decided_on"]);
    // A stale If-Match: 409; the current one: 200.
    let version = acc.case().await["version"].as_i64().unwrap();
    let r = app
        .post_raw(
            &acc.path("decision"),
            Some(&acc.office),
            &json!({"outcome": "accredit", "decided_on": "2026-01-10"}).to_string(),
            &[("if-match", &format!("\"{}\"", version - 1))],
        )
        .await;
    r.assert_status(409);
    let r = app
        .post_raw(
            &acc.path("decision"),
            Some(&acc.head),
            &json!({"outcome": "accredit", "decided_on": "2026-01-10"}).to_string(),
            &[("if-match", &format!("\"{version}\""))],
        )
        .await;
    let case = r.assert_status(200).json();
    assert_eq!(case["status"], "accredited");
    assert_eq!(case["version"], version + 1);
    assert_eq!(case["accreditation"]["expires_on"], "2029-01-09");
}

#[tokio::test]
async fn acc_22_extra_fees_and_payments() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    acc.accept("2026-01-20").await;
    let case = acc.case().await;
    let first = case["invoices"][0]["id"].as_str().unwrap().to_owned();
    // Extra visit (full day) + travel + a certificate copy, invoiced later.
    let r = acc
        .post(
            "invoices",
            &acc.office,
            json!({"issued_on": "2026-04-10", "lines": [
                {"kind": "extra_visit_full_day"}, {"kind": "travel", "amount_yen": 48_210},
                {"kind": "certificate_reissue", "quantity": 2}]}),
        )
        .await;
    r.assert_status(201);
    let case = acc.case().await;
    let extra = &case["invoices"][1];
    assert_eq!(extra["subtotal_yen"], 250_000 + 48_210 + 6_000);
    assert_eq!(extra["tax_yen"], 30_421);
    assert_eq!(extra["number"], "INV-2026-0002");
    assert_eq!(extra["due_on"], "2026-05-31");
    let r = acc
        .post(
            "invoices",
            &acc.office,
            json!({"issued_on": "2026-04-10", "lines": [{"kind": "lunch"}]}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["lines[0].kind"]);
    acc.post(
        "invoices",
        &acc.org_user,
        json!({"issued_on": "2026-04-10", "lines": [{"kind": "travel", "amount_yen": 1}]}),
    )
    .await
    .assert_status(403);
    // Payments: more than due is refused; paid in full → paid.
    let pay = format!("invoices/{first}/payments");
    let r = acc
        .post(
            &pay,
            &acc.office,
            json!({"paid_on": "2026-02-10", "amount_yen": 682_001}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["amount_yen"]);
    let r = acc
        .post(
            &pay,
            &acc.office,
            json!({"paid_on": "2026-01-19", "amount_yen": 1}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["paid_on"]);
    acc.post(
        &pay,
        &acc.office,
        json!({"paid_on": "2026-02-10", "amount_yen": 600_000}),
    )
    .await
    .assert_status(201);
    acc.post(
        &pay,
        &acc.office,
        json!({"paid_on": "2026-02-12", "amount_yen": 82_000}),
    )
    .await
    .assert_status(201);
    let case = acc.case().await;
    assert_eq!(case["invoices"][0]["paid"], true);
    assert_eq!(case["invoices"][1]["paid"], false);
    assert_eq!(case["invoices_paid"], false);
    acc.post(
        "invoices/nope/payments",
        &acc.office,
        json!({"paid_on": "2026-02-12", "amount_yen": 1}),
    )
    .await
    .assert_status(404);
}

#[tokio::test]
async fn acc_22_public_fee_estimate_reproduces_the_seed_table() {
    let app = TestApp::new().await;
    // 事前にお支払いいただく料金 (seed 003 第11章), in 万円: rows by revenue ceiling, columns 2–5 services.
    let table: [(u64, [u64; 4]); 9] = [
        (50_000_000, [50, 56, 62, 68]),
        (60_000_000, [53, 59, 65, 71]),
        (70_000_000, [56, 62, 68, 74]),
        (80_000_000, [59, 65, 71, 77]),
        (90_000_000, [62, 68, 74, 80]),
        (100_000_000, [65, 71, 77, 83]),
        (150_000_000, [77, 83, 89, 95]),
        (200_000_000, [89, 95, 101, 107]),
        (200_000_001, [101, 107, 113, 119]),
    ];
    for (revenue, row) in table {
        for (i, man) in row.iter().enumerate() {
            let services = i + 2;
            let r = app
                .get(
                    &format!("/api/v1/public/fee-estimate?revenue_yen={revenue}&services={services}"),
                    None,
                )
                .await;
            let body = r.assert_status(200).json();
            let total = man * 10_000;
            assert_eq!(body["total_yen"], total, "{revenue} yen, {services} services");
            assert_eq!(body["tax_yen"], total / 10, "10% on 2026-11-20");
            assert_eq!(body["total_with_tax_yen"], total + total / 10);
        }
    }
    let body = app
        .get(
            "/api/v1/public/fee-estimate?revenue_yen=87000000&services=5",
            None,
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        body,
        json!({"base_yen": 500_000, "services_addon_yen": 180_000, "revenue_addon_yen": 120_000,
               "total_yen": 800_000, "tax_yen": 80_000, "total_with_tax_yen": 880_000})
    );
    for bad in [
        "revenue_yen=-1&services=2",
        "revenue_yen=abc&services=2",
        "revenue_yen=1.5&services=2",
        "revenue_yen=100&services=0",
        "revenue_yen=100&services=6",
        "revenue_yen=100&services=x",
        "revenue_yen=100",
        "services=2",
        "",
        "revenue_yen=99999999999999999999999&services=2",
        "revenue_yen=100&services=2&services=3",
    ] {
        let r = app.get(&format!("/api/v1/public/fee-estimate?{bad}"), None).await;
        r.assert_status(400);
        assert!(
            r.header("content-type").starts_with("application/problem+json"),
            "{bad}"
        );
    }
}
