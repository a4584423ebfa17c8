//! Compliance reviews of an accreditation (ACC-16): requests, findings, a site visit, a poll of the members
//! without a conflict, and a review closed without revocation.

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_after::{Tokens, annual_content, post, set_day};
use crate::acc_fixture::accredited;
use crate::support::TestApp;

#[tokio::test]
async fn acc_16_compliance_review_requests_findings_site_visit_and_a_poll_of_members_without_conflict() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    set_day(&app, "2027-04-20");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2027-04-20", "content": annual_content()}),
    )
    .await;
    r.assert_status(201);
    let report_id = r.json()["id"].as_str().unwrap().to_owned();
    // Trigger (1) names the report; an unknown one is refused.
    post(
        &app,
        &number,
        "reviews",
        &t.office,
        json!({
        "trigger": "annual_report", "opened_on": "2027-05-06", "reason": "x"}),
    )
    .await
    .assert_status(400);
    set_day(&app, "2027-05-06");
    let t = Tokens::new(&app, &acc.org_id).await;
    post(
        &app,
        &number,
        "reviews",
        &t.office,
        json!({
        "trigger": "annual_report", "trigger_ref": "nope", "opened_on": "2027-05-06", "reason": "x"}),
    )
    .await
    .assert_status(400);
    let r = post(
        &app,
        &number,
        "reviews",
        &t.office,
        json!({
        "trigger": "annual_report", "trigger_ref": report_id, "opened_on": "2027-05-06",
        "reason": "報告書から相談記録の保存期間が基準に適合していない疑いがある"}),
    )
    .await;
    r.assert_status(201);
    let review = r.json()["id"].as_str().unwrap().to_owned();
    // One open review at a time.
    post(
        &app,
        &number,
        "reviews",
        &t.office,
        json!({
        "trigger": "site_visit_explanation", "opened_on": "2027-05-06", "reason": "x"}),
    )
    .await
    .assert_status(409);
    let base = format!("reviews/{review}");
    let r = post(&app, &number, &format!("{base}/requests"), &t.office, json!({
        "kind": "documents", "requested_on": "2027-05-06", "due_on": "2027-06-07", "description": "相談記録の保存規程"})).await;
    r.assert_status(201);
    let docs = r.json()["id"].as_str().unwrap().to_owned();
    let r = post(&app, &number, &format!("{base}/requests"), &t.office, json!({
        "kind": "finding", "requested_on": "2027-05-06", "due_on": "2027-07-06", "description": "保存期間を5年に改めること"})).await;
    r.assert_status(201);
    let finding = r.json()["id"].as_str().unwrap().to_owned();
    post(
        &app,
        &number,
        &format!("{base}/site-visit"),
        &t.office,
        json!({"site_visit_on": "2027-05-25"}),
    )
    .await
    .assert_status(200);
    // Conforming while a finding is open: refused.
    post(
        &app,
        &number,
        &format!("{base}/closure"),
        &t.office,
        json!({
        "closed_on": "2027-05-06", "outcome": "corrected"}),
    )
    .await
    .assert_status(409);
    set_day(&app, "2027-06-01");
    let t = Tokens::new(&app, &acc.org_id).await;
    post(
        &app,
        &number,
        &format!("{base}/requests/{docs}/fulfilment"),
        &t.office,
        json!({"met_on": "2027-05-30"}),
    )
    .await
    .assert_status(200);
    post(
        &app,
        &number,
        &format!("{base}/requests/{docs}/fulfilment"),
        &t.office,
        json!({"met_on": "2027-05-30"}),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        &format!("{base}/requests/{finding}/fulfilment"),
        &t.office,
        json!({"met_on": "2027-06-01"}),
    )
    .await
    .assert_status(200);
    // The office asks the committee to revoke; the head polls each member.
    post(
        &app,
        &number,
        &format!("{base}/revocation-request"),
        &t.office,
        json!({
        "requested_on": "2027-06-01", "method": "poll", "reason": "虚偽の説明が判明した"}),
    )
    .await
    .assert_status(200);
    let (m1, _) = app.login(Role::Committee, None).await;
    let (m2, _) = app.login(Role::Committee, None).await;
    let (m3, _) = app.login(Role::Committee, None).await;
    let (m4, m4_token) = app.login(Role::Committee, None).await;
    // m4 declares a conflict with the organization (ACC-8): takes no part.
    app.post_json(
        "/api/v1/conflicts",
        Some(&m4_token),
        &json!({"user_id": m4, "organization_id": acc.org_id, "reason": "元顧問"}),
    )
    .await
    .assert_status(201);
    let answer =
        |member: &str, a: &str| json!({"member_id": member, "answer": a, "answered_on": "2027-06-01"});
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.office,
        answer(&m1, "revoke"),
    )
    .await
    .assert_status(403);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&m4, "revoke"),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&acc.lead_id, "revoke"),
    )
    .await
    .assert_status(400);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&m1, "revoke"),
    )
    .await
    .assert_status(201);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&m1, "maintain"),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&m2, "maintain"),
    )
    .await
    .assert_status(201);
    // One for, one against: no majority yet.
    let revoke = json!({"decided_on": "2027-06-01", "ground": "compliance_review", "method": "poll",
                        "reason": "適合状況の調査の結果", "review_id": review});
    post(&app, &number, "revocation", &t.head, revoke.clone())
        .await
        .assert_status(409);
    post(
        &app,
        &number,
        &format!("{base}/answers"),
        &t.head,
        answer(&m3, "revoke"),
    )
    .await
    .assert_status(201);
    let r = post(&app, &number, "revocation", &t.head, revoke).await;
    r.assert_status(200);
    let v = r.json();
    assert_eq!(v["status"], "revoked");
    let rv = &v["reviews"][0];
    assert_eq!(rv["status"], "closed");
    assert_eq!(rv["outcome"], "revoked");
    assert_eq!(rv["site_visit_on"], "2027-05-25");
    assert_eq!(rv["answers"].as_array().unwrap().len(), 3);
    assert_eq!(rv["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["history"].as_array().unwrap().last().unwrap()["detail"]["answers"],
        json!({"revoke": 2, "maintain": 1})
    );
}

#[tokio::test]
async fn acc_16_a_review_closed_without_revocation_after_the_finding_is_corrected() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let r = post(
        &app,
        &number,
        "self-reports",
        &acc.org_user,
        json!({
        "kind": "client_harm", "event_on": "2026-11-02", "submitted_on": "2026-11-10",
        "content": {"situation": "面談後に体調悪化", "prevention": "手順の見直し"}}),
    )
    .await;
    r.assert_status(201);
    let sid = r.json()["id"].as_str().unwrap().to_owned();
    let r = post(&app, &number, "reviews", &acc.office, json!({
        "trigger": "self_report", "trigger_ref": sid, "opened_on": "2026-11-12", "reason": "健康被害の自己申告"})).await;
    r.assert_status(201);
    let review = r.json()["id"].as_str().unwrap().to_owned();
    let r = post(&app, &number, &format!("reviews/{review}/requests"), &acc.office, json!({
        "kind": "finding", "requested_on": "2026-11-12", "due_on": "2026-12-14", "description": "緊急時対応手順の周知"})).await;
    let item = r.json()["id"].as_str().unwrap().to_owned();
    post(
        &app,
        &number,
        &format!("reviews/{review}/requests/{item}/fulfilment"),
        &acc.office,
        json!({"met_on": "2026-11-19", "note": "研修記録を確認"}),
    )
    .await
    .assert_status(200);
    // not_revoked needs a revocation request; corrected is right here.
    post(
        &app,
        &number,
        &format!("reviews/{review}/closure"),
        &acc.office,
        json!({"closed_on": "2026-11-20", "outcome": "not_revoked"}),
    )
    .await
    .assert_status(409);
    let r = post(
        &app,
        &number,
        &format!("reviews/{review}/closure"),
        &acc.office,
        json!({"closed_on": "2026-11-20", "outcome": "corrected"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["reviews"][0]["outcome"], "corrected");
    assert_eq!(r.json()["status"], "active");
    // Closed: nothing more is recorded on it, and a new review may open.
    post(
        &app,
        &number,
        &format!("reviews/{review}/site-visit"),
        &acc.office,
        json!({"site_visit_on": "2026-11-25"}),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        "reviews",
        &acc.office,
        json!({
        "trigger": "site_visit_explanation", "opened_on": "2026-11-20", "reason": "説明の誤り"}),
    )
    .await
    .assert_status(201);
}
