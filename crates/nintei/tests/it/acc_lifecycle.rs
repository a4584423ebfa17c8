//! ACC cases walked through every outcome: accredit, hold → accredit, hold → deny,
//! defer → accredit, defer past the grace period → deny, deny with the appeal deadline, withdraw, ineligible.
//! Dates are docs/rules.md's examples.

use nintei_domain::role::Role;
use nintei_store::ChainReport;
use serde_json::json;

use crate::acc_fixture::{Acc, deadlines, pairs};
use crate::support::TestApp;

#[tokio::test]
async fn acc_full_lifecycle_accredited_2026_04_01_expires_2029_03_31() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;

    // ACC-1 as of the application day; ACC-22 fees (seed table: ¥87M, 2 services → ¥620,000).
    let case = acc.get(&acc.org_user).await.assert_status(200).json();
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["version"], 1);
    assert_eq!(case["organization_id"], acc.org_id.as_str());
    assert_eq!(case["annual_revenue_yen"], 87_000_000);
    assert_eq!(
        case["services"][0],
        json!({"code": "a", "started_on": "2025-03-01"})
    );
    assert_eq!(case["eligibility"]["eligible"], true);
    assert_eq!(case["eligibility"]["reasons"], json!([]));
    assert_eq!(
        case["fees"],
        json!({"base_yen": 500_000, "services_addon_yen": 0, "revenue_addon_yen": 120_000, "total_yen": 620_000})
    );
    assert_eq!(case["deadlines"], json!([]));
    assert!(case.get("accreditation").is_none());
    assert_eq!(case["catalog_sample"], true);

    // ACC-4: acceptance issues the invoice of base + add-ons, tax at the invoice date's rate (10%).
    let case = acc.accept("2026-01-20").await;
    assert_eq!(case["status"], "accepted");
    let invoice = &case["invoices"][0];
    assert_eq!(invoice["number"], "INV-2026-0001");
    assert_eq!(invoice["issued_on"], "2026-01-20");
    assert_eq!(invoice["due_on"], "2026-02-28");
    assert_eq!(invoice["subtotal_yen"], 620_000);
    assert_eq!(invoice["tax_rate_percent"], 10);
    assert_eq!(invoice["tax_yen"], 62_000);
    assert_eq!(invoice["total_yen"], 682_000);
    assert_eq!(invoice["registration_number"], "T9000000000000");
    assert_eq!(
        invoice["lines"].as_array().unwrap().len(),
        2,
        "base and revenue add-on"
    );
    assert_eq!(case["invoices_paid"], false);

    // ACC-5 plan → self-study with its deadline; ACC-6 submission → site visit.
    let case = acc.plan("2026-02-28", "2026-03-10").await;
    assert_eq!(case["status"], "self_study");
    assert_eq!(case["plan"]["coordinator_id"], acc.coordinator_id.as_str());
    assert_eq!(deadlines(&case), pairs(&[("self_study", "2026-02-28")]));
    let case = acc.submit_self_study("2026-02-25").await;
    assert_eq!(case["status"], "site_visit");
    assert_eq!(case["deadlines"], json!([]));

    // ACC-7 two surveyors, one lead; ACC-9 ratings, one practice standard rated 3.
    acc.assign_surveyors().await;
    acc.rate_all(&[("ETH 1.02", 3)]).await;
    let a = app
        .get(&acc.path("assessment"), Some(&acc.office))
        .await
        .assert_status(200)
        .json();
    assert_eq!(a["complete"], true);
    assert_eq!(a["core_concept_ok"], true);
    assert_eq!(a["fundamental_ok"], true);
    assert_eq!(a["needs_committee_judgement"], true);
    assert_eq!(a["below_threshold"], json!(["ETH 1.02"]));

    // ACC-10 report with a 3 → the organization answers → committee.
    let case = acc.report("2026-03-16").await;
    assert_eq!(case["status"], "report_issued");
    let case = acc.respond("2026-03-25").await;
    assert_eq!(case["status"], "committee");
    assert_eq!(case["response"]["submitted_on"], "2026-03-25");

    // Votes, then the decision (ACC-11): number, dates, deadlines (ACC-12).
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    let case = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-04-01", "reason": "全会一致"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "accredited");
    assert_eq!(
        case["accreditation"],
        json!({"number": "MH-2026-0001", "accredited_on": "2026-04-01", "expires_on": "2029-03-31"})
    );
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-04-29"), ("review_report", "2026-06-01")])
    );
    // The directory and verification read `accreditations`.
    let row = nintei_store::acc::accreditation_by_number(app.state.db.pool(), "MH-2026-0001")
        .await
        .unwrap()
        .expect("accreditation row");
    assert_eq!(row.organization_id, acc.org_id);
    assert_eq!(row.status, "active");
    assert_eq!(row.expires_on.to_string(), "2029-03-31");
    assert_eq!(app.count("accreditations").await, 1);

    // The organization sees its accreditation; nothing moves a decided case.
    let own = acc.get(&acc.org_user).await.assert_status(200).json();
    assert_eq!(own["accreditation"]["number"], "MH-2026-0001");
    acc.decide(json!({"outcome": "deny", "decided_on": "2026-04-02"}))
        .await
        .assert_status(409);
    acc.post("withdrawal", &acc.org_user, json!({"withdrawn_on": "2026-04-03"}))
        .await
        .assert_status(409);

    // Every step is in the case's audited history, and the chain holds.
    let history = nintei_store::audit::history(&app.state.db, "acc_case", &acc.case_id)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "acc_case.apply",
        "acc_case.eligibility",
        "acc_case.plan",
        "acc_case.self_study_submit",
        "acc_case.surveyor_assign",
        "acc_case.rate",
        "acc_case.report",
        "acc_case.response",
        "acc_case.vote",
        "acc_case.decide",
    ] {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    assert!(matches!(
        nintei_store::audit::verify(&app.state.db).await.unwrap(),
        ChainReport::Intact { .. }
    ));
}

#[tokio::test]
async fn acc_11_hold_then_the_head_accredits_documents_due_3_months_from_sending() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let case = acc
        .decide(json!({"outcome": "hold", "decided_on": "2026-04-01", "reason": "追加資料の確認が必要"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "on_hold");
    // Until the office records the request's sending day, the decision day stands in for it.
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-04-29"), ("documents_due", "2026-07-01")])
    );
    // Sent 2026-05-02 → 3 months → 2026-08-02, a Sunday → 2026-08-03 (art. 142); the notice deadline is met.
    let case = acc
        .post("notice", &acc.office, json!({"sent_on": "2026-05-02"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(deadlines(&case), pairs(&[("documents_due", "2026-08-03")]));
    // Holding again is not a thing; the head decides.
    acc.decide(json!({"outcome": "hold", "decided_on": "2026-06-01"}))
        .await
        .assert_status(409);
    let case = app
        .post_json(
            &acc.path("decision"),
            Some(&acc.head),
            &json!({"outcome": "accredit", "decided_on": "2026-07-15"}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "accredited");
    assert_eq!(case["accreditation"]["accredited_on"], "2026-07-15");
    assert_eq!(case["accreditation"]["expires_on"], "2029-07-14");
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-08-12"), ("review_report", "2026-09-15")])
    );
}

#[tokio::test]
async fn acc_11_hold_then_deny_when_no_documents_arrive() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(json!({"outcome": "hold", "decided_on": "2026-04-01"}))
        .await
        .assert_status(200);
    // ACC-11: the request sent 2026-04-01, nothing by 2026-07-01; the head reports to the committee.
    acc.post("notice", &acc.office, json!({"sent_on": "2026-04-01"}))
        .await
        .assert_status(200);
    acc.post("hold/report", &acc.head, json!({"reported_on": "2026-07-02"}))
        .await
        .assert_status(200);
    // A decision before the hold is out of order.
    acc.decide(json!({"outcome": "deny", "decided_on": "2026-03-31"}))
        .await
        .assert_status(400);
    let case = acc
        .decide(json!({"outcome": "deny", "decided_on": "2026-07-10", "reason": "期限までに資料の提出がなかった"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "denied");
    assert!(case.get("accreditation").is_none());
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-08-07"), ("review_report", "2026-09-10")])
    );
    assert_eq!(app.count("accreditations").await, 0);
}

#[tokio::test]
async fn acc_11_defer_then_accredit_grace_at_most_one_year_from_the_first_deferral() {
    let app = TestApp::new().await;
    // A fundamental practice standard rated 3 (RPM 2.01, life safety).
    let acc = Acc::to_committee(&app, &[("RPM 2.01", 3)]).await;
    let a = app
        .get(&acc.path("assessment"), Some(&acc.office))
        .await
        .assert_status(200)
        .json();
    assert_eq!(a["fundamental_ok"], false);
    // ACC-9: no accreditation while a fundamental standard is below 1–2.
    acc.decide(json!({"outcome": "accredit", "decided_on": "2026-04-01"}))
        .await
        .assert_status(409);
    // Defer needs grace_until, at most a year after the first deferral (2026-04-01 → 2027-04-01).
    let r = acc
        .decide(json!({"outcome": "defer", "decided_on": "2026-04-01"}))
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["grace_until"]);
    acc.decide(json!({"outcome": "defer", "decided_on": "2026-04-01", "grace_until": "2027-04-02"}))
        .await
        .assert_status(400);
    let case = acc
        .decide(json!({"outcome": "defer", "decided_on": "2026-04-01", "grace_until": "2026-10-01"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "deferred");
    assert_eq!(case["first_deferred_on"], "2026-04-01");
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-04-29"), ("grace_period", "2026-10-01")])
    );
    // An extension still counts from the first deferral.
    acc.decide(json!({"outcome": "defer", "decided_on": "2026-09-20", "grace_until": "2027-04-02"}))
        .await
        .assert_status(400);
    let case = acc
        .decide(json!({"outcome": "defer", "decided_on": "2026-09-20", "grace_until": "2027-04-01"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["first_deferred_on"], "2026-04-01");
    assert_eq!(case["decision"]["grace_until"], "2027-04-01");
    // The surveyor confirms the improvement during the deferral (ratings allowed in `deferred`).
    acc.rate(&acc.lead, "RPM 2.01", 2).await.assert_status(201);
    let case = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-10-15"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "accredited");
    assert_eq!(case["accreditation"]["number"], "MH-2026-0001");
    assert_eq!(case["accreditation"]["expires_on"], "2029-10-14");
    // Ratings stop once decided.
    acc.rate(&acc.lead, "RPM 2.01", 1).await.assert_status(409);
}

#[tokio::test]
async fn acc_11_defer_past_the_grace_period_then_deny() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[("ASE 1.01", 4)]).await;
    acc.decide(json!({"outcome": "defer", "decided_on": "2026-04-01", "grace_until": "2026-07-01"}))
        .await
        .assert_status(200);
    let case = acc
        .decide(
            json!({"outcome": "deny", "decided_on": "2026-07-15", "reason": "猶予期間内に改善されなかった"}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "denied");
    assert_eq!(case["decision"]["outcome"], "deny");
    let kinds: Vec<String> = deadlines(&case).into_iter().map(|(k, _)| k).collect();
    assert!(!kinds.contains(&"grace_period".to_owned()), "{kinds:?}");
}

#[tokio::test]
async fn acc_12_deny_appeal_due_one_month_after_receipt_moved_past_sunday() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[("CR 1", 4)]).await;
    let case = acc
        .decide(json!({"outcome": "deny", "decided_on": "2026-01-09", "reason": "基本概念基準を満たさない"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "denied");
    // No appeal deadline until the notice's receipt is recorded.
    assert_eq!(
        deadlines(&case),
        pairs(&[("result_notice", "2026-02-06"), ("review_report", "2026-03-09")])
    );
    // Received before it was sent, or before the decision: 400.
    acc.post(
        "notice",
        &acc.office,
        json!({"sent_on": "2026-01-13", "received_on": "2026-01-12"}),
    )
    .await
    .assert_status(400);
    // Known 2026-01-15 → 2026-02-15, a Sunday → 2026-02-16 (docs/rules.md).
    let case = acc
        .post(
            "notice",
            &acc.office,
            json!({"sent_on": "2026-01-13", "received_on": "2026-01-15"}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        deadlines(&case),
        pairs(&[("appeal", "2026-02-16"), ("review_report", "2026-03-09")])
    );
    assert_eq!(
        case["notice"],
        json!({"sent_on": "2026-01-13", "received_on": "2026-01-15", "review_report_sent_on": null})
    );
    // Only the office records notices.
    acc.post("notice", &acc.org_user, json!({"received_on": "2026-01-15"}))
        .await
        .assert_status(403);
}

#[tokio::test]
async fn acc_3_withdrawal_any_time_fees_stay_due() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    acc.accept("2026-01-20").await;
    acc.plan("2026-02-28", "2026-03-10").await;
    // The organization withdraws (the office records a paper notice, ACC-3); the head gets 403, another
    // organization 404.
    acc.post("withdrawal", &acc.head, json!({"withdrawn_on": "2026-02-01"}))
        .await
        .assert_status(403);
    let other_org = app.organization("別の株式会社").await;
    let (_, other) = app.login(Role::Organization, Some(&other_org)).await;
    acc.post("withdrawal", &other, json!({"withdrawn_on": "2026-02-01"}))
        .await
        .assert_status(404);
    // Before the application, or in the future: 400.
    acc.post("withdrawal", &acc.org_user, json!({"withdrawn_on": "2026-01-09"}))
        .await
        .assert_status(400);
    acc.post("withdrawal", &acc.org_user, json!({"withdrawn_on": "2026-11-21"}))
        .await
        .assert_status(400);
    let case = acc
        .post("withdrawal", &acc.org_user, json!({"withdrawn_on": "2026-02-01"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "withdrawn");
    assert_eq!(case["withdrawn_on"], "2026-02-01");
    assert_eq!(case["deadlines"], json!([]));
    // ACC-3: paid fees are not refunded, the invoice stays.
    assert_eq!(case["invoices"].as_array().unwrap().len(), 1);
    acc.post("withdrawal", &acc.org_user, json!({"withdrawn_on": "2026-02-02"}))
        .await
        .assert_status(409);
    // A withdrawn case no longer blocks a new application.
    app.post_json(
        crate::acc_fixture::BASE,
        Some(&acc.org_user),
        &crate::acc_fixture::application(&acc.org_id, "2026-03-01"),
    )
    .await
    .assert_status(201);
}

#[tokio::test]
async fn acc_1_ineligible_application_is_refused_not_accepted() {
    let app = TestApp::new().await;
    let body = |org: &str| {
        json!({
            "organization_id": org,
            "services": [{"code": "a", "started_on": "2025-06-01"}, {"code": "c", "started_on": "2025-12-01"}],
            "annual_revenue_yen": 30_000_000,
            "applied_on": "2026-01-10",
        })
    };
    let acc = Acc::new(&app, "2026-01-10", Some(&body)).await;
    let case = acc.case().await;
    assert_eq!(case["eligibility"]["eligible"], false);
    let reasons = case["eligibility"]["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].as_str().unwrap().starts_with("ACC-1(2)"));
    // The office may not accept against a computed no (409); it refuses (appealable).
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": true, "decided_on": "2026-01-20"}),
    )
    .await
    .assert_status(409);
    let case = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": false, "decided_on": "2026-01-20"}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "ineligible");
    assert_eq!(case["eligibility_decision"]["eligible"], false);
    assert!(
        case["eligibility_decision"]["reason"]
            .as_str()
            .unwrap()
            .contains("ACC-1(2)")
    );
    assert_eq!(case["invoices"], json!([]));
    assert_eq!(app.count("invoices").await, 0);
}
