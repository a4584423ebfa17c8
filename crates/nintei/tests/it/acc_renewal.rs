//! appeals (ACC-21), renewal (ACC-19) and scope changes (ACC-20), through the API, with the
//! dates of docs/rules.md's examples (accredited 2026-04-01 → valid through 2029-03-31; decision known 2026-01-15 →
//! appeal by 2026-02-15, a Sunday → 2026-02-16 with the office's art. 142 setting).

use chrono::{NaiveDate, TimeZone, Utc};
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::{Acc, accredited};
use crate::support::TestApp;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Sets the clock to 10:00 JST on `day`.
fn at(app: &TestApp, day: &str) {
    let day = d(day);
    let t = Utc
        .from_local_datetime(&day.and_hms_opt(1, 0, 0).unwrap())
        .single()
        .unwrap();
    app.clock.set(t);
}

/// The four items of seed 003 第10章3 and the supporting material.
fn appeal_body(known_on: &str, appealed_on: &str) -> Value {
    json!({
        "organization_name": "株式会社こころ認定",
        "address": "福岡県北九州市八幡西区医生ケ丘1-1",
        "responsible_title": "代表取締役",
        "responsible_name": "山田 太郎",
        "known_on": known_on,
        "purpose": "否認の決定の取消しを求める。",
        "reasons": "実地調査で確認された改善は報告書の発行前に完了していた。",
        "appealed_on": appealed_on,
        "evidence": ["改善記録（2025年12月）", "研修実施記録"],
    })
}

/// A case denied on 2026-01-10 whose result notice was received 2026-01-15; one member voted to deny.
async fn denied(app: &TestApp) -> Acc<'_> {
    let acc = Acc::to_committee(app, &[]).await;
    acc.post("votes", &acc.member, json!({"outcome": "deny"}))
        .await
        .assert_status(201);
    acc.decide(
        json!({"outcome": "deny", "decided_on": "2026-01-10", "reason": "基準への適合が確認できない"}),
    )
    .await
    .assert_status(200);
    acc.post(
        "notice",
        &acc.office,
        json!({"sent_on": "2026-01-13", "received_on": "2026-01-15"}),
    )
    .await
    .assert_status(200);
    acc
}

async fn public(app: &TestApp, number: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/public/accreditations/{number}"), None)
        .await;
    r.assert_status(200);
    r.json()
}

async fn event_kinds(app: &TestApp, number: &str) -> Vec<String> {
    let id = nintei_store::accreditations::id_by_number(app.state.db.pool(), number)
        .await
        .unwrap()
        .unwrap();
    nintei_store::accreditations::events(app.state.db.pool(), &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

async fn mail_subjects(app: &TestApp) -> Vec<String> {
    nintei_store::mail::list(app.state.db.pool(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

async fn appeal(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/accreditation/appeals/{id}"), Some(token))
        .await;
    r.assert_status(200);
    r.json()
}

#[tokio::test]
async fn acc_21_appeal_against_a_denial_within_the_period_counted_by_art_142() {
    let app = TestApp::new().await;
    let acc = denied(&app).await;
    let path = acc.path("appeals");
    // Late: known 2026-01-15 → the period ends 2026-02-15, a Sunday → 2026-02-16.
    let r = app
        .post_json(
            &path,
            Some(&acc.org_user),
            &appeal_body("2026-01-15", "2026-02-17"),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("2026-02-16"), "{}", r.text());
    // The four items and the supporting material are required.
    let mut missing = appeal_body("2026-01-15", "2026-02-16");
    missing["responsible_name"] = json!("");
    missing["evidence"] = json!([]);
    let r = app.post_json(&path, Some(&acc.org_user), &missing).await;
    r.assert_status(400);
    let fields = r.error_fields();
    assert!(fields.contains(&"responsible_name".to_owned()) && fields.contains(&"evidence".to_owned()));
    // Known before the decision: 400.
    app.post_json(
        &path,
        Some(&acc.org_user),
        &appeal_body("2026-01-09", "2026-01-20"),
    )
    .await
    .assert_status(400);
    // On the last day: in time; reviewed within 2 months of receipt.
    let r = app
        .post_json(
            &path,
            Some(&acc.org_user),
            &appeal_body("2026-01-15", "2026-02-16"),
        )
        .await;
    r.assert_status(201);
    let a = r.json();
    assert_eq!(a["subject"], "denial");
    assert_eq!(a["status"], "received");
    assert_eq!(a["filing_due_on"], "2026-02-16");
    assert_eq!(a["review_due_on"], "2026-04-16");
    assert_eq!(a["decision_on"], "2026-01-10");
    // One appeal per decision, also when sent twice.
    app.post_json(
        &path,
        Some(&acc.org_user),
        &appeal_body("2026-01-15", "2026-02-16"),
    )
    .await
    .assert_status(409);
    // The review is the office's deadline in the one deadline model; the organization's appeal deadline is met.
    let id = a["id"].as_str().unwrap();
    let ds = nintei_store::deadlines::for_subject(app.state.db.pool(), "acc_appeal", id)
        .await
        .unwrap();
    assert_eq!(ds.len(), 1);
    assert_eq!(
        (ds[0].kind.as_str(), ds[0].due_on.as_str()),
        ("appeal_review", "2026-04-16")
    );
    let case_ds = nintei_store::deadlines::for_subject(app.state.db.pool(), "acc_case", &acc.case_id)
        .await
        .unwrap();
    let appeal_deadline = case_ds.iter().find(|d| d.kind == "appeal").unwrap();
    assert_eq!(appeal_deadline.met_on.as_deref(), Some("2026-02-16"));
    // Another organization does not see it; the list shows it to its own organization.
    let other = app.organization("株式会社ほかの機関").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other)).await;
    app.get(&format!("/api/v1/accreditation/appeals/{id}"), Some(&stranger))
        .await
        .assert_status(404);
    let list = app
        .get("/api/v1/accreditation/appeals", Some(&acc.org_user))
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // A case that was not refused cannot be appealed.
    let (open, _) = accredited(&app, "2026-04-01").await;
    app.post_json(
        &open.path("appeals"),
        Some(&open.org_user),
        &appeal_body("2026-04-02", "2026-04-10"),
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn acc_21_review_extended_by_an_information_request_and_decided_by_polling_with_a_cost_charge() {
    let app = TestApp::new().await;
    let acc = denied(&app).await;
    let r = app
        .post_json(
            &acc.path("appeals"),
            Some(&acc.org_user),
            &appeal_body("2026-01-15", "2026-02-02"),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["review_due_on"], "2026-04-02");
    let base = format!("/api/v1/accreditation/appeals/{id}");
    // More information asked: the review is extended to the new due date (recorded with the request).
    app.post_json(
        &format!("{base}/information-requests"),
        Some(&acc.office),
        &json!({"requested_on": "2026-03-01", "items": "改善記録の原本", "review_due_on": "2026-04-01"}),
    )
    .await
    .assert_status(400);
    app.post_json(
        &format!("{base}/information-requests"),
        Some(&acc.head),
        &json!({"requested_on": "2026-03-01", "items": "改善記録の原本", "review_due_on": "2026-05-29"}),
    )
    .await
    .assert_status(403);
    app.post_json(
        &format!("{base}/information-requests"),
        Some(&acc.office),
        &json!({"requested_on": "2026-03-01", "items": "改善記録の原本", "review_due_on": "2026-05-29"}),
    )
    .await
    .assert_status(201);
    let a = appeal(&app, &acc.office, &id).await;
    assert_eq!(a["review_due_on"], "2026-05-29");
    assert_eq!(a["information_requests"][0]["previous_due_on"], "2026-04-02");
    assert_eq!(a["information_requests"][0]["review_due_on"], "2026-05-29");
    // The member who voted on the denial takes no part (ACC-21); a conflicted member does not even see it (ACC-8).
    let r = app
        .post_json(
            &format!("{base}/votes"),
            Some(&acc.member),
            &json!({"outcome": "upheld"}),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("ACC-21"), "{}", r.text());
    let (conflicted_id, conflicted) = app.login(Role::Committee, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": conflicted_id, "organization_id": acc.org_id, "reason": "元顧問"}),
    )
    .await
    .assert_status(201);
    app.post_json(
        &format!("{base}/votes"),
        Some(&conflicted),
        &json!({"outcome": "upheld"}),
    )
    .await
    .assert_status(404);
    // A meeting naming the involved member is refused.
    let r = app
        .post_json(
            &format!("{base}/decision"),
            Some(&acc.head),
            &json!({"outcome": "upheld", "decided_on": "2026-05-20", "method": "meeting",
                    "members": [member_id(&app, &acc).await], "justifiable": true}),
        )
        .await;
    r.assert_status(409);
    // The poll: two members not involved answer; a tie cannot be decided, the majority decides.
    let (_, m1) = app.login(Role::Committee, None).await;
    let (_, m2) = app.login(Role::Committee, None).await;
    let (_, m3) = app.login(Role::Committee, None).await;
    for (token, outcome) in [(&m1, "upheld"), (&m2, "overturned")] {
        app.post_json(
            &format!("{base}/votes"),
            Some(token),
            &json!({"outcome": outcome}),
        )
        .await
        .assert_status(201);
    }
    let decision = json!({"outcome": "upheld", "decided_on": "2026-05-20", "method": "polling",
                          "justifiable": false, "cost_yen": 150000, "reason": "新たな事実の主張がない"});
    app.post_json(&format!("{base}/decision"), Some(&acc.head), &decision)
        .await
        .assert_status(409);
    app.post_json(&format!("{base}/votes"), Some(&m3), &json!({"outcome": "upheld"}))
        .await
        .assert_status(201);
    // The majority is "upheld": recording "overturned" is refused.
    let mut wrong = decision.clone();
    wrong["outcome"] = json!("overturned");
    wrong["justifiable"] = json!(true);
    wrong.as_object_mut().unwrap().remove("cost_yen");
    app.post_json(&format!("{base}/decision"), Some(&acc.head), &wrong)
        .await
        .assert_status(409);
    // Without justifiable reason the cost is required.
    let mut no_cost = decision.clone();
    no_cost.as_object_mut().unwrap().remove("cost_yen");
    app.post_json(&format!("{base}/decision"), Some(&acc.head), &no_cost)
        .await
        .assert_status(400);
    let r = app
        .post_json(&format!("{base}/decision"), Some(&acc.head), &decision)
        .await;
    r.assert_status(200);
    let a = r.json();
    assert_eq!(a["status"], "decided");
    assert_eq!(a["outcome"], "upheld");
    assert_eq!(a["method"], "polling");
    assert_eq!(a["deciders"].as_array().unwrap().len(), 3);
    assert_eq!(a["justifiable"], false);
    // The cost charge: an invoice line on the case, tax at the invoice date's rate.
    let invoices = nintei_store::invoices::for_case(&mut app.state.db.acquire().await.unwrap(), &acc.case_id)
        .await
        .unwrap();
    let cost = invoices
        .iter()
        .find(|i| i.lines.iter().any(|l| l.kind == "appeal_cost"))
        .expect("cost invoice");
    assert_eq!(cost.subtotal_yen, 150_000);
    assert_eq!(cost.tax_yen, 15_000);
    assert_eq!(a["cost_invoice_id"], json!(cost.id));
    // Decided once; the denial stands; the result is notified.
    app.post_json(&format!("{base}/decision"), Some(&acc.head), &decision)
        .await
        .assert_status(409);
    assert_eq!(acc.status().await, "denied");
    assert!(
        mail_subjects(&app)
            .await
            .iter()
            .any(|s| s.contains("不服申立ての審査結果"))
    );
    let ds = nintei_store::deadlines::for_subject(app.state.db.pool(), "acc_appeal", &id)
        .await
        .unwrap();
    assert_eq!(ds[0].met_on.as_deref(), Some("2026-05-20"));
}

/// The id of the member who voted on the fixture's case.
async fn member_id(app: &TestApp, acc: &Acc<'_>) -> String {
    let votes = app.get(&acc.path("votes"), Some(&acc.office)).await.json();
    votes["items"][0]["user_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn acc_21_an_overturned_ineligibility_decision_reopens_the_case() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-09-01", None).await;
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": false, "decided_on": "2026-09-30", "reason": "法人格の確認ができない"}),
    )
    .await
    .assert_status(200);
    assert_eq!(acc.status().await, "ineligible");
    // Known 2026-10-02 → by 2026-11-02 (a Monday).
    let r = app
        .post_json(
            &acc.path("appeals"),
            Some(&acc.office),
            &appeal_body("2026-10-02", "2026-11-02"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["subject"], "ineligibility");
    assert_eq!(r.json()["filing_due_on"], "2026-11-02");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let (m1_id, _) = app.login(Role::Committee, None).await;
    // Only committee members decide.
    let (surveyor_id, _) = app.login(Role::Surveyor, None).await;
    let base = format!("/api/v1/accreditation/appeals/{id}");
    app.post_json(
        &format!("{base}/decision"),
        Some(&acc.office),
        &json!({"outcome": "overturned", "decided_on": "2026-11-19", "method": "meeting", "members": [surveyor_id]}),
    )
    .await
    .assert_status(400);
    let r = app
        .post_json(
            &format!("{base}/decision"),
            Some(&acc.office),
            &json!({"outcome": "overturned", "decided_on": "2026-11-19", "method": "meeting", "members": [m1_id],
                    "reason": "法人登記簿の提出により確認できた"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["outcome"], "overturned");
    let case = acc.case().await;
    assert_eq!(case["status"], "submitted");
    assert!(case["eligibility_decision"].is_null());
    // The office decides eligibility again.
    acc.accept("2026-11-20").await;
    assert_eq!(acc.status().await, "accepted");
}

/// Overturns the appeal `id` at a meeting on `decided_on` with a new committee member.
async fn overturn(app: &TestApp, office: &str, id: &str, decided_on: &str) {
    let (member, _) = app.login(Role::Committee, None).await;
    app.post_json(
        &format!("/api/v1/accreditation/appeals/{id}/decision"),
        Some(office),
        &json!({"outcome": "overturned", "decided_on": decided_on, "method": "meeting", "members": [member],
                "reason": "資料により受審資格を確認できた"}),
    )
    .await
    .assert_status(200);
}

#[tokio::test]
async fn acc_1_acc_21_a_stop_for_lost_eligibility_is_appealed_and_the_review_resumes_where_it_stopped() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-09-01", None).await;
    acc.accept("2026-09-10").await;
    acc.plan("2026-11-30", "2026-12-01").await;
    acc.post(
        "stop",
        &acc.office,
        json!({"stopped_on": "2026-10-01", "reason": "サービスaの提供を終了したとの報告"}),
    )
    .await
    .assert_status(200);
    let case = acc.case().await;
    assert_eq!(case["status"], "stopped");
    assert!(crate::acc_fixture::deadlines(&case).is_empty());
    // Appealed as a decision of no eligibility, the month counted from when it was known.
    let r = app
        .post_json(
            &acc.path("appeals"),
            Some(&acc.org_user),
            &appeal_body("2026-10-03", "2026-10-20"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["subject"], "ineligibility");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    overturn(&app, &acc.office, &id, "2026-11-10").await;
    // The review resumes in the self-study, which is due again.
    let case = acc.case().await;
    assert_eq!(case["status"], "self_study");
    assert_eq!(
        crate::acc_fixture::deadlines(&case),
        crate::acc_fixture::pairs(&[("self_study", "2026-11-30")])
    );
    acc.submit_self_study("2026-11-20").await;
    assert_eq!(acc.status().await, "site_visit");
}

#[tokio::test]
async fn acc_1_3_acc_21_after_an_overturned_ineligibility_the_corrected_legal_form_lets_the_office_accept() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-09-01", None).await;
    let change = |legal_form: &str| json!({"notified_on": "2026-09-05", "legal_form": legal_form});
    let org_path = format!("/api/v1/organizations/{}/changes", acc.org_id);
    // Recorded as a limited liability partnership: computed not eligible (ACC-1(3)), so only a refusal is possible.
    app.post_json(&org_path, Some(&acc.office), &change("llp"))
        .await
        .assert_status(200);
    assert_eq!(acc.case().await["eligibility"]["eligible"], false);
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": true, "decided_on": "2026-09-30"}),
    )
    .await
    .assert_status(409);
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": false, "decided_on": "2026-09-30"}),
    )
    .await
    .assert_status(200);
    let r = app
        .post_json(
            &acc.path("appeals"),
            Some(&acc.org_user),
            &appeal_body("2026-10-02", "2026-10-20"),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    overturn(&app, &acc.office, &id, "2026-11-10").await;
    assert_eq!(acc.status().await, "submitted");
    // The record was wrong: the organization corrects its legal form (and address), and the office accepts.
    let bad = app
        .post_json(
            &org_path,
            Some(&acc.org_user),
            &json!({"notified_on": "2026-11-11", "legal_form": "合同"}),
        )
        .await;
    bad.assert_status(400);
    assert_eq!(bad.error_fields(), vec!["legal_form"]);
    let r = app
        .post_json(
            &org_path,
            Some(&acc.org_user),
            &json!({"notified_on": "2026-11-11", "legal_form": "kabushiki_kaisha",
                    "prefecture": "40", "address": "福岡県北九州市小倉北区1-1"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["legal_form"], "kabushiki_kaisha");
    assert_eq!(r.json()["address"], "福岡県北九州市小倉北区1-1");
    // A prefecture that contradicts the address is refused as on creation (REG-8).
    app.post_json(
        &org_path,
        Some(&acc.org_user),
        &json!({"notified_on": "2026-11-11", "prefecture": "13"}),
    )
    .await
    .assert_status(400);
    assert_eq!(acc.case().await["eligibility"]["eligible"], true);
    assert_eq!(acc.accept("2026-11-20").await["status"], "accepted");
}

#[tokio::test]
async fn acc_21_appeal_against_a_revocation_overturned_restores_the_accreditation() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let path = format!("/api/v1/accreditations/{number}/appeals");
    // Not revoked: nothing to appeal.
    app.post_json(
        &path,
        Some(&acc.org_user),
        &appeal_body("2026-09-03", "2026-09-10"),
    )
    .await
    .assert_status(409);
    // Revoked 2026-09-01 (part 1 builds revocation; here the status is set through the history module).
    let aid = nintei_store::accreditations::id_by_number(app.state.db.pool(), &number)
        .await
        .unwrap()
        .unwrap();
    let (office_id, _) = app.login(Role::Office, None).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    assert!(
        nintei_store::accreditations::change_status(
            &mut tx,
            &aid,
            "active",
            "revoked",
            "revoked",
            d("2026-09-01"),
            &json!({"reason": "ACC-18"}),
            Some(&office_id),
            0,
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(public(&app, &number).await["status"], "revoked");
    // Known 2026-09-03 → by 2026-10-03, a Saturday → 2026-10-05.
    app.post_json(
        &path,
        Some(&acc.org_user),
        &appeal_body("2026-09-03", "2026-10-06"),
    )
    .await
    .assert_status(409);
    let r = app
        .post_json(
            &path,
            Some(&acc.org_user),
            &appeal_body("2026-09-03", "2026-10-05"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["subject"], "revocation");
    assert_eq!(r.json()["filing_due_on"], "2026-10-05");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // The office user who revoked is involved; a fresh member decides in a meeting.
    let (m1_id, _) = app.login(Role::Committee, None).await;
    let r = app
        .post_json(
            &format!("/api/v1/accreditation/appeals/{id}/decision"),
            Some(&acc.head),
            &json!({"outcome": "overturned", "decided_on": "2026-11-10", "method": "meeting", "members": [m1_id]}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(public(&app, &number).await["status"], "active");
    let kinds = event_kinds(&app, &number).await;
    for k in ["revoked", "appeal_filed", "revocation_overturned"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    // Another organization cannot appeal it (404, as for a number that does not exist).
    let other = app.organization("株式会社ほかの機関").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other)).await;
    app.post_json(&path, Some(&stranger), &appeal_body("2026-09-03", "2026-10-05"))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn acc_19_the_daily_job_sends_the_renewal_notice_twelve_months_before_expiry_once() {
    let app = TestApp::new().await;
    // docs/rules.md: accredited 2026-04-01 → valid through 2029-03-31 → the notice is due by 2028-03-31.
    let (acc, number) = accredited(&app, "2026-04-01").await;
    assert_eq!(public(&app, &number).await["expires_on"], "2029-03-31");
    at(&app, "2028-03-30");
    assert_eq!(
        nintei_app::acc::renewal::send_renewal_notices(&app.state, d("2028-03-30"))
            .await
            .unwrap(),
        0
    );
    at(&app, "2028-03-31");
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "w1").await.unwrap();
    assert_eq!(
        event_kinds(&app, &number)
            .await
            .iter()
            .filter(|k| *k == "renewal_notice_sent")
            .count(),
        1
    );
    // Again, and two workers at once: still one notice.
    let (a, b) = tokio::join!(
        nintei_app::acc::renewal::send_renewal_notices(&app.state, d("2028-03-31")),
        nintei_app::acc::renewal::send_renewal_notices(&app.state, d("2028-03-31")),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0);
    assert_eq!(
        event_kinds(&app, &number)
            .await
            .iter()
            .filter(|k| *k == "renewal_notice_sent")
            .count(),
        1
    );
    let subjects = mail_subjects(&app).await;
    assert_eq!(subjects.iter().filter(|s| s.contains("認定の更新")).count(), 1);
    // The organization's deadline: renewed by the expiry.
    let aid = nintei_store::accreditations::id_by_number(app.state.db.pool(), &number)
        .await
        .unwrap()
        .unwrap();
    let ds = nintei_store::deadlines::for_subject(app.state.db.pool(), "accreditation", &aid)
        .await
        .unwrap();
    let renewal = ds.iter().find(|d| d.kind == "renewal").unwrap();
    assert_eq!(renewal.due_on, "2029-03-31");
    assert_eq!(renewal.owner, "organization");
    let _ = acc;
}

#[tokio::test]
async fn acc_19_renewal_after_an_extension_dates_from_the_day_after_the_pre_extension_expiry() {
    let app = TestApp::new().await;
    // The whole story is told on 2029-07-01 (every date entered has happened).
    at(&app, "2029-07-01");
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    let first_case = acc.case_id.clone();
    let r = app
        .post_json(
            &format!("/api/v1/accreditations/{number}/renewal"),
            Some(&acc.org_user),
            &crate::acc_fixture::application(&acc.org_id, "2029-01-10"),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["kind"], "renewal");
    acc.case_id = r.json()["id"].as_str().unwrap().to_owned();
    let case = acc.case().await;
    assert_eq!(case["kind"], "renewal");
    assert_eq!(case["renews"]["number"], json!(number));
    // A second renewal application while one is open: 409.
    app.post_json(
        &format!("/api/v1/accreditations/{number}/renewal"),
        Some(&acc.org_user),
        &crate::acc_fixture::application(&acc.org_id, "2029-01-11"),
    )
    .await
    .assert_status(409);
    // Same procedure and fees as the first time.
    acc.accept("2029-01-20").await;
    let fees = |case: &str| {
        let pool = app.state.db.pool().clone();
        let case = case.to_owned();
        async move {
            nintei_store::invoices::for_case(&mut pool.acquire().await.unwrap(), &case)
                .await
                .unwrap()[0]
                .subtotal_yen
        }
    };
    assert_eq!(fees(&acc.case_id).await, fees(&first_case).await);
    assert_eq!(fees(&acc.case_id).await, 620_000);
    acc.plan("2029-02-28", "2029-03-10").await;
    acc.submit_self_study("2029-02-20").await;
    // The extension of validity, asked with reasons during the review; only the organization asks.
    let ext = json!({"requested_on": "2029-03-01", "requested_until": "2029-06-30",
                     "reasons": "実地調査の日程が委員会の開催後になったため"});
    acc.post("extension", &acc.office, ext.clone())
        .await
        .assert_status(403);
    acc.post(
        "extension",
        &acc.org_user,
        json!({"requested_on": "2029-03-01", "requested_until": "2029-03-31", "reasons": "x"}),
    )
    .await
    .assert_status(409);
    acc.post("extension", &acc.org_user, ext.clone())
        .await
        .assert_status(201);
    acc.post("extension", &acc.org_user, ext).await.assert_status(409);
    let r = acc
        .post(
            "extension/decision",
            &acc.office,
            json!({"granted": true, "decided_on": "2029-03-05"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "granted");
    assert_eq!(public(&app, &number).await["expires_on"], "2029-06-30");
    acc.post(
        "extension/decision",
        &acc.office,
        json!({"granted": false, "decided_on": "2029-03-06"}),
    )
    .await
    .assert_status(409);
    acc.assign_surveyors().await;
    acc.rate_all(&[]).await;
    assert_eq!(acc.report("2029-03-20").await["status"], "committee");
    acc.decide(json!({"outcome": "accredit", "decided_on": "2029-06-15"}))
        .await
        .assert_status(200);
    // Renewed: from the day after the pre-extension expiry (2029-03-31), three years.
    let p = public(&app, &number).await;
    assert_eq!(p["accredited_on"], "2029-04-01");
    assert_eq!(p["expires_on"], "2032-03-31");
    assert_eq!(p["status"], "active");
    let kinds = event_kinds(&app, &number).await;
    for k in ["extension_requested", "extended", "renewed"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    // No second accreditation was created.
    assert_eq!(app.count("accreditations").await, 1);
}

#[tokio::test]
async fn acc_20_adding_a_service_is_reviewed_on_its_standards_and_ending_one_updates_the_services() {
    let app = TestApp::new().await;
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    let path = format!("/api/v1/accreditations/{number}/services");
    // Six months of track record as of the application: started 2026-06-01 → first day 2026-12-01.
    let r = app
        .post_json(
            &path,
            Some(&acc.org_user),
            &json!({"services": [{"code": "c", "started_on": "2026-06-01"}], "applied_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("ACC-20"), "{}", r.text());
    // A service accredited already: 400.
    app.post_json(
        &path,
        Some(&acc.org_user),
        &json!({"services": [{"code": "a", "started_on": "2025-03-01"}], "applied_on": "2026-11-20"}),
    )
    .await
    .assert_status(400);
    let r = app
        .post_json(
            &path,
            Some(&acc.org_user),
            &json!({"services": [{"code": "c", "started_on": "2026-05-01"}], "applied_on": "2026-11-10"}),
        )
        .await;
    r.assert_status(201);
    acc.case_id = r.json()["id"].as_str().unwrap().to_owned();
    let case = acc.case().await;
    assert_eq!(case["kind"], "scope_addition");
    assert_eq!(case["eligibility"]["eligible"], true);
    assert_eq!(case["fees"]["total_yen"], 60_000);
    acc.accept("2026-11-12").await;
    let invoice = &nintei_store::invoices::for_case(&mut app.state.db.acquire().await.unwrap(), &acc.case_id)
        .await
        .unwrap()[0];
    assert_eq!(invoice.subtotal_yen, 60_000);
    assert_eq!(invoice.total_yen, 66_000);
    acc.plan("2026-11-16", "2026-11-18").await;
    acc.submit_self_study("2026-11-16").await;
    acc.assign_surveyors().await;
    // Restricted to the added service's standards.
    let standards = app
        .get("/api/v1/accreditation/standards", Some(&acc.lead))
        .await
        .json();
    let items = standards["items"].as_array().unwrap();
    let c_codes: Vec<String> = items
        .iter()
        .filter(|s| s["service"] == "c")
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect();
    let common = items.iter().find(|s| s["service"].is_null()).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    acc.rate(&acc.lead, &common, 1).await.assert_status(400);
    for code in &c_codes {
        acc.rate(&acc.lead, code, 1).await.assert_status(201);
    }
    // ACC-10: the report follows the visit's last day (2026-11-19).
    assert_eq!(acc.report("2026-11-20").await["status"], "committee");
    acc.decide(json!({"outcome": "accredit", "decided_on": "2026-11-20"}))
        .await
        .assert_status(200);
    let p = public(&app, &number).await;
    assert_eq!(p["services"], json!(["a", "b", "c"]));
    assert_eq!(p["accredited_on"], "2026-04-01");
    assert_eq!(p["expires_on"], "2029-03-31");
    let kinds = event_kinds(&app, &number).await;
    for k in ["service_added", "certificate_return_requested"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    // Ending a service (the organization's notice): services updated, certificate returned and reissued.
    let end = format!("/api/v1/accreditations/{number}/service-endings");
    let r = app
        .post_json(
            &end,
            Some(&acc.org_user),
            &json!({"service": "b", "ended_on": "2026-11-10", "notified_on": "2026-11-15"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["services"], json!(["a", "c"]));
    assert_eq!(public(&app, &number).await["services"], json!(["a", "c"]));
    let kinds = event_kinds(&app, &number).await;
    for k in ["service_ended", "certificate_reissue_requested"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "certificate_return_requested")
            .count(),
        2
    );
    app.post_json(
        &end,
        Some(&acc.org_user),
        &json!({"service": "b", "ended_on": "2026-11-10", "notified_on": "2026-11-15"}),
    )
    .await
    .assert_status(409);
    app.post_json(
        &end,
        Some(&acc.org_user),
        &json!({"service": "a", "ended_on": "2026-11-10", "notified_on": "2026-11-15"}),
    )
    .await
    .assert_status(200);
    // The last service: a lapse (ACC-17), not a scope change.
    app.post_json(
        &end,
        Some(&acc.org_user),
        &json!({"service": "c", "ended_on": "2026-11-10", "notified_on": "2026-11-15"}),
    )
    .await
    .assert_status(409);
    // Another organization's accreditation is not revealed.
    let other = app.organization("株式会社ほかの機関").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other)).await;
    app.post_json(
        &end,
        Some(&stranger),
        &json!({"service": "c", "ended_on": "2026-11-10", "notified_on": "2026-11-15"}),
    )
    .await
    .assert_status(404);
}

#[tokio::test]
async fn acc_21_the_appeal_screens_show_the_filing_and_the_review_in_japanese() {
    let app = TestApp::new().await;
    let acc = denied(&app).await;
    let r = app
        .post_json(
            &acc.path("appeals"),
            Some(&acc.org_user),
            &appeal_body("2026-01-15", "2026-02-16"),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let (_, email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut b = crate::support::Browser::new(&app);
    b.sign_in(&email, crate::support::PASSWORD).await;
    let list = b.get("/accreditation/appeals").await;
    list.assert_status(200);
    assert!(list.text().contains("認定の否認"), "{}", list.text());
    let page = b.get(&format!("/accreditation/appeals/{id}")).await;
    page.assert_status(200);
    let html = page.text();
    for s in [
        "不服申立て",
        "山田 太郎",
        "改善記録（2025年12月）",
        "2026-04-16",
        "審査中",
    ] {
        assert!(html.contains(s), "{s} missing");
    }
    // Another organization's user: 404.
    let other = app.organization("株式会社ほかの機関").await;
    let (_, email) = app.user(Role::Organization, Some(&other)).await;
    let mut stranger = crate::support::Browser::new(&app);
    stranger.sign_in(&email, crate::support::PASSWORD).await;
    stranger
        .get(&format!("/accreditation/appeals/{id}"))
        .await
        .assert_status(404);
}
