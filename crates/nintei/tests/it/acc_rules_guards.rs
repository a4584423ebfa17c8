//! Guards at the edges of the ACC lifecycle: the site-visit report is not dated before the visit has ended
//! (ACC-10), the report waits for accepted self-study fixes (ACC-6), a committee member who declares a conflict
//! after voting leaves the tally (ACC-8), ending services down to none of a, c, d is flagged (ACC-1(1)), the board's
//! decision and paper withdrawals (ACC-3), and an accredited organization renews or adds services instead of
//! applying again as new (ACC-19, ACC-20).

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::{Acc, accredited, application};
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

/// The office's open eligibility deadline of an accreditation, as (title, due_on), if any.
async fn eligibility_deadline(app: &TestApp, number: &str) -> Option<(String, String)> {
    let id = nintei_store::accreditations::id_by_number(app.state.db.pool(), number)
        .await
        .unwrap()
        .unwrap();
    nintei_store::deadlines::for_subject(app.state.db.pool(), "accreditation", &id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == "eligibility_review" && d.met_on.is_none() && !d.waived)
        .map(|d| {
            assert_eq!(d.owner, "office");
            (d.title, d.due_on)
        })
}

#[tokio::test]
async fn acc_1_1_acc_18_ending_the_last_of_a_c_d_flags_the_accreditation_for_the_office() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let end = format!("/api/v1/accreditations/{number}/service-endings");
    let r = app
        .post_json(
            &end,
            Some(&acc.org_user),
            &json!({"service": "a", "ended_on": "2026-06-01", "notified_on": "2026-06-05"}),
        )
        .await;
    r.assert_status(200);
    // Only b (education) is left: still in force until the committee decides, but no longer eligible.
    assert_eq!(r.json()["services"], json!(["b"]));
    assert_eq!(r.json()["status"], "active");
    assert_eq!(r.json()["keeps_eligibility"], false);
    let record = r.json();
    let kinds: Vec<&str> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"eligibility_lost"), "{kinds:?}");
    let (title, due_on) = eligibility_deadline(&app, &number)
        .await
        .expect("the office's deadline");
    assert_eq!(due_on, "2026-07-05");
    // The office sees it on its deadline list and on the record; the organization's list does not carry it.
    let screen = |role: Role, org: Option<String>| {
        let app = &app;
        async move {
            let (_, email) = app.user(role, org.as_deref()).await;
            let mut b = crate::support::Browser::new(app);
            b.sign_in(&email, crate::support::PASSWORD)
                .await
                .assert_status(303);
            b
        }
    };
    let mut office = screen(Role::Office, None).await;
    let office_list = office.get("/deadlines").await.text();
    assert!(
        office_list.contains("受審資格の喪失"),
        "office list: {office_list}"
    );
    let mut own = screen(Role::Organization, Some(acc.org_id.clone())).await;
    let own_list = own.get("/deadlines").await.text();
    assert!(
        own_list.contains("<table") || own_list.contains("deadline"),
        "{own_list}"
    );
    assert!(!own_list.contains(&title), "organization list");
    let page = office.get(&format!("/accreditations/{number}")).await.text();
    assert!(page.contains("a・c・dのいずれも残っていません"), "record page");
    let org_page = own.get(&format!("/accreditations/{number}")).await.text();
    assert!(
        !org_page.contains("a・c・dのいずれも残っていません"),
        "the office's note only"
    );
    // The lapse ends what the accreditation owed, this deadline included.
    app.post_json(
        &format!("/api/v1/accreditations/{number}/lapse"),
        Some(&acc.office),
        &json!({"reason": "withdrawal", "occurred_on": "2026-07-01"}),
    )
    .await
    .assert_status(200);
    assert_eq!(eligibility_deadline(&app, &number).await, None);
}

#[tokio::test]
async fn acc_1_1_ending_a_service_that_leaves_a_c_or_d_flags_nothing() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let r = app
        .post_json(
            &format!("/api/v1/accreditations/{number}/service-endings"),
            Some(&acc.org_user),
            &json!({"service": "b", "ended_on": "2026-06-01", "notified_on": "2026-06-05"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["keeps_eligibility"], true);
    assert_eq!(eligibility_deadline(&app, &number).await, None);
}

#[tokio::test]
async fn acc_3_a_case_is_accepted_only_once_the_boards_decision_to_apply_is_on_record() {
    let app = TestApp::new().await;
    let no_board = |org: &str| {
        let mut body = application(org, "2025-09-01");
        body["board_decided"] = json!(false);
        body
    };
    let acc = Acc::new(&app, "2025-09-01", Some(&no_board)).await;
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2025-09-10"}),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("ACC-3"), "{}", r.text());
    assert_eq!(acc.status().await, "submitted");
    // The office saw the minutes: it confirms the board's decision as it accepts, and the case says so.
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2025-09-10", "board_decided": true}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "accepted");
    assert_eq!(r.json()["application"]["board_decided"], true);
    assert_eq!(r.json()["application"]["board_confirmed_on"], "2025-09-10");
    // A refusal needs no board decision; an API application that does not say (API.md) is accepted as declared.
    let other = Acc::new(&app, "2025-09-01", Some(&no_board)).await;
    other
        .post(
            "eligibility",
            &other.office,
            json!({"eligible": false, "decided_on": "2025-09-10"}),
        )
        .await
        .assert_status(200);
    let plain = Acc::new(&app, "2025-09-01", None).await;
    assert_eq!(plain.accept("2025-09-10").await["status"], "accepted");
}

#[tokio::test]
async fn acc_3_the_office_records_a_withdrawal_received_on_paper_with_its_date() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    let r = acc
        .post(
            "withdrawal",
            &acc.office,
            json!({"withdrawn_on": "2025-09-20", "reason": "辞退届（2025年9月20日付）を受領"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(acc.status().await, "withdrawn");
    assert_eq!(acc.case().await["withdrawn_on"], "2025-09-20");
    let paper = app
        .state
        .db
        .scalar_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'acc_case.withdraw' AND changes LIKE '%paper%'",
        )
        .await
        .unwrap();
    assert_eq!(paper, 1);
    // The head does not record withdrawals; a closed case has nothing left to withdraw.
    let again = acc
        .post("withdrawal", &acc.office, json!({"withdrawn_on": "2025-09-21"}))
        .await;
    again.assert_status(409);
}

#[tokio::test]
async fn acc_19_acc_20_an_accredited_organization_does_not_apply_again_as_new() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    let base = "/api/v1/accreditation/cases";
    // The same services, or others: the accreditation in force is renewed or extended, never duplicated.
    for services in [
        json!([{"code": "a", "started_on": "2025-03-01"}]),
        json!([{"code": "c", "started_on": "2025-03-01"}]),
    ] {
        let mut body = application(&acc.org_id, "2026-11-20");
        body["services"] = services;
        let r = app.post_json(base, Some(&acc.org_user), &body).await;
        r.assert_status(409);
        let detail = r.json()["detail"].as_str().unwrap_or_default().to_owned();
        assert!(
            detail.contains("MH-2025-0001") && detail.contains("更新申請") && detail.contains("追加申請"),
            "{detail}"
        );
        // Not for the office either.
        app.post_json(base, Some(&acc.office), &body)
            .await
            .assert_status(409);
    }
    assert_eq!(app.count("acc_cases").await, 1);
    // Once the accreditation has lapsed, a first application is what remains.
    app.post_json(
        "/api/v1/accreditations/MH-2025-0001/lapse",
        Some(&acc.office),
        &json!({"reason": "withdrawal", "occurred_on": "2026-11-01"}),
    )
    .await
    .assert_status(200);
    app.post_json(base, Some(&acc.org_user), &application(&acc.org_id, "2026-11-20"))
        .await
        .assert_status(201);
}

#[tokio::test]
async fn acc_12_recording_the_review_reports_sending_meets_its_deadline() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    // Not before a decision, and not after a hold (no review report for it).
    let early = acc
        .post(
            "notice",
            &acc.office,
            json!({"review_report_sent_on": "2025-12-05"}),
        )
        .await;
    early.assert_status(409);
    acc.decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    let kinds = |case: &serde_json::Value| -> Vec<String> {
        crate::acc_fixture::deadlines(case)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    assert!(kinds(&acc.case().await).contains(&"review_report".to_owned()));
    let before_decision = acc
        .post(
            "notice",
            &acc.office,
            json!({"review_report_sent_on": "2025-12-09"}),
        )
        .await;
    before_decision.assert_status(400);
    assert_eq!(before_decision.error_fields(), vec!["review_report_sent_on"]);
    // The organization cannot record it.
    acc.post(
        "notice",
        &acc.org_user,
        json!({"review_report_sent_on": "2026-01-20"}),
    )
    .await
    .assert_status(403);
    let r = acc
        .post(
            "notice",
            &acc.office,
            json!({"review_report_sent_on": "2026-01-20"}),
        )
        .await;
    r.assert_status(200);
    let case = acc.case().await;
    assert_eq!(case["notice"]["review_report_sent_on"], "2026-01-20");
    let left = kinds(&case);
    assert!(!left.contains(&"review_report".to_owned()), "{left:?}");
    assert!(left.contains(&"result_notice".to_owned()), "{left:?}");
    // In the one deadline model too: met, no longer overdue on the office's list.
    let met: Option<String> =
        nintei_store::deadlines::for_subject(app.state.db.pool(), "acc_case", &acc.case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.kind == "review_report")
            .and_then(|d| d.met_on);
    assert!(met.is_some(), "the review_report deadline is met");
}

#[tokio::test]
async fn acc_11_a_decision_must_be_carried_by_the_rounds_votes_quorum_and_majority() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let (_, second) = app.login(Role::Committee, None).await;
    let (_, third) = app.login(Role::Committee, None).await;
    // A member with a conflict does not count towards the quorum (ACC-8).
    let (conflicted_id, _) = app.login(Role::Committee, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": conflicted_id, "organization_id": acc.org_id, "reason": "元顧問"}),
    )
    .await
    .assert_status(201);
    let accredit = json!({"outcome": "accredit", "decided_on": "2025-12-10"});
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    // One of three members voted: no quorum.
    let r = acc.decide(accredit.clone()).await;
    r.assert_status(409);
    assert!(r.text().contains("定足数"), "{}", r.text());
    // Two voted, one each way: no majority for either.
    acc.post("votes", &second, json!({"outcome": "deny"}))
        .await
        .assert_status(201);
    let r = acc.decide(accredit.clone()).await;
    r.assert_status(409);
    assert!(r.text().contains("過半数"), "{}", r.text());
    acc.decide(json!({"outcome": "deny", "decided_on": "2025-12-10"}))
        .await
        .assert_status(409);
    assert_eq!(acc.status().await, "committee");
    // The third carries it.
    acc.post("votes", &third, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    acc.decide(accredit).await.assert_status(200);
    assert_eq!(acc.status().await, "accredited");
}
