//! Guards at the edges of the ACC lifecycle: the site-visit report is not dated before the visit has ended
//! (ACC-10), the report waits for accepted self-study fixes (ACC-6), and a committee member who declares a conflict after voting leaves the tally (ACC-8).

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::Acc;
use crate::support::TestApp;

#[tokio::test]
async fn acc_10_the_report_is_not_dated_before_the_visits_last_day() {
    let app = TestApp::new().await;
    let acc = Acc::rated(&app, &[]).await;
    // The visit takes 2025-11-10 and 11-11: a report dated on its first day, or before it, is refused.
    for early in ["2025-11-01", "2025-11-10"] {
        let r = acc.post("report", &acc.lead, json!({"issued_on": early})).await;
        r.assert_status(400);
        assert_eq!(r.error_fields(), vec!["issued_on"], "{early}");
        assert!(r.text().contains("2025-11-11"), "{}", r.text());
    }
    assert_eq!(acc.status().await, "site_visit");
    let after = acc.report("2025-11-11").await;
    assert_eq!(after["status"], "committee");
}

#[tokio::test]
async fn acc_8_a_vote_leaves_the_tally_when_its_member_declares_a_conflict_after_voting() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let (late_id, late) = app.login(Role::Committee, None).await;
    let (third_id, third) = app.login(Role::Committee, None).await;
    for member in [&acc.member, &third] {
        acc.post("votes", member, json!({"outcome": "accredit"}))
            .await
            .assert_status(201);
    }
    acc.post("votes", &late, json!({"outcome": "deny"}))
        .await
        .assert_status(201);
    let votes = app.get(&acc.path("votes"), Some(&acc.office)).await.json();
    assert_eq!(votes["items"].as_array().unwrap().len(), 3);
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": late_id, "organization_id": acc.org_id, "reason": "投票後に顧問契約が判明"}),
    )
    .await
    .assert_status(201);
    // The vote is gone from the round being decided; the member no longer sees the case.
    let votes = app.get(&acc.path("votes"), Some(&acc.office)).await.json();
    let outcomes: Vec<&str> = votes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["accredit", "accredit"]);
    acc.get(&late).await.assert_status(404);
    // The audit trail still holds the vote cast.
    let cast = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'acc_case.vote'")
        .await
        .unwrap();
    assert_eq!(cast, 3);
    // A decided round keeps the votes it was decided on, even when a conflict comes to light later.
    acc.decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    let (_, other) = app.login(Role::Office, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&other),
        &json!({"user_id": third_id, "organization_id": acc.org_id, "reason": "判定後に判明"}),
    )
    .await
    .assert_status(201);
    let votes = app.get(&acc.path("votes"), Some(&acc.office)).await.json();
    assert_eq!(votes["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn acc_6_the_report_waits_while_the_requested_fixes_to_the_self_study_are_not_accepted() {
    let app = TestApp::new().await;
    let acc = Acc::rated(&app, &[]).await;
    let check = |result: &str, on: &str| json!({"result": result, "checked_on": on, "note": "目次に通しページ番号を付けてください"});
    acc.post(
        "self-study/format-check",
        &acc.office,
        check("fixes_requested", "2025-10-25"),
    )
    .await
    .assert_status(200);
    let report = json!({"issued_on": "2025-11-20"});
    acc.post("report", &acc.lead, report.clone())
        .await
        .assert_status(409);
    // Fixed and sent again: still the office's to accept first.
    acc.confirm("2025-10-28").await;
    acc.post(
        "self-study/resubmission",
        &acc.org_user,
        json!({"resubmitted_on": "2025-10-28"}),
    )
    .await
    .assert_status(200);
    let r = acc.post("report", &acc.lead, report.clone()).await;
    r.assert_status(409);
    assert!(r.text().contains("修正依頼"), "{}", r.text());
    assert_eq!(acc.status().await, "site_visit");
    acc.post(
        "self-study/format-check",
        &acc.office,
        check("accepted", "2025-10-29"),
    )
    .await
    .assert_status(200);
    let after = acc.report("2025-11-20").await;
    assert_eq!(after["status"], "committee");
}
