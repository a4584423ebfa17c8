//! REG-7: public reports (no account, throttled, honeypot, confidential contact) and the deregistration case:
//! document request with a due date, on-site investigation and hearing records, referral to the registration
//! review committee, votes with conflict recusal (ACC-8), the decision, and the registration's status.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::reg_common::{register, setup};
use crate::support::{TestApp, TestResponse};

/// A report from the public, from a given client address.
async fn report_from(app: &TestApp, address: &str, body: &Value) -> TestResponse {
    let mut req = Request::post("/api/v1/public/reports")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

async fn status_of(app: &TestApp, token: &str, number: &str) -> String {
    let r = app
        .get(&format!("/api/v1/registrations/{number}"), Some(token))
        .await;
    r.json()["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn reg7_public_report_leads_through_committee_to_deregistration() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    // The reports come in on 2026-11-04, before the office opens the case (REG-7: dates in order).
    crate::reg_common::set_day(&app, "2026-11-04");

    // The public report: no account, contact optional and confidential.
    let report = json!({"registration_number": number,
                        "message": "案内に記載の臨床心理士が実際には勤務していないようです（名義貸し）。",
                        "contact_email": "hokoku@example.jp"});
    report_from(&app, "192.0.2.10", &report).await.assert_status(202);
    // A filled honeypot gets the same answer and is dropped.
    let mut bot = report.clone();
    bot["website"] = json!("http://spam.example");
    report_from(&app, "192.0.2.11", &bot).await.assert_status(202);
    let junk = json!({"registration_number": "nonsense", "message": "", "website": "x"});
    report_from(&app, "192.0.2.11", &junk).await.assert_status(202);
    assert_eq!(app.count("reg_reports").await, 1);
    // Bad input names its field; an unknown number too (numbers are public).
    let r = report_from(
        &app,
        "192.0.2.12",
        &json!({"registration_number": "REG-26-1", "message": " "}),
    )
    .await;
    assert_eq!(
        r.assert_status(400).error_fields(),
        ["registration_number", "message"]
    );
    let r = report_from(
        &app,
        "192.0.2.12",
        &json!({"registration_number": "REG-2026-0999", "message": "x", "contact_email": "not mail"}),
    )
    .await;
    assert_eq!(r.assert_status(400).error_fields(), ["contact_email"]);
    app.clock.set(crate::support::t0());

    // The inbox: the registrar sees the contact; the organization and the committee do not see the inbox.
    let inbox = app.get("/api/v1/registration/reports", Some(&reg.office)).await;
    inbox.assert_status(200);
    let item = inbox.json()["items"][0].clone();
    assert_eq!(item["contact_email"], "hokoku@example.jp");
    assert_eq!(item["status"], "new");
    assert!(item["received_at"].as_str().unwrap().ends_with("+09:00"));
    let report_id = item["id"].as_str().unwrap().to_owned();
    let (_, member) = app.login(Role::Committee, None).await;
    for token in [&reg.org, &member] {
        app.get("/api/v1/registration/reports", Some(token))
            .await
            .assert_status(403);
    }

    // The office opens the case from the report: the registration is under investigation, still in force.
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-11-05",
                    "reason": "通報：相談対応者の名義貸しの疑い", "report_ids": [report_id]}),
        )
        .await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/registration/investigations/{case}");
    assert_eq!(status_of(&app, &reg.org, &number).await, "under_investigation");
    // The same report cannot open a second case; nor can the registration be investigated twice.
    app.post_json(
        "/api/v1/registration/investigations",
        Some(&reg.office),
        &json!({"registration_number": number, "opened_on": "2026-11-05", "reason": "重複"}),
    )
    .await
    .assert_status(409);

    // Document request with a due date after the request day.
    let docs = format!("{base}/document-requests");
    assert_eq!(
        app.post_json(
            &docs,
            Some(&reg.office),
            &json!({"requested_on": "2026-11-06", "due_on": "2026-11-06", "items": "勤務実績"})
        )
        .await
        .assert_status(400)
        .error_fields(),
        ["due_on"]
    );
    let r = app
        .post_json(
            &docs,
            Some(&reg.office),
            &json!({"requested_on": "2026-11-06", "due_on": "2026-11-20",
                    "items": "相談対応者の勤務実績（直近6か月）、雇用契約書の写し"}),
        )
        .await;
    r.assert_status(201);
    let request_id = r.json()["id"].as_str().unwrap().to_owned();
    app.post_json(
        &format!("{docs}/{request_id}/receipt"),
        Some(&reg.office),
        &json!({"received_on": "2026-11-09"}),
    )
    .await
    .assert_status(200);
    // On-site investigation and hearing records.
    for (kind, day, summary) in [
        (
            "on_site_investigation",
            "2026-11-10",
            "相談室を訪問。臨床心理士の勤務実態を確認できず。",
        ),
        ("hearing", "2026-11-12", "代表者から聴聞。名義貸しを認める。"),
    ] {
        app.post_json(
            &format!("{base}/records"),
            Some(&reg.office),
            &json!({"kind": kind, "held_on": day, "summary": summary}),
        )
        .await
        .assert_status(201);
    }
    // The organization sees the request and its due date, but not the reports or records.
    let seen = app.get(&base, Some(&reg.org)).await;
    seen.assert_status(200);
    let seen = seen.json();
    assert_eq!(seen["document_requests"][0]["due_on"], "2026-11-20");
    assert!(seen.get("reports").is_none() && seen.get("records").is_none());
    assert!(!seen.to_string().contains("hokoku@example.jp"));

    // Committee members see nothing before the referral.
    app.get(&base, Some(&member)).await.assert_status(404);
    app.post_json(
        &format!("{base}/votes"),
        Some(&member),
        &json!({"outcome": "deregister"}),
    )
    .await
    .assert_status(404);
    let r = app
        .post_json(
            &format!("{base}/referral"),
            Some(&reg.office),
            &json!({"referred_on": "2026-11-13", "reason": "登録基準1(2)を満たさないおそれ"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "referred");
    assert_eq!(status_of(&app, &reg.org, &number).await, "deregistration_review");

    // Votes: a member with a declared conflict is recused (404 on everything); the others vote.
    let (conflicted_id, conflicted) = app.login(Role::Committee, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&conflicted),
        &json!({"user_id": conflicted_id, "organization_id": reg.org_id, "reason": "顧問契約"}),
    )
    .await
    .assert_status(201);
    app.get(&base, Some(&conflicted)).await.assert_status(404);
    app.post_json(
        &format!("{base}/votes"),
        Some(&conflicted),
        &json!({"outcome": "maintain"}),
    )
    .await
    .assert_status(404);
    let listed = app
        .get("/api/v1/registration/investigations", Some(&conflicted))
        .await;
    assert_eq!(listed.json()["items"], json!([]));
    let (_, member2) = app.login(Role::Committee, None).await;
    for token in [&member, &member2] {
        app.post_json(
            &format!("{base}/votes"),
            Some(token),
            &json!({"outcome": "deregister", "comment": "名義貸しは基準1(2)に反する"}),
        )
        .await
        .assert_status(201);
    }
    let committee_view = app.get(&base, Some(&member)).await.json();
    assert_eq!(committee_view["votes"].as_array().unwrap().len(), 2);
    assert_eq!(committee_view["reports"][0]["contact_email"], json!(null));

    // The public check before the decision (it is cached until a listing change moves the directory's generation).
    let public = format!("/api/v1/public/registrations/{number}");
    assert_eq!(app.get(&public, None).await.json()["status"], "registered");
    // The decision: only office or head, and only what the majority voted.
    let decision = format!("{base}/decision");
    let body = json!({"outcome": "deregister", "decided_on": "2026-11-18", "reason": "登録基準1(2)違反"});
    app.post_json(&decision, Some(&reg.org), &body)
        .await
        .assert_status(403);
    app.post_json(&decision, Some(&member), &body)
        .await
        .assert_status(403);
    app.post_json(
        &decision,
        Some(&reg.office),
        &json!({"outcome": "maintain", "decided_on": "2026-11-18", "reason": "x"}),
    )
    .await
    .assert_status(409);
    let r = app.post_json(&decision, Some(&reg.office), &body).await;
    r.assert_status(200);
    assert_eq!(r.json()["decision"]["outcome"], "deregister");
    assert_eq!(r.json()["registration_status"], "deregistered");
    let v = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.org))
        .await
        .json();
    assert_eq!(v["status"], "deregistered");
    assert_eq!(v["ended_on"], "2026-11-18");
    // REG-5: the public check says so at once.
    assert_eq!(app.get(&public, None).await.json()["status"], "deregistered");
    // Nothing moves after the decision.
    app.post_json(
        &format!("{base}/votes"),
        Some(&member),
        &json!({"outcome": "maintain"}),
    )
    .await
    .assert_status(409);
    app.post_json(&decision, Some(&reg.office), &body)
        .await
        .assert_status(409);
    let history = nintei_store::audit::history(&app.state.db, "reg_investigation", &case)
        .await
        .unwrap();
    assert_eq!(history[0].action, "reg_investigation.decide");
    assert!(matches!(
        nintei_store::audit::verify(&app.state.db).await.unwrap(),
        nintei_store::ChainReport::Intact { .. }
    ));
}

// REG-7: an investigation that finds nothing ends without referral; the registration stays.
#[tokio::test]
async fn reg7_investigation_closed_without_referral_keeps_the_registration() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-10-01", "reason": "ウェブサイトの記載の確認"}),
        )
        .await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/registration/investigations/{case}");
    // Dates in order: not before the opening.
    assert_eq!(
        app.post_json(
            &format!("{base}/closure"),
            Some(&reg.office),
            &json!({"closed_on": "2026-09-30", "reason": "問題なし"})
        )
        .await
        .assert_status(400)
        .error_fields(),
        ["closed_on"]
    );
    let (_, head) = app.login(Role::Head, None).await;
    app.post_json(
        &format!("{base}/closure"),
        Some(&head),
        &json!({"closed_on": "2026-10-20", "reason": "問題なし"}),
    )
    .await
    .assert_status(403);
    app.post_json(
        &format!("{base}/closure"),
        Some(&reg.office),
        &json!({"closed_on": "2026-10-20", "reason": "記載は適切と確認"}),
    )
    .await
    .assert_status(200);
    assert_eq!(status_of(&app, &reg.org, &number).await, "registered");
    app.post_json(
        &format!("{base}/referral"),
        Some(&reg.office),
        &json!({"referred_on": "2026-10-21", "reason": "x"}),
    )
    .await
    .assert_status(409);
}

// REG-7: the form is throttled per client address and per registration number (in the database).
#[tokio::test]
async fn reg7_public_reports_are_throttled() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let body = json!({"registration_number": number, "message": "確認をお願いします"});
    for _ in 0..5 {
        report_from(&app, "198.51.100.7", &body).await.assert_status(202);
    }
    let r = report_from(&app, "198.51.100.7", &body).await;
    r.assert_status(429);
    assert!(!r.header("retry-after").is_empty());
    app.clock.advance(chrono::Duration::minutes(61));
    report_from(&app, "198.51.100.7", &body).await.assert_status(202);
    // Per number: 20 a day whatever the address.
    for i in 0..14 {
        report_from(&app, &format!("203.0.113.{i}"), &body)
            .await
            .assert_status(202);
    }
    report_from(&app, "203.0.113.200", &body).await.assert_status(429);
    assert_eq!(app.count("reg_reports").await, 20);
}
